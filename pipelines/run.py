"""Run the pipeline once (land -> check -> dbt -> publish), doing only what changed, and record it in Dagster's
history.

`make pipeline` calls this; `make dagster` shows the same definitions and runs in the Dagster UI.
- No GENESIS pull configured, the standards catalogue unchanged, the warehouse as the snapshot was built from it
  and nothing in the inbox that is not loaded already: says so and ends without starting Dagster.
- Otherwise `land_job` lands the inbox and checks the new files, then `transform_job` builds the dbt models
  downstream of what changed and publishes; nothing changed after landing: no dbt, the snapshot stays untouched.
- `--full`: check every loaded file again and rebuild every model.

The terminal shows a short German display (rich); the full logs of Dagster, dbt and the steps go to
IM_DATA_DIR/logs/pipeline-<time>.log, whose path the display names. Exit code 0 only if every step succeeded;
otherwise the last published snapshot stays as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines.config import DBT_PROJECT_DIR, Settings, get_settings
from pipelines.formatting_de import format_number
from pipelines.processes import process_alive
from pipelines.progress import PROGRESS_LOGGER

DAGSTER_YAML = """\
# Written by pipelines/run.py. All warehouse writers share the pool "warehouse": one at a time.
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""

PID_TAG = "integrationsmonitor/pid"
# What is kept of past runs (README "Disk use"): log files and Dagster runs beyond these are deleted.
KEEP_LOG_FILES = 30
KEEP_DAGSTER_RUNS = 100

log = logging.getLogger("pipelines.run")


def prepare_dagster_home(settings: Settings) -> None:
    """Point Dagster at IM_DATA_DIR/dagster with telemetry off and a pool limit of 1."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)


def release_dead_runs(instance) -> None:
    """Mark runs of this command whose process is gone (killed, machine restarted) as failed and free their
    concurrency slots: otherwise the next run would wait forever for the pool "warehouse"."""
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = instance.get_runs(
        filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.NOT_STARTED])
    )
    for run in unfinished:
        pid = run.tags.get(PID_TAG)
        if pid is None or process_alive(int(pid)):
            continue  # started from the Dagster UI (its daemon looks after it), or still running
        instance.report_run_failed(run, f"Prozess {pid} dieses Laufs existiert nicht mehr (abgebrochen).")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


# ----------------------------------------------------------------------------------------------------------------
# Bounded disk: what each run leaves behind is pruned to the newest few.


def prune_run_history(instance, keep: int = KEEP_DAGSTER_RUNS) -> None:
    """Delete Dagster runs (with their event logs) beyond the newest `keep`."""
    for run_id in instance.get_run_ids(limit=None)[keep:]:
        instance.delete_run(run_id)


def prune_log_files(log_dir: Path, keep: int = KEEP_LOG_FILES) -> None:
    for path in sorted(log_dir.glob("pipeline-*.log"), reverse=True)[keep:]:
        path.unlink(missing_ok=True)


def remove_old_dbt_targets() -> None:
    """dagster-dbt's former default wrote a new target folder per run into dbt_project/target/ (about 22 MB each);
    runs now use one folder per warehouse (IM_DATA_DIR/dbt). Remove what earlier versions left."""
    for folder in (DBT_PROJECT_DIR / "target").glob("integrationsmonitor_dbt_assets-*"):
        shutil.rmtree(folder, ignore_errors=True)


def start_log_file(settings: Settings) -> Path:
    """A new log file for this run; every log record (the steps, warnings) goes there."""
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"pipeline-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    prune_log_files(log_dir)
    return path


@contextlib.contextmanager
def terminal_output_to(log_path: Path):
    """Send everything written to standard output and error (Dagster's event lines, dbt's output as dagster-dbt
    echoes it, warnings of any library) into the log file; yield text streams of the real terminal, for the
    display (stdout) and for error messages (stderr)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    terminal = [open(fd, "w", encoding="utf-8", buffering=1, closefd=False) for fd in saved]
    try:
        yield terminal[0], terminal[1]
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for stream in terminal:
            stream.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


# ----------------------------------------------------------------------------------------------------------------
# The display


