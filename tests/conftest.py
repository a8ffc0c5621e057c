"""Shared test fixtures. Integration tests run the real pipeline (Dagster, dbt, DuckDB) in a subprocess on
temporary directories, exactly as `make pipeline` does, with IM_SOURCES_DIR and IM_DATA_DIR pointing there."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock
from streamlit.testing.v1 import AppTest

from dashboard import access

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"
REAL_FIXTURES = SHARED_DIR / "fixtures" / "real"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"  # screenshots of browser tests

# No network in tests: telemetry and usage statistics off for every tool.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


@dataclass
class PipelineWorkspace:
    sources_dir: Path
    data_dir: Path

    @property
    def inbox(self) -> Path:
        return self.sources_dir / "inbox"

    @property
    def serving_path(self) -> Path:
        return self.data_dir / "serving.duckdb"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        return {**os.environ, "IM_SOURCES_DIR": str(self.sources_dir), "IM_DATA_DIR": str(self.data_dir)}

    def run_pipeline(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "pipelines.run", *args], cwd=PROJECT_ROOT, env=self.env(), capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"pipeline failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
        return result

    def serving(self, sql: str, params: list | None = None) -> list[tuple]:
        connection = duckdb.connect(str(self.serving_path), read_only=True)
        try:
            return connection.execute(sql, params or []).fetchall()
        finally:
            connection.close()

    def serving_frame(self, sql: str, params: list | None = None):
        """A query on the serving snapshot as a data frame."""
        connection = duckdb.connect(str(self.serving_path), read_only=True)
        try:
            return connection.execute(sql, params or []).df()
        finally:
            connection.close()

    def copy_to(self, root: Path) -> PipelineWorkspace:
        """A copy of this workspace (sources and data) under root, for a test that changes it."""
        copy = PipelineWorkspace(sources_dir=root / "sources", data_dir=root / "data")
        shutil.copytree(self.sources_dir, copy.sources_dir)
        shutil.copytree(self.data_dir, copy.data_dir)
        return copy

    def dagster_jobs(self) -> list[str]:
        """The job of every run in Dagster's run history, oldest first."""
        connection = sqlite3.connect(f"file:{self.data_dir / 'dagster' / 'history' / 'runs.db'}?mode=ro", uri=True)
        try:
            return [job for (job,) in connection.execute("select pipeline_name from runs order by id")]
        finally:
            connection.close()

    def warehouse(self, sql: str, params: list | None = None) -> list[tuple]:
        connection = duckdb.connect(str(self.warehouse_path), read_only=True)
        try:
            return connection.execute(sql, params or []).fetchall()
        finally:
            connection.close()


def new_workspace(root: Path) -> PipelineWorkspace:
    workspace = PipelineWorkspace(sources_dir=root / "sources", data_dir=root / "data")
    workspace.inbox.mkdir(parents=True)
    return workspace


