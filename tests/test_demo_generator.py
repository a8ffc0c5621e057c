"""Tests of the synthetic demo generator (pipelines/demo/generator.py, population_tables.py): the population and
foreigners tables, the set of files and determinism.

The files are parsed with the csv module directly (not with the product's readers), so these tests pin the values
of the demo extracts independently of the readers. Their layout is compared with the real downloads in
tests/test_demo_real_layouts.py; the further families (schools, KiTas, labour market, social benefits, Kreis
templates) are tested in tests/test_demo_families.py."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from pipelines.demo.families import generate_demo
from pipelines.demo.generator import CITIZENSHIPS, DEMO_MARKER, exact_foreigners, population

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEED_CSV = PROJECT_ROOT / "dbt_project" / "seeds" / "nrw_districts.csv"
YEARS = range(2012, 2025)
TABLES = ("12411-15i", "12411-01-01-4", "12521-03i")
DISSOLVED = {"05313", "05354"}
# Files per year of the other families: 5 GENESIS tables, the BA Excel table, 53 school extracts, 53 KiTa extracts,
# 54 KI reports; and 2 GENESIS tables with all years in one file.
OTHER_FILES_PER_YEAR = 5 + 1 + 53 + 53 + 54
STACKED_FILES = 2
FILE_COUNT = (len(TABLES) + OTHER_FILES_PER_YEAR) * len(YEARS) + STACKED_FILES


@pytest.fixture(scope="module")
def out_dir(demo_files) -> Path:
    """All demo files 2012-2024, the session's shared demo extracts (written by a fresh process with `make test`:
    tests/conftest.py demo_pipeline_started_early)."""
    [folder] = {path.parent for path in demo_files}
    assert len(demo_files) == FILE_COUNT
    return folder


def _seed_units() -> dict[str, dict[str, str]]:
    with SEED_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["ags"]: r for r in csv.DictReader(fh)}


@lru_cache(maxsize=None)
def _lines(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


DATE = re.compile(r"^31\.12\.\d{4}$")
AGS = re.compile(r"^(05\d*|DG)$")


def _ldb_rows(path: Path) -> list[list[str]]:
    """Data rows of a Landesdatenbank table: they start with the Stichtag."""
    return [r for r in _lines(path) if r and DATE.match(r[0])]


def _num(cell: str) -> int | None:
    return 0 if cell == "-" else int(cell)


def pop15(out_dir: Path, year: int) -> dict[str, list[str]]:
    return {r[1]: r for r in _ldb_rows(out_dir / f"demo_12411-15i_{year}.csv")}


def pop4(out_dir: Path, year: int) -> dict[str, list[str]]:
    rows = [r for r in _lines(out_dir / f"demo_12411-01-01-4_{year}.csv") if len(r) == 5 and AGS.match(r[0])]
    return {r[0]: r for r in rows}


def azr(out_dir: Path, year: int) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {(r[1], r[3]): (r[5], r[6], r[7]) for r in _ldb_rows(out_dir / f"demo_12521-03i_{year}.csv")}


def azr_total(table: dict[tuple[str, str], tuple[str, str, str]], ags: str) -> int:
    return sum(_num(table[(ags, c)][0]) for c in ("1", "2", "3", "4", "5", "9"))


# --------------------------------------------------------------------------------------------------------------
# files and determinism
# --------------------------------------------------------------------------------------------------------------
def test_one_file_per_table_and_year(out_dir):
    names = sorted(p.name for p in out_dir.iterdir())
    base = [n for n in names if any(n.startswith(f"demo_{t}_") for t in TABLES)]
    assert base == sorted(f"demo_{t}_{y}.csv" for t in TABLES for y in YEARS)
    assert len(names) == FILE_COUNT
    assert all(n.startswith("demo_") for n in names)
    assert {"demo_12511-01-01-4_2012-2024.csv", "demo_22543-01-02-4_2012-2024.csv"} <= set(names)


def test_deterministic_across_processes(out_dir, tmp_path):
    """A second run in a fresh interpreter (CLI, other hash seed) writes byte-identical files."""
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.demo", str(tmp_path / "again")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert result.returncode == 0, result.stderr
    assert f"{FILE_COUNT} demo files" in result.stdout and str((tmp_path / "again").resolve()) in result.stdout
    again = sorted((tmp_path / "again").iterdir())
    assert [p.name for p in again] == sorted(p.name for p in out_dir.iterdir())
    for p in again:
        assert p.read_bytes() == (out_dir / p.name).read_bytes(), p.name


def test_other_seed_other_values(tmp_path):
    a = generate_demo(tmp_path / "a", seed=1, years=range(2020, 2021))
    b = generate_demo(tmp_path / "b", seed=2, years=range(2020, 2021))
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() != y.read_bytes() for x, y in zip(a, b))


def test_year_values_do_not_depend_on_the_year_range(out_dir, tmp_path):
    written = generate_demo(tmp_path, years=range(2019, 2020))
    (p,) = [p for p in written if "12521" in p.name]
    assert p.read_bytes() == (out_dir / p.name).read_bytes()
    # the families too (the school extract of 2019/20 reports the leavers of 2018/19, computed all the same)
    for name in ("demo_21111-01-03-4_2019.csv", "demo_schulamt_schulen_05966_2019.xlsx",
                 "demo_jugendamt_kitas_05966_2019.csv", "demo_ki_jahresbericht_05334002_2019.xlsx",
                 "demo_ba_sgb2_elb_staatsangehoerigkeit_2019.xlsx"):
        assert (tmp_path / name).read_bytes() == (out_dir / name).read_bytes(), name
    # a stacked table holds the same rows for 2019 as the file of all years
    for table, period in (("12511-01-01-4", "2019"), ("22543-01-02-4", "01.03.2019")):
        one = [r for r in _lines(tmp_path / f"demo_{table}_2019.csv") if r and r[0] == period]
        every = [r for r in _lines(out_dir / f"demo_{table}_2012-2024.csv") if r and r[0] == period]
        assert one == every and len(one) > 60, table


# --------------------------------------------------------------------------------------------------------------
# byte layout common to all files
# --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("table", TABLES)
def test_footer_of_every_year(out_dir, table):
    """Each year's file carries the demo marker, a copyright of the following year and a Stand of that year (the
    layout itself is compared with the real downloads in tests/test_demo_real_layouts.py)."""
    for year in (2012, 2016, 2024):
        raw = (out_dir / f"demo_{table}_{year}.csv").read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")
        text = raw.decode("cp1252")
        assert text.split("\n", 1)[0].endswith(f": {table}")
        tail = text[text.index("\n__________\n"):]
        footer = list(csv.reader(io.StringIO(tail, newline=""), delimiter=";"))
        assert footer[1][0] == "__________"
        note, copyright_, stand = footer[2][0], footer[3][0], footer[4][0]
        assert DEMO_MARKER in note and "\n" in note
        assert copyright_.startswith(f"© {DEMO_MARKER}, Integrationsmonitor NRW, {year + 1}.")
        assert "Keine amtlichen Zahlen" in copyright_
        m = re.fullmatch(r"Stand: (\d\d)\.(\d\d)\.(\d{4}) / \d\d:\d\d:\d\d", stand)
        assert m and int(m.group(3)) == year + 1


# --------------------------------------------------------------------------------------------------------------
# 12411-15i
# --------------------------------------------------------------------------------------------------------------
def test_all_kreise_and_gemeinden_present(out_dir):
    units = _seed_units()
    kreise = [a for a, r in units.items() if r["kind"] in ("Kreis", "kreisfreie Stadt")]
    gemeinden = [a for a, r in units.items() if r["kind"] == "Gemeinde"]
    assert len(kreise) == 53 and len(gemeinden) == 396
    for year in YEARS:
        rows = pop15(out_dir, year)
        assert all(k in rows and rows[k][3] != "-" for k in kreise)
        for g in gemeinden:
            parent = units[g]["parent_ags"]
            if units[parent]["kind"] == "kreisfreie Stadt":
                assert g not in rows and parent in rows  # the real table lists only the 5-digit city row
            else:
                assert g in rows and int(rows[g][3]) > 0, g


def test_order_indentation_and_dissolved_units(out_dir):
    rows = _ldb_rows(out_dir / "demo_12411-15i_2024.csv")
    codes = [r[1] for r in rows]
    assert codes[0] == "05" and codes[1] == "051"
    indent = {len(r[2]) - len(r[2].lstrip(" ")) for r in rows if len(r[1]) == 3}
    assert indent == {2}
    assert {len(r[2]) - len(r[2].lstrip(" ")) for r in rows if len(r[1]) == 5} == {4}
    assert {len(r[2]) - len(r[2].lstrip(" ")) for r in rows if len(r[1]) == 8} == {6}
    # Kreise in AGS order within each RB, each followed by its Gemeinden
    five = [c for c in codes if len(c) == 5]
    assert five == sorted(five)
    assert codes.index("05313") < codes.index("05314") < codes.index("05334") < codes.index("05334002")
    assert codes.index("05334036") < codes.index("05354") < codes.index("05354004") < codes.index("05358")
    by = {r[1]: r for r in rows}
    for a in ["05313", "05354", *[c for c in codes if c.startswith("05354") and len(c) == 8]]:
        assert by[a][3:] == ["-", "-", "-"]
    assert len([c for c in codes if c.startswith("05354")]) == 10  # Kreis + its 9 former Gemeinden
    assert by["05111"][2] == "    Düsseldorf, krfr. Stadt"
    assert by["05966"][2] == "    Olpe, Kreis"
    assert by["05162"][2] == "    Rhein-Kreis Neuss"
    assert by["05958"][2] == "    Hochsauerlandkreis"
    assert by["05334"][2] == "    Städteregion Aachen (einschl. Stadt Aachen)"
    assert by["05334002"][2] == "      Aachen, krfr. Stadt (ab 21.10.2009)"
    assert by["051"][2] == "  Düsseldorf, Regierungsbezirk"


def test_population_sums_exact(out_dir):
    units = _seed_units()
    for year in YEARS:
        rows = pop15(out_dir, year)
        p = {a: int(r[3]) for a, r in rows.items() if r[3] != "-"}
        for k, r in units.items():
            if r["kind"] in ("Kreis", "Regierungsbezirk"):
                children = [a for a, u in units.items() if u["parent_ags"] == k]
                assert p[k] == sum(p[c] for c in children), (year, k)
        assert p["05"] == sum(p[rb] for rb in ("051", "053", "055", "057", "059"))
        kreise = [a for a, u in units.items() if u["kind"] in ("Kreis", "kreisfreie Stadt")]
        assert p["05"] == sum(p[k] for k in kreise)


def test_population_magnitudes_and_growth(out_dir):
    nrw = {y: int(pop15(out_dir, y)["05"][3]) for y in YEARS}
    assert all(17_400_000 < v < 18_300_000 for v in nrw.values())
    assert nrw[2024] > nrw[2012]
    assert nrw[2015] - nrw[2014] > 3 * abs(nrw[2019] - nrw[2018])  # refugee arrivals
    assert nrw[2022] - nrw[2021] > 3 * abs(nrw[2021] - nrw[2020])  # arrivals from Ukraine


def test_area_fixed_and_density(out_dir):
    first, last = pop15(out_dir, 2012), pop15(out_dir, 2024)
    for a, r in last.items():
        assert r[4] == first[a][4], a  # area fixed across years
        if r[3] == "-":
            continue
        assert re.fullmatch(r"\d+,\d\d", r[4]) and re.fullmatch(r"\d+,\d", r[5])
        area = float(r[4].replace(",", "."))
        assert abs(float(r[5].replace(",", ".")) - int(r[3]) / area) <= 0.05 + 1e-9, a
    hund = {a: int(r[4].replace(",", "")) for a, r in last.items() if r[4] != "-"}
    assert hund["05"] == sum(hund[rb] for rb in ("051", "053", "055", "057", "059"))
    assert hund["05966"] == sum(v for a, v in hund.items() if len(a) == 8 and a.startswith("05966"))
    assert 33_000 < hund["05"] / 100 < 35_000


def test_population_helper_matches_file(out_dir):
    pop = population(years=YEARS)
    for year in (2012, 2018, 2024):
        rows = pop15(out_dir, year)
        for a, r in rows.items():
            if r[3] != "-":
                assert pop[(a, year)] == int(r[3]), (a, year)
        assert pop[("05111000", year)] == pop[("05111", year)]
    assert sum(1 for (a, y) in pop if y == 2024 and len(a) == 8) == 396


# --------------------------------------------------------------------------------------------------------------
# 12411-01-01-4
# --------------------------------------------------------------------------------------------------------------
def test_sex_table_equals_12411_15i(out_dir):
    units = _seed_units()
    kreise = [a for a, r in units.items() if r["kind"] in ("Kreis", "kreisfreie Stadt")]
    for year in YEARS:
        p15, p4 = pop15(out_dir, year), pop4(out_dir, year)
        for a in [*kreise, "05", "051", "053", "055", "057", "059", "05334002"]:
            t, m, w = (int(x) for x in p4[a][2:])
            assert t == int(p15[a][3]), (a, year)
            assert m + w == t and 0.46 < m / t < 0.54, (a, year)
        assert p4["05354"][2:] == ["-", "-", "-"] and "05313" not in p4
        assert int(p4["DG"][2]) > 4 * int(p4["05"][2])
        assert len(p4) == 1 + 1 + 5 + 53 + 2  # DG, NRW, RB, Kreise, Stadt Aachen, Aachen Kreis


def test_sex_table_labels(out_dir):
    p4 = pop4(out_dir, 2024)
    assert p4["051"][1] == "    Düsseldorf, Regierungsbezirk"
    assert p4["05111"][1] == "      Düsseldorf, Kreisfreie Stadt"
    assert p4["05966"][1] == "      Olpe, Kreis"
    assert p4["05334002"][1] == "      Aachen, krfr. Stadt"
    assert p4["05354"][1] == "      Aachen, Kreis"


# --------------------------------------------------------------------------------------------------------------
# 12521-03i
# --------------------------------------------------------------------------------------------------------------
def test_azr_regions_and_codes(out_dir):
    rows = _ldb_rows(out_dir / "demo_12521-03i_2024.csv")
    regions = list(dict.fromkeys(r[1] for r in rows))
    units = _seed_units()
    kreise = sorted(a for a, r in units.items() if r["kind"] in ("Kreis", "kreisfreie Stadt"))
    assert [r for r in regions if len(r) == 5] == sorted([*kreise, *DISSOLVED])
    assert [r for r in regions if len(r) == 8] == []  # no Stadt Aachen in the AZR table, as in the real one
    codes = list(dict.fromkeys(r[3] for r in rows if r[1] == "05"))
    conts = [c for c in codes if len(c) == 1]
    assert conts == ["1", "2", "3", "4", "5", "9"]
    assert len(codes) - len(conts) == len(CITIZENSHIPS) == 215
    for code in ("121", "163", "166", "475", "423", "438", "997", "998", "999"):
        assert code in codes
    # every region lists the same codes in the same order, country labels indented by 2 spaces
    for reg in regions:
        assert [r[3] for r in rows if r[1] == reg] == codes
    assert all(r[4].startswith("  ") != (len(r[3]) == 1) for r in rows)


def test_azr_rounding_from_2016(out_dir):
    for year in YEARS:
        cells = [c for v in azr(out_dir, year).values() for c in v]
        values = [_num(c) for c in cells]
        assert "0" not in cells  # nothing is written as '-'
        if year >= 2016:
            assert all(v % 5 == 0 for v in values), year
        else:
            assert any(v % 5 for v in values), year  # exact before 2016


def continent_members(out_dir: Path, year: int) -> dict[str, list[str]]:
    """Citizenship codes under each continent row, by their position in the file (not by the first digit: the
    British dependent territories 295, 395, 495 are listed under Europe)."""
    members: dict[str, list[str]] = {}
    for r in _ldb_rows(out_dir / f"demo_12521-03i_{year}.csv"):
        if r[1] == "05":
            if len(r[3]) == 1:
                members[r[3]] = []
                continent = r[3]
            else:
                members[continent].append(r[3])
    return members


def test_azr_aggregates(out_dir):
    assert "295" in continent_members(out_dir, 2024)["1"]
    for year in (2012, 2015, 2016, 2024):
        t = azr(out_dir, year)
        conts = continent_members(out_dir, year)
        mismatches = 0
        for reg in {r for r, _ in t} - DISSOLVED:
            for cont, members in conts.items():
                tot, m, w = (_num(x) for x in t[(reg, cont)])
                parts = sum(_num(t[(reg, c)][0]) for c in members)
                if year < 2016:
                    assert tot == m + w == parts, (year, reg, cont)
                else:
                    assert abs(tot - (m + w)) <= 5 and abs(tot - parts) <= 2.5 * len(members), (year, reg, cont)
                    mismatches += tot != parts
        if year >= 2016:
            assert mismatches > 0  # independently rounded parts do not add up everywhere
        nrw = azr_total(t, "05")
        rbs = sum(azr_total(t, rb) for rb in ("051", "053", "055", "057", "059"))
        if year < 2016:
            assert nrw == rbs
        else:
            assert abs(nrw - rbs) <= 5 * 6 * 3


def test_exact_foreigners_match_published(out_dir):
    exact = exact_foreigners(years=YEARS)
    pop = population(years=YEARS)
    units = _seed_units()
    kreise = [a for a, r in units.items() if r["kind"] in ("Kreis", "kreisfreie Stadt")]
    assert set(exact) == {(k, y) for k in kreise for y in YEARS}
    for year in YEARS:
        t = azr(out_dir, year)
        for k in kreise:
            published = azr_total(t, k)
            if year < 2016:
                assert published == exact[(k, year)], (k, year)
            else:
                assert abs(published - exact[(k, year)]) <= 2 * 6, (k, year)
            assert 0 < exact[(k, year)] < 0.45 * pop[(k, year)], (k, year)
    with_city = exact_foreigners(years=range(2024, 2025), include_aachen_city=True)
    assert 0 < with_city[("05334002", 2024)] < with_city[("05334", 2024)]


def share(out_dir: Path, year: int, ags: str) -> float:
    return 100 * azr_total(azr(out_dir, year), ags) / int(pop15(out_dir, year)[ags][3])


def test_nrw_foreign_share(out_dir):
    assert 8 <= share(out_dir, 2012, "05") <= 13
    assert 15 <= share(out_dir, 2024, "05") <= 21
    shares = [share(out_dir, y, "05") for y in YEARS]
    assert shares == sorted(shares)


def test_regional_contrast(out_dir):
    for year in (2012, 2024):
        ruhr = min(share(out_dir, year, "05513"), share(out_dir, year, "05112"))  # Gelsenkirchen, Duisburg
        rural = max(share(out_dir, year, "05558"), share(out_dir, year, "05762"))  # Coesfeld, Höxter
        assert ruhr > 2 * rural and ruhr - rural > 8, year
    assert 5 <= share(out_dir, 2024, "05558") <= 12


def test_refugee_and_ukraine_jumps(out_dir):
    nrw = {y: azr_total(azr(out_dir, y), "05") for y in YEARS}
    normal = max(abs(nrw[y + 1] - nrw[y]) for y in range(2017, 2021))
    assert nrw[2016] - nrw[2014] > 3 * normal
    assert nrw[2022] - nrw[2021] > 2 * normal

    def country(year: int, code: str) -> int:
        return _num(azr(out_dir, year)[("05", code)][0])

    assert country(2016, "475") > 5 * country(2014, "475")  # Syrien
    assert country(2016, "423") > 2 * country(2014, "423")  # Afghanistan
    assert country(2022, "166") > 5 * country(2021, "166")  # Ukraine
    assert country(2024, "163") < country(2012, "163")  # Türkei: declining (naturalisations)


def test_small_cells_in_small_kreise(out_dir):
    t = azr(out_dir, 2024)
    olpe = [v for (reg, code), v in t.items() if reg == "05966" and len(code) == 3]
    cells = [c for v in olpe for c in v]
    assert cells.count("-") >= 3 and cells.count("5") >= 3
    # sex split: refugees from Syria more often male, from Ukraine more often female (NRW level)
    _, m, w = (_num(x) for x in t[("05", "475")])
    assert m > w
    _, m, w = (_num(x) for x in t[("05", "166")])
    assert w > m
