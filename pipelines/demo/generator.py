"""Deterministic generator of SYNTHETIC demo extracts in the byte layout of real GENESIS table CSVs.

The files let the product be demonstrated without real data. Every value is invented; the copyright line of
every file carries :data:`DEMO_MARKER`, by which the pipeline recognises demo data.

Tables written (one file per table and year, Stichtag 31.12.<year>):

* ``demo_12411-15i_<year>.csv``      Katasterfläche, Bevölkerung, Bevölkerungsdichte - Gemeinden
                                     (Landesdatenbank NRW layout, ``Tabelle:`` header)
* ``demo_12411-01-01-4_<year>.csv``  Bevölkerung nach Geschlecht - Kreise und krfr. Städte
                                     (Regionaldatenbank layout, ``GENESIS-Tabelle:``, Stichtag as header rows)
* ``demo_12521-03i_<year>.csv``      Ausländische Bevölkerung nach Geschlecht und Staatsangehörigkeiten (AZR)
                                     (Landesdatenbank NRW layout; from 2016 every cell rounded to a multiple of 5)

All files: Windows-1252, ``;`` separated, LF line ends, decimal comma.

Further families (schools, KiTas, naturalisations, labour market, social benefits, and the Kreis-held extracts
in the format of the Kreis templates) are written by :mod:`pipelines.demo.families` on top of the models of
this module; see there for the file names. Non-GENESIS files carry DEMO_MARKER as well: the BA Excel table in a
title row and the notes below the table, the Kreis templates in the file properties (Excel) and in the name
column of every row (``schulname``, ``einrichtung_name``).

Model (all randomness from ``random.Random`` seeded with strings derived from the seed, the unit and the
year, so a year's values do not depend on which other years are generated):

* Population: per Kreis an approximate 2018 level and trend (``profile.csv``), scaled to an NRW path;
  split onto Gemeinden with fixed seeded weights; Gemeinde values are integers, every aggregate is the exact
  sum of its parts (Kreis = Gemeinden, RB = Kreise, NRW = RB).
* Foreigners: an approximate NRW stock path per citizenship (:data:`CITIZENSHIPS`), allocated to the Kreise
  (the StädteRegion Aachen as Stadt Aachen + Umland) by population, the Kreis's foreign-share parameter and
  fixed seeded affinities; exact integer counts per unit x citizenship x sex first, all aggregates summed from
  exact values, rounding (from 2016) applied cell by cell only when publishing.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import random
from functools import lru_cache, partial
from pathlib import Path

DEMO_MARKER = "Demodaten (synthetisch)"  # appears in the copyright line of every generated file

DEFAULT_SEED = 20241231
DEFAULT_YEARS = range(2012, 2025)

_HERE = Path(__file__).resolve().parent
_SEED_CSV = _HERE.parent.parent / "dbt_project" / "seeds" / "nrw_districts.csv"
_PROFILE_CSV = _HERE / "profile.csv"

NRW = "05"
AACHEN_KREIS = "05334"
AACHEN_CITY = "05334002"
DISSOLVED_CITY = "05313"  # Aachen, krfr. Stadt (until 20.10.2009)
DISSOLVED_KREIS = "05354"  # Aachen, Kreis (until 20.10.2009)
_AACHEN_REST = "05334R"  # internal allocation unit: StädteRegion Aachen without the city of Aachen
ROUNDING_FROM_YEAR = 2016  # AZR tables: every cell rounded to a multiple of 5 from this Stichtag on

# Approximate NRW population path (millions, 31.12.), a plausibility assumption, not official figures.
_NRW_POP_M = {
    2012: 17.57, 2013: 17.60, 2014: 17.64, 2015: 17.86, 2016: 17.89, 2017: 17.91, 2018: 17.93,
    2019: 17.95, 2020: 17.93, 2021: 17.93, 2022: 18.01, 2023: 18.02, 2024: 18.035,
}
# Approximate ratio Germany / NRW for the DG row of 12411-01-01-4.
_DG_RATIO = {2012: 4.588, 2018: 4.630, 2024: 4.636}

# --------------------------------------------------------------------------------------------------------------
# Citizenships: (code, label, continent code, NRW stock in thousands at the key years, male share, alpha, tags)
# The stock paths are approximate plausibility assumptions (not official figures). alpha steers the regional
# spread: > 1 concentrates on Kreise with a high foreign-share parameter (old labour migration, cities),
# < 1 spreads more evenly by population (refugee distribution keys).
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

# (code, label, continent, NRW stock in thousands at 2012/2014/2015/2016/2021/2022/2024, male share, alpha, tag)
CITIZENSHIPS = (
    ("121", "Albanien",                               "1", (4, 6, 12, 16, 24, 27, 33), 0.55, 0.9, ""),
    ("122", "Bosnien und Herzegowina",                "1", (40, 44, 47, 50, 62, 65, 70), 0.51, 1.1, ""),
    ("124", "Belgien",                                "1", (12, 12, 12, 12, 12, 12, 12), 0.51, 0.5, "be"),
    ("125", "Bulgarien",                              "1", (25, 45, 55, 65, 90, 95, 98), 0.53, 1.3, "seu"),
    ("126", "Dänemark",                               "1", (2.5, 2.5, 2.5, 2.5, 2.6, 2.6, 2.6), 0.49, 0.8, ""),
    ("128", "Finnland",                               "1", (2, 2, 2, 2, 2, 2, 2), 0.40, 0.8, ""),
    ("129", "Frankreich",                             "1", (18, 18, 19, 19, 20, 20, 20), 0.48, 1.0, "uni"),
    ("130", "Kroatien",                               "1", (55, 65, 72, 80, 100, 102, 100), 0.53, 1.0, ""),
    ("134", "Griechenland",                           "1", (90, 100, 105, 110, 118, 120, 120), 0.52, 1.2, "gr"),
    ("135", "Irland",                                 "1", (2.5, 2.5, 2.5, 2.5, 2.6, 2.6, 2.6), 0.52, 0.9, ""),
    ("137", "Italien",                                "1", (130, 135, 138, 140, 142, 142, 140), 0.57, 1.2, "it"),
    ("139", "Lettland",                               "1", (4, 6, 7, 8, 10, 10, 10), 0.45, 0.8, ""),
    ("140", "Montenegro",                             "1", (5, 5, 6, 6, 7, 7, 7), 0.52, 1.1, ""),
    ("142", "Litauen",                                "1", (7, 9, 10, 11, 13, 13, 13), 0.45, 0.8, ""),
    ("144", "Nordmazedonien",                         "1", (25, 30, 35, 40, 52, 55, 60), 0.53, 1.1, ""),
    ("146", "Moldau",                                 "1", (2, 2, 3, 3, 6, 9, 12), 0.50, 0.8, ""),
    ("148", "Niederlande",                            "1", (72, 72, 73, 73, 75, 75, 75), 0.53, 0.3, "nl"),
    ("150", "Kosovo (ab 01.05.2008)",                 "1", (40, 45, 55, 62, 75, 78, 82), 0.55, 1.0, ""),
    ("151", "Österreich",                             "1", (25, 25, 25, 25, 25, 25, 25), 0.50, 0.8, ""),
    ("152", "Polen",                                  "1", (160, 185, 195, 205, 225, 225, 220), 0.52, 0.8, ""),
    ("153", "Portugal",                               "1", (35, 38, 40, 42, 45, 45, 45), 0.54, 1.1, ""),
    ("154", "Rumänien",                               "1", (30, 60, 80, 100, 155, 165, 175), 0.56, 1.1, "seu"),
    ("155", "Slowakei",                               "1", (7, 9, 10, 11, 13, 13, 13), 0.50, 0.8, ""),
    ("157", "Schweden",                               "1", (3, 3, 3, 3, 3, 3, 3), 0.48, 0.8, ""),
    ("158", "Schweiz",                                "1", (6, 6, 6, 6, 6, 6, 6), 0.48, 0.8, ""),
    ("160", "Russische Föderation",                   "1", (45, 48, 50, 52, 55, 60, 60), 0.40, 0.8, "owl"),
    ("161", "Spanien",                                "1", (22, 28, 30, 32, 35, 35, 35), 0.51, 1.0, ""),
    ("163", "Türkei",                                 "1", (540, 520, 515, 505, 480, 485, 485), 0.52, 1.4, "tr"),
    ("164", "Tschechien",                             "1", (5, 6, 6, 7, 8, 8, 8), 0.45, 0.8, ""),
    ("165", "Ungarn",                                 "1", (15, 22, 25, 28, 32, 32, 31), 0.55, 0.9, ""),
    ("166", "Ukraine",                                "1", (22, 22, 23, 24, 25, 200, 225), 0.38, 0.3, ""),
    ("168", "Vereinigtes Königreich",                 "1", (18, 18, 18, 18, 17, 17, 17), 0.58, 0.9, ""),
    ("169", "Belarus",                                "1", (3, 3, 3, 3, 4, 6, 7), 0.38, 0.8, ""),
    ("170", "Serbien ohne Kosovo (ab 01.05.2008)",    "1", (55, 65, 72, 70, 72, 74, 75), 0.51, 1.1, ""),
    ("181", "Zypern",                                 "1", (1, 1, 1, 1, 1, 1, 1), 0.50, 0.8, ""),
    ("221", "Algerien",                               "2", (8, 10, 13, 16, 16, 16, 17), 0.70, 0.9, ""),
    ("224", "Eritrea",                                "2", (1, 2, 4, 9, 13, 14, 15), 0.62, 0.4, ""),
    ("225", "Äthiopien",                              "2", (2, 2, 3, 4, 6, 6, 7), 0.55, 0.6, ""),
    ("232", "Nigeria",                                "2", (6, 8, 11, 15, 21, 23, 25), 0.57, 0.7, ""),
    ("238", "Ghana",                                  "2", (12, 13, 14, 15, 18, 18, 19), 0.55, 1.1, "gh"),
    ("243", "Kenia",                                  "2", (2, 2, 2, 2, 3, 3, 3), 0.40, 0.8, ""),
    ("246", "Kongo, Demokratische Republik",          "2", (5, 5, 5, 6, 7, 7, 7), 0.52, 1.0, ""),
    ("252", "Marokko",                                "2", (40, 42, 45, 48, 55, 56, 58), 0.57, 1.3, "ma"),
    ("261", "Guinea",                                 "2", (2, 3, 5, 8, 13, 13, 13), 0.72, 0.5, ""),
    ("262", "Kamerun",                                "2", (6, 6, 7, 8, 10, 10, 11), 0.55, 0.9, "uni"),
    ("263", "Südafrika",                              "2", (1.5, 1.5, 1.5, 1.5, 1.6, 1.6, 1.6), 0.48, 0.8, ""),
    ("273", "Somalia",                                "2", (2, 3, 4, 6, 9, 9, 9), 0.62, 0.5, ""),
    ("277", "Sudan",                                  "2", (1, 1, 2, 2, 3, 3, 3), 0.70, 0.5, ""),
    ("285", "Tunesien",                               "2", (10, 11, 12, 13, 16, 17, 18), 0.65, 1.1, ""),
    ("287", "Ägypten",                                "2", (5, 6, 6, 7, 10, 11, 12), 0.65, 1.0, ""),
    ("323", "Argentinien",                            "3", (1.5, 1.5, 1.5, 1.5, 1.7, 1.8, 1.9), 0.50, 0.9, ""),
    ("327", "Brasilien",                              "3", (10, 11, 12, 13, 16, 17, 18), 0.38, 1.0, ""),
    ("332", "Chile",                                  "3", (1.5, 1.5, 1.5, 1.5, 1.7, 1.8, 1.9), 0.48, 0.9, ""),
    ("348", "Kanada",                                 "3", (3, 3, 3, 3, 3, 3, 3), 0.48, 0.9, ""),
    ("349", "Kolumbien",                              "3", (2, 2, 3, 3, 5, 6, 7), 0.42, 0.9, ""),
    ("353", "Mexiko",                                 "3", (3, 3, 4, 4, 5, 6, 6), 0.48, 0.9, "uni"),
    ("361", "Peru",                                   "3", (2, 2, 2, 2, 2.2, 2.3, 2.4), 0.40, 0.9, ""),
    ("367", "Venezuela",                              "3", (1, 1, 1, 2, 4, 4, 5), 0.45, 0.9, ""),
    ("368", "Vereinigte Staaten",                     "3", (14, 14, 15, 15, 15, 15, 16), 0.53, 0.9, "uni"),
    ("422", "Armenien",                               "4", (3, 4, 5, 6, 8, 8, 9), 0.50, 0.8, ""),
    ("423", "Afghanistan",                            "4", (12, 17, 30, 55, 75, 85, 95), 0.60, 0.4, ""),
    ("425", "Aserbaidschan",                          "4", (4, 5, 6, 7, 8, 8, 9), 0.52, 0.8, ""),
    ("430", "Georgien",                               "4", (3, 4, 4, 5, 10, 12, 15), 0.48, 0.8, ""),
    ("431", "Sri Lanka",                              "4", (7, 7, 7, 8, 8, 8, 8), 0.52, 1.0, ""),
    ("432", "Vietnam",                                "4", (8, 9, 9, 10, 14, 15, 17), 0.48, 1.0, ""),
    ("436", "Indien",                                 "4", (10, 14, 16, 19, 32, 37, 45), 0.58, 1.0, "uni"),
    ("437", "Indonesien",                             "4", (3, 3, 3, 4, 5, 5, 6), 0.50, 0.9, "uni"),
    ("438", "Irak",                                   "4", (30, 38, 50, 80, 95, 98, 100), 0.56, 0.6, ""),
    ("439", "Iran",                                   "4", (20, 22, 25, 35, 45, 47, 50), 0.55, 0.9, "uni"),
    ("441", "Israel",                                 "4", (3, 3, 3, 3, 3, 3, 3), 0.50, 1.0, ""),
    ("442", "Japan",                                  "4", (12, 12, 12, 12, 11, 11, 11), 0.45, 1.0, "jp"),
    ("444", "Kasachstan",                             "4", (10, 10, 10, 10, 11, 12, 13), 0.42, 0.8, "owl"),
    ("445", "Jordanien",                              "4", (3, 3, 3, 4, 5, 5, 5), 0.62, 1.0, "uni"),
    ("451", "Libanon",                                "4", (20, 21, 22, 24, 27, 28, 29), 0.57, 1.2, "lb"),
    ("457", "Mongolei",                               "4", (2, 2, 2, 2, 3, 3, 3), 0.45, 0.9, ""),
    ("458", "Nepal",                                  "4", (1, 1, 1, 1, 2, 3, 4), 0.55, 0.9, ""),
    ("460", "Bangladesch",                            "4", (1, 1, 1, 2, 3, 3, 4), 0.62, 0.9, ""),
    ("461", "Pakistan",                               "4", (8, 9, 12, 16, 20, 21, 23), 0.64, 0.9, ""),
    ("462", "Philippinen",                            "4", (5, 5, 5, 5, 6, 6, 7), 0.22, 0.9, ""),
    ("467", "Korea, Republik",                        "4", (6, 6, 7, 7, 7, 7, 8), 0.45, 0.9, "uni"),
    ("475", "Syrien",                                 "4", (12, 25, 75, 200, 255, 260, 255), 0.58, 0.45, ""),
    ("476", "Thailand",                               "4", (7, 7, 7, 7, 7, 7, 7), 0.15, 0.7, ""),
    ("477", "Usbekistan",                             "4", (1, 1, 1, 2, 2, 3, 3), 0.50, 0.8, ""),
    ("479", "China",                                  "4", (22, 24, 25, 27, 33, 34, 35), 0.47, 1.0, "uni"),
    ("523", "Australien",                             "5", (2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.3), 0.50, 0.9, ""),
    ("536", "Neuseeland",                             "5", (0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6), 0.50, 0.9, ""),
    ("997", "staatenlos",                             "9", (5, 5, 6, 7, 8, 8, 7.2), 0.56, 1.0, ""),
    ("998", "ungeklärt",                              "9", (12, 13, 15, 18, 20, 20, 19), 0.56, 1.0, ""),
    ("999", "ohne Angabe",                            "9", (0.3, 0.3, 0.3, 0.4, 0.4, 0.45, 0.46), 0.60, 1.0, ""),
)

_STOCK_SCALE = 0.975  # calibrates the sum of the paths to roughly 10.5 % (2012) and 18 % (2024) of the population
_ALPHA_SCALE = 1.25  # sharpens the regional contrast towards the profile's foreign-share parameters

# Regional clusters (multipliers on the allocation weight), by tag -> unit -> factor.
_UNI = {"05334002": 2.5, "05911": 1.8, "05314": 1.8, "05515": 1.8, "05315": 1.3, "05913": 1.5,
        "05774": 1.5, "05970": 1.5, "05711": 1.3}
_CLUSTERS: dict[str, dict[str, float]] = {
    "nl": {"05154": 8.0, "05554": 5.0, "05370": 4.0, _AACHEN_REST: 3.0, "05334002": 2.0, "05166": 3.0,
           "05566": 1.5, "05170": 1.5},
    "be": {"05334002": 4.0, _AACHEN_REST: 4.0, "05370": 2.0, "05366": 2.0},
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

# Labels of the StädteRegion Aachen members in 12411-15i (town status is not in the seed).
_AACHEN_TOWNS = {"Aachen", "Alsdorf", "Baesweiler", "Eschweiler", "Herzogenrath", "Monschau",
                 "Stolberg (Rhld.)", "Würselen"}


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
def _geo() -> _Geo:
    return _Geo()


@lru_cache(maxsize=1)
def _profile() -> dict[str, dict[str, str]]:
    with _PROFILE_CSV.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return {r["ags"]: r for r in csv.DictReader(lines)}


def _rng(seed: int, *parts: object) -> random.Random:
    """A private, reproducible generator for one purpose (string seeds are hashed with SHA-512)."""
    return random.Random("|".join([str(seed), *map(str, parts)]))


def _interp(values: tuple[float, ...], year: int, keys: tuple[int, ...] = _KEY_YEARS) -> float:
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
    return _interp(tuple(_NRW_POP_M[k] for k in keys), year, keys) * 1e6


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
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
def _gemeinde_params(seed: int) -> dict[str, tuple[float, float, int]]:
    """Per Gemeinde: (population weight, own trend per year, area in hundredths of qkm)."""
    geo, prof = _geo(), _profile()
    out: dict[str, tuple[float, float, int]] = {}
    for k in geo.kreise:
        gems = geo.gemeinden_of[k]
        p = prof[k]
        # the profile gives whole qkm; add seeded hundredths so areas look like cadastral figures
        area_h = round(float(p["area_qkm"]) * 100) + _rng(seed, "karea", k).randint(-60, 60)
        if len(gems) == 1:
            out[gems[0]] = (1.0, 0.0, area_h)
            continue
        main_name, main_share = p["main_gemeinde"], float(p["main_share"] or 0)
        raw: dict[str, float] = {}
        for g in gems:
            r = _rng(seed, "gem", g)
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
            r = _rng(seed, "area", g)
            area_w.append(weights[g] ** 0.3 * math.exp(r.gauss(0.0, 0.35)))
        if AACHEN_CITY in gems:  # the city is comparatively small in area
            area_w[gems.index(AACHEN_CITY)] = 0.23 * sum(area_w)
        areas = _largest_remainder(area_h, area_w)
        for g, a in zip(gems, areas):
            trend = _rng(seed, "gtrend", g).gauss(0.0, 0.003)
            out[g] = (weights[g], trend, a)
    return out


@lru_cache(maxsize=64)
def _population_year(seed: int, year: int) -> dict[str, int]:
    """Exact integer population per Gemeinde, Kreis, RB and NRW for one Stichtag."""
    geo, prof = _geo(), _profile()
    gp = _gemeinde_params(seed)
    base: dict[str, float] = {}
    for k in geo.kreise:
        p = prof[k]
        t = float(p["trend_pct_per_year"]) / 100 + _rng(seed, "ktrend", k).gauss(0.0, 0.0008)
        base[k] = float(p["pop_2018_k"]) * 1000 * (1 + t) ** (year - 2018)
    scale = _nrw_pop(year) / sum(base.values())
    pop: dict[str, int] = {}
    for k in geo.kreise:
        target = round(base[k] * scale * (1 + _rng(seed, "kjit", k, year).gauss(0.0, 0.0004)))
        gems = geo.gemeinden_of[k]
        w = []
        for g in gems:
            weight, trend, _ = gp[g]
            jit = _rng(seed, "gjit", g, year).gauss(0.0, 0.0008)
            w.append(weight * max(0.2, 1 + trend * (year - 2018) + jit))
        for g, v in zip(gems, _largest_remainder(target, w)):
            pop[g] = v
        pop[k] = sum(pop[g] for g in gems)
    for rb in geo.rbs:
        pop[rb] = sum(pop[k] for k in geo.kreise_of_rb[rb])
    pop[NRW] = sum(pop[rb] for rb in geo.rbs)
    return pop


def _male_share(seed: int, ags: str, year: int) -> float:
    base = 0.4905 + _rng(seed, "male", ags).gauss(0.0, 0.004)
    if ags == AACHEN_CITY:
        base += 0.025  # university city with many male students
    refugee = 0.002 if year >= 2015 else 0.0
    return base + refugee + 0.0003 * (year - 2012) + _rng(seed, "malej", ags, year).gauss(0.0, 0.0005)


@lru_cache(maxsize=64)
def _population_sex_year(seed: int, year: int) -> dict[str, tuple[int, int, int]]:
    """(insgesamt, männlich, weiblich) for NRW, RB, Kreise and Stadt Aachen."""
    geo = _geo()
    pop = _population_year(seed, year)
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
def _alloc_units() -> list[str]:
    """Kreise with the StädteRegion Aachen split into the city and the rest (allocation units)."""
    out: list[str] = []
    for k in _geo().kreise:
        out.extend([AACHEN_CITY, _AACHEN_REST] if k == AACHEN_KREIS else [k])
    return out


def _unit_pop(pop: dict[str, int], unit: str) -> int:
    if unit == _AACHEN_REST:
        return pop[AACHEN_KREIS] - pop[AACHEN_CITY]
    return pop[unit]


@lru_cache(maxsize=8)
def _affinities(seed: int) -> dict[tuple[str, str], float]:
    """Fixed weight factor per allocation unit x citizenship: share parameter ** alpha x cluster x noise."""
    prof = _profile()
    units = _alloc_units()
    share = {u: float(prof[AACHEN_KREIS if u == _AACHEN_REST else u]["foreign_share_2024_pct"]) for u in units}
    mean_share = 17.0
    out: dict[tuple[str, str], float] = {}
    for code, _label, _cont, path, _male, alpha, tag in CITIZENSHIPS:
        sigma = 0.5 if path[-1] < 10 else 0.3
        cluster = _CLUSTERS.get(tag, {})
        for u in units:
            noise = math.exp(_rng(seed, "aff", u, code).gauss(0.0, sigma))
            out[(u, code)] = (share[u] / mean_share) ** (alpha * _ALPHA_SCALE) * cluster.get(u, 1.0) * noise
    return out


@lru_cache(maxsize=64)
def _foreigners_year(seed: int, year: int) -> dict[tuple[str, str], tuple[int, int]]:
    """Exact (männlich, weiblich) per allocation unit x citizenship code."""
    pop = _population_year(seed, year)
    aff = _affinities(seed)
    units = _alloc_units()
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for code, _label, _cont, path, male, _alpha, _tag in CITIZENSHIPS:
        nrw_total = _interp(path, year) * 1000 * _STOCK_SCALE
        w = {u: _unit_pop(pop, u) * aff[(u, code)] for u in units}
        sw = sum(w.values())
        for u in units:
            r = _rng(seed, "azr", u, code, year)
            expected = nrw_total * w[u] / sw * math.exp(r.gauss(0.0, 0.02))
            n = math.floor(expected + r.random())  # stochastic rounding: small cells are often 0, 1, 2 ...
            p = min(0.95, max(0.05, male + r.gauss(0.0, 0.02)))
            m = round(n * p + r.gauss(0.0, 0.5 * math.sqrt(n * p * (1 - p))))
            m = min(n, max(0, m))
            out[(u, code)] = (m, n - m)
    return out


def _azr_table(seed: int, year: int) -> dict[str, dict[str, tuple[int, int]]]:
    """Exact (männlich, weiblich) per region (NRW, RB, Kreise, Stadt Aachen) x code (countries and continents)."""
    geo = _geo()
    f = _foreigners_year(seed, year)
    codes = [c[0] for c in CITIZENSHIPS]
    table: dict[str, dict[str, tuple[int, int]]] = {}
    for k in [*geo.kreise, AACHEN_CITY]:
        parts = [AACHEN_CITY, _AACHEN_REST] if k == AACHEN_KREIS else [k]
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
        for ags, v in _population_year(seed, y).items():
            out[(ags, y)] = v
    return out


def exact_foreigners(seed: int = DEFAULT_SEED, years: range = DEFAULT_YEARS, *,
                     include_aachen_city: bool = False) -> dict[tuple[str, int], int]:
    """Exact (unrounded) number of foreigners per (Kreis ags, year), summed over all citizenships and both sexes.

    Keys are the 53 Kreise / kreisfreie Städte; with ``include_aachen_city`` also ``05334002`` (Stadt Aachen,
    part of ``05334``, so do not add it to the Kreise)."""
    geo = _geo()
    regions = [*geo.kreise, AACHEN_CITY] if include_aachen_city else geo.kreise
    out: dict[tuple[str, int], int] = {}
    for y in years:
        t = _azr_table(seed, y)
        for k in regions:
            out[(k, y)] = sum(t[k][cont][0] + t[k][cont][1] for cont, _ in CONTINENTS)
    return out


# --------------------------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------------------------
def _fmt_int(v: int) -> str:
    return "-" if v == 0 else str(v)


def _round5(v: int) -> int:
    return (v + 2) // 5 * 5


def _fmt_hundredths(h: int) -> str:
    return f"{h // 100},{h % 100:02d}"


def _fmt_tenths(t: int) -> str:
    return f"{t // 10},{t % 10}"


def _density_tenths(pop: int, area_h: int) -> int:
    """pop / (area_h / 100) in tenths, rounded half up, integer arithmetic."""
    return (pop * 1000 * 2 + area_h) // (2 * area_h)


def _stand(seed: int, table: str, year: int, first: tuple[int, int], last: tuple[int, int]) -> str:
    r = _rng(seed, "stand", table, year)
    d0 = _dt.date(year + 1, *first)
    d1 = _dt.date(year + 1, *last)
    d = d0 + _dt.timedelta(days=r.randint(0, (d1 - d0).days))
    return (f"Stand: {d:%d.%m.%Y} / {r.randint(7, 18):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _ldb_label(ags: str) -> str:
    """Kreis label in the Landesdatenbank NRW style."""
    geo = _geo()
    name = geo.name(ags)
    if ags == AACHEN_KREIS:
        return "Städteregion Aachen (einschl. Stadt Aachen)"
    if geo.kreisfrei(ags):
        return f"{name}, krfr. Stadt"
    return name if "kreis" in name.lower() else f"{name}, Kreis"


def _rdb_label(ags: str) -> str:
    """Kreis label in the Regionaldatenbank style."""
    geo = _geo()
    name = geo.name(ags)
    if ags == AACHEN_KREIS:
        return "Städteregion Aachen (einschl. Stadt Aachen)"
    if geo.kreisfrei(ags):
        return f"{name}, Kreisfreie Stadt"
    return name if "kreis" in name.lower() else f"{name}, Kreis"


def _aachen_member_label(name: str, new: bool) -> str:
    if name == "Aachen":
        label = "Aachen, krfr. Stadt"
    elif name in _AACHEN_TOWNS:
        label = f"{name}, Stadt"
    else:
        label = name
    return f"{label} (ab 21.10.2009)" if new else label


def _demo_note(extra: list[str]) -> list[str]:
    return [
        f"{DEMO_MARKER}: Diese Datei wurde vom Integrationsmonitor NRW",
        "zu Vorführ- und Testzwecken erzeugt. Alle Werte sind erfunden",
        "und keine amtlichen Ergebnisse; sie dürfen nicht als",
        "Statistik zitiert werden. Aufbau und Zeichen entsprechen der",
        "amtlichen Tabelle.",
        "",
        *extra,
    ]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    return path


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------
def _table_12411_15i(seed: int, year: int, path: Path) -> Path:
    geo = _geo()
    pop = _population_year(seed, year)
    gp = _gemeinde_params(seed)
    area: dict[str, int] = {g: v[2] for g, v in gp.items()}
    for k in geo.kreise:
        area[k] = sum(area[g] for g in geo.gemeinden_of[k])
    for rb in geo.rbs:
        area[rb] = sum(area[k] for k in geo.kreise_of_rb[rb])
    area[NRW] = sum(area[rb] for rb in geo.rbs)

    stichtag = f"31.12.{year}"
    dash = "-;-;-"

    def row(ags: str, label: str) -> str:
        return (f"{stichtag};{ags};{label};{pop[ags]};{_fmt_hundredths(area[ags])};"
                f"{_fmt_tenths(_density_tenths(pop[ags], area[ags]))}")

    lines = [
        "Tabelle: 12411-15i",
        "Katasterfläche (qkm), Bevölkerung und Bevölkerungsdichte - Stichtag - Gemeinden;;;;;",
        ";;;Fortschreibung des Bevölkerungsstandes;Flächenerhebung nach Art der tatsächlichen Nutzung;"
        "Fortschreibung des Bevölkerungsstandes",
        ";;;Bevölkerungsstand (Basis Zensus 2022 und früher);Bodenfläche (Katasterfläche) in qkm;"
        "Bevölkerungsdichte",
        ";;;Anzahl;qkm;EW pro qkm",
        row(NRW, "Nordrhein-Westfalen"),
    ]
    for rb in geo.rbs:
        lines.append(row(rb, f"  {geo.name(rb)}, Regierungsbezirk"))
        kreise = list(geo.kreise_of_rb[rb])
        if rb == "053":
            kreise = sorted([*kreise, DISSOLVED_CITY, DISSOLVED_KREIS])
        for k in kreise:
            if k == DISSOLVED_CITY:
                lines.append(f"{stichtag};{k};    Aachen, krfr. Stadt;{dash}")
                continue
            if k == DISSOLVED_KREIS:
                lines.append(f"{stichtag};{k};    Aachen, Kreis;{dash}")
                for g in geo.gemeinden_of[AACHEN_KREIS]:
                    if g == AACHEN_CITY:
                        continue
                    old = DISSOLVED_KREIS + g[5:]
                    lines.append(f"{stichtag};{old};      {_aachen_member_label(geo.name(g), False)};{dash}")
                continue
            lines.append(row(k, f"    {_ldb_label(k)}"))
            if geo.kreisfrei(k):
                continue  # the Gemeinde is the city itself: only the 5-digit row
            for g in geo.gemeinden_of[k]:
                name = geo.name(g)
                label = _aachen_member_label(name, True) if k == AACHEN_KREIS else name
                lines.append(row(g, f"      {label}"))
    lines += [
        "__________",
        _quoted("\n".join(_demo_note([
            "Bevölkerungsstand: Ergebnisse der Fortschreibung des",
            "Bevölkerungsstandes (synthetisch).",
            "Fläche: Katasterfläche in qkm (synthetisch), Gebietsstand",
            f"31.12.{year}.",
            "Bevölkerungsdichte: Einwohner je qkm.",
            "Die Stadt Aachen (05334002) gehört seit dem 21.10.2009 zur",
            "StädteRegion Aachen (05334); 05313 und 05354 bestehen nicht mehr.",
        ]))),
        f"© {DEMO_MARKER}, Integrationsmonitor NRW, {year + 1}. Keine amtlichen Zahlen.",
        _stand(seed, "12411-15i", year, (6, 10), (9, 30)),
    ]
    return _write(path, lines)


def dg_population(seed: int, year: int) -> tuple[int, int]:
    """(insgesamt, männlich) of the plausibility row Deutschland in the Regionaldatenbank population tables."""
    nrw_total = _population_sex_year(seed, year)[NRW][0]
    ratio = _interp(tuple(_DG_RATIO.values()), year, tuple(_DG_RATIO))
    r = _rng(seed, "dg", year)
    dg = round(nrw_total * ratio * (1 + r.gauss(0.0, 0.0005)))
    return dg, round(dg * (0.4935 + 0.0001 * (year - 2012)))


def _table_12411_01_01_4(seed: int, year: int, path: Path) -> Path:
    geo = _geo()
    sex = _population_sex_year(seed, year)
    dg, dg_m = dg_population(seed, year)
    st = f"31.12.{year}"

    def row(ags: str, label: str) -> str:
        t, m, w = sex[ags]
        return f"{ags};{label};{t};{m};{w}"

    lines = [
        "GENESIS-Tabelle: 12411-01-01-4",
        "Bevölkerung nach Geschlecht - Stichtag 31.12. - regionale;;;;",
        "Tiefe: Kreise und krfr. Städte;;;;",
        "Fortschreibung des Bevölkerungsstandes;;;;",
        "Bevölkerungsstand (Anzahl);;;;",
        ";;Stichtag;Stichtag;Stichtag",
        f";;{st};{st};{st}",
        ";;Insgesamt;männlich;weiblich",
        f"DG;Deutschland;{dg};{dg_m};{dg - dg_m}",
        row(NRW, "  Nordrhein-Westfalen"),
    ]
    for rb in geo.rbs:
        lines.append(row(rb, f"    {geo.name(rb)}, Regierungsbezirk"))
        for k in geo.kreise_of_rb[rb]:
            lines.append(row(k, f"      {_rdb_label(k)}"))
            if k == AACHEN_KREIS:
                lines.append(row(AACHEN_CITY, "      Aachen, krfr. Stadt"))
                lines.append(f"{DISSOLVED_KREIS};      Aachen, Kreis;-;-;-")
    lines += [
        "__________",
        _quoted("\n".join([
            'zu  "gesamter Tabelle":',
            *_demo_note([
                "Bevölkerungsstand: synthetische Fortschreibung. Die Zeile",
                "Deutschland ist ein Plausibilitätswert; ausgewiesen werden",
                "nur Nordrhein-Westfalen und seine Verwaltungsbezirke.",
                "Aachen, Kreis: aufgelöst am 21.10.2009 (StädteRegion Aachen).",
            ]),
        ])),
        _quoted(f"© {DEMO_MARKER}, Integrationsmonitor NRW, {year + 1}.\nKeine amtlichen Zahlen."),
        _stand(seed, "12411-01-01-4", year, (10, 1), (12, 15)),
    ]
    return _write(path, lines)


def _table_12521_03i(seed: int, year: int, path: Path, *, aachen_city: bool = True) -> Path:
    geo = _geo()
    table = _azr_table(seed, year)
    rounded = year >= ROUNDING_FROM_YEAR
    st = f"31.12.{year}"
    by_cont: dict[str, list[tuple[str, str]]] = {cont: [] for cont, _ in CONTINENTS}
    for code, label, cont, *_ in CITIZENSHIPS:
        by_cont[cont].append((code, label))

    def pub(v: int) -> str:
        return _fmt_int(_round5(v) if rounded else v)

    def block(ags: str, label: str) -> list[str]:
        out = []
        cells = table.get(ags)
        for cont, cont_label in CONTINENTS:
            for code, lab in [(cont, cont_label), *[(c, "  " + lb) for c, lb in by_cont[cont]]]:
                if cells is None:
                    out.append(f"{st};{ags};{label};{code};{lab};-;-;-")
                    continue
                m, w = cells[code]
                out.append(f"{st};{ags};{label};{code};{lab};{pub(m + w)};{pub(m)};{pub(w)}")
        return out

    lines = [
        "Tabelle: 12521-03i",
        "Ausländische Bevölkerung nach Geschlecht und;;;;;;;",
        "Staatsangehörigkeiten (215);;;;;;;",
        "- kreisfreie Städte und Kreise - Stichtag;;;;;;;",
        "Ausländerstatistik (AZR);;;;;;;",
        ";;;;;Ausländische Bevölkerung;Ausländische Bevölkerung;Ausländische Bevölkerung",
        ";;;;;Insgesamt;männlich;weiblich",
        ";;;;;Anzahl;Anzahl;Anzahl",
        *block(NRW, "Nordrhein-Westfalen"),
    ]
    for rb in geo.rbs:
        lines += block(rb, f"  {geo.name(rb)}, Regierungsbezirk")
        kreise = list(geo.kreise_of_rb[rb])
        if rb == "053":
            kreise = sorted([*kreise, DISSOLVED_CITY, DISSOLVED_KREIS])
        for k in kreise:
            if k == DISSOLVED_CITY:
                lines += block(k, "    Aachen, krfr. Stadt")
            elif k == DISSOLVED_KREIS:
                lines += block(k, "    Aachen, Kreis")
            else:
                lines += block(k, f"    {_ldb_label(k)}")
                if k == AACHEN_KREIS and aachen_city:
                    lines += block(AACHEN_CITY, "      Aachen, krfr. Stadt (ab 21.10.2009)")
    rounding_note = (
        [
            "Ab dem Stichtag 31.12.2016 werden alle Werte dieser Tabelle",
            "aus Gründen der Geheimhaltung jeweils einzeln auf ein",
            "Vielfaches von 5 gerundet. Die Summe der gerundeten Einzel-",
            "werte kann deshalb von der gerundeten Gesamtsumme abweichen;",
            "ein Strich steht für null bzw. einen auf null gerundeten Wert.",
        ]
        if rounded
        else [
            "Bis zum Stichtag 31.12.2015 werden exakte Werte ausgewiesen;",
            "ab 2016 werden alle Werte einzeln auf ein Vielfaches von 5",
            "gerundet.",
        ]
    )
    aachen_note = ["Stadt Aachen (05334002) ist in der StädteRegion Aachen", "(05334) enthalten."]
    lines += [
        "__________",
        _quoted("\n".join(_demo_note([
            *rounding_note,
            "",
            "Ausgewiesen ist eine Auswahl von Staatsangehörigkeiten; die",
            "Erdteile sind die Summe der ausgewiesenen Staaten.",
            "Quelle der Struktur: Ausländerzentralregister (AZR); die",
            "Ergebnisse weichen konzeptbedingt von der Bevölkerungs-",
            "fortschreibung ab.",
            *(aachen_note if aachen_city else []),
        ]))),
        f"© {DEMO_MARKER}, Integrationsmonitor NRW, {year + 1}. Keine amtlichen Zahlen.",
        _stand(seed, "12521-03i", year, (4, 15), (6, 30)),
    ]
    return _write(path, lines)


def generate_demo(out_dir: Path, *, seed: int = DEFAULT_SEED, years: range = DEFAULT_YEARS, scale: int = 1,
                  aachen_city_in_azr: bool = True) -> list[Path]:
    """Write the synthetic demo extracts (one file per table and year, and per Kreis / KI and year for the
    Kreis-held extracts) into out_dir; return the paths.

    ``scale``: multiplies the number of schools and KiTas per Gemeinde (for benchmarks); the published tables keep
    their pupil and child totals (only the number of schools in 21111-01-03-4 grows) and stay consistent with the
    extracts. ``aachen_city_in_azr``: 12521-03i lists Stadt Aachen (05334002) after the StädteRegion Aachen (05334),
    as 12411-01-01-4 does (its KI is one of the 54 centres); set False for Kreis rows only."""
    # The families (pipelines/demo/families.py and the modules it calls) build on the models of this module,
    # hence the import here and not at the top (it would be circular).
    from pipelines.demo.families import write_families

    if not isinstance(scale, int) or isinstance(scale, bool) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = (
        ("12411-15i", _table_12411_15i),
        ("12411-01-01-4", _table_12411_01_01_4),
        ("12521-03i", partial(_table_12521_03i, aachen_city=aachen_city_in_azr)),
    )
    written: list[Path] = []
    for code, writer in writers:
        for year in years:
            written.append(writer(seed, year, out_dir / f"demo_{code}_{year}.csv"))
    written += write_families(out_dir, seed=seed, years=years, scale=scale)
    return written
