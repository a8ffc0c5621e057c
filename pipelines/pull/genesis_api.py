"""The GENESIS web-service client: one portal, one set of credentials, one request at a time.

Portals: Regionaldatenbank Deutschland (www.regionalstatistik.de) and Landesdatenbank NRW
(www.landesdatenbank.nrw.de), both GENESIS installations with the REST API "2020". What the service answers, as
recorded from the live service by other projects, is summarised in docs/genesis_webservice.md. Credentials come
from environment variables only (never from files in the repository) and are never logged, stored or put in a URL.

Every call is a POST with a form body and the credentials in the ``username`` / ``password`` headers (an API token
goes into ``username`` with an empty password):

    helloworld/logincheck   language=de                                -> {"Status": "... erfolgreich ...", ...}
    metadata/table          name=<table>&area=all&language=de          -> JSON, Object.Updated = the table's Stand
    data/tablefile          name=<table>&area=all&format=ffcsv&compress=false&job=false&language=de[&startyear=..]
                            [&endyear=..][&regionalvariable=..][&regionalkey=..]
                                                                       -> ZIP, one member <table>_<ms>_de_flat.csv
    large tables (Code 98, "zu gross ... job=true"):
    data/tablefile          ... &job=true                              -> Code 99, "... Namen abgerufen werden: <job>"
    catalogue/results       selection=<job>&area=user&pagelength=1     -> Code 104 until ready, then Code 0 + List
    data/resultfile         name=<job>&area=all&format=ffcsv&...       -> ZIP, one member <job>_flat.csv

``ffcsv`` (the flat file, one value per line) is the service's machine format; its ZIP is returned unchanged, since
the member name is the only place that names the table. ``format=csv`` (the browser's table layout) is asked for
only when a portal refuses ``ffcsv`` or answers with a flat file that does not name its table (GENESIS 4 sends the
flat CSV itself, not zipped). Jobs need user name and password: an API token cannot start one.

Why a small client on ``urllib.request`` and not ``pystatis`` (Destatis/CorrelAid's wrapper, 0.5.5):
- pystatis knows only the databases "genesis", "zensus" and "regio", picks one by matching the table code
  against regular expressions and reads base URLs and credentials from ``~/.pystatis/config.ini``; the
  Landesdatenbank NRW is not supported and a per-call base URL (needed for the replay tests) is not part of its API.
- Importing pystatis runs ``init_config()``, which creates ``~/.pystatis/config.ini`` and a data cache in
  the home directory; its credential setup writes user name and password in plain text into that file.
- It parses into pandas DataFrames; the product archives the portal's bytes unchanged and reads them itself.
- It raises ``SystemExit`` on a request timeout, which would stop a whole pipeline run.

Rules that respect the service and the user's data:
- One request at a time per portal (a lock per portal; the service allows few parallel requests per account).
- Every request has a timeout; after a timeout or a refused connection the caller stops asking that portal
  (``PullError.stops_portal``): an abandoned request keeps its slot on the server for up to 15 minutes.
- HTTPS only, except plain HTTP to a loopback address (the tests' local server).
- Redirects are not followed: urllib would forward the ``username``/``password`` headers to the new host.
- An answer is checked before it is returned: complete (``Content-Length`` honoured, no early close), not a JSON
  status, not HTML, not empty, a readable ZIP with exactly the flat file of the requested table (or a GENESIS
  table CSV in the csv fallback).
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import json
import logging
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from pipelines.formatting_de import format_number
from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_flat import is_genesis_flat, unzip_genesis_flat
from pipelines.readers.genesis_table import is_genesis_table

log = logging.getLogger(__name__)

USER_AGENT = "integrationsmonitor-nrw/0.2 (GENESIS-Abruf; Python urllib)"
TABLEFILE_PATH = "data/tablefile"
RESULTFILE_PATH = "data/resultfile"
RESULTS_PATH = "catalogue/results"
METADATA_TABLE_PATH = "metadata/table"
LOGINCHECK_PATH = "helloworld/logincheck"

DEFAULT_TIMEOUT = 120.0  # seconds per request (per blocking read)

# Table codes as the portals write them: 12521-03i, 12411-01-01-4, 22811-01i. No wildcards, no path characters.
_TABLE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,59}$")
_REGIONAL_KEY = re.compile(r"^[0-9A-Za-z*,]{1,200}$")
_REGIONAL_VARIABLE = re.compile(r"^[0-9A-Za-z_\-]{1,30}$")

# GENESIS status codes (JSON "Code"), as recorded from the live service or named in the Destatis documentation.
_CODES_CREDENTIALS = {2, 12, 15}
_CODES_NOT_FOUND = {90, 104}
_CODE_TOO_LARGE = 98  # "Die Tabelle ist zu gross, um im Dialog abgerufen zu werden ... job=true"
_CODE_JOB_CREATED = 99  # "Der Bearbeitungsauftrag wurde erstellt ... mit folgendem Namen abgerufen werden: <job>"
_CODES_BUSY = {6}
_CODES_OK = {0, 22}

_ZIP_MAGIC = b"PK\x03\x04"
_MAX_SERVER_TEXT = 300

# metadata/table "Updated": '31.03.2025 11:18:07h' (language=de) or '2025-03-31 11:18:07h' (language=en).
_UPDATED_FORMATS = ("%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class GenesisPortal:
    id: str  # 'regionalstatistik' or 'landesdatenbank_nrw'
    name_de: str
    base_url: str
    user_env: str  # e.g. 'IM_GENESIS_REGIONALSTATISTIK_USER'
    password_env: str  # e.g. 'IM_GENESIS_REGIONALSTATISTIK_PASSWORD'
    url_env: str  # e.g. 'IM_GENESIS_REGIONALSTATISTIK_URL': another base URL (a mirror, the tests' local server)


PORTALS: dict[str, GenesisPortal] = {
    "regionalstatistik": GenesisPortal(
        id="regionalstatistik",
        name_de="Regionaldatenbank Deutschland",
        base_url="https://www.regionalstatistik.de/genesisws/rest/2020/",
        user_env="IM_GENESIS_REGIONALSTATISTIK_USER",
        password_env="IM_GENESIS_REGIONALSTATISTIK_PASSWORD",
        url_env="IM_GENESIS_REGIONALSTATISTIK_URL",
    ),
    "landesdatenbank_nrw": GenesisPortal(
        id="landesdatenbank_nrw",
        name_de="Landesdatenbank NRW",
        base_url="https://www.landesdatenbank.nrw.de/ldbnrwws/rest/2020/",
        user_env="IM_GENESIS_LANDESDATENBANK_NRW_USER",
        password_env="IM_GENESIS_LANDESDATENBANK_NRW_PASSWORD",
        url_env="IM_GENESIS_LANDESDATENBANK_NRW_URL",
    ),
}


@dataclass(frozen=True)
class PullRequest:
    portal_id: str
    table_code: str
    start_year: int | None = None
    end_year: int | None = None
    regional_key: str | None = None  # e.g. '05*'
    # The regional variable the key applies to (e.g. 'KREISE', 'GEMEIN'); GENESIS needs it when a table has
    # more than one regional level. Optional: None sends no regionalvariable parameter.
    regional_variable: str | None = None


class PullError(Exception):
    """A request that failed.

    message_de: clear German sentence for the user (what is wrong and what to do).
    detail: exact English technical detail for the log; ``str(exc)`` returns it.
    stops_portal: the portal did not answer or refused the account: ask it nothing more in this batch.
    Neither text ever contains the password or the user name / API token.
    """

    def __init__(self, message_de: str, detail: str, *, stops_portal: bool = False) -> None:
        super().__init__(detail)
        self.message_de = message_de
        self.detail = detail
        self.stops_portal = stops_portal

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class JobSettings:
    """How long to wait for a background job (large tables): polls of catalogue/results, bounded in total."""

    poll_interval: float = 30.0  # seconds between two polls
    max_wait: float = 20 * 60.0  # seconds from the job's creation until the client gives up


@dataclass(frozen=True)
class DownloadedTable:
    data: bytes  # the ZIP as delivered (format 'ffcsv') or the table CSV's bytes (format 'csv')
    format: str  # 'ffcsv' or 'csv'
    job_name: str | None = None  # the background job that produced it, if any


def credentials(portal: GenesisPortal, env: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """(user, password) from the portal's environment variables, or None if not configured.

    The user variable must be set and not blank. The password variable may be missing or empty: GENESIS then
    treats the user value as an API token (token as ``username``, empty ``password``).
    """
    user = env.get(portal.user_env) or ""
    if not user.strip():
        return None
    return user, env.get(portal.password_env) or ""


def configured_portal(portal: GenesisPortal, env: Mapping[str, str] = os.environ) -> GenesisPortal:
    """The portal with its base URL from the environment (``url_env``) when set."""
    url = (env.get(portal.url_env) or "").strip()
    return GenesisPortal(**{**portal.__dict__, "base_url": url}) if url else portal


# One lock per portal: every request to a portal waits for the one before it, whoever sends it in this process.
_PORTAL_LOCKS: dict[str, threading.Lock] = {}
_PORTAL_LOCKS_GUARD = threading.Lock()


def _portal_lock(portal: GenesisPortal) -> threading.Lock:
    with _PORTAL_LOCKS_GUARD:
        return _PORTAL_LOCKS.setdefault(portal.id, threading.Lock())


# --------------------------------------------------------------------------------------------------------------
# The client


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    payload: bytes


class GenesisClient:
    """Requests to one portal with one account. Plain methods; every request goes through `_post`."""

    def __init__(
        self,
        portal: GenesisPortal,
        user: str,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_credentials(portal, user, password)
        self.portal = portal
        self.user = user
        self.password = password
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._secrets = [s for s in (user, password) if s]

    @property
    def token_mode(self) -> bool:
        return not self.password

    # -- login check ------------------------------------------------------------------------------------------

    def check_login(self) -> str:
        """helloworld/logincheck: are the credentials accepted? Also makes the service end this account's
        requests that ran longer than 15 minutes. Returns the service's message; raises PullError otherwise."""
        portal = self.portal
        answer = self._post(LOGINCHECK_PATH, {"language": "de"}, subject="Anmeldeprüfung")
        info = _genesis_status(answer.payload) if _looks_like_json(answer.content_type, answer.payload) else None
        if info is None:
            if _looks_like_html(answer.content_type, answer.payload):
                raise _html_error(portal, "Anmeldeprüfung", answer.status)
            raise PullError(
                f"Die {portal.name_de} hat die Anmeldeprüfung (helloworld/logincheck) nicht wie erwartet beantwortet. "
                "Es wurden keine Tabellen abgerufen. Bitte die Adresse des Webdienstes prüfen.",
                f"{portal.id} logincheck: answer without GENESIS status (HTTP {answer.status})",
                stops_portal=True,
            )
        text = _redact(info.content, self._secrets)[:_MAX_SERVER_TEXT]
        if info.code in _CODES_OK or (info.code is None and re.search(r"erfolgreich|success", text, re.I)):
            return text
        if info.code is not None and info.code not in _CODES_CREDENTIALS:
            _raise_for_status(portal, "Anmeldeprüfung", answer.status, info, self._secrets)
        raise PullError(
            f"Die Anmeldung an der {portal.name_de} ist fehlgeschlagen (Meldung: {text}). Es wurden keine Tabellen "
            f"abgerufen. Bitte Benutzername und Passwort bzw. API-Token in {portal.user_env} und "
            f"{portal.password_env} prüfen; das Konto muss für den Webservice freigeschaltet sein.",
            f"{portal.id} logincheck failed: code {info.code}, {text!r}",
            stops_portal=True,
        )

    # -- freshness --------------------------------------------------------------------------------------------

    def table_stand(self, table: str) -> datetime | None:
        """The table's last update as the portal's metadata states it (Object.Updated), None if it states none."""
        _check_table_code(self.portal, table)
        answer = self._post(METADATA_TABLE_PATH, {"name": table, "area": "all", "language": "de"}, subject=table)
        if not _looks_like_json(answer.content_type, answer.payload):
            if _looks_like_html(answer.content_type, answer.payload):
                raise _html_error(self.portal, table, answer.status)
            raise PullError(
                f"Die {self.portal.name_de} hat die Metadaten der Tabelle {table} nicht als JSON geliefert.",
                f"{self.portal.id} {table}: metadata/table answer is not JSON (HTTP {answer.status})",
            )
        info = _genesis_status(answer.payload)
        if info is None or info.code not in _CODES_OK:
            if info is None:
                raise PullError(
                    f"Die {self.portal.name_de} hat die Metadaten der Tabelle {table} ohne Status geliefert.",
                    f"{self.portal.id} {table}: metadata/table JSON without status",
                )
            _raise_for_status(self.portal, table, answer.status, info, self._secrets)
        updated = ((json.loads(answer.payload.decode("utf-8-sig")).get("Object") or {}).get("Updated") or "")
        return parse_updated(updated)

    # -- tables -----------------------------------------------------------------------------------------------

    def download(self, request: PullRequest, *, job: JobSettings = JobSettings()) -> DownloadedTable:
        """Download one table as the web service's ffcsv ZIP (large tables through a background job); the table
        CSV only when the portal refuses ffcsv. Raises PullError with a German message."""
        check_request(self.portal, request)
        table = request.table_code
        log.info("GENESIS-Abruf: %s, Tabelle %s (ffcsv)", self.portal.id, table)
        answer = self._post(TABLEFILE_PATH, _form(request, "ffcsv"), subject=table)
        info = self._status(answer)
        if info is not None:
            if info.code == _CODE_TOO_LARGE:
                return self._download_as_job(request, info, job)
            if _refuses_format(info):
                log.info("%s refuses ffcsv for %s (%s): asking for csv", self.portal.id, table, info.content[:120])
                return self._download_csv(request)
            _raise_for_status(self.portal, table, answer.status, info, self._secrets)
        if not answer.payload.startswith(_ZIP_MAGIC) and is_genesis_flat(answer.payload):
            # GENESIS 4 sends the flat CSV itself, which names its statistic but not its table
            log.info("%s sent an unzipped flat file for %s: asking for csv", self.portal.id, table)
            return self._download_csv(request)
        return DownloadedTable(self._flat_zip(answer, table), "ffcsv")

    def _download_csv(self, request: PullRequest) -> DownloadedTable:
        table = request.table_code
        answer = self._post(TABLEFILE_PATH, _form(request, "csv"), subject=table)
        data = _table_csv(self.portal, table, answer.status, answer.content_type, answer.payload, self._secrets)
        return DownloadedTable(data, "csv")

    def _download_as_job(self, request: PullRequest, too_large: _Status, settings: JobSettings) -> DownloadedTable:
        portal, table = self.portal, request.table_code
        if self.token_mode:
            raise PullError(
                f"Die Tabelle {table} ist zu groß für den direkten Abruf aus der {portal.name_de} "
                f"(GENESIS-Code {too_large.code}). Große Tabellen liefert der Webdienst nur als Hintergrundauftrag, "
                "und den nimmt er nur mit Benutzername und Passwort an, nicht mit einem API-Token. Bitte in "
                f"{portal.user_env} den Benutzernamen und in {portal.password_env} das Passwort hinterlegen, den "
                "Abruf eingrenzen oder die Tabelle im Portal herunterladen und in den Posteingang legen.",
                f"{portal.id} {table}: code {too_large.code} (too large) in token mode; jobs need user and password",
            )
        answer = self._post(TABLEFILE_PATH, _form(request, "ffcsv", job=True), subject=table)
        info = self._status(answer)
        if info is None:  # the portal delivered the table right away after all
            return DownloadedTable(self._flat_zip(answer, table), "ffcsv")
        if info.code != _CODE_JOB_CREATED:
            _raise_for_status(portal, table, answer.status, info, self._secrets)
        match = re.search(rf"({re.escape(table)}_\d+)", info.content)
        if match is None:
            raise PullError(
                f"Die {portal.name_de} hat für Tabelle {table} einen Hintergrundauftrag angelegt, aber keinen "
                "Auftragsnamen genannt. Bitte später erneut versuchen.",
                f"{portal.id} {table}: code 99 without a job name: {info.content[:_MAX_SERVER_TEXT]!r}",
            )
        job_name = match.group(1)
        log.info("GENESIS-Abruf: %s, Tabelle %s als Hintergrundauftrag %s", portal.id, table, job_name)
        deadline = self._clock() + settings.max_wait
        while not self._job_ready(job_name, table):
            if self._clock() + settings.poll_interval > deadline:
                minutes = _number_de(settings.max_wait / 60)
                raise PullError(
                    f"Die Tabelle {table} ist zu groß für den direkten Abruf; die {portal.name_de} erstellt sie als "
                    f"Hintergrundauftrag {job_name}. Nach {minutes} Minuten war er noch nicht fertig, der Abruf "
                    "wurde beendet (nichts gespeichert). Der nächste Lauf versucht es erneut; notfalls die Tabelle "
                    "im Portal herunterladen und in den Posteingang legen.",
                    f"{portal.id} {table}: job {job_name} not ready after {settings.max_wait:g}s",
                )
            self._sleep(settings.poll_interval)
        form = {"name": job_name, "area": "all", "compress": "false", "format": "ffcsv", "language": "de"}
        answer = self._post(RESULTFILE_PATH, form, subject=table)
        info = self._status(answer)
        if info is not None:
            _raise_for_status(portal, table, answer.status, info, self._secrets)
        return DownloadedTable(self._flat_zip(answer, table), "ffcsv", job_name)

    def _job_ready(self, job_name: str, table: str) -> bool:
        form = {"selection": job_name, "area": "user", "pagelength": "1", "language": "de"}
        answer = self._post(RESULTS_PATH, form, subject=table)
        info = self._status(answer)
        if info is None:
            raise PullError(
                f"Die {self.portal.name_de} hat die Abfrage des Hintergrundauftrags {job_name} nicht als JSON "
                "beantwortet. Bitte später erneut versuchen.",
                f"{self.portal.id} {table}: catalogue/results answer is not JSON (HTTP {answer.status})",
            )
        if info.code in _CODES_NOT_FOUND:
            return False  # not listed yet: still being built
        if info.code not in _CODES_OK:
            _raise_for_status(self.portal, table, answer.status, info, self._secrets)
        listed = json.loads(answer.payload.decode("utf-8-sig")).get("List") or []
        return any(isinstance(item, dict) and item.get("Code") == job_name for item in listed)

    def _status(self, answer: _Answer) -> _Status | None:
        """The GENESIS status of a JSON answer, None for anything else (a file, a page)."""
        if not answer.payload.strip() or not _looks_like_json(answer.content_type, answer.payload):
            return None
        info = _genesis_status(answer.payload)
        if info is None:
            raise PullError(
                f"Die {self.portal.name_de} hat statt einer Tabelle eine unbekannte JSON-Antwort geliefert. "
                "Bitte den Abruf später wiederholen.",
                f"{self.portal.id}: JSON body without GENESIS status (HTTP {answer.status})",
            )
        return info

    def _flat_zip(self, answer: _Answer, table: str) -> bytes:
        """The ZIP as delivered, after checking it holds exactly the flat file of `table`."""
        portal = self.portal
        if not answer.payload.strip():
            raise PullError(
                f"Die {portal.name_de} hat für Tabelle {table} eine leere Antwort geliefert. "
                "Bitte den Abruf später wiederholen.",
                f"{portal.id} {table}: empty response body (HTTP {answer.status}, {answer.content_type or 'none'})",
            )
        if _looks_like_html(answer.content_type, answer.payload):
            raise _html_error(portal, table, answer.status)
        if not answer.payload.startswith(_ZIP_MAGIC):
            head = answer.payload[:60].decode("utf-8", errors="replace").splitlines()[0]
            raise PullError(
                f"Die {portal.name_de} hat für Tabelle {table} kein ZIP-Archiv mit einer Flat-File-CSV geliefert. "
                "Es wurde nichts gespeichert.",
                f"{portal.id} {table}: ffcsv answer is not a ZIP ({answer.content_type or 'no content type'}), "
                f"starts with {_redact(head, self._secrets)!r}",
            )
        try:
            member_code, content = unzip_genesis_flat(answer.payload)
        except ReaderError as error:
            raise PullError(
                f"Das ZIP-Archiv mit Tabelle {table} aus der {portal.name_de} ist beschädigt oder unvollständig "
                "oder enthält nicht genau eine Flat-File-CSV. Es wurde nichts gespeichert. Bitte den Abruf "
                "wiederholen.",
                f"{portal.id} {table}: {error.detail}",
            ) from None
        if member_code != table:
            raise PullError(
                f"Die {portal.name_de} hat auf die Anfrage nach Tabelle {table} die Tabelle {member_code} geliefert. "
                "Es wurde nichts gespeichert.",
                f"{portal.id} {table}: ZIP member names table {member_code!r}",
            )
        if not is_genesis_flat(content):
            raise PullError(
                f"Die Datei im ZIP-Archiv der Tabelle {table} aus der {portal.name_de} ist keine Flat-File-CSV. "
                "Es wurde nichts gespeichert.",
                f"{portal.id} {table}: ZIP member does not start like a flat file: {content[:60]!r}",
            )
        return answer.payload

    # -- one request ------------------------------------------------------------------------------------------

    def _post(self, path: str, form: Mapping[str, str], *, subject: str) -> _Answer:
        """POST one form to the service under the portal's lock; network and HTTP errors become PullErrors."""
        portal = self.portal
        url = _service_url(portal, path)
        http_request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode("ascii"), method="POST")
        http_request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
        http_request.add_header("Accept", "application/zip, text/csv, application/json;q=0.5, */*;q=0.1")
        http_request.add_header("User-Agent", USER_AGENT)
        http_request.add_header("username", self.user)
        http_request.add_header("password", self.password)
        opener = urllib.request.build_opener(_NoRedirect())
        secrets = self._secrets
        with _portal_lock(portal):
            try:
                with opener.open(http_request, timeout=self.timeout) as response:
                    status, headers, payload = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                _raise_for_http_error(portal, subject, error, secrets)
            except http.client.IncompleteRead as error:
                raise PullError(
                    f"Die Übertragung ({subject}) aus der {portal.name_de} brach vorzeitig ab "
                    f"({len(error.partial)} Bytes empfangen{_expected(error.expected, len(error.partial))}). "
                    "Es wurde nichts gespeichert. Bitte den Abruf später wiederholen.",
                    f"{portal.id} {subject} {path}: incomplete read, got {len(error.partial)} bytes, "
                    f"{error.expected} more expected",
                ) from None
            except (TimeoutError, socket.timeout) as error:
                raise PullError(
                    f"Die {portal.name_de} hat nicht innerhalb von {_number_de(self.timeout)} Sekunden geantwortet ({subject}). "
                    "Weitere Abrufe bei diesem Portal wurden für diesen Lauf eingestellt, damit keine weiteren "
                    "Anfragen hängen bleiben. Bitte später erneut versuchen.",
                    f"{portal.id} {subject} {path}: timeout after {self.timeout}s ({type(error).__name__})",
                    stops_portal=True,
                ) from None
            except urllib.error.URLError as error:
                reason = _redact(str(error.reason), secrets)
                timed_out = isinstance(error.reason, (TimeoutError, socket.timeout))
                raise PullError(
                    f"Die {portal.name_de} ist nicht erreichbar ({subject}): {reason}. "
                    "Bitte Netzwerkverbindung und Adresse prüfen und später erneut versuchen.",
                    f"{portal.id} {subject} {path}: connection failed{' (timeout)' if timed_out else ''}: {reason}",
                    stops_portal=True,
                ) from None
            except (http.client.HTTPException, ConnectionError, OSError) as error:
                text = _redact(str(error), secrets)
                raise PullError(
                    f"Die Verbindung zur {portal.name_de} wurde während des Abrufs ({subject}) unterbrochen. "
                    "Es wurde nichts gespeichert. Bitte später erneut versuchen.",
                    f"{portal.id} {subject} {path}: {type(error).__name__}: {text}",
                ) from None
        _check_length(portal, subject, headers.get("Content-Length"), len(payload))
        return _Answer(status, (headers.get_content_type() or "").lower(), payload)


