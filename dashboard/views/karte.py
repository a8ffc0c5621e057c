"""Karte: one indicator, group and year across the 53 Kreise and kreisfreie Städte (a choropleth on the user's Kreis
boundaries, else our tile map) or across all Gemeinden of NRW (only with Gemeinde boundaries, and only for indicators
the sources give per Gemeinde). The chosen Kreis is outlined; a ranked table follows the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import map_pages, maps, serving
from dashboard.boundaries import GEMEINDE, KREIS, load_boundaries
from dashboard.common import (
    demo_banner, downloads, footer, published_snapshot, source_note, url_choice,
)
from dashboard.formatting import format_value
from dashboard.labels import STATUS_NO_DATA, STATUS_SUPPRESSED, group_label
from dashboard.selections import group_choice, indicator_choice

COLOUR_EXPLANATION = {
    "higher_is_better": "Blau: höher als NRW (besser), rot: niedriger (schlechter); je kräftiger, desto größer der "
                        "Abstand zu NRW.",
    "lower_is_better": "Blau: niedriger als NRW (besser), rot: höher (schlechter); je kräftiger, desto größer der "
                       "Abstand zu NRW.",
    "neutral": "Hell: niedriger Wert, dunkel: hoher Wert, ohne Wertung.",
}


def main() -> None:
    st.title("Karte")
    st.caption("Ein Indikator auf der Karte: die 53 Kreise und kreisfreien Städte oder alle Gemeinden "
               "Nordrhein-Westfalens")
    info = published_snapshot()
    districts = serving.districts()
    catalogue = serving.indicators()
    kreise = serving.kreise()

    indicator_column, group_column, year_column = st.columns([5, 3, 1])
    level_column, kreis_column = st.columns([5, 4])
    with indicator_column:
        indicator = indicator_choice(catalogue, key="karte_indikator", default=map_pages.DEFAULT_INDICATOR)
    indicator_id = indicator["indicator_id"]
    with group_column:
        group_id = group_choice(indicator, key="karte_gruppe")

    gemeinde_boundaries = load_boundaries(GEMEINDE)
    levels = [map_pages.LEVEL_KREISE]
    if map_pages.can_map_gemeinden(indicator, gemeinde_boundaries):
        levels.append(map_pages.LEVEL_GEMEINDEN)
    with level_column:
        level = url_choice("ebene", levels, label="Ebene", key="karte_ebene", format_func=map_pages.LEVEL_LABELS.get,
                           widget=st.radio, horizontal=True)
        if len(levels) == 1:
            why = ("die Quellen liefern diesen Indikator nicht je Gemeinde."
                   if indicator["lowest_level"] != "Gemeinde" else gemeinde_boundaries.message_de)
            st.caption(f"Gemeinden: nicht verfügbar – {why}")
    with kreis_column:
        kreis = map_pages.choose_kreis(kreise, districts, key="karte_kreis", label="Kreis hervorheben")

    comparisons = serving.comparisons(indicator_id, group_id, "Kreis")
    if level == map_pages.LEVEL_GEMEINDEN:
        comparisons = pd.concat([serving.comparisons(indicator_id, group_id, "Gemeinde"), comparisons],
                                ignore_index=True)
        level_years = comparisons[comparisons["level"] == "Gemeinde"]
    else:
        level_years = comparisons
    years = map_pages.years_with_rows(level_years)
    with year_column:
        year = map_pages.choose_year(years, key="karte_jahr")
    if year is None:
        st.info("Für diesen Indikator und diese Gruppe gibt es noch keine Werte.")
        footer(info)
        return

    values = serving.indicator_values(indicator_id, group_id)
    rows = map_pages.ranking_rows(comparisons, districts, year, level)
    # The rows behind the map and table: the units, NRW, and for the kreisfreie Städte among the Gemeinden their
    # rows of the level Kreis.
    cities = set(rows.loc[rows["is_kreisfreie_stadt"], "ags"].str[:5])
    shown_codes = set(rows["ags"]) | cities | {"05"}
    shown_values = values[(values["year"] == year) & values["ags"].isin(shown_codes)]
    if bool(info["is_synthetic"]) or bool(shown_values["is_synthetic"].any()):
        demo_banner()

    unit = shown_values["unit"].dropna().iloc[0] if shown_values["unit"].notna().any() else indicator["unit"]
    periods = shown_values["period_label"].dropna()
    period = periods.iloc[0] if len(periods) else str(year)
    group_text = "" if group_id == "insgesamt" else f" ({group_label(group_id)})"
    st.subheader(f"{indicator['name_de']}{group_text}: {map_pages.LEVEL_LABELS[level]}, {period}")
    st.caption(f"{indicator['explanation_de']} {COLOUR_EXPLANATION.get(indicator['direction'], '')} "
               "Grau: gesperrt oder keine Daten. Schwarz umrandet: der gewählte Kreis.")

    loaded = gemeinde_boundaries if level == map_pages.LEVEL_GEMEINDEN else load_boundaries(KREIS)
    if loaded.boundaries is None:
        (st.warning if loaded.is_error else st.info)(loaded.message_de, icon=":material/map:")
        with st.expander("Woher bekomme ich Gebietsgrenzen?"):
            st.markdown(map_pages.BOUNDARIES_HELP)
    map_pages.show_map(indicator_id, group_id, year, level, kreis, "nrw", loaded)
    if loaded.boundaries is not None:
        attribution = (f"Karte: {loaded.boundaries.attribution}, Gebietsgrenzen aus "
                       f"{loaded.boundaries.source_name}.")
    else:
        attribution = f"Karte: {map_pages.TILE_MAP_NOTE}"
    if level == map_pages.LEVEL_GEMEINDEN:
        attribution += " Kreisfreie Städte sind zugleich Gemeinden: Sie zeigen den Wert der Stadt."
    st.caption(f"{attribution} {map_pages.short_source(indicator, shown_values)}")

    st.subheader("Rangfolge")
    nrw_text = format_value(maps.reference_value(values, year, "05", group_id), unit)
    kreis_rows = comparisons[(comparisons["ags"] == kreis) & (comparisons["year"] == year)]
    kreis_name = kreise.set_index("ags").loc[kreis, "display_name"]
    first, second = st.columns(2)
    first.metric("Nordrhein-Westfalen", nrw_text)
    if len(kreis_rows) and pd.notna(kreis_rows["value"].iloc[0]):
        row = kreis_rows.iloc[0]
        rank = (f"Rang {int(row['rank_nrw'])} von {int(row['ranked_count_nrw'])} Kreisen"
                if pd.notna(row["rank_nrw"]) else None)
        second.metric(kreis_name, format_value(row["value"], unit), delta=rank, delta_color="off", delta_arrow="off")
    else:
        second.metric(kreis_name, STATUS_SUPPRESSED if len(kreis_rows) else STATUS_NO_DATA)

    table = map_pages.ranking_table(rows, unit, level)
    st.dataframe(map_pages.display_table(table, rows["status"], unit), hide_index=True, width="stretch",
                 height=420, key="karte_table")
    ranked = rows["ranked_count_nrw"].dropna()
    units_text = "Gemeinden" if level == map_pages.LEVEL_GEMEINDEN else "Kreisen und kreisfreien Städten"
    st.caption(f"Rang in NRW: unter den {int(ranked.max()) if len(ranked) else 0} {units_text} mit Wert; "
               f"{map_pages.rank_meaning(rows, indicator['direction'])} Abstand: Wert minus Wert von NRW.")
    for note in map_pages.withheld_notes(rows):
        st.caption(f"**gesperrt:** {note}")
    downloads(table, f"karte_{level}_{indicator_id}_{group_id}_{year}", key="karte_download")
    st.caption(source_note(indicator, shown_values))
    footer(info)


main()
