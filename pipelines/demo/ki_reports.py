"""Synthetic annual reports (Jahresberichte) of the 54 Kommunale Integrationszentren (template ki_jahresbericht):
53 Kreise / kreisfreie Städte plus the KI of the Stadt Aachen (05334002); the KI of the StädteRegion Aachen
(05334) covers the rest of the StädteRegion.

Staff: Landesförderung around 5.5 VZÄ (with vacancies), municipal staff growing with the size of the Kreis,
third-party funds for some. Integrationskonzept: a first council decision between 2006 and 2013 (a concept was a
condition of the funding), then for most centres updates every 4 to 9 years, for some none: so in any year some
concepts are recent and some are old, which the quality standards (pipelines/standards/) tell apart; reported once
decided. Cooperation with the Integrationsrat: nearly every kreisfreie Stadt; in a Kreis with the councils of some of
its towns (none in some years). Migrantenselbstorganisationen: most centres, but about one in ten reports none in a
year. Programmes (not every KI runs every programme): group
programmes scale with the area (halved in the pandemic years 2020/21); the HSU coordination reports the HSU
participants and schools of the school model, the advice for newly arrived pupils follows the newly arrived pupils
of the area (peaks 2015/16 and 2022/23). Dirt: optional fields left empty (third-party staff 'none', one report
without the date of its Integrationskonzept), programme rows without some figures.

From report year 2022 (TIntG, template version 2) most reports carry the sheet tintg (Kommunales
Integrationsmanagement, Land-funded posts approved and filled, Gemeinden with a mandatory Integrationsrat, estimated
from the Gemeinde's population and its Kreis's foreigner share) and the § 8 tasks Übergang Schule-Beruf and the
coordination of offices, Träger and volunteers as programme rows. These come from random draws of their own, so the
figures of the earlier sheets stay as they were.
"""

from __future__ import annotations

import datetime as _dt
import math
from decimal import Decimal
from functools import lru_cache

from pipelines.demo.generator import (
    AACHEN_CITY, AACHEN_KREIS, district_profiles, nrw_geography, population_year, seeded_rng,
)
from pipelines.demo.kitas import kita_register
from pipelines.demo.schools import school_register, school_year

__all__ = ["KI_IDS", "ki_area", "ki_report_rows"]

TINTG_FIRST_YEAR = 2022
# the § 8 TIntG tasks the template has as programme rows since version 2, with the share of KIs that report them
TINTG_TASKS = {"Übergang Schule-Beruf": 0.8, "Koordinierung Ämter und Träger": 0.9, "Koordinierung Ehrenamt": 0.75}
INTEGRATIONSRAT_MIN_FOREIGNERS = 5000  # § 27 GO NRW

PROGRAMME = ("Griffbereit", "Rucksack KiTa", "Rucksack Schule", "Schule ohne Rassismus - Schule mit Courage",
             "HSU-Koordination", "Beratung neu zugewanderter Schüler/-innen", "Fortbildungen Lehrkräfte",
             "Fortbildungen pädagogische Fachkräfte")
PARTNERTYPEN = ("Integrationsagentur", "Jugendmigrationsdienst", "Migrantenselbstorganisation (MSO)", "Schule",
                "KiTa", "Jugendhilfe", "Integrationsrat", "Kirche/Religionsgemeinschaft", "Sonstige")
# share of KIs that run a programme at all
_TAKE_UP = {"Griffbereit": 0.75, "Rucksack KiTa": 0.7, "Rucksack Schule": 0.5,
            "Schule ohne Rassismus - Schule mit Courage": 0.85, "HSU-Koordination": 1.0,
            "Beratung neu zugewanderter Schüler/-innen": 1.0, "Fortbildungen Lehrkräfte": 0.95,
            "Fortbildungen pädagogische Fachkräfte": 0.8}


def _ki_ids() -> tuple[str, ...]:
    geo = nrw_geography()
    ids = []
    for k in geo.kreise:
        ids.append(k)
        if k == AACHEN_KREIS:
            ids.append(AACHEN_CITY)
    return tuple(ids)


