"""Tests for the GENESIS web-service pull (pipelines/pull/).

Every recording in ../shared/fixtures/api/ (real answers of the live service, recorded by other projects) is
replayed from a local server on 127.0.0.1 (tests/genesis_replay.py); what no recording covers (wrong credentials,
broken transfers, redirects, the csv fallback) is served from the hand-written answers in tests/fixtures/genesis_api/
(marked as such in its README) or built in the test. No test touches the network.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.extracts import parse_extract
from pipelines.pull.genesis_api import (
    PORTALS,
    GenesisClient,
    JobSettings,
    PullError,
    PullRequest,
    configured_portal,
    credentials,
    download_table,
    parse_updated,
)
from pipelines.pull.inbox import FAILED, LOADED, UNCHANGED, pull_to_inbox
from pipelines.readers.genesis_flat import read_genesis_flat, read_genesis_flat_zip, unzip_genesis_flat
from pipelines.readers.genesis_table import read_genesis_table
from tests.conftest import PASSWORDS, PROJECT_ROOT, REAL_FIXTURES, new_workspace, sign_in
from tests.genesis_replay import (
    Interaction,
    every_recording,
    notebook_logincheck,
    notebook_outputs,
    pystatis_cassette,
    replay_server,
    restatis_mock,
)

HAND_WRITTEN = Path(__file__).resolve().parent / "fixtures" / "genesis_api"
TABLE_CSV = (HAND_WRITTEN / "tablefile_12521-03i.csv").read_bytes()  # hand-written: no csv answer was recorded

USER = "im-test-user-7f3a"
PASSWORD = "geheim-Pa55wort-91c2"
TOKEN = "0123456789abcdef0123456789abcdef"
ENV = {"IM_GENESIS_REGIONALSTATISTIK_USER": USER, "IM_GENESIS_REGIONALSTATISTIK_PASSWORD": PASSWORD}
JSON = "application/json;charset=UTF-8"
FAST_JOBS = JobSettings(poll_interval=0.0, max_wait=120.0)

POPULATION = "12411-01-01-4@b6e0dd8.yaml"
JOB = "12531-0043@b6e0dd8.yaml"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours proxy variables; the local server must be reached directly."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def job_cassette() -> list[Interaction]:
    return pystatis_cassette(JOB)  # 3 MB of YAML: read once


def portal(server, portal_id: str = "regionalstatistik"):
    return replace(PORTALS[portal_id], base_url=server.base_url())


def client(server, user: str = USER, password: str = PASSWORD, **kwargs) -> GenesisClient:
    return GenesisClient(portal(server), user, password, **kwargs)


def answer(status: int, body: bytes, content_type: str = JSON, endpoint: str = "data/tablefile", **form) -> Interaction:
    """A hand-made answer (for what no recording shows)."""
    return Interaction("POST", endpoint, dict(form), status, {"Content-Type": content_type}, body)


def flat_lines(zip_bytes: bytes) -> list[list[str]]:
    """The recorded flat file's lines, split at ';' (the named lines the expected figures come from)."""
    _, content = unzip_genesis_flat(zip_bytes)
    return [line.split(";") for line in content.decode("utf-8-sig").splitlines()]


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


# --------------------------------------------------------------------------------------------------------------
# Every recording is replayed somewhere below


def test_every_recording_has_a_replay_test() -> None:
    here = Path(__file__).resolve().parent
    source = "".join((here / name).read_text(encoding="utf-8") for name in ("test_genesis_pull.py", "genesis_replay.py"))
    for path in every_recording():
        assert path.name in source, f"{path.name} is not replayed by any test"


# --------------------------------------------------------------------------------------------------------------
# Regionaldatenbank: ffcsv ZIPs and metadata (pystatis cassettes)


def test_population_table_is_pulled_as_the_recorded_ffcsv_zip() -> None:
    recorded = pystatis_cassette(POPULATION)
    with replay_server(recorded) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", "12411-01-01-4"))

    assert pulled.format == "ffcsv" and pulled.job_name is None
    assert pulled.data == recorded[0].body  # the ZIP as delivered, unchanged
    (seen,) = server.requests_to("data/tablefile")
    assert seen.method == "POST" and "?" not in seen.path
    assert seen.headers["username"] == USER and seen.headers["password"] == PASSWORD
    assert seen.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert {key: seen.form[key] for key in ("name", "format", "job", "language", "compress")} == {
        "name": "12411-01-01-4", "format": "ffcsv", "job": "false", "language": "de", "compress": "false"}
    assert not server.unanswered


def test_metadata_gives_the_portals_stand() -> None:
    recorded = pystatis_cassette(POPULATION)
    with replay_server(recorded) as server:
        stand = client(server).table_stand("12411-01-01-4")
    assert stand == datetime(2025, 3, 31, 11, 18, 7)  # "Updated": "31.03.2025 11:18:07h"
    # the English metadata answer of the same cassette writes the same Stand in ISO form
    english = json.loads(recorded[3].body)["Object"]["Updated"]
    assert english == "2025-03-31 11:18:07h" and parse_updated(english) == stand
    # the GENESIS 4 era cassette (2024) has the same field
    old = pystatis_cassette("11111-02-01-4@dda8bcd.yaml")[1]
    assert parse_updated(json.loads(old.body)["Object"]["Updated"]) == datetime(2023, 11, 21, 13, 47, 55)


