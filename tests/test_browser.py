"""What a person sees: the running dashboard in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(demo_pipeline):
    port = _free_port()
    env = {**demo_pipeline.env(), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        raise AssertionError(f"dashboard did not start: {process.stdout.read().decode()[-3000:]}")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: `make test` installs it"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


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