KI_IDS = _ki_ids()


@lru_cache(maxsize=64)
def ki_area(ki_id: str) -> tuple[str, ...]:
    """Gemeinden the KI works for."""
    geo = nrw_geography()
    if ki_id == AACHEN_CITY:
        return (AACHEN_CITY,)
    if ki_id == AACHEN_KREIS:
        return tuple(g for g in geo.gemeinden_of[AACHEN_KREIS] if g != AACHEN_CITY)
    return tuple(geo.gemeinden_of[ki_id])


@lru_cache(maxsize=4)
def _ki_params(seed: int) -> dict[str, dict]:
    pop = population_year(seed, 2018)
    out = {}
    for ki in KI_IDS:
        r = seeded_rng(seed, "ki", ki)
        size = sum(pop[g] for g in ki_area(ki)) / 300_000
        decisions = [_dt.date(r.randint(2006, 2013), r.randint(1, 12), r.randint(1, 28))]
        while r.random() < 0.7 and decisions[-1].year + 4 <= 2024:
            decisions.append(_dt.date(decisions[-1].year + r.randint(4, 9), r.randint(1, 12), r.randint(1, 28)))
        out[ki] = {
            "size": size,
            "programmes": [p for p in PROGRAMME if r.random() < _TAKE_UP[p]],
            "kommunal": max(0.5, 1.0 + 3.0 * math.sqrt(size) + r.gauss(0.0, 0.5)),
            "sonstige": r.random() < 0.45,
            "konzept": tuple(decisions),
            "activity": math.exp(r.gauss(0.0, 0.25)),
            # share of the Kreis's towns whose Integrationsrat the KI works with (a town-sized area: its own council, nearly every year)
            "integrationsrat": 1.0 if len(ki_area(ki)) == 1 else 0.5 * r.random(),
        }
    return out


def _quarter(x: float) -> Decimal:
    return Decimal(round(max(0.0, x) * 4)) / 4


@lru_cache(maxsize=32)
def _area_school_figures(seed: int, year: int, scale: int) -> dict[str, tuple[int, int, int, int]]:
    """Per KI: (schools, HSU participants, schools with HSU, newly arrived pupils) in Schuljahr year/year+1."""
    register = school_register(seed, scale)
    values = school_year(seed, year, scale)
    area_of = {g: ki for ki in KI_IDS for g in ki_area(ki)}
    out = {ki: [0, 0, 0, 0] for ki in KI_IDS}
    for sc in register:
        v = values.get(sc.id)
        if v is None:
            continue
        acc = out[area_of[sc.gemeinde]]
        hsu = sum(v.hsu.values())
        acc[0] += 1
        acc[1] += hsu
        acc[2] += 1 if hsu else 0
        acc[3] += v.newcomers
    return {ki: tuple(v) for ki, v in out.items()}


@lru_cache(maxsize=32)
def _area_kitas(seed: int, year: int, scale: int) -> dict[str, int]:
    """Per KI: KiTas open on 1 March of year in its area."""
    area_of = {g: ki for ki in KI_IDS for g in ki_area(ki)}
    out = dict.fromkeys(KI_IDS, 0)
    for k in kita_register(seed, scale):
        if k.is_open(year):
            out[area_of[k.gemeinde]] += 1
    return out


