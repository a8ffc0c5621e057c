"""Synthetic naturalisations: 12511-01-01-4 Einbürgerungen von Ausländern nach Kontinenten - Jahr - regionale
Tiefe: Kreise und krfr. Städte, in the layout of the real Regionaldatenbank export: the continents of the former
citizenship as columns, several years stacked in one file (newest year first), as a download of a year range is.

Model: per model unit and continent, the foreigners of 31.12. of the previous year (AZR model, exact) times an
approximate NRW rate path (about 1.0-1.5 % a year, rising after 2021 to about 2 % in 2024: plausibility values),
a continent factor (EU citizens rarely naturalise, Syrians often from 2021) and a fixed unit factor; stochastic
rounding. Exact counts; the Insgesamt column and every aggregate (Kreis, RB, NRW) are sums. The row Deutschland is
a plausibility value (NRW x about 4).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from pipelines.demo.generator import (
    AACHEN_CITY,
    AACHEN_KREIS,
    AACHEN_REST,
    CITIZENSHIPS,
    CONTINENTS,
    NRW,
    alloc_units,
    foreigners_year,
    nrw_geography,
    seeded_rng,
)
from pipelines.demo.genesis_layout import TableLayout, fmt_count, stand_line, write_table
from pipelines.demo.geography import RDB_2017, rdb_rows

__all__ = ["COLUMNS", "LAYOUT", "naturalisation_values", "table_12511_01_01_4"]

_RATE_PCT = {2012: 1.45, 2013: 1.4, 2014: 1.35, 2015: 1.3, 2016: 1.15, 2017: 1.05, 2018: 1.05, 2019: 1.05,
             2020: 0.95, 2021: 1.2, 2022: 1.45, 2023: 1.75, 2024: 2.15}
# continent -> (factor until 2020, factor from 2021)
_CONTINENT = {"1": (0.75, 0.65), "2": (1.4, 1.4), "3": (1.0, 1.0), "4": (1.5, 2.1), "5": (0.6, 0.6), "9": (1.3, 1.5)}
_DG_RATIO = 4.1  # naturalisations in Germany per naturalisation in NRW (plausibility value for the row Deutschland)

# value columns in the table's order: '' = Insgesamt, else the continent code (CONTINENTS)
COLUMNS = ("", "2", "3", "4", "5", "1", "9")
_TITLE = "Einbürgerungen von Ausländern"
_CONTINENTS_HEADER = "Kontinente (einschl. staatenlos etc.)"
LAYOUT = TableLayout(
    first_line="GENESIS-Tabelle: 12511-01-01-4",
    title_lines=("Einbürgerungen von Ausländern nach Kontinenten", "- Jahr - regionale Tiefe: Kreise und krfr. Städte",
                 "Einbürgerungsstatistik"),
    header_rows=(
        ";;;" + ";".join([_TITLE] * len(COLUMNS)),
        ";;;" + ";".join([_CONTINENTS_HEADER] * len(COLUMNS)),
        ";;;Insgesamt;Afrika;Amerika;Asien;Australien und Ozeanien;Europa;"
        "Staatenlos, unbekannt, ungeklärt, ohne Angabe",
        ";;;" + ";".join(["Anzahl"] * len(COLUMNS)),
    ),
    encoding="cp1252",
    footer="rdb",
    note_heading='zu "gesamte Tabelle":',
)


@lru_cache(maxsize=32)
def naturalisation_values(seed: int, year: int) -> dict[str, dict[str, int]]:
    """Naturalisations per row code (DG, NRW, RB, Kreise, Stadt Aachen) and continent code, '' = Insgesamt."""
    stock = foreigners_year(seed, year - 1)
    rate = _RATE_PCT.get(year, _RATE_PCT[2024]) / 100
    r = seeded_rng(seed, "naturalisations", year)
    by_unit: dict[str, dict[str, int]] = {}
    for u in alloc_units():
        unit_factor = math.exp(seeded_rng(seed, "nat-unit", u).gauss(0.0, 0.15))
        cells = {}
        for cont, _label in CONTINENTS:
            base = sum(sum(stock[(u, c[0])]) for c in CITIZENSHIPS if c[2] == cont)
            before, after = _CONTINENT[cont]
            expected = base * rate * (after if year >= 2021 else before) * unit_factor * math.exp(r.gauss(0.0, 0.08))
            cells[cont] = math.floor(expected + r.random())
        by_unit[u] = cells
    geo = nrw_geography()
    out: dict[str, dict[str, int]] = {}

    def add(parts: list[dict[str, int]]) -> dict[str, int]:
        return {cont: sum(p[cont] for p in parts) for cont, _ in CONTINENTS}

    for k in geo.kreise:
        out[k] = add([by_unit[AACHEN_CITY], by_unit[AACHEN_REST]] if k == AACHEN_KREIS else [by_unit[k]])
    out[AACHEN_CITY] = dict(by_unit[AACHEN_CITY])
    for rb in geo.rbs:
        out[rb] = add([out[k] for k in geo.kreise_of_rb[rb]])
    out[NRW] = add([out[rb] for rb in geo.rbs])
    out["DG"] = {cont: round(v * _DG_RATIO * math.exp(r.gauss(0.0, 0.03))) for cont, v in out[NRW].items()}
    for cells in out.values():
        cells[""] = sum(cells[c] for c, _ in CONTINENTS)
    return out


def table_12511_01_01_4(seed: int, years: range, path: Path) -> Path:
    """All years in one file, the newest first."""
    rows = []
    for year in sorted(years, reverse=True):
        values = naturalisation_values(seed, year)
        for row in rdb_rows(RDB_2017):
            if row.kind == "dissolved":
                cells = ["-"] * len(COLUMNS)
            else:
                cells = [fmt_count(values[row.code][column]) for column in COLUMNS]
            rows.append(f"{year};{row.code};{row.label};" + ";".join(cells))
    notes = [
        "Einbürgerungen im Berichtsjahr nach Kontinent der bisherigen",
        "Staatsangehörigkeit. Exakte Werte (nicht gerundet).",
        "Die Zeile Deutschland ist ein Plausibilitätswert; ausgewiesen",
        "werden nur Nordrhein-Westfalen und seine Verwaltungsbezirke.",
    ]
    last = max(years)
    return write_table(path, LAYOUT, rows, notes, last + 1,
                       stand_line(seed, "12511-01-01-4", last, last + 1, (2, 1), (3, 31)))