def download_table(
    portal: GenesisPortal, request: PullRequest, user: str, password: str, *, timeout: float = DEFAULT_TIMEOUT,
    job: JobSettings = JobSettings(),
) -> DownloadedTable:
    """One table from one portal (see GenesisClient.download)."""
    return GenesisClient(portal, user, password, timeout=timeout).download(request, job=job)


def _number_de(value: float) -> str:
    """5 -> '5', 0.3 -> '0,3', 1.25 -> '1,25' (German, as many decimals as needed up to two)."""
    decimals = next((d for d in (0, 1) if round(value, d) == round(value, 2)), 2)
    return format_number(value, decimals)


def parse_updated(text: str) -> datetime | None:
    """metadata/table's 'Updated' ('31.03.2025 11:18:07h'; English: '2025-03-31 11:18:07h') as a datetime."""
    cleaned = text.strip().removesuffix("h").strip()
    for pattern in _UPDATED_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    return None


def _refuses_format(info: _Status) -> bool:
    """A status that complains about the requested format (no recording of such an answer exists: by its words)."""
    return info.code not in (_CODES_CREDENTIALS | _CODES_NOT_FOUND | _CODES_BUSY | {_CODE_TOO_LARGE}) and bool(
        re.search(r"\bformat\b|ffcsv", info.content, re.I)
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would resend the credential headers to wherever the redirect points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 (urllib signature)
        return None


def _check_table_code(portal: GenesisPortal, table: str) -> None:
    if not _TABLE_CODE.match(table or ""):
        raise PullError(
            f"Der Tabellencode {table!r} ist ungültig. Erlaubt sind Codes wie 12521-03i oder 12411-01-01-4 "
            "(Buchstaben, Ziffern, Bindestrich, Punkt, Unterstrich; keine Platzhalter).",
            f"{portal.id}: invalid table code {table!r}",
        )


def check_request(portal: GenesisPortal, request: PullRequest) -> None:
    table = request.table_code
    _check_table_code(portal, table)
    for label, year in (("Startjahr", request.start_year), ("Endjahr", request.end_year)):
        if year is not None and not (isinstance(year, int) and 1900 <= year <= 2200):
            raise PullError(
                f"Das {label} {year!r} für Tabelle {table} ist ungültig (vierstellige Jahreszahl erwartet).",
                f"{portal.id} {table}: invalid {label} {year!r}",
            )
    if request.start_year is not None and request.end_year is not None and request.start_year > request.end_year:
        raise PullError(
            f"Für Tabelle {table} liegt das Startjahr {request.start_year} nach dem Endjahr {request.end_year}.",
            f"{portal.id} {table}: start_year > end_year",
        )
    if request.regional_key is not None and not _REGIONAL_KEY.match(request.regional_key):
        raise PullError(
            f"Der Regionalschlüssel {request.regional_key!r} für Tabelle {table} ist ungültig "
            "(erwartet z. B. 05*, 05966 oder 05966,05970).",
            f"{portal.id} {table}: invalid regional key {request.regional_key!r}",
        )
    if request.regional_variable is not None and not _REGIONAL_VARIABLE.match(request.regional_variable):
        raise PullError(
            f"Die Regionalvariable {request.regional_variable!r} für Tabelle {table} ist ungültig "
            "(erwartet z. B. KREISE oder GEMEIN).",
            f"{portal.id} {table}: invalid regional variable {request.regional_variable!r}",
        )


def _service_url(portal: GenesisPortal, path: str) -> str:
    base = portal.base_url.strip()
    parts = urllib.parse.urlsplit(base)
    problem = None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        problem = "keine http(s)-Adresse"
    elif parts.username is not None or parts.password is not None:
        problem = "Zugangsdaten in der Adresse sind nicht erlaubt"
    elif parts.query or parts.fragment:
        problem = "Adresse mit Parametern (?/#) ist nicht erlaubt"
    elif parts.scheme == "http" and not _is_loopback(parts.hostname):
        problem = "unverschlüsseltes http ist nur für lokale Testserver erlaubt, bitte https verwenden"
    if problem:
        shown = urllib.parse.urlunsplit((parts.scheme, parts.hostname or "", parts.path, "", ""))
        raise PullError(
            f"Die Adresse des Webdienstes der {portal.name_de} ist ungültig ({problem}): {shown}",
            f"{portal.id}: invalid base URL ({problem})",
        )
    if not base.endswith("/"):
        base += "/"
    return base + path


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _form(request: PullRequest, file_format: str, *, job: bool = False) -> dict[str, str]:
    form = {
        "name": request.table_code,
        "area": "all",
        "compress": "false",
        "transpose": "false",
        "format": file_format,
        "language": "de",
        "job": "true" if job else "false",
    }
    if request.start_year is not None:
        form["startyear"] = str(request.start_year)
    if request.end_year is not None:
        form["endyear"] = str(request.end_year)
    if request.regional_variable is not None:
        form["regionalvariable"] = request.regional_variable
    if request.regional_key is not None:
        form["regionalkey"] = request.regional_key
    return form


def _check_credentials(portal: GenesisPortal, user: str, password: str) -> None:
    """HTTP header values must be single-line Latin-1; say so without echoing the value."""
    for label, value in (("Benutzername/API-Token", user), ("Passwort", password)):
        bad = any(ch in value for ch in "\r\n\0")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            bad = True
        if bad:
            raise PullError(
                f"{label} für die {portal.name_de} enthält unzulässige Zeichen (Zeilenumbruch oder Zeichen "
                f"außerhalb von Latin-1). Bitte die Umgebungsvariablen {portal.user_env} und "
                f"{portal.password_env} prüfen.",
                f"{portal.id}: credential value not usable as HTTP header ({label})",
            )
    if not user:
        raise PullError(
            f"Für die {portal.name_de} ist kein Benutzername bzw. API-Token gesetzt ({portal.user_env}).",
            f"{portal.id}: empty user",
        )


def _expected(expected: int | None, got: int) -> str:
    return f" von {got + expected} erwarteten" if expected else ""


def _check_length(portal: GenesisPortal, table: str, declared: str | None, got: int) -> None:
    if declared is None:
        return
    try:
        length = int(declared.strip())
    except ValueError:
        return
    if length != got:
        raise PullError(
            f"Die Übertragung der Tabelle {table} aus der {portal.name_de} ist unvollständig "
            f"({got} von {length} Bytes). Es wurde nichts gespeichert. Bitte den Abruf wiederholen.",
            f"{portal.id} {table}: Content-Length {length} but {got} bytes received",
        )


def _table_csv(
    portal: GenesisPortal, table: str, status: int, content_type: str, payload: bytes, secrets: list[str]
) -> bytes:
    """Turn a 2xx answer into the table CSV bytes, or raise the matching PullError."""
    if not payload.strip():
        raise PullError(
            f"Die {portal.name_de} hat für Tabelle {table} eine leere Antwort geliefert. "
            "Bitte den Abruf später wiederholen.",
            f"{portal.id} {table}: empty response body (HTTP {status}, {content_type or 'no content type'})",
        )
    if _looks_like_json(content_type, payload):
        info = _genesis_status(payload)
        if info is None:
            raise PullError(
                f"Die {portal.name_de} hat für Tabelle {table} statt einer Tabelle eine unbekannte JSON-Antwort "
                "geliefert. Bitte den Abruf später wiederholen.",
                f"{portal.id} {table}: JSON body without GENESIS status (HTTP {status})",
            )
        _raise_for_status(portal, table, status, info, secrets)
    if _looks_like_html(content_type, payload):
        raise _html_error(portal, table, status)
    if payload.startswith(_ZIP_MAGIC) or content_type in ("application/zip", "application/x-zip-compressed"):
        payload = _unzip_single_csv(portal, table, payload)
        if not payload.strip():
            raise PullError(
                f"Die {portal.name_de} hat für Tabelle {table} eine leere Datei geliefert.",
                f"{portal.id} {table}: empty CSV inside ZIP",
            )
    if not is_genesis_table(payload):
        head = payload[:60].decode("cp1252", errors="replace").splitlines()[0] if payload else ""
        raise PullError(
            f"Die {portal.name_de} hat für Tabelle {table} keine GENESIS-Tabelle im CSV-Format geliefert "
            "(erste Zeile beginnt nicht mit 'Tabelle:' bzw. 'GENESIS-Tabelle:'). Es wurde nichts gespeichert.",
            f"{portal.id} {table}: not a GENESIS table CSV ({content_type or 'no content type'}), "
            f"starts with {_redact(head, secrets)!r}",
        )
    return payload


def _looks_like_json(content_type: str, payload: bytes) -> bool:
    if content_type.endswith("json"):
        return True
    return payload.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"[")


