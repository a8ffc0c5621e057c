"""Steckbriefe: every indicator of the catalogue in words (explanation, definition, numerator and denominator,
unit, direction, stage, groups, lowest level, period), its source tables with the data versions loaded for them,
caveats and licence; filtered by stage and a search, downloadable as CSV and Excel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import factsheets, serving
from dashboard.common import demo_banner, downloads, footer, published_snapshot, stage_section, url_choice
from dashboard.selections import url_text


def _factsheet(row: pd.Series, lines: list[tuple[str, str, str]], expanded: bool) -> None:
    with st.expander(row["Indikator"], expanded=expanded):
        st.markdown(f"*{row['Erklärung']}*")
        st.markdown("  \n".join([
            f"**Definition:** {row['Definition']}",
            f"**Zähler:** {row['Zähler']}",
            f"**Nenner:** {row['Nenner']}",
            f"**Einheit:** {row['Einheit']} · **Richtung:** {row['Richtung']}",
            f"**Stufe der Bildungskette:** {row['Stufe']} ({row['Abschnitt']})",
            f"**Gruppen:** {row['Gruppen']}",
            f"**Unterste Ebene:** {row['Unterste Ebene']} · **Zeitraum:** {row['Zeitraum']} · "
            f"**Herkunft:** {row['Herkunft']}",
        ]))
        st.markdown("**Quellen und geladene Datenstände:**  \n" + "  \n".join(
            f"{role}: {table} – {text}" for role, table, text in lines
        ))
        if row["Formatprüfung"].startswith(factsheets.UNVERIFIED_TEXT):
            st.warning(row["Formatprüfung"], icon="⚠️")
        st.markdown(f"**Brüche in der Reihe:** {row['Brüche in der Reihe']}  \n"
                    f"**Hinweise:** {row['Hinweise']}  \n**Lizenz:** {row['Lizenz']}  \n"
                    f"**Kennung:** `{row['Kennung']}`")


def main() -> None:
    st.title("Steckbriefe")
    st.caption("Was jeder Indikator misst, woher die Zahlen kommen und welcher Datenstand geladen ist")
    info = published_snapshot(needs_indicators=False)
    if bool(info["is_synthetic"]):
        demo_banner()

    catalogue = serving.indicators()
    versions = serving.indicator_source_versions()
    table = factsheets.factsheet_table(catalogue, versions, serving.source_tables(), serving.series_breaks())
    left, right = st.columns([1, 2])
    with left:
        stage = url_choice(
            "stufe", factsheets.stage_options(catalogue), label="Stufe der Bildungskette", key="factsheet_stage",
            format_func=lambda s: "Alle Stufen" if s == factsheets.ALL_STAGES else f"{stage_section(s)} › {s}",
        )
    with right:
        search = url_text("suche", label="Suche (Name, Definition, Tabelle, Hinweise)", key="factsheet_search",
                          placeholder="z. B. Zensus, 21111, Gymnasium")
    shown = factsheets.filter_factsheets(table, stage, search)
    st.caption(f"{len(shown)} von {len(table)} Indikatoren")
    if shown.empty:
        st.info("Kein Indikator passt zu dieser Auswahl.")
    by_id = catalogue.set_index("indicator_id", drop=False)
    expanded = bool(search) or len(shown) <= 3  # a search result is read at once
    for section, part in shown.groupby("Abschnitt", sort=False):
        st.subheader(section)
        for _, row in part.iterrows():
            _factsheet(row, factsheets.source_lines(by_id.loc[row["Kennung"]], versions), expanded)

    st.divider()
    st.caption(
        "Quelle: Indikatorenkatalog des Integrationsmonitors; geladene Datenstände aus der veröffentlichten "
        f"Datenbasis vom {pd.Timestamp(info['published_at']):%d.%m.%Y %H:%M} (UTC). Lizenz der Zahlen: je Indikator "
        "oben angegeben (amtliche Statistik: dl-de/by-2-0)."
    )
    downloads(shown, "steckbriefe", key="factsheet_download")
    footer(info)


main()
