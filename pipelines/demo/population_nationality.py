"""Synthetic 12411-03-03-4 Bevölkerung nach Geschlecht, Nationalität und Altersgruppen - Stichtag 31.12. -
regionale Tiefe: Kreise und krfr. Städte, one file per Stichtag, in the layout of the real Regionaldatenbank export
(``GENESIS-Tabelle:`` although UTF-8; time, code and label, then the age group as a further row dimension; the
Insgesamt age row last).

Model: the Fortschreibung of the same Stichtag as 12411-01-01-4 (same totals and men per Kreis, Stadt Aachen, RB
and NRW), split into Deutsche and Ausländer: the foreigners of the Fortschreibung are the AZR foreigners of the
model unit (exact, before rounding) times about 0.93 (the Fortschreibung counts fewer foreigners than the AZR: a
plausibility assumption, not an official ratio), their men by the AZR men's share. Every nationality x sex count is
split into the 21 age groups (unter 3 ... 90 Jahre und mehr) by an approximate NRW age profile (foreigners younger
than Germans, more women in the oldest groups), tilted by a fixed seeded factor per unit and ageing a little each
year. Exact integers; the Insgesamt columns and rows and every aggregate (Kreis = units, RB = Kreise, NRW = RB) are
sums. The row Deutschland is a plausibility value (total and men as in 12411-01-01-4, foreigners NRW x 4.2).
"""

from __future__ import annotations

import math
from functools import lru_cache

from pipelines.demo.generator import (
    AACHEN_CITY,
    AACHEN_KREIS,
    AACHEN_REST,
    CITIZENSHIPS,
    NRW,
    alloc_units,
    dg_population,
    foreigners_year,
    largest_remainder,
    nrw_geography,
    population_sex_year,
    seeded_rng,
)
from pipelines.demo.genesis_layout import TableLayout, fmt_count, stand_line, write_table
from pipelines.demo.geography import RDB_2017, rdb_rows

__all__ = ["AGE_GROUPS", "LAYOUT", "NATIONALITIES", "SEXES", "population_by_nationality", "table_12411_03_03_4"]

# (label as published, lower bound, upper bound exclusive or None)
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("unter 3 Jahre", 0, 3), ("3 bis unter 6 Jahre", 3, 6), ("6 bis unter 10 Jahre", 6, 10),
    ("10 bis unter 15 Jahre", 10, 15), ("15 bis unter 18 Jahre", 15, 18), ("18 bis unter 20 Jahre", 18, 20),
    ("20 bis unter 25 Jahre", 20, 25), ("25 bis unter 30 Jahre", 25, 30), ("30 bis unter 35 Jahre", 30, 35),
    ("35 bis unter 40 Jahre", 35, 40), ("40 bis unter 45 Jahre", 40, 45), ("45 bis unter 50 Jahre", 45, 50),
    ("50 bis unter 55 Jahre", 50, 55), ("55 bis unter 60 Jahre", 55, 60), ("60 bis unter 65 Jahre", 60, 65),
    ("65 bis unter 70 Jahre", 65, 70), ("70 bis unter 75 Jahre", 70, 75), ("75 bis unter 80 Jahre", 75, 80),
    ("80 bis unter 85 Jahre", 80, 85), ("85 bis unter 90 Jahre", 85, 90), ("90 Jahre und mehr", 90, None),
)
NATIONALITIES = ("Insgesamt", "Deutsche", "Ausländer")  # column order of the table (header row 1)
SEXES = ("Insgesamt", "männlich", "weiblich")  # header row 2

LAYOUT = TableLayout(
    first_line="GENESIS-Tabelle: 12411-03-03-4",
    title_lines=("Bevölkerungsstand: Bevölkerung nach Geschlecht, Nationalität",
                 "und Altersgruppen (21) - Stichtag 31.12. - (ab 2011)", "regionale Tiefe: Kreise und krfr. Städte",
                 "Fortschreibung des Bevölkerungsstandes", "Bevölkerungsstand (Anzahl)"),
    header_rows=(";;;;" + ";".join(["Insgesamt"] * 3 + ["Deutsche"] * 3 + ["Ausländer(innen)"] * 3),
                 ";;;;" + ";".join(SEXES * 3)),
    encoding="utf-8",
    footer="rdb",
    note_heading='zu "gesamte Tabelle":',
)

