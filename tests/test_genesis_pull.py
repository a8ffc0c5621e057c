"""Tests for the GENESIS web service pull (pipelines/pull/genesis_api.py).

A local http.server on 127.0.0.1 plays the GENESIS web service: it records every request it sees and answers
with the hand-made responses in tests/fixtures/genesis_api/ (see the README there). No test touches the internet.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines.pull.genesis_api import (
    PORTALS,
    PullError,
    PullRequest,
    credentials,
    download_table,
    pull_to_inbox,
)
from pipelines.readers.genesis_table import read_genesis_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "genesis_api"
TABLE_CSV = (FIXTURES / "tablefile_12521-03i.csv").read_bytes()

USER = "im-test-user-7f3a"
PASSWORD = "geheim-Pa55wort-91c2"
TOKEN = "0123456789abcdef0123456789abcdef"
ENV_BOTH = {
    "IM_GENESIS_REGIONALSTATISTIK_USER": USER,
    "IM_GENESIS_REGIONALSTATISTIK_PASSWORD": PASSWORD,
    "IM_GENESIS_LANDESDATENBANK_NRW_USER": USER,
    "IM_GENESIS_LANDESDATENBANK_NRW_PASSWORD": PASSWORD,
}
API_PATHS = {
    "regionalstatistik": "/genesisws/rest/2020/",
    "landesdatenbank_nrw": "/ldbnrwws/rest/2020/",
}
KNOWN_TABLE = "12521-03i"
LARGE_TABLE = "12411-02-03-5"


# --------------------------------------------------------------------------------------------------------------
# The local fake GENESIS web service


@dataclass
class SeenRequest:
    method: str
    path: str  # as sent, including any query string
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode("ascii"), keep_blank_values=True))


class FakeGenesis:
    """Records requests; `respond` decides the answer (default: behave like a GENESIS installation)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.requests: list[SeenRequest] = []
        self.respond: Callable[[SeenRequest, BaseHTTPRequestHandler], None] = self.genesis_like
        self.zip_tables = False
        self.valid_credentials = {(USER, PASSWORD), (TOKEN, "")}

    @property
    def base_urls(self) -> dict[str, str]:
        return {portal: f"http://127.0.0.1:{self.port}{path}" for portal, path in API_PATHS.items()}

    def portal(self, portal_id: str = "regionalstatistik"):
        return replace(PORTALS[portal_id], base_url=self.base_urls[portal_id])

    def genesis_like(self, seen: SeenRequest, handler: BaseHTTPRequestHandler) -> None:
        if seen.path not in {p + "data/tablefile" for p in API_PATHS.values()}:
            send(handler, 404, (FIXTURES / "error_page.html").read_bytes(), "text/html; charset=UTF-8")
        elif seen.method != "POST":
            send(handler, 405, b"", "text/plain")
        elif "username" not in seen.headers:
            send(handler, 401, (FIXTURES / "error_not_authorized.json").read_bytes(), JSON)
        elif (seen.headers["username"], seen.headers.get("password", "")) not in self.valid_credentials:
            send(handler, 404, (FIXTURES / "error_wrong_credentials.json").read_bytes(), JSON)
        elif seen.form.get("name") == KNOWN_TABLE:
            if self.zip_tables:
                send(handler, 200, zipped(TABLE_CSV), "application/zip")
            else:
                send(handler, 200, TABLE_CSV, "text/csv")
        elif seen.form.get("name") == LARGE_TABLE:
            send(handler, 200, (FIXTURES / "error_too_large.json").read_bytes(), JSON)
        else:
            send(handler, 200, (FIXTURES / "error_unknown_table.json").read_bytes(), JSON)


