"""Tests of the demo families beyond population and foreigners (pipelines/demo/families.py and the modules it calls):
schools (21111-01-03-4, 21111-02-06-4, Schulamt extract), KiTas (22543-01-02-4, Jugendamt extract), naturalisations
(12511-01-01-4), labour market (13211-02-05-4), social benefits (22811-01i, BA SGB II Excel), population by
nationality (12411-03-03-4) and KI annual reports.

Every GENESIS file is read back as the product lands it (pipelines.extracts.parse_extract: measures and dimension
values recognised by the catalogue) and compared with the exact model values, and the sources are checked against
each other: the school extract sums equal the published school tables before rounding, the KiTa extract sums equal
the Tageseinrichtung row of 22543-01-02-4 where they overlap. The files' layout is compared with the real downloads
in tests/test_demo_real_layouts.py."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from pipelines.catalogue import source_catalogue
from pipelines.demo import kitas, labour, naturalisations, population_nationality, schools
from pipelines.demo.context import unit_foreign_share
from pipelines.demo.families import (
    BA_EXCEL, GENESIS_TABLES, KREIS_TEMPLATES, STACKED_TABLES, demo_file_name, generate_demo, write_families,
)
from pipelines.demo.generator import DEFAULT_SEED, DEMO_MARKER, exact_foreigners, population, round_to_5
from pipelines.demo.geography import jugendaemter, ldb_gemeinde_rows
from pipelines.demo.ki_reports import KI_IDS, ki_area
from pipelines.extracts import GENESIS_CELLS, parse_extract
from pipelines.readers.ba import read_ba_excel
from pipelines.readers.genesis_table import GenesisTable, read_genesis_table
from pipelines.readers.kreis_templates import TemplateExtract, read_template

YEARS = range(2012, 2025)
SEED = DEFAULT_SEED
KREISE = sorted(a for (a, _year) in population(years=range(2018, 2019)) if len(a) == 5)
RUHR = ("05513", "05112", "05113", "05913", "05916")  # Gelsenkirchen, Duisburg, Essen, Dortmund, Herne
RURAL = ("05558", "05554", "05966", "05762")  # Coesfeld, Borken, Olpe, Höxter
FAMILY_IDS = {*GENESIS_TABLES, BA_EXCEL, *KREIS_TEMPLATES}
ROUNDED_FROM = schools.SCHOOL_ROUNDING_FROM
TE = kitas.BETREUUNGSARTEN[0]  # the row Tageseinrichtung of 22543-01-02-4


@pytest.fixture(scope="module")
def demo_dir(demo_files) -> Path:
    """The default demo (conftest: generated once per test session)."""
    (folder,) = {p.parent for p in demo_files}
    return folder


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def genesis(path: Path) -> GenesisTable:
    return read_genesis_table(path.read_bytes())


@lru_cache(maxsize=None)
def template(path: Path) -> TemplateExtract:
    return read_template(path.read_bytes(), path.name)


@dataclass(frozen=True)
class Cell:
    value: float | None
    flag: str | None
    unit: str | None


@lru_cache(maxsize=None)
def landed(path: Path) -> dict[tuple[str, str, tuple[str, ...], str], Cell]:
    """(period, region code, dimension values as written, catalogue measure id) -> cell, as the product's landing
    reads the file (NRW rows only). Columns the catalogue does not declare are keyed by their header text."""
    frame = parse_extract(path.read_bytes()).frames[GENESIS_CELLS]
    out = {}
    for period, region, dims, measure_id, measure, value, flag, unit in zip(
            frame.period, frame.region_code, frame.dimensions, frame.measure_id, frame.measure, frame.value,
            frame.flag, frame.unit):
        key = (period, region, tuple(dims), measure_id if isinstance(measure_id, str) else measure)
        out[key] = Cell(None if pd.isna(value) else float(value), flag if isinstance(flag, str) else None, unit)
    return out


def table_file(demo_dir: Path, table: str, year: int) -> Path:
    """The demo file that holds the year of the table (a stacked table: the file of all years)."""
    return demo_dir / demo_file_name(table, YEARS if table in STACKED_TABLES else range(year, year + 1))


def year_cells(demo_dir: Path, table: str, year: int, period: str | None = None) -> dict[tuple, Cell]:
    """(region code, dimension values, measure id) -> cell of one period of a table."""
    period = period or str(year)
    return {key[1:]: cell for key, cell in landed(table_file(demo_dir, table, year)).items() if key[0] == period}


def corr(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


# measures of 21111-01-03-4 (catalogue ids) in the order of schools.published_school_values
SCHOOL_MEASURES = ("schulen", "schueler_insgesamt", "schueler_weiblich", "schueler_auslaendisch", "schueler_klasse_7",
                   "schueler_jahrgang_11")
SCHULART_OF_FORM = {s.key: s.label for s in schools.SCHULARTEN}
# measures of 22543-01-02-4 (catalogue ids) in the order of kitas.published_kita_values; the column 6 bis unter 14
# Jahre is none of the catalogue's
KITA_MEASURES = ("kinder_insgesamt", "kinder_unter_3", "kinder_3_bis_6", None, "kinder_auslaendische_herkunft",
                 "kinder_mittagsverpflegung")


def kita_period(year: int) -> str:
    return f"01.03.{year}"


def school_rows(demo_dir: Path, year: int) -> list[dict]:
    rows = []
    for kreis in KREISE:
        rows += template(demo_dir / f"demo_schulamt_schulen_{kreis}_{year}.xlsx").sheets["schulen"]
    return rows


def kita_rows(demo_dir: Path, year: int) -> list[dict]:
    rows = []
    for kreis in KREISE:
        rows += template(demo_dir / f"demo_jugendamt_kitas_{kreis}_{year}.csv").sheets["kitas"]
    return rows


def kreis_of_gemeinde(ags: str) -> str:
    return ags[:5]


# --------------------------------------------------------------------------------------------------------------
# files and catalogue
# --------------------------------------------------------------------------------------------------------------
def test_every_catalogue_entry_has_demo_files_for_every_year(demo_dir):
    catalogue = source_catalogue()
    covered = {spec.id for spec in catalogue.values()
               if spec.format in ("genesis_table", "ba_excel", "kreis_template") and spec.id in FAMILY_IDS}
    assert covered == FAMILY_IDS  # the catalogue lists every demo table with one of these formats
    names = {p.name for p in demo_dir.iterdir()}
    per_year = {"schulamt_schulen": 53, "jugendamt_kitas": 53, "ki_jahresbericht": 54}
    accounted: set[str] = set()
    for spec_id in FAMILY_IDS:
        spec = catalogue[spec_id]
        for year in YEARS:
            if spec.format == "genesis_table":
                found = {table_file(demo_dir, spec_id, year).name} & names
                assert len(found) == 1, (spec_id, year)
            elif spec.format == "ba_excel":
                found = {f"demo_{spec_id}_{year}.xlsx"} & names
                assert len(found) == 1, (spec_id, year)
            else:
                pattern = re.compile(rf"^demo_{spec_id}_05\d{{3}}(?:\d{{3}})?_{year}\.(xlsx|csv)$")
                found = {n for n in names if pattern.match(n)}
                assert len(found) == per_year[spec_id], (spec_id, year, len(found))
            accounted |= found
    assert accounted == names  # nothing else in the folder: every file is a loadable extract


def test_ki_reports_for_the_54_centres(demo_dir):
    assert len(KI_IDS) == 54 and "05334002" in KI_IDS and "05334" in KI_IDS
    aachen = {g for (g, _year) in population(years=range(2018, 2019)) if g.startswith("05334") and len(g) == 8}
    assert set(ki_area("05334")) | set(ki_area("05334002")) == aachen
    assert "05334002" not in ki_area("05334")
    for year in YEARS:
        files = sorted(demo_dir.glob(f"demo_ki_jahresbericht_*_{year}.xlsx"))
        assert sorted(p.name.split("_")[3] for p in files) == sorted(KI_IDS)


@pytest.mark.parametrize("code", GENESIS_TABLES)
def test_genesis_files_land_with_every_required_measure(demo_dir, code):
    """Each file is recognised by the product's landing as its table, as synthetic, with every measure the catalogue
    requires, every row value mapped, the periods of its years and NRW rows only."""
    spec = source_catalogue()[code]
    required = {m.id for m in spec.measures if m.required}
    files = sorted({table_file(demo_dir, code, year) for year in YEARS})
    assert len(files) == (1 if code in STACKED_TABLES else len(YEARS))
    for path in files:
        raw = path.read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")
        extract = parse_extract(raw)
        assert extract.source.id == extract.table_code == code and extract.is_synthetic
        assert extract.copyright.startswith(f"© {DEMO_MARKER}")
        frame = extract.frames[GENESIS_CELLS]
        assert required <= set(frame.measure_id.dropna())
        assert all(all(isinstance(i, str) for i in ids) for ids in frame.dimension_ids)
        assert frame.region_code.str.startswith("05").all()
        years = [int(re.search(r"(\d{4})", p).group(1)) for p in frame.period.unique()]
        expected = list(YEARS) if code in STACKED_TABLES else [int(path.stem[-4:])]
        assert sorted(years) == expected
        assert extract.stand is not None and extract.stand.year in (max(years), max(years) + 1)
        form = {"stichtag_0301": r"01\.03\.\d{4}", "stichtag": r"31\.12\.\d{4}"}.get(spec.period, r"\d{4}")
        assert all(re.fullmatch(form, p) for p in frame.period.unique())


def test_demo_marker_in_every_file(demo_dir):
    for path in sorted(demo_dir.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                core = archive.read("docProps/core.xml").decode("utf-8")
            if BA_EXCEL in path.name:
                assert DEMO_MARKER in read_ba_excel(data).metadata["Titel"], path.name
            else:
                assert f"<dc:description>{DEMO_MARKER}" in core and f"<cp:keywords>{DEMO_MARKER}" in core, path.name
        elif path.name.startswith("demo_jugendamt_kitas_"):
            text = data.decode("utf-8-sig")
            lines = text.split("\r\n")
            assert lines[-1] == "" and len(lines) > 2
            assert all(DEMO_MARKER in line for line in lines[1:-1]), path.name
        else:  # GENESIS tables, Windows-1252 or UTF-8 as the real download of the table
            assert f"© {DEMO_MARKER}".encode("cp1252") in data or f"© {DEMO_MARKER}".encode("utf-8") in data, path.name


def test_family_files_are_deterministic(tmp_path):
    def run(name: str, seed: int) -> list[Path]:
        (tmp_path / name).mkdir()
        return write_families(tmp_path / name, seed=seed, years=range(2023, 2024))

    a, b, c = run("a", SEED), run("b", SEED), run("c", SEED + 1)
    assert [p.name for p in a] == [p.name for p in b] == [p.name for p in c] and len(a) == 10 + 1 + 53 + 53 + 54
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name
    assert all(x.read_bytes() != z.read_bytes() for x, z in zip(a, c))  # another seed, other values


# --------------------------------------------------------------------------------------------------------------
# 21111-01-03-4: schools and pupils
# --------------------------------------------------------------------------------------------------------------
def test_school_table_equals_the_model_with_nrw_rounding_from_2019(demo_dir):
    for year in YEARS:
        cells = year_cells(demo_dir, "21111-01-03-4", year)
        exact = schools.published_school_values(SEED, year)
        compared = not_multiple_of_5 = locked = 0
        for (region, (art,), measure), cell in cells.items():
            if region == "05354":
                assert cell.flag == "-" and cell.value == 0
                continue
            if measure not in SCHOOL_MEASURES:  # every column is the catalogue's
                raise AssertionError(measure)
            if cell.flag == "x":  # Orientierungsstufe, Klassenstufe 7 at Grundschulen, schools in the row Insgesamt
                locked += 1
                assert cell.value is None
                continue
            value = exact[(region, art)][SCHOOL_MEASURES.index(measure)]
            compared += 1
            if measure == "schulen" or year < ROUNDED_FROM:
                assert cell.value == value, (year, region, art, measure)
                not_multiple_of_5 += cell.value % 5 != 0
            else:
                assert cell.value % 5 == 0 and abs(cell.value - value) <= 2 and cell.value == round_to_5(value)
            assert (cell.flag == "-") == (cell.value == 0)
        regions = 1 + 5 + 53 + 1
        assert compared + locked == regions * len(schools.TABLE_SCHULARTEN) * len(SCHOOL_MEASURES)
        # 'x' as in the real table: the Orientierungsstufe (6 cells), the grades 7 and 11 of the Vorschulbereich and
        # the Grundschulen (2 + 2), the grade 11 of Haupt-, Sekundar- and Realschulen (3), the grades of the
        # Abendschulen (2), the number of schools in the row Insgesamt (1)
        assert locked == regions * (6 + 2 + 2 + 3 + 2 + 1)
        if year < ROUNDED_FROM:
            assert not_multiple_of_5 > 100  # exact values before Schuljahr 2019/20
    vorschul = [schools.vorschul_values(SEED, year) for year in YEARS]
    assert all(15 <= sum(v[0] for v in year.values()) <= 40 for year in vorschul)  # Schulkindergärten in NRW


def test_school_table_rows_and_locked_cells(demo_dir):
    cells = year_cells(demo_dir, "21111-01-03-4", 2023)
    olpe = list(dict.fromkeys(art for (region, (art,), _m) in cells if region == "05966"))
    assert olpe == [label for label, _key in schools.TABLE_SCHULARTEN]
    assert {m: cells[("05966", ("Grundschulen",), m)].flag for m in SCHOOL_MEASURES[4:]} == \
        {"schueler_klasse_7": "x", "schueler_jahrgang_11": "x"}  # no Klassenstufe 7 at Grundschulen
    assert cells[("05966", ("Gymnasien",), "schueler_jahrgang_11")].value > 0
    assert cells[("05", ("Insgesamt",), "schulen")].flag == "x"


@pytest.mark.parametrize("year", [2016, 2023])
def test_school_extract_sums_equal_the_published_table(demo_dir, year):
    """Sum over the schools of a Kreis (and Stadt Aachen) per Schulart = published value before rounding; the row
    Insgesamt adds the Vorschulbereich, which the extract has no Schulform for."""
    rows = school_rows(demo_dir, year)
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        art = SCHULART_OF_FORM[row["schulform"]]
        for region in {kreis_of_gemeinde(row["gemeinde_ags"]), *(["05334002"] if row["gemeinde_ags"] == "05334002"
                                                                  else [])}:
            for key in ((region, art), (region, "Insgesamt")):
                acc = sums[key]
                acc[0] += 1
                acc[1] += row["schueler_insgesamt"]
                acc[2] += row["schueler_auslaendisch"]
    exact = schools.published_school_values(SEED, year)
    for region in {region for region, _ in sums}:
        vorschul = exact[(region, schools.VORSCHULBEREICH)]
        sums[(region, "Insgesamt")] = [sums[(region, "Insgesamt")][0], sums[(region, "Insgesamt")][1] + vorschul[1],
                                       sums[(region, "Insgesamt")][2] + vorschul[3]]
    cells = year_cells(demo_dir, "21111-01-03-4", year)
    checked = 0
    for (region, art), (n_schools, pupils, foreign) in sums.items():
        if art != "Insgesamt":
            assert cells[(region, (art,), "schulen")].value == n_schools, (region, art)
        for measure, value in (("schueler_insgesamt", pupils), ("schueler_auslaendisch", foreign)):
            cell = cells[(region, (art,), measure)]
            if year < ROUNDED_FROM:
                assert cell.value == value, (region, art, measure)
            else:
                assert cell.value == round_to_5(value) and abs(cell.value - value) <= 2, (region, art, measure)
            checked += 1
    assert checked > 53 * 6
    # Kreise without any school of a Schulart publish '-' and have no rows in the extract
    for (region, (art,), measure), cell in cells.items():
        if len(region) == 5 and region != "05354" and measure == "schulen" and cell.value == 0:
            assert (region, art) not in sums


def test_leavers_in_the_extract_equal_the_published_table(demo_dir):
    """Leavers at the end of Schuljahr t/t+1: 21111-02-06-4 time t = extract rows of Schuljahr t+1/t+2. The
    schulischer Teil der Fachhochschulreife is a part of the Mittlerer Abschluss, not an addend."""
    keys = [key for key, _, _ in schools.ABSCHLUESSE]
    measure_of = {"hochschulreife": "ahr"}  # catalogue ids, where they differ from the model's keys
    for year in (2016, 2022):
        sums: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
        for row in school_rows(demo_dir, year + 1):
            if row["schulform"] == "Grundschule":
                assert all(row[f"abgaenge_{k}"] is None for k in keys)
                continue
            acc = sums[kreis_of_gemeinde(row["gemeinde_ags"])]
            for i, k in enumerate(keys):
                acc[i] += row[f"abgaenge_{k}"]
                assert row[f"abgaenge_{k}_auslaendisch"] <= row[f"abgaenge_{k}"]
        cells = year_cells(demo_dir, "21111-02-06-4", year)
        exact = schools.published_leaver_values(SEED, year)
        for kreis in KREISE:
            for i, key in enumerate(keys):
                cell = cells[(kreis, (), measure_of.get(key, key))]
                assert exact[kreis][key][0] == sums[kreis][i]
                expected = sums[kreis][i] if year < ROUNDED_FROM else round_to_5(sums[kreis][i])
                assert cell.value == expected, (year, kreis, key)
            total = cells[(kreis, (), "insgesamt")]
            assert abs(total.value - sum(sums[kreis])) <= (0 if year < ROUNDED_FROM else 2)
            part, msa = (exact[kreis][k][0] for k in ("fhr_schulischer_teil", "mittlerer_abschluss"))
            assert 0 < part < msa
            assert cells[(kreis, (), "fhr_schulischer_teil")].value == (part if year < ROUNDED_FROM else round_to_5(part))
        nrw = cells[("05", (), "insgesamt")].value
        assert 150_000 < nrw < 260_000
        fhr, part = (exact["05"][k][0] for k in ("fhr", "fhr_schulischer_teil"))
        assert fhr < 0.01 * nrw < 0.03 * nrw < part  # the FHR itself is earned at Berufskollegs


def test_double_abitur_cohort_and_rounding_of_leavers(demo_dir):
    def abitur(year: int) -> float:
        return year_cells(demo_dir, "21111-02-06-4", year)[("05", (), "ahr")].value

    assert abitur(2012) > 1.5 * abitur(2014)  # G8 and G9 together in summer 2013
    for year in YEARS:
        values = [c.value for c in year_cells(demo_dir, "21111-02-06-4", year).values() if c.value is not None]
        if year >= ROUNDED_FROM:
            assert all(v % 5 == 0 for v in values)
        else:
            assert any(v % 5 for v in values)


def test_school_counts_per_year(demo_dir):
    counts = {}
    for year in YEARS:
        n = 0
        for kreis in KREISE:
            with zipfile.ZipFile(demo_dir / f"demo_schulamt_schulen_{kreis}_{year}.xlsx") as archive:
                sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
            n += len(re.findall(r'<row r="', sheet)) - 1  # without the header row
        counts[year] = n
        cells = year_cells(demo_dir, "21111-01-03-4", year)
        assert sum(cells[("05", (s.label,), "schulen")].value for s in schools.SCHULARTEN) == n
        assert 2_600 <= cells[("05", ("Grundschulen",), "schulen")].value <= 2_900
        assert 4_500 <= n <= 5_600, (year, n)  # NRW 2023/24: about 5,050 allgemeinbildende Schulen
    assert counts[2012] > counts[2024]  # closures of Hauptschulen and Förderschulen
    hs = [year_cells(demo_dir, "21111-01-03-4", y)[("05", ("Hauptschulen",), "schulen")].value for y in YEARS]
    assert hs == sorted(hs, reverse=True) and hs[0] > 2 * hs[-1]


def test_pupil_shares_and_newly_arrived(demo_dir):
    rows = school_rows(demo_dir, 2023)

    def share(field: str, kreis: str | None = None) -> float:
        sel = [r for r in rows if kreis is None or r["gemeinde_ags"].startswith(kreis)]
        return 100 * sum(r[field] for r in sel) / sum(r["schueler_insgesamt"] for r in sel)

    assert 15 <= share("schueler_auslaendisch") <= 20
    assert 38 <= share("schueler_mit_zuwanderungsgeschichte") <= 48
    assert 18 <= share("schueler_mit_zuwanderungsgeschichte", "05558") <= 30  # Coesfeld
    assert 50 <= share("schueler_mit_zuwanderungsgeschichte", "05124") <= 66  # Wuppertal
    for r in rows:
        assert r["schueler_auslaendisch"] <= r["schueler_mit_zuwanderungsgeschichte"] <= r["schueler_insgesamt"]
        assert (r["neu_zugewanderte_in_erstfoerderung"] or 0) <= r["schueler_mit_zuwanderungsgeschichte"]
    assert any(0 < r["schueler_auslaendisch"] < 5 for r in rows)  # small cells for the confidentiality rules
    # newly arrived pupils per 1,000 (model = extract rows, checked for 2023): peaks 2015/16 and 2022/23
    per_1000 = {}
    for year in YEARS:
        values = schools.school_year(SEED, year).values()
        per_1000[year] = 1000 * sum(v.newcomers for v in values) / sum(v.pupils for v in values)
    assert per_1000[2015] > max(per_1000[2014], per_1000[2016]) and per_1000[2015] > 2 * per_1000[2012]
    assert per_1000[2022] > max(per_1000[2021], per_1000[2023]) and per_1000[2022] > 2 * per_1000[2020]
    # the optional Erstförderung column: a few schools leave it empty ('nicht erhoben', kreis_extracts.py)
    reported = [r["neu_zugewanderte_in_erstfoerderung"] for r in rows
                if r["neu_zugewanderte_in_erstfoerderung"] is not None]
    assert 0 < len(rows) - len(reported) < 0.1 * len(rows)
    assert 0.8 * sum(v.newcomers for v in schools.school_year(SEED, 2023).values()) < sum(reported) <= \
        sum(v.newcomers for v in schools.school_year(SEED, 2023).values())


def test_hsu_and_transitions_in_the_school_extract(demo_dir):
    path = demo_dir / "demo_schulamt_schulen_05913_2023.xlsx"  # Dortmund
    extract = template(path)
    assert extract.template_id == "schulamt_schulen" and extract.version >= 1
    schulen, hsu = extract.sheets["schulen"], extract.sheets["hsu_sprachen"]
    by_school = defaultdict(int)
    for row in hsu:
        by_school[row["schulnummer"]] += row["teilnehmende"]
    for row in schulen:
        if row["hsu_teilnehmende"]:
            assert by_school[row["schulnummer"]] == row["hsu_teilnehmende"]
        if row["schulform"] == "Grundschule":
            total = sum(row[f"uebergaenge_{k}"] for k, *_ in schools.UEBERGAENGE)
            assert total <= row["schueler_insgesamt"] / 3
        else:
            assert all(row[f"uebergaenge_{k}"] is None for k, *_ in schools.UEBERGAENGE)
    assert {row["sprache"] for row in hsu} >= {"Türkisch", "Arabisch", "Ukrainisch"}
    assert all(re.fullmatch(r"\d{6}", row["schulnummer"]) for row in schulen)
    assert all(DEMO_MARKER in row["schulname"] for row in schulen)
    gym = [row for row in schulen if row["schulform"] == "Gymnasium"]
    ahr = sum(r["abgaenge_hochschulreife"] for r in gym)
    ahr_foreign = sum(r["abgaenge_hochschulreife_auslaendisch"] for r in gym)
    assert 0 < ahr_foreign < ahr
    all_rows = school_rows(demo_dir, 2023)
    gy = [sum(r[f"uebergaenge_gymnasium{s}"] for r in all_rows if r["schulform"] == "Grundschule") for s in
          ("", "_auslaendisch")]
    tot = [sum(r[f"uebergaenge_{k}{s}"] for r in all_rows if r["schulform"] == "Grundschule"
               for k, *_ in schools.UEBERGAENGE) for s in ("", "_auslaendisch")]
    assert gy[1] / tot[1] < gy[0] / tot[0] - 0.1  # fewer foreign children go to the Gymnasium


def test_realistic_dirt_in_the_school_extract(demo_dir):
    closed = []
    for kreis in KREISE:
        before = {r["schulnummer"] for r in template(demo_dir / f"demo_schulamt_schulen_{kreis}_2016.xlsx")
                  .sheets["schulen"]}
        after = {r["schulnummer"] for r in template(demo_dir / f"demo_schulamt_schulen_{kreis}_2023.xlsx")
                 .sheets["schulen"]}
        closed += sorted(before - after)
    assert len(closed) >= 20  # schools that closed (Hauptschulen above all)
    rows = school_rows(demo_dir, 2023)
    assert 0 < sum(r["hsu_teilnehmende"] is None for r in rows) < 0.05 * len(rows)  # 'nicht erhoben'


# --------------------------------------------------------------------------------------------------------------
# 22543-01-02-4 and the KiTa extract
# --------------------------------------------------------------------------------------------------------------
def test_kita_extracts_equal_the_tageseinrichtung_row_of_22543_01_02_4(demo_dir):
    """Per Kreis and Stadt Aachen: children under 3 in the table = in the extract; the extract's children from 3 to
    school entry are the table's 3 to 6 plus the six-year-olds (in 6 bis unter 14, with the Hort children); children
    of foreign origin in the table = the extract's plus those of the Hort children."""
    n_per_year = {}
    for year in YEARS:
        rows = kita_rows(demo_dir, year)
        n_per_year[year] = len(rows)
        sums: dict[str, list[int]] = defaultdict(lambda: [0] * 3)
        for row in rows:
            gemeinde = row["gemeinde_ags"]
            for unit in {kreis_of_gemeinde(gemeinde), *(["05334002"] if gemeinde == "05334002" else [])}:
                sums[unit][0] += row["kinder_unter_3"]
                sums[unit][1] += row["kinder_3_bis_schuleintritt"]
                sums[unit][2] += (row["kinder_unter_3_auslaendische_herkunft"]
                                  + row["kinder_3_bis_schuleintritt_auslaendische_herkunft"])
            assert row["stichtag"].year == year and (row["stichtag"].day, row["stichtag"].month) == (1, 3)
            assert row["plaetze"] >= row["kinder_unter_3"] + row["kinder_3_bis_schuleintritt"]
        cells = year_cells(demo_dir, "22543-01-02-4", year, kita_period(year))
        model = kitas.published_kita_values(SEED, year)
        for unit, (under_3, to_school, foreign) in sums.items():
            total, u3, u6, foreign_origin = (cells[(unit, (TE,), m)].value for m in
                                             ("kinder_insgesamt", "kinder_unter_3", "kinder_3_bis_6",
                                              "kinder_auslaendische_herkunft"))
            assert u3 == under_3, (year, unit)
            assert 0.85 * to_school <= u6 <= to_school, (year, unit)
            hort = total - u3 - to_school
            assert 0.05 * (u3 + to_school) <= hort <= 0.17 * (u3 + to_school), (year, unit)
            assert foreign <= foreign_origin <= foreign + hort
        for (region, (art,), measure), cell in cells.items():
            if region == "05354":
                assert cell.flag == "-"
            elif measure in KITA_MEASURES:
                assert cell.value == model[(region, art)][KITA_MEASURES.index(measure)], (year, region, art, measure)
        # RB = sum of Kreise, NRW = sum of RB; Insgesamt without the children counted twice
        rbs = sorted({region for (region, _, _) in cells if len(region) == 3})
        for art in kitas.BETREUUNGSARTEN:
            nrw = cells[("05", (art,), "kinder_insgesamt")].value
            assert nrw == sum(cells[(rb, (art,), "kinder_insgesamt")].value for rb in rbs)
            assert nrw == sum(cells[(k, (art,), "kinder_insgesamt")].value for k in KREISE)
        for kreis in KREISE:
            kita, care, both = (cells[(kreis, (art,), "kinder_insgesamt")].value for art in kitas.BETREUUNGSARTEN)
            assert max(kita, care) <= both < kita + care and care < 0.2 * kita
    assert all(9_000 <= n <= 11_000 for n in n_per_year.values()), n_per_year
    assert n_per_year[2024] > n_per_year[2012] + 1_000