def test_pulled_population_zip_reads_the_named_lines() -> None:
    zipped = pystatis_cassette(POPULATION)[0].body
    lines = flat_lines(zipped)
    olpe_total = next(line for line in lines if line[7] == "05966" and line[12] == "Insgesamt")
    assert olpe_total[4] == "2024-12-31" and olpe_total[13] == "132346"

    table = read_genesis_flat_zip(zipped, column_variables=["GES"])
    assert table.table_code == "12411-01-01-4"  # from the ZIP member's name: the CSV itself names no table
    olpe = {c.measure: c for c in table.cells if c.region_code == "05966"}
    assert set(olpe) == {"Bevölkerungsstand | Insgesamt", "Bevölkerungsstand | männlich",
                         "Bevölkerungsstand | weiblich"}
    total = olpe["Bevölkerungsstand | Insgesamt"]
    assert (total.value, total.period, total.level, total.dimensions, total.unit) == (
        132346.0, "31.12.2024", "Kreis", (), "Anzahl")
    assert olpe["Bevölkerungsstand | männlich"].value + olpe["Bevölkerungsstand | weiblich"].value == 132346
    # '-' (nothing there) in the recorded file: the dissolved Kreis Aachen
    aachen = next(c for c in table.cells if c.region_code == "05354" and c.measure.endswith("Insgesamt"))
    assert (aachen.value, aachen.flag) == (0.0, "-")


def test_english_ffcsv_has_english_labels_and_the_same_values() -> None:
    recorded = pystatis_cassette(POPULATION)
    german = read_genesis_flat_zip(recorded[0].body, column_variables=["GES"])
    english = read_genesis_flat_zip(recorded[2].body, column_variables=["GES"])
    assert english.title == "Rolled forward population estimates"
    assert "Bevölkerungsstand | Total" in {c.measure for c in english.cells}

    def values(table):
        return {(c.region_code, c.measure.split(" | ")[-1].replace("Total", "Insgesamt")): c.value for c in table.cells}

    assert values(english) == values(german)


@pytest.mark.parametrize(
    ("cassette", "table", "region", "expected"),
    [
        # Zahl der Gemeinden, Kreis Olpe, 31.12.2024: seven Gemeinden
        ("11111-02-01-4@b6e0dd8.yaml", "11111-02-01-4", "05966", {("Zahl der Gemeinden", ()): 7.0}),
        # sozialversicherungspflichtig Beschäftigte, Deutschland, ausländisch / Insgesamt, 30.06.2025
        ("13111-01-03-4@b6e0dd8.yaml", "13111-01-03-4", "DG",
         {("Sozialversicherungspfl. Beschäftigte (Arbeitsort) | Insgesamt", ("NATA", "ausländisch")): 5837916.0}),
    ],
)
def test_other_recorded_regionaldatenbank_tables(cassette: str, table: str, region: str, expected: dict) -> None:
    recorded = pystatis_cassette(cassette)
    with replay_server(recorded) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", table))
        stand = client(server).table_stand(table)
    assert pulled.data == recorded[0].body and stand is not None
    cells = read_genesis_flat_zip(pulled.data, column_variables=["GES"]).cells
    found = {(c.measure, c.dimensions): c.value for c in cells if c.region_code == region}
    for key, value in expected.items():
        assert found[key] == value


def test_genesis4_flat_answer_falls_back_to_the_table_csv() -> None:
    """Before 2025 the Regionaldatenbank sent the flat CSV itself (to a GET): it names the statistic, not the table,
    so the client asks for the table CSV instead. The csv answer is hand-written: no csv answer was recorded."""
    old = pystatis_cassette("11111-02-01-4@dda8bcd.yaml")
    assert old[0].method == "GET" and old[0].headers["Content-Type"] == "text/csv"
    flat = replace(old[0], method="POST")
    csv_answer = answer(200, TABLE_CSV, "text/csv", name="11111-02-01-4", format="csv")
    with replay_server([flat, csv_answer]) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", "11111-02-01-4"))
    assert [seen.form["format"] for seen in server.requests_to("data/tablefile")] == ["ffcsv", "csv"]
    assert (pulled.format, pulled.data) == ("csv", TABLE_CSV)
    # the recorded old flat file itself still reads (labels indented with spaces in this generation)
    legacy = read_genesis_flat(old[0].body)
    olpe = next(c for c in legacy.cells if c.region_code == "05966")
    assert (olpe.region_label, olpe.value, olpe.period, olpe.measure) == (
        "Olpe, Kreis", 7.0, "31.12.2022", "Zahl_der_Gemeinden")


def test_portal_refusing_ffcsv_gets_the_csv_request() -> None:
    """No recording shows a refusal of ffcsv; this answer is made up in the GENESIS status shape."""
    refusal = answer(200, json.dumps({"Status": {"Code": -1, "Content": "Das Format ffcsv ist nicht erlaubt.",
                                                 "Type": "Fehler"}}).encode(), name="12521-03i", format="ffcsv")
    csv_answer = answer(200, TABLE_CSV, "text/csv", name="12521-03i", format="csv")
    with replay_server([refusal, csv_answer]) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", "12521-03i"))
    assert (pulled.format, pulled.data) == ("csv", TABLE_CSV)
    assert read_genesis_table(pulled.data).table_code == "12521-03i"


def test_recorded_http_500_page_is_a_german_error() -> None:
    recorded = pystatis_cassette("52411-02-01-4@1805d3f.yaml")
    assert recorded[0].status == 500 and "Content-Type" not in recorded[0].headers
    with replay_server(recorded) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "52411-02-01-4"))
    assert "Webseite statt einer Tabelle" in excinfo.value.message_de
    assert "HTTP 500" in excinfo.value.detail


