"""Load test of the dashboard (issue 16): 20 sessions at once change selections for two minutes while a pipeline run
publishes a new snapshot under them, and two real browser tabs watch what a person would see meanwhile.

The load comes from websocket sessions that speak Streamlit's own protocol (its protobuf messages, as the browser
sends them): each opens a page (Kreisprofil, Karte, Zeitreihen, Vergleich, Gemeinden in turn), then keeps changing
that page's select box between two choices, each change timed until Streamlit has finished the run. 20 Chromium tabs
on the dashboard's own two cores would measure Chromium (a fresh tab compiles 2,3 MB of Streamlit's JavaScript; 20
bare Streamlit pages opened at once take 27 s here) and not the server; the readers' browsers run on their own
machines. The two browser tabs (Debian's Chromium, driven by Playwright) load a page and change its selection over and
over during the same time.

Prints, for the websocket sessions and the browser tabs apart: errors (a page or a change that did not arrive within
30 s, a dropped connection), exception boxes (Streamlit's or the German error box), blank pages (no heading after a
load or change), the number of changes with their median and 95th percentile; and when the new snapshot was
published. Target: 0 errors, 0 exception boxes, 0 blank pages.

Usage: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--browsers 2] [--seconds 120] [--data-dir data]
       [--no-publish]
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
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_speed import (  # noqa: E402
    CHROMIUM, PAGES, PROJECT_ROOT, RUNNING, _heading, _percentile, _start_dashboard,
)

TIMEOUT_S = 30
FAILED_BOX = "Auf dieser Seite ist ein Fehler aufgetreten"


@dataclass(frozen=True)
class Scenario:
    path: str
    label: str  # the select box whose choice changes
    choices: tuple[str, str]  # typed into the select box in turn
    heading: str  # template: a heading that holds it shows {choice}

    @property
    def page_name(self) -> str:  # what Streamlit's frontend sends for the address (st.navigation's url_path)
        return urlsplit(self.path).path.strip("/")

    @property
    def query(self) -> str:
        return urlsplit(self.path).query


SCENARIOS = [
    Scenario("/?gebiet=05966", "Kreis, kreisfreie Stadt oder Kommunales Integrationszentrum",
             ("Gelsenkirchen", "Olpe"), "{choice}"),
    Scenario("/karte?indikator=arbeitslosenquote&gruppe=insgesamt&gebiet=05966&ebene=kreise",
             "Indikator (nach Stufe der Bildungskette)", ("Einbürgerungsquote", "Arbeitslosenquote"), "{choice}"),
    Scenario("/zeitreihen?indikator=auslaenderanteil&gebiete=05966,05", "Indikator (nach Stufe der Bildungskette)",
             ("Arbeitslosenquote", "Ausländeranteil"), "{choice} ("),
    Scenario("/vergleich?indikator=auslaenderanteil&gebiet=05966", "Berichtsjahr", ("2020", "2023"),
             ", 31.12.{choice}"),
    Scenario("/gemeinden?gebiet=05966&indikator=mindestsicherungsquote&gruppe=insgesamt", "Kreis",
             ("Mettmann", "Olpe"), "Kreis {choice}"),
]


@dataclass
class Tally:
    changes: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exception_boxes: int = 0
    blank_pages: int = 0

    def lines(self, title: str) -> list[str]:
        lines = [f"{title}: Fehler {len(self.errors)}; Fehlerkästen {self.exception_boxes}; "
                 f"leere Seiten {self.blank_pages}"]
        for name, values in (("Seitenaufrufe", self.loads), ("Auswahlwechsel", self.changes)):
            if values:
                lines.append(f"  {name}: {len(values)}, Median {statistics.median(values):.2f} s, "
                             f"p95 {_percentile(values, 0.95):.2f} s")
        return lines + ["  " + error for error in self.errors[:10]]


# --- websocket sessions: Streamlit's protocol ----------------------------------------------------------------------

@dataclass
class Run:
    """What one script run sent: the headings, the select boxes by label, whether an error box came."""

    headings: list[str] = field(default_factory=list)
    selectboxes: dict = field(default_factory=dict)
    failed: bool = False
    query: str | None = None  # the address's query string after the run (Streamlit's page info)


async def _script_run(websocket, scenario: Scenario, query: str, widgets: list) -> Run:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    state = message.rerun_script
    state.query_string, state.page_name = query, scenario.page_name
    state.context_info.locale, state.context_info.timezone = "de-DE", "Europe/Berlin"
    state.widget_states.widgets.extend(widgets)
    await websocket.send(message.SerializeToString())
    run = Run()
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(await websocket.recv())
        kind = forward.WhichOneof("type")
        if kind == "page_info_changed":
            run.query = forward.page_info_changed.query_string
        elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            element_kind = element.WhichOneof("type")
            if element_kind == "heading":
                run.headings.append(element.heading.body)
            elif element_kind == "selectbox":
                run.selectboxes[element.selectbox.label] = element.selectbox
            elif element_kind == "exception" or (element_kind == "alert" and FAILED_BOX in element.alert.body):
                run.failed = True
        elif kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return run


def _tally_run(run: Run, tally: Tally) -> None:
    tally.exception_boxes += run.failed
    tally.blank_pages += not run.headings


async def _websocket_session(url: str, number: int, deadline: float, tally: Tally) -> None:
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    scenario = SCENARIOS[number % len(SCENARIOS)]
    address = f"ws://{urlsplit(url).netloc}/_stcore/stream"
    while time.monotonic() < deadline:
        step = f"Sitzung {number}, Laden {scenario.path}"
        try:
            async with websockets.connect(address, subprotocols=["streamlit"], origin=url, max_size=None) as socket:
                started = time.perf_counter()
                run = await asyncio.wait_for(_script_run(socket, scenario, scenario.query, []), TIMEOUT_S)
                tally.loads.append(time.perf_counter() - started)
                _tally_run(run, tally)
                query = run.query if run.query is not None else scenario.query
                for turn in range(6):
                    if time.monotonic() >= deadline:
                        break
                    choice = scenario.choices[turn % 2]
                    step = f"Sitzung {number}, Wechsel zu {choice}"
                    box = run.selectboxes[scenario.label]
                    option = next(option for option in box.options if choice in option)
                    started = time.perf_counter()
                    run = await asyncio.wait_for(
                        _script_run(socket, scenario, query, [WidgetState(id=box.id, string_value=option)]), TIMEOUT_S)
                    tally.changes.append(time.perf_counter() - started)
                    _tally_run(run, tally)
                    query = run.query if run.query is not None else query
                    if not any(scenario.heading.format(choice=choice) in heading for heading in run.headings):
                        tally.errors.append(f"{step}: die Seite zeigt die neue Auswahl nicht")
                        break
        except Exception as error:  # noqa: BLE001 - every failure of a session is counted, none stops the test
            tally.errors.append(f"{step}: {type(error).__name__} {error}"[:200])
            await asyncio.sleep(1)


# --- browser tabs: what a person sees --------------------------------------------------------------------------------

async def _finished(page, expression: str) -> None:
    await page.wait_for_function(expression, timeout=TIMEOUT_S * 1000, polling=50)
    await page.wait_for_selector(RUNNING, state="detached", timeout=TIMEOUT_S * 1000)


async def _check_page(page, tally: Tally) -> None:
    if await page.locator("[data-testid=stException]").count() or await page.get_by_text(FAILED_BOX).count():
        tally.exception_boxes += 1
    if not await page.locator("[data-testid=stMain] h1, [data-testid=stMain] h2").count():
        tally.blank_pages += 1


async def _browser_session(browser, url: str, number: int, deadline: float, tally: Tally) -> None:
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
            except Exception as error:  # noqa: BLE001
                tally.errors.append(f"Tab {number}, Laden {scenario.path}: {type(error).__name__}")
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
                    await _finished(page, _heading(scenario.heading.format(choice=choice)))
                    tally.changes.append(time.perf_counter() - started)
                except Exception as error:  # noqa: BLE001
                    tally.errors.append(f"Tab {number}, Wechsel zu {choice}: {type(error).__name__}")
                    break
                await _check_page(page, tally)
    finally:
        await context.close()


async def _watch(snapshot: Path, started: float, deadline: float, published: list[float]) -> None:
    """Note when the pipeline's publish renames a new snapshot over the one the sessions read."""
    before = snapshot.stat().st_mtime_ns
    while not published and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if snapshot.stat().st_mtime_ns != before:
            published.append(time.monotonic() - started)