def test_kita_extract_names_the_jugendaemter_of_the_landesdatenbank(demo_dir):
    offices = {code for rows in jugendaemter().values() for code, _label, _gems in rows}
    used = {row["jugendamt"] for row in kita_rows(demo_dir, 2024)}
    assert None in used and used - {None} <= offices  # kreisfreie Städte: no Jugendamt code
    assert {"JH05962004", "JH05966999", "JH05334002"} <= used  # Altena, Kreisjugendamt Olpe, Stadt Aachen
    assert "JH05562999" not in offices  # every town of the Kreis Recklinghausen has its own Jugendamt
    assert 150 <= len(offices) <= 220


def test_kita_shares_small_cells_and_segregation(demo_dir):
    cells = year_cells(demo_dir, "22543-01-02-4", 2019, kita_period(2019))

    def share(unit: str) -> float:
        return 100 * cells[(unit, (TE,), "kinder_auslaendische_herkunft")].value / \
            cells[(unit, (TE,), "kinder_insgesamt")].value

    assert 27 <= share("05") <= 35
    assert share("05558") <= 16 and share("05513") >= 45  # Coesfeld, Gelsenkirchen
    rows = kita_rows(demo_dir, 2019)
    assert any(0 < r["kinder_unter_3_auslaendische_herkunft"] < 5 for r in rows)
    assert sum(1 for r in rows if r["kinder_unter_3"] + r["kinder_3_bis_schuleintritt"] < 25) > 100
    segregated = [r for r in rows if r["kinder_3_bis_schuleintritt"] and
                  r["kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache"] * 2 >= r["kinder_3_bis_schuleintritt"]]
    assert 0.02 * len(rows) < len(segregated) < 0.3 * len(rows)
    for r in rows:
        assert r["kinder_unter_3_nichtdeutsche_familiensprache"] <= r["kinder_unter_3_auslaendische_herkunft"]
        assert r["kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache"] <= \
            r["kinder_3_bis_schuleintritt_auslaendische_herkunft"]


