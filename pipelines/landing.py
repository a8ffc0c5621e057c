"""Land inbox files in the warehouse: recognise the format, parse, validate, archive the original bytes, write raw
rows with lineage, take the file out of the inbox. Plain functions; Dagster only calls `land_inbox`.

Safety rules:
- A file's rows and its lineage row are written in one transaction: a file is loaded completely or not at all.
- The original bytes are archived (content-addressed) before the transaction commits, and the inbox copy is removed
  only after it: a run killed at any point is simply run again (a file whose sha256 is already loaded is skipped).
- A file that cannot be read, or whose rows fail its source's validation suite (pipelines/validation.py), goes to
  quarantine/ with a German report; nothing already loaded is touched.
- File names are data (pipelines/file_names.py): the archive and the quarantine store a file under a safe name, the
  report, the lineage and the log keep the original name escaped; one odd name never stops a run.
- Nothing is opened blindly: a file larger than IM_MAX_FILE_MB is refused before it is read (workbooks are also
  checked for what they unpack to, pipelines/readers/workbook_limits.py), and a file whose size or time stamps
  changed within the last IM_INBOX_SETTLE_SECONDS is still being written and waits for the next run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.catalogue import CATALOGUE_PATH, source_catalogue
from pipelines.config import Settings
from pipelines.extracts import BA_CELLS, GENESIS_CELLS, Extract, parse_extract
from pipelines.progress import report_progress
from pipelines.file_names import escaped_name, safe_name
from pipelines.formatting_de import format_number
from pipelines.readers.ba import is_ba_csv, is_ba_excel
from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_flat import is_genesis_flat
from pipelines.readers.genesis_table import is_genesis_table
from pipelines.readers.kreis_templates import owner_codes
from pipelines.readers.workbook_limits import check_unpacked_size
from pipelines.validation import docs_dir, reset_validation_store, run_suite, suite_for
from pipelines.warehouse import RAW_COLUMNS, connect_warehouse

log = logging.getLogger(__name__)

# Files written per transaction: large enough that commits cost little, small enough that memory stays modest.
COMMIT_BATCH_FILES = 250


@dataclass
class LandingReport:
    loaded: list[str] = field(default_factory=list)
    already_loaded: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    relabelled: list[str] = field(default_factory=list)  # re-read from the archive under a changed catalogue
    waiting: list[str] = field(default_factory=list)  # still being written or unreadable now: left for the next run
    rows_written: int = 0
    validated: list[str] = field(default_factory=list)  # sha256 of loaded files whose validation at landing passed
    validation_records: list[dict] = field(default_factory=list)  # the outcomes of that validation, per rule


@dataclass
class _Candidate:
    path: Path
    relative_name: str  # escaped (pipelines/file_names.py): safe for the log, the lineage and reports
    data: bytes
    sha256: str
    extract: Extract


def inbox_files(inbox_dir: Path) -> list[Path]:
    """Every file anywhere under the inbox (readers recognise extracts by content, not by folder or name).
    Hidden files (a download or pull still being written as .name.part) are left alone."""
    if not inbox_dir.exists():
        return []
    return sorted(
        path
        for path in inbox_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(inbox_dir).parts)
    )


def remove_already_loaded(settings: Settings) -> list[str] | None:
    """When every file in the inbox is already loaded (the same sha256), take them out of the inbox, as landing
    would, and return their names; otherwise change nothing and return None. Lets a run with nothing new end
    before Dagster is even started."""
    waiting = inbox_files(settings.inbox_dir)
    if not waiting or not settings.warehouse_path.exists():
        return [] if not waiting else None
    connection = connect_warehouse(settings, read_only=True)
    try:
        loaded = {sha for (sha,) in connection.execute("select sha256 from raw.source_files").fetchall()}
    finally:
        connection.close()
    hashes = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in waiting}
    if not set(hashes.values()) <= loaded:
        return None
    names = []
    for path, sha256 in hashes.items():
        relative_name = str(path.relative_to(settings.inbox_dir))
        log.info("Already loaded, removing from inbox: %s (sha256 %s)", relative_name, sha256)
        path.unlink()
        names.append(relative_name)
    return names


def _signature(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns


def settled_files(paths: list[Path], settle_seconds: float) -> tuple[list[Path], list[Path]]:
    """(complete, still being written): a file is complete once its size and time stamps (mtime, and ctime, which a
    writer cannot set back) have stayed the same for `settle_seconds`. Files changed more recently are looked at
    again after waiting until they are that old (at most `settle_seconds` once per run)."""
    if settle_seconds <= 0:
        return list(paths), []
    now = time.time_ns()
    signatures, fresh = {}, []
    for path in paths:
        try:
            signatures[path] = _signature(path)
        except OSError:
            continue  # vanished since the listing: nothing to land
        if now - max(signatures[path][1:]) < settle_seconds * 1e9:
            fresh.append(path)
    if fresh:
        youngest = max(max(signatures[path][1:]) for path in fresh)
        time.sleep(max(0.0, settle_seconds - (time.time_ns() - youngest) / 1e9))
    unsettled = []
    for path in fresh:
        try:
            if _signature(path) != signatures[path]:
                unsettled.append(path)
        except OSError:
            unsettled.append(path)
    return [path for path in signatures if path not in unsettled], unsettled


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _too_large(size: int, limit: int) -> ReaderError:
    return ReaderError(
        f"Die Datei ist zu groß ({format_number(size / 1024 / 1024, 1)} MB; erlaubt sind "
        f"{format_number(limit / 1024 / 1024, 0)} MB) und wurde nicht geöffnet. Bitte nur die benötigte Tabelle "
        "herunterladen (z. B. nur NRW oder weniger Jahre) oder die Grenze IM_MAX_FILE_MB anpassen.",
        f"file size {size} bytes exceeds the limit of {limit} bytes (IM_MAX_FILE_MB)",
    )


def catalogue_version() -> str:
    """sha256 of the source catalogue: the measure and dimension ids of a landed file hold for this version."""
    return hashlib.sha256(CATALOGUE_PATH.read_bytes()).hexdigest()


# Readers whose rows carry ids from the catalogue's recognition (templates are read by their own definition).
RECOGNISED_READERS = ("genesis_table", "genesis_flat", "ba_csv", "ba_excel")


def relabel_landed_files(settings: Settings, connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Files landed under another version of the source catalogue carry measure and dimension ids of that version:
    re-read each from its archived original bytes and replace its rows (one transaction per file). A file the current
    catalogue refuses is taken out of the raw tables and recorded as rejected, with the German reason; its original
    bytes stay in the archive. Returns the names of the files re-read."""
    version = catalogue_version()
    stale = connection.execute(
        "select sha256, file_name, archive_path from raw.source_files "
        f"where reader in {RECOGNISED_READERS} and recognised_with is distinct from ?",
        [version],
    ).fetchall()
    relabelled = []
    for sha256, file_name, archive_path in stale:
        data = (settings.sources_dir / archive_path).read_bytes()
        try:
            extract = parse_extract(data)
            error = None
        except ReaderError as refused:
            extract, error = None, refused
        connection.execute("begin transaction")
        try:
            for raw_table in (GENESIS_CELLS, BA_CELLS):
                connection.execute(f"delete from raw.{raw_table} where file_sha256 = ?", [sha256])
            if extract is None:
                connection.execute("delete from raw.source_files where sha256 = ?", [sha256])
                _record_rejected(
                    connection, sha256, file_name, archive_path, error, _rejected_scope(data),
                    message_de="Nach einer Änderung des Quellenkatalogs nicht mehr lesbar (die Originaldatei liegt "
                    f"weiter im Archiv: {archive_path}): " + error.message_de,
                )
            else:
                for raw_table, frame in extract.frames.items():
                    rows = frame.assign(file_sha256=sha256)[RAW_COLUMNS[raw_table]]
                    connection.register("relabelled_rows", rows)
                    connection.execute(f"insert into raw.{raw_table} by name select * from relabelled_rows")
                    connection.unregister("relabelled_rows")
                connection.execute(
                    "update raw.source_files set recognised_with = ?, row_count = ?, source_id = ? where sha256 = ?",
                    [version, extract.row_count, extract.source.id, sha256],
                )
            connection.execute("commit")
        except Exception:
            connection.execute("rollback")
            raise
        if extract is None:
            log.error("Re-read %s under the new source catalogue and refused it: %s", file_name, error.detail)
        else:
            log.info("Re-read %s under the new source catalogue: %d rows", file_name, extract.row_count)
        relabelled.append(file_name)
    return relabelled