# --------------------------------------------------------------------------------------------------------------
# GENESIS-Online: status answers, job flow, English ZIP (pystatis, restatis)


def test_recorded_code_104_is_table_not_found() -> None:
    with replay_server(pystatis_cassette("63121-0001@b6e0dd8.yaml")) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "63121-0001"))
    assert "Die Tabelle 63121-0001 wurde in der Regionaldatenbank Deutschland nicht gefunden" in excinfo.value.message_de
    assert "GENESIS-Code 104: Es gibt keine Objekte zum angegebenen Selektionskriterium" in excinfo.value.message_de


def test_recorded_code_minus_1_is_reported_with_the_service_text() -> None:
    with replay_server(pystatis_cassette("61111-0021@b6e0dd8.yaml")) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "61111-0021"))
    assert "mit einem Fehler beantwortet" in excinfo.value.message_de
    assert "GENESIS-Code -1" in excinfo.value.message_de and "kein Datenquader" in excinfo.value.message_de


def test_recorded_destatis_ffcsv_zip_with_reason_phrase_200() -> None:
    recorded = pystatis_cassette("12211-0001@b6e0dd8.yaml")
    with replay_server(recorded) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", "12211-0001"))
    assert pulled.data == recorded[0].body
    cells = read_genesis_flat_zip(pulled.data).cells
    assert {c.region_code for c in cells} == {"DG"} and {c.period for c in cells} <= {"2020", "2021", "2022", "2023",
                                                                                   "2024"}
    first = cells[0]  # line 2: 2024, Insgesamt, 30 bis unter 35 Jahre, 4543 (1000), Erwerbstätige ...
    assert (first.value, first.unit, first.dimensions) == (4543.0, "1000", ("", "Insgesamt", "ALT030B35",
                                                                             "30 bis unter 35 Jahre"))


def test_restatis_recorded_english_zip_with_decimal_points() -> None:
    recorded = restatis_mock("table1_tablefile-86e7c4-23a648-POST.R")
    assert recorded.headers["Content-Type"] == "application/zip"
    with replay_server([recorded]) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", "61111-0001"))
    assert pulled.data == recorded.body
    cells = read_genesis_flat_zip(pulled.data).cells
    index_2025 = next(c for c in cells if c.period == "2025" and c.unit == "2020=100")
    assert (index_2025.value, index_2025.raw, index_2025.measure) == (121.9, "121.9", "Consumer price index")


def test_job_flow_on_the_recorded_12531_0043_exchange(job_cassette: list[Interaction]) -> None:
    with replay_server(job_cassette) as server:
        pulled = client(server).download(PullRequest("regionalstatistik", "12531-0043"), job=FAST_JOBS)

    assert pulled.job_name == "12531-0043_175879554"
    assert pulled.data == job_cassette[408].body  # the result file as delivered (1.8 MB ZIP)
    tablefile = server.requests_to("data/tablefile")
    assert [seen.form["job"] for seen in tablefile] == ["false", "true"]
    polls = server.requests_to("catalogue/results")
    assert len(polls) == 406  # 405 answers Code 104 (not ready), then Code 0 with the job in the list
    assert {(p.form["selection"], p.form["area"]) for p in polls} == {("12531-0043_175879554", "user")}
    (result,) = server.requests_to("data/resultfile")
    assert (result.form["name"], result.form["format"]) == ("12531-0043_175879554", "ffcsv")
    code, content = unzip_genesis_flat(pulled.data)
    assert code == "12531-0043" and len(content) == 33542142
    assert content.startswith(b"\xef\xbb\xbfstatistics_code;statistics_label;time_code")
    assert not server.unanswered


def test_job_wait_is_bounded_with_a_german_message(job_cassette: list[Interaction]) -> None:
    never_ready = [job_cassette[0], job_cassette[1], job_cassette[2]]  # the poll keeps answering Code 104
    with replay_server(never_ready) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "12531-0043"),
                                job=JobSettings(poll_interval=0.02, max_wait=0.3))
    message = excinfo.value.message_de
    assert "Hintergrundauftrag 12531-0043_175879554" in message and "noch nicht fertig" in message
    assert "Nach 0,01 Minuten" in message  # 0,3 s, in German
    assert "nichts gespeichert" in message
    assert 3 <= len(server.requests_to("catalogue/results")) <= 20
    assert not server.requests_to("data/resultfile")


def test_job_needs_user_and_password_not_a_token(job_cassette: list[Interaction]) -> None:
    with replay_server(job_cassette[:1]) as server, pytest.raises(PullError) as excinfo:
        client(server, TOKEN, "").download(PullRequest("regionalstatistik", "12531-0043"), job=FAST_JOBS)
    message = excinfo.value.message_de
    assert "zu groß" in message and "API-Token" in message and "Passwort" in message
    assert "IM_GENESIS_REGIONALSTATISTIK_PASSWORD" in message
    assert [seen.form["job"] for seen in server.requests_to("data/tablefile")] == ["false"]  # no job=true asked


def test_notebook_code_98_output_is_the_recorded_answer(job_cassette: list[Interaction]) -> None:
    """python_tablefile.ipynb printed the first 120 characters of a Code 98 answer: the cassette's answer starts
    the same way, so the client's reading of it holds for both recordings."""
    printed = next(text for text in notebook_outputs("python_tablefile.ipynb") if '"Code":98' in text).strip()
    assert job_cassette[0].body.decode("utf-8").startswith(printed)


# --------------------------------------------------------------------------------------------------------------
# helloworld/logincheck