# Approximate shares (percent) per age group around 2018: Germans are older, foreigners concentrate at 20-45.
_PROFILE_GERMAN = (2.6, 2.6, 3.5, 4.5, 2.9, 2.0, 5.1, 5.6, 5.6, 5.5, 5.4, 6.3, 8.1, 8.0, 7.0,
                   6.0, 4.9, 4.7, 4.0, 2.0, 0.9)
_PROFILE_FOREIGN = (3.4, 3.2, 4.0, 4.6, 2.8, 2.4, 7.6, 10.0, 11.0, 10.0, 8.5, 7.0, 6.4, 5.4, 4.2,
                    3.2, 2.2, 1.6, 1.0, 0.4, 0.15)
# Women live longer: factor on the groups from 75 on (men get the inverse).
_OLD_WOMEN = (1.0,) * 17 + (1.25, 1.5, 1.9, 2.4)
FORTSCHREIBUNG_PER_AZR = 0.93  # foreigners in the Fortschreibung per AZR foreigner (plausibility assumption)
_DG_FOREIGN_RATIO = 4.2  # foreigners in Germany per foreigner in NRW (plausibility value for the row Deutschland)

# cells per region: (nationality, sex) -> 21 counts in AGE_GROUPS order; nationality/sex without 'Insgesamt'
Cells = dict[tuple[str, str], tuple[int, ...]]


def _age_weights(nationality: str, sex: str, tilt: float, year: int) -> list[float]:
    profile = _PROFILE_GERMAN if nationality == "Deutsche" else _PROFILE_FOREIGN
    out = []
    for (_, low, high), share, old in zip(AGE_GROUPS, profile, _OLD_WOMEN):
        middle = (low + (high if high is not None else 95)) / 2
        weight = share * (old if sex == "weiblich" else 1 / old)
        weight *= math.exp(tilt * (35 - middle) / 30)  # a younger (tilt > 0) or older unit
        if middle >= 50:
            weight *= 1 + 0.008 * (year - 2018)  # ageing
        out.append(weight)
    return out


@lru_cache(maxsize=1)
def _unit_tilt(seed: int) -> dict[str, float]:
    """Fixed age tilt per model unit: university towns younger, rural Kreise a little older (seeded noise)."""
    young = {AACHEN_CITY: 0.25, "05515": 0.2, "05314": 0.15, "05911": 0.12, "05315": 0.12}
    return {u: young.get(u, 0.0) + seeded_rng(seed, "age-tilt", u).gauss(0.0, 0.06) for u in alloc_units()}


def _unit_sex_counts(seed: int, year: int) -> dict[str, dict[tuple[str, str], int]]:
    """Per model unit: (nationality, sex) -> count for Deutsche / Ausländer x männlich / weiblich."""
    sex = population_sex_year(seed, year)
    azr = foreigners_year(seed, year)
    codes = [c[0] for c in CITIZENSHIPS]
    r = seeded_rng(seed, "fortschreibung-foreigners", year)
    out: dict[str, dict[tuple[str, str], int]] = {}
    for u in alloc_units():
        if u == AACHEN_REST:
            total = sex[AACHEN_KREIS][0] - sex[AACHEN_CITY][0]
            men = sex[AACHEN_KREIS][1] - sex[AACHEN_CITY][1]
        else:
            total, men, _women = sex[u]
        azr_men = sum(azr[(u, c)][0] for c in codes)
        azr_all = azr_men + sum(azr[(u, c)][1] for c in codes)
        unit_factor = FORTSCHREIBUNG_PER_AZR * math.exp(seeded_rng(seed, "fs-unit", u).gauss(0.0, 0.015))
        foreign = round(azr_all * unit_factor * math.exp(r.gauss(0.0, 0.005)))
        foreign_men = min(men, round(foreign * azr_men / azr_all)) if azr_all else 0
        foreign_women = min(total - men, foreign - foreign_men)
        out[u] = {
            ("Deutsche", "männlich"): men - foreign_men,
            ("Deutsche", "weiblich"): total - men - foreign_women,
            ("Ausländer", "männlich"): foreign_men,
            ("Ausländer", "weiblich"): foreign_women,
        }
    return out