def record_source_catalogue(connection: duckdb.DuckDBPyConnection) -> None:
    """The source catalogue as the pipeline knows it, for the marts and the dashboard (which tables are verified
    against a real download, who publishes them, their licence): replaced as a whole on every run."""
    frame = pd.DataFrame(
        [
            {"source_id": spec.id, "family": spec.family, "format": spec.format, "title_de": spec.title_de,
             "level": spec.level, "producer": spec.producer, "licence": spec.licence, "portal": spec.portal,
             "rounding": spec.rounding, "verified": spec.verified}
            for spec in source_catalogue().values()
        ]
    )
    connection.execute("begin transaction")
    try:
        connection.execute("delete from raw.source_catalogue")
        connection.register("catalogue_rows", frame)
        connection.execute("insert into raw.source_catalogue by name select * from catalogue_rows")
        connection.unregister("catalogue_rows")
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise


def land_inbox(settings: Settings) -> LandingReport:
    """Land every file in the inbox; return what happened to each."""
    settings.ensure_dirs()
    report = LandingReport()
    connection = connect_warehouse(settings)
    try:
        record_source_catalogue(connection)
        report.relabelled = relabel_landed_files(settings, connection)
        candidates: list[_Candidate] = []
        ready, unsettled = settled_files(inbox_files(settings.inbox_dir), settings.inbox_settle_seconds)
        for path in unsettled:
            relative_name = escaped_name(str(path.relative_to(settings.inbox_dir)))
            log.warning("Left in the inbox for the next run: %s is still being written (size or time stamps changed "
                        "within %s s)", relative_name, settings.inbox_settle_seconds)
            report.waiting.append(relative_name)
        new_files: list[tuple[Path, str, bytes, str]] = []
        # Further copies of a new file in this run (the same sha256): read once, they share its outcome once it is
        # known. A copy of a rejected file is rejected as well (each copy kept in quarantine), a copy of a loaded
        # one leaves the inbox as already loaded.
        copies: list[tuple[Path, str, bytes, str]] = []
        new_hashes: set[str] = set()
        for path in ready:
            relative_name = escaped_name(str(path.relative_to(settings.inbox_dir)))
            try:
                new_file = _read_new_file(connection, settings, path, relative_name, report)
            except OSError as error:  # vanished, unreadable, or the quarantine cannot be written: try again next run
                log.error("Left in the inbox for the next run: %s cannot be handled now: %s", relative_name, error)
                report.waiting.append(relative_name)
                continue
            if new_file is None:
                continue
            if new_file[3] in new_hashes:
                copies.append(new_file)
            else:
                new_hashes.add(new_file[3])
                new_files.append(new_file)
        refused: dict[str, tuple[ReaderError, Extract | None]] = {}  # sha256 -> why, and the extract if read
        parsed = _parse_all([data for _, _, data, _ in new_files], settings.max_unpacked_bytes)
        for number, ((path, relative_name, data, sha256), extract) in enumerate(zip(new_files, parsed), start=1):
            report_progress("land", number, len(new_files))
            if isinstance(extract, ReaderError):
                _quarantine(connection, settings, path, sha256, extract, _rejected_scope(data))
                report.rejected.append(relative_name)
                refused[sha256] = (extract, None)
                continue
            candidates.append(_Candidate(path, relative_name, data, sha256, extract))

        failures, report.validation_records, validated = _validate(settings, candidates)
        accepted: list[_Candidate] = []
        for candidate in candidates:
            error = failures.get(candidate.sha256)
            if error is not None:
                _quarantine(connection, settings, candidate.path, candidate.sha256, error,
                            _rejected_scope(candidate.data, candidate.extract))
                report.rejected.append(candidate.relative_name)
                refused[candidate.sha256] = (error, candidate.extract)
            else:
                accepted.append(candidate)
        for start in range(0, len(accepted), COMMIT_BATCH_FILES):
            batch = accepted[start:start + COMMIT_BATCH_FILES]
            _commit(connection, settings, batch)
            report.loaded += [candidate.relative_name for candidate in batch]
            report.validated += [candidate.sha256 for candidate in batch if candidate.sha256 in validated]
            report.rows_written += sum(candidate.extract.row_count for candidate in batch)
        for path, relative_name, data, sha256 in copies:
            if sha256 not in refused:
                log.info("Already loaded, removing from inbox: %s (sha256 %s)", relative_name, sha256)
                path.unlink()
                report.already_loaded.append(relative_name)
                continue
            error, extract = refused[sha256]
            try:
                _quarantine(connection, settings, path, sha256, error, _rejected_scope(data, extract))
            except OSError as failure:  # the quarantine cannot be written now: try again next run
                log.error("Left in the inbox for the next run: %s cannot be handled now: %s", relative_name, failure)
                report.waiting.append(relative_name)
                continue
            report.rejected.append(relative_name)
    finally:
        connection.close()
    return report


