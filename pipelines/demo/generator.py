"""Deterministic generator of SYNTHETIC demo extracts in the byte layout of the real sources: the models of
population and foreigners that every demo family builds on (``generate_demo`` in :mod:`pipelines.demo.families`
writes the files).

The files let the product be demonstrated without real data. Every value is invented; every file carries
:data:`DEMO_MARKER`, by which the pipeline recognises demo data: the GENESIS tables in the note block and the
copyright line of their footer, the BA Excel table in a title row and the notes below the table, the Kreis templates
in the file properties (Excel) and in the name column of every row (``schulname``, ``einrichtung_name``). Which
files are written, and the entry point ``generate_demo``: :mod:`pipelines.demo.families`; the GENESIS layouts: :mod:`pipelines.demo.genesis_layout`.

Model (all randomness from ``random.Random`` seeded with strings derived from the seed, the unit and the
year, so a year's values do not depend on which other years are generated):

* Population: per Kreis an approximate 2018 level and trend (``profile.csv``), scaled to an NRW path;
  split onto Gemeinden with fixed seeded weights; Gemeinde values are integers, every aggregate is the exact
  sum of its parts (Kreis = Gemeinden, RB = Kreise, NRW = RB).
* Foreigners: an approximate NRW stock path per citizenship (:data:`CITIZENSHIPS`, ``citizenships.csv``),
  allocated to the Kreise (the StädteRegion Aachen as Stadt Aachen + Umland) by population, the Kreis's
  foreign-share parameter and fixed seeded affinities; exact integer counts per unit x citizenship x sex first,
  all aggregates summed from exact values, rounding (from 2016) applied cell by cell only when publishing.
"""

from __future__ import annotations

import csv
import math
import random
from functools import lru_cache
from pathlib import Path

from pipelines.extracts import DEMO_MARKER  # written into every generated file (see the module docstring)

DEFAULT_SEED = 20241231
DEFAULT_YEARS = range(2012, 2025)

_HERE = Path(__file__).resolve().parent
_SEED_CSV = _HERE.parent.parent / "dbt_project" / "seeds" / "nrw_districts.csv"
_PROFILE_CSV = _HERE / "profile.csv"
_CITIZENSHIPS_CSV = _HERE / "citizenships.csv"

NRW = "05"
AACHEN_KREIS = "05334"
AACHEN_CITY = "05334002"
DISSOLVED_CITY = "05313"  # Aachen, krfr. Stadt (until 20.10.2009)
DISSOLVED_KREIS = "05354"  # Aachen, Kreis (until 20.10.2009)
AACHEN_REST = "05334R"  # internal allocation unit: StädteRegion Aachen without the city of Aachen
ROUNDING_FROM_YEAR = 2016  # AZR tables: every cell rounded to a multiple of 5 from this Stichtag on

# Approximate NRW population path (millions, 31.12.), a plausibility assumption, not official figures.
_NRW_POP_M = {
    2012: 17.57, 2013: 17.60, 2014: 17.64, 2015: 17.86, 2016: 17.89, 2017: 17.91, 2018: 17.93,
    2019: 17.95, 2020: 17.93, 2021: 17.93, 2022: 18.01, 2023: 18.02, 2024: 18.035,
}
# Approximate ratio Germany / NRW for the DG row of 12411-01-01-4.
_DG_RATIO = {2012: 4.588, 2018: 4.630, 2024: 4.636}

# --------------------------------------------------------------------------------------------------------------
# Citizenships of the AZR table (citizenships.csv, in the order and with the labels of the real 12521-03i): code,
# label, continent code, NRW stock in thousands at _KEY_YEARS, male share, alpha, cluster tag. The stock paths are
# approximate plausibility assumptions (not official figures). alpha steers the regional spread: > 1 concentrates
# on Kreise with a high foreign-share parameter (old labour migration, cities), < 1 spreads more evenly by
# population (refugee distribution keys).
# --------------------------------------------------------------------------------------------------------------
_KEY_YEARS = (2012, 2014, 2015, 2016, 2021, 2022, 2024)

