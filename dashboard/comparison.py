"""Vergleich: all Kreise (or all KIs) in one year ranked, their distribution, the similar Kreise (Vergleichstyp) and
the chosen unit's position: the data behind each chart as plain functions, and the Plotly figures. Ranks,
percentiles, NRW value and type median are the served ones (indicator_comparisons); nothing is recomputed here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import COLOUR_LAND, COLOUR_OTHERS, COLOUR_REGION, COLOUR_SELECTED, _german_layout
from dashboard.common import GROUP_NAMES, SUPPRESSED_TEXT, stand_text, table_label
from dashboard.formatting import format_number, format_value
from dashboard.timeseries import hover_value, value_axis

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


def download_table(frame: pd.DataFrame, indicator_name: str, group_id: str) -> pd.DataFrame:
    """Rows of the ranking (or of a type, or the chosen unit) with German headers, numbers unformatted."""
    return pd.DataFrame({
        "Indikator": indicator_name,
        "Gruppe": GROUP_NAMES.get(group_id, group_id),
        "Rang": frame["rank_nrw"],
        "Anzahl im Rang": frame["ranked_count_nrw"],
        "Gebiet": frame["name"],
        "AGS": frame["ags"],
        "Berichtsjahr": frame["year"],
        "Zeitraum": frame["period_label"],
        "Wert": frame["value"],
        "Einheit": frame["unit"],
        "Zähler": frame["numerator"],
        "Nenner": frame["denominator"],
        "Gesperrt": frame["is_suppressed"].map({True: "ja", False: "nein"}),
        "Zeichen": frame["flag"],
        "Perzentil": frame["percentile_nrw"],
        "NRW": frame["nrw_value"],
        "Vergleichstyp": frame["vergleichstyp_name_de"],
        "Rang im Vergleichstyp": frame["rank_in_vergleichstyp"],
        "Anzahl im Vergleichstyp": frame["ranked_count_in_vergleichstyp"],
        "Median des Vergleichstyps": frame["vergleichstyp_median"],
        "Quelle Zähler": frame["numerator_source_table"],
        "Stand Zähler": frame["numerator_stand"],
        "Quelle Nenner": frame["denominator_source_table"],
        "Stand Nenner": frame["denominator_stand"],
    })


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


def _reference_line(figure: go.Figure, x: float, text: str, colour: str, dash: str, position: str) -> None:
    figure.add_vline(x=x, line=dict(color=colour, width=2, dash=dash),
                     annotation=dict(text=text, font=dict(size=12, color=colour), bgcolor="rgba(255,255,255,0.8)"),
                     annotation_position=position)


def ranking_figure(frame: pd.DataFrame, selected_ags: str, unit: str, nrw_value: float | None,
                   median: float | None = None) -> go.Figure:
    """Horizontal bars, best rank at the top, the chosen unit in blue; NRW (black, dashed) and, for a type, its
    median (orange, dotted) as reference lines."""
    shown = frame[frame["value"].notna()]
    colours = [COLOUR_SELECTED if ags == selected_ags else COLOUR_OTHERS for ags in shown["ags"]]
    labels = [f"<b>{name}</b>" if ags == selected_ags else name for ags, name in zip(shown["ags"], shown["name"])]
    figure = go.Figure(go.Bar(
        x=shown["value"], y=labels, orientation="h", marker_color=colours,
        customdata=shown[["rank_nrw"]], hovertemplate="%{y}: " + hover_value(unit, "x")
        + "<br>Rang %{customdata[0]}<extra></extra>",
    ))
    if nrw_value is not None and pd.notna(nrw_value):
        _reference_line(figure, nrw_value, f"NRW {format_value(nrw_value, unit)}", COLOUR_LAND, "dash", "top right")
    if median is not None and pd.notna(median):
        _reference_line(figure, median, f"Median des Typs {format_value(median, unit)}", COLOUR_REGION, "dot",
                        "bottom right")
    figure.update_yaxes(autorange="reversed", title=None, tickfont=dict(size=11), automargin=True)
    figure.update_xaxes(**value_axis(unit))
    _german_layout(figure, height=max(220, 18 * len(shown) + 80))
    figure.update_layout(margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    return figure


def distribution_figure(frame: pd.DataFrame, selected_ags: str, unit: str, nrw_value: float | None,
                        level: str) -> go.Figure:
    """A box with every unit as a point (hover: name); the chosen unit a large blue diamond; NRW as a line."""
    shown = frame[frame["value"].notna()]
    category = LEVELS[level].split(" (")[0]
    figure = go.Figure(go.Box(
        x=shown["value"], name=category, boxpoints="all", jitter=0.6, pointpos=0, orientation="h",
        marker=dict(color="#7F7F7F", size=7, opacity=0.8), line=dict(color="#555555"), fillcolor="rgba(0,0,0,0)",
        text=shown["name"], hovertemplate="%{text}: " + hover_value(unit, "x") + "<extra></extra>",
        hoveron="points",
    ))
    chosen = shown[shown["ags"] == selected_ags]
    if len(chosen):
        figure.add_trace(go.Scatter(
            x=chosen["value"], y=[category], mode="markers+text", text=chosen["name"], textposition="top center",
            marker=dict(color=COLOUR_SELECTED, size=16, symbol="diamond", line=dict(color="white", width=1.5)),
            hovertemplate="%{text}: " + hover_value(unit, "x") + "<extra></extra>", name=chosen["name"].iloc[0],
        ))
    if nrw_value is not None and pd.notna(nrw_value):
        _reference_line(figure, nrw_value, f"NRW {format_value(nrw_value, unit)}", COLOUR_LAND, "dash", "top right")
    figure.update_yaxes(title=None, showticklabels=False)
    figure.update_xaxes(**value_axis(unit))
    _german_layout(figure, height=240)
    figure.update_layout(margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    return figure


def bar_table_html(frame: pd.DataFrame, selected_ags: str, unit: str, median: float | None) -> str:
    """The units of a Vergleichstyp as a small table with a bar per value (plain HTML: a third chart-library chart
    on the Vergleich page cost it its two-second load budget). The chosen unit is bold and blue; the type's median
    is a dotted mark on every bar's scale."""
    from html import escape

    shown = frame[frame["value"].notna()]
    high = max([float(shown["value"].max()) if len(shown) else 0.0, median or 0.0]) or 1.0
    rows = []
    for row in frame.itertuples():
        chosen = row.ags == selected_ags
        width = 0.0 if pd.isna(row.value) else max(0.0, float(row.value)) / high * 100
        marker = "" if median is None else (
            f'<span class="median" style="left:{max(0.0, median) / high * 100:.1f}%"></span>')
        colour = COLOUR_SELECTED if chosen else COLOUR_OTHERS
        name = f"<b>{escape(str(row.name))}</b>" if chosen else escape(str(row.name))
        rows.append(
            f"<tr><td>{_rank_text(row.rank_nrw, row.ranked_count_nrw)}</td><td>{name}</td>"
            f'<td class="num">{escape(format_value(row.value, unit)) if pd.notna(row.value) else "–"}</td>'
            f'<td class="bar"><span style="width:{width:.1f}%;background:{colour}"></span>{marker}</td></tr>'
        )
    style = (
        "<style>table.im-bars{border-collapse:collapse;width:100%;font-size:0.9rem}"
        "table.im-bars td{padding:2px 6px;border-bottom:1px solid #eee;white-space:nowrap}"
        "table.im-bars td.num{text-align:right}table.im-bars td.bar{width:55%;position:relative}"
        "table.im-bars td.bar span{display:inline-block;height:0.9em}"
        "table.im-bars td.bar span.median{position:absolute;top:0;bottom:0;width:0;border-left:2px dotted "
        f"{COLOUR_REGION}}}</style>"
    )
    header = "<tr><th>Rang in NRW</th><th>Gebiet</th><th>Wert</th><th></th></tr>"
    return f'{style}<table class="im-bars"><thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>'
