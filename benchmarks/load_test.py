"""Load test of the dashboard (issue 16): 20 browser sessions at once (one Debian Chromium, a tab each, driven by
Playwright) change selections for two minutes while a pipeline run publishes a new snapshot under them.

Each session opens a page of its own (Kreisprofil, Karte, Zeitreihen, Vergleich, Gemeinden in turn) and then keeps
changing its selection between two choices; every change is timed until the page shows it and Streamlit has finished
the run. Prints the sessions' errors (a page or a change that did not arrive within 30 s), exception boxes (Streamlit's
or the German error box), blank pages (no heading after a load), the number of changes and their median and 95th
percentile, and when the new snapshot was published. Target: 0 errors, 0 exception boxes, 0 blank pages.

Usage: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--seconds 120] [--data-dir data] [--no-publish]
The pipeline run uses IM_SOURCES_DIR and --data-dir as `make pipeline` does, with --full: a run with nothing new ends
without publishing, so the benchmark asks for every file checked again, every model rebuilt and a new snapshot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_speed import (  # noqa: E402
    CHROMIUM, PAGES, PROJECT_ROOT, RUNNING, _heading, _percentile, _start_dashboard,
)

TIMEOUT_MS = 30000
FAILED_BOX = "Auf dieser Seite ist ein Fehler aufgetreten"


@dataclass(frozen=True)
class Scenario:
    path: str
    label: str  # the select box whose choice changes
    choices: tuple[str, str]  # typed into the select box in turn
    shows: str  # JavaScript template: true when the page shows {choice}


SCENARIOS = [
    Scenario("/?gebiet=05966", "Kreis, kreisfreie Stadt oder Kommunales Integrationszentrum",
             ("Gelsenkirchen", "Olpe"), _heading("{choice}")),
    Scenario("/karte?indikator=arbeitslosenquote&gruppe=insgesamt&gebiet=05966&ebene=kreise",
             "Indikator (nach Stufe der Bildungskette)", ("Einbürgerungsquote", "Arbeitslosenquote"),
             _heading("{choice}")),
    Scenario("/zeitreihen?indikator=auslaenderanteil&gebiete=05966,05", "Indikator (nach Stufe der Bildungskette)",
             ("Arbeitslosenquote", "Ausländeranteil"), _heading("{choice} (")),
    Scenario("/vergleich?indikator=auslaenderanteil&gebiet=05966", "Berichtsjahr", ("2020", "2023"),
             _heading(", 31.12.{choice}")),
    Scenario("/gemeinden?gebiet=05966&indikator=mindestsicherungsquote&gruppe=insgesamt", "Kreis",
             ("Mettmann", "Olpe"), _heading("Kreis {choice}")),
]


@dataclass
class Tally:
    changes: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exception_boxes: int = 0
    blank_pages: int = 0
    published_after: float | None = None  # seconds from the start of the load to the new snapshot


async def _finished(page, expression: str) -> None:
    await page.wait_for_function(expression, timeout=TIMEOUT_MS, polling=50)
    await page.wait_for_selector(RUNNING, state="detached", timeout=TIMEOUT_MS)


async def _check_page(page, tally: Tally) -> None:
    if await page.locator("[data-testid=stException]").count() or await page.get_by_text(FAILED_BOX).count():
        tally.exception_boxes += 1
    if not await page.locator("[data-testid=stMain] h1, [data-testid=stMain] h2").count():
        tally.blank_pages += 1


async def _session(browser, url: str, number: int, deadline: float, tally: Tally) -> None:
    scenario = SCENARIOS[number % len(SCENARIOS)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = await context.new_page()
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                await page.goto(url + scenario.path)
                await _finished(page, next(case.drawn for case in PAGES if case.path == scenario.path))
                tally.loads.append(time.perf_counter() - started)
            except Exception as error:  # noqa: BLE001 - every failure of a session is counted, none stops the test
                tally.errors.append(f"Sitzung {number}, Laden {scenario.path}: {type(error).__name__}")
            await _check_page(page, tally)
            for turn in range(6):
                if time.monotonic() >= deadline:
                    break
                choice = scenario.choices[turn % 2]
                try:
                    await page.get_by_label(scenario.label).first.click()
                    await page.keyboard.type(choice)
                    started = time.perf_counter()
                    await page.keyboard.press("Enter")
                    await _finished(page, scenario.shows.format(choice=choice))
                    tally.changes.append(time.perf_counter() - started)
                except Exception as error:  # noqa: BLE001
                    tally.errors.append(f"Sitzung {number}, Wechsel zu {choice}: {type(error).__name__}")
                    break
                await _check_page(page, tally)
    finally:
        await context.close()


async def _watch(snapshot: Path, started: float, deadline: float, tally: Tally) -> None:
    """Note when the pipeline's publish renames a new snapshot over the one the sessions read."""
    before = snapshot.stat().st_mtime_ns
    while tally.published_after is None and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if snapshot.stat().st_mtime_ns != before:
            tally.published_after = time.monotonic() - started


async def _load(url: str, snapshot: Path, sessions: int, seconds: float, tally: Tally) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(_watch(snapshot, started, deadline, tally),
                             *(_session(browser, url, number, deadline, tally) for number in range(sessions)))
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument("--no-publish", action="store_true", help="no pipeline run during the load")
    args = parser.parse_args()
    snapshot = args.data_dir / "serving.duckdb"
    if not snapshot.exists():
        raise SystemExit(f"Kein Snapshot in {args.data_dir}: zuerst `make pipeline` ausführen.")
    tally = Tally()
    with tempfile.TemporaryDirectory() as log_dir:
        server, url = _start_dashboard(args.data_dir, Path(log_dir) / "streamlit.log")
        pipeline = None
        started = time.monotonic()
        try:
            if not args.no_publish:
                pipeline_log = open(Path(log_dir) / "pipeline.log", "wb")  # noqa: SIM115 - closed below
                pipeline = subprocess.Popen(
                    [sys.executable, "-m", "pipelines.run", "--full"], cwd=PROJECT_ROOT, stdout=pipeline_log,
                    stderr=subprocess.STDOUT, env={**os.environ, "IM_DATA_DIR": str(args.data_dir)},
                )
            asyncio.run(_load(url, snapshot, args.sessions, args.seconds, tally))
            elapsed = time.monotonic() - started
            pipeline_code = pipeline.wait(timeout=900) if pipeline else None
        finally:
            server.terminate()
            server.wait(timeout=20)
    published = ("keiner" if pipeline is None else f"Exit-Code {pipeline_code}, neuer Snapshot " + (
        f"nach {tally.published_after:.0f} s veröffentlicht" if tally.published_after is not None
        else "NICHT während der Last veröffentlicht"))
    print(f"{args.sessions} Sitzungen, {elapsed:.0f} s Last; Pipeline-Lauf: {published}")
    print(f"Fehler: {len(tally.errors)}; Fehlerkästen: {tally.exception_boxes}; leere Seiten: {tally.blank_pages}")
    if tally.changes:
        print(f"Auswahlwechsel: {len(tally.changes)}, Median {statistics.median(tally.changes):.2f} s, "
              f"p95 {_percentile(tally.changes, 0.95):.2f} s")
    if tally.loads:
        print(f"Seitenaufrufe: {len(tally.loads)}, Median {statistics.median(tally.loads):.2f} s, "
              f"p95 {_percentile(tally.loads, 0.95):.2f} s")
    for error in tally.errors[:20]:
        print("  " + error)


if __name__ == "__main__":
    main()