def _add(parts: list[Cells]) -> Cells:
    return {key: tuple(sum(p[key][i] for p in parts) for i in range(len(AGE_GROUPS))) for key in parts[0]}


@lru_cache(maxsize=32)
def population_by_nationality(seed: int, year: int) -> dict[str, Cells]:
    """Exact counts per row code (DG, NRW, RB, Kreise, Stadt Aachen): (Deutsche|Ausländer, männlich|weiblich) ->
    counts per age group (AGE_GROUPS order). Totals over age, sex or nationality are sums of these."""
    tilt = _unit_tilt(seed)
    units: dict[str, Cells] = {}
    for u, counts in _unit_sex_counts(seed, year).items():
        units[u] = {
            (nationality, sex): tuple(largest_remainder(n, _age_weights(nationality, sex, tilt[u], year)))
            for (nationality, sex), n in counts.items()
        }
    geo = nrw_geography()
    out: dict[str, Cells] = {}
    for k in geo.kreise:
        out[k] = _add([units[AACHEN_CITY], units[AACHEN_REST]] if k == AACHEN_KREIS else [units[k]])
    out[AACHEN_CITY] = units[AACHEN_CITY]
    for rb in geo.rbs:
        out[rb] = _add([out[k] for k in geo.kreise_of_rb[rb]])
    out[NRW] = _add([out[rb] for rb in geo.rbs])
    dg, dg_men = dg_population(seed, year)
    nrw = out[NRW]
    foreign = {s: round(sum(nrw[("Ausländer", s)]) * _DG_FOREIGN_RATIO) for s in ("männlich", "weiblich")}
    dg_counts = {("Ausländer", "männlich"): foreign["männlich"], ("Ausländer", "weiblich"): foreign["weiblich"],
                 ("Deutsche", "männlich"): dg_men - foreign["männlich"],
                 ("Deutsche", "weiblich"): dg - dg_men - foreign["weiblich"]}
    out["DG"] = {key: tuple(largest_remainder(n, [float(v) + 0.5 for v in nrw[key]])) for key, n in dg_counts.items()}
    return out


def _row_values(cells: Cells, age: int | None) -> list[int]:
    """The 9 published values of one row: nationality (Insgesamt, Deutsche, Ausländer) x sex (Insgesamt, m, w);
    age None = the row Insgesamt over all age groups."""

    def count(nationality: str, sex: str) -> int:
        nationalities = ("Deutsche", "Ausländer") if nationality == "Insgesamt" else (nationality,)
        sexes = ("männlich", "weiblich") if sex == "Insgesamt" else (sex,)
        return sum(sum(cells[(n, s)]) if age is None else cells[(n, s)][age] for n in nationalities for s in sexes)

    return [count(n, s) for n in NATIONALITIES for s in SEXES]


def table_12411_03_03_4(seed: int, year: int, path):
    values = population_by_nationality(seed, year)
    stichtag = f"31.12.{year}"
    ages = [*((i, label) for i, (label, _, _) in enumerate(AGE_GROUPS)), (None, "Insgesamt")]
    rows = []
    for row in rdb_rows(RDB_2017):
        for age, label in ages:
            if row.kind == "dissolved":
                cells = ["-"] * (LAYOUT.width - LAYOUT.value_start)
            else:
                cells = [fmt_count(v) for v in _row_values(values[row.code], age)]
            rows.append(f"{stichtag};{row.code};{row.label};{label};" + ";".join(cells))
    notes = [
        "Bevölkerungsstand: synthetische Fortschreibung, dieselben",
        "Summen wie 12411-01-01-4. Nationalität: Deutsche und",
        "Ausländer nach der Fortschreibung (nicht AZR).",
        "Die Zeile Deutschland ist ein Plausibilitätswert; ausgewiesen",
        "werden nur Nordrhein-Westfalen und seine Verwaltungsbezirke.",
        "Aachen, Kreis: aufgelöst am 21.10.2009 (StädteRegion Aachen).",
    ]
    return write_table(path, LAYOUT, rows, notes, year + 1,
                       stand_line(seed, "12411-03-03-4", year, year + 1, (10, 1), (12, 15)))
