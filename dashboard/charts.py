"""The charts of the pages as inline SVG drawn on the server, and the shared colours.

Why SVG and not Plotly for the profile, Zeitreihen and Vergleich: the first Plotly chart on a page has the browser
load Streamlit's 4.7 MB Plotly bundle; on the 2-core target machine, Chromium's trace of the Vergleich page showed
0.17 s to parse it, 0.59 s to run the module and 0.18 s to draw two charts, so a page with one Plotly chart took
1.9 to 2.2 s to its first full view (budget: 2 s) and a page without one 1.1 to 1.3 s. An SVG costs the browser next
to nothing. Every point carries a <title> that the browser shows on hover (name, year, value in German format), the
SVG has an aria-label, and every chart has its table and CSV/Excel download next to it. The maps are drawn the same
way (dashboard/map_svg.py), and so is the Standards page's scatter of offers against needs (with Plotly it took
that page to 2,3 s, 1,5 s without).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from dashboard.formatting import format_number, format_value

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOUR_SELECTED = "#0072B2"
COLOUR_REGION = "#E69F00"
COLOUR_LAND = "#000000"
COLOUR_OTHERS = "#B8B8B8"
TEXT_COLOUR = "#31333F"
GRID_COLOUR = "#E5E5E5"
BREAK_COLOUR = "#555555"

WIDTH = 900  # user units of a chart's viewBox; the SVG scales to the width of its column
STYLE = (
    "<style>"
    ".im-chart text{font-family:inherit;fill:#31333F}"
    ".im-chart path,.im-chart line,.im-chart rect,.im-chart circle{vector-effect:non-scaling-stroke}"
    ".im-chart .point:hover path,.im-chart .point:hover circle{stroke:#000;stroke-width:2px}"
    ".im-legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 4px 0;font-size:0.9rem}"
    ".im-legend span{display:inline-flex;align-items:center;gap:6px}"
    "</style>"
)


# ---------------------------------------------------------------------------------------------------------------
# Axes


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` evenly spaced round tick values (steps of 1, 2, 2,5 or 5 times a power of ten) from at or below
    `low` to at or above `high`; the first and last tick are the axis's ends."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    start, stop = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return [round(start + i * step, 10) for i in range(round((stop - start) / step) + 1)]


def tick_decimals(ticks: list[float]) -> int:
    """The decimals that write every tick exactly (0 for 0, 5, 10; 1 for 2,5; 2 for 0,25)."""
    for decimals in range(4):
        if all(abs(t * 10 ** decimals - round(t * 10 ** decimals)) < 1e-6 for t in ticks):
            return decimals
    return 3


def tick_text(value: float, unit: str, decimals: int) -> str:
    """A tick label: '%' written at each tick, other units in the axis title."""
    return format_value(value, "%", decimals) if unit == "%" else format_number(value, decimals)


def axis_title(unit: str) -> str:
    return "" if unit == "%" else unit


class Scale:
    """A linear map from data values to SVG coordinates."""

    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / ((self.high - self.low) or 1) * (self.end - self.start)


def _svg(kind: str, body: str, height: float, label: str, attributes: dict[str, str] | None = None) -> str:
    data = "".join(f' data-{key}="{escape(str(value))}"' for key, value in (attributes or {}).items())
    # One line: Markdown would take indented lines for code.
    return (f'<svg class="im-chart {kind}" role="img" aria-label="{escape(label)}"{data} '
            f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" style="max-width:{WIDTH}px;height:auto" '
            f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def _label_anchor(x: float) -> str:
    """How a point's name is anchored: towards the middle near either edge of the chart, so it stays inside."""
    return "end" if x > WIDTH * 0.8 else ("start" if x < WIDTH * 0.2 else "middle")


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 13, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{extra}>'
            f'{escape(text)}</text>')


# ---------------------------------------------------------------------------------------------------------------
# Markers: one shape per line, so lines differ without colour too


