"""Pieces every page uses: the demo banner, downloads, the note on missing data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

DEMO_BANNER = (
    "**Demodaten (synthetisch)** – Die angezeigten Zahlen wurden vom Demodaten-Generator erzeugt und sind "
    "keine amtlichen Statistiken. Für echte Zahlen die Downloads der Landesdatenbank NRW in den Posteingang legen."
)


def demo_banner() -> None:
    st.warning(DEMO_BANNER, icon="⚠️")


def csv_download(frame: pd.DataFrame, file_name: str, key: str, label: str = "Daten als CSV herunterladen") -> None:
    # Semicolon and decimal comma: opens correctly in a German Excel.
    data = frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    st.download_button(label, data, file_name=file_name, mime="text/csv", key=key)


def no_snapshot_yet() -> None:
    st.info(
        "Es sind noch keine Daten veröffentlicht. Bitte zuerst die Pipeline ausführen (`make pipeline`) "
        "oder Dateien in den Posteingang legen."
    )
