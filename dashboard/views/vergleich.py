"""Vergleich (for the Landesweite Koordinierungsstelle): one indicator, group and year for all 53 Kreise and
kreisfreie Städte or all 54 KIs: the chosen unit's position, the ranking with NRW as reference, the distribution,
and the similar Kreise (Vergleichstyp) with the type's median."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import comparison, profile_data, serving
from dashboard.common import (
    GROUP_NAMES, demo_banner, downloads, footer, published_snapshot, show_svg,
    source_note, suppressed_reason, url_choice,
)
from dashboard.formatting import format_value
from dashboard.selections import group_choice, indicator_choice


def main() -> None:
    st.title("Vergleich")
    st.caption("Alle Kreise und kreisfreien Städte oder alle Kommunalen Integrationszentren in einem Jahr – "
               "mit NRW und ähnlichen Kreisen als Maßstab")
    info = published_snapshot()

    catalogue = serving.indicators()
    districts = serving.districts()
    requested_unit = st.query_params.get("gebiet") or st.session_state.get("_url_gebiet")
    top = st.columns([2, 1, 1])
    with top[0]:
        indicator = indicator_choice(catalogue, key="compare_indicator")
    with top[1]:
        group = group_choice(indicator, key="compare_group")
    with top[2]:
        level_default = "KI" if str(requested_unit or "").startswith("KI") else "Kreis"
        level = url_choice("ebene", list(comparison.LEVELS), label="Ebene", key="compare_level",
                           format_func=comparison.LEVELS.get, default=level_default)

    indicator_id = indicator["indicator_id"]
    comparisons = serving.comparisons(indicator_id, group, level)
    # the unit of the group's values: a gap group is in Prozentpunkte, the indicator in %
    unit = comparisons["unit"].iloc[0] if len(comparisons) else indicator["unit"]
    values = serving.indicator_values(indicator_id, group)
    if bool(info["is_synthetic"]) or bool(values["is_synthetic"].any()):
        demo_banner()
    years = comparison.years_with_values(comparisons)
    if not years:
        st.info(f"Für {indicator['name_de']} ({GROUP_NAMES.get(group, group)}) liegen auf dieser Ebene keine "
                "Werte vor.")
        footer(info)
        return
    units = comparison.level_units(districts, level)
    names = dict(zip(units["ags"], units["label"]))
    second = st.columns([1, 2])
    with second[0]:
        year = url_choice("jahr", years, label="Berichtsjahr", key="compare_year", default=years[0])
    with second[1]:
        ags = url_choice("gebiet", units["ags"].tolist(), label="Hervorgehoben", key=f"compare_unit_{level}",
                         format_func=names.get, default=comparison.default_unit(requested_unit, level, districts))

    types = serving.vergleichstypen()
    ranking = comparison.ranking_frame(comparisons, values, units, year, types)
    row = ranking[ranking["ags"] == ags].iloc[0]
    nrw_value = ranking["nrw_value"].dropna().iloc[0] if ranking["nrw_value"].notna().any() else None
    group_text = GROUP_NAMES.get(group, group)
    shown = ranking[ranking["value"].notna()]
    sources = comparison.source_line(indicator, shown)
    base_name = f"{indicator_id}_{group}_{year}_{level.lower()}"

    period = row["period_label"] if isinstance(row["period_label"], str) else str(year)
    st.subheader(f"{names[ags]}: {indicator['name_de']} ({group_text}), {period}")
    st.caption(indicator["explanation_de"])
    position = comparison.position_table(row, level)
    st.table(position, hide_index=True, hide_header=True, border="horizontal")
    if row["is_suppressed"]:
        st.caption(suppressed_reason())
    elif pd.isna(row["value"]):
        st.caption(f"Für {names[ags]} liegt für {year} kein Wert vor.")
    if level == "KI":
        st.caption(profile_data.profile_units(districts).set_index("ags").loc[ags, "note"])
    st.caption(sources)
    downloads(comparison.download_table(ranking[ranking["ags"] == ags], indicator, group, serving.series_breaks()),
              f"position_{ags}_{base_name}", key="compare_position_download")

    st.subheader(f"Rangfolge: {comparison.LEVELS[level]}")
    st.html(comparison.bar_table_html(
        ranking, ags, unit, nrw_value,
        label=f"Balkendiagramm: {indicator['name_de']} {year}, {comparison.LEVELS[level]} nach Rang"))
    notes = [comparison.RANK_ORDER_TEXT[indicator["direction"]],
             f"Gestrichelte Linie: NRW insgesamt ({format_value(nrw_value, unit)}). Blau und fett: das "
             "hervorgehobene Gebiet."]
    missing = comparison.without_value(ranking)
    if missing:
        notes.append(f"Ohne Balken ({missing}): gesperrte oder fehlende Werte werden nicht als null gezeigt.")
    st.caption(" ".join(notes))
    st.caption(source_note(indicator, shown))
    downloads(comparison.download_table(ranking, indicator, group, serving.series_breaks()), f"rangfolge_{base_name}",
              key="compare_ranking_download")

    st.subheader("Verteilung")
    show_svg(comparison.distribution_svg(
        ranking, ags, unit, nrw_value,
        f"Verteilung der Werte {year}: {comparison.LEVELS[level]}, mit dem hervorgehobenen Gebiet"))
    st.caption("Jeder Punkt ist ein Gebiet (der Wert erscheint beim Zeigen auf den Punkt); der Kasten reicht vom "
               "unteren bis zum oberen Viertel, der Strich darin ist der Median. Die blaue Raute ist das "
               "hervorgehobene Gebiet, die gestrichelte Linie NRW.  \n" + sources)
    downloads(comparison.download_table(shown, indicator, group, serving.series_breaks()), f"verteilung_{base_name}",
              key="compare_distribution_download")

    st.subheader("Ähnliche Kreise (Vergleichstyp)")
    type_id = row["vergleichstyp_id"] if isinstance(row["vergleichstyp_id"], str) else None
    members = comparison.type_members(ranking, type_id)
    if members.empty:
        st.info("Für dieses Gebiet ist kein Vergleichstyp festgelegt.")
    else:
        described = types.drop_duplicates("vergleichstyp_id").set_index("vergleichstyp_id").loc[type_id]
        st.markdown(f"**{described['vergleichstyp_name_de']}** – {described['vergleichstyp_description_de']}")
        if level == "KI":
            st.caption("Die Typen sind für die Kreise und kreisfreien Städte gebildet; ein KI gehört zum Typ seines "
                       "Kreises. Der Median ist der der Kreise des Typs.")
        median = row["vergleichstyp_median"] if pd.notna(row["vergleichstyp_median"]) else None
        st.html(comparison.bar_table_html(members, ags, unit, nrw_value, median,
                                          label=f"Balkendiagramm: {described['vergleichstyp_name_de']}"))
        missing = comparison.without_value(members)
        st.caption(f"Gepunktete Linie: Median des Vergleichstyps ({format_value(median, unit)}); gestrichelte "
                   f"Linie: NRW ({format_value(nrw_value, unit)})."
                   + (f" Ohne Balken: {missing}." if missing else "") + "  \n" + sources)
        downloads(comparison.download_table(members, indicator, group, serving.series_breaks()), f"vergleichstyp_{base_name}",
                  key="compare_type_download")
    footer(info)


main()
