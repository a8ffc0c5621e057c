"""Hostile inbox files (issue 16): names near the file-system limit, with line breaks, path separators, leading
dashes or bytes that are not UTF-8; two rejected files of the same name; a file still being written; files and
workbooks too large to open; a publish killed half-way. The real landing step on a real DuckDB warehouse, and once
the whole pipeline."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.file_names import SAFE_NAME_MAX_BYTES, escaped_name, safe_name
from pipelines.landing import land_inbox
from pipelines.publish import publish_snapshot
from pipelines.readers.errors import ReaderError
from pipelines.readers.workbook_limits import check_unpacked_size
from tests.conftest import FORGED_REPORT_NAME, FORMULA_FILE_NAME, LONG_FILE_NAME, PROJECT_ROOT

FORGED_REPORT = FORGED_REPORT_NAME
HOSTILE_NAMES = {  # name as bytes -> what the report and the lineage must show
    b"x" * 246 + b".csv": "x" * 246 + ".csv",
    FORGED_REPORT.encode(): "abgelehnt\\nStelle: Zeile 999\\nGrund: alles in Ordnung.csv",
    b"Daten\\..\\..\\etc\\passwd.csv": "Daten\\\\..\\\\..\\\\etc\\\\passwd.csv",  # Windows path separators
    b"-rf --no-preserve-root.csv": "-rf --no-preserve-root.csv",
    b"Sch\xfcler \xff\xfe.csv": "Sch\\xfcler \\xff\\xfe.csv",  # Latin-1 bytes, not UTF-8
    "Bericht\u202egpj.csv".encode(): "Bericht\\u202egpj.csv",  # a right-to-left override that disguises the name
    b"tab\there\x1b[31m.csv": "tab\\there\\x1b[31m.csv",
}


def _settings(workspace, **limits) -> Settings:
    return Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir,
                    **{"inbox_settle_seconds": 0, **limits})


def _demo(demo_files, name: str) -> bytes:
    [path] = [p for p in demo_files if p.name == name]
    return path.read_bytes()


def _write(folder: Path, name: bytes, data: bytes) -> None:
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
        handle.write(data)


def test_escaped_names_are_printable_unambiguous_utf8():
    for raw, shown in HOSTILE_NAMES.items():
        text = escaped_name(os.fsdecode(raw))
        assert text == shown
        assert text.isprintable() and text.encode("utf-8")
    assert escaped_name("Schüler Olpe 2023.xlsx") == "Schüler Olpe 2023.xlsx"  # ordinary names stay as they are
    assert escaped_name(os.fsdecode(b"\x85")) != escaped_name("\x85")  # a raw byte and a C1 control differ


def test_safe_names_fit_the_file_system_and_carry_no_path_or_option():
    for raw in HOSTILE_NAMES:
        name = safe_name(os.fsdecode(raw))
        assert 0 < len(name.encode("utf-8")) <= SAFE_NAME_MAX_BYTES
        assert name.isprintable() and not set(name) & set('/\\<>:"|?*')
        assert not name.startswith(("-", ".", " "))
    long_a, long_b = "a" * 300 + "1.csv", "a" * 300 + "2.csv"
    assert safe_name(long_a).endswith(".csv") and safe_name(long_a) != safe_name(long_b)
    assert safe_name("NUL.csv") == "_NUL.csv" and safe_name("...") == "datei"
    assert safe_name("Schüler Olpe 2023.xlsx") == "Schüler Olpe 2023.xlsx"


def test_hostile_names_land_or_go_to_quarantine_under_safe_names_and_reports_cannot_be_forged(workspace, demo_files):
    good = _demo(demo_files, "demo_12411-15i_2020.csv")
    for number, raw in enumerate(HOSTILE_NAMES):
        # each name twice: once on a file that loads, once on one that is rejected (it is cut off)
        folder = workspace.inbox / f"gut{number}"
        folder.mkdir()
        _write(folder, raw, good if number == 0 else _demo(demo_files, f"demo_12411-15i_{2012 + number}.csv"))
        _write(workspace.inbox / f"gut{number}", b"kaputt_" + raw[:200], good[: len(good) // 2])
    report = land_inbox(_settings(workspace))
    assert len(report.loaded) == len(HOSTILE_NAMES) and len(report.rejected) == len(HOSTILE_NAMES), report
    assert not list(workspace.inbox.rglob("*.csv")) and not [p for p in workspace.inbox.rglob("*") if p.is_file()]

    # lineage: the original name escaped; the archive holds the bytes under a safe name
    files = workspace.warehouse("select file_name, inbox_path, archive_path from raw.source_files")
    assert {name for name, _, _ in files} == set(HOSTILE_NAMES.values())
    for name, inbox_path, archive_path in files:
        assert inbox_path.endswith("/" + name)
        stored = workspace.sources_dir / archive_path
        assert stored.is_file() and len(stored.name.encode()) <= SAFE_NAME_MAX_BYTES
        assert stored.name.isprintable() and not stored.name.startswith("-")

    # quarantine: safe names, one report line per field whatever the name says, the original name escaped
    quarantine = workspace.sources_dir / "quarantine"
    kept = sorted(p for p in quarantine.iterdir() if not p.name.endswith((".fehler.txt", ".fehler.json")))
    assert len(kept) == len(HOSTILE_NAMES)
    rejected = dict(workspace.warehouse("select file_name, quarantine_path from raw.rejected_files"))
    assert set(rejected) == {"kaputt_" + escaped_name(os.fsdecode(raw[:200])) for raw in HOSTILE_NAMES}
    for path in kept:
        assert path.name.isprintable() and len(path.name.encode()) + len(".fehler.json") <= 255
        text = (quarantine / (path.name + ".fehler.txt")).read_text(encoding="utf-8")
        lines = text.splitlines()
        assert sum(line.startswith("Grund: ") for line in lines) == 1
        assert not [line for line in lines if line.startswith("Stelle: Zeile 999")]
        details = json.loads((quarantine / (path.name + ".fehler.json")).read_text(encoding="utf-8"))
        assert lines[0] == "Datei: " + details["file_name"] and details["file_name"] in rejected
        assert rejected[details["file_name"]] == str(path.relative_to(workspace.sources_dir))
        assert "unvollständig" in details["message_de"]

    # nothing left that stops the next run
    again = land_inbox(_settings(workspace))
    assert (again.loaded, again.rejected, again.waiting) == ([], [], [])


def test_two_rejected_files_of_the_same_name_both_survive_in_quarantine(workspace, demo_files):
    good = _demo(demo_files, "demo_12411-15i_2020.csv")
    cut_short = {"a": good[: len(good) // 2], "b": good[: len(good) // 3]}
    for folder, data in cut_short.items():
        (workspace.inbox / folder).mkdir()
        (workspace.inbox / folder / "bevoelkerung.csv").write_bytes(data)
        (workspace.inbox / folder / "leer.csv").write_bytes(b"")  # the same bytes twice, too
    report = land_inbox(_settings(workspace))
    assert sorted(report.rejected) == ["a/bevoelkerung.csv", "a/leer.csv", "b/bevoelkerung.csv", "b/leer.csv"]
    quarantine = workspace.sources_dir / "quarantine"
    kept = [p for p in quarantine.iterdir() if not p.name.endswith((".fehler.txt", ".fehler.json"))]
    assert sorted(p.read_bytes() for p in kept if p.name.endswith("bevoelkerung.csv")) == sorted(cut_short.values())
    assert len([p for p in kept if p.name.endswith("leer.csv")]) == 2
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in quarantine.glob("*.fehler.json")]
    assert sorted(r["inbox_path"] for r in reports) == sorted(report.rejected)
    assert workspace.warehouse("select count(distinct quarantine_path) from raw.rejected_files") == [(4,)]


def test_a_file_still_being_written_waits_for_the_next_run(workspace, demo_files):
    data = _demo(demo_files, "demo_jugendamt_kitas_05966_2020.csv")
    lines = data.splitlines(keepends=True)
    target = workspace.inbox / "kitas_olpe.csv"
    target.write_bytes(b"".join(lines[:30]))  # a readable file already: header and the first rows

    def keep_writing() -> None:  # a slow copy: a few rows every 0.2 s
        with target.open("ab") as handle:
            for start in range(30, len(lines), 4):
                handle.write(b"".join(lines[start:start + 4]))
                handle.flush()
                time.sleep(0.2)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        during = land_inbox(_settings(workspace, inbox_settle_seconds=1.0))
    finally:
        writer.join()
    assert during.waiting == ["kitas_olpe.csv"] and during.loaded == [] and during.rejected == []
    assert workspace.warehouse("select count(*) from raw.tpl_jugendamt_kitas__kitas") == [(0,)]
    assert target.read_bytes() == data

    after = land_inbox(_settings(workspace, inbox_settle_seconds=1.0))  # waits up to 1 s for the fresh file
    assert after.loaded == ["kitas_olpe.csv"]
    assert workspace.warehouse("select count(*) from raw.tpl_jugendamt_kitas__kitas") == [(len(lines) - 1,)]


def _workbook_bomb(unpacked_mb: int) -> bytes:
    """A valid .xlsx whose worksheet unpacks to `unpacked_mb` MB: a few hundred KB packed (the benchmark's)."""
    from benchmarks.landing_memory import workbook_bomb

    return workbook_bomb(unpacked_mb << 20)


def test_files_and_workbooks_too_large_to_open_are_refused_with_a_german_reason(workspace, demo_files):
    good = _demo(demo_files, "demo_12411-15i_2020.csv")
    (workspace.inbox / "bevoelkerung.csv").write_bytes(good)
    (workspace.inbox / "riesig.csv").write_bytes(good + b";" * (3 << 20))
    bomb = _workbook_bomb(40)
    assert len(bomb) < 1 << 20
    (workspace.inbox / "bombe.xlsx").write_bytes(bomb)
    report = land_inbox(_settings(workspace, max_file_bytes=2 << 20, max_unpacked_bytes=20 << 20))
    assert report.loaded == ["bevoelkerung.csv"] and sorted(report.rejected) == ["bombe.xlsx", "riesig.csv"]
    messages = dict(workspace.warehouse("select file_name, message_de from raw.rejected_files"))
    assert "zu groß" in messages["riesig.csv"] and "IM_MAX_FILE_MB" in messages["riesig.csv"]
    assert "entpackt zu groß" in messages["bombe.xlsx"] and "IM_MAX_UNPACKED_MB" in messages["bombe.xlsx"]
    details = dict(workspace.warehouse("select file_name, detail from raw.rejected_files"))
    assert "exceeds the limit" in details["riesig.csv"] and "IM_MAX_UNPACKED_MB" in details["bombe.xlsx"]


def test_unpacked_size_counts_the_real_bytes_and_leaves_ordinary_workbooks_alone(demo_files):
    with pytest.raises(ReaderError, match="unpack"):
        check_unpacked_size(_workbook_bomb(8), limit=4 << 20)
    workbook = _demo(demo_files, "demo_ki_jahresbericht_05966_2020.xlsx")
    check_unpacked_size(workbook, limit=4 << 20)  # no error
    check_unpacked_size(b"not a zip at all", limit=1)  # left to the readers' own messages


def test_a_run_with_hostile_names_succeeds_and_publish_clears_what_a_killed_publish_left(hostile_pipeline):
    """The whole pipeline (conftest.hostile_pipeline): the run that crashed with "File name too long" ends with exit
    code 0, and stale temp files of a publish that was killed (process gone) are removed by the next publish."""
    assert sorted(hostile_pipeline.serving("select file_name from source_files")) == [
        (FORMULA_FILE_NAME,), (LONG_FILE_NAME,)]
    assert hostile_pipeline.serving("select file_name from rejected_files") == [(escaped_name(FORGED_REPORT_NAME),)]
    assert not [path for path in hostile_pipeline.stale if path.exists()]
    assert not list(hostile_pipeline.data_dir.glob(".serving.duckdb.*"))


def test_a_publish_killed_half_way_leaves_no_temp_file_after_the_next_publish(demo_pipeline, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(demo_pipeline.warehouse_path, data_dir / "warehouse.duckdb")
    settings = Settings(sources_dir=tmp_path / "sources", data_dir=data_dir)
    code = ("from pipelines.config import Settings; from pipelines.publish import publish_snapshot; "
            f"from pathlib import Path; publish_snapshot(Settings(sources_dir=Path({str(settings.sources_dir)!r}), "
            f"data_dir=Path({str(data_dir)!r})))")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT_ROOT)
    temporary = data_dir / f".serving.duckdb.{process.pid}.tmp"
    deadline = time.monotonic() + 60
    while not temporary.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert temporary.exists(), "the publish finished before it could be killed"
    time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert temporary.exists() and not (data_dir / "serving.duckdb").exists()

    counts = publish_snapshot(settings)
    assert counts["indicator_values"] == demo_pipeline.serving("select count(*) from indicator_values")[0][0]
    assert not list(data_dir.glob(".serving.duckdb.*")) and (data_dir / "serving.duckdb").exists()


# --- downloads and file lists in the dashboard -------------------------------------------------------------------

def test_every_download_neutralises_formula_cells_and_keeps_numbers_numbers():
    import pandas as pd
    from openpyxl import load_workbook

    from dashboard.common import csv_bytes, excel_bytes, spreadsheet_safe
    from tests.conftest import read_download_csv

    hostile = [FORMULA_FILE_NAME, "+49 2761 81-0", "-2+3", "@SUMME(A1:A9)", "\tTab", "\rCR", "=1+1"]
    frame = pd.DataFrame({
        "Datei": hostile, "Wert": [-3.5, 1915.0, -0.1, 12.5, 0.0, -1.0, 2.0], "Zeichen": ["-", "", "()", "x", ".", "-",
                                                                                      "p"],
        "Text": ["-12,5", "-1.915", "+3", "ok", "Olpe", "Kreis", "--x"], "@Spalte": range(7),
    })
    safe = spreadsheet_safe(frame)
    assert safe["Datei"].tolist() == ["'" + value for value in hostile]
    assert safe["Zeichen"].tolist() == frame["Zeichen"].tolist()  # one official symbol is no formula
    assert safe["Text"].tolist() == ["-12,5", "-1.915", "+3", "ok", "Olpe", "Kreis", "'--x"]  # numbers as text stay
    assert list(safe.columns)[-1] == "'@Spalte" and safe["Wert"].tolist() == frame["Wert"].tolist()

    from_csv = read_download_csv(csv_bytes(frame))
    assert from_csv["Datei"].tolist() == ["'" + value for value in hostile]
    assert from_csv["Wert"].tolist() == frame["Wert"].tolist()  # still numbers after the round trip
    sheet = load_workbook(io.BytesIO(excel_bytes(frame, "daten"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # openpyxl would write "=..." as formula
    # (XML reads a CR back as LF)
    assert [cell.value for cell in sheet["A"]][1:] == ["'" + value.replace("\r", "\n") for value in hostile]
    assert [cell.value for cell in sheet["B"]][1:] == frame["Wert"].tolist()


def test_a_ki_sees_public_files_and_those_of_its_own_kreis_only():
    import pandas as pd

    from dashboard import access

    files = pd.DataFrame({
        "file_name": ["bev.csv", "olpe_schulen.xlsx", "olpe_bericht.xlsx", "koeln_kitas.csv", "aachen_stadt.xlsx",
                      "aachen_region.csv", "unbekannt.csv"],
        "is_kreis_held": [False, True, True, True, True, True, True],
        "owner_ags": [None, "05966", "KI05966", "05315", "KI05334002", "05334", None],
    })
    ki = access.User(role=access.ROLE_KI, username="ki-olpe", ki="KI05966")
    aachen = access.User(role=access.ROLE_KI, username="ki-aachen", ki="KI05334002")
    laki = access.User(role=access.ROLE_LAKI, username="laki")
    assert access.visible_files(files, ki)["file_name"].tolist() == ["bev.csv", "olpe_schulen.xlsx",
                                                                      "olpe_bericht.xlsx"]
    assert access.visible_files(files, aachen)["file_name"].tolist() == ["bev.csv", "aachen_stadt.xlsx",
                                                                          "aachen_region.csv"]
    assert len(access.visible_files(files, laki)) == len(files)
    assert access.visible_files(files, access.PUBLIC).empty


def test_rejected_templates_name_who_holds_them(workspace, demo_files):
    kitas = _demo(demo_files, "demo_jugendamt_kitas_05966_2020.csv")
    broken = kitas.replace(b";05966", b";0596X", 1)  # an unreadable Gemeinde code: rejected by the reader
    (workspace.inbox / "kitas.csv").write_bytes(broken)
    (workspace.inbox / "bericht.xlsx").write_bytes(_demo(demo_files, "demo_ki_jahresbericht_05111_2020.xlsx")[:-200])
    (workspace.inbox / "bev.csv").write_bytes(_demo(demo_files, "demo_12411-15i_2020.csv")[:400])
    (workspace.inbox / "unbekannt.csv").write_bytes(b"irgendwas;ohne;Bezug\n1;2;3\n")
    land_inbox(_settings(workspace))
    scopes = {name: (held, owner) for name, held, owner in
              workspace.warehouse("select file_name, is_kreis_held, owner_ags from raw.rejected_files")}
    assert scopes == {"kitas.csv": (True, "05966"), "bericht.xlsx": (True, None), "bev.csv": (False, None),
                      "unbekannt.csv": (True, None)}
