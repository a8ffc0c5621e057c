"""The data behind each chart (plain functions on data frames, tested) and the Plotly figures drawn from it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOUR_SELECTED = "#0072B2"
COLOUR_REGION = "#E69F00"
COLOUR_LAND = "#000000"
COLOUR_OTHERS = "#B8B8B8"


def trend_frame(values: pd.DataFrame, districts: pd.DataFrame, ags: str) -> pd.DataFrame:
    """Time series of the chosen Kreis, its Regierungsbezirk and NRW: columns year, ags, name, role, value."""
    kreis = districts.set_index("ags").loc[ags]
    wanted = {ags: "Auswahl", kreis["rb_ags"]: "Regierungsbezirk", "05": "NRW"}
    frame = values[values["ags"].isin(wanted)].merge(districts[["ags", "display_name"]], on="ags")
    frame = frame.assign(role=frame["ags"].map(wanted)).rename(columns={"display_name": "name"})
    order = {"Auswahl": 0, "Regierungsbezirk": 1, "NRW": 2}
    return frame.sort_values(["role", "year"], key=lambda c: c.map(order) if c.name == "role" else c)[
        ["year", "ags", "name", "role", "value", "numerator", "denominator"]
    ].reset_index(drop=True)


def ranking_frame(values: pd.DataFrame, districts: pd.DataFrame, year: int) -> pd.DataFrame:
    """All Kreise and kreisfreie Städte in one year, highest value first, with their rank (1 = highest)."""
    kreise = districts[districts["level"] == "Kreis"][["ags", "display_name"]]
    frame = values[values["year"] == year].merge(kreise, on="ags").rename(columns={"display_name": "name"})
    frame = frame.sort_values(["value", "name"], ascending=[False, True]).reset_index(drop=True)
    frame["rank"] = frame.index + 1
    return frame[["rank", "ags", "name", "value", "numerator", "denominator"]]


def _german_layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        separators=",.",  # decimal comma, thousands point
        height=height,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        font=dict(size=14),
    )
    return figure


def trend_figure(frame: pd.DataFrame, unit: str) -> go.Figure:
    figure = go.Figure()
    styles = {
        "Auswahl": dict(color=COLOUR_SELECTED, width=4, dash="solid"),
        "Regierungsbezirk": dict(color=COLOUR_REGION, width=2.5, dash="dash"),
        "NRW": dict(color=COLOUR_LAND, width=2.5, dash="dot"),
    }
    for role, part in frame.groupby("role", sort=False):
        figure.add_trace(
            go.Scatter(
                x=part["year"],
                y=part["value"],
                name=part["name"].iloc[0],
                mode="lines+markers",
                line=styles[role],
                hovertemplate="%{x}: %{y:.1f}" + f"\u202f{unit}<extra>%{{fullData.name}}</extra>",
            )
        )
    figure.update_xaxes(dtick=1, showgrid=False, title=None)
    figure.update_yaxes(title=unit, ticksuffix=f"\u202f{unit}", gridcolor="#E5E5E5", rangemode="tozero")
    return _german_layout(figure, height=380)


def ranking_figure(frame: pd.DataFrame, selected_ags: str, unit: str) -> go.Figure:
    colours = [COLOUR_SELECTED if ags == selected_ags else COLOUR_OTHERS for ags in frame["ags"]]
    figure = go.Figure(
        go.Bar(
            x=frame["value"],
            y=frame["name"],
            orientation="h",
            marker_color=colours,
            hovertemplate="%{y}: %{x:.1f}" + f"\u202f{unit}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", title=None, tickfont=dict(size=11))
    figure.update_xaxes(title=unit, ticksuffix=f"\u202f{unit}", gridcolor="#E5E5E5")
    return _german_layout(figure, height=max(400, 17 * len(frame) + 60))


def sparkline_svg(
    years: list[int], values: list[float | None], reference: list[float | None] | None = None,
    width: int = 220, height: int = 44,
) -> str:
    """A small trend line as inline SVG (the unit's values in blue, NRW as a thin dashed line), drawn by the browser
    without a chart library: the profile shows about twenty of them, and one chart library instance per tile made
    the start page miss its two-second budget. Missing years are gaps."""
    from html import escape

    series = [v for v in values + (reference or []) if v is not None and v == v]
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
            if value is None or value != value:
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
    last_known = [(y, v) for y, v in zip(years, values) if v is not None and v == v]
    if last_known:
        x, y = point(*last_known[-1]).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{COLOUR_SELECTED}"/>')
    parts.append("</svg>")
    return "".join(parts)