JSON = "application/json; charset=UTF-8"


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def zipped(data: bytes, name: str = f"{KNOWN_TABLE}.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = SeenRequest(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        fake: FakeGenesis = self.server.fake  # type: ignore[attr-defined]
        fake.requests.append(seen)
        self.close_connection = True
        fake.respond(seen, self)
        self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours proxy variables; the local server must be reached directly."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def fake() -> Iterator[FakeGenesis]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    genesis = FakeGenesis(server.server_address[1])
    server.fake = genesis  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield genesis
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def all_files(directory: Path) -> list[Path]:
    """Every file below directory, dot-files (temporary files) included."""
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


# --------------------------------------------------------------------------------------------------------------
# Configuration


def test_portals_point_to_the_two_genesis_web_services() -> None:
    assert PORTALS["regionalstatistik"].base_url == "https://www.regionalstatistik.de/genesisws/rest/2020/"
    assert PORTALS["landesdatenbank_nrw"].base_url == "https://www.landesdatenbank.nrw.de/ldbnrwws/rest/2020/"
    assert PORTALS["regionalstatistik"].user_env == "IM_GENESIS_REGIONALSTATISTIK_USER"
    assert PORTALS["landesdatenbank_nrw"].password_env == "IM_GENESIS_LANDESDATENBANK_NRW_PASSWORD"


def test_credentials_from_environment() -> None:
    portal = PORTALS["regionalstatistik"]
    assert credentials(portal, {}) is None
    assert credentials(portal, {"IM_GENESIS_REGIONALSTATISTIK_USER": "  "}) is None
    assert credentials(portal, {"IM_GENESIS_REGIONALSTATISTIK_PASSWORD": PASSWORD}) is None
    assert credentials(portal, ENV_BOTH) == (USER, PASSWORD)
    # API token: user variable only, empty password.
    assert credentials(portal, {"IM_GENESIS_REGIONALSTATISTIK_USER": TOKEN}) == (TOKEN, "")


# --------------------------------------------------------------------------------------------------------------
# Successful pulls


def test_successful_pull_lands_the_exact_bytes_in_the_inbox(fake: FakeGenesis, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    report = pull_to_inbox(
        [PullRequest("regionalstatistik", KNOWN_TABLE)], inbox, env=ENV_BOTH, base_urls=fake.base_urls
    )

    assert report.ok and not report.skipped and len(report.pulled) == 1
    pulled = report.pulled[0]
    assert pulled.path.parent == inbox / "pulled" / "regionalstatistik"
    assert re.fullmatch(r"12521-03i_\d{8}T\d{6}Z\.csv", pulled.path.name)
    assert pulled.path.read_bytes() == TABLE_CSV
    assert pulled.size_bytes == len(TABLE_CSV)
    assert pulled.sha256 == hashlib.sha256(TABLE_CSV).hexdigest()
    assert all_files(inbox) == [pulled.path]  # no temporary file left behind
    # What landed is what the inbox reader understands.
    table = read_genesis_table(pulled.path.read_bytes())
    assert table.table_code == KNOWN_TABLE
    assert {cell.region_code for cell in table.cells} == {"05966", "05970"}


def test_zip_wrapped_tablefile_lands_the_csv_inside(fake: FakeGenesis, tmp_path: Path) -> None:
    fake.zip_tables = True
    report = pull_to_inbox(
        [PullRequest("landesdatenbank_nrw", KNOWN_TABLE)], tmp_path, env=ENV_BOTH, base_urls=fake.base_urls
    )

    assert report.ok and len(report.pulled) == 1
    assert report.pulled[0].path.parent == tmp_path / "pulled" / "landesdatenbank_nrw"
    assert report.pulled[0].path.read_bytes() == TABLE_CSV
    assert fake.requests[0].path == "/ldbnrwws/rest/2020/data/tablefile"


def test_credentials_are_sent_as_headers_not_in_the_url(fake: FakeGenesis) -> None:
    request = PullRequest(
        "regionalstatistik", KNOWN_TABLE, start_year=2024, end_year=2024, regional_key="05*", regional_variable="KREISE"
    )
    data = download_table(fake.portal(), request, USER, PASSWORD)

    assert data == TABLE_CSV
    assert len(fake.requests) == 1
    seen = fake.requests[0]
    assert seen.method == "POST"
    assert seen.path == "/genesisws/rest/2020/data/tablefile"  # no query string at all
    assert seen.headers["username"] == USER
    assert seen.headers["password"] == PASSWORD
    assert seen.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert "authorization" not in seen.headers
    assert seen.form == {
        "name": KNOWN_TABLE,
        "area": "all",
        "compress": "false",
        "transpose": "false",
        "format": "csv",
        "language": "de",
        "job": "false",
        "startyear": "2024",
        "endyear": "2024",
        "regionalvariable": "KREISE",
        "regionalkey": "05*",
    }
    for secret in (USER, PASSWORD):
        assert secret not in seen.path
        assert secret.encode() not in seen.body


def test_api_token_is_sent_as_username_with_empty_password(fake: FakeGenesis, tmp_path: Path) -> None:
    env = {"IM_GENESIS_REGIONALSTATISTIK_USER": TOKEN}
    report = pull_to_inbox([PullRequest("regionalstatistik", KNOWN_TABLE)], tmp_path, env=env, base_urls=fake.base_urls)

    assert report.ok and len(report.pulled) == 1
    assert fake.requests[0].headers["username"] == TOKEN
    assert fake.requests[0].headers["password"] == ""


# --------------------------------------------------------------------------------------------------------------
# GENESIS error answers


def test_wrong_credentials_give_a_german_pull_error(
    fake: FakeGenesis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "falsches-Passwort-123"
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, wrong)

    error = excinfo.value
    assert "Zugangsdaten abgelehnt" in error.message_de
    assert "GENESIS-Code 2" in error.message_de
    assert "IM_GENESIS_REGIONALSTATISTIK_USER" in error.message_de
    assert "HTTP 404" in error.detail

    env = dict(ENV_BOTH, IM_GENESIS_REGIONALSTATISTIK_PASSWORD=wrong)
    report = pull_to_inbox(
        [PullRequest("regionalstatistik", KNOWN_TABLE)], tmp_path / "inbox", env=env, base_urls=fake.base_urls
    )
    assert not report.ok and not report.pulled
    assert "Zugangsdaten abgelehnt" in report.failed[0].message_de
    assert all_files(tmp_path / "inbox") == []
    # Neither the password nor the user name appears in messages or logs.
    for text in (error.message_de, error.detail, report.failed[0].message_de, report.failed[0].detail, caplog.text):
        assert wrong not in text and USER not in text


def test_missing_credential_headers_answer_is_a_credentials_error(fake: FakeGenesis) -> None:
    def not_authorized(seen: SeenRequest, handler: BaseHTTPRequestHandler) -> None:
        send(handler, 401, (FIXTURES / "error_not_authorized.json").read_bytes(), JSON)

    fake.respond = not_authorized
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "Zugangsdaten abgelehnt" in excinfo.value.message_de
    assert "GENESIS-Code 15" in excinfo.value.message_de


def test_server_text_echoing_the_user_name_is_redacted(fake: FakeGenesis) -> None:
    echo = {"Status": {"Code": 12, "Content": f"Der Nutzer {USER} ist nicht berechtigt.", "Type": "ERROR"}}
    fake.respond = lambda seen, handler: send(handler, 200, json.dumps(echo).encode(), JSON)
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "Zugangsdaten abgelehnt" in excinfo.value.message_de
    assert "Der Nutzer *** ist nicht berechtigt" in excinfo.value.message_de
    assert USER not in excinfo.value.message_de and USER not in excinfo.value.detail


def test_unknown_table_gives_a_pull_error(fake: FakeGenesis) -> None:
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", "99999-99i"), USER, PASSWORD)

    error = excinfo.value
    assert "Die Tabelle 99999-99i wurde in der Regionaldatenbank Deutschland nicht gefunden" in error.message_de
    assert "GENESIS-Code 104" in error.message_de
    assert fake.requests[0].form["name"] == "99999-99i"


def test_table_too_large_asks_to_narrow_the_request(fake: FakeGenesis) -> None:
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", LARGE_TABLE), USER, PASSWORD)
    assert "zu groß" in excinfo.value.message_de
    assert "eingrenzen" in excinfo.value.message_de
    assert "GENESIS-Code 98" in excinfo.value.message_de


# --------------------------------------------------------------------------------------------------------------
# Broken transfers and wrong content


def test_response_shorter_than_content_length_is_rejected(fake: FakeGenesis, tmp_path: Path) -> None:
    def truncated(seen: SeenRequest, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv")
        handler.send_header("Content-Length", str(len(TABLE_CSV)))
        handler.end_headers()
        handler.wfile.write(TABLE_CSV[: len(TABLE_CSV) // 2])  # then the connection closes

    fake.respond = truncated
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "vorzeitig" in excinfo.value.message_de
    assert f"{len(TABLE_CSV) // 2} Bytes" in excinfo.value.message_de

    report = pull_to_inbox(
        [PullRequest("regionalstatistik", KNOWN_TABLE)], tmp_path / "inbox", env=ENV_BOTH, base_urls=fake.base_urls
    )
    assert len(report.failed) == 1 and not report.pulled
    assert all_files(tmp_path / "inbox") == []


def test_chunked_response_closed_early_is_rejected(fake: FakeGenesis, tmp_path: Path) -> None:
    def closed_early(seen: SeenRequest, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        part = TABLE_CSV[:1000]
        handler.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")  # no terminating 0-chunk

    fake.respond = closed_early
    report = pull_to_inbox(
        [PullRequest("regionalstatistik", KNOWN_TABLE)], tmp_path / "inbox", env=ENV_BOTH, base_urls=fake.base_urls
    )
    assert not report.ok and not report.pulled
    assert "vorzeitig" in report.failed[0].message_de
    assert all_files(tmp_path / "inbox") == []


def test_truncated_zip_is_rejected(fake: FakeGenesis, tmp_path: Path) -> None:
    broken = zipped(TABLE_CSV)[:-40]  # central directory cut off, Content-Length matches what is sent

    fake.respond = lambda seen, handler: send(handler, 200, broken, "application/zip")
    report = pull_to_inbox(
        [PullRequest("regionalstatistik", KNOWN_TABLE)], tmp_path / "inbox", env=ENV_BOTH, base_urls=fake.base_urls
    )
    assert not report.ok
    assert "ZIP-Archiv" in report.failed[0].message_de and "beschädigt" in report.failed[0].message_de
    assert all_files(tmp_path / "inbox") == []


@pytest.mark.parametrize("status", [200, 503])
def test_html_error_page_gives_a_pull_error(fake: FakeGenesis, tmp_path: Path, status: int) -> None:
    page = (FIXTURES / "error_page.html").read_bytes()
    fake.respond = lambda seen, handler: send(handler, status, page, "text/html; charset=UTF-8")

    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "Webseite statt einer Tabelle" in excinfo.value.message_de
    assert f"HTTP {status}" in excinfo.value.detail

    report = pull_to_inbox(
        [PullRequest("regionalstatistik", KNOWN_TABLE)], tmp_path / "inbox", env=ENV_BOTH, base_urls=fake.base_urls
    )
    assert not report.ok and all_files(tmp_path / "inbox") == []


def test_empty_response_gives_a_pull_error(fake: FakeGenesis) -> None:
    fake.respond = lambda seen, handler: send(handler, 200, b"", "text/csv")
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "leere Antwort" in excinfo.value.message_de


def test_csv_that_is_not_a_genesis_table_gives_a_pull_error(fake: FakeGenesis) -> None:
    flat = b"Statistik_Code;Statistik_Label;Zeit_Code\n12521;Auslaenderstatistik;STAG\n"
    fake.respond = lambda seen, handler: send(handler, 200, flat, "text/csv")
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "keine GENESIS-Tabelle" in excinfo.value.message_de


def test_redirect_is_not_followed(fake: FakeGenesis) -> None:
    def redirect(seen: SeenRequest, handler: BaseHTTPRequestHandler) -> None:
        if seen.path.endswith("data/tablefile"):
            send(handler, 302, b"", "text/plain", Location=f"http://127.0.0.1:{fake.port}/elsewhere")
        else:
            send(handler, 200, TABLE_CSV, "text/csv")

    fake.respond = redirect
    with pytest.raises(PullError) as excinfo:
        download_table(fake.portal(), PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "umgeleitet" in excinfo.value.message_de
    assert [seen.path for seen in fake.requests] == ["/genesisws/rest/2020/data/tablefile"]


# --------------------------------------------------------------------------------------------------------------
# pull_to_inbox bookkeeping and input checks


def test_no_credentials_configured_downloads_nothing_and_reports_skipped(fake: FakeGenesis, tmp_path: Path) -> None:
    requests = [PullRequest("regionalstatistik", KNOWN_TABLE), PullRequest("landesdatenbank_nrw", KNOWN_TABLE)]
    report = pull_to_inbox(requests, tmp_path / "inbox", env={}, base_urls=fake.base_urls)

    assert report.ok  # skipping is not an error
    assert not report.pulled and not report.failed
    assert [(s.portal_id, s.table_code) for s in report.skipped] == [
        ("regionalstatistik", KNOWN_TABLE),
        ("landesdatenbank_nrw", KNOWN_TABLE),
    ]
    assert "IM_GENESIS_REGIONALSTATISTIK_USER" in report.skipped[0].reason_de
    assert fake.requests == []
    assert not (tmp_path / "inbox" / "pulled").exists()


def test_one_failure_does_not_stop_the_other_requests(fake: FakeGenesis, tmp_path: Path) -> None:
    env = {  # only the Regionaldatenbank has credentials
        "IM_GENESIS_REGIONALSTATISTIK_USER": USER,
        "IM_GENESIS_REGIONALSTATISTIK_PASSWORD": PASSWORD,
    }
    requests = [
        PullRequest("regionalstatistik", "99999-99i"),
        PullRequest("landesdatenbank_nrw", KNOWN_TABLE),
        PullRequest("regionalstatistik", KNOWN_TABLE),
        PullRequest("regionalstatistik", KNOWN_TABLE),
    ]
    report = pull_to_inbox(requests, tmp_path / "inbox", env=env, base_urls=fake.base_urls)

    assert [(f.portal_id, f.table_code) for f in report.failed] == [("regionalstatistik", "99999-99i")]
    assert [(s.portal_id, s.table_code) for s in report.skipped] == [("landesdatenbank_nrw", KNOWN_TABLE)]
    assert len(report.pulled) == 2
    assert len({p.path for p in report.pulled}) == 2  # same table twice: two files, none overwritten
    assert all(p.path.read_bytes() == TABLE_CSV for p in report.pulled)
    assert all_files(tmp_path / "inbox") == sorted(p.path for p in report.pulled)
    assert len(fake.requests) == 3


def test_invalid_table_code_is_rejected_before_any_request(fake: FakeGenesis, tmp_path: Path) -> None:
    bad = PullRequest("regionalstatistik", "../../etc/passwd")
    report = pull_to_inbox([bad], tmp_path / "inbox", env=ENV_BOTH, base_urls=fake.base_urls)
    assert not report.ok and "ungültig" in report.failed[0].message_de
    assert fake.requests == []
    assert all_files(tmp_path) == []


def test_plain_http_to_a_remote_host_is_refused_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request was attempted")

    monkeypatch.setattr(urllib.request, "build_opener", no_network)
    portal = replace(PORTALS["regionalstatistik"], base_url="http://www.regionalstatistik.de/genesisws/rest/2020/")
    with pytest.raises(PullError) as excinfo:
        download_table(portal, PullRequest("regionalstatistik", KNOWN_TABLE), USER, PASSWORD)
    assert "https" in excinfo.value.message_de


def test_fixture_error_bodies_are_genesis_json() -> None:
    """The recorded answers keep the shapes the client relies on (flat vs. enveloped status)."""
    assert json.loads((FIXTURES / "error_wrong_credentials.json").read_bytes())["Code"] == 2
    assert json.loads((FIXTURES / "error_not_authorized.json").read_bytes())["Code"] == 15
    assert json.loads((FIXTURES / "error_unknown_table.json").read_bytes())["Status"]["Code"] == 104
    assert json.loads((FIXTURES / "error_too_large.json").read_bytes())["Status"]["Code"] == 98
