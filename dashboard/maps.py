"""Maps of an indicator: the data behind them (plain functions on data frames, tested) and the Plotly figures.

Two kinds of map: a choropleth on real boundaries (Kreise, or the Gemeinden of one Kreis or of all NRW) when the
user has provided BKG's boundary files (dashboard/boundaries.py), and a tile map of the 53 Kreise (one equal square
each, our own layout in kreise_tiles.csv) when not. Both work offline: the choropleth is Plotly's MapLibre trace on
the blank "white-bg" style, which loads no tiles, the tile map is a heatmap.

Colours are safe for the common colour-vision deficiencies (ColorBrewer): a sequential scale (YlGnBu) for indicators
that are neither good nor bad, a diverging scale (RdBu) around the NRW value for those with a direction, blue for
better and red for worse. Units without a value are grey and say why in the hover ("gesperrt", "keine Daten").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard.boundaries import KREIS, BoundaryLoad, Boundaries, map_view
from dashboard.formatting import format_value
from dashboard.labels import value_status

TILE_LAYOUT_PATH = Path(__file__).with_name("kreise_tiles.csv")

SEQUENTIAL_SCALE = "YlGnBu"
# ColorBrewer RdBu: red for the lower end, blue for the upper end.
DIVERGING_SCALE = "RdBu"
COLOUR_MISSING = "#9E9E9E"  # a mid grey: not in YlGnBu nor RdBu, whose middle is near white
COLOUR_BORDER = "#FFFFFF"
COLOUR_SELECTED_BORDER = "#000000"
MISSING_LEGEND = "grau: gesperrt oder keine Daten"
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


def _hover_lines(frame: pd.DataFrame, unit: str, reference: float | None, reference_label: str) -> list[list[str]]:
    """Per unit: name, value (or why there is none), and the comparison value."""
    comparison = f"{reference_label}: {format_value(reference, unit)}" if reference is not None else ""
    return [[name, text, comparison] for name, text in zip(frame["name"], frame["value_text"])]


def _hover_template(reference: float | None) -> str:
    comparison = "<br>%{customdata[2]}" if reference is not None else ""
    return "<b>%{customdata[0]}</b><br>%{customdata[1]}" + comparison + "<extra></extra>"


def _outline(ags: pd.Series, selected_ags: str | None) -> dict:
    """Borders: thick black for the selected unit; a thinner black for the Gemeinden of a selected Kreis (its
    5-digit AGS on a map of Gemeinden), so that the Kreis stands out on a map of all NRW's Gemeinden."""
    def width(code: str) -> float:
        if selected_ags is None or not code.startswith(selected_ags):
            return 0.8
        return 3 if code == selected_ags else 1.8

    widths = [width(code) for code in ags]
    return dict(color=[COLOUR_SELECTED_BORDER if w > 0.8 else COLOUR_BORDER for w in widths], width=widths)


def _features(boundaries: Boundaries, ags: pd.Series) -> dict:
    """Only the features a trace draws: Plotly sends each trace's GeoJSON to the browser separately."""
    wanted = set(ags)
    return {"type": "FeatureCollection",
            "features": [feature for feature in boundaries.geojson["features"] if feature["id"] in wanted]}


def _colour_bar(unit: str) -> dict:
    suffix = {"%": "\u202f%", "Prozentpunkte": "\u202f%-Pkt."}.get(unit, "")
    title = "" if unit in ("%", "Prozentpunkte", "Verhältnis") else unit
    return dict(title=dict(text=title), ticksuffix=suffix, thickness=14, len=0.8)


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        separators=",.",  # decimal comma, thousands point (colour bar ticks)
        height=height,
        margin=dict(l=0, r=0, t=10, b=28),
        font=dict(size=14),
        legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, font=dict(size=12)),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return figure


# ---------------------------------------------------------------------------------------------------------------
# Choropleth on real boundaries


def choropleth_figure(
    frame: pd.DataFrame,
    boundaries: Boundaries,
    *,
    unit: str,
    direction: str = "neutral",
    reference: float | None = None,
    reference_label: str = "NRW",
    selected_ags: str | None = None,
    height: int = 560,
) -> go.Figure:
    """Choropleth of `frame` (from map_frame) on `boundaries` (from load_boundaries, same level). The map shows the
    units of the frame (e.g. the Gemeinden of one Kreis) and zooms to them. Units without a value are grey; BKG's
    source note is an annotation under the map. `selected_ags` is outlined: one unit, or on a map of Gemeinden the
    Gemeinden of a Kreis (its 5-digit AGS)."""
    known = frame[frame["ags"].isin(set(boundaries.ags))]
    with_value = known[known["status"].isna()]
    without = known[known["status"].notna()]
    scale = colour_range(known, direction, reference)
    figure = go.Figure()
    figure.add_trace(
        go.Choroplethmap(
            geojson=_features(boundaries, with_value["ags"]),
            locations=with_value["ags"],
            z=with_value["value"],
            customdata=_hover_lines(with_value, unit, reference, reference_label),
            hovertemplate=_hover_template(reference),
            marker=dict(
                line=_outline(with_value["ags"], selected_ags),
                opacity=0.95,
            ),
            colorbar=_colour_bar(unit),
            name="",
            showlegend=False,
            **scale,
        )
    )
    if len(without):
        figure.add_trace(
            go.Choroplethmap(
                geojson=_features(boundaries, without["ags"]),
                locations=without["ags"],
                z=[0] * len(without),
                colorscale=[[0, COLOUR_MISSING], [1, COLOUR_MISSING]],
                showscale=False,
                customdata=_hover_lines(without, unit, reference, reference_label),
                hovertemplate=_hover_template(reference),
                marker=dict(
                    line=_outline(without["ags"], selected_ags),
                ),
                name=MISSING_LEGEND,
                showlegend=True,
            )
        )
    view = map_view(boundaries.bounds_of(known["ags"]), height_px=height - 40)
    figure.update_layout(map=dict(style="white-bg", **view))
    figure.add_annotation(
        text=boundaries.attribution,
        xref="paper", yref="paper", x=1, y=0, xanchor="right", yanchor="top", yshift=-4,
        showarrow=False, font=dict(size=11, color="#555555"),
    )
    return _layout(figure, height)


