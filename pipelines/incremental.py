"""What changed since the serving snapshot was built: the basis for doing only what changed.

The serving snapshot records what it was built from (table `build_state`): a fingerprint of every raw table
(row count and an order-independent hash of all rows), of the dbt project's code and settings, and of the
definitions the landing reads files by. A run compares the warehouse with that record:
- nothing differs: dbt and publish are skipped, the snapshot stays untouched;
- some raw tables differ: dbt builds the models downstream of them (and their tests), then the snapshot is
  published anew;
- no snapshot yet, or the dbt code, seeds or settings differ: everything is rebuilt;
- the source catalogue or a template definition differs: the landing runs even with an empty inbox (it may read
  what it holds anew), and the snapshot is published with the new record.

The record is written only by a successful publish, so a run that failed after landing (dbt error, killed process)
leaves the difference in place and the next run builds it. Plain functions; no Dagster here, so `pipelines.run` can
answer "nothing new" before loading Dagster at all.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config import DBT_PROJECT_DIR, PROJECT_ROOT, Settings

# Bookkeeping of the validation step (which files were already checked): not an input of dbt or the snapshot.
NOT_INPUTS = frozenset({"checked_files"})
# dbt's inputs besides the raw tables: its code, seeds and the settings its models read (env_var / var).
DBT_CODE = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")
DBT_SETTINGS = ("IM_SUPPRESSION_THRESHOLD",)
# What the landing reads files by (source catalogue, template definitions): when it changes, a run must let the
# landing look at what it holds, even with an empty inbox.
LANDING_DEFINITIONS = (PROJECT_ROOT / "pipelines" / "catalogue", PROJECT_ROOT / "pipelines" / "templates")


@dataclass(frozen=True)
class Changes:
    """The difference between the warehouse now and what the published snapshot was built from."""

    full: bool  # rebuild everything: no snapshot yet, or the dbt code or settings changed
    raw_tables: tuple[str, ...]  # raw tables whose content differs
    built_from: dict  # the fingerprint of now, which the next publish records
    landing_definitions_changed: bool = False  # the source catalogue or a template definition changed

    @property
    def nothing(self) -> bool:
        return not self.full and not self.raw_tables and not self.landing_definitions_changed


def _files_fingerprint(roots: list[Path], base: Path, digest=None):
    """sha256 over the files (path and bytes) under these folders or of these files."""
    digest = digest or hashlib.sha256()
    for root in roots:
        paths = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else [root]
        for path in paths:
            if path.exists() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest


def dbt_code_fingerprint() -> str:
    """sha256 over the dbt project's files (path and bytes) and the settings its models read."""
    digest = _files_fingerprint([DBT_PROJECT_DIR / name for name in DBT_CODE], DBT_PROJECT_DIR)
    for variable in DBT_SETTINGS:
        digest.update(f"{variable}={os.environ.get(variable, '')}\0".encode())
    return digest.hexdigest()


def landing_definitions_fingerprint() -> str:
    return _files_fingerprint(list(LANDING_DEFINITIONS), PROJECT_ROOT).hexdigest()


def raw_fingerprints(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per raw table: row count and the sum of the rows' hashes (cheap in DuckDB, changes with any row)."""
    tables = [
        name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by table_name"
        ).fetchall()
        if name not in NOT_INPUTS
    ]
    fingerprints = {}
    for table in tables:
        count, total = connection.execute(f'select count(*), coalesce(sum(hash(t)), 0) from raw."{table}" t').fetchone()
        fingerprints[table] = f"{count}:{total}"
    return fingerprints


def current_fingerprint(settings: Settings) -> dict:
    """What a snapshot published now would be built from."""
    inputs: dict[str, str] = {}
    if settings.warehouse_path.exists():
        connection = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            inputs = raw_fingerprints(connection)
        finally:
            connection.close()
    return {"dbt_code": dbt_code_fingerprint(), "landing_definitions": landing_definitions_fingerprint(),
            "raw_tables": inputs}


def published_fingerprint(serving_path: Path) -> dict | None:
    """The fingerprint the current snapshot records, or None (no snapshot, or one from before this record)."""
    if not serving_path.exists():
        return None
    connection = duckdb.connect(str(serving_path), read_only=True)
    try:
        try:
            row = connection.execute("select built_from from build_state").fetchone()
        except duckdb.CatalogException:  # a snapshot published before this record existed
            return None
    finally:
        connection.close()
    return json.loads(row[0]) if row and row[0] else None


def detect_changes(settings: Settings) -> Changes:
    """Compare the warehouse with what the published snapshot was built from."""
    now = current_fingerprint(settings)
    before = published_fingerprint(settings.serving_path)
    if before is None or before.get("dbt_code") != now["dbt_code"]:
        return Changes(full=True, raw_tables=tuple(sorted(now["raw_tables"])), built_from=now)
    old, new = before.get("raw_tables", {}), now["raw_tables"]
    changed = tuple(sorted(table for table in old.keys() | new.keys() if old.get(table) != new.get(table)))
    # (a record written before the landing definitions were part of it counts as current)
    definitions = before.get("landing_definitions", now["landing_definitions"]) != now["landing_definitions"]
    return Changes(full=False, raw_tables=changed, built_from=now, landing_definitions_changed=definitions)


def standards_file_changed(settings: Settings) -> bool:
    """True unless the warehouse holds exactly the catalogue file's current bytes (its sha256 is stored with it)."""
    if not settings.warehouse_path.exists() or not settings.standards_file.exists():
        return True
    sha256 = hashlib.sha256(settings.standards_file.read_bytes()).hexdigest()
    connection = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        stored = connection.execute(
            "select distinct catalogue_sha256, catalogue_file from raw.ki_standards").fetchall()
    except duckdb.CatalogException:
        return True
    finally:
        connection.close()
    return stored != [(sha256, str(settings.standards_file))]
