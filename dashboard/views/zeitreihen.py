"""Zeitreihen: one indicator and group over the years for several Kreise, kreisfreie Städte, KIs and NRW (dashed),
optionally with the gap between groups; breaks in a series (new census basis, rounding, a year without data) are
marked on the chart and explained under it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import serving, series_breaks, timeseries
from dashboard.common import (
    GROUP_NAMES, demo_banner, downloads, footer, published_snapshot, show_svg,
    source_note, suppressed_reason,
)
from dashboard.selections import group_choice, indicator_choice, indicator_groups, url_multichoice, url_toggle


def _notes(frame: pd.DataFrame, breaks: list[series_breaks.SeriesBreak]) -> None:
    """What the reader must know to read the lines: breaks, suppressed and missing years."""
    lines = [f"**Bruch in der Reihe:** {item.text_de}" for item in breaks]
    suppressed = frame[frame["is_suppressed"]]
    if len(suppressed):
        cases = ", ".join(f"{row.name} {row.year}" for row in suppressed.itertuples())
        lines.append(f"**Gesperrt:** {cases}. {suppressed_reason()}")
    missing = frame[frame["value"].isna() & ~frame["is_suppressed"]]
    if len(missing):
        cases = ", ".join(f"{row.name} {row.year}" for row in missing.itertuples())
        lines.append(f"**Keine Daten:** {cases}. Lücken in den Linien sind fehlende Werte, keine Nullen.")
    if lines:
        st.caption("  \n".join(lines))


def _gap_section(indicator: dict, units: pd.DataFrame, chosen: list[str]) -> None:
    gaps = serving.indicator_group_gaps(indicator["indicator_id"])
    frame = timeseries.gap_frame(gaps, units, chosen)
    if gaps.empty or frame["gap_difference"].isna().all():
        st.info("Für diese Gebiete liegt keine Lücke zwischen den Gruppen vor.")
        return
    title = timeseries.gap_title(gaps)
    compared, reference = gaps["compared_group_id"].iloc[0], gaps["reference_group_id"].iloc[0]
    unit = frame["gap_unit"].iloc[0]
    st.subheader(f"{title}: {indicator['name_de']}")
    breaks = series_breaks.within(serving.series_breaks(), indicator["indicator_id"], compared, frame["year"])
    show_svg(timeseries.lines_svg(frame, unit, breaks, f"Liniendiagramm: {title}, {indicator['name_de']}, nach Jahren",
                                 value_column="gap_difference", zero_line=True, height=360))
    st.caption(
        f"Lücke = Wert der Gruppe {GROUP_NAMES[compared]} minus Wert der Gruppe {GROUP_NAMES[reference]}; "
        f"über null: die Gruppe {GROUP_NAMES[compared]} liegt höher."
    )
    with st.expander("Werte als Tabelle"):
        table = timeseries.value_table(frame.assign(unit=unit), value_column="gap_difference")
        st.table(table, hide_index=True, border="horizontal")
    if breaks:
        st.caption("  \n".join(f"**Bruch in der Reihe:** {item.text_de}" for item in breaks))
    # the rows of both groups the gap is computed from: their tables and Stände
    sources = pd.concat([
        serving.indicator_values(indicator["indicator_id"], group) for group in (compared, reference)
    ])
    sources = sources[sources["ags"].isin(chosen) & sources["value"].notna()]
    st.caption(source_note(indicator, sources))
    downloads(timeseries.gap_download_table(frame, indicator["name_de"]),
              f"luecke_{indicator['indicator_id']}", key="series_gap_download")


def main() -> None:
    st.title("Zeitreihen")
    st.caption("Ein Indikator über die Jahre – für mehrere Kreise, kreisfreie Städte oder KIs, mit NRW als Bezug")
    info = published_snapshot()

    catalogue = serving.indicators()
    units = timeseries.unit_options(serving.districts())
    labels = dict(zip(units["ags"], units["label"]))
    left, right = st.columns([2, 1])
    with left:
        indicator = indicator_choice(catalogue, key="series_indicator")
    with right:
        group = group_choice(indicator, key="series_group")
    # the unit chosen on the Kreisprofil comes along (same URL parameter / session value "gebiet")
    profile_unit = st.query_params.get("gebiet") or st.session_state.get("_url_gebiet")
    chosen = url_multichoice(
        "gebiete", units["ags"].tolist(), label="Gebiete (Kreise und kreisfreie Städte, KIs, Regierungsbezirke, NRW)",
        key="series_units", format_func=labels.get, default=timeseries.default_units(profile_unit, units),
        max_selections=timeseries.MAX_UNITS, placeholder="Gebiet wählen",
    )

    values = serving.indicator_values(indicator["indicator_id"], group)
    if bool(info["is_synthetic"]) or bool(values["is_synthetic"].any()):
        demo_banner()
    if not chosen:
        st.info("Bitte mindestens ein Gebiet wählen.")
        footer(info)
        return

    frame = timeseries.series_frame(values, units, chosen)
    unit = values["unit"].iloc[0] if len(values) else indicator["unit"]  # a gap group is in Prozentpunkte
    group_text = GROUP_NAMES.get(group, group)
    st.subheader(f"{indicator['name_de']} ({group_text})")
    st.caption(indicator["explanation_de"])
    if frame["value"].isna().all():
        st.info("Für diese Auswahl liegen keine Werte vor.")
    all_breaks = serving.series_breaks()
    breaks = series_breaks.within(all_breaks, indicator["indicator_id"], group, frame["year"])
    show_svg(timeseries.lines_svg(
        frame, unit, breaks, f"Liniendiagramm: {indicator['name_de']} ({group_text}) nach Jahren, NRW gestrichelt"))
    with st.expander("Werte als Tabelle"):
        st.table(timeseries.value_table(frame), hide_index=True, border="horizontal")
    _notes(frame, breaks)
    st.caption(source_note(indicator, frame[frame["value"].notna()]))
    downloads(timeseries.download_table(frame, indicator, group, all_breaks),
              f"zeitreihe_{indicator['indicator_id']}_{group}", key="series_download")

    if "auslaendisch" in indicator_groups(indicator):
        st.divider()
        if url_toggle("luecke", label="Lücke zwischen den Gruppen zeigen", key="series_show_gap"):
            _gap_section(indicator, units, chosen)
    footer(info)


main()
