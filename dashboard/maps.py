"""Maps of an indicator: the data behind them (plain functions on data frames, tested), the colour scales and the
tile layout. dashboard/map_svg.py draws them.

Two kinds of map: a choropleth on real boundaries (Kreise, or the Gemeinden of one Kreis or of all NRW) when the
user has provided BKG's boundary files (dashboard/boundaries.py), and a tile map of the 53 Kreise (one equal square
each, our own layout in kreise_tiles.csv) when not.

Colours are safe for the common colour-vision deficiencies (ColorBrewer): a sequential scale (YlGnBu) for indicators
that are neither good nor bad, a diverging scale (RdBu) around the NRW value for those with a direction, blue for
better and red for worse. Units without a value are grey and say why in the hover ("gesperrt", "keine Daten").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.boundaries import KREIS
from dashboard.formatting import format_value
from dashboard.labels import value_status

TILE_LAYOUT_PATH = Path(__file__).with_name("kreise_tiles.csv")

SEQUENTIAL_SCALE = "YlGnBu"
# ColorBrewer RdBu: red for the lower end, blue for the upper end.
DIVERGING_SCALE = "RdBu"
COLOUR_MISSING = "#9E9E9E"  # a mid grey: not in YlGnBu nor RdBu, whose middle is near white
COLOUR_BORDER = "#FFFFFF"
MAP_COLUMNS = ["ags", "name", "value", "flag", "status", "value_text"]


# ---------------------------------------------------------------------------------------------------------------
# The data behind a map


def map_frame(
    values: pd.DataFrame,
    districts: pd.DataFrame,
    year: int,
    *,
    level: str = KREIS,
    kreis_ags: str | None = None,
    group_id: str = "insgesamt",
) -> pd.DataFrame:
    """One row per unit of the level (all 53 Kreise; the Gemeinden of `kreis_ags`, or of NRW when None) with the
    indicator's value in `year`: columns ags, name, value, flag, status (None, 'gesperrt', 'keine Daten', ...) and
    value_text (the value in German format, or the status).

    `values` are indicator_values rows of one indicator (as in the serving snapshot); `districts` the districts table.
    """
    if values["indicator_id"].nunique() > 1:
        raise ValueError("map_frame takes the values of one indicator")
    units = districts[districts["level"] == level]
    if kreis_ags is not None:
        units = units[units["ags"].str.startswith(kreis_ags)]
    units = units[["ags", "display_name"]].rename(columns={"display_name": "name"})
    shown = values[(values["year"] == year) & values["ags"].isin(units["ags"])]
    if "group_id" in shown.columns:
        shown = shown[shown["group_id"] == group_id]
    shown = shown[["ags", "value", "flag", "unit"]].assign(has_row=True)
    frame = units.merge(shown, on="ags", how="left")
    frame["has_row"] = frame["has_row"].eq(True)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), None)
    # object dtype: with pandas' string dtype a None (unit has a value) would become NaN, which reads as a status
    frame["status"] = pd.Series([
        value_status(has_row, None if pd.isna(value) else value, flag)
        for has_row, value, flag in zip(frame["has_row"], frame["value"], frame["flag"])
    ], index=frame.index, dtype=object)
    units_of_rows = frame["unit"].dropna()
    unit = units_of_rows.iloc[0] if len(units_of_rows) else ""
    frame["value_text"] = [
        status if isinstance(status, str) else format_value(value, row_unit if isinstance(row_unit, str) else unit)
        for status, value, row_unit in zip(frame["status"], frame["value"], frame["unit"])
    ]
    return frame.sort_values("name").reset_index(drop=True)[MAP_COLUMNS]


def reference_value(values: pd.DataFrame, year: int, ags: str = "05", group_id: str = "insgesamt") -> float | None:
    """The value of one unit (NRW by default) in `year`: the middle of the diverging scale."""
    row = values[(values["ags"] == ags) & (values["year"] == year)]
    if "group_id" in row.columns:
        row = row[row["group_id"] == group_id]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


def colour_range(frame: pd.DataFrame, direction: str, reference: float | None) -> dict:
    """Colour scale and range for go.Choroplethmap / go.Heatmap (keys colorscale, zmin, zmax).

    With a direction and a reference, the scale diverges around the reference with equal reach on both sides,
    so that a colour means the same distance from NRW above and below it; better is blue, worse red.
    """
    present = frame["value"].dropna()
    if present.empty:
        return {"colorscale": SEQUENTIAL_SCALE, "zmin": 0.0, "zmax": 1.0}
    low, high = float(present.min()), float(present.max())
    if direction in ("higher_is_better", "lower_is_better") and reference is not None:
        reach = max(abs(high - reference), abs(low - reference)) or 1.0
        scale = DIVERGING_SCALE if direction == "higher_is_better" else DIVERGING_SCALE + "_r"
        return {"colorscale": scale, "zmin": reference - reach, "zmax": reference + reach}
    if low == high:
        low, high = low - 0.5, high + 0.5
    return {"colorscale": SEQUENTIAL_SCALE, "zmin": low, "zmax": high}


def tile_layout() -> pd.DataFrame:
    """Our tile layout: ags, row, col (0 = top left) and label (the Kreis's vehicle registration code)."""
    return pd.read_csv(TILE_LAYOUT_PATH, dtype={"ags": str, "row": int, "col": int, "label": str})


def tile_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """map_frame rows of the Kreise placed on the tile grid (inner join: Kreise without a tile are not shown)."""
    return tile_layout().merge(frame, on="ags", how="inner")