CONTINENTS = (
    ("1", "Europa"),
    ("2", "Afrika"),
    ("3", "Amerika"),
    ("4", "Asien"),
    ("5", "Australien / Ozeanien"),
    ("9", "Sonstige"),
)


def _read_citizenships() -> tuple[tuple[str, str, str, tuple[float, ...], float, float, str], ...]:
    with _CITIZENSHIPS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return tuple(
        (r["code"], r["label"], r["continent"], tuple(float(r[f"k{y}"]) for y in _KEY_YEARS), float(r["male_share"]),
         float(r["alpha"]), r["cluster"])
        for r in rows
    )


CITIZENSHIPS = _read_citizenships()

_STOCK_SCALE = 0.975  # calibrates the sum of the paths to roughly 10.5 % (2012) and 18 % (2024) of the population
_ALPHA_SCALE = 1.25  # sharpens the regional contrast towards the profile's foreign-share parameters

# Regional clusters (multipliers on the allocation weight), by tag -> unit -> factor.
_UNI = {"05334002": 2.5, "05911": 1.8, "05314": 1.8, "05515": 1.8, "05315": 1.3, "05913": 1.5,
        "05774": 1.5, "05970": 1.5, "05711": 1.3}
_CLUSTERS: dict[str, dict[str, float]] = {
    "nl": {"05154": 8.0, "05554": 5.0, "05370": 4.0, AACHEN_REST: 3.0, "05334002": 2.0, "05166": 3.0,
           "05566": 1.5, "05170": 1.5},
    "be": {"05334002": 4.0, AACHEN_REST: 4.0, "05370": 2.0, "05366": 2.0},
    "seu": {"05112": 3.0, "05513": 3.0, "05913": 2.0, "05914": 2.5, "05916": 1.5, "05113": 1.3,
            "05754": 2.5, "05570": 1.5, "05566": 1.3},
    "jp": {"05111": 15.0, "05158": 3.0, "05162": 3.0},
    "uni": _UNI,
    "gr": {"05124": 1.5, "05334002": 1.3, "05711": 1.3},
    "it": {"05124": 1.3, "05120": 1.5, "05122": 1.5},
    "owl": {"05774": 1.8, "05770": 1.8, "05754": 1.8, "05766": 1.8, "05711": 1.5},
    "tr": {"05112": 1.3, "05513": 1.3, "05915": 1.3, "05315": 1.2},
    "lb": {"05913": 2.5, "05113": 2.5, "05112": 1.5},
    "ma": {"05111": 2.0, "05315": 1.3, "05112": 1.5},
    "gh": {"05111": 2.0},
}

# --------------------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------------------
class _Geo:
    """Units of the seed: RB, Kreise (incl. kreisfreie Städte), Gemeinden."""

    def __init__(self) -> None:
        with _SEED_CSV.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.rows = {r["ags"]: r for r in rows}
        self.rbs = sorted(r["ags"] for r in rows if r["kind"] == "Regierungsbezirk")
        self.kreise = sorted(r["ags"] for r in rows if r["kind"] in ("Kreis", "kreisfreie Stadt"))
        self.kreise_of_rb = {rb: [k for k in self.kreise if self.rows[k]["parent_ags"] == rb] for rb in self.rbs}
        self.gemeinden_of = {k: sorted(r["ags"] for r in rows if r["kind"] == "Gemeinde" and r["parent_ags"] == k)
                             for k in self.kreise}

    def name(self, ags: str) -> str:
        return self.rows[ags]["name"]

    def kreisfrei(self, ags: str) -> bool:
        return self.rows[ags]["kind"] == "kreisfreie Stadt"


@lru_cache(maxsize=1)
def nrw_geography() -> _Geo:
    return _Geo()


@lru_cache(maxsize=1)
def district_profiles() -> dict[str, dict[str, str]]:
    with _PROFILE_CSV.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return {r["ags"]: r for r in csv.DictReader(lines)}


def seeded_rng(seed: int, *parts: object) -> random.Random:
    """A private, reproducible generator for one purpose (string seeds are hashed with SHA-512)."""
    return random.Random("|".join([str(seed), *map(str, parts)]))


