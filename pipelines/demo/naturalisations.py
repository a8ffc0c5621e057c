"""Synthetic naturalisations: 12511-01i Einbürgerungen nach bisheriger Staatsangehörigkeit (Kontinente) -
kreisfreie Städte und Kreise - Jahr (our own table definition, same conventions as 12521-03i).

Model: per model unit and continent, the foreigners of 31.12. of the previous year (AZR model, exact) times an
approximate NRW rate path (about 1.0-1.5 % a year, rising after 2021 to about 2 % in 2024: plausibility values),
a continent factor (EU citizens rarely naturalise, Syrians often from 2021) and a fixed unit factor; stochastic
rounding, a seeded sex split. Exact counts; aggregates are sums.
"""

from __future__ import annotations

import math
from functools import lru_cache

from pipelines.demo.generator import (
    _AACHEN_REST,
    AACHEN_CITY,
    AACHEN_KREIS,
    CITIZENSHIPS,
    CONTINENTS,
    NRW,
    _alloc_units,
    _foreigners_year,
    _geo,
    _rng,
)
from pipelines.demo.genesis_layout import fmt_count, ldb_footer, pad, stand_line, write_lines
from pipelines.demo.geography import ldb_kreis_rows

__all__ = ["naturalisation_values", "table_12511_01i"]

_RATE_PCT = {2012: 1.45, 2013: 1.4, 2014: 1.35, 2015: 1.3, 2016: 1.15, 2017: 1.05, 2018: 1.05, 2019: 1.05,
             2020: 0.95, 2021: 1.2, 2022: 1.45, 2023: 1.75, 2024: 2.15}
# continent -> (factor until 2020, factor from 2021, male share)
_CONTINENT = {"1": (0.75, 0.65, 0.47), "2": (1.4, 1.4, 0.55), "3": (1.0, 1.0, 0.42), "4": (1.5, 2.1, 0.53),
              "5": (0.6, 0.6, 0.45), "9": (1.3, 1.5, 0.52)}


@lru_cache(maxsize=32)
def naturalisation_values(seed: int, year: int) -> dict[str, dict[str, tuple[int, int]]]:
    """(männlich, weiblich) per row code (NRW, RB, Kreise, Stadt Aachen) and continent code, plus '' = Insgesamt."""
    stock = _foreigners_year(seed, year - 1)
    rate = _RATE_PCT.get(year, _RATE_PCT[2024]) / 100
    r = _rng(seed, "naturalisations", year)
    by_unit: dict[str, dict[str, tuple[int, int]]] = {}
    for u in _alloc_units():
        unit_factor = math.exp(_rng(seed, "nat-unit", u).gauss(0.0, 0.15))
        cells = {}
        for cont, _label in CONTINENTS:
            base = sum(sum(stock[(u, c[0])]) for c in CITIZENSHIPS if c[2] == cont)
            before, after, male = _CONTINENT[cont]
            expected = base * rate * (after if year >= 2021 else before) * unit_factor * math.exp(r.gauss(0.0, 0.08))
            n = math.floor(expected + r.random())
            m = min(n, max(0, round(n * male + r.gauss(0.0, 0.5 * math.sqrt(max(n, 1) * male * (1 - male))))))
            cells[cont] = (m, n - m)
        by_unit[u] = cells
    geo = _geo()
    out: dict[str, dict[str, tuple[int, int]]] = {}

    def add(parts: list[dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
        return {cont: (sum(p[cont][0] for p in parts), sum(p[cont][1] for p in parts)) for cont, _ in CONTINENTS}

    for k in geo.kreise:
        out[k] = add([by_unit[AACHEN_CITY], by_unit[_AACHEN_REST]] if k == AACHEN_KREIS else [by_unit[k]])
    out[AACHEN_CITY] = dict(by_unit[AACHEN_CITY])
    for rb in geo.rbs:
        out[rb] = add([out[k] for k in geo.kreise_of_rb[rb]])
    out[NRW] = add([out[rb] for rb in geo.rbs])
    for cells in out.values():
        cells[""] = (sum(cells[c][0] for c, _ in CONTINENTS), sum(cells[c][1] for c, _ in CONTINENTS))
    return out


def table_12511_01i(seed: int, year: int, path):
    values = naturalisation_values(seed, year)
    width = 8
    lines = [
        "Tabelle: 12511-01i",
        pad("Einbürgerungen nach Geschlecht und bisheriger", width),
        pad("Staatsangehörigkeit (Kontinente)", width),
        pad("- kreisfreie Städte und Kreise - Jahr", width),
        pad("Einbürgerungsstatistik", width),
        ";;;;;Einbürgerungen;Einbürgerungen;Einbürgerungen",
        ";;;;;Insgesamt;männlich;weiblich",
        ";;;;;Anzahl;Anzahl;Anzahl",
    ]
    dims = [("", "Insgesamt"), *CONTINENTS]
    for row in ldb_kreis_rows():
        for code, label in dims:
            if row.kind == "dissolved":
                lines.append(f"{year};{row.code};{row.label};{code};{label};-;-;-")
                continue
            m, w = values[row.code][code]
            cells = f"{fmt_count(m + w)};{fmt_count(m)};{fmt_count(w)}"
            lines.append(f"{year};{row.code};{row.label};{code};{label};{cells}")
    notes = [
        "Einbürgerungen im Berichtsjahr nach der bisherigen",
        "Staatsangehörigkeit, zusammengefasst nach Erdteilen;",
        "Sonstige: staatenlos, ungeklärt, ohne Angabe.",
        "Exakte Werte (nicht gerundet). Tabellenaufbau nach den",
        "Konventionen der Landesdatenbank NRW (eigene Definition).",
        "Stadt Aachen (05334002) ist in der StädteRegion Aachen",
        "(05334) enthalten.",
    ]
    lines += ldb_footer(notes, year + 1, stand_line(seed, "12511-01i", year, year + 1, (6, 1), (7, 31)))
    return write_lines(path, lines)