def _read_new_file(
    connection: duckdb.DuckDBPyConnection, settings: Settings, path: Path, relative_name: str, report: LandingReport,
) -> tuple[Path, str, bytes, str] | None:
    """Read one inbox file: (path, name, bytes, sha256) when it is not loaded yet (land_inbox handles copies within
    one run). A file above the size limit goes to quarantine unopened; one changed while it was read waits for the
    next run; one already loaded leaves the inbox."""
    size, mtime_ns, ctime_ns = _signature(path)
    if settings.max_file_bytes > 0 and size > settings.max_file_bytes:
        _quarantine(connection, settings, path, _sha256_of_file(path), _too_large(size, settings.max_file_bytes),
                    (True, None))
        report.rejected.append(relative_name)
        return None
    data = path.read_bytes()
    if (len(data), mtime_ns, ctime_ns) != _signature(path):
        log.warning("Left in the inbox for the next run: %s changed while it was read", relative_name)
        report.waiting.append(relative_name)
        return None
    sha256 = hashlib.sha256(data).hexdigest()
    already = connection.execute("select 1 from raw.source_files where sha256 = ?", [sha256]).fetchone()
    if already:
        log.info("Already loaded, removing from inbox: %s (sha256 %s)", relative_name, sha256)
        path.unlink()
        report.already_loaded.append(relative_name)
        return None
    return path, relative_name, data, sha256


