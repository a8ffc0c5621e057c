"""Every real download in ../shared/fixtures/real (see its PROVENANCE.md) goes through the whole pipeline (land,
check, dbt build, publish), "alone" (in an empty inbox with only files it shares no figure with) and all together,
and the serving snapshot carries the figures printed in the file.

The expected figures are read here from named lines and columns of the files with the csv module, independently of
the product's reader, its measure recognition and its SQL: a row is found by its region code (and period or row
label), a column by its header text, which the test asserts before it takes the number.
"""

from __future__ import annotations

import csv
import io
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REAL_FIXTURES, PipelineWorkspace, new_workspace

# --------------------------------------------------------------------------------------------------------------------
# Reading the files here, without the product's code


@dataclass(frozen=True)
class RealFile:
    path: Path

    @property
    def lines(self) -> list[list[str]]:
        data = self.path.read_bytes()
        try:  # the first line says GENESIS-Tabelle either way: the bytes decide (two real files are UTF-8)
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    def row(self, *key: str) -> list[str]:
        """The one data row whose leading cells (stripped) equal key, e.g. ('2023', '05966', 'Olpe, Kreis')."""
        found = [
            line for line in self.lines
            if len(line) > len(key) and [cell.strip() for cell in line[:len(key)]] == list(key)
        ]
        assert len(found) == 1, (self.path.name, key, len(found))
        return found[0]

    def header_cell(self, line_number: int, column: int) -> str:
        return self.lines[line_number - 1][column].strip()


def number(cell: str) -> float | None:
    text = cell.strip()
    if text == "-":
        return 0.0
    if text in {".", "x", "...", "/"}:
        return None
    return float(text.replace(",", "."))


def real(name_part: str) -> RealFile:
    [path] = [p for p in REAL_FIXTURES.glob("*.csv") if name_part in p.name]
    return RealFile(path)


POPULATION_2018 = real("12411-01-01-4")
POPULATION_AGE_2023 = real("12411-02-03-4")
POPULATION_NATIONALITY_2015 = real("12411-03-03-4")
POPULATION_GEMEINDEN_2024 = real("12411-15i")
FOREIGNERS_AZR_2024 = real("12521-03i")
NATURALISATIONS = real("12511-01-01-4")
PUPILS_2023 = real("21111-01-03-4")
LEAVERS_2023 = real("21111-02-06-4")
KITA = real("22543-01-02-4")
UNEMPLOYMENT_2025 = real("13211-02-05-4")
MINDESTSICHERUNG_2023 = real("22811-01i")
ERZIEHERISCHE_HILFEN_2024 = real("22517-02i")
FLAT_POPULATION_2019 = real("destatis_ffcsv_12411-0012")
BA_CSV = real("ba_interaktiv")
UNSUPPORTED = real("22542-06i")

ALL_FILES = sorted(REAL_FIXTURES.glob("*.csv"))


# --------------------------------------------------------------------------------------------------------------------
# The pipeline runs, shared by all tests of this module


def _run_with(root: Path, files: list[Path]) -> PipelineWorkspace:
    workspace = new_workspace(root)
    for path in files:
        shutil.copy(path, workspace.inbox / path.name)
    workspace.run_pipeline()
    return workspace


# "Alone" means without any file whose figures it could borrow: each batch holds files that feed no common indicator
# or base figure (different subjects, or population tables of years that no other file of the batch has), so each
# file publishes what it publishes by itself (12521-03i and 12411-15i of 2024 apart, 12511-01-01-4 and the 2015
# foreigners of 12411-03-03-4 apart). Two batches instead of one run per file keep the suite fast.
ALONE_BATCHES = (
    ("12411-15i", "12511-01-01-4", "21111-01-03-4", "13211-02-05-4", "22517-02i", "destatis_ffcsv_12411-0012",
     "12411-02-03-4", "22543-01-02-4"),
    ("12521-03i", "12411-01-01-4", "12411-03-03-4", "21111-02-06-4", "22811-01i", "ba_interaktiv", "22542-06i"),
)


