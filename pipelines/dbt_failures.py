"""When a dbt build fails: say in German which checks failed and which loaded files hold the rows that failed them.

Landing refuses a file whose columns or row values cannot be mapped (pipelines/catalogue/recognition.py), so a failing
dbt data test is the last line of defence. Its rows are found again from the test's own compiled SQL: the failing rows
(or failing values or key combinations) are joined back onto the model the test checks, and that model's lineage
column (file_name, source_file, ...) names the files. Plain functions over dbt's artifacts and the warehouse.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

# Lineage columns of the models, in the order they are preferred.
FILE_COLUMNS = ("file_name", "source_file", "numerator_source_file", "denominator_source_file", "report_file")
MAX_TESTS = 10
MAX_FILES = 5


def explain_dbt_failures(target_path: Path, warehouse_path: Path) -> str:
    """A German report of what failed in the dbt run whose artifacts are in target_path."""
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))["results"]
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    failed = [result for result in results if result["status"] in ("fail", "error")]
    lines = [
        "Die Prüfungen der Datenmodelle (dbt) sind fehlgeschlagen; es wurde nichts veröffentlicht, das Dashboard "
        "zeigt weiter die zuletzt veröffentlichten Daten."
    ]
    if not failed:
        lines.append("dbt meldet keinen einzelnen Fehler (siehe Protokoll).")
    connection = duckdb.connect(str(warehouse_path), read_only=True) if warehouse_path.exists() else None
    try:
        for result in failed[:MAX_TESTS]:
            lines.append("- " + _describe(result, manifest, connection))
    finally:
        if connection is not None:
            connection.close()
    if len(failed) > MAX_TESTS:
        lines.append(f"- und {len(failed) - MAX_TESTS} weitere.")
    lines.append(f"Vollständiges Protokoll: {target_path / 'dbt.log'}")
    return "\n".join(lines)


def _describe(result: dict, manifest: dict, connection: duckdb.DuckDBPyConnection | None) -> str:
    unique_id = result["unique_id"]
    node = manifest.get("nodes", {}).get(unique_id) or manifest.get("unit_tests", {}).get(unique_id) or {}
    name = node.get("name", unique_id.split(".")[-1])
    message = (result.get("message") or "").splitlines()[0] if result.get("message") else ""
    if unique_id.startswith("unit_test."):
        return (f"Programmprüfung »{name}« fehlgeschlagen: ein Fehler im Programm, nicht in den Daten "
                f"({message}).")
    if not unique_id.startswith("test."):
        return f"Das Modell »{name}« konnte nicht gebaut werden: {message}"
    model = manifest.get("nodes", {}).get(node.get("attached_node") or "", {})
    model_name = model.get("name", "?")
    rows = result.get("failures")
    text = f"Prüfung »{name}« (Modell {model_name})" + (f": {rows} Zeilen verletzen sie." if rows else f": {message}")
    files = _files_of_failing_rows(result, node, model, connection)
    if files:
        shown = ", ".join(files[:MAX_FILES]) + (f" und {len(files) - MAX_FILES} weitere" if len(files) > MAX_FILES else "")
        text += f" Betroffene Dateien: {shown}. Bitte diese Dateien prüfen und korrigiert erneut ablegen."
    return text


def _files_of_failing_rows(result: dict, test: dict, model: dict, connection) -> list[str]:
    relation, compiled = model.get("relation_name"), result.get("compiled_code")
    if connection is None or not relation or not compiled:
        return []
    try:
        model_columns = _columns(connection, f"select * from {relation}")
        file_column = next((column for column in FILE_COLUMNS if column in model_columns), None)
        if file_column is None:
            return []
        failing_columns = _columns(connection, f"select * from ({compiled}) as failing")
        # accepted_values reports the failing values as value_field: they are values of the tested column
        tested = (test.get("test_metadata") or {}).get("kwargs", {}).get("column_name")
        renamed = {"value_field": tested} if tested and "value_field" in failing_columns else {}
        keys = [(column, renamed.get(column, column)) for column in failing_columns
                if renamed.get(column, column) in model_columns]
        if not keys:
            return []
        condition = " and ".join(f'm."{target}" is not distinct from f."{source}"' for source, target in keys)
        rows = connection.execute(
            f"select distinct m.\"{file_column}\" from {relation} as m "
            f"inner join ({compiled}) as f on {condition} order by 1 limit {MAX_FILES * 4}"
        ).fetchall()
        return [str(value) for (value,) in rows if value is not None]
    except duckdb.Error as error:  # a report of a failure must not fail itself
        log.warning("Could not find the files behind the failing test %s: %s", result["unique_id"], error)
        return []


def _columns(connection: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [column[0] for column in connection.execute(f"{sql} limit 0").description]
