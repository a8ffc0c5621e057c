"""Land inbox files in the warehouse: detect the format, parse, archive the original bytes, write raw rows
with lineage, take the file out of the inbox. Plain functions; Dagster only calls `land_inbox`.

Safety rules:
- A file's rows and its lineage row are written in one transaction: a file is loaded completely or not at all.
- The original bytes are archived (content-addressed) before the transaction commits, and the inbox copy is removed
  only after it: a run killed at any point is simply run again (a file whose sha256 is already loaded is skipped).
- A file that cannot be read goes to quarantine/ with a report in German; nothing already loaded is touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.config import Settings
from pipelines.demo.generator import DEMO_MARKER
from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_table import GenesisTable, is_genesis_table, read_genesis_table

log = logging.getLogger(__name__)

WAREHOUSE_DDL = """
create schema if not exists raw;
create table if not exists raw.source_files (
    sha256        varchar primary key,
    file_name     varchar not null,
    inbox_path    varchar not null,
    archive_path  varchar not null,
    size_bytes    bigint not null,
    reader        varchar not null,
    table_code    varchar not null,
    title         varchar,
    stand         timestamp,
    copyright     varchar,
    is_synthetic  boolean not null,
    encoding      varchar,
    row_count     integer not null,
    loaded_at     timestamp not null
);
create table if not exists raw.genesis_table_cells (
    file_sha256   varchar not null,
    table_code    varchar not null,
    stand         timestamp,
    period        varchar not null,
    region_code   varchar not null,
    region_label  varchar not null,
    level         varchar not null,
    dimensions    varchar[] not null,
    measure       varchar not null,
    unit          varchar,
    value         double,
    flag          varchar,
    source_line   integer not null,
    source_column integer not null
);
create table if not exists raw.rejected_files (
    sha256           varchar not null,
    file_name        varchar not null,
    quarantine_path  varchar not null,
    rejected_at      timestamp not null,
    message_de       varchar not null,
    detail           varchar not null,
    line             integer,
    "column"         integer
);
"""


@dataclass
class LandingReport:
    loaded: list[str] = field(default_factory=list)
    already_loaded: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    rows_written: int = 0


def is_nrw_region(region_code: str) -> bool:
    """NRW's AGS start with 05; its Jugendämter are coded JH05..."""
    return region_code.startswith("05") or region_code.startswith("JH05")


def inbox_files(inbox_dir: Path) -> list[Path]:
    """Every file anywhere under the inbox (readers recognise extracts by content, not by folder or name)."""
    if not inbox_dir.exists():
        return []
    return sorted(
        path
        for path in inbox_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(inbox_dir).parts)
    )


def connect_warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(settings.warehouse_path))
    connection.execute(WAREHOUSE_DDL)
    return connection


def land_inbox(settings: Settings) -> LandingReport:
    """Land every file in the inbox; return what happened to each."""
    settings.ensure_dirs()
    report = LandingReport()
    connection = connect_warehouse(settings)
    try:
        for path in inbox_files(settings.inbox_dir):
            _land_one(connection, settings, path, report)
    finally:
        connection.close()
    return report


