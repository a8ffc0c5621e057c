"""Synthetic schools: a register of allgemeinbildende Schulen per Gemeinde and their pupils per Schuljahr, the
published tables 21111-01-03-4 (Schulen und Schüler/-innen nach Schularten) and 21111-02-06-4 (Absolvierende und
Abgehende nach Abschlussarten), and the rows of the Schulamt school extract (template schulamt_schulen).

Time: the year t stands for the Schuljahr t/t+1 (pupils at the Stichtag in October t). Leavers "of year t" leave
at the end of Schuljahr t/t+1: 21111-02-06-4 writes them with time t, the school extract reports them in the row of
Schuljahr t+1/t+2 (as the Amtliche Schuldaten do: "Abgänge ... Ende des vorangegangenen Schuljahres"); Grundschul-
Übergänge likewise. A school in its last year before closing has no leavers (its pupils change schools), so every
leaver of the published table appears in an extract row.

Model: per Schulart an approximate NRW path of schools and pupils (plausibility assumptions, not official
figures). Schools are placed on Gemeinden by population, keep their Schulnummer over the years; declining
Schularten close schools (Hauptschulen above all), rising ones open new schools that grow grade by grade. The NRW
pupils of a Schulart are spread over its open schools by size; per school the foreign pupils follow the foreign
population share of its Gemeinde (times a Schulart factor and a fixed school factor: segregation), pupils with
Zuwanderungsgeschichte, newly arrived pupils (peaks 2015/16 and 2022/23), HSU participants, Übergänge and leavers
follow from those. Every published value is the exact sum over schools; NRW publishes pupil counts rounded to a
multiple of 5 from Schuljahr 2019/20 on (the number of schools stays exact).

The published tables follow the real Regionaldatenbank exports (since the 2025 relaunch) in layout and rows: the
national list of Schularten (a Sekundarschule counts as "Schularten mit mehreren Bildungsgängen", a Gesamtschule as
"Integrierte Gesamtschulen"; the Schulartunabhängige Orientierungsstufe does not exist in NRW: 'x'), 'x' where a
Schulart has no such pupils (no Klassenstufe 7 at Grundschulen) and for the number of schools in the row Insgesamt
(a school may count under several Schularten). The Vorschulbereich (Schulkindergärten) is a Schulart of the table but
not of the school extract's template: a small separate model (:func:`vorschul_values`), part of the row Insgesamt.
Leavers "darunter mit schulischem Teil der Fachhochschulreife" are a part of those with Mittlerem Abschluss (leaving
the gymnasiale Oberstufe after year 11 or 12), not an Abschluss of their own; the Fachhochschulreife itself is
rare at allgemeinbildende Schulen in NRW (it is earned at Berufskollegs).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from pipelines.demo.context import gemeinde_foreign_share
from pipelines.demo.generator import (
    DEMO_MARKER,
    interpolate,
    largest_remainder,
    nrw_geography,
    population_year,
    seeded_rng,
)
from pipelines.demo.genesis_layout import TableLayout, fmt_count, stand_line, write_table
from pipelines.demo.geography import RDB_2025, gemeinden_of_row, kreis_of, rdb_rows

__all__ = [
    "ABSCHLUESSE",
    "LEAVER_COLUMNS",
    "LAYOUT_21111_01_03_4",
    "LAYOUT_21111_02_06_4",
    "SCHULARTEN",
    "TABLE_SCHULARTEN",
    "SCHOOL_ROUNDING_FROM",
    "School",
    "SchoolYear",
    "school_extract_rows",
    "school_register",
    "school_year",
    "table_21111_01_03_4",
    "table_21111_02_06_4",
    "vorschul_values",
]

SCHOOL_ROUNDING_FROM = 2019  # Schuljahr 2019/20: NRW pupil counts rounded to a multiple of 5 in published tables

_PUPIL_YEARS = (2012, 2014, 2016, 2018, 2020, 2022, 2024)


@dataclass(frozen=True)
class Schulart:
    key: str  # value of the template's list 'schulform'
    label: str  # Schulart in 21111-01-03-4
    prefix: str  # start of a school name
    n: tuple[int, int]  # NRW schools 2012/13 and 2024/25 (scale 1)
    pupils_k: tuple[float, ...]  # NRW pupils in thousands at _PUPIL_YEARS
    female: float  # share of girls
    foreign: float  # factor on the pupil foreign share of the Gemeinde
    newcomer: float  # factor on the rate of newly arrived pupils
    hsu: float  # HSU participants per pupil with Zuwanderungsgeschichte
    kl7: float | None  # share of pupils in Klassenstufe 7 (None: no such grade, 'x' in 21111-01-03-4)
    jg11: float | None  # share of pupils in Jahrgangsstufe 11 (None: no such grade)
    leave: float  # leavers per pupil and year
    gamma: float  # placement: weight of a Gemeinde = population ** gamma
    sigma: float  # spread of school sizes (log scale)
    ramp: int  # years a new school needs to reach its full size
    abschluss: tuple[float, float, float, float, float]  # leavers of German pupils: ohne HSA, HSA, MSA, FHR, AHR


SCHULARTEN: tuple[Schulart, ...] = (
    Schulart("Grundschule", "Grundschulen", "Grundschule", (2800, 2700), (640, 622, 625, 640, 655, 680, 700),
             0.49, 1.05, 1.0, 0.14, None, None, 0.0, 1.0, 0.35, 4, (0, 0, 0, 0, 0)),
    Schulart("Hauptschule", "Hauptschulen", "Hauptschule", (560, 200), (150, 120, 95, 75, 62, 58, 55),
             0.42, 1.9, 2.2, 0.06, 1 / 6, None, 1 / 6.3, 1.0, 0.30, 6, (0.10, 0.55, 0.35, 0, 0)),
    Schulart("Sekundarschule", "Schularten mit mehreren Bildungsgängen", "Sekundarschule", (40, 125),
             (8, 30, 55, 70, 75, 78, 80), 0.46, 1.1, 1.2, 0.06, 1 / 6, None, 1 / 6.2, 0.6, 0.25, 6,
             (0.04, 0.22, 0.74, 0, 0)),
    Schulart("Realschule", "Realschulen", "Realschule", (560, 420), (300, 280, 250, 225, 210, 205, 205),
             0.49, 0.95, 0.8, 0.05, 1 / 6, None, 1 / 6.2, 1.05, 0.25, 6, (0.015, 0.06, 0.925, 0, 0)),
    Schulart("Gymnasium", "Gymnasien", "Gymnasium", (625, 620), (540, 520, 500, 490, 470, 480, 500),
             0.53, 0.55, 0.35, 0.03, 1 / 8, 1 / 8, 1 / 8.6, 1.15, 0.25, 8, (0.003, 0.01, 0.116, 0.001, 0.87)),
    Schulart("Gesamtschule", "Integrierte Gesamtschulen", "Gesamtschule", (250, 385),
             (230, 260, 290, 310, 330, 345, 355), 0.49, 1.2, 1.2, 0.06, 1 / 7.5, 1 / 11, 1 / 7.8, 1.05, 0.25, 6,
             (0.04, 0.16, 0.498, 0.002, 0.30)),
    Schulart("Freie Waldorfschule", "Freie Waldorfschulen", "Freie Waldorfschule", (42, 43),
             (16, 16.5, 16.8, 17, 17, 16.8, 16.8), 0.53, 0.2, 0.1, 0.01, 1 / 12, 1 / 13, 1 / 12, 1.3, 0.25, 6,
             (0.03, 0.10, 0.40, 0.0, 0.47)),
    Schulart("Förderschule", "Sonderschulen/Förderschulen", "Förderschule", (600, 460), (95, 88, 80, 75, 73, 74, 76),
             0.35, 1.25, 0.3, 0.02, 1 / 10, 1 / 600, 1 / 9, 1.1, 0.35, 6, (0.72, 0.24, 0.04, 0, 0)),
    Schulart("Weiterbildungskolleg", "Abendschulen und Kollegs", "Weiterbildungskolleg", (46, 43),
             (20, 19, 18, 17, 16, 14.5, 14), 0.49, 2.4, 0.3, 0.0, None, None, 1 / 2.6, 1.4, 0.3, 2,
             (0.0, 0.15, 0.45, 0.0, 0.40)),
)
# The rows of 21111-01-03-4 in the table's order: (label, key of SCHULARTEN or None for a row the school extract has
# no Schulform for)
TABLE_SCHULARTEN: tuple[tuple[str, str | None], ...] = (
    ("Vorschulbereich", None),
    ("Grundschulen", "Grundschule"),
    ("Schulartunabhängige Orientierungsstufe", None),
    ("Hauptschulen", "Hauptschule"),
    ("Schularten mit mehreren Bildungsgängen", "Sekundarschule"),
    ("Realschulen", "Realschule"),
    ("Gymnasien", "Gymnasium"),
    ("Integrierte Gesamtschulen", "Gesamtschule"),
    ("Freie Waldorfschulen", "Freie Waldorfschule"),
    ("Sonderschulen/Förderschulen", "Förderschule"),
    ("Abendschulen und Kollegs", "Weiterbildungskolleg"),
    ("Insgesamt", None),
)
VORSCHULBEREICH = "Vorschulbereich"
ORIENTIERUNGSSTUFE = "Schulartunabhängige Orientierungsstufe"  # not in NRW (the Erprobungsstufe is in each school)
_BY_KEY = {s.key: s for s in SCHULARTEN}

# Abschlussarten: (key, label in 21111-02-06-4, share of girls among the leavers with it)
ABSCHLUESSE = (
    ("ohne_hsa", "ohne Hauptschulabschluss", 0.37),
    ("hsa", "mit Hauptschulabschluss", 0.42),
    ("mittlerer_abschluss", "mit Mittlerem Abschluss", 0.50),
    ("fhr", "mit Fachhochschulreife", 0.49),
    ("hochschulreife", "mit allgemeiner Hochschulreife", 0.56),
)
_FOREIGN_ABSCHLUSS = (2.2, 1.5, 1.0, 0.9, 0.5)  # foreign leavers: relative chances per Abschluss
# Share of the leavers with Mittlerem Abschluss who leave the Oberstufe with the schulischer Teil der FHR
_FHR_PART = {"Gymnasium": 0.6, "Gesamtschule": 0.2, "Freie Waldorfschule": 0.3}

# Übergänge aus Klasse 4: (key, Schulart that must exist in the Kreis, chance German 2012/2024, foreign 2012/2024)
UEBERGAENGE = (
    ("hauptschule", "Hauptschule", (0.05, 0.015), (0.12, 0.05)),
    ("realschule", "Realschule", (0.24, 0.19), (0.22, 0.18)),
    ("sekundarschule", "Sekundarschule", (0.03, 0.07), (0.04, 0.08)),
    ("gesamtschule", "Gesamtschule", (0.22, 0.27), (0.32, 0.36)),
    ("gymnasium", "Gymnasium", (0.43, 0.43), (0.25, 0.28)),
    ("sonstige", None, (0.03, 0.03), (0.05, 0.05)),
)

# Newly arrived pupils in Erstförderung per 1,000 pupils (NRW, Schuljahr t/t+1): peaks 2015/16 and 2022/23.
_NEWCOMERS_PER_1000 = {2011: 5, 2012: 6, 2013: 8, 2014: 12, 2015: 30, 2016: 26, 2017: 18, 2018: 13, 2019: 11,
                       2020: 9, 2021: 10, 2022: 32, 2023: 24, 2024: 17}

# HSU languages: (language, weight 2012, weight 2024, first Schuljahr)
HSU_SPRACHEN = (
    ("Türkisch", 40, 30, 0), ("Arabisch", 8, 20, 0), ("Russisch", 8, 6, 0), ("Polnisch", 6, 5, 0),
    ("Italienisch", 6, 4, 0), ("Griechisch", 5, 3, 0), ("Albanisch", 3, 4, 0), ("Kurdisch", 2, 3, 0),
    ("Bosnisch/Kroatisch/Serbisch", 4, 3, 0), ("Spanisch", 3, 3, 0), ("Portugiesisch", 2, 2, 0),
    ("Farsi", 1, 3, 0), ("Ukrainisch", 0, 6, 2022), ("Chinesisch", 1, 1, 0), ("Tamilisch", 1, 1, 0),
)

_PUPIL_FOREIGN_RATIO = 1.0  # pupil foreign share / population foreign share of the Gemeinde (before factors)
# share with Zuwanderungsgeschichte = 1 - (1 - foreign share) ** 3.3 (Coesfeld ~23 %, Wuppertal ~58 %)
_ZWG_EXPONENT = 3.3
# Germany per NRW (plausibility values for the row Deutschland), schools and pupils per Schulart key
_DG_RATIO_SCHOOLS = {"Grundschule": 5.6, "Hauptschule": 10.0, "Realschule": 4.6, "Sekundarschule": 17.0,
                     "Gesamtschule": 6.0, "Gymnasium": 5.1, "Förderschule": 5.4, "Freie Waldorfschule": 5.6,
                     "Weiterbildungskolleg": 6.7, VORSCHULBEREICH: 48.0}
_DG_RATIO_PUPILS = {"Grundschule": 4.4, "Hauptschule": 6.9, "Realschule": 3.9, "Sekundarschule": 10.0,
                    "Gesamtschule": 3.2, "Gymnasium": 4.5, "Förderschule": 4.0, "Freie Waldorfschule": 5.2,
                    "Weiterbildungskolleg": 2.1, VORSCHULBEREICH: 14.0}
_DG_RATIO_LEAVERS = 4.1

_NAME_PARTS = ("Am Park", "Nord", "Süd", "Mitte", "An der Linde", "Am Wall", "Im Kamp", "St. Josef", "Am Markt",
               "Ost", "West", "Am Bach", "Lindenstraße", "Burgschule", "Am Stadtgarten")


@dataclass(frozen=True)
class School:
    id: int  # position in the register (stable ordering)
    schulnummer: str
    schulart: str  # key of SCHULARTEN
    gemeinde: str
    kreis: str
    name: str
    size: float  # relative size
    segregation: float  # factor on the foreign share of the Gemeinde
    open_year: int  # first Schuljahr
    close_year: int  # first Schuljahr without the school (9999 = open)

    def is_open(self, year: int) -> bool:
        return self.open_year <= year < self.close_year


@dataclass(slots=True)
class SchoolYear:
    """One school in one Schuljahr."""

    pupils: int
    female: int
    foreign: int
    zwg: int
    newcomers: int
    hsu: dict[str, int]
    kl7: int
    jg11: int
    # at the end of this Schuljahr (reported in the next Schuljahr's extract row):
    transitions: dict[str, tuple[int, int]] | None  # Grundschulen: key -> (total, foreign)
    leavers: dict[str, tuple[int, int, int]] | None  # others: Abschluss key -> (total, female, foreign)
    fhr_part: tuple[int, int] | None  # of the leavers with Mittlerem Abschluss: with the schulischer Teil der FHR


# --------------------------------------------------------------------------------------------------------------
# Small random helpers
# --------------------------------------------------------------------------------------------------------------
def binomial(r: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if n < 25:
        return sum(1 for _ in range(n) if r.random() < p)
    x = round(n * p + r.gauss(0.0, math.sqrt(n * p * (1.0 - p))))
    return min(n, max(0, x))


def _multinomial(r: random.Random, n: int, probs: list[float]) -> list[int]:
    out = []
    rest, mass = n, sum(probs)
    for p in probs[:-1]:
        k = binomial(r, rest, p / mass) if mass > 0 else 0
        out.append(k)
        rest -= k
        mass -= p
    out.append(rest)
    return out


# --------------------------------------------------------------------------------------------------------------
# Register
# --------------------------------------------------------------------------------------------------------------
def _schedule(r: random.Random, count: int, first: int, last: int, front: float) -> list[int]:
    """count years in first..last; front > 1 puts more of them early."""
    years = list(range(first, last + 1))
    weights = [front ** -(i / max(1, len(years) - 1)) * 1.0 for i in range(len(years))]
    return sorted(r.choices(years, weights=weights, k=count))


@lru_cache(maxsize=4)
def school_register(seed: int, scale: int = 1) -> tuple[School, ...]:
    """All schools that exist in some Schuljahr 2011/12-2024/25, in a fixed order (RB, Kreis, Gemeinde, Schulart)."""
    geo = nrw_geography()
    pop = population_year(seed, 2018)
    gemeinden = [g for k in geo.kreise for g in geo.gemeinden_of[k]]
    r = seeded_rng(seed, "schools-register", scale)
    drafts: list[dict] = []
    for s in SCHULARTEN:
        n_start, n_end = s.n[0] * scale, s.n[1] * scale
        n_max = max(n_start, n_end)
        weights = []
        for g in gemeinden:
            w = pop[g] ** s.gamma * math.exp(r.gauss(0.0, 0.2))
            if s.key == "Sekundarschule" and pop[g] > 120_000:
                w *= 0.15  # Sekundarschulen are mostly in small and medium towns
            weights.append(w)
        if s.key == "Grundschule":  # every Gemeinde has at least one Grundschule per scale unit
            counts = [scale + c for c in largest_remainder(n_max - scale * len(gemeinden), weights)]
        else:
            counts = largest_remainder(n_max, weights)
        members = []
        for g, c in zip(gemeinden, counts):
            for i in range(c):
                members.append({"schulart": s.key, "gemeinde": g, "index": i, "count": c,
                                "size": math.exp(r.gauss(0.0, s.sigma)),
                                "segregation": math.exp(r.gauss(-0.06, 0.35)),
                                "open_year": 1950, "close_year": 9999})
        if n_end < n_start:  # closures, preferably of small schools
            n_close = n_start - n_end
            pick = sorted(range(len(members)), key=lambda i: members[i]["size"] * r.random() ** 0.5)[:n_close]
            front = 3.0 if s.key == "Hauptschule" else 1.0
            for i, year in zip(sorted(pick), _schedule(r, n_close, 2013, 2024, front)):
                members[i]["close_year"] = year
        elif n_end > n_start:  # openings
            n_open = n_end - n_start
            pick = r.sample(range(len(members)), n_open)
            front = 4.0 if s.key == "Sekundarschule" else 1.5
            for i, year in zip(sorted(pick), _schedule(r, n_open, 2013, 2024, front)):
                members[i]["open_year"] = year
        if s.key == "Sekundarschule":  # a new Schulform (2011): the schools of 2012/13 are one or two years old
            for m in members:
                if m["open_year"] == 1950:
                    m["open_year"] = r.choice((2011, 2012))
        drafts.extend(members)

    # order: Kreis (AGS), Gemeinde, Schulart, index
    order = {s.key: i for i, s in enumerate(SCHULARTEN)}
    drafts.sort(key=lambda d: (d["gemeinde"], order[d["schulart"]], d["index"]))

    # Schulnummern: 6 digits, first digit = Regierungsbezirk (1..5), the rest seeded and unique
    by_rb: dict[str, list[dict]] = {}
    for d in drafts:
        by_rb.setdefault(geo.rows[kreis_of(d["gemeinde"])]["parent_ags"], []).append(d)
    numbers: dict[int, str] = {}
    for digit, rb in enumerate(geo.rbs, start=1):
        members = by_rb.get(rb, [])
        if len(members) > 99_000:
            raise ValueError(f"scale {scale} is too large: more than 99,000 schools in RB {rb}")
        drawn = r.sample(range(1_000, 100_000), len(members))
        for d, x in zip(members, drawn):
            numbers[id(d)] = f"{digit}{x:05d}"

    schools = []
    for i, d in enumerate(drafts):
        g = d["gemeinde"]
        s = _BY_KEY[d["schulart"]]
        name = f"{s.prefix} {geo.name(g)}"
        if d["count"] > 1:
            name += f" {_NAME_PARTS[d['index'] % len(_NAME_PARTS)]}"
            if d["index"] >= len(_NAME_PARTS):
                name += f" {d['index'] // len(_NAME_PARTS) + 1}"
        schools.append(School(
            id=i, schulnummer=numbers[id(d)], schulart=d["schulart"], gemeinde=g, kreis=kreis_of(g), name=name,
            size=d["size"], segregation=d["segregation"], open_year=d["open_year"], close_year=d["close_year"],
        ))
    return tuple(schools)


# --------------------------------------------------------------------------------------------------------------
# One Schuljahr
# --------------------------------------------------------------------------------------------------------------
def _ramp(school: School, s: Schulart, year: int) -> float:
    factor = 1.0
    if school.open_year > 1950:
        factor = min(1.0, (year - school.open_year + 1) / s.ramp)
    left = school.close_year - year
    if left <= 3:
        factor *= {1: 0.35, 2: 0.6, 3: 0.85}[left]
    return factor


def _hsu_weights(year: int) -> list[tuple[str, float]]:
    out = []
    for lang, w0, w1, first in HSU_SPRACHEN:
        if year < first:
            continue
        w = w0 + (w1 - w0) * min(1.0, max(0.0, (year - 2012) / 12))
        if lang == "Ukrainisch":
            w = w1 if year >= 2022 else 0
        if w > 0:
            out.append((lang, w))
    return out


@lru_cache(maxsize=32)
def _available(seed: int, scale: int, year: int) -> dict[str, set[str]]:
    """Per Kreis the Schularten with at least one open school in the Schuljahr."""
    out: dict[str, set[str]] = {}
    for school in school_register(seed, scale):
        if school.is_open(year):
            out.setdefault(school.kreis, set()).add(school.schulart)
    return out


@lru_cache(maxsize=32)
def school_year(seed: int, year: int, scale: int = 1) -> dict[int, SchoolYear]:
    """Every school open in Schuljahr year/year+1 (register id -> values)."""
    register = school_register(seed, scale)
    pop = population_year(seed, year)
    pop18 = population_year(seed, 2018)
    fshare = gemeinde_foreign_share(seed, year)
    r = seeded_rng(seed, "schools-year", scale, year)
    open_schools = [sc for sc in register if sc.is_open(year)]

    # pupils: the NRW total of a Schulart spread over its open schools
    pupils: dict[int, int] = {}
    for s in SCHULARTEN:
        members = [sc for sc in open_schools if sc.schulart == s.key]
        total = round(interpolate(s.pupils_k, year, _PUPIL_YEARS) * 1000)
        weights = [sc.size * (pop[sc.gemeinde] / pop18[sc.gemeinde]) * _ramp(sc, s, year)
                   * math.exp(r.gauss(0.0, 0.03)) for sc in members]
        for sc, n in zip(members, largest_remainder(total, weights)):
            pupils[sc.id] = n

    next_available = _available(seed, scale, year + 1)
    newcomer_rate = _NEWCOMERS_PER_1000.get(year, _NEWCOMERS_PER_1000[2024]) / 1000
    hsu_langs = _hsu_weights(year)
    t = min(1.0, max(0.0, (year - 2012) / 12))
    out: dict[int, SchoolYear] = {}
    for sc in open_schools:
        s = _BY_KEY[sc.schulart]
        n = pupils[sc.id]
        f_pop = fshare[sc.gemeinde] * _PUPIL_FOREIGN_RATIO
        f = min(0.92, f_pop * s.foreign * sc.segregation)
        foreign = binomial(r, n, f)
        f_eff = foreign / n if n else 0.0
        zwg_share = 1.0 - (1.0 - f) ** _ZWG_EXPONENT
        p_german_zwg = max(0.0, (zwg_share - f) / (1.0 - f)) if f < 1 else 0.0
        zwg = foreign + binomial(r, n - foreign, p_german_zwg)
        p_new = newcomer_rate * s.newcomer * (0.5 + 0.5 * f / 0.15)
        newcomers = min(zwg, binomial(r, n, p_new))
        hsu_total = binomial(r, zwg, s.hsu * (0.9 + 0.2 * t))
        hsu: dict[str, int] = {}
        if hsu_total:
            counts = _multinomial(r, hsu_total, [w for _, w in hsu_langs])
            hsu = {lang: c for (lang, _), c in zip(hsu_langs, counts) if c}
        female = binomial(r, n, s.female)
        kl7 = binomial(r, n, s.kl7) if s.kl7 else 0
        jg11 = 0
        if s.jg11 and (s.key != "Gesamtschule" or year - sc.open_year >= 6):
            jg11 = binomial(r, n, s.jg11)

        transitions = None
        leavers = None
        fhr_part = None
        if s.key == "Grundschule":
            transitions = {}
            if sc.close_year > year + 1:
                cohort = round(n / 4 * (0.92 + 0.13 * r.random()))
                cohort_foreign = binomial(r, cohort, f_eff)
                for group, size in (("g", cohort - cohort_foreign), ("f", cohort_foreign)):
                    probs = []
                    for key, needed, p_german, p_foreign in UEBERGAENGE:
                        p = p_german if group == "g" else p_foreign
                        p = p[0] + (p[1] - p[0]) * t
                        if needed is not None and needed not in next_available.get(sc.kreis, ()):
                            p = 0.0
                        probs.append(p)
                    for (key, *_), c in zip(UEBERGAENGE, _multinomial(r, size, probs)):
                        total, fr = transitions.get(key, (0, 0))
                        transitions[key] = (total + c, fr + (c if group == "f" else 0))
            else:
                transitions = {key: (0, 0) for key, *_ in UEBERGAENGE}
        else:
            leavers = {key: (0, 0, 0) for key, _, _ in ABSCHLUESSE}
            fhr_part = (0, 0)
            grown = sc.open_year <= 1950 or year - sc.open_year >= 5
            if sc.close_year > year + 1 and grown:
                size = round(n * s.leave * (0.9 + 0.2 * r.random()))
                probs_german = list(s.abschluss)
                if s.key == "Gesamtschule" and sc.open_year > 1950 and year - sc.open_year < 8:
                    probs_german[4] = 0.0  # no Oberstufe yet
                if s.key == "Gymnasium" and year == 2012:
                    size = round(size * 1.9)  # double Abitur cohort (G8 and G9) in summer 2013
                    probs_german = [p * (0.5 if i < 4 else 1.0) for i, p in enumerate(probs_german)]
                probs_foreign = [p * m for p, m in zip(probs_german, _FOREIGN_ABSCHLUSS)]
                n_foreign = binomial(r, size, min(0.95, f_eff * 1.05))
                german = _multinomial(r, size - n_foreign, probs_german) if sum(probs_german) else [0] * 5
                foreign_l = _multinomial(r, n_foreign, probs_foreign) if sum(probs_foreign) else [0] * 5
                for (key, _label, girls), cg, cf in zip(ABSCHLUESSE, german, foreign_l):
                    total = cg + cf
                    leavers[key] = (total, binomial(r, total, min(0.95, girls * s.female / 0.49)), cf)
                msa, msa_female, _ = leavers["mittlerer_abschluss"]
                part = binomial(r, msa, _FHR_PART.get(s.key, 0.0))
                fhr_part = (part, binomial(r, part, msa_female / msa) if msa else 0)
        out[sc.id] = SchoolYear(pupils=n, female=female, foreign=foreign, zwg=zwg, newcomers=newcomers, hsu=hsu,
                                kl7=kl7, jg11=jg11, transitions=transitions, leavers=leavers, fhr_part=fhr_part)
    return out


# --------------------------------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------------------------------
_PUPIL_FIELDS = ("pupils", "female", "foreign", "kl7", "jg11")


@lru_cache(maxsize=32)
def kreis_school_sums(seed: int, year: int, scale: int = 1) -> dict[tuple[str, str], tuple[int, ...]]:
    """Exact sums per (Gemeinde, Schulart key): (schools, pupils, female, foreign, kl7, jg11)."""
    register = school_register(seed, scale)
    values = school_year(seed, year, scale)
    out: dict[tuple[str, str], list[int]] = {}
    for sc in register:
        v = values.get(sc.id)
        if v is None:
            continue
        acc = out.setdefault((sc.gemeinde, sc.schulart), [0] * 6)
        acc[0] += 1
        acc[1] += v.pupils
        acc[2] += v.female
        acc[3] += v.foreign
        acc[4] += v.kl7
        acc[5] += v.jg11
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=32)
def vorschul_values(seed: int, year: int) -> dict[str, tuple[int, int, int, int, int, int]]:
    """Schulkindergärten (Vorschulbereich) per Gemeinde: (schools, pupils, female, foreign, 0, 0). About a third of
    the Kreise have one, in their largest Gemeinde (a plausibility assumption); about 25 in NRW with 2,000 children."""
    geo = nrw_geography()
    pop = population_year(seed, 2018)
    fshare = gemeinde_foreign_share(seed, year)
    r = seeded_rng(seed, "vorschul", year)
    out: dict[str, tuple[int, int, int, int, int, int]] = {}
    for kreis in geo.kreise:
        fixed = seeded_rng(seed, "vorschul-kreis", kreis)
        if fixed.random() > (0.55 if geo.kreisfrei(kreis) else 0.3):
            continue
        town = max(geo.gemeinden_of[kreis], key=lambda g: pop[g])
        schools = 2 if fixed.random() < 0.15 else 1
        pupils = sum(round(85 * math.exp(r.gauss(0.0, 0.2)) * (1 - 0.01 * (year - 2012))) for _ in range(schools))
        out[town] = (schools, pupils, binomial(r, pupils, 0.43), binomial(r, pupils, min(0.9, fshare[town] * 1.3)), 0, 0)
    return out


def _row_sums(parts: dict[tuple[str, str], tuple[int, ...]], gemeinden: tuple[str, ...], key: str) -> tuple[int, ...]:
    acc = [0] * 6
    for g in gemeinden:
        for i, x in enumerate(parts.get((g, key), ())):
            acc[i] += x
    return tuple(acc)


def published_school_values(seed: int, year: int, scale: int = 1) -> dict[tuple[str, str], tuple[int, ...]]:
    """Exact (unrounded) values of 21111-01-03-4 per (row code, Schulart label or 'Insgesamt') for NRW, RB, Kreise
    and Stadt Aachen: (schools, pupils, female, foreign, kl7, jg11). The Orientierungsstufe has none (not in NRW)."""
    sums = dict(kreis_school_sums(seed, year, scale))
    sums.update({(g, VORSCHULBEREICH): v for g, v in vorschul_values(seed, year).items()})
    out: dict[tuple[str, str], tuple[int, ...]] = {}
    for row in rdb_rows():
        if row.kind in ("dg", "dissolved"):
            continue
        gems = gemeinden_of_row(row.code)
        parts = [(s.label, _row_sums(sums, gems, s.key)) for s in SCHULARTEN]
        parts.append((VORSCHULBEREICH, _row_sums(sums, gems, VORSCHULBEREICH)))
        out.update({(row.code, label): values for label, values in parts})
        out[(row.code, "Insgesamt")] = tuple(sum(values[i] for _, values in parts) for i in range(6))
    return out


def published_leaver_values(seed: int, year: int, scale: int = 1) -> dict[str, dict[str, tuple[int, int]]]:
    """Exact values of 21111-02-06-4 (leavers at the end of Schuljahr year/year+1) per row code: Abschluss key,
    'fhr_schulischer_teil' (a part of 'mittlerer_abschluss') and 'insgesamt' -> (total, female)."""
    register = school_register(seed, scale)
    values = school_year(seed, year, scale)
    keys = [*(key for key, _, _ in ABSCHLUESSE), "fhr_schulischer_teil"]
    per_gem: dict[str, dict[str, list[int]]] = {}
    for sc in register:
        v = values.get(sc.id)
        if v is None or v.leavers is None:
            continue
        acc = per_gem.setdefault(sc.gemeinde, {key: [0, 0] for key in keys})
        for key, (total, female) in [*((k, (t, f)) for k, (t, f, _) in v.leavers.items()),
                                     ("fhr_schulischer_teil", v.fhr_part)]:
            acc[key][0] += total
            acc[key][1] += female
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for row in rdb_rows():
        if row.kind in ("dg", "dissolved"):
            continue
        agg = {key: [0, 0] for key in keys}
        for g in gemeinden_of_row(row.code):
            for key, (total, female) in per_gem.get(g, {}).items():
                agg[key][0] += total
                agg[key][1] += female
        res = {key: (t, f) for key, (t, f) in agg.items()}
        res["insgesamt"] = (sum(res[k][0] for k, _, _ in ABSCHLUESSE), sum(res[k][1] for k, _, _ in ABSCHLUESSE))
        out[row.code] = res
    return out


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------
_PUPILS = "Schülerinnen und Schüler an allgemeinbildenden Schulen"
_GRADES = "Klassenstufe / Jahrgangsstufe / Schulbesuchsjahr"
LAYOUT_21111_01_03_4 = TableLayout(
    first_line="GENESIS-Tabelle: 21111-01-03-4",
    title_lines=("Schulen, Schülerinnen und Schüler nach Schularten -",
                 "Stichtag: Schuljahresbeginn - regionale Tiefe: Kreise und", "krfr. Städte",
                 "Statistik der allgemeinbildenden Schulen"),
    header_rows=(
        ";;;;Allgemeinbildende Schulen;" + ";".join([_PUPILS] * 5),
        f";;;;;Geschlecht;Geschlecht;Nationalität;{_GRADES};{_GRADES}",
        ";;;;;Insgesamt;weiblich;ausländisch;7. Klassenstufe;11. Jahrgangsstufe / Einführungsphase",
        ";;;;" + ";".join(["Anzahl"] * 6),
    ),
    encoding="cp1252",
    footer="rdb",
)

_LEAVERS = "Absolvierende/Abgehende allgemeinbildender Schulen nach dem Abschluss"
# value column pairs (Insgesamt, weiblich) of 21111-02-06-4: (key of published_leaver_values, label)
LEAVER_COLUMNS = (
    ("insgesamt", "Insgesamt"),
    ("ohne_hsa", "ohne Hauptschulabschluss"),
    ("hsa", "mit Hauptschulabschluss"),
    ("mittlerer_abschluss", "mit Mittlerem Abschluss"),
    ("fhr_schulischer_teil", "dar. schulischer Teil der Fachhochschulreife"),
    ("fhr", "mit Fachhochschulreife"),
    ("hochschulreife", "mit allgemeiner Hochschulreife"),
)
LAYOUT_21111_02_06_4 = TableLayout(
    first_line="GENESIS-Tabelle: 21111-02-06-4",
    title_lines=("Absolvierende/Abgehende allgemeinbildender Schulen nach",
                 "Geschlecht und Abschlussarten - Schuljahr - regionale Tiefe:", "Kreise und krfr. Städte",
                 "Statistik der allgemeinbildenden Schulen", "Absolvierende/Abgehende (Anzahl)"),
    header_rows=(
        ";;;" + ";".join([_LEAVERS] * 2 * len(LEAVER_COLUMNS)),
        ";;;" + ";".join(label for _, label in LEAVER_COLUMNS for _ in (0, 1)),
        ";;;" + ";".join(["Insgesamt", "weiblich"] * len(LEAVER_COLUMNS)),
    ),
    encoding="cp1252",
    footer="rdb",
    note_heading='zu "gesamte Tabelle":',
)


def _applicable(label: str) -> tuple[bool, ...]:
    """Which of the six value columns (schools, pupils, female, foreign, Klassenstufe 7, Jahrgangsstufe 11) a row of
    21111-01-03-4 fills; the others are 'x' (Tabellenfach gesperrt), as in the real table."""
    if label == ORIENTIERUNGSSTUFE:
        return (False,) * 6
    if label == VORSCHULBEREICH:
        return (True,) * 4 + (False, False)
    if label == "Insgesamt":
        return (False,) + (True,) * 5  # a school may count under several Schularten
    art = next(s for s in SCHULARTEN if s.label == label)
    return (True,) * 4 + (art.kl7 is not None, art.jg11 is not None)


def _dg_school_values(values: dict[tuple[str, str], tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """Plausibility values of the row Deutschland: NRW times a ratio per Schulart; Insgesamt their sum."""
    out: dict[str, tuple[int, ...]] = {}
    for label, key in TABLE_SCHULARTEN:
        key = VORSCHULBEREICH if label == VORSCHULBEREICH else key
        if key is None:
            continue
        nrw = values[("05", label)]
        out[label] = (round(nrw[0] * _DG_RATIO_SCHOOLS[key]), *(round(v * _DG_RATIO_PUPILS[key]) for v in nrw[1:]))
    out["Insgesamt"] = tuple(sum(v[i] for v in out.values()) for i in range(6))
    return out


def table_21111_01_03_4(seed: int, year: int, path, scale: int = 1):
    values = published_school_values(seed, year, scale)
    dg = _dg_school_values(values)
    rounded = year >= SCHOOL_ROUNDING_FROM
    rows = []
    for row in rdb_rows(RDB_2025):
        for label, _key in TABLE_SCHULARTEN:
            if row.kind == "dissolved":
                cells = ["-"] * 6
            else:
                numbers = dg.get(label) if row.kind == "dg" else values.get((row.code, label))
                cells = [
                    "x" if not applicable else fmt_count(v, rounded=rounded and i > 0 and row.kind != "dg")
                    for i, (applicable, v) in enumerate(zip(_applicable(label), numbers or (0,) * 6))
                ]
            rows.append(f"{year};{row.code};{row.label};{label};" + ";".join(cells))
    notes = [
        "Schuljahr: Die Zeitangabe 2023 steht für das Schuljahr",
        "2023/24 (Stichtag der Schulstatistik im Oktober).",
        "Ab dem Schuljahr 2019/20 werden die Schülerzahlen für",
        "Nordrhein-Westfalen aus Gründen der Geheimhaltung jeweils",
        "einzeln auf ein Vielfaches von 5 gerundet; die Zahl der",
        "Schulen bleibt exakt. Summen gerundeter Werte können von",
        "den gerundeten Gesamtzahlen abweichen.",
        "Die Zeile Deutschland ist ein Plausibilitätswert.",
    ]
    return write_table(path, LAYOUT_21111_01_03_4, rows, notes, year + 1,
                       stand_line(seed, "21111-01-03-4", year, year + 1, (3, 1), (5, 31)))


def table_21111_02_06_4(seed: int, year: int, path, scale: int = 1):
    values = published_leaver_values(seed, year, scale)
    rounded = year >= SCHOOL_ROUNDING_FROM
    rows = []
    for row in rdb_rows(RDB_2025):
        if row.kind == "dissolved":
            cells = ["-"] * (2 * len(LEAVER_COLUMNS))
        elif row.kind == "dg":
            cells = [fmt_count(round(x * _DG_RATIO_LEAVERS)) for key, _ in LEAVER_COLUMNS for x in values["05"][key]]
        else:
            cells = [fmt_count(x, rounded=rounded) for key, _ in LEAVER_COLUMNS for x in values[row.code][key]]
        rows.append(f"{year};{row.code};{row.label};" + ";".join(cells))
    notes = [
        "Schuljahr: Die Zeitangabe 2023 steht für die Absolvierenden",
        "und Abgehenden am Ende des Schuljahres 2023/24.",
        "Der schulische Teil der Fachhochschulreife ist ein Teil der",
        "Abgänge mit Mittlerem Abschluss (darunter-Position);",
        "ohne Hauptschulabschluss einschließlich Förderschulabschluss.",
        "Ab dem Schuljahr 2019/20 werden die Werte für Nordrhein-",
        "Westfalen jeweils einzeln auf ein Vielfaches von 5 gerundet.",
        "Die Zeile Deutschland ist ein Plausibilitätswert.",
    ]
    return write_table(path, LAYOUT_21111_02_06_4, rows, notes, year + 1,
                       stand_line(seed, "21111-02-06-4", year, year + 1, (11, 15), (12, 20)))


# --------------------------------------------------------------------------------------------------------------
# School extract (template schulamt_schulen)
# --------------------------------------------------------------------------------------------------------------
def schuljahr_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def school_extract_rows(seed: int, year: int, kreis: str, scale: int = 1) -> tuple[list[dict], list[dict]]:
    """Rows of the sheets 'schulen' and 'hsu_sprachen' for the schools of a Kreis in Schuljahr year/year+1.

    Pupils are those of the Schuljahr; Übergänge and Abgänge those at the end of the previous Schuljahr (zero for
    a school that did not exist then). A few schools leave the optional HSU column empty ('nicht erhoben')."""
    register = school_register(seed, scale)
    now = school_year(seed, year, scale)
    before = school_year(seed, year - 1, scale)
    sj = schuljahr_label(year)
    r = seeded_rng(seed, "school-extract", scale, year, kreis)
    schulen: list[dict] = []
    hsu_rows: list[dict] = []
    for sc in register:
        if sc.kreis != kreis or sc.id not in now:
            continue
        v = now[sc.id]
        prev = before.get(sc.id)
        hsu_missing = r.random() < 0.02
        row = {
            "schulnummer": sc.schulnummer,
            "schuljahr": sj,
            "schulname": f"{sc.name} ({DEMO_MARKER})",
            "schulform": sc.schulart,
            "gemeinde_ags": sc.gemeinde,
            "schueler_insgesamt": v.pupils,
            "schueler_auslaendisch": v.foreign,
            "schueler_mit_zuwanderungsgeschichte": v.zwg,
            "neu_zugewanderte_in_erstfoerderung": v.newcomers,
            "hsu_teilnehmende": None if hsu_missing else sum(v.hsu.values()),
        }
        if sc.schulart == "Grundschule":
            tr = prev.transitions if prev is not None and prev.transitions is not None else {}
            for key, *_ in UEBERGAENGE:
                total, foreign = tr.get(key, (0, 0))
                row[f"uebergaenge_{key}"] = total
                row[f"uebergaenge_{key}_auslaendisch"] = foreign
        else:
            lv = prev.leavers if prev is not None and prev.leavers is not None else {}
            for key, _label, _g in ABSCHLUESSE:
                total, _female, foreign = lv.get(key, (0, 0, 0))
                row[f"abgaenge_{key}"] = total
                row[f"abgaenge_{key}_auslaendisch"] = foreign
        schulen.append(row)
        if not hsu_missing:
            for lang, count in sorted(v.hsu.items()):
                hsu_rows.append({"schulnummer": sc.schulnummer, "schuljahr": sj, "sprache": lang,
                                 "teilnehmende": count})
    return schulen, hsu_rows