def build_shared(common: Path, name: str, build: Callable[[Path], None]) -> Path:
    """common/name, filled once by build(folder) under a file lock; whoever comes later waits and reads it."""
    folder, done = common / name, common / f"{name}.done"
    with FileLock(str(common / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a build that failed half-way left
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder that build(folder) fills once per test session, also when pytest-xdist runs the tests in several
    worker processes (`make test` runs three): the first worker builds it under a file lock in the session's common
    temporary folder, the others wait and then read the same folder. Only for read-only results."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    return build_shared(tmp_path_factory.getbasetemp().parent, name, build)


def demo_extract_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def build_demo_extracts(folder: Path) -> None:
    from pipelines.demo.families import generate_demo

    generate_demo(folder)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> list[Path]:
    """The demo extracts of the generator, written once per test session (read-only for tests)."""
    return demo_extract_files(built_once(tmp_path_factory, "demo_extracts", build_demo_extracts))


def build_demo_pipeline(root: Path, demo_files: list[Path]) -> None:
    workspace = new_workspace(root)
    for path in demo_files:
        (workspace.inbox / path.name).write_bytes(path.read_bytes())
    workspace.run_pipeline()


DEMO_PIPELINE = "demo_pipeline"  # the folder of the shared full demo run (and of its early start, below)


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory, demo_files) -> PipelineWorkspace:
    """The full pipeline run once on the full demo data; tests must not change this workspace."""
    root = built_once(tmp_path_factory, DEMO_PIPELINE, lambda folder: build_demo_pipeline(folder, demo_files))
    return PipelineWorkspace(sources_dir=root / "sources", data_dir=root / "data")


def start_demo_pipeline_early(common: Path) -> None:
    """`python -m tests.conftest COMMON`: builds the demo extracts and the shared full demo run in COMMON, under the
    same locks as the fixtures (a worker that asks before it is done waits, one that asks later reads it)."""
    extracts = build_shared(common, "demo_extracts", build_demo_extracts)
    build_shared(common, DEMO_PIPELINE, lambda folder: build_demo_pipeline(folder, demo_extract_files(extracts)))


@pytest.fixture(scope="session", autouse=True)
def demo_pipeline_started_early(request, tmp_path_factory):
    """With several workers (`make test`), the full demo run (a few minutes, mostly one core) starts in its own
    process at the beginning of the session, while the workers run the modules that do not need it (they come first,
    pytest_collection_modifyitems below); without this, every worker that reaches a module using it waits idle."""
    if "PYTEST_XDIST_WORKER" not in os.environ or not any(
            DEMO_PIPELINE in item.fixturenames for item in request.session.items):
        yield
        return
    common = tmp_path_factory.getbasetemp().parent
    try:
        (common / f"{DEMO_PIPELINE}.started").open("x").close()  # the first worker starts it, once
    except FileExistsError:
        yield
        return
    with (common / f"{DEMO_PIPELINE}.log").open("wb") as log:
        builder = subprocess.Popen([sys.executable, "-m", "tests.conftest", str(common)], cwd=PROJECT_ROOT,
                                   stdout=log, stderr=subprocess.STDOUT)
    yield
    builder.wait()  # a failed build is rebuilt, with its error, by the first fixture that asks for it


# The modules that take one worker longest (seconds in `make test --durations`, 2026-12-04: 410, 340, 280, 230, 205,
# 180, 180, 125, 120, 115): within their group they start first, so that no long module runs alone at the end.
LONG_MODULES = ("test_incremental", "test_pipeline_scenarios", "test_bad_inputs", "test_real_downloads",
                "test_confidentiality", "test_restart_safety", "test_browser_access", "test_run_display",
                "test_genesis_pull", "test_hostile_inputs")


def pytest_collection_modifyitems(items) -> None:
    """Modules that do not need the shared full demo run first (see demo_pipeline_started_early), the long ones
    first within each group, otherwise in collection order. Every worker sorts the same way, as pytest-xdist
    requires (`--dist loadfile` hands out whole modules in this order)."""
    waiting = {item.module.__name__ for item in items if DEMO_PIPELINE in item.fixturenames}

    def order(item) -> tuple[bool, int]:
        name = item.module.__name__.rsplit(".", 1)[-1]
        return item.module.__name__ in waiting, LONG_MODULES.index(name) if name in LONG_MODULES else len(LONG_MODULES)

    items.sort(key=order)


FORMULA_FILE_NAME = '=HYPERLINK("evil.example", "Tabelle") 12521.csv'  # a name cannot hold "/"
LONG_FILE_NAME = "y" * 246 + ".csv"
FORGED_REPORT_NAME = "abgelehnt\nStelle: Zeile 999\nGrund: alles in Ordnung.csv"
STALE_PUBLISH_FILES = "stale_publish_files.txt"


def build_hostile_pipeline(root: Path, demo_files: list[Path]) -> None:
    workspace = new_workspace(root)
    by_name = {path.name: path.read_bytes() for path in demo_files}
    (workspace.inbox / LONG_FILE_NAME).write_bytes(by_name["demo_12411-01-01-4_2021.csv"])
    (workspace.inbox / FORMULA_FILE_NAME).write_bytes(by_name["demo_12521-03i_2021.csv"])
    (workspace.inbox / FORGED_REPORT_NAME).write_bytes(by_name["demo_12411-15i_2020.csv"][:300])
    workspace.data_dir.mkdir(parents=True)
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    stale = [f".serving.duckdb.{finished.pid}.tmp", f".serving.duckdb.{finished.pid}.tmp.wal",
             f".validation_report.{finished.pid}.zip"]
    for name in stale:
        (workspace.data_dir / name).write_bytes(b"left by a killed publish")
    (root / STALE_PUBLISH_FILES).write_text("\n".join(stale))
    workspace.run_pipeline()


@pytest.fixture(scope="session")
def hostile_pipeline(tmp_path_factory, demo_files) -> PipelineWorkspace:
    """One pipeline run on files with hostile names (issue 16): a 246-byte name, a spreadsheet formula as name, a
    rejected file whose name would forge its report; and stale temp files of a publish that was killed (their
    process is gone) in the data folder. Returns the workspace and the stale files in `workspace.stale`. Built once
    for all workers; tests must not change it."""
    root = built_once(tmp_path_factory, "hostile_pipeline", lambda folder: build_hostile_pipeline(folder, demo_files))
    workspace = PipelineWorkspace(sources_dir=root / "sources", data_dir=root / "data")
    workspace.stale = [workspace.data_dir / name for name in (root / STALE_PUBLISH_FILES).read_text().split("\n")]
    return workspace


@pytest.fixture
def workspace(tmp_path) -> PipelineWorkspace:
    """An empty pipeline workspace of one test's own."""
    return new_workspace(tmp_path)


@pytest.fixture
def media(monkeypatch):
    """The files behind the download buttons of AppTest runs: AppTest keeps them in a MemoryMediaFileStorage per
    run; this records each storage so a test can read a button's bytes by its key."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    storages = []

    class RecordingStorage(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            storages.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)

    def download(app: AppTest, key: str) -> bytes:
        [button] = [b for b in app.get("download_button") if b.proto.id.endswith(key)]
        return storages[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content

    return download


def read_download_csv(content: bytes):
    """A CSV download of the dashboard (semicolon, decimal comma, UTF-8 with BOM) as a data frame; AGS as text."""
    import io

    import pandas as pd

    return pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig", dtype={"AGS": str})


# Browser tests (marker `browser`): the running dashboard on the demo snapshot, driven by Playwright in Debian's
# Chromium (Playwright's own browser download does not work offline).
@pytest.fixture
def snapshot(demo_pipeline, monkeypatch):
    """The demo snapshot for the dashboard (IM_DATA_DIR) and a reader of it for the test's own expectations."""
    monkeypatch.setenv("IM_DATA_DIR", str(demo_pipeline.data_dir))
    return lambda sql, *params: demo_pipeline.serving_frame(sql, list(params))


def download_csv(page, button_index: int = 0):
    """Click the page's n-th "CSV herunterladen" in the browser and read the file it downloads, once the run of the
    last change has finished (until then the page may still show the previous run's button and data)."""
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV herunterladen").nth(button_index).click()
    return read_download_csv(Path(download.value.path()).read_bytes())


def choose(page, label: str, option: str, typed: str | None = None) -> None:
    """Pick `option` in the select box whose label starts with `label`, typing `typed` (default: the option)."""
    page.get_by_role("combobox", name=re.compile(f"^{re.escape(label)}")).click()
    page.keyboard.type(typed or option)
    page.get_by_role("option", name=option, exact=True).click()


def full_page_screenshot(page, name: str) -> None:
    """The whole page into ARTIFACTS: Streamlit scrolls inside its main area, so the window is made as tall as that
    first (twice: charts further down lay out once the window is tall)."""
    for _ in range(2):
        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": 1400, "height": max(1000, height)})
        page.wait_for_timeout(700)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_dashboard(environment: dict[str, str], log_path: Path, *, port: int | None = None,
                    extra_args: Sequence[str] = ()) -> tuple[subprocess.Popen, str]:
    """A Streamlit server of the dashboard with the given environment, on `port` (default: a free one) and with
    more command-line options if given; its log goes to a file (a pipe nobody reads would block the server once it
    is full). Returns the process and the URL."""
    port = port or free_port()
    env = {**environment, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log_path.open("wb") as log:  # the server holds its own handle
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", *extra_args],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise AssertionError(f"dashboard did not start: {log_path.read_text()[-3000:]}")


def stop_dashboard(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def dashboard_url(demo_pipeline, tmp_path_factory):
    """The dashboard on the demo snapshot (no boundary files, no sign-in configured)."""
    process, url = start_dashboard(demo_pipeline.env(), tmp_path_factory.mktemp("streamlit") / "streamlit.log")
    yield url
    stop_dashboard(process)


@pytest.fixture(scope="session")
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


# Sign-in (dashboard/access.py): a user file with a Koordinierungsstelle and two KI accounts (cheap bcrypt cost).
PASSWORDS = {"laki": "Koordination-2024!", "ki-olpe": "Olpe-Integration-7", "ki-aachen": "Aachen-Stadt-2024"}


def make_account(username: str, role: str, ki: str | None = None, email: str | None = None) -> access.Account:
    return access.Account(username=username, name=f"Konto {username}", role=role, ki=ki, email=email,
                          password_hash=access.hash_password(PASSWORDS[username], rounds=4))


@pytest.fixture
def user_file(tmp_path, monkeypatch) -> Path:
    """A user file with a Koordinierungsstelle and two KI accounts (cheap bcrypt cost), as IM_AUTH_FILE."""
    path = tmp_path / "zugang" / "benutzer.yaml"
    access.write_accounts(path, {
        "laki": make_account("laki", access.ROLE_LAKI),
        "ki-olpe": make_account("ki-olpe", access.ROLE_KI, ki="KI05966"),
        "ki-aachen": make_account("ki-aachen", access.ROLE_KI, ki="KI05334002", email="ki@aachen.example"),
    })
    monkeypatch.setenv("IM_AUTH_FILE", str(path))
    monkeypatch.delenv("IM_AUTH_COOKIE_KEY", raising=False)
    return path


def sign_in(app: AppTest, username: str, password: str) -> AppTest:
    [name] = [box for box in app.text_input if box.label == "Benutzername"]
    [secret] = [box for box in app.text_input if box.label == "Passwort"]
    name.input(username)
    secret.input(password)
    [button] = [b for b in app.button if b.label == "Anmelden"]
    button.click().run()
    assert not app.exception, app.exception
    return app


COOKIE_KEY = "test-" + "k" * 40


@pytest.fixture(scope="session")
def auth_dashboard(demo_pipeline, tmp_path_factory):
    """The dashboard on the demo snapshot with a user file of its own (IM_AUTH_FILE: the Koordinierungsstelle and the
    KI Olpe) and a cookie key."""
    folder = tmp_path_factory.mktemp("zugang")
    user_file = folder / "benutzer.yaml"
    access.write_accounts(user_file, {
        "laki": access.Account("laki", "Koordinierungsstelle Test", access.ROLE_LAKI,
                               password_hash=access.hash_password(PASSWORDS["laki"], rounds=4)),
        "ki-olpe": access.Account("ki-olpe", "KI Olpe Test", access.ROLE_KI, ki="KI05966",
                                  password_hash=access.hash_password(PASSWORDS["ki-olpe"], rounds=4)),
    })
    environment = {**demo_pipeline.env(), "IM_AUTH_FILE": str(user_file), "IM_AUTH_COOKIE_KEY": COOKIE_KEY}
    process, url = start_dashboard(environment, folder / "streamlit.log")
    yield url
    stop_dashboard(process)


def settle(page, timeout: float = 60) -> None:
    """Wait until the script run has finished (Streamlit's own marker) and stayed finished for a moment."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state = page.get_attribute("[data-test-script-state]", "data-test-script-state", timeout=timeout * 1000)
        if state == "notRunning":
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 1.0:
                return
        else:
            quiet_since = None
        time.sleep(0.2)
    raise AssertionError("the script run did not finish")


def sign_in_opener(page):
    """The sidebar's "Anmelden" button, there while nobody is signed in; it opens the popover with the form."""
    return page.locator("[data-testid=stSidebar] [data-testid=stPopover]").get_by_role("button", name="Anmelden")


def browser_sign_in(page, username: str, password: str) -> None:
    """Sign in through the sidebar's sign-in popover of the running dashboard (opened unless it still is)."""
    name = page.get_by_label("Benutzername")
    if not name.is_visible():
        sign_in_opener(page).click()
    name.fill(username)
    page.get_by_label("Passwort").fill(password)
    page.locator("[data-testid=stFormSubmitButton]").get_by_role("button", name="Anmelden").click()
    settle(page)


def sign_in_keeping_cookie(page, username: str) -> None:
    """Sign in with the right password and wait until the browser holds the sign-in cookie, so that the next
    `page.goto` is signed in. `settle` alone is not enough on a busy machine: the state marker can still read
    "notRunning" for a second after the click, before the server has even started the sign-in run."""
    browser_sign_in(page, username, PASSWORDS[username])
    page.get_by_text("Angemeldet als").wait_for(timeout=60000)
    deadline = time.monotonic() + 60
    while not [c for c in page.context.cookies() if c["name"] == access.COOKIE_NAME]:
        if time.monotonic() > deadline:
            raise AssertionError("the sign-in cookie was not set")
        time.sleep(0.2)


if __name__ == "__main__":
    start_demo_pipeline_early(Path(sys.argv[1]))
