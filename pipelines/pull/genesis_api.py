"""Pull catalogue tables from the GENESIS web services into the inbox.

Portals: Regionaldatenbank Deutschland (www.regionalstatistik.de) and Landesdatenbank NRW
(www.landesdatenbank.nrw.de), both GENESIS installations with the REST API "2020". Credentials come from
environment variables only (never from files in the repository) and are never logged, stored or put in a URL.

Request (one per table), as documented for GENESIS since the 2025 switch away from GET:

    POST <base_url>data/tablefile
    Content-Type: application/x-www-form-urlencoded; charset=UTF-8
    username: <user name, or the API token>
    password: <password; empty in token mode>

    name=<table code>&area=all&compress=false&transpose=false&format=csv&language=de&job=false
    [&startyear=..][&endyear=..][&regionalvariable=..][&regionalkey=..]

``format=csv`` asks for the table layout of the portal's "CSV" download (first line ``GENESIS-Tabelle:`` or
``Tabelle:``), which the inbox readers understand; ``ffcsv`` would be the flat file. GENESIS 5.x answers with
a ZIP holding that one CSV, older versions with the CSV itself: both are accepted and the CSV bytes are
returned unchanged. Errors come as JSON, either flat (``{"Code": 2, "Content": ..., "Type": "ERROR"}`` for
wrong credentials, often with HTTP 404; ``Code 15`` with HTTP 401 when credentials are missing) or in the
usual envelope (``{"Status": {"Code": 104, ...}}`` with HTTP 200 for an unknown table, ``98`` when the table
is too large for a direct download). Maintenance pages are HTML.

Why a small client on ``urllib.request`` and not ``pystatis`` (Destatis/CorrelAid's wrapper, 0.5.5):
- pystatis knows only the databases "genesis", "zensus" and "regio", picks one by matching the table code
  against regular expressions and reads base URLs and credentials from ``~/.pystatis/config.ini``; the
  Landesdatenbank NRW is not supported and a per-call base URL (needed for the recorded-response tests)
  is not part of its API.
- Importing pystatis runs ``init_config()``, which creates ``~/.pystatis/config.ini`` and a data cache in
  the home directory; its credential setup writes user name and password in plain text into that file.
- It is built to return pandas DataFrames parsed from the flat file (``ffcsv``); the product needs the
  portal's table CSV byte for byte, so the useful part of pystatis here would be one POST request.
- It raises ``SystemExit`` on a request timeout, which would stop a whole pipeline run.
A standard-library client of ~300 lines has none of these problems, adds no dependency and can be
pointed at a local test server.

Safety rules:
- HTTPS only, except plain HTTP to a loopback address (the tests' local server).
- Redirects are not followed: urllib would forward the ``username``/``password`` headers to the new host.
- A download is checked before it is written: complete (``Content-Length`` honoured, no early close),
  not JSON, not HTML, not empty, and a GENESIS table CSV (same sniff as the inbox reader).
- Files are written to a dot-named temporary file (ignored by the landing step) and renamed into place.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ipaddress
import json
import logging
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

from pipelines.readers.genesis_table import is_genesis_table

log = logging.getLogger(__name__)

USER_AGENT = "integrationsmonitor-nrw/0.1 (GENESIS-Abruf; Python urllib)"
TABLEFILE_PATH = "data/tablefile"
PULLED_DIR = "pulled"

# Table codes as the portals write them: 12521-03i, 12411-01-01-4, 22811-01i. No wildcards, no path characters.
_TABLE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,59}$")
_REGIONAL_KEY = re.compile(r"^[0-9A-Za-z*,]{1,200}$")
_REGIONAL_VARIABLE = re.compile(r"^[0-9A-Za-z_\-]{1,30}$")

# GENESIS status codes (JSON "Code"), as named in the Destatis documentation and seen in client code.
_CODES_CREDENTIALS = {2, 12, 15}
_CODES_NOT_FOUND = {90, 104}
_CODES_TOO_LARGE = {98, 99, 100}
_CODES_BUSY = {6}
_CODES_OK = {0, 22}

_ZIP_MAGIC = b"PK\x03\x04"
_MAX_SERVER_TEXT = 300


@dataclass(frozen=True)
class GenesisPortal:
    id: str  # 'regionalstatistik' or 'landesdatenbank_nrw'
    name_de: str
    base_url: str
    user_env: str  # e.g. 'IM_GENESIS_REGIONALSTATISTIK_USER'
    password_env: str  # e.g. 'IM_GENESIS_REGIONALSTATISTIK_PASSWORD'


PORTALS: dict[str, GenesisPortal] = {
    "regionalstatistik": GenesisPortal(
        id="regionalstatistik",
        name_de="Regionaldatenbank Deutschland",
        base_url="https://www.regionalstatistik.de/genesisws/rest/2020/",
        user_env="IM_GENESIS_REGIONALSTATISTIK_USER",
        password_env="IM_GENESIS_REGIONALSTATISTIK_PASSWORD",
    ),
    "landesdatenbank_nrw": GenesisPortal(
        id="landesdatenbank_nrw",
        name_de="Landesdatenbank NRW",
        base_url="https://www.landesdatenbank.nrw.de/ldbnrwws/rest/2020/",
        user_env="IM_GENESIS_LANDESDATENBANK_NRW_USER",
        password_env="IM_GENESIS_LANDESDATENBANK_NRW_PASSWORD",
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
    """A table that could not be pulled.

    message_de: clear German sentence for the user (what is wrong and what to do).
    detail: exact English technical detail for the log; ``str(exc)`` returns it.
    Neither ever contains the password or the user name / API token.
    """

    def __init__(self, message_de: str, detail: str) -> None:
        super().__init__(detail)
        self.message_de = message_de
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class PulledFile:
    portal_id: str
    table_code: str
    path: Path
    size_bytes: int
    sha256: str


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


@dataclass
class PullReport:
    pulled: list[PulledFile] = field(default_factory=list)
    skipped: list[SkippedPull] = field(default_factory=list)
    failed: list[FailedPull] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No request failed (skipped portals without credentials are not failures)."""
        return not self.failed