def test_recorded_successful_logincheck() -> None:
    with replay_server([notebook_logincheck()]) as server:
        message = client(server, TOKEN, "").check_login()
    assert "erfolgreich" in message and "15 Minuten" in message
    (seen,) = server.requests_to("helloworld/logincheck")
    assert seen.method == "POST" and seen.headers["username"] == TOKEN and seen.headers["password"] == ""


def test_recorded_failed_logincheck_stops_the_portals_batch(tmp_path: Path) -> None:
    failed = restatis_mock("logincheck1_fake_logincheck-86e7c4-1e1f6e-POST.R")
    with replay_server([failed, *pystatis_cassette(POPULATION)]) as server:
        report = pull_to_inbox([PullRequest("regionalstatistik", "12411-01-01-4"),
                                PullRequest("regionalstatistik", "12411-02-03-4")], tmp_path, env=ENV,
                               base_urls={"regionalstatistik": server.base_url()})
    assert [f.table_code for f in report.failed] == ["12411-01-01-4", "12411-02-03-4"]
    assert "Anmeldung an der Regionaldatenbank Deutschland ist fehlgeschlagen" in report.failed[0].message_de
    assert "Ein Fehler ist aufgetreten" in report.failed[0].message_de
    assert [seen.endpoint for seen in server.seen] == ["helloworld/logincheck"]
    assert files_under(tmp_path) == []
    assert {check.outcome for check in report.checks} == {FAILED}


# --------------------------------------------------------------------------------------------------------------
# The batch: freshness, one request at a time, timeouts


def pull_population(server, inbox: Path, **kwargs):
    return pull_to_inbox([PullRequest("regionalstatistik", "12411-01-01-4")], inbox, env=ENV,
                         base_urls={"regionalstatistik": server.base_url()}, **kwargs)


def test_batch_checks_login_then_stand_then_downloads_the_zip(tmp_path: Path) -> None:
    recorded = [notebook_logincheck(), *pystatis_cassette(POPULATION)]
    with replay_server(recorded) as server:
        report = pull_population(server, tmp_path / "inbox")

    assert [seen.endpoint for seen in server.seen] == ["helloworld/logincheck", "metadata/table", "data/tablefile"]
    assert report.ok and len(report.pulled) == 1
    pulled = report.pulled[0]
    assert pulled.path.parent == tmp_path / "inbox" / "pulled" / "regionalstatistik"
    assert re.fullmatch(r"12411-01-01-4_\d{8}T\d{6}Z\.zip", pulled.path.name)
    assert pulled.path.read_bytes() == recorded[1].body
    assert pulled.sha256 == hashlib.sha256(recorded[1].body).hexdigest()
    assert pulled.portal_stand == datetime(2025, 3, 31, 11, 18, 7)
    assert files_under(tmp_path / "inbox") == [pulled.path]  # no temporary file left behind
    (check,) = report.checks
    assert (check.outcome, check.file_sha256, check.portal_stand, check.file_format) == (
        LOADED, pulled.sha256, pulled.portal_stand, "ffcsv")
    # what landed is what the landing step reads: the table code comes from the ZIP member's name
    extract = parse_extract(pulled.path.read_bytes())
    assert (extract.source.id, extract.reader) == ("12411-01-01-4", "genesis_flat")


def test_unchanged_stand_is_not_downloaded_again(tmp_path: Path) -> None:
    recorded = [notebook_logincheck(), *pystatis_cassette(POPULATION)]
    with replay_server(recorded) as server:
        report = pull_population(server, tmp_path, known_stands={"12411-01-01-4": datetime(2025, 3, 31, 11, 18, 7)})
    assert [seen.endpoint for seen in server.seen] == ["helloworld/logincheck", "metadata/table"]
    assert report.ok and not report.pulled and files_under(tmp_path) == []
    assert [(c.outcome, c.portal_stand) for c in report.checks] == [(UNCHANGED, datetime(2025, 3, 31, 11, 18, 7))]

    with replay_server(recorded) as server:  # an older loaded Stand: the newer one is fetched
        report = pull_population(server, tmp_path, known_stands={"12411-01-01-4": datetime(2024, 3, 28, 10, 0)})
    assert len(report.pulled) == 1 and report.checks[0].outcome == LOADED