def interpolate(values: tuple[float, ...], year: int, keys: tuple[int, ...] = _KEY_YEARS) -> float:
    if year <= keys[0]:
        return float(values[0])
    if year >= keys[-1]:
        return float(values[-1])
    for (y0, v0), (y1, v1) in zip(zip(keys, values), zip(keys[1:], values[1:])):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    raise AssertionError(year)  # pragma: no cover


def _nrw_pop(year: int) -> float:
    keys = tuple(sorted(_NRW_POP_M))
    return interpolate(tuple(_NRW_POP_M[k] for k in keys), year, keys) * 1e6


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


# --------------------------------------------------------------------------------------------------------------
# Population model
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def gemeinde_params(seed: int) -> dict[str, tuple[float, float, int]]:
    """Per Gemeinde: (population weight, own trend per year, area in hundredths of qkm)."""
    geo, prof = nrw_geography(), district_profiles()
    out: dict[str, tuple[float, float, int]] = {}
    for k in geo.kreise:
        gems = geo.gemeinden_of[k]
        p = prof[k]
        # the profile gives whole qkm; add seeded hundredths so areas look like cadastral figures
        area_h = round(float(p["area_qkm"]) * 100) + seeded_rng(seed, "karea", k).randint(-60, 60)
        if len(gems) == 1:
            out[gems[0]] = (1.0, 0.0, area_h)
            continue
        main_name, main_share = p["main_gemeinde"], float(p["main_share"] or 0)
        raw: dict[str, float] = {}
        for g in gems:
            r = seeded_rng(seed, "gem", g)
            raw[g] = math.exp(r.gauss(0.0, 0.5))
        main = [g for g in gems if geo.name(g) == main_name]
        others = [g for g in gems if g not in main]
        power = 1.0
        while True:  # the main town stays the largest Gemeinde: compress the spread of the others if needed
            s_other = sum(raw[g] ** power for g in others)
            weights = {g: (1 - main_share) * raw[g] ** power / s_other for g in others}
            if not main or max(weights.values()) <= 0.85 * main_share or power < 0.05:
                break
            power *= 0.8
        for g in main:
            weights[g] = main_share
        area_w = []
        for g in gems:
            r = seeded_rng(seed, "area", g)
            area_w.append(weights[g] ** 0.3 * math.exp(r.gauss(0.0, 0.35)))
        if AACHEN_CITY in gems:  # the city is comparatively small in area
            area_w[gems.index(AACHEN_CITY)] = 0.23 * sum(area_w)
        areas = largest_remainder(area_h, area_w)
        for g, a in zip(gems, areas):
            trend = seeded_rng(seed, "gtrend", g).gauss(0.0, 0.003)
            out[g] = (weights[g], trend, a)
    return out


@lru_cache(maxsize=64)
def population_year(seed: int, year: int) -> dict[str, int]:
    """Exact integer population per Gemeinde, Kreis, RB and NRW for one Stichtag."""
    geo, prof = nrw_geography(), district_profiles()
    gp = gemeinde_params(seed)
    base: dict[str, float] = {}
    for k in geo.kreise:
        p = prof[k]
        t = float(p["trend_pct_per_year"]) / 100 + seeded_rng(seed, "ktrend", k).gauss(0.0, 0.0008)
        base[k] = float(p["pop_2018_k"]) * 1000 * (1 + t) ** (year - 2018)
    scale = _nrw_pop(year) / sum(base.values())
    pop: dict[str, int] = {}
    for k in geo.kreise:
        target = round(base[k] * scale * (1 + seeded_rng(seed, "kjit", k, year).gauss(0.0, 0.0004)))
        gems = geo.gemeinden_of[k]
        w = []
        for g in gems:
            weight, trend, _ = gp[g]
            jit = seeded_rng(seed, "gjit", g, year).gauss(0.0, 0.0008)
            w.append(weight * max(0.2, 1 + trend * (year - 2018) + jit))
        for g, v in zip(gems, largest_remainder(target, w)):
            pop[g] = v
        pop[k] = sum(pop[g] for g in gems)
    for rb in geo.rbs:
        pop[rb] = sum(pop[k] for k in geo.kreise_of_rb[rb])
    pop[NRW] = sum(pop[rb] for rb in geo.rbs)
    return pop