async def _load(url: str, snapshot: Path, args, sockets: Tally, tabs: Tally, published: list[float]) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        started = time.monotonic()
        deadline = started + args.seconds
        await asyncio.gather(
            _watch(snapshot, started, deadline, published),
            *(_websocket_session(url, number, deadline, sockets) for number in range(args.sessions)),
            *(_browser_session(browser, url, number, deadline, tabs) for number in range(args.browsers)),
        )
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20, help="websocket sessions")
    parser.add_argument("--browsers", type=int, default=2, help="Chromium tabs beside them")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument("--no-publish", action="store_true", help="no pipeline run during the load")
    args = parser.parse_args()
    snapshot = args.data_dir / "serving.duckdb"
    if not snapshot.exists():
        raise SystemExit(f"Kein Snapshot in {args.data_dir}: zuerst `make pipeline` ausführen.")
    sockets, tabs, published = Tally(), Tally(), []
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
            asyncio.run(_load(url, snapshot, args, sockets, tabs, published))
            elapsed = time.monotonic() - started
            pipeline_code = pipeline.wait(timeout=900) if pipeline else None
        finally:
            server.terminate()
            server.wait(timeout=20)
    run = ("keiner" if pipeline is None else f"Exit-Code {pipeline_code}, neuer Snapshot " + (
        f"nach {published[0]:.0f} s veröffentlicht" if published else "NICHT während der Last veröffentlicht"))
    print(f"{args.sessions} Websocket-Sitzungen und {args.browsers} Browser-Tabs, {elapsed:.0f} s Last; "
          f"Pipeline-Lauf: {run}")
    for line in sockets.lines("Websocket-Sitzungen") + tabs.lines("Browser-Tabs"):
        print(line)
    problems = sum(len(tally.errors) + tally.exception_boxes + tally.blank_pages for tally in (sockets, tabs))
    print(f"Insgesamt: {problems} Fehler, Fehlerkästen und leere Seiten (Ziel 0)")


if __name__ == "__main__":
    main()