def test_kita_extract_carries_the_family_language_for_kita_familiensprache(demo_dir):
    """The family-language indicator comes from the extract alone: children by age group with a mainly non-German
    family language, per facility; NRW around a fifth to a quarter of the children 3 to school entry."""
    rows = kita_rows(demo_dir, 2023)
    language = sum(r["kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache"] for r in rows)
    children = sum(r["kinder_3_bis_schuleintritt"] for r in rows)
    assert 0.15 < language / children < 0.35
    by_kreis = defaultdict(lambda: [0, 0])
    for r in rows:
        by_kreis[r["gemeinde_ags"][:5]][0] += r["kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache"]
        by_kreis[r["gemeinde_ags"][:5]][1] += r["kinder_3_bis_schuleintritt"]
    shares = {k: a / b for k, (a, b) in by_kreis.items()}
    assert min(shares[k] for k in RUHR) > max(shares[k] for k in RURAL)


def test_realistic_dirt_in_the_kita_extract(demo_dir):
    before = {r["einrichtung_id"] for r in kita_rows(demo_dir, 2015)}
    after = {r["einrichtung_id"] for r in kita_rows(demo_dir, 2016)}
    assert len(after - before) > 20 and len(before - after) >= 1  # KiTas open (many) and close (few)
    raw = (demo_dir / "demo_jugendamt_kitas_05111_2024.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert all(r["jugendamt"] is None for r in template(demo_dir / "demo_jugendamt_kitas_05111_2024.csv")
               .sheets["kitas"])