def test_one_request_at_a_time_per_portal(tmp_path: Path) -> None:
    recorded = [notebook_logincheck(), *pystatis_cassette(POPULATION)]
    with replay_server(recorded) as server:
        server.delay = 0.05
        target = portal(server)
        results: list[bytes] = []

        def pull() -> None:
            results.append(GenesisClient(target, USER, PASSWORD).download(
                PullRequest("regionalstatistik", "12411-01-01-4")).data)

        threads = [threading.Thread(target=pull) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(results) == 4 and len(server.requests_to("data/tablefile")) == 4
    assert server.max_in_flight == 1


def test_timeout_stops_asking_that_portal(tmp_path: Path) -> None:
    recorded = [notebook_logincheck(), *pystatis_cassette(POPULATION)]
    with replay_server(recorded) as server:
        server.delay = 1.0  # longer than the client waits
        report = pull_to_inbox(
            [PullRequest("regionalstatistik", "12411-01-01-4"), PullRequest("regionalstatistik", "12411-02-03-4")],
            tmp_path, env=ENV, base_urls={"regionalstatistik": server.base_url()}, timeout=0.3,
        )
    assert len(server.seen) == 1  # the logincheck timed out: nothing more was sent
    assert [f.table_code for f in report.failed] == ["12411-01-01-4", "12411-02-03-4"]
    assert "nicht innerhalb von 0,3 Sekunden" in report.failed[0].message_de
    assert files_under(tmp_path) == []


def test_timeout_during_the_batch_leaves_the_rest_unrequested(tmp_path: Path) -> None:
    recorded = [notebook_logincheck(), *pystatis_cassette(POPULATION)]
    with replay_server(recorded) as server:
        original = server.answer

        def slow_tablefile(seen):
            if seen.endpoint == "data/tablefile":
                time.sleep(1.0)  # longer than the client waits
            return original(seen)

        server.answer = slow_tablefile  # type: ignore[method-assign]
        report = pull_to_inbox(
            [PullRequest("regionalstatistik", "12411-01-01-4"), PullRequest("regionalstatistik", "12411-02-03-4")],
            tmp_path, env=ENV, base_urls={"regionalstatistik": server.base_url()}, timeout=0.3,
        )
    assert [seen.endpoint for seen in server.seen] == ["helloworld/logincheck", "metadata/table", "data/tablefile"]
    assert "Weitere Abrufe bei diesem Portal wurden für diesen Lauf eingestellt" in report.failed[0].message_de
    assert report.failed[1].table_code == "12411-02-03-4" and "nicht abgefragt" in report.failed[1].message_de
    assert files_under(tmp_path) == []


def test_no_credentials_configured_downloads_nothing_and_reports_skipped(tmp_path: Path) -> None:
    with replay_server([]) as server:
        report = pull_to_inbox([PullRequest("regionalstatistik", "12411-01-01-4"),
                                PullRequest("landesdatenbank_nrw", "12521-03i")], tmp_path, env={},
                               base_urls={"regionalstatistik": server.base_url()})
    assert report.ok and not report.pulled and not report.failed
    assert [(s.portal_id, s.table_code) for s in report.skipped] == [
        ("regionalstatistik", "12411-01-01-4"), ("landesdatenbank_nrw", "12521-03i")]
    assert "IM_GENESIS_REGIONALSTATISTIK_USER" in report.skipped[0].reason_de
    assert server.seen == [] and files_under(tmp_path) == []


def test_invalid_table_code_is_rejected_before_any_request(tmp_path: Path) -> None:
    with replay_server([notebook_logincheck()]) as server:
        report = pull_to_inbox([PullRequest("regionalstatistik", "../../etc/passwd")], tmp_path, env=ENV,
                               base_urls={"regionalstatistik": server.base_url()})
    assert not report.ok and "ungültig" in report.failed[0].message_de
    assert server.seen == [] and files_under(tmp_path) == []


def test_credentials_and_base_url_from_the_environment() -> None:
    target = PORTALS["regionalstatistik"]
    assert target.base_url == "https://www.regionalstatistik.de/genesisws/rest/2020/"
    assert PORTALS["landesdatenbank_nrw"].base_url == "https://www.landesdatenbank.nrw.de/ldbnrwws/rest/2020/"
    assert credentials(target, {}) is None
    assert credentials(target, {"IM_GENESIS_REGIONALSTATISTIK_USER": "  "}) is None
    assert credentials(target, ENV) == (USER, PASSWORD)
    assert credentials(target, {"IM_GENESIS_REGIONALSTATISTIK_USER": TOKEN}) == (TOKEN, "")  # token mode
    local = configured_portal(target, {"IM_GENESIS_REGIONALSTATISTIK_URL": "http://127.0.0.1:9/x/rest/2020/"})
    assert local.base_url == "http://127.0.0.1:9/x/rest/2020/" and configured_portal(target, {}) == target


# --------------------------------------------------------------------------------------------------------------
# What no recording shows (hand-written answers, see tests/fixtures/genesis_api/README.md)


def test_wrong_credentials_give_a_german_error_without_secrets(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "falsches-Passwort-123"
    rejected = answer(404, (HAND_WRITTEN / "error_wrong_credentials.json").read_bytes(), endpoint="helloworld/logincheck")
    with replay_server([rejected]) as server:
        report = pull_to_inbox(
            [PullRequest("regionalstatistik", "12411-01-01-4")], tmp_path,
            env={**ENV, "IM_GENESIS_REGIONALSTATISTIK_PASSWORD": wrong},
            base_urls={"regionalstatistik": server.base_url()})
    failure = report.failed[0]
    assert "Zugangsdaten abgelehnt" in failure.message_de and "GENESIS-Code 2" in failure.message_de
    assert "HTTP 404" in failure.detail
    for text in (failure.message_de, failure.detail, caplog.text):
        assert wrong not in text and USER not in text


def test_missing_credential_headers_answer_is_a_credentials_error() -> None:
    refused = answer(401, (HAND_WRITTEN / "error_not_authorized.json").read_bytes(), endpoint="helloworld/logincheck")
    with replay_server([refused]) as server, pytest.raises(PullError) as excinfo:
        client(server).check_login()
    assert "Zugangsdaten abgelehnt" in excinfo.value.message_de and "GENESIS-Code 15" in excinfo.value.message_de
    assert excinfo.value.stops_portal


def test_server_text_echoing_the_user_name_is_redacted() -> None:
    echo = {"Status": {"Code": 12, "Content": f"Der Nutzer {USER} ist nicht berechtigt.", "Type": "ERROR"}}
    with replay_server([answer(200, json.dumps(echo).encode())]) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "12411-01-01-4"))
    assert "Der Nutzer *** ist nicht berechtigt" in excinfo.value.message_de
    assert USER not in excinfo.value.message_de and USER not in excinfo.value.detail


