"""The dashboard is a product for readers, not a development server: what a person sees in the browser."""

from __future__ import annotations

import pytest

from tests.conftest import settle

pytestmark = pytest.mark.browser


def test_readers_get_no_deploy_button_or_developer_menu_and_a_german_title(dashboard_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page.goto(dashboard_url, wait_until="networkidle")
    page.get_by_role("heading", name="Kreisprofil").wait_for(timeout=30000)
    settle(page)
    assert "Integrationsmonitor NRW" in page.title()
    assert page.locator("link[rel='shortcut icon'], link[rel='icon']").count() >= 1
    assert page.get_by_text("Deploy", exact=True).count() == 0
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    menu = page.locator("[data-testid='stMainMenu']")
    if menu.count():  # the viewer menu, if shown at all, offers no developer options
        menu.first.click()
        page.wait_for_timeout(500)
        text = page.locator("body").inner_text()
        assert not any(item in text for item in ("Clear cache", "Rerun", "Developer options", "Record a screencast"))
    page.close()