def _batches() -> list[list[Path]]:
    batches = [[real(part).path for part in batch] for batch in ALONE_BATCHES]
    assert sorted(path for batch in batches for path in batch) == ALL_FILES  # every real download, once
    return batches


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> dict[str, PipelineWorkspace]:
    """Each real download without the files it could borrow from, through the whole pipeline (two runs at a time:
    2 cores); file name -> the workspace of its batch."""
    import pipelines.definitions  # noqa: F401  (parses the dbt project once, before the parallel runs use it)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [(batch, pool.submit(_run_with, tmp_path_factory.mktemp(f"alone_{index}"), batch))
                for index, batch in enumerate(_batches())]
        return {path.name: run.result() for batch, run in runs for path in batch}


@pytest.fixture(scope="module")
def together(tmp_path_factory) -> PipelineWorkspace:
    """All real downloads in one inbox."""
    return _run_with(tmp_path_factory.mktemp("together"), ALL_FILES)


def _value(workspace: PipelineWorkspace, indicator: str, ags: str, year: int, group: str = "insgesamt"):
    rows = workspace.serving(
        "select numerator, denominator, value, flag from indicator_values "
        "where indicator_id = ? and ags = ? and year = ? and group_id = ?",
        [indicator, ags, year, group],
    )
    assert len(rows) == 1, (indicator, ags, year, group, rows)
    return rows[0]


def _figure(workspace: PipelineWorkspace, figure: str, ags: str, year: int, group: str = "insgesamt"):
    rows = workspace.serving(
        "select value, flag, source_table from base_figures where figure_id = ? and ags = ? and year = ? "
        "and group_id = ?",
        [figure, ags, year, group],
    )
    assert len(rows) == 1, (figure, ags, year, group, rows)
    return rows[0]


def _both(alone: dict[str, PipelineWorkspace], together: PipelineWorkspace, real_file: RealFile):
    return [alone[real_file.path.name], together]


# --------------------------------------------------------------------------------------------------------------------
# Population and foreigners


def test_population_2018_kreise(alone, together):
    real_file = POPULATION_2018
    assert real_file.header_cell(8, 2) == "Insgesamt" and real_file.header_cell(7, 2) == "31.12.2018"
    expected = {ags: number(real_file.row(ags)[2]) for ags in ("05", "05966", "05334002", "05513")}
    assert expected["05"] == 17932651
    for workspace in _both(alone, together, real_file):
        for ags, value in expected.items():
            assert _figure(workspace, "bevoelkerung", ags, 2018)[:2] == (value, None), ags
        # the dissolved Kreis Aachen (all '-') is no current unit and is not served
        assert not workspace.serving("select 1 from base_figures where ags = '05354'")


def test_population_by_age_2023_uses_the_all_ages_row(alone, together):
    real_file = POPULATION_AGE_2023
    assert real_file.header_cell(6, 4) == "Insgesamt"
    olpe = real_file.row("31.12.2023", "05966", "Olpe, Kreis", "Insgesamt")
    nrw = real_file.row("31.12.2023", "05", "Nordrhein-Westfalen", "Insgesamt")
    for workspace in [alone[real_file.path.name]]:
        assert _figure(workspace, "bevoelkerung", "05966", 2023)[0] == number(olpe[4])
        assert _figure(workspace, "bevoelkerung", "05", 2023)[0] == number(nrw[4]) == 18017520


def test_population_by_nationality_2015_from_the_fortschreibung(alone, together):
    real_file = POPULATION_NATIONALITY_2015
    assert [real_file.header_cell(7, col) for col in (4, 7, 10)] == ["Insgesamt", "Deutsche", "Ausländer(innen)"]
    assert [real_file.header_cell(8, col) for col in (4, 7, 10)] == ["Insgesamt"] * 3
    for ags, label in (("05966", "Olpe, Kreis"), ("05", "Nordrhein-Westfalen")):
        row = real_file.row("31.12.2015", ags, label, "Insgesamt")
        for workspace in _both(alone, together, real_file):
            for group, column in (("insgesamt", 4), ("deutsch", 7), ("auslaendisch", 10)):
                value, flag, table = _figure(workspace, "bevoelkerung_nach_nationalitaet", ags, 2015, group)
                assert (value, table) == (number(row[column]), "12411-03-03-4"), (ags, group)
    assert number(real_file.row("31.12.2015", "05966", "Olpe, Kreis", "Insgesamt")[10]) == 12164


