"""Zeitreihen: the data behind the lines of several units over the years, the gap between groups, the breaks in
the series, and the line charts (plain functions, tested on the demo snapshot)."""

from __future__ import annotations

import pandas as pd

from dashboard import charts
from dashboard.common import GROUP_NAMES, SUPPRESSED_TEXT, source_columns, value_columns
from dashboard.formatting import format_value
from dashboard.series_breaks import SeriesBreak, with_break_column

NRW = "05"

# Okabe-Ito without black (NRW's colour): distinguishable with the common colour-vision deficiencies. Yellow last,
# it is the weakest on white. At most this many units can be chosen (NRW included), so no two lines share a colour.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "triangle-down", "star")
MAX_UNITS = len(SERIES_COLOURS)


def unit_options(districts: pd.DataFrame) -> pd.DataFrame:
    """The units one can draw: NRW, the Regierungsbezirke, the 53 Kreise and kreisfreie Städte, the 54 KIs; with a
    short name for legends ('Kreis Olpe', 'KI Olpe')."""
    order = {"Land": 0, "Regierungsbezirk": 1, "Kreis": 2, "KI": 3}
    units = districts[districts["level"].isin(order)].copy()
    units["label"] = units["display_name"].where(units["level"] != "KI", units["name"])
    units["_order"] = units["level"].map(order)
    return units.sort_values(["_order", "label"])[["ags", "label", "level", "area_ags"]].reset_index(drop=True)


def default_units(profile_unit: str | None, options: pd.DataFrame) -> list[str]:
    """The unit chosen on the Kreisprofil (if any) and NRW."""
    chosen = [profile_unit] if profile_unit in set(options["ags"]) and profile_unit != NRW else []
    return chosen + [NRW]


SERIES_COLUMNS = [
    "ags", "name", "year", "period_label", "value", "unit", "numerator", "denominator", "is_suppressed", "flag",
    "numerator_source_table", "numerator_stand", "denominator_source_table", "denominator_stand",
    "reporting_units", "reporting_units_total",
]


