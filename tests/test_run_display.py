"""What a data engineer sees of a run: a short German display, everything else in a log file whose path it names, and
on failure the German reason with that path. On workspaces of their own (no shared full demo run needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def test_a_run_prints_a_short_german_display_and_logs_everything_to_a_file(workspace, demo_files):
    for path in demo_files:
        if any(path.name == f"demo_{table}_2024.csv" for table in ("12411-01-01-4", "12411-15i", "12521-03i")):
            (workspace.inbox / path.name).write_bytes(path.read_bytes())
    (workspace.inbox / "kaputt.csv").write_bytes(b"<html><body>503 Service Unavailable</body></html>")
    result = workspace.run_pipeline()
    lines = result.stdout.splitlines()
    assert len(lines) <= 12, result.stdout
    assert "Geladen: " in result.stdout and "Abgelehnt: 1 Datei" in result.stdout
    assert "Veröffentlicht: " in result.stdout and "dbt: " in result.stdout
    assert not any(word in result.stdout + result.stderr for word in ("DEBUG", "WARNING", "Warning", "dagster -"))
    [log_line] = [line for line in lines if line.startswith("Protokoll: ")]
    log_file = Path(log_line.removeprefix("Protokoll: "))
    assert log_file.parent == workspace.data_dir / "logs"
    logged = log_file.read_text(encoding="utf-8")
    assert "RUN_SUCCESS" in logged and "transform_job" in logged  # Dagster's events
    assert "Finished running" in logged  # dbt's own output
    assert "Rejected kaputt.csv" in logged  # the exact English reason of the rejection


def test_a_failed_run_prints_the_german_reason_and_the_log_file(workspace, tmp_path):
    broken = tmp_path / "katalog.yml"
    broken.write_text("standards: [nicht: gültig", encoding="utf-8")
    env = {**workspace.env(), "IM_STANDARDS_FILE": str(broken)}
    result = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Die Pipeline ist fehlgeschlagen" in result.stderr and "kein gültiges YAML" in result.stderr
    [log_file] = (workspace.data_dir / "logs").glob("pipeline-*.log")
    assert f"Einzelheiten im Protokoll: {log_file}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not workspace.serving_path.exists()
