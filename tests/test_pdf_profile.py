"""The printable Kreisprofil on the served demo data: the PDF's text (extracted with pypdf) holds the Kreis, the
snapshot's values in German format, the comparison values, the sources with Stand and licence, the demo notice and
page numbers; suppressed values print as "gesperrt" (its build time: benchmarks/pdf_profile.py)."""

from __future__ import annotations

import io
import re
from datetime import datetime

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.formatting import format_date, format_value
from dashboard.labels import STAGE_ORDER
from dashboard.pdf_profile import build_kreisprofil_pdf, indicator_profile
from dashboard.profile_data import profile_indicators
from dashboard.series_breaks import from_frame, text_with_source

OLPE = "05966"
CREATED = datetime(2026, 3, 14, 9, 30)


@pytest.fixture(scope="module")
def snapshot(demo_pipeline):
    connection = duckdb.connect(str(demo_pipeline.serving_path), read_only=True)
    try:
        return tuple(connection.execute(f"select * from {table}").df()
                     for table in ("indicator_values", "indicators", "districts", "series_breaks"))
    finally:
        connection.close()


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return normalise(text), len(reader.pages)


def normalise(text: str) -> str:
    """Spaces of any width as one space: the PDF prints the narrow no-break space as a no-break space."""
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def latest_rows(values: pd.DataFrame, indicator_id: str, ags: str) -> pd.DataFrame:
    rows = values[(values["indicator_id"] == indicator_id) & (values["ags"] == ags)
                  & (values["group_id"] == "insgesamt")]
    return rows[rows["year"] == rows["year"].max()]


@pytest.fixture(scope="module")
def olpe_pdf(snapshot):
    values, indicators, districts, breaks = snapshot
    return build_kreisprofil_pdf(OLPE, values, indicators, districts, created=CREATED, breaks=from_frame(breaks))


def test_profile_names_the_kreis_date_pages_and_demo_notice(olpe_pdf):
    pdf = olpe_pdf
    assert pdf.startswith(b"%PDF")
    text, pages = pdf_text(pdf)
    assert "Kreisprofil Kreis Olpe" in text
    assert f"erstellt am {format_date(CREATED)}" in text
    assert "Demodaten (synthetisch)" in text
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("Vera" in font for font in fonts)  # embedded, not a standard font without umlauts
    assert "Übersicht" in text and "Ausländeranteil" in text and "Regierungsbezirk Arnsberg" in text


def test_profile_prints_the_snapshots_values_in_german_format(snapshot, olpe_pdf):
    values, indicators, _, _ = snapshot
    indicators = profile_indicators(indicators)  # not the Ausländeranteil laut AZR beside the headline one
    text, _ = pdf_text(olpe_pdf)
    checked = 0
    for indicator in indicators.itertuples():
        kreis = latest_rows(values, indicator.indicator_id, OLPE)
        if kreis.empty or kreis["value"].isna().all():
            continue
        year = kreis["year"].item()
        for ags in (OLPE, "059", "05"):  # the Kreis, its Regierungsbezirk Arnsberg, NRW
            row = values[(values["indicator_id"] == indicator.indicator_id) & (values["ags"] == ags)
                         & (values["group_id"] == "insgesamt") & (values["year"] == year)]
            if row.empty:  # e.g. no Regierungsbezirke in the BA table for the SGB-II-Quote
                assert "keine Daten" in text
                continue
            expected = normalise(format_value(row["value"].item(), row["unit"].item()))
            assert expected in text, (indicator.indicator_id, ags, expected)
        previous = values[(values["indicator_id"] == indicator.indicator_id) & (values["ags"] == OLPE)
                          & (values["group_id"] == "insgesamt") & (values["year"] < year)]
        previous = previous[previous["year"] == previous["year"].max()]
        assert normalise(format_value(previous["value"].item(), previous["unit"].item())) in text
        checked += 1
    assert checked >= 8  # every indicator the demo data compute for a Kreis