def test_population_gemeinden_2024_takes_the_population_column_not_area_or_density(alone, together):
    real_file = POPULATION_GEMEINDEN_2024
    assert real_file.header_cell(5, 3) == "Anzahl" and real_file.header_cell(5, 5) == "EW pro qkm"
    expected = {ags: number(_line(real_file, "31.12.2024", ags)[3])
                for ags in ("05", "05966", "05966004", "05513", "05334002")}
    assert expected["05966"] == 132346  # not the density 186,x in the column beside it
    for workspace in _both(alone, together, real_file):
        for ags, value in expected.items():
            assert _figure(workspace, "bevoelkerung", ags, 2024)[:2] == (value, None), ags


def _line(real_file: RealFile, period: str, ags: str) -> list[str]:
    found = [line for line in real_file.lines if len(line) > 2 and line[0] == period and line[1] == ags]
    assert len(found) == 1, (real_file.path.name, period, ags)
    return found[0]


def test_foreigners_azr_2024_are_the_sum_of_the_continent_rows(alone, together):
    real_file = FOREIGNERS_AZR_2024
    assert real_file.header_cell(7, 5) == "Insgesamt"
    continents = {"1", "2", "3", "4", "5", "9"}
    for ags in ("05966", "05513", "05"):
        rows = [line for line in real_file.lines if len(line) == 8 and line[1] == ags and line[3] in continents]
        assert len(rows) == 6
        expected = sum(number(line[5]) for line in rows)
        for workspace in _both(alone, together, real_file):
            value, flag, table = _figure(workspace, "auslaendische_bevoelkerung_azr", ags, 2024)
            assert (value, table) == (expected, "12521-03i"), ags
    assert sum(number(line[5]) for line in real_file.lines
               if len(line) == 8 and line[1] == "05966" and line[3] in continents) == 16405


def test_auslaenderanteil_laut_azr_2024_needs_both_tables_and_divides_by_the_population_column(alone, together):
    foreigners = sum(number(line[5]) for line in FOREIGNERS_AZR_2024.lines
                     if len(line) == 8 and line[1] == "05966" and line[3] in {"1", "2", "3", "4", "5", "9"})
    population = number(_line(POPULATION_GEMEINDEN_2024, "31.12.2024", "05966")[3])
    numerator, denominator, value, flag = _value(together, "auslaenderanteil_azr", "05966", 2024)
    assert (numerator, denominator) == (foreigners, population) == (16405, 132346)
    assert value == pytest.approx(100 * 16405 / 132346) and 12 < value < 13
    # alone, neither table publishes the share
    for real_file in (FOREIGNERS_AZR_2024, POPULATION_GEMEINDEN_2024):
        assert not alone[real_file.path.name].serving(
            "select 1 from indicator_values where indicator_id = 'auslaenderanteil_azr'")


def test_auslaenderanteil_from_the_fortschreibung_alone(alone, together):
    """The headline Ausländeranteil: Ausländer(innen) and Insgesamt of the same table (12411-03-03-4), all ages."""
    real_file = POPULATION_NATIONALITY_2015
    for ags, label in (("05966", "Olpe, Kreis"), ("05", "Nordrhein-Westfalen")):
        row = real_file.row("31.12.2015", ags, label, "Insgesamt")
        for workspace in _both(alone, together, real_file):
            numerator, denominator, value, flag = _value(workspace, "auslaenderanteil", ags, 2015)
            assert (numerator, denominator) == (number(row[10]), number(row[4])), ags
            assert value == pytest.approx(100 * number(row[10]) / number(row[4]))


def test_flat_file_population_2019_nrw(alone, together):
    real_file = FLAT_POPULATION_2019
    header = real_file.lines[0]
    assert header[-1] == "BEVSTD__Bevoelkerungsstand__Anzahl"
    [row] = [line for line in real_file.lines[1:] if line[7] == "05" and line[11] == ""]  # NRW, Insgesamt row
    assert row[12] == "Insgesamt"
    for workspace in _both(alone, together, real_file):
        value, flag, table = _figure(workspace, "bevoelkerung", "05", 2019)
        assert (value, table) == (number(row[13]), "12411")