# --------------------------------------------------------------------------------------------------------------
# 12511-01-01-4 naturalisations (all years in one file)
# --------------------------------------------------------------------------------------------------------------
CONTINENT_MEASURES = {"1": "europa", "2": "afrika", "3": "amerika", "4": "asien", "5": "ozeanien",
                      "9": "staatenlos_unbekannt"}


def test_naturalisations(demo_dir):
    rate = {}
    for year in YEARS:
        cells = year_cells(demo_dir, "12511-01-01-4", year)
        model = naturalisations.naturalisation_values(SEED, year)
        regions = {region for (region, _, _) in cells if region not in ("05313", "05354")}
        assert len(regions) == 1 + 5 + 53 + 1
        for region in regions:
            total = cells[(region, (), "insgesamt")].value
            parts = sum(cells[(region, (), measure)].value for measure in CONTINENT_MEASURES.values())
            assert total == parts == model[region][""]
            assert all(cells[(region, (), m)].value == model[region][c] for c, m in CONTINENT_MEASURES.items())
        nrw = cells[("05", (), "insgesamt")].value
        assert nrw == sum(cells[(k, (), "insgesamt")].value for k in KREISE)
        foreigners = sum(v for v in exact_foreigners(years=range(year - 1, year)).values())
        rate[year] = 100 * nrw / foreigners
        assert 0.8 <= rate[year] <= 2.5, (year, rate[year])
        assert cells[("05334002", (), "insgesamt")].value < cells[("05334", (), "insgesamt")].value
        assert cells[("05", (), "europa")].value > cells[("05", (), "ozeanien")].value
    assert rate[2024] > 1.3 * rate[2021] > rate[2020]  # rising after 2021


