"""Kreis page: Ausländeranteil of a Kreis over time against its Regierungsbezirk and NRW, and all Kreise ranked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, serving
from dashboard.common import csv_download, demo_banner, no_snapshot_yet
from dashboard.formatting import format_number, format_percent, format_stand

INDICATOR_ID = "auslaenderanteil"


def _stand_text(stands: pd.Series) -> str:
    """One Stand, or the range of Stände when a chart spans several downloads (one per reporting year)."""
    stands = stands.dropna().sort_values()
    if stands.empty:
        return "Stand unbekannt"
    first, last = stands.iloc[0].to_pydatetime(), stands.iloc[-1].to_pydatetime()
    if first == last:
        return format_stand(first)
    return f"Stände {first:%d.%m.%Y} bis {last:%d.%m.%Y} (je Berichtsjahr ein Download)"


def source_note(indicator: dict, shown: pd.DataFrame) -> str:
    """Definition, source tables with their Stand, caveats and licence for the rows a chart shows."""
    lines = [f"**Definition:** {indicator['definition_de']}"]
    for role, label in (("numerator", "Zähler"), ("denominator", "Nenner")):
        tables = "; ".join(
            f"Tabelle {table} ({_stand_text(part[f'{role}_stand'])})"
            for table, part in shown.groupby(f"{role}_source_table")
        )
        lines.append(f"**{label}:** {indicator[f'{role}_de']} – {tables}")
    lines.append(f"**Hinweis:** {indicator['caveats_de']}")
    lines.append(f"**Lizenz:** {indicator['licence_de']}")
    return "  \n".join(lines)


def main() -> None:
    st.title("Integrationsmonitor NRW")
    st.caption("Integration durch Bildung in den Kreisen und kreisfreien Städten Nordrhein-Westfalens")

    try:
        info = serving.snapshot_info()
    except serving.SnapshotMissing:
        no_snapshot_yet()
        return

    values = serving.indicator_values(INDICATOR_ID)
    if values.empty:
        st.info("Für den Ausländeranteil liegen noch keine Daten vor: es fehlen Ausländer- (12521-03i) oder Bevölkerungszahlen (12411-…).")
        return
    indicator = serving.indicator(INDICATOR_ID)
    districts = serving.districts()
    kreise = serving.kreise()
    kreise = kreise[kreise["ags"].isin(values["ags"])]

    # Selections live in the URL so that a link shows the same view.
    options = kreise["ags"].tolist()
    names = dict(zip(kreise["ags"], kreise["display_name"]))
    requested = st.query_params.get("kreis")
    years = sorted(values["year"].unique().tolist())
    requested_year = st.query_params.get("jahr")

    left, right = st.columns([2, 1])
    with left:
        ags = st.selectbox(
            "Kreis oder kreisfreie Stadt",
            options,
            index=options.index(requested) if requested in options else 0,
            format_func=names.get,
        )
    with right:
        year = st.selectbox(
            "Jahr (Stichtag 31.12.)",
            years[::-1],
            index=years[::-1].index(int(requested_year)) if requested_year and requested_year.isdigit() and int(requested_year) in years else 0,
        )
    st.query_params["kreis"] = ags
    st.query_params["jahr"] = str(year)

    trend = charts.trend_frame(values, districts, ags)
    ranking = charts.ranking_frame(values, districts, year)
    shown = values[values["ags"].isin(trend["ags"]) | (values["year"] == year)]
    if bool(info["is_synthetic"]) or bool(shown["is_synthetic"].any()):
        demo_banner()

    name = names[ags]
    st.header(f"{indicator['name_de']}: {name}")
    st.write(indicator["explanation_de"])

    selected = trend[trend["role"] == "Auswahl"].set_index("year")["value"]
    land = trend[trend["role"] == "NRW"].set_index("year")["value"]
    columns = st.columns(3)
    columns[0].metric(
        f"{name}, {year}",
        format_percent(selected.get(year)),
        delta=(f"{format_number(selected[year] - selected[year - 1], 1)} Prozentpunkte zum Vorjahr"
               if year in selected and year - 1 in selected else None),
        delta_color="off",
    )
    columns[1].metric(f"Nordrhein-Westfalen, {year}", format_percent(land.get(year)))
    rank = ranking.set_index("ags")["rank"].get(ags)
    columns[2].metric(f"Rang unter {len(ranking)} Kreisen, {year}", f"{rank} von {len(ranking)}" if rank else "–",
                      help="Rang 1 = höchster Ausländeranteil")

    st.subheader(f"Zeitverlauf: {name}, Regierungsbezirk und NRW")
    st.plotly_chart(charts.trend_figure(trend, indicator["unit"]), width="stretch", config={"displaylogo": False})
    st.caption(source_note(indicator, values[values["ags"].isin(trend["ags"])]))
    with st.expander("Zahlen zum Zeitverlauf"):
        table = trend.assign(
            Anteil=trend["value"].map(format_percent),
            Ausländer=trend["numerator"].map(format_number),
            Bevölkerung=trend["denominator"].map(format_number),
        )[["year", "name", "Anteil", "Ausländer", "Bevölkerung"]].rename(columns={"year": "Jahr", "name": "Gebiet"})
        st.dataframe(table, hide_index=True, width="stretch")
        csv_download(trend, f"auslaenderanteil_{ags}.csv", key="download_trend")

    st.subheader(f"Alle {len(ranking)} Kreise und kreisfreien Städte, 31.12.{year}")
    st.plotly_chart(charts.ranking_figure(ranking, ags, indicator["unit"]), width="stretch", config={"displaylogo": False})
    st.caption(source_note(indicator, values[values["year"] == year]))
    with st.expander("Zahlen zur Rangfolge"):
        st.dataframe(
            ranking.assign(Anteil=ranking["value"].map(format_percent))[["rank", "name", "Anteil"]].rename(
                columns={"rank": "Rang", "name": "Kreis / kreisfreie Stadt"}
            ),
            hide_index=True,
            width="stretch",
        )
        csv_download(ranking, f"auslaenderanteil_kreise_{year}.csv", key="download_ranking")

    st.divider()
    st.caption(
        f"Datenstand der Veröffentlichung: {pd.Timestamp(info['published_at']):%d.%m.%Y %H:%M} (UTC). "
        "Gebietsstand und Schlüssel: © GeoBasis-DE / BKG 2021, dl-de/by-2-0."
    )


main()
