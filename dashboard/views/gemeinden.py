"""Gemeinden: the kreisangehörige Gemeinden of one Kreis for one indicator, group and year, as a map (on the Gemeinde
boundaries the user provides) and as a table ranked within the Kreis, with the Kreis's and NRW's value for reference.
Kreisfreie Städte have no Gemeinden of their own: the page says so and points to the level of the Kreise."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import map_pages, serving
from dashboard.boundaries import GEMEINDE, load_boundaries
from dashboard.common import demo_banner, downloads, footer, published_snapshot, source_note
from dashboard.formatting import format_value
from dashboard.labels import STATUS_NO_DATA, group_label, value_status
from dashboard.selections import group_choice, indicator_choice


def _reference(values: pd.DataFrame, ags: str, year: int) -> str:
    """The value of a unit (the Kreis, NRW) in German, or why there is none."""
    rows = values[(values["ags"] == ags) & (values["year"] == year)]
    if rows.empty:
        return STATUS_NO_DATA
    row = rows.iloc[0]
    if pd.isna(row["value"]):
        return value_status(True, None, row["flag"] if isinstance(row["flag"], str) else None)
    return format_value(row["value"], row["unit"])


def _kreisfreie_stadt(name: str, ags: str) -> None:
    st.info(
        f"{name} ist eine kreisfreie Stadt: Sie hat keine kreisangehörigen Gemeinden, ihre Werte stehen auf der "
        "Ebene der Kreise und kreisfreien Städte. Diese Seite zeigt die Gemeinden eines Kreises."
    )
    left, right = st.columns(2)
    left.page_link("views/karte.py", label=f"{name} auf der Karte der Kreise und kreisfreien Städte",
                   icon=":material/map:", query_params={"ebene": map_pages.LEVEL_KREISE, "gebiet": ags})
    right.page_link("views/profil.py", label=f"Kreisprofil {name}", icon=":material/home:",
                    query_params={"gebiet": ags})


def main() -> None:
    st.title("Gemeinden")
    st.caption("Die kreisangehörigen Gemeinden eines Kreises im Vergleich: Karte und Rangfolge, dazu der Wert des "
               "Kreises und von NRW")
    info = published_snapshot()
    districts = serving.districts()
    catalogue = serving.indicators()
    kreise = serving.kreise()

    kreis_column, indicator_column, group_column, year_column = st.columns([3, 4, 2, 1])
    with kreis_column:
        kreis = map_pages.choose_kreis(kreise, districts, key="gemeinden_kreis", label="Kreis")
    kreis_row = kreise.set_index("ags").loc[kreis]
    kreis_name = kreis_row["display_name"]
    if kreis_row["kind"] == "kreisfreie Stadt":
        if bool(info["is_synthetic"]):
            demo_banner()
        _kreisfreie_stadt(kreis_name, kreis)
        footer(info)
        return

    with indicator_column:
        indicator = indicator_choice(map_pages.gemeinde_indicators(catalogue), key="gemeinden_indikator",
                                     default=map_pages.DEFAULT_INDICATOR)
    indicator_id = indicator["indicator_id"]
    with group_column:
        group_id = group_choice(indicator, key="gemeinden_gruppe")
    comparisons = serving.comparisons(indicator_id, group_id, "Gemeinde")
    years = map_pages.years_with_rows(comparisons)
    with year_column:
        year = map_pages.choose_year(years, key="gemeinden_jahr")
    if year is None:
        st.info("Für diesen Indikator und diese Gruppe gibt es noch keine Werte der Gemeinden.")
        footer(info)
        return

    values = serving.indicator_values(indicator_id, group_id)
    rows = map_pages.gemeinde_rows(comparisons, districts, kreis, year)
    shown_values = values[(values["year"] == year) & values["ags"].isin(set(rows["ags"]) | {kreis, "05"})]
    if bool(info["is_synthetic"]) or bool(shown_values["is_synthetic"].any()):
        demo_banner()

    unit = shown_values["unit"].dropna().iloc[0] if shown_values["unit"].notna().any() else indicator["unit"]
    periods = shown_values["period_label"].dropna()
    period = periods.iloc[0] if len(periods) else str(year)
    group_text = "" if group_id == "insgesamt" else f" ({group_label(group_id)})"
    st.subheader(f"{indicator['name_de']}{group_text} in den Gemeinden: {kreis_name}, {period}")
    st.caption(indicator["explanation_de"])

    kreis_text = _reference(values, kreis, year)
    nrw_text = _reference(values, "05", year)
    with_value = int(rows["status"].isna().sum())
    map_column, reference_column = st.columns([3, 1])
    with reference_column:
        st.metric(kreis_name, kreis_text, help="Wert des Kreises im selben Jahr: Bezug für Farben und Abstand")
        st.metric("Nordrhein-Westfalen", nrw_text)
        st.metric("Gemeinden mit Wert", f"{with_value} von {len(rows)}")
    with map_column:
        loaded = load_boundaries(GEMEINDE)
        if loaded.boundaries is None:
            (st.warning if loaded.is_error else st.info)(loaded.message_de, icon=":material/map:")
            st.markdown(map_pages.BOUNDARIES_HELP)
        else:
            map_pages.show_map(indicator_id, group_id, year, map_pages.LEVEL_GEMEINDEN, kreis, "kreis", loaded)
            st.caption(
                f"Karte: {loaded.boundaries.attribution}, Gebietsgrenzen aus {loaded.boundaries.source_name}. "
                f"Farbe: Abstand zum Wert des Kreises. {map_pages.short_source(indicator, shown_values)}"
            )

    table = map_pages.gemeinde_table(rows, unit)
    st.dataframe(map_pages.display_table(table, rows["status"], unit), hide_index=True, width="stretch",
                 key="gemeinden_table")
    ranked = rows["ranked_count_in_kreis"].dropna()
    st.caption(f"Rang im Kreis: unter den {int(ranked.iloc[0]) if len(ranked) else 0} Gemeinden mit Wert; "
               f"{map_pages.rank_meaning(comparisons, indicator['direction'])} "
               "Abstand: Wert der Gemeinde minus Wert des Kreises.")
    for note in map_pages.withheld_notes(rows):
        st.caption(f"**gesperrt:** {note}")
    if (rows["status"] == STATUS_NO_DATA).any():
        st.caption(f"**keine Daten:** {map_pages.STATUS_NOTES[STATUS_NO_DATA]}")
    downloads(table, f"gemeinden_{kreis}_{indicator_id}_{group_id}_{year}", key="gemeinden_download")
    st.caption(source_note(indicator, shown_values))
    footer(info)


main()