# --------------------------------------------------------------------------------------------------------------
# 13211-02-05-4 unemployment
# --------------------------------------------------------------------------------------------------------------
def test_unemployment_table_and_2017_gap(demo_dir):
    for year in YEARS:
        cells = year_cells(demo_dir, "13211-02-05-4", year)
        foreign_rate = {region: cell for (region, _, measure), cell in cells.items() if measure == "quote_auslaendisch"}
        for code, cell in foreign_rate.items():
            if code == "05354":
                assert cell.flag == "-"
            elif year == labour.BA_GAP_YEAR and len(code) in (5, 8):
                assert cell.value is None and cell.flag == "."
            else:
                assert cell.flag is None and cell.value > 0, (year, code, cell)
        assert foreign_rate["05"].value is not None and foreign_rate["051"].value is not None
        nrw_rate = cells[("05", (), "quote_insgesamt")].value
        nrw_foreign = foreign_rate["05"].value
        assert 6 <= nrw_rate <= 9 and 15 <= nrw_foreign <= 23, (year, nrw_rate, nrw_foreign)
        assert cells[("05", (), "quote_abhaengige_insgesamt")].value > nrw_rate
        assert {c.unit for c in cells.values()} == {"Anzahl", "Prozent"}
        count = "arbeitslose_insgesamt"
        assert cells[("05", (), count)].value == sum(cells[(k, (), count)].value for k in KREISE)
        assert min(cells[(k, (), "quote_insgesamt")].value for k in RUHR) > \
            max(cells[(k, (), "quote_insgesamt")].value for k in RURAL)
        assert cells[("05", (), "arbeitslose_auslaendisch")].value < 0.5 * cells[("05", (), count)].value
        model = labour.unemployment_values(SEED, year)["05"]
        assert model["u_teen"] < model["u_y"] and 0.15 < model["u_old"] / model["u"] < 0.3