def _male_share(seed: int, ags: str, year: int) -> float:
    base = 0.4905 + seeded_rng(seed, "male", ags).gauss(0.0, 0.004)
    if ags == AACHEN_CITY:
        base += 0.025  # university city with many male students
    refugee = 0.002 if year >= 2015 else 0.0
    return base + refugee + 0.0003 * (year - 2012) + seeded_rng(seed, "malej", ags, year).gauss(0.0, 0.0005)


@lru_cache(maxsize=64)
def population_sex_year(seed: int, year: int) -> dict[str, tuple[int, int, int]]:
    """(insgesamt, männlich, weiblich) for NRW, RB, Kreise and Stadt Aachen."""
    geo = nrw_geography()
    pop = population_year(seed, year)
    out: dict[str, tuple[int, int, int]] = {}
    for a in [*geo.kreise, AACHEN_CITY]:
        m = round(pop[a] * _male_share(seed, a, year))
        out[a] = (pop[a], m, pop[a] - m)
    for rb in geo.rbs:
        m = sum(out[k][1] for k in geo.kreise_of_rb[rb])
        out[rb] = (pop[rb], m, pop[rb] - m)
    m = sum(out[rb][1] for rb in geo.rbs)
    out[NRW] = (pop[NRW], m, pop[NRW] - m)
    return out


# --------------------------------------------------------------------------------------------------------------
# Foreigners model (AZR)
# --------------------------------------------------------------------------------------------------------------
def alloc_units() -> list[str]:
    """Kreise with the StädteRegion Aachen split into the city and the rest (allocation units)."""
    out: list[str] = []
    for k in nrw_geography().kreise:
        out.extend([AACHEN_CITY, AACHEN_REST] if k == AACHEN_KREIS else [k])
    return out


def unit_population(pop: dict[str, int], unit: str) -> int:
    if unit == AACHEN_REST:
        return pop[AACHEN_KREIS] - pop[AACHEN_CITY]
    return pop[unit]


@lru_cache(maxsize=8)
def _affinities(seed: int) -> dict[tuple[str, str], float]:
    """Fixed weight factor per allocation unit x citizenship: share parameter ** alpha x cluster x noise."""
    prof = district_profiles()
    units = alloc_units()
    share = {u: float(prof[AACHEN_KREIS if u == AACHEN_REST else u]["foreign_share_2024_pct"]) for u in units}
    mean_share = 17.0
    out: dict[tuple[str, str], float] = {}
    for code, _label, _cont, path, _male, alpha, tag in CITIZENSHIPS:
        sigma = 0.5 if path[-1] < 10 else 0.3
        cluster = _CLUSTERS.get(tag, {})
        for u in units:
            noise = math.exp(seeded_rng(seed, "aff", u, code).gauss(0.0, sigma))
            out[(u, code)] = (share[u] / mean_share) ** (alpha * _ALPHA_SCALE) * cluster.get(u, 1.0) * noise
    return out


@lru_cache(maxsize=64)
def foreigners_year(seed: int, year: int) -> dict[tuple[str, str], tuple[int, int]]:
    """Exact (männlich, weiblich) per allocation unit x citizenship code."""
    pop = population_year(seed, year)
    aff = _affinities(seed)
    units = alloc_units()
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for code, _label, _cont, path, male, _alpha, _tag in CITIZENSHIPS:
        nrw_total = interpolate(path, year) * 1000 * _STOCK_SCALE
        w = {u: unit_population(pop, u) * aff[(u, code)] for u in units}
        sw = sum(w.values())
        for u in units:
            r = seeded_rng(seed, "azr", u, code, year)
            expected = nrw_total * w[u] / sw * math.exp(r.gauss(0.0, 0.02))
            n = math.floor(expected + r.random())  # stochastic rounding: small cells are often 0, 1, 2 ...
            p = min(0.95, max(0.05, male + r.gauss(0.0, 0.02)))
            m = round(n * p + r.gauss(0.0, 0.5 * math.sqrt(n * p * (1 - p))))
            m = min(n, max(0, m))
            out[(u, code)] = (m, n - m)
    return out