def marker_path(symbol: str, x: float, y: float, size: float = 8) -> str:
    """The outline of a marker of `size` (diameter) centred on x, y as an SVG path."""
    r = size / 2
    if symbol == "square":
        r *= 0.9
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}Z"
    if symbol == "diamond":
        r *= 1.25
        return f"M{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}L{x - r:.1f},{y:.1f}Z"
    if symbol in ("triangle-up", "triangle-down"):
        r *= 1.2
        sign = 1 if symbol == "triangle-up" else -1
        return (f"M{x:.1f},{y - sign * r:.1f}L{x + r:.1f},{y + sign * r * 0.8:.1f}"
                f"L{x - r:.1f},{y + sign * r * 0.8:.1f}Z")
    if symbol == "x":
        w = r * 0.45
        return (f"M{x - r:.1f},{y - r + w:.1f}L{x - r + w:.1f},{y - r:.1f}L{x:.1f},{y - w:.1f}L{x + r - w:.1f},"
                f"{y - r:.1f}L{x + r:.1f},{y - r + w:.1f}L{x + w:.1f},{y:.1f}L{x + r:.1f},{y + r - w:.1f}"
                f"L{x + r - w:.1f},{y + r:.1f}L{x:.1f},{y + w:.1f}L{x - r + w:.1f},{y + r:.1f}L{x - r:.1f},"
                f"{y + r - w:.1f}L{x - w:.1f},{y:.1f}Z")
    if symbol == "star":
        r *= 1.3
        points = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * 0.45
            angle = math.pi / 5 * i - math.pi / 2
            points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
        return "M" + "L".join(points) + "Z"
    # circle (and circle-open, drawn with a white fill)
    return f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z"


def _marker(symbol: str, x: float, y: float, colour: str, size: float = 8) -> str:
    fill = "#FFFFFF" if symbol == "circle-open" else colour
    return f'<path d="{marker_path(symbol, x, y, size)}" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'


# ---------------------------------------------------------------------------------------------------------------
# Line chart (Zeitreihen)


@dataclass(frozen=True)
class Line:
    """One line of a line chart: a value (or None: a gap) per year, and how it is drawn."""

    key: str  # the unit's AGS, kept as data-ags on the line's group
    name: str
    values: dict[int, float | None]
    colour: str
    symbol: str
    width: float = 3
    dash: str | None = None  # an SVG stroke-dasharray, e.g. "8 5" for NRW


@dataclass(frozen=True)
class VerticalMark:
    """A dotted vertical line on the year axis with its label (a break in the series)."""

    x: float
    label: str


def _is_value(value) -> bool:
    return value is not None and value == value


def legend_html(lines: list[Line]) -> str:
    """The legend above a line chart as HTML (it wraps with the page): a short line with the marker per unit."""
    items = []
    for line in lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        items.append(
            f'<span data-ags="{escape(line.key)}"><svg width="34" height="14" viewBox="0 0 34 14" aria-hidden="true">'
            f'<line x1="1" y1="7" x2="33" y2="7" stroke="{line.colour}" stroke-width="{min(line.width, 3)}"{dash}/>'
            f'{_marker(line.symbol, 17, 7, line.colour, 8)}</svg>{escape(line.name)}</span>'
        )
    return f'<div class="im-legend">{"".join(items)}</div>'


def line_chart_svg(lines: list[Line], unit: str, label: str, marks: list[VerticalMark] = (),
                   zero_line: bool = False, height: int = 400) -> str:
    """Lines over the years with markers; a missing value is a gap in the line, never a zero. The value axis
    always shows zero; `zero_line` draws it darker (a gap between groups is read against it). A
    <title> on every point names unit, year and value; each line is a <g class="series" data-ags data-name>."""
    years = sorted({year for line in lines for year in line.values})
    known = [v for line in lines for v in line.values.values() if _is_value(v)]
    if not years:
        return ""
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    low, high = min(low, 0.0), max(high, 0.0)  # zero always in view: values are rates, a gap is read against zero
    ticks = nice_ticks(low, high)
    decimals = tick_decimals(ticks)
    tick_labels = [tick_text(t, unit, decimals) for t in ticks]
    left = 16 + 7.5 * max(len(text) for text in tick_labels) + (22 if axis_title(unit) else 0)
    top = 14 + 17 * len(marks)  # one row per break label above the plot, so that no two labels overlap
    bottom, right = 30, 16
    first, last = years[0], years[-1]
    x = Scale(first - 0.4, last + 0.4, left, WIDTH - right)
    y = Scale(ticks[0], ticks[-1], height - bottom, top)

    parts = []
    for tick, text in zip(ticks, tick_labels):
        colour = "#777777" if (zero_line and tick == 0) else GRID_COLOUR
        width = 1.5 if (zero_line and tick == 0) else 1
        parts.append(f'<line class="grid" data-value="{tick}" x1="{left:.1f}" x2="{WIDTH - right}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="{colour}" stroke-width="{width}"/>')
        parts.append(_text(left - 6, y(tick) + 4, text, "end", extra=' class="ytick"'))
    if axis_title(unit):
        middle = (top + height - bottom) / 2
        parts.append(_text(14, middle, axis_title(unit), "middle",
                           extra=f' transform="rotate(-90 14 {middle:.1f})" class="axis-title"'))
    step = 1 if len(years) <= 16 else 2
    for year in range(first, last + 1, step):
        parts.append(_text(x(year), height - bottom + 18, str(year), "middle", extra=' class="xtick"'))
    for row, mark in enumerate(marks):
        label_y = 14 + 17 * row
        parts.append(f'<line class="break" x1="{x(mark.x):.1f}" x2="{x(mark.x):.1f}" y1="{label_y - 10}" '
                     f'y2="{height - bottom}" stroke="{BREAK_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/>')
        anchor, offset = ("end", -5) if x(mark.x) > WIDTH / 2 else ("start", 5)
        parts.append(_text(x(mark.x) + offset, label_y, mark.label, anchor, 12, extra=' class="break-label"'))
    for line in lines:
        segments, current = [], []
        for year in years:
            value = line.values.get(year)
            if _is_value(value):
                current.append(f"{x(year):.1f},{y(value):.1f}")
            elif current:
                segments.append(current)
                current = []
        if current:
            segments.append(current)
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        path = " ".join("M" + "L".join(segment) for segment in segments)
        points = "".join(
            f'<g class="point" data-year="{year}" data-value="{value!r}"><title>'
            f'{escape(f"{line.name}, {year}: {format_value(value, unit)}")}</title>'
            f'{_marker(line.symbol, x(year), y(value), line.colour)}</g>'
            for year, value in sorted(line.values.items()) if _is_value(value)
        )
        parts.append(f'<g class="series" data-ags="{escape(line.key)}" data-name="{escape(line.name)}">'
                     f'<path d="{path}" fill="none" stroke="{line.colour}" stroke-width="{line.width}"{dash} '
                     f'stroke-linejoin="round"/>{points}</g>')
    return STYLE + legend_html(lines) + _svg("im-lines", "".join(parts), height, label)


