"""Doing only what changed must publish what doing everything publishes; dbt's unit tests (not part of production
runs) run here. What a data engineer sees of a run: tests/test_run_display.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas.testing

from pipelines.config import DBT_PROJECT_DIR

# Differ between any two publishes by design: when, what it was built from, and (after --full, which checks every
# file again) when each rule was last checked.
RUN_SPECIFIC_TABLES = {"snapshot_info", "build_state", "validation_results"}


def _snapshot_tables(workspace) -> dict:
    names = [name for (name,) in workspace.serving("select table_name from duckdb_tables() order by 1")]
    return {name: workspace.serving_frame(f"select * from {name} order by all")
            for name in names if name not in RUN_SPECIFIC_TABLES}


def _models_built(workspace) -> set[str]:
    """The dbt models of the last dbt run (its run_results.json in IM_DATA_DIR/dbt)."""
    results = json.loads((workspace.data_dir / "dbt" / "run_results.json").read_text())["results"]
    return {result["unique_id"].rsplit(".", 1)[1] for result in results if result["unique_id"].startswith("model.")}


def newer_stand(path: Path) -> bytes:
    """The same GENESIS table with a newer Stand: a revision that replaces the older file in the marts."""
    return path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[0] + b"\nStand: 31.12.2026 / 12:00:00\n"


def test_one_new_file_publishes_what_a_full_rebuild_publishes(demo_pipeline, demo_files, tmp_path):
    copy = demo_pipeline.copy_to(tmp_path)
    newest = sorted(path for path in demo_files if path.name.startswith("demo_12521-03i_"))[-1]
    (copy.inbox / "revision.csv").write_bytes(newer_stand(newest))
    before = _snapshot_tables(copy)

    result = copy.run_pipeline()
    assert "Geladen: 1 Datei" in result.stdout
    incremental = _snapshot_tables(copy)
    built = _models_built(copy)
    # only what the new GENESIS file reaches: not the Kreis-held extracts, their suppression or the KI reports
    assert {"stg_genesis__table_cells", "indicator_values", "source_file_versions"} <= built
    assert not {"stg_schulamt__schulen", "int_confidential_cells_suppressed", "stg_ki__programme"} & built
    assert not incremental["indicator_values"].equals(before["indicator_values"])  # the revision is published

    result = copy.run_pipeline("--full")
    assert "dbt:" in result.stdout
    assert {"stg_schulamt__schulen", "int_confidential_cells_suppressed"} <= _models_built(copy)
    rebuilt = _snapshot_tables(copy)
    assert incremental.keys() == rebuilt.keys()
    for table, frame in rebuilt.items():
        pandas.testing.assert_frame_equal(incremental[table], frame, check_exact=False, rtol=1e-12, obj=table)


def test_dbt_unit_tests_pass(demo_pipeline, tmp_path):
    """dbt's unit tests (unit_tests: next to the models) test the SQL; production runs leave them out."""
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(demo_pipeline.warehouse_path.read_bytes())  # unit tests need the models' parents to exist
    target = tmp_path / "dbt"
    env = {**os.environ, "IM_WAREHOUSE_PATH": str(warehouse), "DBT_TARGET_PATH": str(target),
           "DBT_LOG_PATH": str(target), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", "test_type:unit", "--project-dir",
         str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(results) == len(manifest["unit_tests"]) > 20
    assert {entry["status"] for entry in results} == {"pass"}
