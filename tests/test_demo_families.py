"""Tests of the demo families beyond population and foreigners (pipelines/demo/families.py and the modules it calls):
schools (21111-01-03-4, 21111-02-06-4, Schulamt extract), KiTas (22541-02i, Jugendamt extract), naturalisations
(12511-01i), labour market (13211-02-05-4), social benefits (22811-01i, BA SGB II Excel) and KI annual reports.

Every file is read back with the product's readers (round trip) and compared with the exact model values, and the
sources are checked against each other: the school extract sums equal the published school tables before
rounding, the KiTa extract sums equal 22541-02i, a Kreis equals the sum of its Jugendämter."""

from __future__ import annotations

import io
import math
import re
import time
import zipfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from pipelines.catalogue import source_catalogue
from pipelines.demo import labour, naturalisations, population_nationality, schools
from pipelines.demo.context import unit_foreign_share
from pipelines.demo.families import BA_EXCEL, GENESIS_TABLES, KREIS_TEMPLATES, write_families
from pipelines.demo.generator import DEFAULT_SEED, DEMO_MARKER, _round5, exact_foreigners, generate_demo, population
from pipelines.demo.geography import jugendaemter, ldb_gemeinde_rows
from pipelines.demo.ki_reports import KI_IDS, ki_area
from pipelines.readers.ba import read_ba_excel
from pipelines.readers.genesis_table import GenesisTable, read_genesis_table
from pipelines.readers.kreis_templates import TemplateExtract, read_template

YEARS = range(2012, 2025)
SEED = DEFAULT_SEED
KREISE = sorted(a for (a, _year) in population(years=range(2018, 2019)) if len(a) == 5)
RUHR = ("05513", "05112", "05113", "05913", "05916")  # Gelsenkirchen, Duisburg, Essen, Dortmund, Herne
RURAL = ("05558", "05554", "05966", "05762")  # Coesfeld, Borken, Olpe, Höxter
NEW_IDS = {*GENESIS_TABLES, BA_EXCEL, *KREIS_TEMPLATES}
BASE_IDS = {"12411-15i", "12411-01-01-4", "12521-03i"}
ROUNDED_FROM = schools.SCHOOL_ROUNDING_FROM


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


def cells_by(table: GenesisTable) -> dict[tuple, object]:
    """(region code, dimensions, measure) -> cell."""
    return {(c.region_code, c.dimensions, c.measure): c for c in table.cells}


