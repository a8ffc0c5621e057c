"""The real official downloads in ../shared/fixtures/real land byte for byte, with lineage, in the raw tables; the
one table the catalogue does not support is rejected with a German message. (What they publish through the whole
pipeline: tests/test_real_downloads.py.)"""

from __future__ import annotations

import shutil

from pipelines.config import Settings
from pipelines.landing import land_inbox
from pipelines.readers.genesis_table import read_genesis_table
from tests.conftest import REAL_FIXTURES


def test_real_downloads_land_with_lineage(workspace):
    for path in REAL_FIXTURES.glob("*.csv"):
        shutil.copy(path, workspace.inbox / path.name)
    report = land_inbox(Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir))

    assert report.rejected == ["ldbnrw_22542-06i_jugendhilfe_einrichtungen_kreise_2024.csv"]
    files = {row[0]: row[1:] for row in workspace.warehouse(
        "select file_name, source_id, reader, stand, row_count from raw.source_files")}
    # every other real download lands, each recognised as its table
    assert len(files) == len(list(REAL_FIXTURES.glob("*.csv"))) - 1
    for name, (source_id, reader, _, _) in files.items():
        if reader == "genesis_table":
            assert source_id in name, (name, source_id)
    assert files["destatis_ffcsv_12411-0012_bevoelkerung_laender_alter_2019.csv"][:2] == ("12411", "genesis_flat")
    assert files["ba_interaktiv_arbeitslose_auslaender_berufsabschluss_DE_2015.csv"][:2] == (
        "ba_arbeitslose_interaktiv", "ba_csv")
    # Lineage: Stand from the footer, and every NRW cell of the file, no more.
    real = REAL_FIXTURES / "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv"
    nrw_cells = [c for c in read_genesis_table(real.read_bytes()).cells if c.region_code.startswith("05")]
    _, _, stand, row_count = files[real.name]
    assert f"{stand:%d.%m.%Y %H:%M:%S}" == "21.03.2020 12:15:06" and row_count == len(nrw_cells)
    assert workspace.warehouse(
        "select value from raw.genesis_table_cells where table_code = '12411-01-01-4' and region_code = '05' "
        "and measure_id = 'insgesamt'") == [(17932651.0,)]
    # Jugendamt codes stay as they are in raw; the dissolved Kreis Aachen keeps its '-'.
    jugendaemter = workspace.warehouse(
        "select count(distinct region_code) from raw.genesis_table_cells where region_code like 'JH05%'")[0][0]
    assert jugendaemter > 50
    assert workspace.warehouse(
        "select distinct value, flag from raw.genesis_table_cells where table_code = '12411-01-01-4' "
        "and region_code = '05354'") == [(0.0, "-")]
    [(message,)] = workspace.warehouse("select message_de from raw.rejected_files")
    assert "22542-06i" in message and "nicht unterstützt" in message