def azr_table(seed: int, year: int) -> dict[str, dict[str, tuple[int, int]]]:
    """Exact (männlich, weiblich) per region (NRW, RB, Kreise, Stadt Aachen) x code (countries and continents)."""
    geo = nrw_geography()
    f = foreigners_year(seed, year)
    codes = [c[0] for c in CITIZENSHIPS]
    table: dict[str, dict[str, tuple[int, int]]] = {}
    for k in [*geo.kreise, AACHEN_CITY]:
        parts = [AACHEN_CITY, AACHEN_REST] if k == AACHEN_KREIS else [k]
        table[k] = {c: (sum(f[(u, c)][0] for u in parts), sum(f[(u, c)][1] for u in parts)) for c in codes}
    for rb in geo.rbs:
        table[rb] = {c: (sum(table[k][c][0] for k in geo.kreise_of_rb[rb]),
                         sum(table[k][c][1] for k in geo.kreise_of_rb[rb])) for c in codes}
    table[NRW] = {c: (sum(table[rb][c][0] for rb in geo.rbs), sum(table[rb][c][1] for rb in geo.rbs))
                  for c in codes}
    for region in table.values():
        for cont, _ in CONTINENTS:
            members = [c[0] for c in CITIZENSHIPS if c[2] == cont]
            region[cont] = (sum(region[c][0] for c in members), sum(region[c][1] for c in members))
    return table


# --------------------------------------------------------------------------------------------------------------
# Public helpers for tests elsewhere
# --------------------------------------------------------------------------------------------------------------
def population(seed: int = DEFAULT_SEED, years: range = DEFAULT_YEARS) -> dict[tuple[str, int], int]:
    """Exact population (as published in 12411-15i) per (ags, year) for NRW ``05``, the RB, the 53 Kreise /
    kreisfreie Städte and all 396 Gemeinden (``05111000`` etc. = the kreisfreie Stadt)."""
    out: dict[tuple[str, int], int] = {}
    for y in years:
        for ags, v in population_year(seed, y).items():
            out[(ags, y)] = v
    return out


def exact_foreigners(seed: int = DEFAULT_SEED, years: range = DEFAULT_YEARS, *,
                     include_aachen_city: bool = False) -> dict[tuple[str, int], int]:
    """Exact (unrounded) number of foreigners per (Kreis ags, year), summed over all citizenships and both sexes.

    Keys are the 53 Kreise / kreisfreie Städte; with ``include_aachen_city`` also ``05334002`` (Stadt Aachen,
    part of ``05334``, so do not add it to the Kreise)."""
    geo = nrw_geography()
    regions = [*geo.kreise, AACHEN_CITY] if include_aachen_city else geo.kreise
    out: dict[tuple[str, int], int] = {}
    for y in years:
        t = azr_table(seed, y)
        for k in regions:
            out[(k, y)] = sum(t[k][cont][0] + t[k][cont][1] for cont, _ in CONTINENTS)
    return out


# --------------------------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------------------------
def fmt_int(v: int) -> str:
    return "-" if v == 0 else str(v)


def round_to_5(v: int) -> int:
    return (v + 2) // 5 * 5



 
def dg_population(seed: int, year: int) -> tuple[int, int]:
    """(insgesamt, männlich) of the plausibility row Deutschland in the Regionaldatenbank population tables."""
    nrw_total = population_sex_year(seed, year)[NRW][0]
    ratio = interpolate(tuple(_DG_RATIO.values()), year, tuple(_DG_RATIO))
    r = seeded_rng(seed, "dg", year)
    dg = round(nrw_total * ratio * (1 + r.gauss(0.0, 0.0005)))
    return dg, round(dg * (0.4935 + 0.0001 * (year - 2012)))
