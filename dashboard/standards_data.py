"""Qualitätsstandards (internal page): who is looking, and the data behind every table, chart and download of the
page, as plain functions on the served frames (ki_standard_evaluations, ki_standards, ki_needs_offers, the KI report
files).

Everything the page shows passes through one of these functions together with a StandardsViewer, so what a viewer may
see is decided here, in one place, and tested here:
- the Landesweite Koordinierungsstelle sees every centre by name;
- a KI sees its own centre by name and the others only as an anonymous distribution: counts per standard and status,
  and ratios labelled "KI 1", "KI 2" ... numbered in the order of the values shown, never by name or code. A KI's
  need (the numerator of a public indicator at level KI) is published on the public pages, so a centre would be
  recognisable by its need: other centres' needs, offers, report files and reasons are therefore not passed on;
- without a role (public) nothing of the reports is passed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import PurePath

import pandas as pd

from dashboard.charts import HorizontalMark, ScatterPoint, scatter_svg
from dashboard.common import stand_text, table_label
from dashboard.formatting import format_number
from dashboard.labels import STATUS_NO_DATA

STATUS_MET = "erfüllt"
STATUS_MISSED = "nicht erfüllt"
STATUS_NOT_APPLICABLE = "entfällt"  # the standard's condition does not hold there (applies_if)
STATUSES = (STATUS_MET, STATUS_MISSED, STATUS_NO_DATA, STATUS_NOT_APPLICABLE)
STATUS_COLUMNS = {STATUS_MET: "Erfüllt", STATUS_MISSED: "Nicht erfüllt", STATUS_NO_DATA: "Keine Daten",
                  STATUS_NOT_APPLICABLE: "Entfällt"}

# Okabe-Ito blue and orange (distinguishable with the common colour-vision deficiencies), a neutral grey and white;
# every cell also carries a symbol and the word, so the status never depends on colour alone.
STATUS_COLOURS = {STATUS_MET: "#0072B2", STATUS_MISSED: "#E69F00", STATUS_NO_DATA: "#C8C8C8",
                  STATUS_NOT_APPLICABLE: "#FFFFFF"}
STATUS_TEXT_COLOURS = {STATUS_MET: "#FFFFFF", STATUS_MISSED: "#000000", STATUS_NO_DATA: "#000000",
                       STATUS_NOT_APPLICABLE: "#000000"}
STATUS_SYMBOLS = {STATUS_MET: "✓", STATUS_MISSED: "✗", STATUS_NO_DATA: "?", STATUS_NOT_APPLICABLE: "–"}

ANONYMOUS_LABEL = "KI {number}"


@dataclass(frozen=True)
class StandardsViewer:
    """Who looks at the page. own_centre: the viewer's own KI as unit code ('KI05966'), None for the
    Koordinierungsstelle; names_visible: every centre by name (Koordinierungsstelle). Neither: no report data."""

    own_centre: str | None = None
    names_visible: bool = False

    @classmethod
    def koordinierungsstelle(cls) -> StandardsViewer:
        return cls(own_centre=None, names_visible=True)

    @classmethod
    def centre(cls, ki_ags: str) -> StandardsViewer:
        return cls(own_centre=ki_ags, names_visible=False)

    @property
    def sees_report_data(self) -> bool:
        return self.names_visible or self.own_centre is not None

    def sees_centre(self, ki_ags: str) -> bool:
        """May this viewer see the centre by name, with its details?"""
        return self.names_visible or (self.own_centre is not None and ki_ags == self.own_centre)

    def visible_centres(self, codes: Iterable[str]) -> list[str]:
        return [code for code in codes if self.sees_centre(code)]


def _visible(frame: pd.DataFrame, viewer: StandardsViewer) -> pd.DataFrame:
    """Only the rows of centres the viewer may see by name."""
    return frame[frame["ki_ags"].map(viewer.sees_centre).astype(bool)] if len(frame) else frame


def _for_viewer(frame: pd.DataFrame, viewer: StandardsViewer) -> pd.DataFrame:
    """Every row for a viewer with report access (for counts and distributions), none for the public."""
    return frame if viewer.sees_report_data else frame.iloc[0:0]


def pseudonyms(ordered_codes: Sequence[str], viewer: StandardsViewer, names: dict[str, str]) -> dict[str, str]:
    """The label of each centre: its name where the viewer may see it, else 'KI 1', 'KI 2' ... numbered in the order
    given. Callers pass the order of the values shown (best rank first), so the number says nothing that the row
    does not show itself; rows with equal values are identical on screen, so their order reveals nothing either.
    Numbers are per table: 'KI 3' here and 'KI 3' in another table or year need not be the same centre."""
    labels, number = {}, 0
    for code in ordered_codes:
        if viewer.sees_centre(code):
            labels[code] = names.get(code, code)
        else:
            number += 1
            labels[code] = ANONYMOUS_LABEL.format(number=number)
    return labels


# --- years and standards --------------------------------------------------------------------------------------------

def report_years(evaluations: pd.DataFrame) -> list[int]:
    """The report years with evaluations, latest first."""
    return sorted({int(year) for year in evaluations["year"]}, reverse=True)


def standard_order(evaluations: pd.DataFrame) -> list[str]:
    """Standard names in the order of the catalogue."""
    ordered = evaluations.drop_duplicates("standard_id").sort_values("standard_order")
    return ordered["standard_name_de"].tolist()


def centre_options(evaluations: pd.DataFrame, viewer: StandardsViewer) -> dict[str, str]:
    """The centres whose detail the viewer may open, code -> name, by name (a KI: only its own)."""
    centres = _visible(evaluations.drop_duplicates("ki_ags"), viewer).sort_values("ki_name")
    return dict(zip(centres["ki_ags"], centres["ki_name"]))


# --- matrix: centres x standards --------------------------------------------------------------------------------------

def status_matrix(evaluations: pd.DataFrame, year: int, viewer: StandardsViewer) -> pd.DataFrame:
    """One row per centre the viewer may see by name (Koordinierungsstelle: all, by name; a KI: its own), one column
    per standard with the status, and the number of standards met, missed and without data."""
    order = standard_order(evaluations)
    rows = _visible(evaluations[evaluations["year"] == year], viewer)
    columns = ["KI", "AGS", *order, *STATUS_COLUMNS.values()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    wide = rows.pivot(index=["ki_name", "ki_ags"], columns="standard_name_de", values="status").reindex(columns=order)
    wide = wide.reset_index().rename(columns={"ki_name": "KI", "ki_ags": "AGS"})
    for status, column in STATUS_COLUMNS.items():
        wide[column] = (wide[order] == status).sum(axis=1).astype(int)
    wide.columns.name = None
    return wide.sort_values("KI")[columns].reset_index(drop=True)


STYLE = """<style>
.im-status {border-collapse: collapse; font-size: 0.85rem; width: 100%; margin-bottom: 0.5rem}
.im-status th {text-align: left; vertical-align: bottom; font-weight: 600; font-size: 0.75rem; padding: 4px 4px;
  border-bottom: 1px solid #999; hyphens: manual}
.im-status td {padding: 3px 6px; border-bottom: 1px solid #E5E5E5; vertical-align: top}
.im-status td.status {text-align: center; white-space: nowrap; border: 1px solid #FFFFFF}
.im-status td.number {text-align: right}
.im-bar {display: flex; height: 1.5rem; min-width: 14rem}
.im-bar span {display: flex; align-items: center; justify-content: center; font-size: 0.8rem; overflow: hidden}
</style>"""


def _header(text: str) -> str:
    """A column header that wraps: long German compounds ('Migrantenselbstorganisationen') get soft hyphens, so the
    seven standard names fit the page's width without breaking a word at a random letter."""
    words = []
    for word in escape(text).split(" "):
        if len(word) > 12:
            word = "&shy;".join(word[i:i + 6] for i in range(0, len(word), 6))
        words.append(word)
    return " ".join(words)


def _status_cell(status, symbols_only: bool) -> str:
    if status not in STATUS_COLOURS:
        return '<td class="status">–</td>'
    text = STATUS_SYMBOLS[status] if symbols_only else f"{STATUS_SYMBOLS[status]} {status}"
    return (f'<td class="status" title="{escape(status)}" style="background:{STATUS_COLOURS[status]};'
            f'color:{STATUS_TEXT_COLOURS[status]}">{escape(text)}</td>')


def _plain_cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "<td></td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="number">{_number(value)}</td>'
    return f"<td>{escape(str(value))}</td>"


def status_table_html(frame: pd.DataFrame, status_columns: Sequence[str], css_class: str,
                      symbols_only: bool = False) -> str:
    """A table of statuses as the page draws it (plain HTML: a chart library per table made the page miss its load
    budget): each status cell in its colour with its symbol (and the word, unless symbols_only: then the legend
    under the table names them, and the word is the cell's tooltip). Headers wrap, so seven long standard names fit
    the width of the page."""
    columns = list(frame.columns)
    statuses = set(status_columns)
    head = "".join(f"<th>{_header(str(column))}</th>" for column in columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = [_status_cell(value, symbols_only) if column in statuses else _plain_cell(value)
                 for column, value in zip(columns, record)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'{STYLE}<table lang="de" class="im-status {css_class}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


# --- the standards most often missed ----------------------------------------------------------------------------------

def status_counts(evaluations: pd.DataFrame, year: int, viewer: StandardsViewer) -> pd.DataFrame:
    """Per standard in one year: how many centres met it, missed it, had no data; most often missed first (then in
    the order of the catalogue). Counts over all centres: no centre is named."""
    rows = _for_viewer(evaluations[evaluations["year"] == year], viewer)
    order = standard_order(evaluations)
    counts = pd.crosstab(rows["standard_name_de"], rows["status"]).reindex(index=order, columns=list(STATUSES),
                                                                           fill_value=0)
    frame = pd.DataFrame({
        "Standard": order,
        "Berichtsjahr": year,
        "Nicht erfüllt": counts[STATUS_MISSED].astype(int).to_numpy(),
        "Erfüllt": counts[STATUS_MET].astype(int).to_numpy(),
        "Keine Daten": counts[STATUS_NO_DATA].astype(int).to_numpy(),
        "Entfällt": counts[STATUS_NOT_APPLICABLE].astype(int).to_numpy(),
    })
    # a centre where the standard does not apply is not rated
    frame["Bewertete KI"] = frame[["Nicht erfüllt", "Erfüllt", "Keine Daten"]].sum(axis=1)
    frame["_order"] = range(len(frame))
    frame = frame.sort_values(["Nicht erfüllt", "_order"], ascending=[False, True]).drop(columns="_order")
    return frame.reset_index(drop=True) if viewer.sees_report_data else frame.iloc[0:0]


def missed_by_year(evaluations: pd.DataFrame, viewer: StandardsViewer) -> pd.DataFrame:
    """Per report year and standard: how many centres missed it (long format, for the small line chart)."""
    rows = _for_viewer(evaluations, viewer)
    order = standard_order(evaluations)
    years = sorted(rows["year"].unique())
    grid = pd.MultiIndex.from_product([years, order], names=["year", "standard_name_de"])
    missed = rows[rows["status"] == STATUS_MISSED].groupby(["year", "standard_name_de"]).size().reindex(grid,
                                                                                                       fill_value=0)
    rated = rows[rows["status"] != STATUS_NOT_APPLICABLE].groupby(["year", "standard_name_de"]).size().reindex(
        grid, fill_value=0)
    frame = pd.DataFrame({"Nicht erfüllt": missed.astype(int), "Bewertete KI": rated.astype(int)}).reset_index()
    return frame.rename(columns={"year": "Berichtsjahr", "standard_name_de": "Standard"})


def version_changes(standards: pd.DataFrame) -> pd.DataFrame:
    """The later versions of each standard (a threshold that changed): from which report year, and why."""
    later = standards[standards["version"] > 1].sort_values(["standard_order", "version"])
    return pd.DataFrame({
        "Standard": later["standard_name_de"], "Fassung": later["version"], "ab Berichtsjahr": later["valid_from"],
        "Regel": later["rule_de"], "Änderung": later["note_de"],
    }).reset_index(drop=True)


# --- one centre: detail and history -----------------------------------------------------------------------------------

def _number(value: float) -> str:
    """Counts without decimals, small ratios with two (0,67 against a threshold of 0,5), large ones with fewer."""
    if float(value).is_integer():
        return format_number(value)
    decimals = 2 if abs(value) < 10 else (1 if abs(value) < 1000 else 0)
    return format_number(value, decimals)


def _unit_suffix(unit: str | None) -> str:
    # 'Anzahl' says nothing next to a count
    return f" {unit}" if unit and unit != "Anzahl" else ""


def _value_text(row: pd.Series, unit: str | None) -> str:
    if pd.isna(row["value"]):
        return "–"
    if row["rule_type"] == "required_fact":
        return "ja" if row["value"] >= 1 else "nein"
    if row["rule_type"] == "offer_in_every_stage":
        return f"{int(row['value'])} von {int(row['threshold'])} Stufen"
    if row["rule_type"] == "max_age_years":
        # the date itself is in detail_de ('Beschluss vom ...')
        return f"{format_number(row['value'], 1)} Jahre"
    return _number(row["value"]) + _unit_suffix(unit)


def _threshold_text(row: pd.Series, unit: str | None) -> str:
    kind = row["rule_type"]
    if kind == "required_fact":
        return "ja" if bool(row["required_value"]) else "nein"
    if pd.isna(row["threshold"]):
        return "–"
    if kind == "offer_in_every_stage":
        return f"alle {int(row['threshold'])} Stufen"
    if kind == "max_age_years":
        return f"höchstens {format_number(row['threshold'])} Jahre"
    word = "mindestens" if kind == "minimum" else "höchstens"
    return f"{word} {_number(row['threshold'])}{_unit_suffix(unit)}"


DETAIL_COLUMNS = ["Standard", "Status", "Wert", "Schwelle", "Regel", "Erläuterung", "Fassung", "Hinweis zur Fassung"]


def centre_detail(evaluations: pd.DataFrame, standards: pd.DataFrame, year: int, ki_ags: str,
                  viewer: StandardsViewer) -> pd.DataFrame:
    """Each standard for one centre and year: status, value, threshold and rule of the version valid then, the
    reason (detail_de), and the note when an older version governs the year ('Bewertet nach der damals gültigen
    Fassung ...'). Empty unless the viewer may see the centre."""
    if not viewer.sees_centre(ki_ags):
        return pd.DataFrame(columns=DETAIL_COLUMNS)
    rows = evaluations[(evaluations["year"] == year) & (evaluations["ki_ags"] == ki_ags)].sort_values("standard_order")
    units = standards.set_index("version_id")["metric_unit"]
    return pd.DataFrame({
        "Standard": rows["standard_name_de"],
        "Status": rows["status"],
        "Wert": [_value_text(row, units.get(row["version_id"])) for _, row in rows.iterrows()],
        "Schwelle": [_threshold_text(row, units.get(row["version_id"])) for _, row in rows.iterrows()],
        "Regel": rows["rule_de"],
        "Erläuterung": rows["detail_de"].fillna(""),
        "Fassung": rows["version"].astype(int),
        "Hinweis zur Fassung": rows["versioning_note_de"].fillna(""),
    }).reset_index(drop=True)


def centre_history(history: pd.DataFrame, ki_ags: str, viewer: StandardsViewer) -> pd.DataFrame:
    """One centre's status per standard (rows) and report year (columns, oldest first). Empty unless the viewer may
    see the centre."""
    rows = history[history["ki_ags"] == ki_ags] if viewer.sees_centre(ki_ags) else history.iloc[0:0]
    if rows.empty:
        return pd.DataFrame(columns=["Standard"])
    order = standard_order(rows)
    wide = rows.pivot(index="standard_name_de", columns="year", values="status").reindex(order)
    wide.columns = [str(int(year)) for year in wide.columns]
    return wide.rename_axis("Standard").reset_index()


def history_notes(history: pd.DataFrame, ki_ags: str, viewer: StandardsViewer) -> list[str]:
    """For each standard judged under an older version in some years: which years, which version, and in which years
    the current version would have judged differently."""
    rows = history[history["ki_ags"] == ki_ags] if viewer.sees_centre(ki_ags) else history.iloc[0:0]
    older = rows[~rows["is_current_version"].astype(bool)]
    notes = []
    for (_, name, version, rule), part in older.groupby(
            ["standard_order", "standard_name_de", "version", "rule_de"], sort=True):
        years = sorted(int(y) for y in part["year"])
        current = part["current_rule_de"].iloc[0]
        differs = sorted(int(y) for y in part.loc[part["differs_from_current_version"].astype(bool), "year"])
        text = (f"**{name}:** {_year_span(years)} bewertet nach der damals gültigen Fassung {int(version)} ({rule}). "
                f"Nach der aktuellen Fassung ({current}) ")
        text += (f"wäre das Ergebnis anders in: {', '.join(map(str, differs))}." if differs
                 else "wäre das Ergebnis in allen diesen Jahren dasselbe.")
        notes.append(text)
    return notes


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]} bis {years[-1]}"
    return ", ".join(map(str, years))


# --- needs against offers ---------------------------------------------------------------------------------------------

NEEDS_OFFERS_COLUMNS = [
    "KI", "AGS", "Berichtsjahr", "Kennzahl", "Bedarf", "Angebot", "Verhältnis", "Einheit", "Verhältnis zum Median",
    "Rang", "Anzahl im Rang", "Median aller KI", "Alle KI zusammen", "Hinweis", "Hervorgehoben",
]


def ratio_options(needs_offers: pd.DataFrame) -> dict[str, str]:
    """The ratios (metric_id -> German name) in the order of their names."""
    ratios = needs_offers.drop_duplicates("metric_id").sort_values("name_de")
    return dict(zip(ratios["metric_id"], ratios["name_de"]))


def needs_offers_frame(needs_offers: pd.DataFrame, metric_id: str, year: int, viewer: StandardsViewer,
                       highlighted: str | None = None) -> pd.DataFrame:
    """Every centre's ratio of one kind in one year, best rank first, centres without a ratio last. Centres the
    viewer may see carry name, code, need, offer and the reason for a missing ratio; the others only a pseudonym
    ('KI 1' ...), their ratio and rank (the need is public per KI and would name the centre). highlighted: the
    centre to mark (the chosen one; for a KI always its own)."""
    rows = _for_viewer(needs_offers[(needs_offers["metric_id"] == metric_id) & (needs_offers["year"] == year)],
                       viewer)
    if rows.empty:
        return pd.DataFrame(columns=NEEDS_OFFERS_COLUMNS)
    if not viewer.names_visible:
        highlighted = viewer.own_centre
    # the order of the values shown; for the Koordinierungsstelle ties by name, otherwise rows that tie show the
    # same values, so their order does not matter
    rows = rows.assign(_tie=rows["ki_name"].where(rows["ki_ags"].map(viewer.sees_centre).astype(bool), ""))
    rows = rows.sort_values(["rank", "ratio", "_tie"], na_position="last", kind="stable")
    names = dict(zip(rows["ki_ags"], rows["ki_name"]))
    labels = pseudonyms(rows["ki_ags"].tolist(), viewer, names)
    seen = rows["ki_ags"].map(viewer.sees_centre).astype(bool)
    frame = pd.DataFrame({
        "KI": rows["ki_ags"].map(labels),
        "AGS": rows["ki_ags"].where(seen),
        "Berichtsjahr": rows["year"].astype(int),
        "Kennzahl": rows["name_de"],
        "Bedarf": rows["need_value"].where(seen),
        "Angebot": rows["offer_value"].where(seen),
        "Verhältnis": rows["ratio"],
        "Einheit": rows["unit"],
        "Verhältnis zum Median": rows["ratio_to_median"],
        "Rang": rows["rank"].astype("Int64"),
        "Anzahl im Rang": rows["ranked_count"].astype("Int64"),
        "Median aller KI": rows["median_ratio"],
        "Alle KI zusammen": rows["all_ki_ratio"],
        "Hinweis": rows["missing_reason_de"].where(seen),
        "Hervorgehoben": (rows["ki_ags"] == highlighted).map({True: "ja", False: ""}),
    })
    return frame[NEEDS_OFFERS_COLUMNS].reset_index(drop=True)


def ratio_text(value: float | None, unit: str) -> str:
    return "–" if value is None or pd.isna(value) else f"{_number(value)} {unit}"


# --- sources ------------------------------------------------------------------------------------------------------------

def report_files_note(files: pd.DataFrame, years: Sequence[int], viewer: StandardsViewer) -> str:
    """The KI annual reports behind the shown years: the files the viewer may see by name, the others counted."""
    rows = _for_viewer(files[files["year"].isin(list(years))], viewer)
    if rows.empty:
        return "KI-Jahresberichte: keine geladen"
    own = _visible(rows, viewer)
    span = _year_span(sorted({int(y) for y in rows["year"]}))
    loaded = _loaded_text(rows["loaded_at"])
    text = f"KI-Jahresberichte {span} ({format_number(rows['report_file'].nunique())} Dateien von " \
           f"{format_number(rows['ki_ags'].nunique())} KI, {loaded})"
    if not viewer.names_visible and len(own):
        text += "; Ihr Jahresbericht: " + ", ".join(sorted(own["report_file"].unique()))
    return text


def _loaded_text(loaded_at: pd.Series) -> str:
    """When report files were loaded (a Kreis-held extract has no Stand of its own: its load time is its version)."""
    days = sorted({f"{value:%d.%m.%Y}" for value in pd.to_datetime(loaded_at.dropna())},
                  key=lambda d: d[6:] + d[3:5] + d[:2])
    if not days:
        return "Ladezeit unbekannt"
    return f"geladen am {days[0]}" if len(days) == 1 else f"geladen {days[0]} bis {days[-1]}"


def centre_files_note(files: pd.DataFrame, ki_ags: str, years: Sequence[int], viewer: StandardsViewer) -> str:
    """The annual report file(s) of one centre behind its detail or history (nothing unless the viewer may see it)."""
    rows = files[(files["ki_ags"] == ki_ags) & files["year"].isin(list(years))] if viewer.sees_centre(ki_ags) \
        else files.iloc[0:0]
    if rows.empty:
        return "KI-Jahresbericht: keiner geladen"
    names = sorted(rows["report_file"].unique())
    loaded = _loaded_text(rows["loaded_at"])
    span = _year_span(sorted({int(y) for y in rows["year"]}))
    listed = ", ".join(names) if len(names) <= 3 else f"{names[0]} … {names[-1]}"
    return f"KI-Jahresbericht {span} ({format_number(len(names))} Dateien: {listed}; {loaded})" if len(names) > 1 \
        else f"KI-Jahresbericht {span} ({listed}; {loaded})"


def catalogue_note(standards: pd.DataFrame) -> str:
    row = standards.iloc[0]
    loaded = f", geladen am {pd.Timestamp(row['catalogue_loaded_at']):%d.%m.%Y %H:%M}" \
        if pd.notna(row["catalogue_loaded_at"]) else ""
    return (f"Katalog der Qualitätsstandards „{row['catalogue_edition']}“ "
            f"({PurePath(str(row['catalogue_file'])).name}{loaded})")


def need_note(needs_offers: pd.DataFrame, viewer: StandardsViewer) -> str:
    """The need's tables with their Stand (the same tables for every centre; no file, a file names its Kreis)."""
    rows = _for_viewer(needs_offers, viewer).dropna(subset=["need_source_table"])
    if rows.empty:
        return "Bedarf: –"
    parts = [f"{table_label(table)} ({stand_text(part['need_stand'])})"
             for table, part in rows.groupby("need_source_table")]
    return "Bedarf: " + "; ".join(parts)


def source_line(*parts: str) -> str:
    return "**Quelle:** " + " · ".join(part for part in parts if part)


# --- figures --------------------------------------------------------------------------------------------------------------

MISSED_COLOUR_LINE = "#D55E00"  # Okabe-Ito vermillion: the thin line of "nicht erfüllt" needs more contrast than orange


def _sparkline(years: list[int], values: list[int], chosen: int, marks: Sequence[int] = (), width: int = 180,
               height: int = 36) -> str:
    """A small line of counts over the years (inline SVG, drawn by the browser without a chart library), a dot on
    the chosen year, and a dotted vertical mark before each year in marks (a new version of the standard started)."""
    if len(years) < 2:
        return ""
    high = max(max(values), 1)
    first, last = years[0], years[-1]

    def x(year: float) -> float:
        return 3 + (year - first) / (last - first) * (width - 6)

    def y(value: float) -> float:
        return height - 3 - value / high * (height - 6)

    points = " L".join(f"{x(year):.1f},{y(value):.1f}" for year, value in zip(years, values))
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(f"Nicht erfüllt {first}–{last}")}">']
    for year in marks:
        if first < year <= last:
            parts.append(f'<line x1="{x(year - 0.5):.1f}" x2="{x(year - 0.5):.1f}" y1="0" y2="{height}" '
                         'stroke="#000" stroke-width="1" stroke-dasharray="2 2"/>')
    parts.append(f'<path d="M{points}" fill="none" stroke="{MISSED_COLOUR_LINE}" stroke-width="2"/>')
    if chosen in years:
        value = values[years.index(chosen)]
        parts.append(f'<circle cx="{x(chosen):.1f}" cy="{y(value):.1f}" r="3.5" fill="{MISSED_COLOUR_LINE}"/>')
    parts.append("</svg>")
    return "".join(parts)


def missed_table_html(counts: pd.DataFrame, by_year: pd.DataFrame, changes: pd.DataFrame) -> str:
    """The standards most often missed as one table: per standard (most often missed first) a stacked bar of the
    chosen year (nicht erfüllt, erfüllt, keine Daten, each with its count written in) and a small line of the centres
    missing it in every year, with a mark where a new version started."""
    rows = []
    for record in counts.to_dict("records"):
        total = max(int(record["Bewertete KI"]), 1)
        segments = []
        for status, column in ((STATUS_MISSED, "Nicht erfüllt"), (STATUS_MET, "Erfüllt"), (STATUS_NO_DATA, "Keine Daten")):
            count = int(record[column])
            if count:
                segments.append(
                    f'<span class="segment" title="{escape(f"{count} KI {status}")}" style="width:{count / total:.2%};'
                    f'background:{STATUS_COLOURS[status]};color:{STATUS_TEXT_COLOURS[status]}">{count}</span>')
        series = by_year[by_year["Standard"] == record["Standard"]].sort_values("Berichtsjahr")
        years, values = series["Berichtsjahr"].astype(int).tolist(), series["Nicht erfüllt"].astype(int).tolist()
        marks = changes.loc[changes["Standard"] == record["Standard"], "ab Berichtsjahr"].astype(int).tolist()
        chosen = int(record["Berichtsjahr"])
        trend = (f"{_sparkline(years, values, chosen, marks)}<br><small>{years[0]}: {values[0]} · {years[-1]}: "
                 f"{values[-1]} · höchstens {max(values)}</small>") if len(years) > 1 else ""
        rows.append(f'<tr><td>{escape(record["Standard"])}</td><td><div class="im-bar">{"".join(segments)}</div></td>'
                    f"<td>{trend}</td></tr>")
    year = int(counts["Berichtsjahr"].iloc[0]) if len(counts) else ""
    in_bar_order = (STATUS_MISSED, STATUS_MET, STATUS_NO_DATA)
    head = (f"<th>Standard</th><th>{year}: {escape(' · '.join(f'{STATUS_SYMBOLS[s]} {s}' for s in in_bar_order))}"
            "</th><th>Nicht erfüllt über die Jahre (Punkt: gewähltes Jahr)</th>")
    return (f'{STYLE}<table lang="de" class="im-status im-missed"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def needs_offers_svg(frame: pd.DataFrame, unit: str, need_name: str, viewer: StandardsViewer, label: str) -> str:
    """Koordinierungsstelle: each centre's need (x, log scale: the areas differ a hundredfold) against its ratio (y),
    the name on hover. A KI: the ratios of all centres in rank order (x = rank), its own highlighted, the others
    only as 'KI n' - no need axis, the need would name them. Both: the median of all centres as a dashed line and
    all centres together as a dotted one."""
    shown = frame[frame["Verhältnis"].notna()]
    x_column = "Bedarf" if viewer.names_visible else "Rang"
    points = []
    for row in shown.to_dict("records"):
        lines = [f"{row['KI']}: {ratio_text(row['Verhältnis'], unit)}"]
        if pd.notna(row["Rang"]):
            lines.append(f"Rang {row['Rang']} von {row['Anzahl im Rang']}")
        if viewer.names_visible:
            lines.append(f"Bedarf {format_number(row['Bedarf'])}")
        points.append(ScatterPoint(name=row["KI"], x=float(row[x_column]), y=float(row["Verhältnis"]),
                                   title="\n".join(lines), selected=row["Hervorgehoben"] == "ja"))
    marks = []
    for column, dash, text in (("Median aller KI", "8 5", "Median"), ("Alle KI zusammen", "2 3", "alle KI")):
        values = frame[column].dropna()
        if len(values):
            marks.append(HorizontalMark(float(values.iloc[0]), f"{text} {ratio_text(values.iloc[0], unit)}", dash))
    x_title = (f"Bedarf: {need_name} (logarithmische Achse)" if viewer.names_visible
               else "Rang (1 = beste Versorgung)")
    return scatter_svg(points, x_title, f"Verhältnis ({unit})", label, log_x=viewer.names_visible, marks=marks)
