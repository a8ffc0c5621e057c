"""What a person sees: the running dashboard in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_pick_a_kreis_and_see_its_profile(dashboard_url, browser, demo_pipeline):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page.goto(dashboard_url, wait_until="networkidle")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=30000)
    page.get_by_text("Demodaten (synthetisch)").first.wait_for(timeout=30000)

    page.get_by_role("combobox").first.click()
    page.keyboard.type("Gelsenkirchen")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Gelsenkirchen").wait_for(timeout=30000)
    assert "gebiet=05513" in page.url

    [(value,)] = demo_pipeline.serving(
        "select value from indicator_values where ags = '05513' and group_id = 'insgesamt' "
        "and indicator_id = 'auslaenderanteil' order by year desc limit 1"
    )
    shown = f"{value:.1f}".replace(".", ",")
    page.get_by_text(f"{shown}\u202f%").first.wait_for(timeout=10000)
    page.get_by_text("Ausgangslage").first.wait_for()
    page.get_by_text("Lebensunterhalt").first.wait_for()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kreisprofil_gelsenkirchen.png"), full_page=True)
    page.close()


def test_profile_downloads_pdf_and_csv_with_the_snapshots_figures(dashboard_url, browser, demo_pipeline, tmp_path):
    from pypdf import PdfReader

    from dashboard.formatting import format_value

    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page.goto(f"{dashboard_url}/?gebiet=05966", wait_until="networkidle")
    page.get_by_role("heading", name="Kreis Olpe").wait_for(timeout=30000)

    with page.expect_download(timeout=60000) as pdf_download:
        page.get_by_role("button", name="Kreisprofil als PDF").click()
    pdf_path = tmp_path / "profil.pdf"
    pdf_download.value.save_as(pdf_path)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages).replace("\u00a0", " ").replace("\u202f", " ")
    [(value, unit)] = demo_pipeline.serving(
        "select value, unit from indicator_values where ags = '05966' and group_id = 'insgesamt' "
        "and indicator_id = 'auslaenderanteil' order by year desc limit 1"
    )
    assert "Kreis Olpe" in text and "12411-03-03-4" in text
    assert "Bruch in der Reihe" in text and "Zensus 2022" in text  # the served breaks, with their sources
    assert format_value(value, unit).replace("\u202f", " ") in text

    page.get_by_text("Daten des Profils herunterladen").click()
    with page.expect_download(timeout=30000) as csv_download:
        page.get_by_role("button", name="CSV herunterladen").click()
    csv_path = tmp_path / "profil.csv"
    csv_download.value.save_as(csv_path)
    import pandas as pd

    table = pd.read_csv(csv_path, sep=";", decimal=",", encoding="utf-8-sig")
    row = table[(table["Indikator"] == "Ausländeranteil") & (table["Gruppe"] == "insgesamt")].sort_values("Berichtsjahr")
    assert row.iloc[-1]["Wert"] == pytest.approx(value)
    page.close()
