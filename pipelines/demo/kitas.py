"""Synthetic Kindertageseinrichtungen (KiTas): a register of Einrichtungen per Gemeinde, their children on the
Stichtag 1 March, the rows of the Jugendamt KiTa extract (template jugendamt_kitas) and the published table
22543-01-02-4 (Kinder in Kindertagesbetreuung nach Art der Betreuung, Kreise; several Stichtage stacked in one file,
the newest first, as the real Regionaldatenbank export).

Model: an approximate NRW path of KiTas (about 9,300 in 2012 to 10,700 in 2024: the U3 expansion) and of children
under 3 and from 3 to school entry (plausibility assumptions). KiTas are placed on Gemeinden by population, keep
their Einrichtungsnummer, open (many) and close (few) over the years. Children with at least one parent of foreign
origin follow the foreign population share of the Gemeinde (concave fit: Coesfeld ~11 %, Gelsenkirchen ~52 %, NRW
~31 % in 2019) times a fixed KiTa factor (segregation); children mainly speaking a non-German language at home are
a part of them, the larger the more segregated the KiTa.

22543-01-02-4 per Gemeinde, summed to Kreis, RB and NRW: the row Tageseinrichtung holds the extract's children (under
3 exactly; of the children from 3 to school entry those already 6 count under "6 bis unter 14 Jahre") plus the
school children in Horte, which the extract does not report (about a tenth, with the KiTa's share of foreign
origin); the row Tagespflege the children with a Tagesmutter or Tagesvater (mostly under 3); the row Insgesamt both
without the children counted twice (in a KiTa and in Tagespflege). Kinder mit Mittagsverpflegung: about three in
four. Rates are plausibility assumptions.
"""

from __future__ import annotations

import math
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
from pipelines.demo.geography import RDB_2017, gemeinden_of_row, jugendamt_of, kreis_of, rdb_rows
from pipelines.demo.schools import binomial

__all__ = ["BETREUUNGSARTEN", "LAYOUT", "Kita", "KitaYear", "kita_extract_rows", "kita_register", "kita_year",
           "published_kita_values", "table_22543_01_02_4"]

# rows per region of 22543-01-02-4
BETREUUNGSARTEN = ("Tageseinrichtung", "Tagespflege", "Insgesamt (ohne Doppelzählungen)")
_CHILDREN = "Betreute Kinder"
LAYOUT = TableLayout(
    first_line="GENESIS-Tabelle: 22543-01-02-4",
    title_lines=("Statistik der öffentl. geförd. Kindertagespflege,", "nach Art der Kindertagesbetreuung - Stichtag -",
                 "regional Tiefe: Kreise und krfr. Städte - ab 2011 -",
                 "Statistik der öffentl. geförd. Kindertagespflege"),
    header_rows=(
        f";;;;{_CHILDREN};{_CHILDREN};{_CHILDREN};{_CHILDREN};Kinder, Herkunft mind. 1 Elternteil ausländisch;"
        "Kinder mit Mittagsverpflegung",
        ";;;;;Altersgruppe;Altersgruppe;Altersgruppe;;",
        ";;;;;unter 3 Jahre;3 bis unter 6 Jahre;6 bis unter 14 Jahre;;",
        ";;;;" + ";".join(["Anzahl"] * 6),
    ),
    encoding="utf-8",
    footer="rdb",
    note_heading='zu "Tabelle gesamt"',
)
_SIX_NOT_IN_SCHOOL = 0.06  # of the children from 3 to school entry: already 6 years old on 1 March
_HORT = 0.11  # school children in Horte per KiTa child under school age
_TAGESPFLEGE = (0.40, 0.013, 0.012)  # children in Tagespflege per KiTa child: under 3, 3 to 6, 6 to 14
_BOTH = (0.05, 0.3, 0.3)  # of those in Tagespflege: also in a KiTa (counted twice), per age group
_LUNCH = 0.76  # share with Mittagsverpflegung
_DG_RATIO = 5.9  # children in Germany per child in NRW (plausibility value for the row Deutschland)

_KEY_YEARS = (2012, 2014, 2016, 2018, 2020, 2022, 2024)
_U3_K = (62, 88, 97, 105, 113, 118, 124)  # NRW children under 3 in KiTas, thousands, 1 March
_U6_K = (468, 472, 482, 500, 516, 533, 545)  # NRW children 3 to school entry in KiTas, thousands
_N_START, _N_OPEN, _N_CLOSE = 9_300, 1_500, 100  # KiTas 1.3.2012, openings and closures until 1.3.2024

