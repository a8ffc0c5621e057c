"""Time what a reader waits for in the dashboard, in Debian's Chromium driven by Playwright, on a published snapshot
(by default the one `make run` / `make pipeline` wrote; the full demo data).

For every page: the first load (a new browser tab, until every chart is drawn and Streamlit has finished the run)
and a changed selection (until the page shows the new selection and the run is finished). Prints the first load of a
freshly started server (cold), then median and 95th percentile over the repeated runs (warm server).
The floor: the same measurement of a bare Streamlit page with one title, on a second server started in the same run;
what a page costs beyond it is ours. Targets (issue 16): first load <= 1,5 x the floor's median, changed selection
<= 0,5 s at the 95th percentile, on every page.

With --screenshots DIR it also saves a full-page screenshot of every page as a reader sees it after the first load
(`make screenshots` refreshes docs/screenshots/ this way).

Usage: .venv/bin/python benchmarks/dashboard_speed.py [--runs 10] [--data-dir data] [--pages Kreisprofil,Karte]
       [--screenshots docs/screenshots]
With IM_BOUNDARIES_DIR pointing to BKG's boundary files the map pages draw choropleths (and the case
"Karte-Gemeinden", all 396 Gemeinden, is added); without, the Kreise are tiles and the Gemeinden page a table.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # dashboard.access for the benchmark's user file
CHROMIUM = "/usr/bin/chromium"
RUNNING = '[data-testid="stStatusWidget"]'


@dataclass
class PageCase:
    """One page: where it is, what "drawn" means there, and a selection change with what shows it is done."""

    name: str
    path: str
    drawn: str  # JavaScript expression, true when every chart of the page is drawn
    prepare: Callable  # (page) -> None: opens a selection and types the new choice (not timed)
    commit: Callable  # (page) -> None: confirms the choice (timed from here)
    changed: str  # JavaScript expression, true when the page shows the changed selection
    signed_in: bool = False  # an internal page: the tab signs in as the Koordinierungsstelle first (not timed)


def _type_into(label: str, text: str) -> Callable:
    def prepare(page) -> None:
        page.get_by_label(label).first.click()
        page.keyboard.type(text)

    return prepare


def _press_enter(page) -> None:
    page.keyboard.press("Enter")


def _count(selector: str, at_least: int) -> str:
    return f"document.querySelectorAll({selector!r}).length >= {at_least}"


def _heading(text: str) -> str:
    return f"[...document.querySelectorAll('h1,h2,h3')].some(h => h.textContent.includes({text!r}))"


def _map_of(ags_prefix: str, count: int | None = None) -> str:
    """The page's map shows only areas of `ags_prefix` (and `count` of them); no map counts as drawn when the page
    has none (no boundaries for the Gemeinden): the table after it is then the last thing drawn."""
    areas = "[...document.querySelectorAll('svg.im-map .area')]"
    size = f" && {areas}.length === {count}" if count is not None else f" && {areas}.length > 0"
    return (f"(!document.querySelector('svg.im-map') || ({areas}.every(a => a.dataset.ags.startsWith({ags_prefix!r}))"
            f"{size}))")


TABLE_DRAWN = _count('[data-testid="stDataFrame"] canvas', 1)
# With IM_BOUNDARIES_DIR set (BKG's Kreise and Gemeinden), the map pages draw choropleths and the Karte also
# all Gemeinden; without, the Kreise show as tiles and the Gemeinden page as a table.
BOUNDARIES = bool(os.environ.get("IM_BOUNDARIES_DIR"))

PAGES = [
    PageCase(
        name="Kreisprofil",
        path="/?gebiet=05966",
        drawn=_heading("Kreis Olpe") + " && " + _count("svg.sparkline", 15),
        prepare=_type_into("Kreis, kreisfreie Stadt oder Kommunales Integrationszentrum", "Gelsenkirchen"),
        commit=_press_enter,
        changed=_heading("Gelsenkirchen"),
    ),
    PageCase(
        name="Gemeinden",
        path="/gemeinden?gebiet=05966&indikator=mindestsicherungsquote&gruppe=insgesamt",
        drawn=_heading("Kreis Olpe") + " && " + _map_of("05966") + " && " + TABLE_DRAWN,
        prepare=_type_into("Kreis", "Mettmann"),
        commit=_press_enter,
        changed=_heading("Kreis Mettmann") + " && " + _map_of("05158"),
    ),
    PageCase(
        name="Karte",
        path="/karte?indikator=arbeitslosenquote&gruppe=insgesamt&gebiet=05966&ebene=kreise",
        drawn=_heading("Arbeitslosenquote") + " && " + _map_of("05", 53) + " && " + TABLE_DRAWN,
        prepare=_type_into("Indikator (nach Stufe der Bildungskette)", "Einbürgerungsquote"),
        commit=_press_enter,
        changed=_heading("Einbürgerungsquote")
        + " && document.querySelector('svg.im-map').getAttribute('aria-label').includes('Einbürgerungsquote')",
    ),
    PageCase(
        name="Zeitreihen",
        path="/zeitreihen?indikator=auslaenderanteil&gebiete=05966,05",
        drawn=_count("svg.im-lines g.series", 2),
        prepare=_type_into("Indikator (nach Stufe der Bildungskette)", "Arbeitslosenquote"),
        commit=_press_enter,
        changed=_heading("Arbeitslosenquote (") + " && document.querySelector('svg.im-lines')"
        ".getAttribute('aria-label').includes('Arbeitslosenquote')",
    ),
    PageCase(
        name="Vergleich",
        path="/vergleich?indikator=auslaenderanteil&gebiet=05966",
        drawn=_count("table.im-bars tr", 60) + " && " + _count("svg.im-dots g.point", 53),
        prepare=_type_into("Berichtsjahr", "2020"),
        commit=_press_enter,
        changed=_heading(", 31.12.2020") + " && document.querySelector('svg.im-dots')"
        ".getAttribute('aria-label').includes('Werte 2020')",
    ),
    PageCase(
        name="Standards",
        path="/standards?jahr=2024",
        drawn=_count("table.im-matrix tbody tr", 54) + " && " + _count("svg.im-scatter g.point", 40),
        prepare=_type_into("Berichtsjahr", "2020"),
        commit=_press_enter,
        changed=_heading("Am häufigsten nicht erfüllt, 2020") + " && " + _count("svg.im-scatter g.point", 40),
        signed_in=True,
    ),
    PageCase(
        name="Steckbriefe",
        path="/steckbriefe",
        drawn=_heading("Ausgangslage") + " && " + _heading("Lebensunterhalt"),
        prepare=_type_into("Stufe der Bildungskette", "Schule › Übergang"),
        commit=_press_enter,
        changed="!(" + _heading("Ausgangslage") + ") && " + _heading("Schule"),
    ),
]
CHIPS = "[data-testid=stMultiSelect] [data-tag]"
PAGES.append(PageCase(
    name="Daten & Qualität",
    path="/daten",
    drawn=_heading("Geladene Dateien") + " && " + TABLE_DRAWN,
    # the selection: one area less in "Bereich" (the remove button of the multiselect's last chip; Streamlit 1.67
    # marks its chips with data-tag, no longer BaseWeb's data-baseweb=tag)
    prepare=lambda page: page.evaluate(f"window.__chips = document.querySelectorAll({CHIPS!r}).length"),
    commit=lambda page: page.locator(CHIPS).last.get_by_role("button", name="Remove").click(),
    changed=f"document.querySelectorAll({CHIPS!r}).length < window.__chips",
    signed_in=True,
))
if BOUNDARIES:
    PAGES.append(PageCase(
        name="Karte-Gemeinden",
        path="/karte?indikator=mindestsicherungsquote&gruppe=insgesamt&gebiet=05966&ebene=gemeinden",
        drawn=_heading("Mindestsicherungsquote") + " && " + _map_of("05", 396) + " && " + TABLE_DRAWN,
        prepare=_type_into("Kreis hervorheben", "Mettmann"),
        commit=_press_enter,
        changed=_count('svg.im-map .selected[data-ags="05158"]', 1),
    ))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A throwaway account of the Koordinierungsstelle for the internal pages, in a user file of the benchmark's own.
BENCHMARK_USER, BENCHMARK_PASSWORD = "benchmark", secrets.token_urlsafe(16)


def _user_file(folder: Path) -> Path:
    from dashboard import access

    path = folder / "benutzer.yaml"
    access.write_accounts(path, {BENCHMARK_USER: access.Account(
        BENCHMARK_USER, "Benchmark", access.ROLE_LAKI,
        password_hash=access.hash_password(BENCHMARK_PASSWORD, rounds=4))})
    return path


# The floor: a bare Streamlit page with one title, served the same way as the dashboard.
FLOOR_SCRIPT = 'import streamlit as st\n\nst.title("Integrationsmonitor NRW")\n'
FLOOR = PageCase(name="Grundlinie", path="/", drawn=_heading("Integrationsmonitor NRW"), prepare=lambda page: None,
                 commit=lambda page: None, changed="true")


def _start_dashboard(data_dir: Path, log_path: Path, script: str = "dashboard/app.py") -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "IM_DATA_DIR": str(data_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "IM_AUTH_FILE": str(_user_file(log_path.parent)), "IM_AUTH_COOKIE_KEY": secrets.token_urlsafe(48)}
    with log_path.open("wb") as log:  # the server holds its own handle
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"Das Dashboard ist nicht gestartet, siehe {log_path}")


def _wait_until(page, expression: str) -> None:
    page.wait_for_function(expression, timeout=30000, polling=20)
    page.wait_for_selector(RUNNING, state="detached", timeout=30000)


def _load(browser, url: str, case: PageCase, screenshot: Path | None = None) -> tuple[float, float]:
    """Seconds until the page is drawn in a new tab, and until a changed selection is drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    try:
        if case.signed_in:
            page.goto(url)
            page.get_by_role("button", name="Anmelden").click()  # the sidebar's sign-in popover
            page.get_by_label("Benutzername").fill(BENCHMARK_USER)
            page.get_by_label("Passwort").fill(BENCHMARK_PASSWORD)
            page.locator("[data-testid=stFormSubmitButton]").get_by_role("button", name="Anmelden").click()
            page.get_by_role("button", name="Abmelden").wait_for(timeout=30000)
        started = time.perf_counter()
        page.goto(url + case.path)
        _wait_until(page, case.drawn)
        first_load = time.perf_counter() - started
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
        case.prepare(page)
        started = time.perf_counter()
        case.commit(page)
        _wait_until(page, case.changed)
        change = time.perf_counter() - started
    finally:
        page.close()
    return first_load, change


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument("--pages", default=",".join(case.name for case in PAGES))
    parser.add_argument("--screenshots", type=Path, help="folder for a screenshot of every page")
    args = parser.parse_args()
    if not (args.data_dir / "serving.duckdb").exists():
        raise SystemExit(f"Kein Snapshot in {args.data_dir}: zuerst `make pipeline` ausführen.")
    cases = [case for case in PAGES if case.name in args.pages.split(",")]

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as log_dir, sync_playwright() as playwright:
        process, url = _start_dashboard(args.data_dir, Path(log_dir) / "streamlit.log")
        floor_script = Path(log_dir) / "grundlinie.py"
        floor_script.write_text(FLOOR_SCRIPT)
        floor_process, floor_url = _start_dashboard(args.data_dir, Path(log_dir) / "floor.log", str(floor_script))
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            size = (args.data_dir / "serving.duckdb").stat().st_size / 1e6
            print(f"Snapshot {args.data_dir / 'serving.duckdb'}: {size:.1f} MB; {args.runs} Läufe je Seite; "
                  f"Gebietsgrenzen: {os.environ.get('IM_BOUNDARIES_DIR') or 'keine (Kachelkarte)'}")
            _load(browser, floor_url, FLOOR)  # cold
            floor = [_load(browser, floor_url, FLOOR)[0] for _ in range(max(args.runs, 5))]
            budget = 1.5 * statistics.median(floor)
            print(f"Grundlinie (leere Streamlit-Seite mit Titel): Laden Median {statistics.median(floor):.2f} s, "
                  f"p95 {_percentile(floor, 0.95):.2f} s; Budget erstes Laden 1,5 x Median = {budget:.2f} s, "
                  "Wechsel p95 <= 0,50 s")
            print(f"{'Seite':<16} {'kalt':>7} {'Laden Median':>13} {'Laden p95':>10} {'Wechsel Median':>15} "
                  f"{'Wechsel p95':>12}  im Budget")
            for case in cases:
                screenshot = None
                if args.screenshots:
                    args.screenshots.mkdir(parents=True, exist_ok=True)
                    screenshot = args.screenshots / f"{case.name.lower().replace(' ', '_').replace('&', 'und')}.png"
                cold, _ = _load(browser, url, case, screenshot)
                loads, changes = [], []
                for _ in range(args.runs):
                    first_load, change = _load(browser, url, case)
                    loads.append(first_load)
                    changes.append(change)
                within = statistics.median(loads) <= budget and _percentile(changes, 0.95) <= 0.5
                print(
                    f"{case.name:<16} {cold:>6.2f}s {statistics.median(loads):>12.2f}s "
                    f"{_percentile(loads, 0.95):>9.2f}s "
                    f"{statistics.median(changes):>14.2f}s {_percentile(changes, 0.95):>11.2f}s  "
                    f"{'ja' if within else 'NEIN'}"
                )
        finally:
            browser.close()
            for server in (process, floor_process):
                server.terminate()
                server.wait(timeout=20)


if __name__ == "__main__":
    main()