# --------------------------------------------------------------------------------------------------------------
# 22811-01i Mindestsicherungsquote
# --------------------------------------------------------------------------------------------------------------
def test_mindestsicherungsquote_layout_and_values(demo_dir):
    expected_codes = [row.code for row in ldb_gemeinde_rows(dissolved=False)] + ["05999998"]
    population_rows = [ln.split(";")[1] for ln in (demo_dir / "demo_12411-15i_2024.csv").read_bytes()
                       .decode("cp1252").split("\n") if ln.startswith("31.12.2024;")]
    # the order of 12411-15i, without the dissolved Aachen units
    assert expected_codes[:-1] == [code for code in population_rows if not code.startswith(("05313", "05354"))]
    for year in YEARS:
        table = genesis(demo_dir / f"demo_22811-01i_{year}.csv")
        assert [c.region_code for c in table.cells] == expected_codes
        assert {c.period for c in table.cells} == {str(year)} and {c.measure for c in table.cells} == {""}
        cells = {c.region_code: c for c in table.cells}
        assert cells["05999998"].raw == "x" and cells["05999998"].region_indent == 6
        secret = [c for c in table.cells if c.raw == "."]
        assert 1 <= len(secret) <= 8 and all(c.level == "Gemeinde" for c in secret)
        assert 10.5 <= cells["05"].value <= 13
        assert cells["05513"].value > 3 * cells["05558"].value
        model = labour.mindestsicherung_values(SEED, year)
        for code in ("05", "05966", "05966004", "05334002"):
            gems = [g for g in model if g.startswith(code)] if code != "05" else list(model)
            r, p = sum(model[g][0] for g in gems), sum(model[g][1] for g in gems)
            assert abs(cells[code].value - 100 * r / p) <= 0.05 + 1e-9


# --------------------------------------------------------------------------------------------------------------
# 12411-03-03-4 population by nationality and age group (denominator of the SGB-II-Quote)
# --------------------------------------------------------------------------------------------------------------
NATIONALITY_TABLE = "12411-03-03-4"
AGE_LABELS = [label for label, _low, _high in population_nationality.AGE_GROUPS]
WORKING_AGE = [label for label, low, high in population_nationality.AGE_GROUPS
               if low >= 15 and high is not None and high <= 65]


# the catalogue's measure ids of 12411-03-03-4, by nationality and sex
NATIONALITY_MEASURES = {
    "insgesamt": "Insgesamt", "insgesamt_maennlich": "Insgesamt | männlich", "insgesamt_weiblich": "Insgesamt | weiblich",
    "deutsch": "Deutsche | Insgesamt", "deutsch_maennlich": "Deutsche | männlich", "deutsch_weiblich": "Deutsche | weiblich",
    "auslaendisch": "Ausländer | Insgesamt", "auslaendisch_maennlich": "Ausländer | männlich",
    "auslaendisch_weiblich": "Ausländer | weiblich",
}


def nationality_cells(demo_dir: Path, year: int) -> dict[tuple[str, str, str], float | None]:
    """(region code, age label, 'Nationalität | Geschlecht') -> value, as the product lands the file."""
    cells = year_cells(demo_dir, NATIONALITY_TABLE, year, f"31.12.{year}")
    return {(region, age, NATIONALITY_MEASURES[measure]): cell.value for (region, (age,), measure), cell in cells.items()}


def test_population_by_nationality_file_lands_with_every_column(demo_dir):
    path = demo_dir / f"demo_{NATIONALITY_TABLE}_2023.csv"
    extract = parse_extract(path.read_bytes())
    assert extract.source.id == NATIONALITY_TABLE and extract.is_synthetic and extract.encoding == "utf-8"
    frame = extract.frames[GENESIS_CELLS]
    assert set(frame.measure_id) == set(NATIONALITY_MEASURES) and set(frame.period) == {"31.12.2023"}
    olpe = frame[(frame.region_code == "05966") & (frame.measure_id == "insgesamt")]
    assert [tuple(d) for d in olpe.dimensions] == [(label,) for label in [*AGE_LABELS, "Insgesamt"]]
    dissolved = frame[frame.region_code == "05354"]
    assert len(dissolved) == 22 * 9 and set(dissolved.flag) == {"-"} and set(dissolved.value) == {0}
    # NRW, 5 RB, 53 Kreise, Stadt Aachen and the dissolved 05354, 22 age rows of 9 cells each: DG is left out
    assert extract.row_count == (1 + 5 + 53 + 1 + 1) * 22 * 9