def _land_one(connection: duckdb.DuckDBPyConnection, settings: Settings, path: Path, report: LandingReport) -> None:
    relative_name = str(path.relative_to(settings.inbox_dir))
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()

    if connection.execute("select 1 from raw.source_files where sha256 = ?", [sha256]).fetchone():
        log.info("Already loaded, removing from inbox: %s (sha256 %s)", relative_name, sha256)
        path.unlink()
        report.already_loaded.append(relative_name)
        return

    try:
        table = _parse(data)
        cells = [cell for cell in table.cells if is_nrw_region(cell.region_code)]
        if not cells:
            raise ReaderError(
                "Die Datei enthält keine Daten für Nordrhein-Westfalen (kein Regionalschlüssel beginnt mit 05). "
                "Bitte die Tabelle für NRW oder für alle Kreise Deutschlands herunterladen.",
                f"no region code starting with 05 among {len(table.cells)} cells",
            )
    except ReaderError as error:
        _quarantine(connection, settings, path, data, sha256, error)
        report.rejected.append(relative_name)
        return

    archive_path = _archive(settings, data, sha256, path.name)
    frame = pd.DataFrame(
        {
            "file_sha256": sha256,
            "table_code": table.table_code,
            "stand": table.stand,
            "period": [cell.period for cell in cells],
            "region_code": [cell.region_code for cell in cells],
            "region_label": [cell.region_label for cell in cells],
            "level": [cell.level for cell in cells],
            "dimensions": [list(cell.dimensions) for cell in cells],
            "measure": [cell.measure for cell in cells],
            "unit": [cell.unit for cell in cells],
            "value": [cell.value for cell in cells],
            "flag": [cell.flag for cell in cells],
            "source_line": [cell.line for cell in cells],
            "source_column": [cell.column for cell in cells],
        }
    )
    is_synthetic = DEMO_MARKER in (table.copyright or "") or DEMO_MARKER in table.notes
    connection.execute("begin transaction")
    try:
        connection.execute(
            "insert into raw.genesis_table_cells select file_sha256, table_code, stand, period, region_code, "
            "region_label, level, dimensions, measure, unit, value, flag, source_line, source_column from frame"
        )
        connection.execute(
            "insert into raw.source_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sha256,
                path.name,
                relative_name,
                str(archive_path.relative_to(settings.sources_dir)),
                len(data),
                "genesis_table",
                table.table_code,
                table.title,
                table.stand,
                table.copyright,
                is_synthetic,
                table.encoding,
                len(cells),
                _now(),
            ],
        )
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise
    path.unlink()
    log.info("Loaded %s: table %s, Stand %s, %d NRW cells (sha256 %s)", relative_name, table.table_code, table.stand, len(cells), sha256)
    report.loaded.append(relative_name)
    report.rows_written += len(cells)


def _parse(data: bytes) -> GenesisTable:
    if not data.strip():
        raise ReaderError("Die Datei ist leer.", "file is empty or whitespace only")
    if is_genesis_table(data):
        return read_genesis_table(data)
    raise ReaderError(
        "Das Dateiformat wurde nicht erkannt. Unterstützt werden Tabellen-CSV-Downloads aus GENESIS "
        "(Landesdatenbank NRW, Regionaldatenbank Deutschland), deren erste Zeile mit »Tabelle:« oder "
        "»GENESIS-Tabelle:« beginnt.",
        f"no reader recognises the content; first bytes: {data[:80]!r}",
        line=1,
    )


def _archive(settings: Settings, data: bytes, sha256: str, file_name: str) -> Path:
    """Store the original bytes under archive/<sha[:2]>/<sha>/<name>; write to a temp file, then rename."""
    target = settings.archive_dir / sha256[:2] / sha256 / file_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{file_name}.partial")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    return target


def _quarantine(
    connection: duckdb.DuckDBPyConnection, settings: Settings, path: Path, data: bytes, sha256: str, error: ReaderError
) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = settings.quarantine_dir / f"{stamp}_{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), target)
    position = ", ".join(
        part for part in (f"Zeile {error.line}" if error.line else "", f"Spalte {error.column}" if error.column else "") if part
    )
    report_text = (
        f"Datei: {path.name}\n"
        f"Abgelehnt am: {datetime.now():%d.%m.%Y %H:%M}\n"
        + (f"Stelle: {position}\n" if position else "")
        + f"Grund: {error.message_de}\n\n"
        f"Technische Details: {error.detail}\n"
    )
    target.with_name(target.name + ".fehler.txt").write_text(report_text, encoding="utf-8")
    target.with_name(target.name + ".fehler.json").write_text(
        json.dumps(
            {"file_name": path.name, "sha256": sha256, "message_de": error.message_de, "detail": error.detail,
             "line": error.line, "column": error.column, "value": error.value},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    connection.execute(
        "insert into raw.rejected_files values (?, ?, ?, ?, ?, ?, ?, ?)",
        [sha256, path.name, str(target.relative_to(settings.sources_dir)), _now(), error.message_de, error.detail,
         error.line, error.column],
    )
    log.error("Rejected %s -> %s: %s (line %s, column %s, value %r)", path.name, target, error.detail, error.line, error.column, error.value)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