def _looks_like_html(content_type: str, payload: bytes) -> bool:
    if content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = payload.removeprefix(b"\xef\xbb\xbf").lstrip()[:20].lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body"))


def _html_error(portal: GenesisPortal, table: str, status: int) -> PullError:
    return PullError(
        f"Die {portal.name_de} hat für Tabelle {table} eine Webseite statt einer Tabelle geliefert "
        f"(HTTP {status}; z. B. Wartungs- oder Fehlerseite, oder die Adresse des Webdienstes stimmt nicht). "
        "Bitte später erneut versuchen.",
        f"{portal.id} {table}: HTML page instead of table (HTTP {status})",
    )


def _unzip_single_csv(portal: GenesisPortal, table: str, payload: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            csv_members = [info for info in members if info.filename.lower().endswith(".csv")]
            chosen = csv_members if len(csv_members) == 1 else members
            if len(chosen) != 1:
                names = ", ".join(info.filename for info in members) or "leer"
                raise PullError(
                    f"Die {portal.name_de} hat für Tabelle {table} ein ZIP-Archiv mit unerwartetem Inhalt "
                    f"geliefert ({names}); erwartet war genau eine CSV-Datei.",
                    f"{portal.id} {table}: ZIP with {len(members)} members: {names}",
                )
            return archive.read(chosen[0])
    except PullError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise PullError(
            f"Das ZIP-Archiv mit Tabelle {table} aus der {portal.name_de} ist beschädigt oder unvollständig. "
            "Es wurde nichts gespeichert. Bitte den Abruf wiederholen.",
            f"{portal.id} {table}: bad ZIP: {type(error).__name__}: {error}",
        ) from None


@dataclass(frozen=True)
class _Status:
    code: int | None
    content: str
    type: str


def _genesis_status(payload: bytes) -> _Status | None:
    """The GENESIS status of a JSON answer: enveloped ({"Status": {...}}) or flat ({"Code": ...})."""
    try:
        data = json.loads(payload.decode("utf-8-sig", errors="replace"))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    status = data.get("Status")
    if isinstance(status, dict):
        source = status
    elif "Code" in data or "Content" in data:
        source = data
    elif isinstance(status, str):  # logincheck-style {"Status": "...text...", "Username": ...}
        return _Status(code=None, content=status, type="")
    else:
        return None
    raw_code = source.get("Code")
    try:
        code = int(raw_code) if raw_code is not None and str(raw_code).strip() != "" else None
    except (TypeError, ValueError):
        code = None
    return _Status(code=code, content=str(source.get("Content") or ""), type=str(source.get("Type") or ""))


def _raise_for_status(
    portal: GenesisPortal, table: str, http_status: int, info: _Status, secrets: list[str]
) -> NoReturn:
    """Raise the PullError for the GENESIS status of a JSON answer where a file was expected.

    Even a 'success' code (0, 22) is an error here: the answer carried no table.
    """
    text = _redact(info.content, secrets)[:_MAX_SERVER_TEXT]
    code = info.code
    shown = f"GENESIS-Code {code}: {text}" if code is not None else f"Meldung: {text}"
    detail = f"{portal.id} {table}: HTTP {http_status}, GENESIS code {code}, type {info.type!r}: {text!r}"
    if code in _CODES_CREDENTIALS or (code is None and re.search(r"Nutzernamen|Passwort|berechtigt", text)):
        raise PullError(
            f"Die {portal.name_de} hat die Zugangsdaten abgelehnt ({shown}). Bitte Benutzername und Passwort "
            f"bzw. API-Token in den Umgebungsvariablen {portal.user_env} und {portal.password_env} prüfen; "
            "das Konto muss beim Portal registriert und für den Webservice freigeschaltet sein.",
            detail,
            stops_portal=True,
        )
    if code in _CODES_NOT_FOUND:
        raise PullError(
            f"Die Tabelle {table} wurde in der {portal.name_de} nicht gefunden ({shown}). Bitte den Tabellencode "
            "prüfen: Regionaldatenbank und Landesdatenbank NRW verwenden verschiedene Codes, und eine Auswahl "
            "nach Jahr oder Regionalschlüssel kann leer sein.",
            detail,
        )
    if code == _CODE_TOO_LARGE:
        raise PullError(
            f"Die Tabelle {table} ist zu groß für den direkten Abruf aus der {portal.name_de} ({shown}). "
            "Bitte den Abruf mit Startjahr, Endjahr oder Regionalschlüssel (z. B. 05*) eingrenzen, "
            "oder die Tabelle im Portal herunterladen und in den Posteingang legen.",
            detail,
        )
    if code in _CODES_BUSY:
        raise PullError(
            f"Die {portal.name_de} lehnt zu viele gleichzeitige Anfragen ab ({shown}). "
            "Bitte in einigen Minuten erneut versuchen.",
            detail,
            stops_portal=True,
        )
    if code in _CODES_OK:
        raise PullError(
            f"Die {portal.name_de} hat für Tabelle {table} nur eine Statusmeldung statt der Tabelle geliefert "
            f"({shown}). Bitte den Abruf später wiederholen.",
            detail,
        )
    raise PullError(
        f"Die {portal.name_de} hat den Abruf der Tabelle {table} mit einem Fehler beantwortet ({shown}).",
        detail,
    )


def _raise_for_http_error(
    portal: GenesisPortal, table: str, error: urllib.error.HTTPError, secrets: list[str]
) -> NoReturn:
    status = error.code
    try:
        payload = error.read() or b""
    except (http.client.HTTPException, OSError):
        payload = b""
    finally:
        error.close()
    content_type = (error.headers.get_content_type() if error.headers else "") or ""
    if 300 <= status < 400:
        raise PullError(
            f"Die {portal.name_de} hat den Abruf der Tabelle {table} umgeleitet (HTTP {status}). Umleitungen "
            "werden aus Sicherheitsgründen nicht verfolgt (die Zugangsdaten würden mitgeschickt). "
            "Bitte die Adresse des Webdienstes prüfen.",
            f"{portal.id} {table}: redirect HTTP {status} refused",
        )
    if payload and _looks_like_json(content_type, payload):
        info = _genesis_status(payload)
        if info is not None:
            _raise_for_status(portal, table, status, info, secrets)
    if status in (401, 403):
        raise PullError(
            f"Die {portal.name_de} verweigert den Zugriff (HTTP {status}). Bitte Benutzername und Passwort bzw. "
            f"API-Token in {portal.user_env} und {portal.password_env} prüfen.",
            f"{portal.id} {table}: HTTP {status} without GENESIS status",
            stops_portal=True,
        )
    if status in (429, 503) and not (payload and _looks_like_html(content_type, payload)):
        raise PullError(
            f"Die {portal.name_de} ist überlastet oder in Wartung (HTTP {status}). Bitte später erneut versuchen.",
            f"{portal.id} {table}: HTTP {status}",
        )
    if payload and _looks_like_html(content_type, payload):
        raise _html_error(portal, table, status)
    if status in (404, 405):
        raise PullError(
            f"Der Webdienst der {portal.name_de} kennt die angefragte Adresse nicht (HTTP {status}). "
            "Bitte die Adresse des Webdienstes prüfen.",
            f"{portal.id} {table}: HTTP {status} {error.reason}",
        )
    raise PullError(
        f"Die {portal.name_de} hat den Abruf der Tabelle {table} mit HTTP-Fehler {status} beantwortet. "
        "Bitte später erneut versuchen.",
        f"{portal.id} {table}: HTTP {status} {error.reason}",
    )


def _redact(text: str, secrets: list[str]) -> str:
    """Remove credential values from server text before it reaches a message (servers may echo them)."""
    for secret in secrets:
        if len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


# --------------------------------------------------------------------------------------------------------------
# Inbox
