"""Integrationsmonitor NRW: the Streamlit entry point. Pages live in dashboard/views/; data comes only from
dashboard/serving.py (the published serving snapshot)."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import streamlit as st

from dashboard import access, serving

st.set_page_config(page_title="Integrationsmonitor NRW", page_icon=":material/monitoring:", layout="wide")
VIEWS = Path(__file__).with_name("views")
PAGE_ERROR_DE = (
    "Auf dieser Seite ist ein Fehler aufgetreten; die Daten sind davon nicht betroffen. Bitte die Seite neu laden. "
    "Bleibt der Fehler, bitte die Fehlernummer {number} an die Betreuung des Integrationsmonitors melden."
)


def show_page() -> None:
    # Sign-in box in the sidebar; the navigation holds only the pages this user's role may open (dashboard/access.py):
    # the script of an internal page never runs for a public session.
    user = access.sign_in(serving.centre_name)
    navigation = st.navigation(access.allowed_pages(user, [
        st.Page(VIEWS / "profil.py", title="Kreisprofil", icon=":material/home:", default=True),
        st.Page(VIEWS / "gemeinden.py", title="Gemeinden", icon=":material/location_city:", url_path="gemeinden"),
        st.Page(VIEWS / "karte.py", title="Karte", icon=":material/map:", url_path="karte"),
        st.Page(VIEWS / "zeitreihen.py", title="Zeitreihen", icon=":material/show_chart:", url_path="zeitreihen"),
        st.Page(VIEWS / "vergleich.py", title="Vergleich", icon=":material/leaderboard:", url_path="vergleich"),
        st.Page(VIEWS / "standards.py", title="Standards", icon=":material/verified:", url_path="standards"),
        st.Page(VIEWS / "steckbriefe.py", title="Steckbriefe", icon=":material/menu_book:", url_path="steckbriefe"),
        st.Page(VIEWS / "daten.py", title="Daten & Qualität", icon=":material/fact_check:", url_path="daten"),
    ]))
    navigation.run()


try:
    show_page()
except Exception:  # st.stop() and st.rerun() are BaseExceptions and pass through
    # The browser gets a German box with a number, never a traceback or a server path; the log the details.
    number = secrets.token_hex(4)
    logging.getLogger("dashboard").exception("Page script failed (error number %s)", number)
    st.error(PAGE_ERROR_DE.format(number=number), icon=":material/error:")