def _raw_server(respond):
    """A bare server for broken transfers that no recording shows."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.close_connection = True
            respond(self)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def _download_from(server) -> PullError:
    target = replace(PORTALS["regionalstatistik"], base_url=f"http://127.0.0.1:{server.server_address[1]}/r/rest/2020/")
    try:
        with pytest.raises(PullError) as excinfo:
            download_table(target, PullRequest("regionalstatistik", "12411-01-01-4"), USER, PASSWORD)
    finally:
        server.shutdown()
        server.server_close()
    return excinfo.value


def test_response_shorter_than_content_length_is_rejected() -> None:
    zipped = pystatis_cassette(POPULATION)[0].body

    def truncated(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/zip")
        handler.send_header("Content-Length", str(len(zipped)))
        handler.end_headers()
        handler.wfile.write(zipped[: len(zipped) // 2])

    error = _download_from(_raw_server(truncated))
    assert "vorzeitig" in error.message_de and f"{len(zipped) // 2} Bytes" in error.message_de


def test_chunked_response_closed_early_is_rejected() -> None:
    def closed_early(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/zip")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"3e8\r\n" + b"x" * 1000 + b"\r\n")  # no terminating 0-chunk

    assert "vorzeitig" in _download_from(_raw_server(closed_early)).message_de


def test_truncated_zip_is_rejected() -> None:
    broken = pystatis_cassette(POPULATION)[0].body[:-40]  # central directory cut off
    with replay_server([answer(200, broken, "application/zip")]) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "12411-01-01-4"))
    assert "ZIP-Archiv" in excinfo.value.message_de and "beschädigt" in excinfo.value.message_de


def test_zip_of_another_table_is_rejected() -> None:
    other = pystatis_cassette("11111-02-01-4@b6e0dd8.yaml")[0].body
    with replay_server([answer(200, other, "application/zip")]) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "12411-01-01-4"))
    assert "die Tabelle 11111-02-01-4 geliefert" in excinfo.value.message_de


def test_empty_response_is_rejected() -> None:
    with replay_server([answer(200, b"", "application/zip")]) as server, pytest.raises(PullError) as excinfo:
        client(server).download(PullRequest("regionalstatistik", "12411-01-01-4"))
    assert "leere Antwort" in excinfo.value.message_de


def test_redirect_is_not_followed() -> None:
    def redirect(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "http://127.0.0.1:9/elsewhere")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    assert "umgeleitet" in _download_from(_raw_server(redirect)).message_de


def test_plain_http_to_a_remote_host_is_refused_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request was attempted")

    monkeypatch.setattr(urllib.request, "build_opener", no_network)
    target = replace(PORTALS["regionalstatistik"], base_url="http://www.regionalstatistik.de/genesisws/rest/2020/")
    with pytest.raises(PullError) as excinfo:
        download_table(target, PullRequest("regionalstatistik", "12411-01-01-4"), USER, PASSWORD)
    assert "https" in excinfo.value.message_de


def test_hand_written_error_bodies_keep_the_flat_status_shape() -> None:
    assert json.loads((HAND_WRITTEN / "error_wrong_credentials.json").read_bytes())["Code"] == 2
    assert json.loads((HAND_WRITTEN / "error_not_authorized.json").read_bytes())["Code"] == 15
    assert read_genesis_table(TABLE_CSV).table_code == "12521-03i"
    assert zipfile.is_zipfile(io.BytesIO(pystatis_cassette(POPULATION)[0].body))


# --------------------------------------------------------------------------------------------------------------
# A pulled flat file lands the same cells as the browser's table CSV of the same table


REAL_TABLE_CSV = "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv"


def table_csv_shape(zipped: bytes) -> bytes:
    """The recorded flat file's values in the table-CSV layout of the real browser download of 12411-01-01-4
    (its header lines and footer, Stichtag as a header row, columns Insgesamt / männlich / weiblich)."""
    real = (REAL_FIXTURES / REAL_TABLE_CSV).read_bytes().decode("cp1252").split("\n")
    header = [line.replace("31.12.2018", "31.12.2024") for line in real[:8]]
    footer_start = next(i for i, line in enumerate(real) if line.startswith("__"))
    footer = [line for line in real[footer_start:] if not line.startswith("Stand:")]
    values: dict[tuple[str, str], dict[str, str]] = {}
    for line in flat_lines(zipped)[1:]:
        values.setdefault((line[7], line[8]), {})[line[12]] = line[13]
    rows = [f"{code};      {label};{v['Insgesamt']};{v['männlich']};{v['weiblich']}"
            for (code, label), v in sorted(values.items())]
    return "\n".join([*header, *rows, *footer, "Stand: 31.03.2025 / 11:18:07", ""]).encode("cp1252")


def test_flat_zip_and_table_csv_of_the_same_table_land_the_same_cells() -> None:
    zipped = pystatis_cassette(POPULATION)[0].body
    pulled = parse_extract(zipped).frames["genesis_table_cells"]
    browser = parse_extract(table_csv_shape(zipped)).frames["genesis_table_cells"]

    def landed(frame):
        return sorted(
            (row.period, row.region_code, row.level, tuple(row.dimensions), row.measure.split(" | ")[-1], row.unit,
             row.value, row.flag if isinstance(row.flag, str) else None)
            for row in frame.itertuples()
        )

    assert len(pulled) == 56 * 3  # NRW's 53 Kreise, the Stadt Aachen and two dissolved units, three columns each
    assert landed(pulled) == [(*cell[:5], "Anzahl", *cell[6:]) for cell in landed(browser)]


# --------------------------------------------------------------------------------------------------------------
# Through the whole pipeline: pull, land, dbt, publish, Daten & Qualität (twice: the second run finds it unchanged)


@pytest.fixture(scope="module")
def pulled_pipeline(tmp_path_factory, demo_files):
    """The pipeline run once against the replayed Regionaldatenbank, with the demo foreigner counts of 2024
    (12521-03i, the numerator of the AZR-based Ausländeranteil, auslaenderanteil_azr) in the inbox (the
    Landesdatenbank NRW has no credentials); then the next night's pull, with the functions the pull asset calls,
    on the warehouse that run left."""
    from pipelines.config import Settings
    from pipelines.warehouse import connect_warehouse
    from pipelines.pull.freshness import known_stands
    from tests.test_pipeline_e2e import demo_file

    workspace = new_workspace(tmp_path_factory.mktemp("pulled_pipeline"))
    demo = demo_file(demo_files, "12521-03i", 2024)
    (workspace.inbox / demo.name).write_bytes(demo.read_bytes())
    recorded = [notebook_logincheck(), *pystatis_cassette(POPULATION)]
    with replay_server(recorded) as server:
        env = {
            "IM_GENESIS_REGIONALSTATISTIK_USER": USER,
            "IM_GENESIS_REGIONALSTATISTIK_PASSWORD": PASSWORD,
            "IM_GENESIS_REGIONALSTATISTIK_URL": server.base_url(),
            "IM_GENESIS_LANDESDATENBANK_NRW_USER": "",
            "no_proxy": "127.0.0.1,localhost",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        run_with(workspace, env)
        first_requests = list(server.seen)
        server.seen.clear()
        connection = connect_warehouse(Settings(workspace.sources_dir, workspace.data_dir))
        try:
            stands = known_stands(connection)
        finally:
            connection.close()
        next_night = pull_to_inbox([PullRequest("regionalstatistik", "12411-01-01-4")], workspace.inbox, env=env,
                                   known_stands=stands)
        next_requests = list(server.seen)
    return workspace, recorded, first_requests, (stands, next_night, next_requests)


def run_with(workspace, env):
    environment = {key: value for key, value in workspace.env().items() if "PROXY" not in key.upper()}
    result = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env={**environment, **env},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_pulled_table_publishes_olpe_and_nrw_from_the_recorded_lines(pulled_pipeline) -> None:
    workspace, recorded, _, _ = pulled_pipeline
    lines = flat_lines(recorded[1].body)
    totals = {line[7]: line[13] for line in lines[1:] if line[12] == "Insgesamt"}
    olpe = int(totals["05966"])  # the line '...;05966;Olpe, Kreis;GES;Geschlecht;;Insgesamt;132346;...'
    kreise = {code: int(value) for code, value in totals.items() if re.fullmatch(r"05\d{3}", code) and value != "-"}
    assert olpe == 132346 and len(kreise) == 53  # 05313 and 05354 (dissolved) are '-'
    nrw = sum(kreise.values())

    # The pulled population is the denominator of the AZR-based share (auslaenderanteil_azr). The headline
    # Ausländeranteil rests on 12411-03-03-4 alone (foreigners and total of the Fortschreibung), which is not loaded
    # here: it publishes nothing rather than relating AZR foreigners to the pulled Fortschreibung.
    assert workspace.serving(
        "select count(*) from indicator_values where indicator_id = 'auslaenderanteil'") == [(0,)]
    published = {
        ags: (denominator, table, stand, aggregation)
        for ags, denominator, table, stand, aggregation in workspace.serving(
            "select ags, denominator, denominator_source_table, denominator_stand, aggregation from indicator_values "
            "where indicator_id = 'auslaenderanteil_azr' and year = 2024 and group_id = 'insgesamt'")
    }
    stand = datetime(2025, 3, 31, 11, 18, 7)
    assert published["05966"][:3] == (olpe, "12411-01-01-4", stand)
    assert published["05"][:3] == (nrw, "12411-01-01-4", stand)
    # how the NRW value was built: the demo AZR download has no total row (its numerator is a sum of rounded
    # continent rows, which the column names first); otherwise the Land is a sum of exact Kreis counts
    [(summed_rounded,)] = workspace.serving(
        "select numerator_summed_rounded_parts from indicator_values where indicator_id = 'auslaenderanteil_azr' "
        "and year = 2024 and group_id = 'insgesamt' and ags = '05'")
    assert published["05"][3] == ("sum_of_rounded_parts" if summed_rounded else "sum_of_exact_parts")
    # Regierungsbezirk Arnsberg: its 12 Kreise and kreisfreie Städte
    arnsberg = sum(value for code, value in kreise.items() if code.startswith("059"))
    assert published["059"][0] == arnsberg
    assert len([ags for ags in published if len(ags) == 5]) == 53

    [(reader, file_stand, name)] = workspace.serving(
        "select reader, stand, file_name from source_files where table_code = '12411-01-01-4'")
    assert (reader, file_stand) == ("genesis_flat", stand) and name.endswith(".zip")


def test_freshness_after_the_pull_and_the_next_night(pulled_pipeline) -> None:
    workspace, _, first_requests, (stands, next_night, next_requests) = pulled_pipeline
    assert first_requests[0].endpoint == "helloworld/logincheck"
    population = [s for s in first_requests if s.form.get("name") == "12411-01-01-4"]
    assert [s.endpoint for s in population] == ["metadata/table", "data/tablefile"]

    stand = datetime(2025, 3, 31, 11, 18, 7)
    freshness = workspace.serving_frame("select * from genesis_table_freshness").set_index("table_code")
    row = freshness.loc["12411-01-01-4"]
    assert (row.portal_id, row.loaded_stand, row.portal_stand, row.last_outcome, bool(row.newer_stand_available)) == (
        "regionalstatistik", stand, stand, "geladen", False)
    assert row.last_successful_pull_at == row.last_checked_at
    # the other pulled tables of the Regionaldatenbank have no recording: the replay answers 404
    others = freshness.drop(index="12411-01-01-4")
    assert len(others) >= 1 and set(others["last_outcome"]) == {"fehlgeschlagen"}
    assert others["last_message_de"].str.contains("HTTP 404").all()
    assert others["last_successful_pull_at"].isna().all() and not others["newer_stand_available"].any()

    # the next night: the loaded Stand (from the pull's record: a flat file has no Stand line) equals the portal's,
    # so the table is asked for its metadata only and not downloaded again
    assert stands["12411-01-01-4"] == stand
    assert [s.endpoint for s in next_requests] == ["helloworld/logincheck", "metadata/table"]
    assert not next_night.pulled and [c.outcome for c in next_night.checks] == [UNCHANGED]


def test_data_page_shows_the_freshness_of_the_pulled_tables(pulled_pipeline, user_file, monkeypatch) -> None:
    workspace = pulled_pipeline[0]
    monkeypatch.setenv("IM_DATA_DIR", str(workspace.data_dir))
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    sign_in(app, "laki", PASSWORDS["laki"])
    app.switch_page("views/daten.py").run()
    assert not app.exception
    assert "Aktualität der abgerufenen Tabellen" in [header.value for header in app.subheader]
    shown = next(frame.value for frame in app.dataframe if "Neuester Stand im Portal" in frame.value.columns)
    row = shown[shown["Tabelle"] == "12411-01-01-4"].iloc[0]
    assert (row["Portal"], row["Geladener Stand"], row["Neuester Stand im Portal"], row["Ergebnis"]) == (
        "Regionaldatenbank Deutschland", "31.03.2025 11:18", "31.03.2025 11:18", "geladen")
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", row["Letzter erfolgreicher Abruf (UTC)"])
    failed = shown[shown["Ergebnis"] == "fehlgeschlagen"]
    assert len(failed) >= 1 and (failed["Letzter erfolgreicher Abruf (UTC)"] == "–").all()


def test_known_stands_count_loaded_and_rejected_pulled_files(tmp_path: Path) -> None:
    """A rejected pulled file is not fetched again for the same Stand (it would be rejected again, every night)."""
    from pipelines.config import Settings
    from pipelines.warehouse import connect_warehouse
    from pipelines.pull.freshness import known_stands, record_checks
    from pipelines.pull.inbox import PullCheck

    connection = connect_warehouse(Settings(tmp_path / "sources", tmp_path / "data"))
    try:
        assert known_stands(connection) == {}
        record_checks(connection, [
            PullCheck("regionalstatistik", "12411-01-01-4", datetime(2026, 1, 2), datetime(2025, 3, 31, 11, 18, 7),
                      LOADED, "a.zip", "sha-loaded", "ffcsv"),
            PullCheck("regionalstatistik", "21111-01-03-4", datetime(2026, 1, 2), datetime(2025, 9, 1, 8, 0),
                      LOADED, "b.zip", "sha-rejected", "ffcsv"),
            PullCheck("regionalstatistik", "13211-02-05-4", datetime(2026, 1, 2), None, FAILED, message_de="x"),
        ])
        connection.execute(
            "insert into raw.source_files (sha256, file_name, inbox_path, archive_path, size_bytes, reader, source_id, "
            "family, table_code, stand, is_synthetic, row_count, loaded_at) values "
            "('sha-loaded', 'a.zip', 'a', 'a', 1, 'genesis_flat', '12411-01-01-4', 'Bevölkerung', '12411-01-01-4', "
            "null, false, 1, '2026-01-02'), "
            "('sha-table', 't.csv', 't', 't', 1, 'genesis_table', '12521-03i', 'Bevölkerung', '12521-03i', "
            "'2025-05-01 10:00:00', false, 1, '2026-01-02')")
        connection.execute(
            "insert into raw.rejected_files (sha256, file_name, quarantine_path, rejected_at, message_de, detail, "
            "is_kreis_held, owner_ags) values ('sha-rejected', 'b.zip', 'q/b.zip', '2026-01-02', 'abgelehnt', 'x', "
            "false, null)")  # a pulled file is a public table: held by no Kreis
        assert known_stands(connection) == {
            "12411-01-01-4": datetime(2025, 3, 31, 11, 18, 7),  # a flat file: the Stand its pull recorded
            "21111-01-03-4": datetime(2025, 9, 1, 8, 0),  # pulled and rejected
            "12521-03i": datetime(2025, 5, 1, 10, 0),  # a table CSV dropped by hand: its own Stand line
        }
    finally:
        connection.close()


def test_job_result_of_a_table_outside_the_catalogue_is_refused_at_landing(job_cassette: list[Interaction]) -> None:
    from pipelines.readers.errors import ReaderError

    with pytest.raises(ReaderError) as excinfo:
        parse_extract(job_cassette[408].body)  # refused by its member name, before its 33 MB are read
    assert "»12531-0043« wird (noch) nicht unterstützt" in excinfo.value.message_de
