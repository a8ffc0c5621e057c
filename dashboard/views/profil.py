"""Kreisprofil (start page): one Kreis, kreisfreie Stadt or KI along the Bildungskette. Per indicator a tile with the
latest value, the change to the previous period and over five years, NRW and RB, the gap between groups, a small
trend line and the catalogue's one-sentence explanation; colour says better or worse than NRW in the indicator's own
direction. The printable PDF of the same profile is offered at the top."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, profile_data, serving
from dashboard.common import (
    BILDUNGSKETTE, DOWNLOAD, SUPPRESSED_TEXT, demo_banner, downloads, footer, published_snapshot, show_svg,
    suppressed_reason, url_choice,
)
from dashboard.formatting import format_change, format_value

# Okabe-Ito blue / orange: tells better from worse also with a colour-vision deficiency (never red against green).
VERDICT_BADGES = {
    "besser": ("besser als NRW", "blue", ":material/thumb_up:"),
    "schlechter": ("schlechter als NRW", "orange", ":material/thumb_down:"),
    "gleich": ("wie NRW", "gray", None),
    "neutral": ("Vergleich mit NRW ohne Wertung", "gray", None),
}


def _profile_pdf(ags: str) -> bytes:
    """The printable Kreisprofil of one unit, built only when the reader asks for it."""
    # ReportLab takes about 0,4 s to import: only a server that is asked for a PDF pays it.
    from dashboard.pdf_profile import build_kreisprofil_pdf

    districts = serving.districts()
    rb_ags = districts.set_index("ags").loc[ags, "rb_ags"]
    return build_kreisprofil_pdf(
        ags, serving.values_of_units((ags, rb_ags, "05")), serving.indicators(), districts,
        breaks=serving.series_breaks(),
        is_synthetic=bool(serving.snapshot_info()["is_synthetic"]) or None,
    )


def _tile(tile: profile_data.Tile, suppressed_note: str) -> None:
    with st.container(border=True):
        if tile.is_suppressed:
            st.metric(tile.name, SUPPRESSED_TEXT, help=tile.explanation)
            st.caption(f"{tile.period_label}: {suppressed_note}")
            st.caption(tile.source_text)
            return
        st.metric(
            tile.name,
            format_value(tile.value, tile.unit),
            delta=(f"{format_change(tile.change_previous, tile.change_unit)} zum Vorjahr"
                   if tile.change_previous is not None else None),
            delta_color="off",
            help=tile.explanation,
        )
        sparkline = charts.sparkline_svg(tile.trend_years, tile.trend, tile.trend_nrw)
        if sparkline:
            show_svg(sparkline)
        label, colour, icon = VERDICT_BADGES[tile.verdict]
        st.badge(label, color=colour, icon=icon)
        parts = [tile.period_label, f"NRW {format_value(tile.nrw_value, tile.unit)}"]
        if tile.rb_value is not None:
            parts.append(f"RB {format_value(tile.rb_value, tile.unit)}")
        if tile.change_5_years is not None:
            parts.append(f"5 Jahre: {format_change(tile.change_5_years, tile.change_unit)}")
        st.caption(" · ".join(parts))
        if tile.gap is not None:
            st.caption(f"Lücke {tile.gap_label}: {format_change(tile.gap, tile.gap_unit)}")
        st.caption(tile.source_text)


def main() -> None:
    st.title("Kreisprofil")
    st.caption("Integration durch Bildung entlang der Bildungskette – Familie, KiTa, Schule, Ausbildung, Beruf")
    info = published_snapshot()

    units = profile_data.profile_units(serving.districts())
    names = dict(zip(units["ags"], units["label"]))
    ags = url_choice("gebiet", units["ags"].tolist(), label="Kreis, kreisfreie Stadt oder Kommunales Integrationszentrum",
                     key="profile_unit", format_func=names.get, default="05966")
    profile = serving.unit_profile(ags)
    catalogue = serving.indicators()
    if bool(info["is_synthetic"]) or bool(profile["is_synthetic"].any()):
        demo_banner()
    unit = units.set_index("ags").loc[ags]
    st.header(unit["display_name"])
    if unit["note"]:
        st.info(unit["note"])

    tiles = profile_data.tiles(profile, catalogue, serving.group_gaps(ags))
    pdf_column, data_column = st.columns([1, 2])
    with pdf_column:
        st.download_button(
            "Kreisprofil als PDF", lambda: _profile_pdf(ags), file_name=f"kreisprofil_{ags}.pdf",
            mime="application/pdf", icon=":material/picture_as_pdf:", type="primary", key="profile_pdf", **DOWNLOAD,
        )
    with data_column:
        with st.popover("Daten des Profils herunterladen", icon=":material/download:"):
            downloads(profile_data.profile_table(profile, catalogue, serving.series_breaks()), f"kreisprofil_{ags}",
                      key="profile_data")

    suppressed_note = suppressed_reason()  # once per page: it reads the snapshot's threshold
    for section in BILDUNGSKETTE:
        in_section = [tile for tile in tiles if tile.section == section]
        st.subheader(section)
        if not in_section:
            st.caption("Für diesen Abschnitt liegen keine Indikatoren vor.")
            continue
        for start in range(0, len(in_section), 3):
            columns = st.columns(3)
            for column, tile in zip(columns, in_section[start:start + 3]):
                with column:
                    _tile(tile, suppressed_note)
    missing = profile_data.missing_indicators(tiles, catalogue)
    if missing:
        st.caption("Ohne Daten für dieses Gebiet: " + ", ".join(missing) + ".")
    st.caption(
        "Werte: letztes Jahr mit Daten je Indikator; Linie: Verlauf des Gebiets (blau) und NRW (gestrichelt). Farbe: besser (blau) oder schlechter (orange) als NRW in der "
        "Richtung des Indikators; Anteile ohne Wertung (z. B. Ausländeranteil) sind grau. Quellen, Stand und "
        "Definitionen stehen unter „Steckbriefe“ und im PDF."
    )
    footer(info)


main()
