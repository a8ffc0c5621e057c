"""The bad-input corpus: every file ends in quarantine with a clear German report, and nothing already loaded is
lost or changed. Runs the real landing step (real DuckDB warehouse) and, once, the whole pipeline."""

from __future__ import annotations

import json

import pytest

from pipelines.config import Settings
from pipelines.landing import land_inbox
from tests.conftest import REAL_FIXTURES


def _demo(demo_files, table: str, year: int) -> bytes:
    [path] = [p for p in demo_files if p.name == f"demo_{table}_{year}.csv"]
    return path.read_bytes()


def _replace_line(data: bytes, starts_with: bytes, new_line: bytes) -> bytes:
    lines = data.split(b"\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(starts_with))
    lines[index] = new_line
    return b"\n".join(lines)


def bad_corpus(demo_files) -> dict[str, tuple[bytes, str]]:
    """file name -> (bytes, a phrase the German report must contain)."""
    population = _demo(demo_files, "12411-15i", 2020)
    foreigners = _demo(demo_files, "12521-03i", 2020)
    olpe = next(line for line in population.split(b"\n") if line.startswith(b"31.12.2020;05966;"))
    fields = olpe.split(b";")
    negative = b";".join([*fields[:3], b"-" + fields[3], *fields[4:]])
    germany = (REAL_FIXTURES / "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv").read_bytes()
    outside_nrw = b"\n".join(line for line in germany.split(b"\n") if not line.startswith(b"05"))
    return {
        "abgeschnitten.csv": (population[: len(population) // 2], "unvollständig"),
        "utf16.csv": (population.decode("cp1252").encode("utf-16"), "Zeichenkodierung"),
        "fehlerseite.csv": (b"<!DOCTYPE html><html><head><title>503</title></head><body>Service Unavailable</body></html>", "Webseite"),
        "unbekannte_tabelle.csv": ((REAL_FIXTURES / "ldbnrw_22542-06i_jugendhilfe_einrichtungen_kreise_2024.csv").read_bytes(), "nicht unterstützt"),
        # "Summe" for "Insgesamt" is the same meaning and lands; a measure the catalogue does not know does not
        "geaenderter_kopf.csv": (foreigners.replace(b"Ausl\xe4ndische Bev\xf6lkerung", b"Wohnberechtigte Bev\xf6lkerung"),
                                 "Tabellenkopf"),
        "doppelte_zeilen.csv": (population.replace(olpe + b"\n", olpe + b"\n" + olpe + b"\n"), "Doppelte Zeile"),
        "negativ.csv": (_replace_line(population, b"31.12.2020;05966;", negative), "Negativer Wert"),
        "leer.csv": (b"", "leer"),
        "nur_leerzeichen.csv": (b"   \r\n  \n", "leer"),
        "binaer.csv": (bytes(range(256)) * 40, "Binärdaten"),
        "sehr_lange_zeile.csv": (population.replace(b"Katasterfl", b"x" * 2_000_000 + b"Katasterfl", 1), ""),
        "ausserhalb_nrw.csv": (outside_nrw, "Nordrhein-Westfalen"),
    }


def test_every_bad_file_is_quarantined_with_a_german_report_and_nothing_is_lost(workspace, demo_files):
    settings = Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir)
    (workspace.inbox / "gut.csv").write_bytes(_demo(demo_files, "12411-15i", 2019))
    first = land_inbox(settings)
    assert first.loaded == ["gut.csv"] and not first.rejected
    before = workspace.warehouse("select * from raw.genesis_table_cells order by all")

    corpus = bad_corpus(demo_files)
    (workspace.inbox / "unterordner").mkdir()
    for name, (data, _) in corpus.items():
        (workspace.inbox / "unterordner" / name).write_bytes(data)
    report = land_inbox(settings)

    assert sorted(name.split("/")[-1] for name in report.rejected) == sorted(corpus)
    assert report.loaded == []
    assert workspace.warehouse("select * from raw.genesis_table_cells order by all") == before
    assert workspace.warehouse("select count(*) from raw.source_files") == [(1,)]
    assert list(workspace.inbox.rglob("*.csv")) == []
    quarantine = workspace.sources_dir / "quarantine"
    for name, (data, phrase) in corpus.items():
        [kept] = [p for p in quarantine.iterdir() if p.name.endswith("_" + name)]
        assert kept.read_bytes() == data  # the original bytes are kept for inspection
        report_text = (quarantine / (kept.name + ".fehler.txt")).read_text(encoding="utf-8")
        details = json.loads((quarantine / (kept.name + ".fehler.json")).read_text(encoding="utf-8"))
        assert "Grund: " in report_text and details["message_de"] in report_text
        assert phrase in details["message_de"], (name, details["message_de"])
        assert details["detail"]  # the exact technical reason for the log
    rejected = dict(workspace.warehouse("select file_name, message_de from raw.rejected_files"))
    assert set(rejected) == set(corpus)


def test_located_errors_name_line_column_and_value(workspace, demo_files):
    settings = Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir)
    corpus = bad_corpus(demo_files)
    for name in ("negativ.csv", "doppelte_zeilen.csv"):
        (workspace.inbox / name).write_bytes(corpus[name][0])
    land_inbox(settings)
    rows = dict(
        (name, (line, column, value)) for name, line, column, value in
        workspace.warehouse('select file_name, line, "column", value from raw.rejected_files')
    )
    population = corpus["negativ.csv"][0].split(b"\n")
    olpe_line = next(i for i, line in enumerate(population, start=1) if line.startswith(b"31.12.2020;05966;"))
    assert rows["negativ.csv"][0] == olpe_line and rows["negativ.csv"][1] == 4
    assert rows["negativ.csv"][2].startswith("-")
    assert rows["doppelte_zeilen.csv"][0] in (olpe_line, olpe_line + 1)


def test_pipeline_keeps_published_data_after_bad_files_and_loads_the_corrected_ones(workspace, demo_files):
    for table in ("12411-01-01-4", "12521-03i"):
        (workspace.inbox / f"{table}.csv").write_bytes(_demo(demo_files, table, 2021))
    workspace.run_pipeline()
    published = workspace.serving("select * from indicator_values order by all")
    assert len(published) == 59 + 52  # Land, 5 RB, 53 Kreise, and the 52 KIs that serve a whole Kreis

    corpus = bad_corpus(demo_files)
    for name in ("negativ.csv", "geaenderter_kopf.csv", "leer.csv"):
        (workspace.inbox / name).write_bytes(corpus[name][0])
    workspace.run_pipeline()
    assert workspace.serving("select * from indicator_values order by all") == published
    assert workspace.serving("select count(*) from rejected_files") == [(3,)]

    # The corrected files: the same tables for 2020, as they should be.
    (workspace.inbox / "korrigiert_bev.csv").write_bytes(_demo(demo_files, "12411-01-01-4", 2020))
    (workspace.inbox / "korrigiert_ausl.csv").write_bytes(_demo(demo_files, "12521-03i", 2020))
    workspace.run_pipeline()
    years = workspace.serving("select distinct year from indicator_values order by year")
    assert years == [(2020,), (2021,)]

    # A file that passes landing but fails a dbt check (Olpe with 99,999,999 inhabitants): the run fails, says in
    # German which check failed and which file holds the rows, and the last good snapshot stays.
    published = workspace.serving("select * from indicator_values order by all")
    population = _demo(demo_files, "12411-01-01-4", 2019)
    olpe = next(line for line in population.split(b"\n") if line.startswith(b"05966;"))
    fields = olpe.split(b";")
    implausible = b";".join([fields[0], fields[1], b"99999999", *fields[3:]])
    (workspace.inbox / "unplausibel.csv").write_bytes(_replace_line(population, b"05966;", implausible))
    result = workspace.run_pipeline(check=False)
    assert result.returncode == 1
    assert "Prüfungen der Datenmodelle (dbt) sind fehlgeschlagen" in result.stderr
    assert "Betroffene Dateien: unplausibel.csv" in result.stderr, result.stderr[-3000:]
    assert workspace.serving("select * from indicator_values order by all") == published


@pytest.mark.parametrize("name", ["utf16.csv", "fehlerseite.csv", "binaer.csv", "sehr_lange_zeile.csv"])
def test_unreadable_files_get_a_message_that_says_what_to_do(workspace, demo_files, name):
    settings = Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir)
    (workspace.inbox / name).write_bytes(bad_corpus(demo_files)[name][0])
    land_inbox(settings)
    [(message,)] = workspace.warehouse("select message_de from raw.rejected_files")
    assert len(message) > 40 and ("Bitte" in message or "Unterstützt" in message), message