_TRAEGER = (("katholisch", 0.27), ("evangelisch", 0.17), ("öffentlich", 0.25), ("AWO", 0.06),
            ("Paritätischer", 0.09), ("DRK", 0.03), ("Elterninitiative", 0.08),
            ("sonstiger freier Träger", 0.04), ("betrieblich", 0.01))
_NAMES = ("Sonnenschein", "Regenbogen", "Pusteblume", "Arche Noah", "Villa Kunterbunt", "Schatzkiste",
          "Kleine Strolche", "Löwenzahn", "Am Park", "Wirbelwind", "Sternschnuppe", "Zwergenland", "Spatzennest",
          "Kunterbunt", "Lummerland", "Bullerbü", "Abenteuerland", "Unterm Regenbogen", "Am Bach", "Lindenhof")
_PATRONS = ("St. Marien", "St. Martin", "St. Josef", "St. Elisabeth", "St. Antonius", "Heilig Kreuz",
            "St. Michael", "St. Peter", "Christus", "St. Barbara")
_PREFIX = {"katholisch": "Kath. Kita", "evangelisch": "Ev. Kita", "öffentlich": "Städtische Kita",
           "AWO": "AWO-Kita", "Paritätischer": "Kita", "DRK": "DRK-Kita", "Elterninitiative": "Elterninitiative",
           "sonstiger freier Träger": "Kita", "betrieblich": "Betriebskita"}


@dataclass(frozen=True)
class Kita:
    id: int
    einrichtung_id: str
    name: str
    traeger: str
    gemeinde: str
    kreis: str
    jugendamt: str  # JH code, or the 5-digit code of a kreisfreie Stadt
    size: float
    u3: float  # relative weight of children under 3
    segregation: float
    open_year: int  # first Stichtag 1 March with the KiTa
    close_year: int  # first Stichtag without it (9999 = open)

    def is_open(self, year: int) -> bool:
        return self.open_year <= year < self.close_year


@dataclass(slots=True)
class KitaYear:
    places: int
    u3: int
    u6: int  # 3 to school entry
    u3_foreign: int
    u6_foreign: int
    u3_language: int
    u6_language: int


def kita_foreign_origin_share(population_share: float) -> float:
    """Share of KiTa children with a parent of foreign origin at a given foreign population share (AZR model):
    a concave fit through Coesfeld ~11 %, NRW ~31 % and Gelsenkirchen ~52 % (2019)."""
    f = min(population_share, 0.372)
    return max(0.03, 1.1 * (-0.1127 + 3.512 * f - 4.72 * f * f))


@lru_cache(maxsize=4)
def kita_register(seed: int, scale: int = 1) -> tuple[Kita, ...]:
    geo = nrw_geography()
    pop = population_year(seed, 2018)
    gemeinden = [g for k in geo.kreise for g in geo.gemeinden_of[k]]
    r = seeded_rng(seed, "kita-register", scale)
    n_total = (_N_START + _N_OPEN) * scale
    weights = [pop[g] * math.exp(r.gauss(0.0, 0.1)) for g in gemeinden]
    counts = [scale + c for c in largest_remainder(n_total - scale * len(gemeinden), weights)]
    drafts = []
    for g, c in zip(gemeinden, counts):
        for i in range(c):
            traeger = r.choices([t for t, _ in _TRAEGER], weights=[w for _, w in _TRAEGER])[0]
            small = traeger == "Elterninitiative" or r.random() < 0.04
            size = math.exp(r.gauss(-1.1 if small else 0.0, 0.25 if small else 0.3))
            drafts.append({"gemeinde": g, "index": i, "traeger": traeger, "size": size,
                           "u3": math.exp(r.gauss(0.0, 0.45)) * (1.6 if small else 1.0),
                           "segregation": math.exp(r.gauss(-0.15, 0.55)), "open_year": 1970, "close_year": 9999})
    opened = r.sample(range(len(drafts)), _N_OPEN * scale)
    years = list(range(2013, 2025))
    open_weights = [3, 3, 2.5, 2, 1.5, 1.2, 1.5, 1.8, 1.8, 1.6, 1.4, 1.2]  # U3 expansion and after
    for i in opened:
        drafts[i]["open_year"] = r.choices(years, weights=open_weights)[0]
    never_opened = [i for i in range(len(drafts)) if drafts[i]["open_year"] == 1970]
    for i in r.sample(never_opened, _N_CLOSE * scale):
        drafts[i]["close_year"] = r.choice(years)
    numbers = r.sample(range(100_000, 1_000_000), len(drafts))
    kitas = []
    for idx, (d, number) in enumerate(zip(drafts, numbers)):
        g = d["gemeinde"]
        words = _PATRONS if d["traeger"] in ("katholisch", "evangelisch") else _NAMES
        word = words[(d["index"] + r.randrange(len(words))) % len(words)]
        name = f"{_PREFIX[d['traeger']]} {word} {geo.name(g)}"
        if d["traeger"] == "Elterninitiative":
            name = f"Elterninitiative {word} e. V., {geo.name(g)}"
        kitas.append(Kita(id=idx, einrichtung_id=str(number), name=name, traeger=d["traeger"], gemeinde=g,
                          kreis=kreis_of(g), jugendamt=jugendamt_of(g), size=d["size"], u3=d["u3"],
                          segregation=d["segregation"], open_year=d["open_year"], close_year=d["close_year"]))
    return tuple(kitas)


