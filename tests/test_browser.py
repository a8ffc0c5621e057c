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