def test_naturalisations_several_years_stacked(alone, together):
    real_file = NATURALISATIONS
    assert real_file.header_cell(7, 3) == "Insgesamt"
    for year in (2011, 2014, 2016):
        for ags in ("05966", "05334002", "05"):
            expected = number(_line(real_file, str(year), ags)[3])
            for workspace in _both(alone, together, real_file):
                value, flag, table = _figure(workspace, "einbuergerungen", ags, year)
                assert (value, table) == (expected, "12511-01-01-4"), (ags, year)
    assert number(_line(real_file, "2016", "05966")[3]) == 139


# --------------------------------------------------------------------------------------------------------------------
# Schools


def test_pupils_2023_foreign_share_insgesamt_and_per_schulart(alone, together):
    real_file = PUPILS_2023
    assert real_file.header_cell(8, 5) == "Insgesamt" and real_file.header_cell(8, 7) == "ausländisch"
    assert real_file.header_cell(7, 7) == "Nationalität"
    for label, group in (("Insgesamt", "insgesamt"), ("Gymnasien", "gymnasien"),
                         ("Sonderschulen/Förderschulen", "foerderschulen"),
                         ("Schularten mit mehreren Bildungsgängen", "mehrere_bildungsgaenge")):
        row = real_file.row("2023", "05966", "Olpe, Kreis", label)
        for workspace in _both(alone, together, real_file):
            numerator, denominator, value, flag = _value(workspace, "schueler_auslaendisch", "05966", 2023, group)
            assert (numerator, denominator) == (number(row[7]), number(row[5])), group
    olpe = real_file.row("2023", "05966", "Olpe, Kreis", "Insgesamt")
    assert (number(olpe[7]), number(olpe[5])) == (1915, 15280)
    # no Hauptschule in Olpe ('-'): 0 of 0, no value, the symbol kept
    for workspace in _both(alone, together, real_file):
        assert _value(workspace, "schueler_auslaendisch", "05966", 2023, "hauptschulen") == (0, 0, None, "-")
        # a Schulart the file keeps secret for NRW ('x' in every cell) is not a group and never 0
        assert not workspace.serving(
            "select 1 from indicator_values where group_id like '%orientierung%'")


def test_leavers_2023_shares_of_all_leavers(alone, together):
    real_file = LEAVERS_2023
    assert real_file.header_cell(8, 3) == "Insgesamt" and real_file.header_cell(8, 5) == "ohne Hauptschulabschluss"
    assert real_file.header_cell(8, 15) == "mit allgemeiner Hochschulreife"
    for ags in ("05966", "05"):
        row = _line(real_file, "2023", ags)
        for workspace in _both(alone, together, real_file):
            assert _value(workspace, "ohne_hauptschulabschluss", ags, 2023)[:2] == (number(row[5]), number(row[3]))
            assert _value(workspace, "allgemeine_hochschulreife", ags, 2023)[:2] == (number(row[15]), number(row[3]))
    assert [number(_line(real_file, "2023", "05966")[c]) for c in (3, 5, 15)] == [1530, 140, 505]


# --------------------------------------------------------------------------------------------------------------------
# KiTa, labour market, social


def test_kita_foreign_origin_from_the_tageseinrichtung_row(alone, together):
    real_file = KITA
    assert real_file.header_cell(6, 4) == "Betreute Kinder"
    assert real_file.header_cell(6, 8) == "Kinder, Herkunft mind. 1 Elternteil ausländisch"
    for period, ags, label in (("01.03.2016", "05966", "Olpe, Kreis"), ("01.03.2011", "05", "Nordrhein-Westfalen")):
        row = real_file.row(period, ags, label, "Tageseinrichtung")
        for workspace in _both(alone, together, real_file):
            numerator, denominator, value, flag = _value(
                workspace, "kita_auslaendische_herkunft", ags, int(period[-4:]))
            assert (numerator, denominator) == (number(row[8]), number(row[4])), (ags, period)
    olpe = real_file.row("01.03.2016", "05966", "Olpe, Kreis", "Tageseinrichtung")
    assert (number(olpe[8]), number(olpe[4])) == (1251, 4695)