@pytest.mark.parametrize("year", [2012, 2016, 2024])
def test_population_by_nationality_adds_up_and_equals_12411_01_01_4(demo_dir, year):
    cells = nationality_cells(demo_dir, year)
    totals = year_cells(demo_dir, "12411-01-01-4", year, f"31.12.{year}")
    model = population_nationality.population_by_nationality(SEED, year)
    regions = ["05", "051", "053", "055", "057", "059", *KREISE, "05334002"]
    for region in regions:
        for age in [*AGE_LABELS, "Insgesamt"]:
            row = {m: cells[(region, age, m)] for m in
                   ("Insgesamt", "Insgesamt | männlich", "Insgesamt | weiblich", "Deutsche | Insgesamt",
                    "Deutsche | männlich", "Deutsche | weiblich", "Ausländer | Insgesamt", "Ausländer | männlich",
                    "Ausländer | weiblich")}
            for prefix in ("Deutsche", "Ausländer"):
                assert row[f"{prefix} | Insgesamt"] == row[f"{prefix} | männlich"] + row[f"{prefix} | weiblich"]
            assert row["Insgesamt"] == row["Deutsche | Insgesamt"] + row["Ausländer | Insgesamt"]
            assert row["Insgesamt | männlich"] == row["Deutsche | männlich"] + row["Ausländer | männlich"]
        for measure in ("Insgesamt", "Deutsche | männlich", "Ausländer | weiblich"):
            assert cells[(region, "Insgesamt", measure)] == sum(cells[(region, a, measure)] for a in AGE_LABELS)
        # the same Fortschreibung as 12411-01-01-4: totals and men of every region are equal
        assert cells[(region, "Insgesamt", "Insgesamt")] == totals[(region, (), "insgesamt")].value
        assert cells[(region, "Insgesamt", "Insgesamt | männlich")] == totals[(region, (), "maennlich")].value
        assert cells[(region, "15 bis unter 18 Jahre", "Ausländer | männlich")] == \
            model[region][("Ausländer", "männlich")][AGE_LABELS.index("15 bis unter 18 Jahre")]
    assert cells[("05334", "Insgesamt", "Insgesamt")] > cells[("05334002", "Insgesamt", "Insgesamt")]
    assert cells[("05", "Insgesamt", "Ausländer | Insgesamt")] == \
        sum(cells[(k, "Insgesamt", "Ausländer | Insgesamt")] for k in KREISE)


def test_population_by_nationality_is_plausible_against_the_azr_and_the_elb(demo_dir):
    for year in (2012, 2016, 2023):
        cells = nationality_cells(demo_dir, year)
        azr = exact_foreigners(years=range(year, year + 1))
        elb = {(c.region_code, c.measure.split(" | ")[-1]): c.value
               for c in read_ba_excel((demo_dir / f"demo_{BA_EXCEL}_{year}.xlsx").read_bytes()).cells}
        for kreis in KREISE:
            foreign = cells[(kreis, "Insgesamt", "Ausländer | Insgesamt")]
            assert 0.85 <= foreign / azr[(kreis, year)] <= 1.0, (year, kreis)  # fewer than in the AZR
            working = {n: sum(cells[(kreis, a, f"{n} | Insgesamt")] for a in WORKING_AGE)
                       for n in ("Deutsche", "Ausländer")}
            shares = {n: working[n] / cells[(kreis, "Insgesamt", f"{n} | Insgesamt")] for n in working}
            assert 0.55 <= shares["Deutsche"] < shares["Ausländer"] <= 0.85, (year, kreis, shares)
            quote_german = 100 * (elb[(kreis, "Deutsche")] or 0) / working["Deutsche"]
            quote_foreign = 100 * elb[(kreis, "Ausländer")] / working["Ausländer"]
            assert quote_german < 20 and quote_german < quote_foreign < 60, (year, kreis)
        nrw_foreign = cells[("05", "Insgesamt", "Ausländer | Insgesamt")] / cells[("05", "Insgesamt", "Insgesamt")]
        assert 0.09 <= nrw_foreign <= 0.18, (year, nrw_foreign)

    def share_65_and_older(year: int) -> float:
        cells = nationality_cells(demo_dir, year)
        old = [label for label, low, _high in population_nationality.AGE_GROUPS if low >= 65]
        germans = cells[("05", "Insgesamt", "Deutsche | Insgesamt")]
        return sum(cells[("05", a, "Deutsche | Insgesamt")] for a in old) / germans

    assert 0.2 < share_65_and_older(2012) < share_65_and_older(2024) < 0.3  # an ageing population


# --------------------------------------------------------------------------------------------------------------
# BA SGB II Excel
# --------------------------------------------------------------------------------------------------------------
def test_ba_sgb2_excel_round_trip(demo_dir):
    suppressed_total = 0
    for year in YEARS:
        data = (demo_dir / f"demo_{BA_EXCEL}_{year}.xlsx").read_bytes()
        assert data == labour.ba_sgb2_workbook(SEED, year)  # deterministic bytes
        table = read_ba_excel(data)
        assert table.copyright == "© Statistik der Bundesagentur für Arbeit"
        assert table.period == f"Jahresdurchschnitt {year}" and DEMO_MARKER in table.metadata["Hinweise"]
        assert "Leistungsberechtigte" in table.metadata["Titel"]
        by = defaultdict(dict)
        for c in table.cells:
            by[c.region_code][c.measure.split(" | ")[-1]] = c
        assert set(KREISE) | {"05", "DG"} <= set(by)
        model = labour.elb_values(SEED, year)
        for code in [*KREISE, "05"]:
            row = by[code]
            total, german, foreign, unknown = model[code]
            assert row["Insgesamt"].value == total and row["Ausländer"].value == foreign
            if row["keine Angabe"].flag == "*":
                assert unknown in (1, 2) and row["keine Angabe"].value is None
                assert row["Deutsche"].flag == "*" and row["Deutsche"].value is None  # secondary suppression
                suppressed_total += 1
            else:
                assert row["Deutsche"].value + row["Ausländer"].value + row["keine Angabe"].value == total
        assert sum(by[k]["Insgesamt"].value for k in KREISE) == by["05"]["Insgesamt"].value
        assert 35 <= by["05"]["Anteil Ausländer in %"].value <= 50 if year >= 2018 else True
    assert 3 <= suppressed_total <= 60