class Display(logging.Handler):
    """The terminal lines of a run, in German; progress bars from pipelines.progress."""

    STEPS = {"land": ("Dateien lesen", "Dateien"), "dbt": ("dbt-Modelle bauen", "Modelle")}

    def __init__(self, console: Console, errors: Console, log_path: Path):
        super().__init__(level=logging.DEBUG)
        self.console = console
        self.errors = errors
        self.log_path = log_path
        self.progress = Progress(
            TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(), console=console, transient=True,
        )
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> Display:
        progress_logger = logging.getLogger(PROGRESS_LOGGER)
        progress_logger.setLevel(logging.DEBUG)
        progress_logger.propagate = False  # counts for the display, not for the log file
        progress_logger.addHandler(self)
        if self.console.is_terminal:  # bars only for a person watching, not in a log or a pipe
            self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()
        logging.getLogger(PROGRESS_LOGGER).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        step = getattr(record, "step", None)
        if step not in self.STEPS or not self.console.is_terminal:
            return
        if step not in self.tasks:
            description, unit = self.STEPS[step]
            self.tasks[step] = self.progress.add_task(description, total=record.total, unit=unit)
        self.progress.update(self.tasks[step], completed=record.done, total=record.total)

    def finish_step(self, step: str) -> None:
        if step in self.tasks:
            self.progress.remove_task(self.tasks.pop(step))

    def line(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def done(self, text: str) -> None:
        self.line(f"[green]✓[/green] {text}")

    def failed(self, reasons: list[str]) -> None:
        self.errors.print("[bold red]✗ Die Pipeline ist fehlgeschlagen.[/bold red] Das Dashboard zeigt weiter die "
                          "zuletzt veröffentlichten Daten.", highlight=False)
        for reason in reasons:
            self.errors.print(f"  {reason}", highlight=False, markup=False)
        self.errors.print(f"  Einzelheiten im Protokoll: {self.log_path}", highlight=False, markup=False)


def _count(value: int, one: str, many: str) -> str:
    return f"{format_number(value)} {one if value == 1 else many}"


# ----------------------------------------------------------------------------------------------------------------
# Reading what a Dagster run did, for the display


def _materializations(result) -> dict[str, dict]:
    """Asset key (as text) -> metadata of its materialization in this run."""
    found = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        found[materialization.asset_key.to_user_string()] = {
            key: value.value for key, value in materialization.metadata.items()
        }
    return found


DBT_STEP = "integrationsmonitor_dbt_assets"


def _failure_reasons(result) -> list[str]:
    """German reasons of a failed run: failed checks, a step's own German message (failed dbt tests with their
    files, a broken standards catalogue), else which step broke; the exact error is in the log file."""
    reasons = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed:
            evaluation = event.event_specific_data
            reasons.append(f"Prüfung »{evaluation.check_name}« für {evaluation.asset_key.to_user_string()} "
                           "nicht bestanden.")
        elif event.is_step_failure:
            user = event.step_failure_data.user_failure_data
            if user is not None and user.description:
                reasons.append(user.description)  # e.g. pipelines/dbt_failures.py: failed tests and their files
            elif event.step_key == DBT_STEP:
                reasons.append("dbt ist mit Fehlern beendet: ein Modell oder ein Datentest ist fehlgeschlagen.")
            else:
                reasons.append(f"Der Schritt »{event.step_key}« ist mit einem Fehler abgebrochen.")
    return reasons or ["Ein Schritt ist nicht gelaufen."]


def _report_landing(display: Display, result) -> None:
    display.finish_step("land")
    materialized = _materializations(result)
    landed = materialized.get("raw/genesis_table_cells", {})
    if landed:
        loaded, rejected = landed.get("files_loaded", 0), landed.get("files_rejected", 0)
        again = landed.get("files_already_loaded", 0)
        text = f"Geladen: {_count(loaded, 'Datei', 'Dateien')} ({_count(landed.get('rows_written', 0), 'Zeile', 'Zeilen')})"
        if again:
            text += f", {_count(again, 'Datei war', 'Dateien waren')} schon geladen"
        display.done(text)
        if rejected:
            display.line(f"[yellow]![/yellow] Abgelehnt: {_count(rejected, 'Datei', 'Dateien')}, mit Begründung in "
                         f"{get_settings().quarantine_dir}")
    checked = [event.event_specific_data for event in result.all_events
               if event.event_type_value == "ASSET_CHECK_EVALUATION"
               and event.event_specific_data.check_name == "gx_suite"]
    rows = sum(int(check.metadata["rows_validated"].value) for check in checked if "rows_validated" in check.metadata)
    if rows:
        display.done(f"Geprüft: {_count(rows, 'neue Zeile', 'neue Zeilen')} (Great Expectations)")
    standards = materialized.get("raw/ki_standards")
    if standards:
        display.done(f"Qualitätsstandards: {standards.get('standards')} Standards ({standards.get('file')})")


def _report_transform(display: Display, result, settings: Settings) -> None:
    display.finish_step("dbt")
    materialized = _materializations(result)
    models = [key for key in materialized if key != "serving_snapshot"]
    display.done(f"dbt: {_count(len(models), 'Modell', 'Modelle')} neu gebaut, Tests bestanden")
    published = materialized.get("serving_snapshot")
    if published:
        values = published.get("rows_indicator_values", 0)
        display.done(f"Veröffentlicht: {settings.serving_path} ({_count(values, 'Kennzahlwert', 'Kennzahlwerte')})")


# ----------------------------------------------------------------------------------------------------------------


def _pull_configured() -> bool:
    from pipelines.pull.genesis_api import PORTALS, credentials

    return any(credentials(portal) for portal in PORTALS.values())


def _nothing_to_do(settings: Settings, display: Display) -> bool:
    """True when a run could change nothing: checked before Dagster is even loaded. Files in the inbox that are all
    loaded already are taken out of it, as the landing would."""
    from pipelines.incremental import detect_changes, standards_file_changed
    from pipelines.landing import remove_already_loaded

    if _pull_configured() or standards_file_changed(settings) or not detect_changes(settings).nothing:
        return False
    again = remove_already_loaded(settings)
    if again is None:
        return False
    if again:
        display.done(f"{_count(len(again), 'Datei war', 'Dateien waren')} schon geladen (gleicher Inhalt) und "
                     "wurden aus dem Posteingang genommen.")
    return True


def run_pipeline(settings: Settings, display: Display, *, full: bool) -> bool:
    if not full and _nothing_to_do(settings, display):
        display.done("Nichts Neues: Standards unverändert, die veröffentlichten Daten sind aktuell.")
        return True
    from pipelines.landing import inbox_files

    display.line(f"Posteingang: {_count(len(inbox_files(settings.inbox_dir)), 'Datei', 'Dateien')}")

    from dagster import DagsterInstance

    from pipelines.definitions import FULL_RUN_TAG, defs, transform_selection
    from pipelines.incremental import detect_changes

    tags = {PID_TAG: str(os.getpid()), **({FULL_RUN_TAG: "true"} if full else {})}
    with DagsterInstance.get() as instance:
        release_dead_runs(instance)
        try:
            landed = defs.resolve_job_def("land_job").execute_in_process(
                instance=instance, raise_on_error=False, tags=tags)
            _report_landing(display, landed)
            if not landed.success:
                display.failed(_failure_reasons(landed))
                return False
            changes = detect_changes(settings)
            if changes.nothing and not full:
                display.done("Nichts Neues für dbt: die veröffentlichten Daten sind aktuell und bleiben unverändert.")
                return True
            if full:
                changes = replace(changes, full=True)
            selection = transform_selection(changes)
            log.info("Changed raw tables: %s (full rebuild: %s); building %d assets",
                     ", ".join(changes.raw_tables) or "none", changes.full, len(selection))
            transformed = defs.resolve_job_def("transform_job").execute_in_process(
                instance=instance, raise_on_error=False, tags=tags, asset_selection=selection)
            if not transformed.success:
                display.finish_step("dbt")
                display.failed(_failure_reasons(transformed))
                return False
            _report_transform(display, transformed, settings)
            return True
        finally:
            prune_run_history(instance)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.run", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="check every loaded file again and rebuild every model")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    settings = get_settings()
    settings.ensure_dirs()
    prepare_dagster_home(settings)
    log_path = start_log_file(settings)
    remove_old_dbt_targets()
    with terminal_output_to(log_path) as (stdout, stderr):
        console = Console(file=stdout, highlight=False, soft_wrap=True)
        console.print("[bold]Integrationsmonitor NRW – Pipeline[/bold]")
        console.print(f"Protokoll: {log_path}", markup=False)
        with Display(console, Console(file=stderr, highlight=False, soft_wrap=True), log_path) as display:
            try:
                success = run_pipeline(settings, display, full=args.full)
            except Exception as error:  # noqa: BLE001 - the user gets the German line, the log the traceback
                log.exception("pipeline run failed")
                display.failed([f"Unerwarteter Fehler: {error.__class__.__name__}: {error}"])
                success = False
        seconds = format_number(time.perf_counter() - started, 1)
        console.print(f"{'Fertig' if success else 'Abgebrochen'} nach {seconds} s.")
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
