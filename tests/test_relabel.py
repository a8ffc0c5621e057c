"""A warehouse landed under an older source catalogue (or before measure recognition existed) is brought up to date
from the archive: every recognised file is re-read from its original bytes and its rows replaced; a file the current
catalogue refuses leaves the raw tables with a German reason, and its bytes stay in the archive."""

from __future__ import annotations

import shutil

import duckdb

from pipelines.config import Settings
from pipelines.landing import catalogue_version, land_inbox
from tests.conftest import REAL_FIXTURES

POPULATION = REAL_FIXTURES / "ldbnrw_12411-15i_bevoelkerung_flaeche_gemeinden_2024.csv"
UNEMPLOYMENT = REAL_FIXTURES / "regionalstatistik_13211-02-05-4_arbeitslose_quoten_kreise_2025.csv"


def _settings(workspace) -> Settings:
    return Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir)


def _land(workspace, *paths) -> None:
    for path in paths:
        shutil.copy(path, workspace.inbox / path.name)
    land_inbox(_settings(workspace))


def _execute(workspace, sql: str) -> None:
    connection = duckdb.connect(str(workspace.warehouse_path))
    try:
        connection.execute(sql)
    finally:
        connection.close()


def test_files_of_an_older_catalogue_are_re_read_from_the_archive(workspace):
    _land(workspace, POPULATION, UNEMPLOYMENT)
    current = workspace.warehouse("select * from raw.genesis_table_cells order by all")
    assert workspace.warehouse("select distinct recognised_with from raw.source_files") == [(catalogue_version(),)]
    # as an older version left them: other ids, or none at all
    _execute(workspace, "update raw.genesis_table_cells set measure_id = null, dimension_ids = []")
    _execute(workspace, "update raw.source_files set recognised_with = 'older catalogue'")

    report = land_inbox(_settings(workspace))
    assert sorted(report.relabelled) == sorted([POPULATION.name, UNEMPLOYMENT.name])
    assert workspace.warehouse("select * from raw.genesis_table_cells order by all") == current
    assert workspace.warehouse("select distinct recognised_with from raw.source_files") == [(catalogue_version(),)]
    # the next run has nothing to re-read
    assert land_inbox(_settings(workspace)).relabelled == []


def test_a_warehouse_from_before_the_recognition_gets_the_new_columns(workspace):
    _land(workspace, POPULATION)
    for statement in (
        "alter table raw.genesis_table_cells drop column measure_id",
        "alter table raw.genesis_table_cells drop column dimension_ids",
        "alter table raw.source_files drop column recognised_with",
    ):
        _execute(workspace, statement)
    report = land_inbox(_settings(workspace))
    assert report.relabelled == [POPULATION.name]
    [(bevoelkerung,)] = workspace.warehouse(
        "select value from raw.genesis_table_cells where region_code = '05966' and measure_id = 'bevoelkerung'")
    assert bevoelkerung == 132346


def test_a_file_the_current_catalogue_refuses_leaves_the_raw_tables_with_a_reason(workspace):
    _land(workspace, POPULATION, UNEMPLOYMENT)
    [(archive_path,)] = workspace.warehouse(
        "select archive_path from raw.source_files where file_name = ?", [UNEMPLOYMENT.name])
    # as if the catalogue now required a measure this download lacks: its archived header no longer has it
    archived = workspace.sources_dir / archive_path
    archived.write_bytes(archived.read_bytes().replace("ausländisch".encode("cp1252"), b"sonstige"))
    _execute(workspace, "update raw.source_files set recognised_with = 'older catalogue'")

    land_inbox(_settings(workspace))
    assert workspace.warehouse("select file_name from raw.source_files") == [(POPULATION.name,)]
    assert workspace.warehouse(
        "select count(*) from raw.genesis_table_cells where table_code = '13211-02-05-4'") == [(0,)]
    [(message, path)] = workspace.warehouse("select message_de, quarantine_path from raw.rejected_files")
    assert message.startswith("Nach einer Änderung des Quellenkatalogs nicht mehr lesbar") and "Arbeitslose" in message
    assert path == archive_path and archived.exists()
