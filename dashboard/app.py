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
        st.Page(VIEWS / "gemeinden.py", title="Gemeinden", icon=":material/location_city:", url_path="gemeinden"),
        st.Page(VIEWS / "karte.py", title="Karte", icon=":material/map:", url_path="karte"),
        st.Page(VIEWS / "daten.py", title="Daten & Qualität", icon=":material/fact_check:", url_path="daten"),
    ]
)
navigation.run()