# Reading is CPU-bound Python (the readers check every cell): with many new files (a first load) it is spread over
# the cores in worker processes; a few files are read in this process, which costs no process start.
PARALLEL_PARSE_MIN_FILES = 64
PARALLEL_PARSE_MAX_WORKERS = 4


def _parse_all(contents: list[bytes], max_unpacked_bytes: int) -> Iterator[Extract | ReaderError]:
    """parse_extract of every file's bytes, in order; a file that cannot be read gives its ReaderError."""
    workers = min(os.cpu_count() or 1, PARALLEL_PARSE_MAX_WORKERS)
    if len(contents) < PARALLEL_PARSE_MIN_FILES or workers < 2:
        for data in contents:
            yield _error_from_fields(_parse_or_error(data, max_unpacked_bytes))
        return
    # spawn, not fork: the parent runs Dagster's threads, and a forked copy of a held lock never comes free
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for outcome in pool.map(_parse_or_error, contents, repeat(max_unpacked_bytes), chunksize=8):
            yield _error_from_fields(outcome)


def _parse_or_error(data: bytes, max_unpacked_bytes: int) -> Extract | tuple:
    """In a worker: the extract, or the fields of its ReaderError (an exception with keyword arguments does not
    survive pickling). A workbook (a zip) is measured unpacked first, against the limit of the environment."""
    try:
        if data.startswith(b"PK\x03\x04"):
            check_unpacked_size(data, max_unpacked_bytes)
        return parse_extract(data)
    except ReaderError as error:
        return (error.message_de, error.detail, error.line, error.column, error.value)


def _error_from_fields(outcome: Extract | tuple) -> Extract | ReaderError:
    if isinstance(outcome, tuple):
        message_de, detail, line, column, value = outcome
        return ReaderError(message_de, detail, line=line, column=column, value=value)
    return outcome


def record_validation_results(settings: Settings, records: list[dict]) -> None:
    """Keep the outcome of every expectation of the latest check (older runs stay for history)."""
    if not records:
        return
    frame = pd.DataFrame.from_records(records)
    connection = connect_warehouse(settings)
    try:
        connection.register("validation_rows", frame)
        connection.execute("insert into raw.validation_results by name select * from validation_rows")
    finally:
        connection.close()