def series_frame(values: pd.DataFrame, units: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """One row per chosen unit and year from the first to the last year of the indicator: a year with no value
    (suppressed, secret, not published or not delivered) stays in the frame with an empty value, so the line has
    a gap there instead of a jump or a zero. Units in the order they were chosen."""
    names = units.set_index("ags")["label"]
    if values.empty or not chosen:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    all_years = range(int(values["year"].min()), int(values["year"].max()) + 1)
    grid = pd.DataFrame([(ags, year) for ags in chosen for year in all_years], columns=["ags", "year"])
    frame = grid.merge(values[values["ags"].isin(chosen)], on=["ags", "year"], how="left")
    frame["name"] = frame["ags"].map(names)
    frame["unit"] = values["unit"].iloc[0]
    frame["is_suppressed"] = frame["is_suppressed"].fillna(False).astype(bool)
    frame["value"] = frame["value"].where(~frame["is_suppressed"])
    return frame.reindex(columns=SERIES_COLUMNS).reset_index(drop=True)  # older snapshots lack some columns


GAP_COLUMNS = [
    "ags", "name", "year", "compared_group_id", "reference_group_id", "value_compared", "value_reference",
    "gap_difference", "gap_unit", "gap_ratio",
]


def gap_frame(gaps: pd.DataFrame, units: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """The gap between groups (indicator_group_gaps) of the chosen units over all years, gaps in the data kept as
    empty values like series_frame."""
    if gaps.empty or not chosen:
        return pd.DataFrame(columns=GAP_COLUMNS)
    names = units.set_index("ags")["label"]
    all_years = range(int(gaps["year"].min()), int(gaps["year"].max()) + 1)
    grid = pd.DataFrame([(ags, year) for ags in chosen for year in all_years], columns=["ags", "year"])
    frame = grid.merge(gaps[gaps["ags"].isin(chosen)], on=["ags", "year"], how="left")
    for column in ("compared_group_id", "reference_group_id", "gap_unit"):
        frame[column] = gaps[column].iloc[0]
    frame["name"] = frame["ags"].map(names)
    return frame[GAP_COLUMNS].reset_index(drop=True)


def value_table(frame: pd.DataFrame, value_column: str = "value", unit_column: str = "unit") -> pd.DataFrame:
    """The lines as a table to read: one row per unit, one column per year, values as the page writes them
    ('12,5 %', 'gesperrt', '–' for no data)."""
    def shown(row: pd.Series) -> str:
        if bool(row.get("is_suppressed", False)):
            return SUPPRESSED_TEXT
        return format_value(row[value_column], row[unit_column])

    cells = frame.assign(text=frame.apply(shown, axis=1), year=frame["year"].astype(int).astype(str))
    table = cells.pivot(index="name", columns="year", values="text")
    order = list(dict.fromkeys(frame["name"]))
    return table.reindex(order).rename_axis(index="Gebiet", columns=None).reset_index()


def gap_title(gaps: pd.DataFrame) -> str:
    compared, reference = gaps["compared_group_id"].iloc[0], gaps["reference_group_id"].iloc[0]
    return f"Lücke {GROUP_NAMES.get(compared, compared)} – {GROUP_NAMES.get(reference, reference)}"


def download_table(frame: pd.DataFrame, indicator: dict, group_id: str, breaks: list[SeriesBreak]) -> pd.DataFrame:
    """The lines as the CSV/Excel download offers them: German headers, one row per unit and year, with the break in
    the series at the year it happens (served table series_breaks)."""
    table = pd.DataFrame({
        "Indikator": indicator["name_de"],
        "Gruppe": GROUP_NAMES.get(group_id, group_id),
        **value_columns(frame),
        **source_columns(frame),
    })
    return with_break_column(table, breaks, [indicator["indicator_id"]] * len(frame), [group_id] * len(frame),
                             frame["year"])


def gap_download_table(frame: pd.DataFrame, indicator_name: str) -> pd.DataFrame:
    return pd.DataFrame({
        "Indikator": indicator_name,
        "Gebiet": frame["name"],
        "AGS": frame["ags"],
        "Berichtsjahr": frame["year"],
        "Gruppe": frame["compared_group_id"].map(lambda g: GROUP_NAMES.get(g, g)),
        "Wert der Gruppe": frame["value_compared"],
        "Vergleichsgruppe": frame["reference_group_id"].map(lambda g: GROUP_NAMES.get(g, g)),
        "Wert der Vergleichsgruppe": frame["value_reference"],
        "Lücke": frame["gap_difference"],
        "Einheit der Lücke": frame["gap_unit"],
        "Verhältnis": frame["gap_ratio"],
    })


def lines(frame: pd.DataFrame, value_column: str = "value") -> list[charts.Line]:
    """The frame's units as lines, in the order chosen: NRW black and dashed with open circles; every other unit
    its own colour and marker shape."""
    drawn, index = [], 0
    for ags, part in frame.groupby("ags", sort=False):
        values = {int(year): (None if pd.isna(value) else float(value))
                  for year, value in zip(part["year"], part[value_column])}
        if ags == NRW:
            drawn.append(charts.Line(ags, part["name"].iloc[0], values, charts.COLOUR_LAND, "circle-open",
                                     width=2.5, dash="8 5"))
            continue
        drawn.append(charts.Line(ags, part["name"].iloc[0], values, SERIES_COLOURS[index % len(SERIES_COLOURS)],
                                 SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)]))
        index += 1
    return drawn


def lines_svg(frame: pd.DataFrame, unit: str, breaks: list[SeriesBreak], label: str, *,
              value_column: str = "value", zero_line: bool = False, height: int = 400) -> str:
    """One line per unit (see `lines`); empty values stay gaps; breaks as dotted vertical lines with their label."""
    return charts.line_chart_svg(lines(frame, value_column), unit, label,
                                 [charts.VerticalMark(item.x, item.label) for item in breaks],
                                 zero_line=zero_line, height=height)