# --------------------------------------------------------------------------------------------------------------
# Credentials


def credentials(portal: GenesisPortal, env: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """(user, password) from the portal's environment variables, or None if not configured.

    The user variable must be set and not blank. The password variable may be missing or empty: GENESIS then
    treats the user value as an API token (token as ``username``, empty ``password``).
    """
    user = env.get(portal.user_env) or ""
    if not user.strip():
        return None
    return user, env.get(portal.password_env) or ""


# --------------------------------------------------------------------------------------------------------------
# Download


def download_table(
    portal: GenesisPortal, request: PullRequest, user: str, password: str, *, timeout: float = 120
) -> bytes:
    """Download one table as GENESIS table CSV and return its bytes exactly as served.

    Raises PullError (German message) on bad input, network and HTTP errors, GENESIS error answers (wrong
    credentials, unknown table, table too large / job needed), empty or truncated answers, HTML or other
    content that is not a GENESIS table CSV.
    """
    table = request.table_code
    _check_request(portal, request)
    url = _tablefile_url(portal)
    body = urllib.parse.urlencode(_form(request)).encode("ascii")
    secrets = [s for s in (user, password) if s]
    _check_credentials(portal, user, password)

    http_request = urllib.request.Request(url, data=body, method="POST")
    http_request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
    http_request.add_header("Accept", "text/csv, application/zip, application/json;q=0.5, */*;q=0.1")
    http_request.add_header("User-Agent", USER_AGENT)
    http_request.add_header("username", user)
    http_request.add_header("password", password)

    log.info("GENESIS-Abruf: %s, Tabelle %s", portal.id, table)
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(http_request, timeout=timeout) as response:
            status = response.status
            headers = response.headers
            payload = response.read()
    except urllib.error.HTTPError as error:
        _raise_for_http_error(portal, table, error, secrets)
    except http.client.IncompleteRead as error:
        raise PullError(
            f"Die Übertragung der Tabelle {table} aus der {portal.name_de} brach vorzeitig ab "
            f"({len(error.partial)} Bytes empfangen{_expected(error.expected, len(error.partial))}). "
            "Es wurde nichts gespeichert. Bitte den Abruf später wiederholen.",
            f"{portal.id} {table}: incomplete read, got {len(error.partial)} bytes, "
            f"{error.expected} more expected",
        ) from None
    except (TimeoutError, socket.timeout) as error:
        raise PullError(
            f"Die {portal.name_de} hat nicht innerhalb von {timeout:g} Sekunden geantwortet (Tabelle {table}). "
            "Bitte später erneut versuchen.",
            f"{portal.id} {table}: timeout after {timeout}s ({type(error).__name__})",
        ) from None
    except urllib.error.URLError as error:
        reason = _redact(str(error.reason), secrets)
        raise PullError(
            f"Die {portal.name_de} ist nicht erreichbar (Tabelle {table}): {reason}. "
            "Bitte Netzwerkverbindung und Adresse prüfen und später erneut versuchen.",
            f"{portal.id} {table}: connection failed: {reason}",
        ) from None
    except (http.client.HTTPException, ConnectionError, OSError) as error:
        text = _redact(str(error), secrets)
        raise PullError(
            f"Die Verbindung zur {portal.name_de} wurde während des Abrufs der Tabelle {table} unterbrochen. "
            "Es wurde nichts gespeichert. Bitte später erneut versuchen.",
            f"{portal.id} {table}: {type(error).__name__}: {text}",
        ) from None

    _check_length(portal, table, headers.get("Content-Length"), len(payload))
    content_type = (headers.get_content_type() or "").lower()
    return _table_csv(portal, table, status, content_type, payload, secrets)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would resend the credential headers to wherever the redirect points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 (urllib signature)
        return None


def _check_request(portal: GenesisPortal, request: PullRequest) -> None:
    table = request.table_code
    if not _TABLE_CODE.match(table or ""):
        raise PullError(
            f"Der Tabellencode {table!r} ist ungültig. Erlaubt sind Codes wie 12521-03i oder 12411-01-01-4 "
            "(Buchstaben, Ziffern, Bindestrich, Punkt, Unterstrich; keine Platzhalter).",
            f"{portal.id}: invalid table code {table!r}",
        )
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


def _tablefile_url(portal: GenesisPortal) -> str:
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
    return base + TABLEFILE_PATH


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _form(request: PullRequest) -> dict[str, str]:
    form = {
        "name": request.table_code,
        "area": "all",
        "compress": "false",
        "transpose": "false",
        "format": "csv",
        "language": "de",
        "job": "false",
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
        )
    if code in _CODES_NOT_FOUND:
        raise PullError(
            f"Die Tabelle {table} wurde in der {portal.name_de} nicht gefunden ({shown}). Bitte den Tabellencode "
            "prüfen: Regionaldatenbank und Landesdatenbank NRW verwenden verschiedene Codes, und eine Auswahl "
            "nach Jahr oder Regionalschlüssel kann leer sein.",
            detail,
        )
    if code in _CODES_TOO_LARGE:
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


def pull_to_inbox(
    requests: Iterable[PullRequest],
    inbox_dir: Path,
    *,
    env: Mapping[str, str] = os.environ,
    base_urls: Mapping[str, str] | None = None,
) -> PullReport:
    """Download every request whose portal has credentials into inbox_dir/pulled/<portal>/<table>_<UTC>.csv.

    Requests for portals without credentials are skipped (reported, not an error). An error in one request is
    recorded and the others continue. Each file is written to a dot-named temporary file in the target directory
    and renamed into place, so the landing step never sees a half-written file.
    base_urls overrides a portal's base URL by portal id (for tests against a local server).
    """
    report = PullReport()
    overrides = dict(base_urls or {})
    for request in requests:
        portal = PORTALS.get(request.portal_id)
        if portal is None:
            known = ", ".join(sorted(PORTALS))
            report.failed.append(
                FailedPull(
                    request.portal_id,
                    request.table_code,
                    f"Unbekanntes Portal {request.portal_id!r} (bekannt: {known}).",
                    f"unknown portal id {request.portal_id!r}",
                )
            )
            continue
        if portal.id in overrides:
            portal = replace(portal, base_url=overrides[portal.id])
        creds = credentials(portal, env)
        if creds is None:
            if (env.get(portal.password_env) or "").strip():
                reason = (
                    f"Zugangsdaten unvollständig: {portal.password_env} ist gesetzt, {portal.user_env} fehlt. "
                    "Tabelle nicht abgerufen."
                )
            else:
                reason = (
                    f"Keine Zugangsdaten für die {portal.name_de} konfiguriert ({portal.user_env}, "
                    f"{portal.password_env}). Tabelle nicht abgerufen."
                )
            report.skipped.append(SkippedPull(portal.id, request.table_code, reason))
            log.info("GENESIS-Abruf übersprungen: %s, Tabelle %s (keine Zugangsdaten)", portal.id, request.table_code)
            continue
        user, password = creds
        try:
            data = download_table(portal, request, user, password)
            path = _write_atomically(inbox_dir / PULLED_DIR / portal.id, request.table_code, data)
        except PullError as error:
            log.warning("GENESIS-Abruf fehlgeschlagen: %s", error.detail)
            report.failed.append(FailedPull(portal.id, request.table_code, error.message_de, error.detail))
            continue
        except OSError as error:
            report.failed.append(
                FailedPull(
                    portal.id,
                    request.table_code,
                    f"Die Tabelle {request.table_code} wurde heruntergeladen, konnte aber nicht im Posteingang "
                    f"gespeichert werden ({error.strerror or error}). Bitte Speicherplatz und Schreibrechte prüfen.",
                    f"{portal.id} {request.table_code}: write failed: {error}",
                )
            )
            continue
        digest = hashlib.sha256(data).hexdigest()
        log.info("GENESIS-Abruf gespeichert: %s (%d Bytes)", path, len(data))
        report.pulled.append(PulledFile(portal.id, request.table_code, path, len(data), digest))
    return report


def _write_atomically(directory: Path, table_code: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"{table_code}_{stamp}.csv"
    counter = 1
    while target.exists():
        counter += 1
        target = directory / f"{table_code}_{stamp}_{counter}.csv"
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
