"""Integrationsmonitor NRW: the Streamlit entry point. Pages live in dashboard/views/; data comes only from
dashboard/serving.py (the published serving snapshot)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Integrationsmonitor NRW", page_icon=":material/monitoring:", layout="wide")

VIEWS = Path(__file__).with_name("views")
navigation = st.navigation(
    [
        st.Page(VIEWS / "profil.py", title="Kreisprofil", icon=":material/home:", default=True),
        st.Page(VIEWS / "zeitreihen.py", title="Zeitreihen", icon=":material/show_chart:", url_path="zeitreihen"),
        st.Page(VIEWS / "vergleich.py", title="Vergleich", icon=":material/leaderboard:", url_path="vergleich"),
        st.Page(VIEWS / "standards.py", title="Standards", icon=":material/verified:", url_path="standards"),
        st.Page(VIEWS / "steckbriefe.py", title="Steckbriefe", icon=":material/menu_book:", url_path="steckbriefe"),
        st.Page(VIEWS / "daten.py", title="Daten & Qualität", icon=":material/fact_check:", url_path="daten"),
    ]
)
navigation.run()