@lru_cache(maxsize=32)
def kita_year(seed: int, year: int, scale: int = 1) -> dict[int, KitaYear]:
    """Every KiTa open on 1 March of year (register id -> values)."""
    register = kita_register(seed, scale)
    pop = population_year(seed, year - 1)
    pop18 = population_year(seed, 2018)
    fshare = gemeinde_foreign_share(seed, year - 1)  # AZR 31.12. of the previous year
    r = seeded_rng(seed, "kita-year", scale, year)
    members = [k for k in register if k.is_open(year)]
    ramp = [min(1.0, (year - k.open_year + 1) / 2) if k.open_year > 1970 else 1.0 for k in members]
    growth = [pop[k.gemeinde] / pop18[k.gemeinde] for k in members]
    u3_total = round(interpolate(_U3_K, year, _KEY_YEARS) * 1000)
    u6_total = round(interpolate(_U6_K, year, _KEY_YEARS) * 1000)
    u3 = largest_remainder(u3_total, [k.size * k.u3 * a * b * math.exp(r.gauss(0, 0.1))
                                       for k, a, b in zip(members, ramp, growth)])
    u6 = largest_remainder(u6_total, [k.size * a * b * math.exp(r.gauss(0, 0.05))
                                       for k, a, b in zip(members, ramp, growth)])
    out: dict[int, KitaYear] = {}
    for k, n3, n6 in zip(members, u3, u6):
        p = kita_foreign_origin_share(fshare[k.gemeinde])
        p6 = min(0.97, p * 1.05 * k.segregation)
        p3 = min(0.95, p * 0.78 * k.segregation)
        f3, f6 = binomial(r, n3, p3), binomial(r, n6, p6)
        lang = min(0.95, 0.35 + 0.6 * p6)  # part of the foreign-origin children mainly speaking non-German
        l3, l6 = binomial(r, f3, lang * 0.9), binomial(r, f6, lang)
        places = max(n3 + n6, round((n3 + n6) * (1.0 + 0.12 * r.random())))
        out[k.id] = KitaYear(places=places, u3=n3, u6=n6, u3_foreign=f3, u6_foreign=f6, u3_language=l3,
                             u6_language=l6)
    return out


@lru_cache(maxsize=32)
def _gemeinde_sums(seed: int, year: int, scale: int) -> dict[str, tuple[int, int, int, int, int, int]]:
    register = kita_register(seed, scale)
    values = kita_year(seed, year, scale)
    out: dict[str, list[int]] = {}
    for k in register:
        v = values.get(k.id)
        if v is None:
            continue
        acc = out.setdefault(k.gemeinde, [0] * 6)
        for i, x in enumerate((v.u3, v.u3_foreign, v.u3_language, v.u6, v.u6_foreign, v.u6_language)):
            acc[i] += x
    return {g: tuple(v) for g, v in out.items()}


def _gemeinde_table_values(seed: int, year: int, gemeinde: str,
                           sums: tuple[int, int, int, int, int, int]) -> dict[str, tuple[int, ...]]:
    """The three rows of 22543-01-02-4 for one Gemeinde: type of care -> (total, under 3, 3 to 6, 6 to 14, foreign
    origin, Mittagsverpflegung); sums = the extract's (u3, u3 foreign, u3 language, u6, u6 foreign, u6 language)."""
    r = seeded_rng(seed, "kita-table", year, gemeinde)
    u3, u3_foreign, _, u6, u6_foreign, _ = sums
    foreign_share = (u3_foreign + u6_foreign) / (u3 + u6) if u3 + u6 else 0.0
    six = binomial(r, u6, _SIX_NOT_IN_SCHOOL)
    hort = binomial(r, u3 + u6, _HORT)
    in_kita = (u3, u6 - six, six + hort)
    kita_foreign = u3_foreign + u6_foreign + binomial(r, hort, foreign_share)
    in_care = tuple(binomial(r, n, rate) for n, rate in zip((u3, u6, u6), _TAGESPFLEGE))
    care_foreign = binomial(r, sum(in_care), foreign_share * 0.5)
    both = tuple(binomial(r, n, rate) for n, rate in zip(in_care, _BOTH))
    both_foreign = min(care_foreign, binomial(r, sum(both), care_foreign / sum(in_care))) if sum(in_care) else 0
    kita = (sum(in_kita), *in_kita, kita_foreign, binomial(r, sum(in_kita), _LUNCH))
    care = (sum(in_care), *in_care, care_foreign, binomial(r, sum(in_care), _LUNCH))
    both_lunch = min(binomial(r, sum(both), _LUNCH), kita[5], care[5])
    twice = (sum(both), *both, both_foreign, both_lunch)
    return {BETREUUNGSARTEN[0]: kita, BETREUUNGSARTEN[1]: care,
            BETREUUNGSARTEN[2]: tuple(a + b - c for a, b, c in zip(kita, care, twice))}


