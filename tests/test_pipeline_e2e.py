"""End to end: demo extracts -> inbox -> Dagster (land, check, dbt build, publish) -> serving snapshot.

Expected values are computed here straight from the generated files with the csv module, independently of the
product's reader and SQL."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from pipelines.formatting_de import format_number

CONTINENT_CODES = {"1", "2", "3", "4", "5", "9"}


def csv_rows(path: Path) -> list[list[str]]:
    """The CSV records of a demo table: UTF-8 or Windows-1252, as the real download of the table."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _number(cell: str) -> int:
    return 0 if cell.strip() == "-" else int(cell)


def foreigners_from_file(path: Path) -> dict[str, int]:
    """Kreis/RB/Land code -> sum of the published continent rows (the download has no total row)."""
    totals: dict[str, int] = {}
    for row in csv_rows(path):
        if len(row) == 8 and row[0][:2].isdigit() and row[3] in CONTINENT_CODES:
            totals[row[1]] = totals.get(row[1], 0) + _number(row[5])
    return totals


def population_from_file(path: Path) -> dict[str, int]:
    """Region code -> Insgesamt from a 12411-01-01-4 file (Stichtag as header row, code in column 1)."""
    return {row[0]: _number(row[2]) for row in csv_rows(path) if len(row) == 5 and row[0].startswith("05")}


def demo_file(demo_files: list[Path], table: str, year: int) -> Path:
    """The demo file of the table that holds the year: demo_<table>_<year>.csv, or the one of several years stacked
    (demo_<table>_<first>-<last>.csv)."""

    def covers(name: str) -> bool:
        span = name.removeprefix(f"demo_{table}_").removesuffix(".csv")
        first, _, last = span.partition("-")
        return first.isdigit() and int(first) <= year <= int(last or first)

    [path] = [p for p in demo_files if p.name.startswith(f"demo_{table}_") and covers(p.name)]
    return path


def test_serving_snapshot_has_auslaenderanteil_for_every_kreis_and_year(demo_pipeline):
    rows = demo_pipeline.serving(
        "select v.year, count(*) from indicator_values v join districts d using (ags) "
        "where v.indicator_id = 'auslaenderanteil' and d.level = 'Kreis' group by v.year order by v.year"
    )
    assert rows == [(year, 53) for year in range(2012, 2025)]
    levels = demo_pipeline.serving(
        "select d.level, count(distinct v.ags) from indicator_values v join districts d using (ags) "
        "where v.indicator_id = 'auslaenderanteil' group by d.level order by 1"
    )
    # the 52 KIs serving a whole Kreis; AZR counts are rounded, so the StädteRegion without the Stadt Aachen and
    # the Stadt Aachen have no value of their own
    assert levels == [("KI", 52), ("Kreis", 53), ("Land", 1), ("Regierungsbezirk", 5)]


@pytest.mark.parametrize(
    ("ags", "year"),
    [("05513", 2024), ("05558", 2012), ("05334", 2016), ("05111", 2022), ("053", 2019), ("05", 2024)],
)
def test_values_equal_those_computed_from_the_generated_files(demo_pipeline, demo_files, ags, year):
    """The second Ausländeranteil (AZR over the Fortschreibung) from the generated files."""
    foreigners = foreigners_from_file(demo_file(demo_files, "12521-03i", year))[ags]
    population = population_from_file(demo_file(demo_files, "12411-01-01-4", year))[ags]
    [(numerator, denominator, value, unit, is_synthetic, num_table, den_table)] = demo_pipeline.serving(
        "select numerator, denominator, value, unit, is_synthetic, numerator_source_table, denominator_source_table "
        "from indicator_values where indicator_id = 'auslaenderanteil_azr' and ags = ? and year = ? "
        "and group_id = 'insgesamt'",
        [ags, year],
    )
    assert (numerator, denominator) == (foreigners, population)
    assert value == pytest.approx(foreigners / population * 100, rel=1e-12)
    assert unit == "%"
    assert is_synthetic is True
    assert num_table == "12521-03i"
    assert den_table in {"12411-03-03-4", "12411-01-01-4", "12411-15i"}  # the Fortschreibung total, any table


def test_lineage_of_every_loaded_file_is_recorded(demo_pipeline, demo_files):
    files = demo_pipeline.warehouse("select file_name, length(sha256), table_code, stand is not null, archive_path from raw.source_files")
    assert sorted(name for name, *_ in files) == sorted(path.name for path in demo_files)
    for name, sha_length, table_code, has_stand, archive_path in files:
        assert sha_length == 64
        assert table_code in name
        assert has_stand or table_code in {"schulamt_schulen", "jugendamt_kitas", "ki_jahresbericht"}
        assert (demo_pipeline.sources_dir / archive_path).read_bytes() == next(p for p in demo_files if p.name == name).read_bytes()
    assert list(demo_pipeline.inbox.rglob("*.csv")) == []  # everything left the inbox


def test_dissolved_units_are_not_served(demo_pipeline):
    assert demo_pipeline.serving("select count(*) from indicator_values where ags in ('05313', '05354')") == [(0,)]


RAW_TABLES_SQL = (
    "select table_name from information_schema.tables where table_schema = 'raw' "
    "and table_name not in ('validation_results') order by table_name"
)


def _raw_fingerprint(workspace) -> dict[str, tuple]:
    """Row count and an order-independent checksum of every raw table (loaded_at excluded: it is when, not what)."""
    fingerprint = {}
    for (table,) in workspace.warehouse(RAW_TABLES_SQL):
        columns = "* exclude (loaded_at)" if table == "source_files" else "*"
        fingerprint[table] = workspace.warehouse(
            f"select count(*), coalesce(sum(hash(t)), 0) from (select {columns} from raw.{table}) t"
        )[0]
    return fingerprint


def test_loading_the_full_demo_twice_changes_nothing_and_runs_no_dbt(demo_pipeline, demo_files, tmp_path):
    # Work on a copy: the session's demo workspace stays as it is for the other tests.
    copy = demo_pipeline.copy_to(tmp_path)
    before = _raw_fingerprint(copy)
    snapshot = copy.serving_path.read_bytes(), copy.serving_path.stat().st_mtime_ns
    dbt_results = (copy.data_dir / "dbt" / "run_results.json").stat().st_mtime_ns
    jobs = copy.dagster_jobs()
    marts_before = copy.serving("select * from indicator_values order by all")
    assert before["source_files"][0] == len(demo_files) > 2000

    for path in demo_files:
        shutil.copy(path, copy.inbox / path.name)
    result = copy.run_pipeline()
    assert _raw_fingerprint(copy) == before
    assert not [path for path in copy.inbox.rglob("*") if path.is_file()]
    # nothing new: no Dagster run, no dbt, no publish; the snapshot is the same file, untouched
    assert "Nichts Neues" in result.stdout
    assert f"{format_number(len(demo_files))} Dateien waren schon geladen" in result.stdout
    assert copy.dagster_jobs() == jobs
    assert (copy.data_dir / "dbt" / "run_results.json").stat().st_mtime_ns == dbt_results
    assert (copy.serving_path.read_bytes(), copy.serving_path.stat().st_mtime_ns) == snapshot
    assert copy.serving("select * from indicator_values order by all") == marts_before