# ---------------------------------------------------------------------------------------------------------------
# Distribution (Vergleich)


@dataclass(frozen=True)
class Reference:
    """A reference value drawn as a vertical line with its label (NRW, a type's median)."""

    value: float
    label: str
    colour: str
    dash: str


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile with linear interpolation (numpy's and Plotly's default method)."""
    ordered = sorted(values)

    def at(share: float) -> float:
        position = share * (len(ordered) - 1)
        below = math.floor(position)
        above = min(below + 1, len(ordered) - 1)
        return ordered[below] + (ordered[above] - ordered[below]) * (position - below)

    return at(0.25), at(0.5), at(0.75)


def distribution_svg(points: list[tuple[str, str, float]], selected: str | None, unit: str, label: str,
                     references: list[Reference] = (), height: int = 210) -> str:
    """Every unit as a point on one value axis (points: key, name, value), a box from the lower to the upper
    quartile with the median as a line, the selected unit as a large blue diamond with its name, and reference
    lines. Points are spread up and down by a fixed pattern so that equal values stay visible."""
    if not points:
        return ""
    values = [value for _, _, value in points]
    low = min(values + [r.value for r in references])
    high = max(values + [r.value for r in references])
    ticks = nice_ticks(low, high)
    decimals = tick_decimals(ticks)
    left, right, top, bottom = 20, 20, 44, 46
    x = Scale(ticks[0], ticks[-1], left, WIDTH - right)
    middle = (top + height - bottom) / 2
    parts = []
    for tick in ticks:
        parts.append(f'<line class="grid" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 6}" y2="{height - bottom}" '
                     f'stroke="{GRID_COLOUR}"/>')
        parts.append(_text(x(tick), height - bottom + 18, tick_text(tick, unit, decimals), "middle",
                           extra=' class="xtick"'))
    if axis_title(unit):
        parts.append(_text(WIDTH / 2, height - 6, axis_title(unit), "middle", extra=' class="axis-title"'))
    lower, median, upper = quartiles(values)
    box_title = (f"Unteres Viertel {format_value(lower, unit)} · Median {format_value(median, unit)} · "
                 f"oberes Viertel {format_value(upper, unit)}")
    parts.append(f'<rect class="box" x="{x(lower):.1f}" y="{middle - 34:.1f}" '
                 f'width="{max(x(upper) - x(lower), 1):.1f}" height="68" fill="none" stroke="#555555" '
                 f'stroke-width="1.5"><title>{escape(box_title)}</title></rect>')
    parts.append(f'<line class="median" x1="{x(median):.1f}" x2="{x(median):.1f}" y1="{middle - 34:.1f}" '
                 f'y2="{middle + 34:.1f}" stroke="#555555" stroke-width="2.5"/>')
    for index, reference in enumerate(references):
        parts.append(f'<line class="reference" x1="{x(reference.value):.1f}" x2="{x(reference.value):.1f}" '
                     f'y1="{top - 6}" y2="{height - bottom}" stroke="{reference.colour}" stroke-width="2" '
                     f'stroke-dasharray="{reference.dash}"/>')
        anchor = "end" if x(reference.value) > WIDTH * 0.75 else "start"
        offset = -5 if anchor == "end" else 5
        parts.append(_text(x(reference.value) + offset, top - 24 + 14 * index, reference.label, anchor, 12,
                           extra=' class="reference-label"'))
    ordered = sorted(points, key=lambda p: (p[2], p[1]))
    spread = (-18, 6, -6, 18, -12, 12, 0, -24, 24)
    for index, (key, name, value) in enumerate(ordered):
        if key == selected:
            continue
        parts.append(f'<g class="point" data-ags="{escape(key)}" data-value="{value!r}"><title>'
                     f'{escape(f"{name}: {format_value(value, unit)}")}</title><circle cx="{x(value):.1f}" '
                     f'cy="{middle + spread[index % len(spread)]:.1f}" r="4.5" fill="#7F7F7F" fill-opacity="0.8" '
                     f'stroke="#FFFFFF" stroke-width="0.8"/></g>')
    for key, name, value in points:
        if key == selected:
            parts.append(f'<g class="point selected" data-ags="{escape(key)}" data-value="{value!r}"><title>'
                         f'{escape(f"{name}: {format_value(value, unit)}")}</title>'
                         f'<path d="{marker_path("diamond", x(value), middle, 16)}" fill="{COLOUR_SELECTED}" '
                         f'stroke="#FFFFFF" stroke-width="1.5"/></g>')
            parts.append(_text(x(value), middle + 52, name, _label_anchor(x(value)), 13,
                               extra=f' font-weight="bold" fill="{COLOUR_SELECTED}" class="selected-label"'))
    return STYLE + _svg("im-dots", "".join(parts), height, label)


# ---------------------------------------------------------------------------------------------------------------
# Trend lines of the profile tiles


def sparkline_svg(
    years: list[int], values: list[float | None], reference: list[float | None] | None = None,
    width: int = 220, height: int = 44,
) -> str:
    """A small trend line as inline SVG (the unit's values in blue, NRW as a thin dashed line): the profile shows
    about twenty of them. Missing years are gaps."""
    series = [v for v in values + (reference or []) if _is_value(v)]
    if len(years) < 2 or not series:
        return ""
    low, high = min(series), max(series)
    span = (high - low) or 1.0
    first, last = min(years), max(years)

    def point(year: int, value: float) -> str:
        x = 4 + (year - first) / ((last - first) or 1) * (width - 8)
        y = height - 4 - (value - low) / span * (height - 8)
        return f"{x:.1f},{y:.1f}"

    def path(points: list[float | None]) -> str:
        segments, current = [], []
        for year, value in zip(years, points):
            if not _is_value(value):
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(point(year, value))
        if current:
            segments.append(current)
        return " ".join("M" + " L".join(segment) for segment in segments)

    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(f"Verlauf {first}–{last}")}" class="sparkline">']
    if reference:
        parts.append(f'<path d="{path(reference)}" fill="none" stroke="{COLOUR_LAND}" stroke-width="1" '
                     'stroke-dasharray="3 2" opacity="0.6"/>')
    parts.append(f'<path d="{path(values)}" fill="none" stroke="{COLOUR_SELECTED}" stroke-width="2"/>')
    last_known = [(y, v) for y, v in zip(years, values) if _is_value(v)]
    if last_known:
        x, y = point(*last_known[-1]).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{COLOUR_SELECTED}"/>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Scatter (Standards: offers against needs)


@dataclass(frozen=True)
class ScatterPoint:
    name: str
    x: float
    y: float
    title: str  # shown on hover
    selected: bool = False


@dataclass(frozen=True)
class HorizontalMark:
    """A horizontal reference line across the plot with its label at the right end (e.g. the median)."""

    y: float
    label: str
    dash: str  # an SVG stroke-dasharray


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks of a logarithmic axis from at or below `low` to at or above `high` (both > 0): the powers of ten, and
    2 and 5 times them where the axis spans less than three decades."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    if last == first:
        last += 1
    steps = (1, 2, 5) if last - first < 3 else (1,)
    ticks = [m * 10 ** e for e in range(first, last) for m in steps] + [10 ** last]
    below = [t for t in ticks if t <= low]
    above = [t for t in ticks if t >= high]
    return [t for t in ticks if below[-1] <= t <= above[0]]


def scatter_svg(points: list[ScatterPoint], x_title: str, y_title: str, label: str, log_x: bool = False,
                marks: list[HorizontalMark] = (), height: int = 440) -> str:
    """Points on two value axes (x logarithmic with `log_x`: values <= 0 have no place there and are left out), the
    y axis from zero; the selected points as large diamonds with their name, the others as grey circles; every
    point a <g class="point" data-name> with a <title>; reference lines with their labels."""
    if log_x:
        points = [point for point in points if point.x > 0]
    if not points:
        return ""
    xs, ys = [point.x for point in points], [point.y for point in points]
    y_ticks = nice_ticks(0.0, max(ys + [mark.y for mark in marks] + [0.0]))
    y_decimals = tick_decimals(y_ticks)
    y_labels = [format_number(tick, y_decimals) for tick in y_ticks]
    if log_x:
        x_ticks = log_ticks(min(xs), max(xs))
        position = Scale(math.log10(x_ticks[0]), math.log10(x_ticks[-1]), 0, 1)
        x_unit = lambda value: position(math.log10(value))  # noqa: E731 - the axis's map, chosen once
    else:
        x_ticks = nice_ticks(min(xs), max(xs))
        x_unit = Scale(x_ticks[0], x_ticks[-1], 0, 1)
    x_decimals = 0 if log_x else tick_decimals(x_ticks)
    left = 40 + 7.5 * max(len(text) for text in y_labels)
    right, top, bottom = 24, 34, 56
    x = Scale(0, 1, left, WIDTH - right)
    y = Scale(y_ticks[0], y_ticks[-1], height - bottom, top)
    parts = []
    for tick, text in zip(y_ticks, y_labels):
        parts.append(f'<line class="grid" x1="{left:.1f}" x2="{WIDTH - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID_COLOUR}"/>')
        parts.append(_text(left - 6, y(tick) + 4, text, "end", extra=' class="ytick"'))
    for tick in x_ticks:
        at = x(x_unit(tick))
        parts.append(f'<line class="grid" x1="{at:.1f}" x2="{at:.1f}" y1="{top}" y2="{height - bottom}" '
                     f'stroke="{GRID_COLOUR}"/>')
        parts.append(_text(at, height - bottom + 18, format_number(tick, x_decimals), "middle", extra=' class="xtick"'))
    middle = (top + height - bottom) / 2
    parts.append(_text(14, middle, y_title, "middle", extra=f' transform="rotate(-90 14 {middle:.1f})" '
                                                          'class="axis-title"'))
    parts.append(_text((left + WIDTH - right) / 2, height - 8, x_title, "middle", extra=' class="axis-title"'))
    for index, mark in enumerate(marks):
        parts.append(f'<line class="reference" data-value="{mark.y!r}" x1="{left:.1f}" x2="{WIDTH - right}" '
                     f'y1="{y(mark.y):.1f}" y2="{y(mark.y):.1f}" stroke="{COLOUR_LAND}" stroke-width="1.5" '
                     f'stroke-dasharray="{mark.dash}"/>')
        offset = -6 if index % 2 == 0 else 16  # the first label above its line, the second below
        parts.append(_text(WIDTH - right - 4, y(mark.y) + offset, mark.label, "end", 12,
                           extra=' class="reference-label" paint-order="stroke" stroke="#FFFFFF" stroke-width="3"'))
    for point in sorted(points, key=lambda p: p.selected):  # the selected ones drawn last, on top
        cx, cy = x(x_unit(point.x)), y(point.y)
        # The title's line breaks as character references: the markup must stay one line (Markdown ends HTML there).
        title = f"<title>{escape(point.title).replace(chr(10), '&#10;')}</title>"
        if point.selected:
            parts.append(f'<g class="point selected" data-name="{escape(point.name)}">{title}'
                         f'<path d="{marker_path("diamond", cx, cy, 16)}" fill="{COLOUR_SELECTED}" stroke="#FFFFFF" '
                         f'stroke-width="1"/></g>')
            parts.append(_text(cx, cy - 14, point.name, _label_anchor(cx), 13,
                               extra=f' font-weight="bold" fill="{COLOUR_SELECTED}" class="selected-label"'))
        else:
            parts.append(f'<g class="point" data-name="{escape(point.name)}">{title}<circle cx="{cx:.1f}" '
                         f'cy="{cy:.1f}" r="4.5" fill="{COLOUR_OTHERS}" stroke="#FFFFFF" stroke-width="1"/></g>')
    return STYLE + _svg("im-scatter", "".join(parts), height, label, {"x-scale": "log" if log_x else "linear"})
