"""Vergleich: all Kreise (or all KIs) in one year ranked, their distribution, the similar Kreise (Vergleichstyp) and
the chosen unit's position: the data behind each chart as plain functions, and the charts (HTML bars, SVG). Ranks,
percentiles, NRW value and type median are the served ones (indicator_comparisons); nothing is recomputed here."""

from __future__ import annotations

import pandas as pd

from dashboard import charts
from dashboard.common import GROUP_NAMES, SUPPRESSED_TEXT, source_columns, stand_text, table_label, value_columns
from dashboard.series_breaks import SeriesBreak, with_break_column
from dashboard.formatting import format_number, format_value

LEVELS = {"Kreis": "Kreise und kreisfreie Städte", "KI": "Kommunale Integrationszentren (KI)"}
DEFAULT_UNIT = "05966"

RANK_ORDER_TEXT = {
    "higher_is_better": "Rang 1 = höchster Wert (höher ist besser).",
    "lower_is_better": "Rang 1 = niedrigster Wert (niedriger ist besser).",
    "neutral": "Rang 1 = höchster Wert; der Indikator beschreibt die Lage und wertet nicht.",
}


def level_units(districts: pd.DataFrame, level: str) -> pd.DataFrame:
    """The units of one level with the name the charts use ('Kreis Olpe', 'Düsseldorf', 'KI Olpe')."""
    units = districts[districts["level"] == level].copy()
    units["label"] = units["display_name"] if level == "Kreis" else units["name"]
    return units.sort_values("label")[["ags", "label", "kreis_ags", "ki_ags"]].reset_index(drop=True)


def default_unit(requested: str | None, level: str, districts: pd.DataFrame) -> str:
    """The unit to preselect on a level from the unit chosen elsewhere (?gebiet=): a KI on the Kreis level becomes
    its Kreis, a Kreis on the KI level its KI."""
    units = districts.set_index("ags")
    if requested in units.index:
        unit = units.loc[requested]
        if unit["level"] == level:
            return requested
        if level == "Kreis" and unit["level"] == "KI" and pd.notna(unit["kreis_ags"]):
            return unit["kreis_ags"]
        if level == "KI" and unit["level"] == "Kreis" and pd.notna(unit["ki_ags"]):
            return unit["ki_ags"]
    return DEFAULT_UNIT if level == "Kreis" else units.loc[DEFAULT_UNIT, "ki_ags"]


def years_with_values(comparisons: pd.DataFrame) -> list[int]:
    """The years in which at least one unit has a value, latest first."""
    return sorted({int(y) for y in comparisons.loc[comparisons["value"].notna(), "year"]}, reverse=True)


RANKING_COLUMNS = [
    "rank_nrw", "ags", "name", "year", "period_label", "value", "unit", "is_suppressed", "flag", "numerator",
    "denominator", "ranked_count_nrw", "percentile_nrw", "nrw_value", "rank_order", "vergleichstyp_id",
    "vergleichstyp_name_de", "vergleichstyp_median", "rank_in_vergleichstyp", "ranked_count_in_vergleichstyp",
    "numerator_source_table", "numerator_stand", "denominator_source_table", "denominator_stand",
]


def ranking_frame(comparisons: pd.DataFrame, values: pd.DataFrame, units: pd.DataFrame, year: int,
                  types: pd.DataFrame) -> pd.DataFrame:
    """Every unit of the level (level_units) in one year, best rank first (served rank_nrw), units without a value
    (suppressed, secret, not delivered) last; with the source tables and Stände of each row and the Vergleichstyp
    (types: kreis_vergleichstypen)."""
    rows = comparisons[comparisons["year"] == year]
    sources = values[values["year"] == year][
        ["ags", "numerator_source_table", "numerator_stand", "denominator_source_table", "denominator_stand"]
    ]
    frame = units[["ags", "label"]].rename(columns={"label": "name"}).merge(rows, on="ags", how="left")
    frame = frame.merge(sources, on="ags", how="left")
    frame["year"] = year
    # A unit without a value row still belongs to its Kreis's Vergleichstyp (kreis_vergleichstypen; a KI to the
    # type of its Kreis) and shows the type's median of the year
    kreis_of = units.set_index("ags")["kreis_ags"]
    by_kreis = types.set_index("ags")
    for column in ("vergleichstyp_id", "vergleichstyp_name_de"):
        frame[column] = frame[column].fillna(frame["ags"].map(kreis_of).map(by_kreis[column]))
    medians = rows.dropna(subset=["vergleichstyp_median"]).drop_duplicates("vergleichstyp_id")
    frame["vergleichstyp_median"] = frame["vergleichstyp_median"].fillna(
        frame["vergleichstyp_id"].map(medians.set_index("vergleichstyp_id")["vergleichstyp_median"]))
    nrw_values = rows["nrw_value"].dropna()
    frame["nrw_value"] = frame["nrw_value"].fillna(nrw_values.iloc[0] if len(nrw_values) else float("nan"))
    frame["unit"] = frame["unit"].fillna(rows["unit"].iloc[0] if len(rows) else "")
    frame["is_suppressed"] = frame["is_suppressed"].fillna(False).astype(bool)
    frame = frame.sort_values(["rank_nrw", "name"], na_position="last")
    return frame[RANKING_COLUMNS].reset_index(drop=True)


