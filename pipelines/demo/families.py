"""Which files the demo consists of, in which order, and ``generate_demo``, which writes them.

File names (year = Stichtag year, Schuljahr start t of t/t+1, or Berichtsjahr; first-last = the years of a file that
stacks several years, as the real download of a year range does):

    demo_12411-15i_<year>.csv                     Bevölkerung und Fläche, Gemeinden (population_tables.py)
    demo_12411-01-01-4_<year>.csv                 Bevölkerung nach Geschlecht, Kreise (population_tables.py)
    demo_12521-03i_<year>.csv                     Ausländische Bevölkerung (AZR), Kreise (population_tables.py)
    demo_21111-01-03-4_<year>.csv                 Schulen und Schüler/-innen nach Schularten (schools.py)
    demo_21111-02-06-4_<year>.csv                 Absolvierende/Abgehende nach Abschlussarten (schools.py)
    demo_22543-01-02-4_<first>-<last>.csv         Kinder in Kindertagesbetreuung, Kreise, 01.03. (kitas.py)
    demo_12511-01-01-4_<first>-<last>.csv         Einbürgerungen nach Kontinenten, Kreise (naturalisations.py)
    demo_13211-02-05-4_<year>.csv                 Arbeitslose und Arbeitslosenquoten (labour.py)
    demo_22811-01i_<year>.csv                     Mindestsicherungsquote, Gemeinden (labour.py)
    demo_12411-03-03-4_<year>.csv                 Bevölkerung nach Nationalität und Alter (population_nationality.py)
    demo_ba_sgb2_elb_staatsangehoerigkeit_<year>.xlsx   BA: ELB nach Staatsangehörigkeit, Kreise (labour.py)
    demo_schulamt_schulen_<Kreis AGS>_<year>.xlsx        Schulamt school extract, 53 per year
    demo_jugendamt_kitas_<Kreis AGS>_<year>.csv          Jugendamt KiTa extract, 53 per year
    demo_ki_jahresbericht_<KI id>_<year>.xlsx            KI annual report, 54 per year

The stacked tables exercise the pipeline's handling of several periods in one file; the others stay one file per
year, so that a new year (or a newer Stand of one year, benchmarks/pipeline_run.py) is one new file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines.demo import kitas, kreis_extracts, labour, naturalisations, population_nationality, population_tables, schools
from pipelines.demo.generator import DEFAULT_SEED, DEFAULT_YEARS, nrw_geography
from pipelines.demo.ki_reports import KI_IDS

__all__ = ["BA_EXCEL", "GENESIS_TABLES", "KREIS_TEMPLATES", "STACKED_TABLES", "demo_file_name", "generate_demo",
           "write_families"]

# GENESIS tables (writers in _genesis_writers), the BA Excel table and the Kreis templates
GENESIS_TABLES = ("12411-15i", "12411-01-01-4", "12521-03i", "21111-01-03-4", "21111-02-06-4", "22543-01-02-4",
                  "12511-01-01-4", "13211-02-05-4", "22811-01i", "12411-03-03-4")
STACKED_TABLES = frozenset({"22543-01-02-4", "12511-01-01-4"})  # all years in one file, the newest first
BA_EXCEL = "ba_sgb2_elb_staatsangehoerigkeit"
KREIS_TEMPLATES = ("schulamt_schulen", "jugendamt_kitas", "ki_jahresbericht")


def _genesis_writers() -> dict[str, Callable[..., Path]]:
    """table -> writer(seed, years or year, path, scale)"""
    return {
        "12411-15i": lambda seed, year, path, scale: population_tables.table_12411_15i(seed, year, path),
        "12411-01-01-4": lambda seed, year, path, scale: population_tables.table_12411_01_01_4(seed, year, path),
        "12521-03i": lambda seed, year, path, scale: population_tables.table_12521_03i(seed, year, path),
        "21111-01-03-4": lambda seed, year, path, scale: schools.table_21111_01_03_4(seed, year, path, scale),
        "21111-02-06-4": lambda seed, year, path, scale: schools.table_21111_02_06_4(seed, year, path, scale),
        "22543-01-02-4": lambda seed, years, path, scale: kitas.table_22543_01_02_4(seed, years, path, scale),
        "12511-01-01-4": lambda seed, years, path, scale: naturalisations.table_12511_01_01_4(seed, years, path),
        "13211-02-05-4": lambda seed, year, path, scale: labour.table_13211_02_05_4(seed, year, path),
        "22811-01i": lambda seed, year, path, scale: labour.table_22811_01i(seed, year, path),
        "12411-03-03-4": lambda seed, year, path, scale: population_nationality.table_12411_03_03_4(seed, year, path),
    }


def demo_file_name(table: str, years: range) -> str:
    """demo_<table>_<year>.csv, or demo_<table>_<first>-<last>.csv for a stacked table over several years."""
    span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return f"demo_{table}_{span}.csv"


def write_families(out_dir: Path, *, seed: int, years: range, scale: int = 1) -> list[Path]:
    """Write every demo file for the years into out_dir; return the paths (table by table, year by year)."""
    if not isinstance(scale, int) or isinstance(scale, bool) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    written: list[Path] = []
    for code, writer in _genesis_writers().items():
        if code in STACKED_TABLES:
            written.append(writer(seed, years, out_dir / demo_file_name(code, years), scale))
            continue
        for year in years:
            written.append(writer(seed, year, out_dir / demo_file_name(code, range(year, year + 1)), scale))
    for year in years:
        path = out_dir / f"demo_{BA_EXCEL}_{year}.xlsx"
        path.write_bytes(labour.ba_sgb2_workbook(seed, year))
        written.append(path)
    kreise = nrw_geography().kreise
    for year in years:
        for kreis in kreise:
            written.append(kreis_extracts.write_school_extract(
                seed, year, kreis, out_dir / f"demo_schulamt_schulen_{kreis}_{year}.xlsx", scale))
    for year in years:
        for kreis in kreise:
            written.append(kreis_extracts.write_kita_extract(
                seed, year, kreis, out_dir / f"demo_jugendamt_kitas_{kreis}_{year}.csv", scale))
    for year in years:
        for ki in KI_IDS:
            written.append(kreis_extracts.write_ki_report(
                seed, year, ki, out_dir / f"demo_ki_jahresbericht_{ki}_{year}.xlsx", scale))
    return written


def generate_demo(out_dir: Path, *, seed: int = DEFAULT_SEED, years: range = DEFAULT_YEARS, scale: int = 1) -> list[Path]:
    """Write the synthetic demo extracts into out_dir (file names: the module docstring); return the paths.

    ``scale``: multiplies the number of schools and KiTas per Gemeinde (for benchmarks); the published tables keep
    their pupil and child totals (only the number of schools in 21111-01-03-4 grows) and stay consistent with the
    extracts."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_families(out_dir, seed=seed, years=years, scale=scale)
