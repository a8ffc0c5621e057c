"""Run the whole pipeline once (land -> check -> dbt -> publish) and record the run in Dagster's history.

`make pipeline` calls this; `make dagster` shows the same definitions and runs in the Dagster UI.
Exit code 0 only if every step succeeded; otherwise the last published snapshot stays as it was.
"""

from __future__ import annotations

import logging
import os
import sys

from pipelines.config import Settings, get_settings

DAGSTER_YAML = """\
# Written by pipelines/run.py. All warehouse writers share the pool "warehouse": one at a time.
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""


def prepare_dagster_home(settings: Settings) -> None:
    """Point Dagster at IM_DATA_DIR/dagster with telemetry off and a pool limit of 1."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)


PID_TAG = "integrationsmonitor/pid"


def release_dead_runs(instance) -> None:
    """Mark runs of this command whose process is gone (killed, machine restarted) as failed and free their
    concurrency slots: otherwise the next run would wait forever for the pool "warehouse"."""
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = instance.get_runs(
        filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.NOT_STARTED])
    )
    for run in unfinished:
        pid = run.tags.get(PID_TAG)
        if pid is None or _process_alive(int(pid)):
            continue  # started from the Dagster UI (its daemon looks after it), or still running
        instance.report_run_failed(run, f"Prozess {pid} dieses Laufs existiert nicht mehr (abgebrochen).")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    settings.ensure_dirs()
    prepare_dagster_home(settings)

    from dagster import DagsterInstance

    from pipelines.definitions import defs

    with DagsterInstance.get() as instance:
        release_dead_runs(instance)
        result = defs.resolve_job_def("full_pipeline").execute_in_process(
            instance=instance, raise_on_error=False, tags={PID_TAG: str(os.getpid())}
        )
    if not result.success:
        print(
            "Die Pipeline ist fehlgeschlagen; das Dashboard zeigt weiter die zuletzt veröffentlichten Daten. "
            f"Details im Dagster-Lauf {result.run_id} (make dagster).",
            file=sys.stderr,
        )
        for event in result.all_events:
            # a step that failed with a message for the user (e.g. a broken standards catalogue) says why, in German
            if event.is_step_failure and event.step_failure_data.user_failure_data is not None:
                print(event.step_failure_data.user_failure_data.description, file=sys.stderr)
        return 1
    print(f"Pipeline erfolgreich (Lauf {result.run_id}). Snapshot: {settings.serving_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