def ki_report_rows(seed: int, year: int, ki: str, scale: int = 1) -> dict[str, list[dict]]:
    """Rows of the sheets stammdaten, programme and kooperationen of one KI's report for the Berichtsjahr."""
    p = _ki_params(seed)[ki]
    r = seeded_rng(seed, "ki-report", ki, year)
    size, activity = p["size"], p["activity"]
    covid = 0.5 if year in (2020, 2021) else 1.0
    ramp = 0.6 if year == 2012 else (0.85 if year == 2013 else 1.0)  # the centres were built up in 2012-2014

    konzept = max((decided for decided in p["konzept"] if decided.year <= year), default=None)
    if konzept is not None and r.random() < 0.02:
        konzept = None  # dirt: the date was not filled in although a concept exists
    vacancy = r.choice((0.0, 0.0, 0.0, 0.5, 1.0))
    stammdaten = {
        "ki_id": ki,
        "berichtsjahr": year,
        "vzae_landesfoerderung": _quarter((5.5 - vacancy) * (0.8 if year == 2012 else 1.0)),
        "vzae_kommunal": _quarter(p["kommunal"] * (1 + 0.02 * (year - 2012)) + r.gauss(0.0, 0.2)),
        "vzae_sonstige": _quarter(0.5 + 2.0 * r.random()) if p["sonstige"] and year >= 2015 else None,
        "integrationskonzept_beschlossen_am": konzept,
    }

    schools_n, hsu, hsu_schools, newcomers = _area_school_figures(seed, year, scale)[ki]
    kitas = _area_kitas(seed, year, scale)[ki]
    programmes = []
    for programme in p["programmes"]:
        if programme == "HSU-Koordination" and year == 2012 and r.random() < 0.5:
            continue
        row: dict = {"ki_id": ki, "berichtsjahr": year, "programm": programme}
        if programme == "Griffbereit":
            groups = max(1, round(6 * math.sqrt(size) * activity * covid * ramp + r.gauss(0, 1)))
            row.update(gruppen=groups, teilnehmende=round(groups * (8 + 3 * r.random())))
        elif programme == "Rucksack KiTa":
            groups = max(1, round(0.03 * kitas * activity * covid * ramp + r.gauss(0, 1)))
            row.update(gruppen=groups, teilnehmende=round(groups * (9 + 4 * r.random())))
        elif programme == "Rucksack Schule":
            groups = max(1, round(4 * math.sqrt(size) * activity * covid * ramp + r.gauss(0, 1)))
            row.update(gruppen=groups, teilnehmende=round(groups * (8 + 4 * r.random())),
                       schulen=max(1, round(groups * 0.7)))
        elif programme == "Schule ohne Rassismus - Schule mit Courage":
            share = 0.04 + 0.012 * (year - 2012)
            row.update(schulen=max(1, round(schools_n * share * activity)))
        elif programme == "HSU-Koordination":
            row.update(gruppen=max(1, round(hsu / 14)), teilnehmende=hsu, schulen=hsu_schools)
            if r.random() < 0.05:
                row["gruppen"] = None  # dirt: figure not reported
        elif programme == "Beratung neu zugewanderter Schüler/-innen":
            row.update(beratungsfaelle=max(0, round(newcomers * 0.7 * activity * math.exp(r.gauss(0, 0.1)))))
        else:
            groups = max(1, round(5 * math.sqrt(size) * activity * (0.6 if covid < 1 else 1.0) + r.gauss(0, 1)))
            row.update(gruppen=groups, teilnehmende=round(groups * (10 + 8 * r.random())))
        programmes.append(row)

    kooperationen = []
    base = {
        "Integrationsagentur": 1 + 2 * math.sqrt(size),
        "Jugendmigrationsdienst": 0.5 + math.sqrt(size),
        "Migrantenselbstorganisation (MSO)": 3 + 12 * size,
        "Schule": schools_n * 0.25,
        "KiTa": kitas * 0.12,
        "Jugendhilfe": 2 + 4 * math.sqrt(size),
        "Integrationsrat": None,  # counted below: one council per town, no scaling with activity
        "Kirche/Religionsgemeinschaft": 2 + 5 * math.sqrt(size),
        "Sonstige": 1 + 4 * r.random(),
    }
    for typ in PARTNERTYPEN:
        if typ == "Integrationsrat":
            n = sum(r.random() < p["integrationsrat"] * (0.95 if len(ki_area(ki)) == 1 else 1.0)
                    for _ in ki_area(ki))
        else:
            n = round(base[typ] * activity * ramp * math.exp(r.gauss(0.0, 0.15)))
        if n == 0 and r.random() < 0.7:
            continue  # rows of types without partners are often left out
        kooperationen.append({"ki_id": ki, "berichtsjahr": year, "partnertyp": typ, "anzahl": n})
    if seeded_rng(seed, "ki-report-no-mso", ki, year).random() < 0.1:  # own draws: the other figures stay as they were
        # some centres work with no Migrantenselbstorganisation in a year (the yes/no standard tells them apart)
        kooperationen = [row for row in kooperationen if row["partnertyp"] != "Migrantenselbstorganisation (MSO)"]
    rows = {"stammdaten": [stammdaten], "programme": programmes, "kooperationen": kooperationen}
    if year >= TINTG_FIRST_YEAR:
        rows["programme"] = programmes + _tintg_tasks(seed, year, ki, size)
        rows["tintg"] = _tintg_sheet(seed, year, ki, size)
    return rows