def corr(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


SCHOOL_MEASURES = ("Schulen | Insgesamt", "Schüler/-innen | Insgesamt", "Schüler/-innen | weiblich",
                   "Schüler/-innen | Ausländer/-innen", "Schüler/-innen | Klassenstufe 7",
                   "Schüler/-innen | Jahrgangsstufe 11")
SCHULART_OF_FORM = {s.key: s.label for s in schools.SCHULARTEN}
KITA = "Kinder in Tageseinrichtungen"
KITA_MEASURES = (f"{KITA} | Insgesamt", f"{KITA} | ausländische Herkunft mind. eines Elternteils",
                 f"{KITA} | vorrangig nicht deutsche Familiensprache")


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
    wanted = NEW_IDS | BASE_IDS
    covered = {spec.id for spec in catalogue.values()
               if spec.format in ("genesis_table", "ba_excel", "kreis_template") and spec.id in wanted}
    assert covered == wanted  # the catalogue lists every demo table with one of these formats
    names = {p.name for p in demo_dir.iterdir()}
    per_year = {"schulamt_schulen": 53, "jugendamt_kitas": 53, "ki_jahresbericht": 54}
    accounted: set[str] = set()
    for spec_id in wanted:
        spec = catalogue[spec_id]
        for year in YEARS:
            if spec.format == "genesis_table":
                found = {f"demo_{spec_id}_{year}.csv"} & names
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
def test_genesis_files_parse_with_the_product_reader(demo_dir, code):
    spec = source_catalogue()[code]
    for year in YEARS:
        path = demo_dir / f"demo_{code}_{year}.csv"
        raw = path.read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")
        raw.decode("cp1252")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # umlauts as single Windows-1252 bytes
        first = "GENESIS-Tabelle: " if code.startswith("21111") else "Tabelle: "
        assert raw.decode("cp1252").split("\n", 1)[0] == first + code
        table = genesis(path)
        assert table.table_code == code and table.encoding == "cp1252"
        assert table.copyright.startswith(f"© {DEMO_MARKER}") and DEMO_MARKER in table.notes
        assert table.stand is not None and table.stand.year in (year, year + 1)
        assert table.cells and all(c.region_code == "DG" or c.region_code.startswith(("05", "JH05"))
                                   for c in table.cells)
        period = {"stichtag_0301": f"01.03.{year}", "stichtag": f"31.12.{year}"}.get(spec.period, str(year))
        assert {c.period for c in table.cells} == {period}
        measures = {c.measure for c in table.cells}
        assert all(any(expected in m for m in measures) for expected in spec.measures), (code, measures)


def test_the_products_extract_step_recognises_the_files(demo_dir):
    from pipelines.extracts import parse_extract

    for code in [*GENESIS_TABLES, BA_EXCEL]:
        suffix = "xlsx" if code == BA_EXCEL else "csv"
        for year in (2017, 2023):
            extract = parse_extract((demo_dir / f"demo_{code}_{year}.{suffix}").read_bytes())
            assert extract.source.id == code and extract.is_synthetic and extract.row_count > 0


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
        else:
            assert f"© {DEMO_MARKER}".encode("cp1252") in data, path.name


def test_family_files_are_deterministic(tmp_path):
    def run(name: str, seed: int) -> list[Path]:
        (tmp_path / name).mkdir()
        return write_families(tmp_path / name, seed=seed, years=range(2023, 2024))

    a, b, c = run("a", SEED), run("b", SEED), run("c", SEED + 1)
    assert [p.name for p in a] == [p.name for p in b] == [p.name for p in c] and len(a) == 7 + 1 + 53 + 53 + 54
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name
    assert all(x.read_bytes() != z.read_bytes() for x, z in zip(a, c))  # another seed, other values


# --------------------------------------------------------------------------------------------------------------
# 21111-01-03-4: schools and pupils
# --------------------------------------------------------------------------------------------------------------
def test_school_table_equals_the_model_with_nrw_rounding_from_2019(demo_dir):
    secret_total = 0
    for year in YEARS:
        table = genesis(demo_dir / f"demo_21111-01-03-4_{year}.csv")
        exact = schools.published_school_values(SEED, year)
        cells = [c for c in table.cells if c.region_code != "DG" and c.level != "Sonstige"]
        compared = not_multiple_of_5 = 0
        for c in cells:
            if c.region_code == "05354":
                assert c.raw == "-"
                continue
            (art,) = c.dimensions
            value = exact[(c.region_code, art)][SCHOOL_MEASURES.index(c.measure)]
            if c.raw == ".":
                assert c.measure == "Schüler/-innen | Ausländer/-innen" and c.value is None
                assert c.level in ("Kreis", "Gemeinde")  # a Kreis or Stadt Aachen (05334002)
                secret_total += 1
                continue
            compared += 1
            if c.measure == "Schulen | Insgesamt" or year < ROUNDED_FROM:
                assert c.value == value, (year, c.region_code, art, c.measure)
                not_multiple_of_5 += c.value % 5 != 0
            else:
                assert c.value % 5 == 0 and abs(c.value - value) <= 2 and c.value == _round5(value)
            assert (c.raw == "-") == (c.value == 0)
        assert compared == (1 + 5 + 53 + 1) * 8 * 6 - sum(1 for c in cells if c.raw == ".")
        if year < ROUNDED_FROM:
            assert not_multiple_of_5 > 100  # exact values before Schuljahr 2019/20
        dg = cells_by(table)
        assert dg[("DG", ("Insgesamt",), "Schüler/-innen | Insgesamt")].value > \
            3 * dg[("05", ("Insgesamt",), "Schüler/-innen | Insgesamt")].value
    assert 1 <= secret_total <= 13 * 8  # a few '.' cells for single small schools


def test_school_table_layout(demo_dir):
    lines = (demo_dir / "demo_21111-01-03-4_2023.csv").read_bytes().decode("cp1252").split("\n")
    assert lines[5] == ";;;;Schulen;Schüler/-innen;Schüler/-innen;Schüler/-innen;Schüler/-innen;Schüler/-innen"
    assert lines[6] == ";;;;Insgesamt;Insgesamt;weiblich;Ausländer/-innen;Klassenstufe 7;Jahrgangsstufe 11"
    olpe = [ln for ln in lines if ln.startswith("2023;05966;")]
    assert [ln.split(";")[3] for ln in olpe] == [s.label for s in schools.SCHULARTEN] + ["Insgesamt"]
    assert all(ln.split(";")[2] == "      Olpe, Kreis" for ln in olpe)
    indent = {ln.split(";")[1]: len(ln.split(";")[2]) - len(ln.split(";")[2].lstrip()) for ln in lines
              if ln.startswith("2023;")}
    assert (indent["DG"], indent["05"], indent["053"], indent["05966"], indent["05334002"]) == (0, 2, 4, 6, 6)
    grundschule = next(ln for ln in olpe if ";Grundschulen;" in ln).split(";")
    assert grundschule[8:] == ["-", "-"]  # no Klassenstufe 7 or Jahrgangsstufe 11 at Grundschulen


@pytest.mark.parametrize("year", [2016, 2023])
def test_school_extract_sums_equal_the_published_table(demo_dir, year):
    """Sum over the schools of a Kreis (and Stadt Aachen) per Schulart = published value before rounding."""
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
    table = cells_by(genesis(demo_dir / f"demo_21111-01-03-4_{year}.csv"))
    checked = 0
    for (region, art), (n_schools, pupils, foreign) in sums.items():
        published = [table[(region, (art,), m)] for m in
                     ("Schulen | Insgesamt", "Schüler/-innen | Insgesamt", "Schüler/-innen | Ausländer/-innen")]
        assert published[0].value == n_schools, (region, art)
        for cell, exact in ((published[1], pupils), (published[2], foreign)):
            if cell.raw == ".":
                continue
            if year < ROUNDED_FROM:
                assert cell.value == exact, (region, art, cell.measure)
            else:
                assert cell.value == _round5(exact) and abs(cell.value - exact) <= 2, (region, art, cell.measure)
            checked += 1
    assert checked > 53 * 6
    # Kreise without any school of a Schulart publish '-' and have no rows in the extract
    for (region, dims, measure), cell in table.items():
        if len(region) == 5 and region not in ("05354",) and measure == "Schulen | Insgesamt" and cell.value == 0:
            assert (region, dims[0]) not in sums


def test_leavers_in_the_extract_equal_the_published_table(demo_dir):
    """Leavers at the end of Schuljahr t/t+1: 21111-02-06-4 time t = extract rows of Schuljahr t+1/t+2."""
    keys = [key for key, _, _ in schools.ABSCHLUESSE]
    labels = [label for _, label, _ in schools.ABSCHLUESSE]
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
        table = cells_by(genesis(demo_dir / f"demo_21111-02-06-4_{year}.csv"))
        exact = schools.published_leaver_values(SEED, year)
        for kreis in KREISE:
            for i, label in enumerate(labels):
                cell = table[(kreis, (), f"Absolvierende und Abgehende | {label} | Insgesamt")]
                assert exact[kreis][keys[i]][0] == sums[kreis][i]
                expected = sums[kreis][i] if year < ROUNDED_FROM else _round5(sums[kreis][i])
                assert cell.value == expected, (year, kreis, label)
            total = table[(kreis, (), "Absolvierende und Abgehende | Insgesamt")]  # repeated header parts merge
            assert abs(total.value - sum(sums[kreis])) <= (0 if year < ROUNDED_FROM else 2)
        nrw = table[("05", (), "Absolvierende und Abgehende | Insgesamt")].value
        assert 150_000 < nrw < 260_000


def test_double_abitur_cohort_and_rounding_of_leavers(demo_dir):
    def abitur(year: int) -> float:
        table = cells_by(genesis(demo_dir / f"demo_21111-02-06-4_{year}.csv"))
        return table[("05", (), "Absolvierende und Abgehende | mit allgemeiner Hochschulreife | Insgesamt")].value

    assert abitur(2012) > 1.5 * abitur(2014)  # G8 and G9 together in summer 2013
    for year in YEARS:
        values = [c.value for c in genesis(demo_dir / f"demo_21111-02-06-4_{year}.csv").cells
                  if c.region_code != "DG" and c.value is not None]
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
        table = cells_by(genesis(demo_dir / f"demo_21111-01-03-4_{year}.csv"))
        assert table[("05", ("Insgesamt",), "Schulen | Insgesamt")].value == n
        assert 2_600 <= table[("05", ("Grundschulen",), "Schulen | Insgesamt")].value <= 2_900
        assert 4_500 <= n <= 5_500, (year, n)
    assert counts[2012] > counts[2024]  # closures of Hauptschulen and Förderschulen
    hs = [cells_by(genesis(demo_dir / f"demo_21111-01-03-4_{y}.csv"))[("05", ("Hauptschulen",), "Schulen | Insgesamt")]
          .value for y in YEARS]
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
# 22541-02i and the KiTa extract
# --------------------------------------------------------------------------------------------------------------
def test_kita_extracts_equal_22541_02i_and_kreis_equals_its_jugendaemter(demo_dir):
    n_per_year = {}
    for year in YEARS:
        rows = kita_rows(demo_dir, year)
        n_per_year[year] = len(rows)
        sums: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
        for row in rows:
            kreis = kreis_of_gemeinde(row["gemeinde_ags"])
            units = {kreis, row["jugendamt"] or kreis}
            values = (row["kinder_unter_3"], row["kinder_unter_3_auslaendische_herkunft"],
                      row["kinder_unter_3_nichtdeutsche_familiensprache"], row["kinder_3_bis_schuleintritt"],
                      row["kinder_3_bis_schuleintritt_auslaendische_herkunft"],
                      row["kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache"])
            for unit in units:
                sums[unit] = [a + b for a, b in zip(sums[unit], values)]
            assert row["stichtag"].year == year and (row["stichtag"].day, row["stichtag"].month) == (1, 3)
            assert row["plaetze"] >= row["kinder_unter_3"] + row["kinder_3_bis_schuleintritt"]
        table = genesis(demo_dir / f"demo_22541-02i_{year}.csv")
        cells = cells_by(table)
        for unit, acc in sums.items():
            for age, part in (("unter 3 Jahre", acc[0:3]), ("3 Jahre bis Schuleintritt", acc[3:6]),
                              ("Insgesamt", [a + b for a, b in zip(acc[0:3], acc[3:6])])):
                assert [cells[(unit, (age,), m)].value for m in KITA_MEASURES] == part, (year, unit, age)
        # Kreis = sum of its Jugendämter, RB = sum of Kreise, NRW = sum of RB (within the published file)
        for kreis, offices in jugendaemter().items():
            for m in KITA_MEASURES:
                assert cells[(kreis, ("Insgesamt",), m)].value == sum(
                    cells[(code, ("Insgesamt",), m)].value for code, _, _ in offices)
        rbs = [c.region_code for c in table.cells if c.level == "Regierungsbezirk"]
        nrw = cells[("05", ("Insgesamt",), KITA_MEASURES[0])].value
        assert nrw == sum(cells[(rb, ("Insgesamt",), KITA_MEASURES[0])].value for rb in set(rbs))
        assert nrw == sum(cells[(k, ("Insgesamt",), KITA_MEASURES[0])].value for k in KREISE)
        assert {c.raw for c in table.cells if c.region_code.startswith(("05354", "JH05354", "05313"))} == {"-"}
    assert all(9_000 <= n <= 11_000 for n in n_per_year.values()), n_per_year
    assert n_per_year[2024] > n_per_year[2012] + 1_000


def test_jugendamt_rows_and_codes(demo_dir):
    table = genesis(demo_dir / "demo_22541-02i_2024.csv")
    codes = list(dict.fromkeys(c.region_code for c in table.cells))
    assert codes.index("05962") < codes.index("JH05962004") < codes.index("JH05962999") < codes.index("05966")
    labels = {c.region_code: (c.region_label, c.region_indent) for c in table.cells}
    assert labels["JH05962004"] == ("Jugendamt Altena", 6)
    assert labels["JH05966999"] == ("Kreisjugendamt Olpe", 6)
    assert labels["05966"][1] == 4 and labels["051"][1] == 2 and labels["05"][1] == 0
    assert "JH05334002" in codes  # Stadt Aachen has its own Jugendamt
    assert not any(c.startswith("JH05111") for c in codes)  # a kreisfreie Stadt is its own Jugendamt
    assert "JH05562999" not in codes  # every town of the Kreis Recklinghausen has its own Jugendamt
    assert 150 <= sum(1 for c in codes if c.startswith("JH") and not c.startswith("JH05354")) <= 220


def test_kita_shares_small_cells_and_segregation(demo_dir):
    table = cells_by(genesis(demo_dir / "demo_22541-02i_2019.csv"))

    def share(unit: str) -> float:
        return 100 * table[(unit, ("Insgesamt",), KITA_MEASURES[1])].value / \
            table[(unit, ("Insgesamt",), KITA_MEASURES[0])].value

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


def test_realistic_dirt_in_the_kita_extract(demo_dir):
    before = {r["einrichtung_id"] for r in kita_rows(demo_dir, 2015)}
    after = {r["einrichtung_id"] for r in kita_rows(demo_dir, 2016)}
    assert len(after - before) > 20 and len(before - after) >= 1  # KiTas open (many) and close (few)
    raw = (demo_dir / "demo_jugendamt_kitas_05111_2024.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert all(r["jugendamt"] is None for r in template(demo_dir / "demo_jugendamt_kitas_05111_2024.csv")
               .sheets["kitas"])


# --------------------------------------------------------------------------------------------------------------
# 12511-01i naturalisations
# --------------------------------------------------------------------------------------------------------------
def test_naturalisations(demo_dir):
    rate = {}
    for year in YEARS:
        table = genesis(demo_dir / f"demo_12511-01i_{year}.csv")
        cells = cells_by(table)
        model = naturalisations.naturalisation_values(SEED, year)
        regions = {c.region_code for c in table.cells if c.region_code not in ("05313", "05354")}
        assert len(regions) == 1 + 5 + 53 + 1
        for region in regions:
            total = cells[(region, ("", "Insgesamt"), "Einbürgerungen | Insgesamt")].value
            parts = sum(cells[(region, (code, label), "Einbürgerungen | Insgesamt")].value
                        for code, label in (("1", "Europa"), ("2", "Afrika"), ("3", "Amerika"), ("4", "Asien"),
                                            ("5", "Australien / Ozeanien"), ("9", "Sonstige")))
            assert total == parts == sum(model[region][""])
            assert total == cells[(region, ("", "Insgesamt"), "Einbürgerungen | männlich")].value + \
                cells[(region, ("", "Insgesamt"), "Einbürgerungen | weiblich")].value
        nrw = cells[("05", ("", "Insgesamt"), "Einbürgerungen | Insgesamt")].value
        assert nrw == sum(cells[(k, ("", "Insgesamt"), "Einbürgerungen | Insgesamt")].value for k in KREISE)
        foreigners = sum(v for v in exact_foreigners(years=range(year - 1, year)).values())
        rate[year] = 100 * nrw / foreigners
        assert 0.8 <= rate[year] <= 2.5, (year, rate[year])
        assert cells[("05334002", ("", "Insgesamt"), "Einbürgerungen | Insgesamt")].value < \
            cells[("05334", ("", "Insgesamt"), "Einbürgerungen | Insgesamt")].value
    assert rate[2024] > 1.3 * rate[2021] > rate[2020]  # rising after 2021


# --------------------------------------------------------------------------------------------------------------
# 13211-02-05-4 unemployment
# --------------------------------------------------------------------------------------------------------------
RATE_ALL = "Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen"


def test_unemployment_table_and_2017_gap(demo_dir):
    for year in YEARS:
        table = genesis(demo_dir / f"demo_13211-02-05-4_{year}.csv")
        cells = cells_by(table)
        foreign_rate = {c.region_code: c for c in table.cells if c.measure == f"{RATE_ALL} | Ausländer"}
        for code, cell in foreign_rate.items():
            if code == "05354":
                assert cell.raw == "-"
            elif year == labour.BA_GAP_YEAR and cell.level in ("Kreis", "Gemeinde"):
                assert cell.raw == "." and cell.value is None and cell.flag == "."
            else:
                assert re.fullmatch(r"\d+,\d", cell.raw), (year, code, cell.raw)
        assert foreign_rate["05"].value is not None and foreign_rate["051"].value is not None
        nrw_rate = cells[("05", (), f"{RATE_ALL} | Insgesamt")].value
        nrw_foreign = foreign_rate["05"].value
        assert 6 <= nrw_rate <= 9 and 15 <= nrw_foreign <= 23, (year, nrw_rate, nrw_foreign)
        units = {c.unit for c in table.cells}
        assert units == {"Anzahl", "Prozent"}
        count = "Arbeitslose | Insgesamt"
        assert cells[("05", (), count)].value == sum(cells[(k, (), count)].value for k in KREISE)
        assert min(cells[(k, (), f"{RATE_ALL} | Insgesamt")].value for k in RUHR) > \
            max(cells[(k, (), f"{RATE_ALL} | Insgesamt")].value for k in RURAL)
        assert cells[("05", (), "Arbeitslose | Ausländer")].value < 0.5 * cells[("05", (), count)].value
    lines = (demo_dir / "demo_13211-02-05-4_2024.csv").read_bytes().decode("cp1252").split("\n")
    assert lines[7] == ";;;Anzahl;Anzahl;Anzahl;Anzahl;Prozent;Prozent;Prozent;Prozent;Prozent;Prozent"
    assert lines[8].startswith("2024;DG;Deutschland;") and lines[9].startswith("2024;05;  Nordrhein-Westfalen;")


# --------------------------------------------------------------------------------------------------------------
# 22811-01i Mindestsicherungsquote
# --------------------------------------------------------------------------------------------------------------
def test_mindestsicherungsquote_layout_and_values(demo_dir):
    expected_codes = [row.code for row in ldb_gemeinde_rows()] + ["05999998"]
    population_rows = [ln.split(";")[1] for ln in (demo_dir / "demo_12411-15i_2024.csv").read_bytes()
                       .decode("cp1252").split("\n") if ln.startswith("31.12.2024;")]
    assert expected_codes[:-1] == population_rows  # same order as 12411-15i
    for year in YEARS:
        raw = (demo_dir / f"demo_22811-01i_{year}.csv").read_bytes().decode("cp1252")
        lines = raw.split("\n")
        assert lines[:7] == [
            "Tabelle: 22811-01i",
            "Sozialberichterstattung in der amtlichen Statistik:;;",
            "Mindestsicherungsquote - Gemeinden (Wohnortprinzip) -Jahr;;",
            "Sozialberichterstattung in der amtlichen Statistik;;",
            "Mindestsicherungsquote (Prozent);;",
            ";;Jahr",
            f";;{year}",
        ]
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


def nationality_cells(demo_dir: Path, year: int) -> dict[tuple[str, str, str], float | None]:
    """(region code, age label, measure) -> value, read with the product's GENESIS reader."""
    table = genesis(demo_dir / f"demo_{NATIONALITY_TABLE}_{year}.csv")
    return {(c.region_code, c.dimensions[0], c.measure): c.value for c in table.cells}


def test_population_by_nationality_file_reads_with_the_product_reader(demo_dir):
    path = demo_dir / f"demo_{NATIONALITY_TABLE}_2023.csv"
    lines = path.read_bytes().decode("cp1252").split("\n")
    assert lines[0] == "Tabelle: 12411-03-03-4"
    assert lines[5] == ";;;;Insgesamt;Insgesamt;Insgesamt;Deutsche;Deutsche;Deutsche;Ausländer;Ausländer;Ausländer"
    assert lines[6] == ";;;;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich"
    assert lines[7].startswith("31.12.2023;DG;Deutschland;unter 3 Jahre;")
    table = genesis(path)
    assert table.table_code == NATIONALITY_TABLE and table.encoding == "cp1252"
    assert {c.period for c in table.cells} == {"31.12.2023"}
    assert {c.measure for c in table.cells} == {
        "Insgesamt", "Insgesamt | männlich", "Insgesamt | weiblich", "Deutsche | Insgesamt", "Deutsche | männlich",
        "Deutsche | weiblich", "Ausländer | Insgesamt", "Ausländer | männlich", "Ausländer | weiblich"}
    olpe = [c for c in table.cells if c.region_code == "05966" and c.measure == "Insgesamt"]
    assert [c.dimensions for c in olpe] == [(label,) for label in [*AGE_LABELS, "Insgesamt"]]
    assert {c.region_label for c in olpe} == {"Olpe, Kreis"} and olpe[0].region_indent == 6
    dissolved = [c for c in table.cells if c.region_code == "05354"]
    assert len(dissolved) == 22 * 9 and all(c.raw == "-" and c.value == 0 for c in dissolved)
    from pipelines.extracts import parse_extract

    extract = parse_extract(path.read_bytes())
    assert extract.source.id == NATIONALITY_TABLE and extract.is_synthetic
    # NRW, 5 RB, 53 Kreise, Stadt Aachen and the dissolved 05354, 22 age rows of 9 cells each: DG is left out
    assert extract.row_count == (1 + 5 + 53 + 1 + 1) * 22 * 9


@pytest.mark.parametrize("year", [2012, 2016, 2024])
def test_population_by_nationality_adds_up_and_equals_12411_01_01_4(demo_dir, year):
    cells = nationality_cells(demo_dir, year)
    totals = cells_by(genesis(demo_dir / f"demo_12411-01-01-4_{year}.csv"))
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
        assert cells[(region, "Insgesamt", "Insgesamt")] == totals[(region, (), "Insgesamt")].value
        assert cells[(region, "Insgesamt", "Insgesamt | männlich")] == totals[(region, (), "männlich")].value
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
    kita = cells_by(genesis(demo_dir / f"demo_22541-02i_{year}.csv"))
    kita_share = [kita[(k, ("Insgesamt",), KITA_MEASURES[1])].value / kita[(k, ("Insgesamt",), KITA_MEASURES[0])].value
                  for k in KREISE]
    assert corr(pop_share, kita_share) > 0.8
    assert all(0.02 < kita[(k, ("Insgesamt",), KITA_MEASURES[0])].value / pop[(k, year)] < 0.06 for k in KREISE)
    unemployment = cells_by(genesis(demo_dir / f"demo_13211-02-05-4_{year}.csv"))
    rate = [unemployment[(k, (), f"{RATE_ALL} | Insgesamt")].value for k in KREISE]
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
    t0 = time.perf_counter()
    generate_demo(tmp_path, years=range(2023, 2024), scale=2)
    assert time.perf_counter() - t0 < 30
    one = cells_by(genesis(demo_dir / "demo_21111-01-03-4_2023.csv"))
    two = cells_by(read_genesis_table((tmp_path / "demo_21111-01-03-4_2023.csv").read_bytes()))
    key_pupils = ("05", ("Insgesamt",), "Schüler/-innen | Insgesamt")
    key_schools = ("05", ("Insgesamt",), "Schulen | Insgesamt")
    assert two[key_pupils].value == one[key_pupils].value
    assert 1.9 * one[key_schools].value <= two[key_schools].value <= 2.1 * one[key_schools].value
    rows = read_template((tmp_path / "demo_schulamt_schulen_05966_2023.xlsx").read_bytes()).sheets["schulen"]
    n_schools = two[("05966", ("Insgesamt",), "Schulen | Insgesamt")].value
    assert len({r["schulnummer"] for r in rows}) == len(rows) == n_schools
    assert _round5(sum(r["schueler_insgesamt"] for r in rows)) == \
        two[("05966", ("Insgesamt",), "Schüler/-innen | Insgesamt")].value
    kita_one = read_template((demo_dir / "demo_jugendamt_kitas_05966_2023.csv").read_bytes()).sheets["kitas"]
    kita_two = read_template((tmp_path / "demo_jugendamt_kitas_05966_2023.csv").read_bytes()).sheets["kitas"]
    assert 1.8 * len(kita_one) <= len(kita_two) <= 2.2 * len(kita_one)
    kt = cells_by(read_genesis_table((tmp_path / "demo_22541-02i_2023.csv").read_bytes()))
    assert kt[("05966", ("unter 3 Jahre",), KITA_MEASURES[0])].value == sum(r["kinder_unter_3"] for r in kita_two)