# --------------------------------------------------------------------------------------------------------------
# KI annual reports
# --------------------------------------------------------------------------------------------------------------
def test_ki_reports_round_trip_and_consistency(demo_dir):
    missing_concept = missing_sonstige = 0
    hsu_ki, hsu_schools, advice, newcomers = [], [], [], []
    for year in YEARS:
        for ki in KI_IDS:
            extract = template(demo_dir / f"demo_ki_jahresbericht_{ki}_{year}.xlsx")
            assert extract.template_id == "ki_jahresbericht"
            (stamm,) = extract.sheets["stammdaten"]
            assert stamm["ki_id"] == ki and stamm["berichtsjahr"] == year
            assert 3 <= stamm["vzae_landesfoerderung"] <= 6
            concept = stamm["integrationskonzept_beschlossen_am"]
            assert concept is None or concept.year <= year
            missing_concept += concept is None and year >= 2017
            missing_sonstige += stamm["vzae_sonstige"] is None
            programmes = {row["programm"]: row for row in extract.sheets["programme"]}
            assert all(row["ki_id"] == ki and row["berichtsjahr"] == year for row in extract.sheets["kooperationen"])
            if year == 2023:
                area = set(ki_area(ki))
                values = schools.school_year(SEED, year)
                reg = [sc for sc in schools.school_register(SEED) if sc.gemeinde in area and sc.id in values]
                if "HSU-Koordination" in programmes:
                    hsu_ki.append(programmes["HSU-Koordination"]["teilnehmende"])
                    hsu_schools.append(sum(sum(values[sc.id].hsu.values()) for sc in reg))
                if "Beratung neu zugewanderter Schüler/-innen" in programmes:
                    advice.append(programmes["Beratung neu zugewanderter Schüler/-innen"]["beratungsfaelle"])
                    newcomers.append(sum(values[sc.id].newcomers for sc in reg))
    assert hsu_ki == hsu_schools and len(hsu_ki) == 54  # the KI reports the HSU participants of its schools
    assert corr(advice, newcomers) > 0.9
    assert 1 <= missing_concept and 1 <= missing_sonstige  # optional fields left empty


# --------------------------------------------------------------------------------------------------------------
# cross-source plausibility per Kreis
# --------------------------------------------------------------------------------------------------------------
def test_sources_are_plausible_relative_to_each_other(demo_dir):
    year = 2023
    pop = population(years=range(year, year + 1))
    foreigners = exact_foreigners(years=range(year, year + 1))
    pop_share = [foreigners[(k, year)] / pop[(k, year)] for k in KREISE]
    rows = school_rows(demo_dir, year)
    pupils, foreign_pupils = defaultdict(int), defaultdict(int)
    for r in rows:
        pupils[r["gemeinde_ags"][:5]] += r["schueler_insgesamt"]
        foreign_pupils[r["gemeinde_ags"][:5]] += r["schueler_auslaendisch"]
    pupil_share = [foreign_pupils[k] / pupils[k] for k in KREISE]
    assert corr(pop_share, pupil_share) > 0.8
    assert all(0.07 < pupils[k] / pop[(k, year)] < 0.14 for k in KREISE)
    kita = year_cells(demo_dir, "22543-01-02-4", year, kita_period(year))
    children = {k: kita[(k, (TE,), "kinder_insgesamt")].value for k in KREISE}
    kita_share = [kita[(k, (TE,), "kinder_auslaendische_herkunft")].value / children[k] for k in KREISE]
    assert corr(pop_share, kita_share) > 0.8
    assert all(0.02 < children[k] / pop[(k, year)] < 0.06 for k in KREISE)
    unemployment = year_cells(demo_dir, "13211-02-05-4", year)
    rate = [unemployment[(k, (), "quote_insgesamt")].value for k in KREISE]
    msq = {c.region_code: c.value for c in genesis(demo_dir / f"demo_22811-01i_{year}.csv").cells}
    assert corr(rate, [msq[k] for k in KREISE]) > 0.8
    ba = read_ba_excel((demo_dir / f"demo_{BA_EXCEL}_{year}.xlsx").read_bytes())
    elb = {c.region_code: c.value for c in ba.cells if c.measure.endswith("| Insgesamt")}
    elb_foreign = {c.region_code: c.value for c in ba.cells if c.measure.endswith("| Ausländer")}
    assert corr(pop_share, [elb_foreign[k] / elb[k] for k in KREISE]) > 0.7
    assert corr([msq[k] for k in KREISE], [elb[k] / pop[(k, year)] for k in KREISE]) > 0.9
    units = unit_foreign_share(SEED, year)
    assert units["05334002"] > units["05334R"]  # the city of Aachen above the rest of the StädteRegion


# --------------------------------------------------------------------------------------------------------------
# scale
# --------------------------------------------------------------------------------------------------------------
def test_scale_multiplies_schools_and_kitas_and_keeps_the_tables_consistent(demo_dir, tmp_path):
    with pytest.raises(ValueError):
        generate_demo(tmp_path / "bad", years=range(2023, 2024), scale=0)
    generate_demo(tmp_path, years=range(2023, 2024), scale=2)
    one = year_cells(demo_dir, "21111-01-03-4", 2023)
    two = {key[1:]: cell for key, cell in landed(tmp_path / "demo_21111-01-03-4_2023.csv").items()}
    key_pupils = ("05", ("Insgesamt",), "schueler_insgesamt")
    key_schools = ("05", ("Grundschulen",), "schulen")
    assert two[key_pupils].value == one[key_pupils].value
    assert 1.9 * one[key_schools].value <= two[key_schools].value <= 2.1 * one[key_schools].value
    rows = read_template((tmp_path / "demo_schulamt_schulen_05966_2023.xlsx").read_bytes()).sheets["schulen"]
    n_schools = sum(two[("05966", (s.label,), "schulen")].value for s in schools.SCHULARTEN)
    assert len({r["schulnummer"] for r in rows}) == len(rows) == n_schools
    vorschul = schools.published_school_values(SEED, 2023, 2)[("05966", schools.VORSCHULBEREICH)][1]
    assert round_to_5(sum(r["schueler_insgesamt"] for r in rows) + vorschul) == \
        two[("05966", ("Insgesamt",), "schueler_insgesamt")].value
    kita_one = read_template((demo_dir / "demo_jugendamt_kitas_05966_2023.csv").read_bytes()).sheets["kitas"]
    kita_two = read_template((tmp_path / "demo_jugendamt_kitas_05966_2023.csv").read_bytes()).sheets["kitas"]
    assert 1.8 * len(kita_one) <= len(kita_two) <= 2.2 * len(kita_one)
    kt = {key[1:]: cell for key, cell in landed(tmp_path / "demo_22543-01-02-4_2023.csv").items()}
    assert kt[("05966", (TE,), "kinder_unter_3")].value == sum(r["kinder_unter_3"] for r in kita_two)
