"""The maps of the pages "Gemeinden" and "Karte" as inline SVG, drawn on the server.

Why not Plotly: a page with a Plotly map has the browser load and compile Plotly's
4.7 MB bundle and start MapLibre; on the 2-core target machine that alone took 1.9 to 3.3 s per first load (an
empty Streamlit page: 0.7 to 1.2 s), beyond the 2 s budget. An SVG costs the browser next to nothing (the Kreisprofil
draws its trend lines the same way). Same data (maps.map_frame), same colour-blind-safe scales (maps.colour_range:
ColorBrewer YlGnBu, or RdBu diverging around the reference value), same grey for units without a value.

Each area is a <path> with its AGS (data-ags) and a <title>, which the browser shows on hover: name, value in German
format (or why there is none) and the comparison value. The chosen Kreis is outlined in black on top. Web Mercator,
as on web maps; no tiles, nothing is loaded from elsewhere.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd
import plotly.colors
import shapely
from shapely.geometry import shape

from dashboard import maps
from dashboard.boundaries import BoundaryLoad, Boundaries
from dashboard.formatting import format_value

WIDTH = 800  # user units of the viewBox; the SVG scales to the width of its column
GRID = 4  # path coordinates in quarter units: whole numbers, finer than a screen pixel
PADDING = 6
LEGEND_HEIGHT = 58
MAX_MAP_HEIGHT = 900
TEXT_COLOUR = "#31333F"
NOTE_COLOUR = "#555555"
GRADIENT_STOPS = 11

# Hover outline; strokes keep their width in screen pixels however the SVG is scaled.
STYLE = (
    "<style>"
    ".im-map path,.im-map rect{vector-effect:non-scaling-stroke}"
    ".im-map .area:hover{stroke:#000;stroke-width:2px}"
    ".im-map text{font-family:inherit}"
    "</style>"
)


# ---------------------------------------------------------------------------------------------------------------
# Colours


def scale_colour(value: float, colour_scale: dict) -> str:
    """The colour of a value on a scale from maps.colour_range (keys colorscale, zmin, zmax)."""
    low, high = colour_scale["zmin"], colour_scale["zmax"]
    fraction = 0.5 if high == low else min(1.0, max(0.0, (value - low) / (high - low)))
    return plotly.colors.sample_colorscale(plotly.colors.get_colorscale(colour_scale["colorscale"]), [fraction])[0]


def _is_dark(colour: str) -> bool:
    red, green, blue = (int(part) for part in colour.removeprefix("rgb(").removesuffix(")").split(","))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 140


def _fill(value: float, status, colour_scale: dict) -> str:
    return maps.COLOUR_MISSING if isinstance(status, str) else scale_colour(value, colour_scale)


# ---------------------------------------------------------------------------------------------------------------
# Geometry to SVG path data


def _mercator_y(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


class _Projection:
    """Lon/lat to viewBox units: Web Mercator, fitted into WIDTH (and MAX_MAP_HEIGHT) with a small padding."""

    def __init__(self, bounds: tuple[float, float, float, float]):
        min_lon, min_lat, max_lon, max_lat = bounds
        self.left, self.top = min_lon, _mercator_y(max_lat)
        span_x = max(max_lon - min_lon, 1e-9)
        span_y = max(self.top - _mercator_y(min_lat), 1e-9)
        self.scale = min((WIDTH - 2 * PADDING) / span_x, (MAX_MAP_HEIGHT - 2 * PADDING) / span_y)
        self.offset_x = (WIDTH - span_x * self.scale) / 2
        self.height = span_y * self.scale + 2 * PADDING

    def path(self, geometry) -> str:
        """SVG path data on a grid of 1/GRID unit (draw inside a group scaled by 1/GRID): whole numbers, each point
        relative to the one before, so that all 396 Gemeinden stay small (about 100 KB for VG5000)."""
        parts = []
        polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
        for polygon in polygons:
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [(round((self.offset_x + (lon - self.left) * self.scale) * GRID),
                           round((PADDING + (self.top - _mercator_y(lat)) * self.scale) * GRID))
                          for lon, lat in ring.coords]
                steps, (last_x, last_y) = [], points[0]
                for x, y in points[1:]:
                    if (x, y) != (last_x, last_y):  # finer than the grid is invisible
                        steps.append(f"{x - last_x} {y - last_y}")
                        last_x, last_y = x, y
                if len(steps) >= 3:
                    parts.append(f"M{points[0][0]} {points[0][1]}l{' '.join(steps)}z")
        return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Legend and notes


def _legend(y: float, colour_scale: dict, values: pd.Series, unit: str, reference: float | None,
            reference_label: str, has_missing: bool, has_selection: bool, note: str, gradient_id: str) -> str:
    """Colour bar with the lowest and highest value shown (and the reference value on diverging scales), grey and
    outline keys, and the note (BKG's source note, or what the tile map is) under the map. A diverging scale reaches
    equally far on both sides of the reference, so its ends can lie beyond the data: the labels mark the data."""
    low, high = colour_scale["zmin"], colour_scale["zmax"]
    stops = "".join(
        f'<stop offset="{index / (GRADIENT_STOPS - 1):.2f}" '
        f'stop-color="{scale_colour(low + (high - low) * index / (GRADIENT_STOPS - 1), colour_scale)}"/>'
        for index in range(GRADIENT_STOPS)
    )
    bar_x, bar_width, bar_y = PADDING, 260, y + 8
    items = [
        f'<defs><linearGradient id="{gradient_id}">{stops}</linearGradient></defs>',
        f'<rect x="{bar_x}" y="{bar_y}" width="{bar_width}" height="12" fill="url(#{gradient_id})" stroke="#999" '
        'stroke-width="0.5"/>',
    ]

    def position(value: float) -> float:
        return bar_x + bar_width * (0.5 if high == low else (value - low) / (high - low))

    present = values.dropna()
    if len(present):
        for value, anchor in ((float(present.min()), "start"), (float(present.max()), "end")):
            at = position(value)
            items.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{bar_y + 12}" y2="{bar_y + 17}" stroke="#555"/>'
                         f'<text x="{at:.1f}" y="{bar_y + 29}" font-size="13" fill="{TEXT_COLOUR}" '
                         f'text-anchor="{anchor}">{escape(format_value(value, unit))}</text>')
    if reference is not None and low < reference < high:
        at = position(reference)
        items.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{bar_y - 3}" y2="{bar_y + 15}" stroke="#000" '
                     'stroke-width="1.5"/>')
        items.append(f'<text x="{at:.1f}" y="{bar_y - 5}" font-size="12" fill="{TEXT_COLOUR}" text-anchor="middle">'
                     f"{escape(reference_label)} {escape(format_value(reference, unit))}</text>")
    key_x = bar_x + bar_width + 30
    if has_missing:
        items.append(f'<rect x="{key_x}" y="{bar_y}" width="14" height="12" fill="{maps.COLOUR_MISSING}"/>'
                     f'<text x="{key_x + 20}" y="{bar_y + 11}" font-size="13" fill="{TEXT_COLOUR}">'
                     "gesperrt oder keine Daten</text>")
    if has_selection:
        items.append(f'<rect x="{key_x}" y="{bar_y + 18}" width="14" height="12" fill="none" stroke="#000" '
                     f'stroke-width="2"/><text x="{key_x + 20}" y="{bar_y + 29}" font-size="13" '
                     f'fill="{TEXT_COLOUR}">gewählter Kreis</text>')
    items.append(f'<text x="{WIDTH - PADDING}" y="{y + LEGEND_HEIGHT - 4}" font-size="11" fill="{NOTE_COLOUR}" '
                 f'text-anchor="end">{escape(note)}</text>')
    return "".join(items)


def _svg(body: str, height: float, label: str, attributes: dict[str, str]) -> str:
    data = "".join(f' data-{key}="{escape(str(value))}"' for key, value in attributes.items())
    # One line: Markdown would take indented lines for code.
    return (
        f'{STYLE}<svg class="im-map" role="img" aria-label="{escape(label)}"{data} '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" style="max-width:{WIDTH}px;height:auto" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _title(name: str, text: str, reference: float | None, reference_label: str, unit: str) -> str:
    comparison = f" · {reference_label}: {format_value(reference, unit)}" if reference is not None else ""
    return escape(f"{name}: {text}{comparison}")


# ---------------------------------------------------------------------------------------------------------------
# Choropleth on real boundaries


def choropleth_svg(
    frame: pd.DataFrame,
    boundaries: Boundaries,
    *,
    unit: str,
    direction: str = "neutral",
    reference: float | None = None,
    reference_label: str = "NRW",
    selected_ags: str | None = None,
    label: str = "Karte",
) -> str:
    """Choropleth of `frame` (from maps.map_frame) on `boundaries` (same level): the units of the frame, fitted to
    their extent. `selected_ags` is outlined: one unit, or on a map of Gemeinden a Kreis (the outline of its
    Gemeinden)."""
    geometries = {feature["id"]: shape(feature["geometry"]) for feature in boundaries.geojson["features"]}
    known = frame[frame["ags"].isin(set(geometries))]
    drawn = [geometries[ags] for ags in known["ags"]]
    projection = _Projection(tuple(shapely.total_bounds(drawn).tolist()) if drawn else boundaries.bounds)
    colour_scale = maps.colour_range(known, direction, reference)
    areas = []
    for ags, name, value, status, text in zip(known["ags"], known["name"], known["value"], known["status"],
                                              known["value_text"]):
        areas.append(
            f'<path class="area" data-ags="{ags}" d="{projection.path(geometries[ags])}" '
            f'fill="{_fill(value, status, colour_scale)}" fill-rule="evenodd" stroke="{maps.COLOUR_BORDER}" '
            f'stroke-width="0.8"><title>{_title(name, text, reference, reference_label, unit)}</title></path>'
        )
    selected = [geometries[ags] for ags in known["ags"] if selected_ags and ags.startswith(selected_ags)]
    outline = ""
    if selected:
        shape_of_selection = selected[0] if len(selected) == 1 else shapely.union_all(selected)
        outline = (f'<path class="selected" data-ags="{selected_ags}" d="{projection.path(shape_of_selection)}" '
                   'fill="none" stroke="#000" stroke-width="2.5" pointer-events="none"/>')
    height = projection.height
    legend = _legend(height, colour_scale, known["value"], unit, reference, reference_label,
                     bool(known["status"].map(lambda s: isinstance(s, str)).any()), bool(selected),
                     boundaries.attribution, f"im-scale-{boundaries.level}")
    shapes = f'<g transform="scale({1 / GRID})">{"".join(areas)}{outline}</g>'
    return _svg(shapes + legend, height + LEGEND_HEIGHT, label,
                {"level": boundaries.level, "units": len(areas)})


# ---------------------------------------------------------------------------------------------------------------
# Tile map of the 53 Kreise


TILE = 56
TILE_GAP = 4
TILE_NOTE = "Kachelkarte: ein Quadrat je Kreis, grob nach Lage angeordnet (eigene schematische Anordnung)"


def tile_map_svg(
    frame: pd.DataFrame,
    *,
    unit: str,
    direction: str = "neutral",
    reference: float | None = None,
    reference_label: str = "NRW",
    selected_ags: str | None = None,
    label: str = "Kachelkarte",
) -> str:
    """The 53 Kreise as equal squares in our layout (kreise_tiles.csv), labelled with the vehicle registration code;
    full name and value in the hover; grey without a value; the chosen Kreis outlined."""
    tiles = maps.tile_frame(frame)
    layout = maps.tile_layout()
    rows, cols = int(layout["row"].max()) + 1, int(layout["col"].max()) + 1
    step = TILE + TILE_GAP
    left = (WIDTH - cols * step) / 2
    colour_scale = maps.colour_range(tiles, direction, reference)
    cells, outline = [], ""
    for row in tiles.itertuples():
        x, y = left + row.col * step, PADDING + row.row * step
        fill = _fill(row.value, row.status, colour_scale)
        text_colour = "#FFFFFF" if _is_dark(fill if fill.startswith("rgb") else "rgb(158,158,158)") else "#000000"
        cells.append(
            f'<g class="area" data-ags="{row.ags}"><title>'
            f"{_title(row.name, row.value_text, reference, reference_label, unit)}</title>"
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{TILE}" height="{TILE}" fill="{fill}" rx="3"/>'
            f'<text x="{x + TILE / 2:.0f}" y="{y + TILE / 2 + 5:.0f}" font-size="15" text-anchor="middle" '
            f'fill="{text_colour}" pointer-events="none">{escape(row.label)}</text></g>'
        )
        if row.ags == selected_ags:
            outline = (f'<rect class="selected" data-ags="{row.ags}" x="{x - 1:.0f}" y="{y - 1:.0f}" '
                       f'width="{TILE + 2}" height="{TILE + 2}" fill="none" stroke="#000" stroke-width="3" rx="3" '
                       'pointer-events="none"/>')
    height = PADDING + rows * step
    legend = _legend(height, colour_scale, tiles["value"], unit, reference, reference_label,
                     bool(tiles["status"].map(lambda s: isinstance(s, str)).any()), bool(outline), TILE_NOTE,
                     "im-scale-tiles")
    return _svg("".join(cells) + outline + legend, height + LEGEND_HEIGHT, label,
                {"level": "Kachel", "units": len(cells)})


def kreise_map_svg(frame: pd.DataFrame, loaded: BoundaryLoad, **options) -> str:
    """The Kreise on their boundaries when loaded, else the tile map; options as for choropleth_svg."""
    if loaded.boundaries is not None:
        return choropleth_svg(frame, loaded.boundaries, **options)
    return tile_map_svg(frame, **options)