def test_profile_lists_sources_with_table_code_stand_and_licence(snapshot, olpe_pdf):
    values, indicators, _, _ = snapshot
    indicators = profile_indicators(indicators)
    text, _ = pdf_text(olpe_pdf)
    flat = text.replace("\n", " ")
    for indicator in indicators.itertuples():
        kreis = latest_rows(values, indicator.indicator_id, OLPE)
        if kreis.empty:
            continue
        row = kreis.iloc[0]
        assert f"Tabelle {row['numerator_source_table']}" in flat, indicator.indicator_id
        assert f"Stand {format_date(row['numerator_stand'])}" in flat, indicator.indicator_id
        assert normalise(indicator.definition_de).split()[0] in flat
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in flat
    assert "Quelle: Statistik der Bundesagentur für Arbeit" in flat


def test_profile_follows_the_bildungskette_and_names_indicators_without_data(snapshot, olpe_pdf):
    _, indicators, _, _ = snapshot
    text, _ = pdf_text(olpe_pdf)
    stages = [stage for stage in STAGE_ORDER if stage in set(indicators["stage"])]
    # The last mention of each stage is its section heading (the overview table names them before).
    positions = [text.rfind(f"\n{stage}\n") for stage in stages]
    assert all(position >= 0 for position in positions), dict(zip(stages, positions))
    assert positions == sorted(positions)
    assert "Noch ohne Daten für diesen Kreis:" not in text  # the demo data compute every indicator for Olpe
    # Olpe has no Sekundarschule (the table's "Schularten mit mehreren Bildungsgängen"): the row says so, no number.
    assert "Schularten mit mehreren Bildungsgängen" in text.replace("\n", " ") and "nichts vorhanden" in text


def test_suppressed_values_print_gesperrt_and_real_data_no_demo_notice(snapshot):
    values, indicators, districts, _ = snapshot
    values = values.copy()
    latest = latest_rows(values, "auslaenderanteil", OLPE)
    # As the Kreis's own small-cell suppression will deliver it: the row is there, the value is NULL.
    values.loc[latest.index, ["value", "flag"]] = [None, "."]
    values["is_synthetic"] = False

    indicator = indicators[indicators["indicator_id"] == "auslaenderanteil"].iloc[0].to_dict()
    kreis = districts.set_index("ags").loc[OLPE].to_dict() | {"ags": OLPE}
    profile = indicator_profile(indicator, values, kreis)
    row = profile.table.iloc[0]
    assert row["kreis_latest"] == "gesperrt" and row["change"] == "–"
    assert row["nrw_latest"] != "gesperrt"

    pdf = build_kreisprofil_pdf(OLPE, values, indicators, districts, created=CREATED)
    text, _ = pdf_text(pdf)
    assert "gesperrt" in text
    assert "Demodaten" not in text


def test_only_kreise_have_a_profile(snapshot):
    values, indicators, districts, _ = snapshot
    with pytest.raises(ValueError):
        build_kreisprofil_pdf("059", values, indicators, districts)


def test_profile_names_the_indicators_without_data(snapshot):
    values, indicators, districts, _ = snapshot
    pdf = build_kreisprofil_pdf(OLPE, values[values["indicator_id"] != "kita_segregation"], indicators, districts)
    text, _ = pdf_text(pdf)
    assert "Noch ohne Daten für diesen Kreis:" in text and "KiTa-Segregation" in text


def test_profile_marks_the_served_breaks_with_their_sources(snapshot, olpe_pdf):
    """The PDF reads the breaks from the snapshot (series_breaks): each indicator names those within its years."""
    values, indicators, districts, served = snapshot
    breaks = from_frame(served)
    text, _ = pdf_text(olpe_pdf)
    kreis = districts.set_index("ags").loc[OLPE].to_dict() | {"ags": OLPE}
    shown = 0
    for indicator in indicators.to_dict("records"):
        profile = indicator_profile(indicator, values, kreis, breaks)
        if profile is None:
            continue
        years = profile.trend["year"]
        expected = {b.key for b in breaks if b.indicator_id == indicator["indicator_id"]
                    and b.applies_to(profile.main_group) and years.min() <= b.x <= years.max()}
        assert {b.key for b in profile.breaks} == expected, indicator["indicator_id"]
        for item in profile.breaks:
            assert f"Bruch in der Reihe: {text_with_source(item)}" in profile.sources
            shown += 1
    assert shown and "Bruch in der Reihe: Ab dem Stichtag 31.12.2022" in text
    # without the served table the same profile has no break lines (nothing kept in code)
    indicator = indicators.set_index("indicator_id", drop=False).loc["auslaenderanteil"].to_dict()
    assert indicator_profile(indicator, values, kreis).breaks == ()
