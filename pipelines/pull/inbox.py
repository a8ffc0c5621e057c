"""Pull the catalogue's tables into the inbox: one batch per portal, only tables whose Stand changed.

For each portal with credentials: `helloworld/logincheck` first (wrong credentials stop the portal's batch before
any table is asked for), then per table its metadata (the Stand, `metadata/table` Updated) and, when that Stand
is newer than the one loaded, the table itself. A timeout or an unreachable portal ends that portal's batch: the
tables not yet asked for are reported, not requested. Each file is written to a dot-named temporary file (which
the landing step ignores) and renamed into place: the ffcsv ZIP unchanged as `<table>_<UTC>.zip`, a table CSV
(fallback) as `<table>_<UTC>.csv`. Every outcome is returned as a PullCheck row for the freshness record.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipelines.pull.genesis_api import (
    DEFAULT_TIMEOUT,
    PORTALS,
    GenesisClient,
    GenesisPortal,
    JobSettings,
    PullError,
    PullRequest,
    check_request,
    configured_portal,
    credentials,
)

log = logging.getLogger(__name__)

PULLED_DIR = "pulled"

# Outcomes of one table's check (raw.genesis_pulls.outcome; the dashboard shows them as they are).
LOADED = "geladen"
UNCHANGED = "unverändert"
FAILED = "fehlgeschlagen"


@dataclass(frozen=True)
class PulledFile:
    portal_id: str
    table_code: str
    path: Path
    size_bytes: int
    sha256: str
    file_format: str  # 'ffcsv' (the ZIP as delivered) or 'csv'
    portal_stand: datetime | None


@dataclass(frozen=True)
class SkippedPull:
    portal_id: str
    table_code: str
    reason_de: str


@dataclass(frozen=True)
class FailedPull:
    portal_id: str
    table_code: str
    message_de: str
    detail: str


@dataclass(frozen=True)
class PullCheck:
    """What one table's check found: a row of raw.genesis_pulls."""

    portal_id: str
    table_code: str
    checked_at: datetime  # UTC
    portal_stand: datetime | None  # the portal's newest Stand, when its metadata states one
    outcome: str  # LOADED, UNCHANGED or FAILED
    file_name: str | None = None
    file_sha256: str | None = None
    file_format: str | None = None
    job_name: str | None = None
    message_de: str | None = None
    detail: str | None = None