def _validate(settings: Settings, candidates: list[_Candidate]) -> tuple[dict[str, ReaderError], list[dict], set[str]]:
    """Run each source's suite once over the rows of all its new files, with Data Docs; the first violation per file
    rejects it. Returns the failures, the outcome records of the groups without a violation (for
    raw.validation_results) and the sha256 of the files whose every group passed: their rows are written exactly as
    validated here, so the blocking check need not validate them again (pipelines/validation.py)."""
    failures: dict[str, ReaderError] = {}
    records: list[dict] = []
    failed_groups: set[str] = set()
    groups: dict[tuple[str, str], list[_Candidate]] = {}
    for candidate in candidates:
        for raw_table in candidate.extract.frames:
            groups.setdefault((raw_table, candidate.extract.source.id), []).append(candidate)
    if groups:
        reset_validation_store(docs_dir(settings))  # the Data Docs show the latest check: this one
    checked_at = datetime.now(timezone.utc).replace(tzinfo=None)
    for (raw_table, source_id), members in sorted(groups.items()):
        build_frames, rules = suite_for(raw_table)
        rows = pd.concat(
            [member.extract.frames[raw_table].assign(file_sha256=member.sha256) for member in members],
            ignore_index=True,
        )
        result = run_suite(f"{raw_table}.{source_id}", rules, build_frames(rows, members[0].extract.source),
                           docs_dir=docs_dir(settings))
        if result.success:
            records += [{"checked_at": checked_at, "raw_table": raw_table, "source_id": source_id,
                         "row_count": len(rows), **outcome} for outcome in result.outcomes]
        else:
            failed_groups.update(member.sha256 for member in members)
        for violation in result.violations:
            if violation.file_sha256 not in failures:
                failures[violation.file_sha256] = ReaderError(
                    violation.message_de
                    + " Bitte die Datei prüfen und korrigiert erneut in den Posteingang legen.",
                    violation.detail,
                    line=violation.line,
                    column=violation.column,
                    value=violation.value,
                )
    return failures, records, {candidate.sha256 for candidate in candidates} - failed_groups


def _commit(connection: duckdb.DuckDBPyConnection, settings: Settings, batch: list[_Candidate]) -> None:
    """Write a batch of whole files in one transaction (one commit per file costs seconds per thousand files),
    then take them out of the inbox. A crash before the commit loses nothing: the files are still in the inbox."""
    archive_paths = [_archive(settings, c.data, c.sha256, c.path.name) for c in batch]
    loaded_at = _now()
    files = pd.DataFrame(
        {
            "sha256": [c.sha256 for c in batch],
            "file_name": [escaped_name(c.path.name) for c in batch],
            "inbox_path": [c.relative_name for c in batch],
            "archive_path": [str(path.relative_to(settings.sources_dir)) for path in archive_paths],
            "size_bytes": [len(c.data) for c in batch],
            "reader": [c.extract.reader for c in batch],
            "source_id": [c.extract.source.id for c in batch],
            "family": [c.extract.source.family for c in batch],
            "table_code": [c.extract.table_code for c in batch],
            "title": [c.extract.title for c in batch],
            "stand": pd.Series([c.extract.stand for c in batch], dtype="datetime64[us]"),
            "copyright": [c.extract.copyright for c in batch],
            "is_synthetic": [c.extract.is_synthetic for c in batch],
            "encoding": [c.extract.encoding for c in batch],
            "row_count": [c.extract.row_count for c in batch],
            "loaded_at": loaded_at,
            "recognised_with": catalogue_version(),
        }
    )
    tables: dict[str, list[pd.DataFrame]] = {}
    for candidate in batch:
        for raw_table, frame in candidate.extract.frames.items():
            tables.setdefault(raw_table, []).append(frame.assign(file_sha256=candidate.sha256))
    connection.execute("begin transaction")
    try:
        for raw_table, frames in tables.items():
            rows = pd.concat(frames, ignore_index=True)[RAW_COLUMNS[raw_table]]
            connection.register("landing_rows", rows)
            connection.execute(f"insert into raw.{raw_table} by name select * from landing_rows")
            connection.unregister("landing_rows")
        connection.register("landing_files", files)
        connection.execute("insert into raw.source_files by name select * from landing_files")
        connection.unregister("landing_files")
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise
    for candidate in batch:
        candidate.path.unlink()
        extract = candidate.extract
        log.info(
            "Loaded %s: %s (%s), Stand %s, %d rows (sha256 %s)",
            candidate.relative_name, extract.source.id, extract.reader, extract.stand, extract.row_count,
            candidate.sha256,
        )


def _archive(settings: Settings, data: bytes, sha256: str, file_name: str) -> Path:
    """Store the original bytes under archive/<sha[:2]>/<sha>/<safe name>; write to a temp file, then rename."""
    stored_name = safe_name(file_name)
    target = settings.archive_dir / sha256[:2] / sha256 / stored_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{stored_name}.partial")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    return target