@lru_cache(maxsize=32)
def published_kita_values(seed: int, year: int, scale: int = 1) -> dict[tuple[str, str], tuple[int, ...]]:
    """Exact values of 22543-01-02-4 on 1 March of year per (row code, type of care) for NRW, RB, Kreise and Stadt
    Aachen: (Betreute Kinder, unter 3, 3 bis unter 6, 6 bis unter 14, Herkunft mind. 1 Elternteil ausländisch,
    Mittagsverpflegung)."""
    sums = _gemeinde_sums(seed, year, scale)
    per_gemeinde = {g: _gemeinde_table_values(seed, year, g, v) for g, v in sorted(sums.items())}
    out: dict[tuple[str, str], tuple[int, ...]] = {}
    for row in rdb_rows():
        if row.kind in ("dg", "dissolved"):
            continue
        gems = [g for g in gemeinden_of_row(row.code) if g in per_gemeinde]
        for art in BETREUUNGSARTEN:
            out[(row.code, art)] = tuple(sum(per_gemeinde[g][art][i] for g in gems) for i in range(6))
    return out


def table_22543_01_02_4(seed: int, years: range, path, scale: int = 1):
    """All Stichtage 1 March of years in one file, the newest first."""
    rows = []
    for year in sorted(years, reverse=True):
        values = published_kita_values(seed, year, scale)
        for row in rdb_rows(RDB_2017):
            for art in BETREUUNGSARTEN:
                if row.kind == "dissolved":
                    cells = ["-"] * 6
                elif row.kind == "dg":
                    cells = [fmt_count(round(v * _DG_RATIO)) for v in values[("05", art)]]
                else:
                    cells = [fmt_count(v) for v in values[(row.code, art)]]
                rows.append(f"01.03.{year};{row.code};{row.label};{art};" + ";".join(cells))
    notes = [
        "Kinder in Kindertageseinrichtungen (einschließlich Schulkinder",
        "in Horten) und in öffentlich geförderter Kindertagespflege am",
        "1. März. Insgesamt: ohne Kinder, die eine Tageseinrichtung",
        "und Kindertagespflege besuchen (Doppelzählungen).",
        "Exakte Werte, nicht gerundet. Die Zeile Deutschland ist ein",
        "Plausibilitätswert.",
    ]
    last = max(years)
    return write_table(path, LAYOUT, rows, notes, last, stand_line(seed, "22543-01-02-4", last, last, (9, 1), (10, 31)))


def kita_extract_rows(seed: int, year: int, kreis: str, scale: int = 1) -> list[dict]:
    """Rows of the KiTa extract (template jugendamt_kitas) for the KiTas of a Kreis on 1 March of year."""
    register = kita_register(seed, scale)
    values = kita_year(seed, year, scale)
    rows = []
    for k in register:
        if k.kreis != kreis or k.id not in values:
            continue
        v = values[k.id]
        rows.append({
            "einrichtung_id": k.einrichtung_id,
            "einrichtung_name": f"{k.name} ({DEMO_MARKER})",
            "stichtag": f"01.03.{year}",
            "traeger_art": k.traeger,
            "gemeinde_ags": k.gemeinde,
            "jugendamt": k.jugendamt if k.jugendamt.startswith("JH") else None,
            "plaetze": v.places,
            "kinder_unter_3": v.u3,
            "kinder_3_bis_schuleintritt": v.u6,
            "kinder_unter_3_auslaendische_herkunft": v.u3_foreign,
            "kinder_3_bis_schuleintritt_auslaendische_herkunft": v.u6_foreign,
            "kinder_unter_3_nichtdeutsche_familiensprache": v.u3_language,
            "kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache": v.u6_language,
        })
    return rows