def type_members(ranking: pd.DataFrame, vergleichstyp_id: str | None) -> pd.DataFrame:
    """The units of one Vergleichstyp, in the order of the ranking (for Kreise the same as the served rank within
    the type)."""
    if not vergleichstyp_id:
        return ranking.iloc[0:0]
    return ranking[ranking["vergleichstyp_id"] == vergleichstyp_id].reset_index(drop=True)


def _rank_text(rank, count) -> str:
    if rank is None or pd.isna(rank):
        return "–"
    return f"{int(rank)} von {int(count)}"


def position_table(row: pd.Series, level: str) -> pd.DataFrame:
    """The chosen unit's position as the page writes it: value, rank and percentile in NRW, type rank, NRW and the
    type's median."""
    unit = row["unit"] if pd.notna(row["unit"]) else ""
    value = SUPPRESSED_TEXT if row["is_suppressed"] else format_value(row["value"], unit)
    type_rank = _rank_text(row["rank_in_vergleichstyp"], row["ranked_count_in_vergleichstyp"])
    if level == "KI":
        type_rank = "– (nur für Kreise und kreisfreie Städte berechnet)"
    percentile = "–" if pd.isna(row["percentile_nrw"]) else format_number(row["percentile_nrw"], 0)
    items = [
        ("Wert", value),
        ("Zeitraum", row["period_label"] if pd.notna(row["period_label"]) else str(row["year"])),
        ("Rang in NRW", _rank_text(row["rank_nrw"], row["ranked_count_nrw"])),
        ("Perzentil (100 = bester Rang, 0 = letzter)", percentile),
        ("Vergleichstyp", row["vergleichstyp_name_de"] if pd.notna(row["vergleichstyp_name_de"]) else "–"),
        ("Rang im Vergleichstyp", type_rank),
        ("NRW", format_value(row["nrw_value"], unit)),
        ("Median des Vergleichstyps", format_value(row["vergleichstyp_median"], unit)),
    ]
    return pd.DataFrame(items, columns=["Kennzahl", "Wert"])


def download_table(frame: pd.DataFrame, indicator: dict, group_id: str, breaks: list[SeriesBreak]) -> pd.DataFrame:
    """Rows of the ranking (or of a type, or the chosen unit) with German headers, numbers unformatted, and the break
    in the series where the year is the first on a new basis (served table series_breaks)."""
    table = pd.DataFrame({
        "Indikator": indicator["name_de"],
        "Gruppe": GROUP_NAMES.get(group_id, group_id),
        "Rang": frame["rank_nrw"],
        "Anzahl im Rang": frame["ranked_count_nrw"],
        **value_columns(frame),
        "Perzentil": frame["percentile_nrw"],
        "NRW": frame["nrw_value"],
        "Vergleichstyp": frame["vergleichstyp_name_de"],
        "Rang im Vergleichstyp": frame["rank_in_vergleichstyp"],
        "Anzahl im Vergleichstyp": frame["ranked_count_in_vergleichstyp"],
        "Median des Vergleichstyps": frame["vergleichstyp_median"],
        **source_columns(frame),
    })
    return with_break_column(table, breaks, [indicator["indicator_id"]] * len(frame), [group_id] * len(frame),
                             frame["year"])


def without_value(frame: pd.DataFrame) -> str:
    """'gesperrt: A, B; keine Daten: C' for the units a chart cannot show."""
    parts = []
    suppressed = frame[frame["is_suppressed"]]
    if len(suppressed):
        parts.append(f"{SUPPRESSED_TEXT}: " + ", ".join(suppressed["name"]))
    missing = frame[frame["value"].isna() & ~frame["is_suppressed"]]
    if len(missing):
        parts.append("keine Daten: " + ", ".join(missing["name"]))
    return "; ".join(parts)


def source_line(indicator: dict, shown: pd.DataFrame) -> str:
    """The short form of common.source_note for a second chart on the same rows: tables with Stand, licence."""
    tables = {}
    for role in ("numerator", "denominator"):
        for table, part in shown.dropna(subset=[f"{role}_source_table"]).groupby(f"{role}_source_table"):
            tables.setdefault(table, []).append(part[f"{role}_stand"])
    text = "; ".join(f"{table_label(t)} ({stand_text(pd.concat(s))})" for t, s in tables.items()) or "–"
    return f"**Quelle:** {text} · **Lizenz:** {indicator['licence_de']}"