def test_unemployment_2025_rates_as_published_and_foreign_share(alone, together):
    real_file = UNEMPLOYMENT_2025
    assert real_file.header_cell(7, 11) == "Arbeitslosenquote bez. auf alle zivile Erwerbsp."
    assert real_file.header_cell(8, 14) == "ausländisch" and real_file.header_cell(9, 11) == "Prozent"
    assert real_file.header_cell(7, 3) == "Arbeitslose" and real_file.header_cell(8, 4) == "ausländisch"
    for ags in ("05966", "05"):
        row = _line(real_file, "2025", ags)
        for workspace in _both(alone, together, real_file):
            assert _value(workspace, "arbeitslosenquote", ags, 2025)[2] == number(row[11])
            assert _value(workspace, "arbeitslosenquote", ags, 2025, "auslaendisch")[2] == number(row[14])
            assert _value(workspace, "auslaenderanteil_arbeitslose", ags, 2025)[:2] == (number(row[4]), number(row[3]))
    olpe = _line(real_file, "2025", "05966")
    assert [number(olpe[c]) for c in (3, 4, 11, 14)] == [3642, 1277, 4.6, 14.2]


def test_mindestsicherungsquote_2023_with_secret_gemeinden_unknown(alone, together):
    real_file = MINDESTSICHERUNG_2023
    assert real_file.header_cell(7, 2) == "2023"
    for ags in ("05", "05966", "05966004", "05513"):
        [row] = [line for line in real_file.lines if len(line) == 3 and line[0] == ags]
        for workspace in _both(alone, together, real_file):
            assert _value(workspace, "mindestsicherungsquote", ags, 2023)[2] == number(row[2]), ags
    secret = [line[0] for line in real_file.lines if len(line) == 3 and line[2] == "."]
    assert "05154040" in secret  # Kranenburg
    for workspace in _both(alone, together, real_file):
        for ags in secret:
            assert _value(workspace, "mindestsicherungsquote", ags, 2023)[2:] == (None, "."), ags
        # the pseudo unit "Wohnort außerhalb von NRW" ('x') is not served
        assert not workspace.serving("select 1 from indicator_values where ags = '05999998'")


# --------------------------------------------------------------------------------------------------------------------
# Tables without an indicator, the unsupported one, and the lineage of every file


def test_every_supported_real_download_publishes_its_lineage_alone(alone):
    for path in ALL_FILES:
        workspace = alone[path.name]
        if path == UNSUPPORTED.path:
            continue
        [(table_code, row_count, stand)] = workspace.serving(
            "select table_code, row_count, stand from source_files where file_name = ?", [path.name])
        assert row_count > 0 and table_code
        footer = [line for line in RealFile(path).lines if line and line[0].startswith("Stand:")]
        if footer:  # GENESIS table CSV: the Stand of the footer is the data version
            assert f"{stand:%d.%m.%Y / %H:%M:%S}" == footer[-1][0].removeprefix("Stand:").strip()


def test_erzieherische_hilfen_lands_every_nrw_cell(alone):
    real_file = ERZIEHERISCHE_HILFEN_2024
    rows = [line for line in real_file.lines if len(line) > 3 and line[0] == "2024" and
            (line[1].startswith("05") or line[1].startswith("JH05"))]
    value_columns = len(real_file.lines[6]) - 3
    [(row_count,)] = alone[real_file.path.name].serving(
        "select row_count from source_files where file_name = ?", [real_file.path.name])
    assert row_count == len(rows) * value_columns


def test_unsupported_table_is_rejected_in_german_and_blocks_nothing(alone, together):
    for workspace in (alone[UNSUPPORTED.path.name], together):
        [(message,)] = workspace.serving(
            "select message_de from rejected_files where file_name = ?", [UNSUPPORTED.path.name])
        assert "22542-06i" in message and "nicht unterstützt" in message
    # everything else was published beside it
    assert together.serving("select count(distinct file_name) from source_files") == [(len(ALL_FILES) - 1,)]