def _quarantine_target(settings: Settings, file_name: str) -> Path:
    """quarantine/<time stamp>_<safe name>, with a counter when that is taken (two rejected files of the same name
    in different subfolders, or the same file rejected twice in one second): nothing in quarantine is overwritten."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stored_name = safe_name(file_name)
    settings.quarantine_dir.mkdir(parents=True, exist_ok=True)
    for counter in range(1, 10_000):
        prefix = stamp if counter == 1 else f"{stamp}-{counter}"
        target = settings.quarantine_dir / f"{prefix}_{stored_name}"
        if not any(path.exists() for path in (target, target.with_name(target.name + ".fehler.txt"))):
            return target
    raise OSError(f"no free quarantine name for {stored_name!r}")


def _rejected_scope(data: bytes, extract: Extract | None = None) -> tuple[bool, str | None]:
    """(is_kreis_held, owner_ags) of a rejected file, for the dashboard's scoping (dashboard/access.py): a file of a
    public format is not held; a template is held by the one Kreis or KI its cells name (owner_codes); a file that no
    reader recognises counts as held by nobody known, so only the Koordinierungsstelle sees it."""
    if extract is not None and extract.reader != "kreis_template":
        return False, None
    try:
        public_formats = (is_genesis_table, is_genesis_flat, is_ba_csv, is_ba_excel)
        if extract is None and any(sniff(data) for sniff in public_formats):
            return False, None
    except ReaderError:
        pass  # e.g. a workbook too large to look into
    owners = owner_codes(data)
    return True, next(iter(owners)) if len(owners) == 1 else None


def _quarantine(
    connection: duckdb.DuckDBPyConnection, settings: Settings, path: Path, sha256: str, error: ReaderError,
    scope: tuple[bool, str | None],
) -> None:
    """Move the file to quarantine/ under a safe name, next to a German report (.fehler.txt) and its details in
    JSON (.fehler.json); the report and raw.rejected_files name the original file escaped."""
    file_name = escaped_name(path.name)
    inbox_path = escaped_name(str(path.relative_to(settings.inbox_dir)))
    target = _quarantine_target(settings, path.name)
    shutil.move(str(path), target)
    where = ", ".join(
        part
        for part in (f"Zeile {error.line}" if error.line else "", f"Spalte {error.column}" if error.column else "")
        if part
    )
    report_text = (
        f"Datei: {file_name}\n"
        + (f"Pfad im Posteingang: {inbox_path}\n" if inbox_path != file_name else "")
        + f"Abgelehnt am: {datetime.now():%d.%m.%Y %H:%M}\n"
        + (f"Stelle: {where}\n" if where else "")
        + (f"Wert: {escaped_name(error.value)}\n" if error.value else "")
        + f"Grund: {error.message_de}\n\n"
        f"Technische Details: {escaped_name(error.detail)}\n"
    )
    target.with_name(target.name + ".fehler.txt").write_text(report_text, encoding="utf-8")
    target.with_name(target.name + ".fehler.json").write_text(
        json.dumps(
            {"file_name": file_name, "inbox_path": inbox_path, "sha256": sha256, "message_de": error.message_de,
             "detail": error.detail, "line": error.line, "column": error.column, "value": error.value},
            ensure_ascii=True,  # a value or detail quoting the file may hold anything: \u escapes keep it valid JSON
            indent=2,
        ),
        encoding="utf-8",
    )
    _record_rejected(connection, sha256, file_name, str(target.relative_to(settings.sources_dir)), error, scope)
    log.error(
        "Rejected %s -> %s: %s (line %s, column %s, value %r)",
        inbox_path, target.name, escaped_name(error.detail), error.line, error.column, error.value,
    )


def _record_rejected(
    connection: duckdb.DuckDBPyConnection, sha256: str, file_name: str, stored_path: str, error: ReaderError,
    scope: tuple[bool, str | None], *, message_de: str | None = None,
) -> None:
    """One row of raw.rejected_files, its columns named: file_name is the escaped original name, stored_path where the
    bytes lie under the sources folder (the quarantine, or the archive for a file refused on re-reading), scope the
    (is_kreis_held, owner_ags) of _rejected_scope; message_de replaces the reader's German message when given."""
    is_kreis_held, owner_ags = scope
    connection.execute(
        "insert into raw.rejected_files (sha256, file_name, quarantine_path, rejected_at, message_de, detail, line, "
        '"column", value, is_kreis_held, owner_ags) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [sha256, file_name, stored_path, _now(), message_de if message_de is not None else error.message_de,
         error.detail, error.line, error.column, error.value, is_kreis_held, owner_ags],
    )


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