def references(nrw_value: float | None, unit: str, median: float | None = None) -> list[charts.Reference]:
    """The reference lines of the comparison charts: NRW (black, dashed) and a type's median (orange, dotted)."""
    lines = []
    if nrw_value is not None and pd.notna(nrw_value):
        lines.append(charts.Reference(float(nrw_value), f"NRW {format_value(nrw_value, unit)}", charts.COLOUR_LAND,
                                      "6 4"))
    if median is not None and pd.notna(median):
        lines.append(charts.Reference(float(median), f"Median des Typs {format_value(median, unit)}",
                                      charts.COLOUR_REGION, "2 3"))
    return lines


def distribution_svg(frame: pd.DataFrame, selected_ags: str, unit: str, nrw_value: float | None, label: str) -> str:
    """Every unit with a value as a point, the box from the lower to the upper quartile with the median, the chosen
    unit a large blue diamond, NRW as a dashed line."""
    shown = frame[frame["value"].notna()]
    points = [(row.ags, row.name, float(row.value)) for row in shown.itertuples()]
    return charts.distribution_svg(points, selected_ags, unit, label, references(nrw_value, unit))


def bar_table_html(frame: pd.DataFrame, selected_ags: str, unit: str, nrw_value: float | None = None,
                   median: float | None = None, label: str = "") -> str:
    """Units as a table with a bar per value, in the frame's order (the ranking, or a Vergleichstyp): rank, name,
    value (or "gesperrt", "–") and the bar; the chosen unit bold with a blue bar; NRW (dashed) and the type's median
    (dotted) marked on every bar's scale. Plain HTML: it reads, prints and copies as a table. Bars start at zero,
    so negative values (a gap between groups) point left of it."""
    from html import escape

    marks = references(nrw_value, unit, median)
    known = [float(v) for v in frame["value"].dropna()] + [mark.value for mark in marks]
    low, high = min(known + [0.0]), max(known + [0.0])
    position = charts.Scale(low, high if high > low else low + 1, 0, 100)
    rows = []
    for row in frame.itertuples():
        chosen = row.ags == selected_ags
        name = f"<b>{escape(str(row.name))}</b>" if chosen else escape(str(row.name))
        if row.is_suppressed:
            text, bar = SUPPRESSED_TEXT, ""
        elif pd.isna(row.value):
            text, bar = "–", ""
        else:
            start, end = sorted((position(0), position(float(row.value))))
            colour = charts.COLOUR_SELECTED if chosen else charts.COLOUR_OTHERS
            text = format_value(row.value, unit)
            bar = (f'<span class="value" title="{escape(f"{row.name}: {text}")}" '
                   f'style="left:{start:.2f}%;width:{max(end - start, 0.3):.2f}%;background:{colour}"></span>')
        lines = "".join(
            f'<span class="mark" style="left:{position(mark.value):.2f}%;border-left:2px '
            f'{"dashed" if mark.colour == charts.COLOUR_LAND else "dotted"} {mark.colour}"></span>' for mark in marks
        )
        rows.append(
            f'<tr data-ags="{escape(row.ags)}"><td>{_rank_text(row.rank_nrw, row.ranked_count_nrw)}</td>'
            f'<td>{name}</td><td class="num">{escape(text)}</td><td class="bar"><div>{bar}{lines}</div></td></tr>'
        )
    style = (
        "<style>table.im-bars{border-collapse:collapse;width:100%;font-size:0.9rem}"
        "table.im-bars td,table.im-bars th{padding:2px 6px;border-bottom:1px solid #eee;white-space:nowrap;"
        "text-align:left}"
        "table.im-bars td.num{text-align:right}table.im-bars td.bar{width:55%}"
        "table.im-bars td.bar div{position:relative;height:1.1em}"
        "table.im-bars td.bar span{position:absolute;top:0.1em;bottom:0.1em}"
        "table.im-bars td.bar span.mark{top:-0.2em;bottom:-0.2em;width:0}"
        "table.im-bars th .key{display:inline-block;width:18px;height:0;vertical-align:middle;margin:0 4px 0 12px}"
        "</style>"
    )
    keys = "".join(
        f'<span class="key" style="border-top:2px {"dashed" if mark.colour == charts.COLOUR_LAND else "dotted"} '
        f'{mark.colour}"></span>{escape(mark.label)}' for mark in marks
    )
    header = f"<tr><th>Rang in NRW</th><th>Gebiet</th><th>Wert</th><th>{keys}</th></tr>"
    return (f'{style}<table class="im-bars" aria-label="{escape(label)}"><thead>{header}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