def _tintg_tasks(seed: int, year: int, ki: str, size: float) -> list[dict]:
    r = seeded_rng(seed, "ki-report-tintg-tasks", ki, year)
    rows = []
    for task, take_up in TINTG_TASKS.items():
        if r.random() >= take_up:
            continue
        meetings = max(1, round(4 * math.sqrt(size) + r.gauss(0, 1)))
        rows.append({"ki_id": ki, "berichtsjahr": year, "programm": task, "gruppen": meetings,
                     "teilnehmende": round(meetings * (6 + 10 * r.random())),
                     "schulen": max(1, round(3 * math.sqrt(size))) if task == "Übergang Schule-Beruf" else None})
    return rows


def _gemeinden_with_mandatory_council(seed: int, year: int, ki: str) -> int:
    """Gemeinden of the area with at least 5,000 foreign residents (§ 27 GO NRW), estimated from the Gemeinde's
    population and the foreigner share of its Kreis (profile.csv)."""
    population = population_year(seed, year)
    profile = district_profiles()
    kreis = AACHEN_KREIS if ki == AACHEN_CITY else ki[:5]
    share = float(profile[kreis]["foreign_share_2024_pct"]) / 100
    return sum(population[g] * share >= INTEGRATIONSRAT_MIN_FOREIGNERS for g in ki_area(ki))


def _tintg_sheet(seed: int, year: int, ki: str, size: float) -> list[dict]:
    r = seeded_rng(seed, "ki-report-tintg", ki, year)
    if r.random() < 0.1:
        return []  # the sheet is optional: some centres do not fill it in
    case_management = _quarter(2 + 6 * math.sqrt(size) + r.gauss(0, 0.5)) if r.random() < 0.85 else Decimal(0)
    teachers, specialists, admin = Decimal(2), Decimal("2.5"), Decimal("0.5") if r.random() < 0.5 else Decimal(1)
    return [{
        "ki_id": ki,
        "berichtsjahr": year,
        "kim_lenkungsgruppe": "ja" if r.random() < 0.9 else "nein",
        "kim_handlungskonzept": "ja" if r.random() < 0.6 + 0.1 * (year - TINTG_FIRST_YEAR) else "nein",
        "kim_case_management_vzae": case_management,
        "kim_case_management_faelle": round(float(case_management) * (30 + 30 * r.random())),
        "kim_vzae_auslaenderbehoerde": _quarter(0.5 + 2 * math.sqrt(size) * r.random()),
        "kim_vzae_einbuergerungsbehoerde": _quarter(1.5 * math.sqrt(size) * r.random()),
        "landesstellen_lehrkraefte": teachers,
        "landesstellen_lehrkraefte_besetzt": teachers - r.choice((Decimal(0), Decimal(0), Decimal("0.5"), Decimal(1))),
        "landesstellen_fachkraefte": specialists,
        "landesstellen_fachkraefte_besetzt": specialists - r.choice((Decimal(0), Decimal(0), Decimal("0.5"))),
        "landesstellen_verwaltung": admin,
        "landesstellen_verwaltung_besetzt": admin,
        "gemeinden_mit_pflicht_integrationsrat": _gemeinden_with_mandatory_council(seed, year, ki),
    }]