# ---------------------------------------------------------------------------------------------------------------
# Tile map of the 53 Kreise (no boundaries needed)


@lru_cache(maxsize=1)
def tile_layout() -> pd.DataFrame:
    """Our tile layout: ags, row, col (0 = top left) and label (the Kreis's vehicle registration code)."""
    return pd.read_csv(TILE_LAYOUT_PATH, dtype={"ags": str, "row": int, "col": int, "label": str})


def tile_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """map_frame rows of the Kreise placed on the tile grid (inner join: Kreise without a tile are not shown)."""
    return tile_layout().merge(frame, on="ags", how="inner")


def _grid(tiles: pd.DataFrame, rows: int, cols: int, column: str, fill=None) -> list[list]:
    grid = [[fill] * cols for _ in range(rows)]
    for row, col, item in zip(tiles["row"], tiles["col"], tiles[column]):
        grid[row][col] = item
    return grid


def tile_map_figure(
    frame: pd.DataFrame,
    *,
    unit: str,
    direction: str = "neutral",
    reference: float | None = None,
    reference_label: str = "NRW",
    selected_ags: str | None = None,
    height: int = 560,
) -> go.Figure:
    """Tile map of `frame` (map_frame of the Kreise): one square per Kreis, coloured by value, labelled with its
    vehicle registration code, the full name and German value in the hover; grey where there is no value."""
    tiles = tile_frame(frame)
    layout = tile_layout()
    rows, cols = int(layout["row"].max()) + 1, int(layout["col"].max()) + 1
    hover = _hover_lines(tiles, unit, reference, reference_label)
    tiles = tiles.assign(hover=hover)
    scale = colour_range(tiles, direction, reference)
    with_value = tiles[tiles["status"].isna()]
    without = tiles[tiles["status"].notna()]
    figure = go.Figure()
    common = dict(
        x=list(range(cols)), y=list(range(rows)), xgap=3, ygap=3, hovertemplate=_hover_template(reference),
        texttemplate="%{text}", textfont=dict(size=13),
    )
    figure.add_trace(
        go.Heatmap(
            z=_grid(with_value, rows, cols, "value"),
            text=_grid(with_value, rows, cols, "label", ""),
            customdata=_grid(with_value, rows, cols, "hover", ["", "", ""]),
            colorbar=_colour_bar(unit),
            name="",
            **scale,
            **common,
        )
    )
    if len(without):
        figure.add_trace(
            go.Heatmap(
                z=_grid(without.assign(zero=0), rows, cols, "zero"),
                text=_grid(without, rows, cols, "label", ""),
                customdata=_grid(without, rows, cols, "hover", ["", "", ""]),
                colorscale=[[0, COLOUR_MISSING], [1, COLOUR_MISSING]],
                showscale=False,
                name=MISSING_LEGEND,
                showlegend=True,
                **common,
            )
        )
    selected = tiles[tiles["ags"] == selected_ags]
    for row, col in zip(selected["row"], selected["col"]):
        figure.add_shape(type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                         line=dict(color=COLOUR_SELECTED_BORDER, width=3))
    figure.update_xaxes(visible=False, range=[-0.6, cols - 0.4], constrain="domain")
    figure.update_yaxes(visible=False, range=[rows - 0.4, -0.6], scaleanchor="x", scaleratio=1, constrain="domain")
    figure.add_annotation(
        text="Kachelkarte: ein Quadrat je Kreis, grob nach Lage angeordnet (Kürzel: Kfz-Kennzeichen)",
        xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-4,
        showarrow=False, font=dict(size=11, color="#555555"),
    )
    _layout(figure, height)
    # The note is bottom left: the legend of the grey tiles goes bottom right.
    figure.update_layout(legend=dict(x=1, xanchor="right"))
    return figure


# ---------------------------------------------------------------------------------------------------------------
# What a page calls for the Kreise


def kreise_map_figure(frame: pd.DataFrame, loaded: BoundaryLoad, **options) -> go.Figure:
    """The map of the Kreise: a choropleth when boundaries were loaded (`load_boundaries(KREIS)`), else the tile
    map; options as for choropleth_figure / tile_map_figure. The page shows `loaded.message_de` when it is set."""
    if loaded.boundaries is not None:
        return choropleth_figure(frame, loaded.boundaries, **options)
    return tile_map_figure(frame, **options)