@dataclass
class PullReport:
    pulled: list[PulledFile] = field(default_factory=list)
    unchanged: list[PullCheck] = field(default_factory=list)
    skipped: list[SkippedPull] = field(default_factory=list)
    failed: list[FailedPull] = field(default_factory=list)
    checks: list[PullCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No request failed (skipped portals without credentials and unchanged tables are not failures)."""
        return not self.failed


def pull_to_inbox(
    requests: Iterable[PullRequest],
    inbox_dir: Path,
    *,
    env: Mapping[str, str] = os.environ,
    base_urls: Mapping[str, str] | None = None,
    known_stands: Mapping[str, datetime] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    job: JobSettings = JobSettings(),
    sleep: Callable[[float], None] = time.sleep,
) -> PullReport:
    """Download every request whose portal has credentials into inbox_dir/pulled/<portal>/.

    known_stands: per table code the Stand already fetched (freshness.known_stands); a table whose portal Stand is
    not newer is not downloaded (outcome 'unverändert'). base_urls overrides a portal's base URL by portal id (tests).
    """
    report = PullReport()
    by_portal: dict[str, list[PullRequest]] = {}
    for request in requests:
        by_portal.setdefault(request.portal_id, []).append(request)
    for portal_id, portal_requests in by_portal.items():
        portal = PORTALS.get(portal_id)
        if portal is None:
            known = ", ".join(sorted(PORTALS))
            for request in portal_requests:
                _fail(report, request, PullError(f"Unbekanntes Portal {portal_id!r} (bekannt: {known}).",
                                                 f"unknown portal id {portal_id!r}"))
            continue
        portal = configured_portal(portal, env)
        if base_urls and portal.id in base_urls:
            portal = replace(portal, base_url=base_urls[portal.id])
        _pull_portal(portal, portal_requests, inbox_dir, report, env=env, known_stands=known_stands or {},
                     timeout=timeout, job=job, sleep=sleep)
    return report


def _pull_portal(
    portal: GenesisPortal,
    requests: list[PullRequest],
    inbox_dir: Path,
    report: PullReport,
    *,
    env: Mapping[str, str],
    known_stands: Mapping[str, datetime],
    timeout: float,
    job: JobSettings,
    sleep: Callable[[float], None],
) -> None:
    creds = credentials(portal, env)
    if creds is None:
        if (env.get(portal.password_env) or "").strip():
            reason = (f"Zugangsdaten unvollständig: {portal.password_env} ist gesetzt, {portal.user_env} fehlt. "
                      "Tabelle nicht abgerufen.")
        else:
            reason = (f"Keine Zugangsdaten für die {portal.name_de} konfiguriert ({portal.user_env}, "
                      f"{portal.password_env}). Tabelle nicht abgerufen.")
        for request in requests:
            report.skipped.append(SkippedPull(portal.id, request.table_code, reason))
        log.info("GENESIS-Abruf übersprungen: %s (keine Zugangsdaten)", portal.id)
        return

    valid: list[PullRequest] = []
    for request in requests:  # a request that cannot be sent fails before anything is asked of the portal
        try:
            check_request(portal, request)
            valid.append(request)
        except PullError as error:
            _fail(report, request, error)
    if not valid:
        return
    try:
        client = GenesisClient(portal, *creds, timeout=timeout, sleep=sleep)
        log.info("GENESIS-Anmeldeprüfung %s: %s", portal.id, client.check_login())
    except PullError as error:
        for request in valid:
            _fail(report, request, error)
        return

    stopped: PullError | None = None
    for request in valid:
        if stopped is not None:
            _fail(report, request, PullError(
                f"Tabelle {request.table_code} nicht abgefragt: Die {portal.name_de} hatte zuvor nicht geantwortet "
                f"oder das Konto abgelehnt ({stopped.message_de})",
                f"{portal.id} {request.table_code}: not requested after: {stopped.detail}",
            ))
            continue
        try:
            _pull_table(client, request, inbox_dir, report, known_stands, job)
        except PullError as error:
            _fail(report, request, error)
            if error.stops_portal:
                stopped = error


def _pull_table(
    client: GenesisClient,
    request: PullRequest,
    inbox_dir: Path,
    report: PullReport,
    known_stands: Mapping[str, datetime],
    job: JobSettings,
) -> None:
    portal, table = client.portal, request.table_code
    try:
        portal_stand = client.table_stand(table)
    except PullError as error:
        if error.stops_portal:
            raise
        log.warning("GENESIS-Metadaten nicht lesbar, Tabelle wird abgerufen: %s", error.detail)
        portal_stand = None
    known = known_stands.get(table)
    if portal_stand is not None and known is not None and portal_stand <= known:
        check = PullCheck(portal.id, table, _now(), portal_stand, UNCHANGED)
        report.unchanged.append(check)
        report.checks.append(check)
        log.info("GENESIS-Abruf: %s, Tabelle %s unverändert (Stand %s)", portal.id, table, portal_stand)
        return
    downloaded = client.download(request, job=job)
    suffix = ".zip" if downloaded.format == "ffcsv" else ".csv"
    try:
        path = _write_atomically(inbox_dir / PULLED_DIR / portal.id, f"{table}_", suffix, downloaded.data)
    except OSError as error:
        raise PullError(
            f"Die Tabelle {table} wurde heruntergeladen, konnte aber nicht im Posteingang gespeichert werden "
            f"({error.strerror or error}). Bitte Speicherplatz und Schreibrechte prüfen.",
            f"{portal.id} {table}: write failed: {error}",
        ) from None
    digest = hashlib.sha256(downloaded.data).hexdigest()
    log.info("GENESIS-Abruf gespeichert: %s (%d Bytes, Stand %s)", path, len(downloaded.data), portal_stand)
    report.pulled.append(
        PulledFile(portal.id, table, path, len(downloaded.data), digest, downloaded.format, portal_stand)
    )
    report.checks.append(PullCheck(portal.id, table, _now(), portal_stand, LOADED, path.name, digest,
                                   downloaded.format, downloaded.job_name))


def _fail(report: PullReport, request: PullRequest, error: PullError) -> None:
    log.warning("GENESIS-Abruf fehlgeschlagen: %s", error.detail)
    report.failed.append(FailedPull(request.portal_id, request.table_code, error.message_de, error.detail))
    report.checks.append(PullCheck(request.portal_id, request.table_code, _now(), None, FAILED,
                                   message_de=error.message_de, detail=error.detail))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _write_atomically(directory: Path, prefix: str, suffix: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"{prefix}{stamp}{suffix}"
    counter = 1
    while target.exists():
        counter += 1
        target = directory / f"{prefix}{stamp}_{counter}{suffix}"
    temp = directory / f".{target.name}.{os.getpid()}.part"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return target


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
