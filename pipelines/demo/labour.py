"""Synthetic labour market and social benefits: 13211-02-05-4 (Arbeitslose und Arbeitslosenquoten,
Jahresdurchschnitt), 22811-01i (Mindestsicherungsquote, Gemeinden) and the BA Excel table of erwerbsfähige
Leistungsberechtigte (SGB II) nach Staatsangehörigkeit, Kreise (Jahresdurchschnitt).

Model per unit (Kreise; the StädteRegion Aachen as Stadt Aachen + rest): the approximate 2019 levels of
profile_social.csv, moved each year along an approximate NRW path and rescaled so that NRW follows it
(plausibility assumptions, not official figures). Civilian labour force = population x ~0.5; foreigners' labour
force = foreigners (AZR model) x 0.40; the foreigners' unemployment rate is a multiple (~2.5) of the overall rate,
a little smaller where the overall rate is high. Counts are integers, aggregates (Kreis, RB, NRW) are sums, rates
are computed from the aggregated counts with one decimal. For 2017 the foreigners' rate is not published on Kreis
level ('.'), NRW and the RB keep it (as in the real table). Mindestsicherung: recipients per Gemeinde (integers)
from the unit's quota and a fixed Gemeinde factor (larger towns higher); ELB (SGB II) = recipients x ~0.55, their
foreign share = the foreign population share x ~2.5.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
from functools import lru_cache

from pipelines.demo.context import gemeinde_foreign_share, social_profile, unit_foreign_share
from pipelines.demo.generator import (
    AACHEN_CITY,
    AACHEN_KREIS,
    AACHEN_REST,
    DEMO_MARKER,
    NRW,
    alloc_units,
    interpolate,
    largest_remainder,
    nrw_geography,
    population_year,
    seeded_rng,
    unit_population,
)
from pipelines.demo.genesis_layout import TableLayout, fmt_count, fmt_tenths, stand_line, tenths, write_table
from pipelines.demo.geography import RDB_2025, alloc_unit_of, gemeinden_of_row, ldb_gemeinde_rows, rdb_rows

__all__ = ["BA_GAP_YEAR", "LAYOUT_13211_02_05_4", "LAYOUT_22811_01I", "MSQ_SUPPRESS_BELOW", "ba_sgb2_workbook",
           "elb_values", "mindestsicherung_values", "table_13211_02_05_4", "table_22811_01i", "unemployment_values"]

BA_GAP_YEAR = 2017  # the foreigners' unemployment rate is not published on Kreis level for this year
MSQ_SUPPRESS_BELOW = 5_000  # Gemeinden with fewer inhabitants: Mindestsicherungsquote '.'

_YEARS = (2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024)
_RATE_NRW = (8.1, 8.3, 8.2, 8.0, 7.7, 7.4, 6.8, 6.5, 7.5, 7.3, 6.8, 7.2, 7.5)  # % of all civilian labour force
_FOREIGN_MULT = (2.3, 2.3, 2.35, 2.35, 2.5, 2.55, 2.55, 2.5, 2.45, 2.5, 2.65, 2.6, 2.55)
_YOUTH_SHARE = (0.095, 0.094, 0.093, 0.092, 0.091, 0.09, 0.089, 0.088, 0.09, 0.087, 0.086, 0.086, 0.085)
# of the unemployed: severely disabled, 15 to 20 and 55 to 65 years old (plausibility values, about constant)
_DISABLED_SHARE, _TEEN_SHARE, _OLDER_SHARE = 0.072, 0.019, 0.225
_LONGTERM_SHARE = (0.36, 0.37, 0.37, 0.37, 0.37, 0.36, 0.34, 0.32, 0.30, 0.40, 0.39, 0.35, 0.34)
_DG_RATIO_U = (3.95, 3.9, 3.85, 3.8, 3.7, 3.65, 3.6, 3.55, 3.6, 3.6, 3.65, 3.65, 3.65)
_MSQ_NRW = (11.3, 11.5, 11.6, 12.1, 12.5, 12.4, 11.9, 11.4, 11.5, 11.3, 11.7, 12.0, 12.1)
_ELB_RATIO = (0.57, 0.57, 0.56, 0.55, 0.50, 0.55, 0.56, 0.56, 0.56, 0.55, 0.53, 0.52, 0.52)
_ELB_FOREIGN_MULT = (1.85, 1.9, 1.95, 2.0, 2.2, 2.35, 2.4, 2.4, 2.35, 2.35, 2.45, 2.4, 2.35)


def _path(values: tuple[float, ...], year: int) -> float:
    return interpolate(values, year, _YEARS)


# --------------------------------------------------------------------------------------------------------------
# Unemployment
# --------------------------------------------------------------------------------------------------------------
_U_FIELDS = ("ep", "ep_m", "ep_f", "ep_y", "ep_dep", "u", "u_m", "u_f", "u_y", "u_lt", "u_sb", "u_teen", "u_old")


@lru_cache(maxsize=32)
def unemployment_values(seed: int, year: int) -> dict[str, dict[str, int]]:
    """Counts per row code (NRW, RB, Kreise, Stadt Aachen): labour force (ep: all, ep_m men, ep_f foreigners,
    ep_y 15-25, ep_dep dependent) and unemployed (u all, u_m men, u_f foreigners, u_y 15-25, u_lt long-term, u_sb
    severely disabled, u_teen 15-20 (a part of u_y), u_old 55-65)."""
    prof = social_profile()
    pop = population_year(seed, year)
    fshare = unit_foreign_share(seed, year)
    units = alloc_units()
    r = seeded_rng(seed, "unemployment", year)
    ep = {}
    raw_rate = {}
    for u in units:
        base = 0.47 if u in (AACHEN_CITY, "05515", "05314") else 0.505
        ep[u] = round(unit_population(pop, u) * (base + seeded_rng(seed, "ep", u).gauss(0.0, 0.008)))
        raw_rate[u] = prof[u]["unemployment"] * _path(_RATE_NRW, year) / 6.5 * math.exp(r.gauss(0.0, 0.02))
    scale = _path(_RATE_NRW, year) * sum(ep.values()) / sum(raw_rate[u] * ep[u] for u in units)
    out: dict[str, dict[str, int]] = {}
    for u in units:
        rate = raw_rate[u] * scale / 100
        n = round(rate * ep[u])
        ep_f = round(unit_population(pop, u) * fshare[u] * 0.40)
        mult = _path(_FOREIGN_MULT, year) * (6.5 / prof[u]["unemployment"]) ** 0.25 * math.exp(r.gauss(0.0, 0.04))
        u_f = min(round(min(0.4, rate * mult) * ep_f), round(0.75 * n))
        u_m = round(n * (0.555 + r.gauss(0.0, 0.006)))
        u_y = round(n * _path(_YOUTH_SHARE, year) * math.exp(r.gauss(0.0, 0.05)))
        u_lt = round(n * _path(_LONGTERM_SHARE, year) * (prof[u]["unemployment"] / 6.5) ** 0.2
                     * math.exp(r.gauss(0.0, 0.04)))
        u_sb, u_old = (round(n * share * math.exp(r.gauss(0.0, 0.05))) for share in (_DISABLED_SHARE, _OLDER_SHARE))
        u_teen = min(u_y, round(n * _TEEN_SHARE * math.exp(r.gauss(0.0, 0.08))))
        out[u] = {"ep": ep[u], "ep_m": round(ep[u] * 0.535), "ep_f": ep_f, "ep_y": round(ep[u] * 0.098),
                  "ep_dep": round(ep[u] * 0.895), "u": n, "u_m": u_m, "u_f": u_f, "u_y": u_y, "u_lt": u_lt,
                  "u_sb": u_sb, "u_teen": u_teen, "u_old": u_old}
    geo = nrw_geography()
    rows: dict[str, dict[str, int]] = {}
    for k in geo.kreise:
        parts = [AACHEN_CITY, AACHEN_REST] if k == AACHEN_KREIS else [k]
        rows[k] = {f: sum(out[p][f] for p in parts) for f in _U_FIELDS}
    rows[AACHEN_CITY] = out[AACHEN_CITY]
    for rb in geo.rbs:
        rows[rb] = {f: sum(rows[k][f] for k in geo.kreise_of_rb[rb]) for f in _U_FIELDS}
    rows[NRW] = {f: sum(rows[rb][f] for rb in geo.rbs) for f in _U_FIELDS}
    ratio = _path(_DG_RATIO_U, year)
    rows["DG"] = {f: round(v * (ratio if f.startswith("u") else 4.9)) for f, v in rows[NRW].items()}
    return rows


_UNEMPLOYED = "Arbeitslose"
_RATE_DEPENDENT = "Arbeitslosenquote bez. abh. zivile Erwerbspers."
_RATE_ALL = "Arbeitslosenquote bez. auf alle zivile Erwerbsp."
LAYOUT_13211_02_05_4 = TableLayout(
    first_line="Tabelle: 13211-02-05-4",
    title_lines=("Arbeitslose nach ausgewählten Personengruppen sowie",
                 "Arbeitslosenquoten - Jahresdurchschnitt - (ab 2009)", "regionale Tiefe:", "Kreise und krfr. Städte",
                 "Arbeitsmarktstatistik der Bundesagentur für Arbeit"),
    header_rows=(
        ";;;" + ";".join([_UNEMPLOYED] * 7 + [_RATE_DEPENDENT] + [_RATE_ALL] * 5),
        ";;;;ausländisch;schwerbehindert;15 bis unter 20 Jahre;15 bis unter 25 Jahre;55 bis unter 65 Jahre;"
        "langzeitarbeitslos;;;Männer;Frauen;ausländisch;15 bis unter 25 Jahre",
        ";;;" + ";".join(["Anzahl"] * 7 + ["Prozent"] * 6),
    ),
    encoding="cp1252",
    footer="rdb",
    note_heading='zu "gesamte Tabelle":',
)


def table_13211_02_05_4(seed: int, year: int, path):
    values = unemployment_values(seed, year)
    rows = []
    for row in rdb_rows(RDB_2025):
        if row.kind == "dissolved":
            rows.append(f"{year};{row.code};{row.label};" + ";".join(["-"] * 13))
            continue
        v = values[row.code]
        foreign_rate = fmt_tenths(tenths(v["u_f"], v["ep_f"]))
        if year == BA_GAP_YEAR and row.kind in ("kreis", "city"):
            foreign_rate = "."
        cells = [
            *(fmt_count(v[field]) for field in ("u", "u_f", "u_sb", "u_teen", "u_y", "u_old", "u_lt")),
            fmt_tenths(tenths(v["u"], v["ep_dep"])),
            fmt_tenths(tenths(v["u"], v["ep"])),
            fmt_tenths(tenths(v["u_m"], v["ep_m"])),
            fmt_tenths(tenths(v["u"] - v["u_m"], v["ep"] - v["ep_m"])),
            foreign_rate,
            fmt_tenths(tenths(v["u_y"], v["ep_y"])),
        ]
        rows.append(f"{year};{row.code};{row.label};" + ";".join(cells))
    notes = [
        "Jahresdurchschnitte. Arbeitslosenquoten in Prozent, bezogen",
        "auf die abhängigen bzw. auf alle zivilen Erwerbspersonen.",
        f"{BA_GAP_YEAR}: Die Arbeitslosenquote der Ausländer wird für Kreise",
        "und kreisfreie Städte nicht nachgewiesen (.).",
        "Die Zeile Deutschland ist ein Plausibilitätswert.",
    ]
    return write_table(path, LAYOUT_13211_02_05_4, rows, notes, year + 1,
                       stand_line(seed, "13211-02-05-4", year, year + 1, (3, 1), (5, 31)))


# --------------------------------------------------------------------------------------------------------------
# Mindestsicherung
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _msq_affinity(seed: int) -> dict[str, float]:
    geo = nrw_geography()
    pop = population_year(seed, 2018)
    return {g: (pop[g] / 30_000) ** 0.2 * math.exp(seeded_rng(seed, "msq-aff", g).gauss(0.0, 0.15))
            for k in geo.kreise for g in geo.gemeinden_of[k]}


@lru_cache(maxsize=32)
def mindestsicherung_values(seed: int, year: int) -> dict[str, tuple[int, int]]:
    """(recipients, population) per Gemeinde (8 digits) on 31.12. of year; aggregate rows by summing."""
    geo = nrw_geography()
    prof = social_profile()
    pop = population_year(seed, year)
    aff = _msq_affinity(seed)
    r = seeded_rng(seed, "msq", year)
    units = alloc_units()
    raw = {u: prof[u]["mindestsicherung"] * math.exp(r.gauss(0.0, 0.02)) for u in units}
    scale = _path(_MSQ_NRW, year) * pop[NRW] / sum(raw[u] * unit_population(pop, u) for u in units)
    members: dict[str, list[str]] = {}
    for k in geo.kreise:
        for g in geo.gemeinden_of[k]:
            members.setdefault(alloc_unit_of(g), []).append(g)
    out: dict[str, tuple[int, int]] = {}
    for u, gems in members.items():
        recipients = round(raw[u] * scale / 100 * unit_population(pop, u))
        shares = largest_remainder(recipients, [pop[g] * aff[g] for g in gems])
        for g, n in zip(gems, shares):
            out[g] = (min(n, pop[g]), pop[g])
    return out


LAYOUT_22811_01I = TableLayout(
    first_line="Tabelle: 22811-01i",
    title_lines=("Sozialberichterstattung in der amtlichen Statistik:",
                 "Mindestsicherungsquote - Gemeinden (Wohnortprinzip) -Jahr",
                 "Sozialberichterstattung in der amtlichen Statistik", "Mindestsicherungsquote (Prozent)"),
    header_rows=(";;Jahr", ";;{period}"),
    encoding="cp1252",
    footer="ldb",
    note_heading='zu "Mindestsicherungsquote":',
)


def table_22811_01i(seed: int, year: int, path):
    values = mindestsicherung_values(seed, year)
    rows = []
    for row in ldb_gemeinde_rows(dissolved=False):
        gems = gemeinden_of_row(row.code)
        recipients = sum(values[g][0] for g in gems)
        population = sum(values[g][1] for g in gems)
        cell = fmt_tenths(tenths(recipients, population))
        if row.kind == "gemeinde" and population < MSQ_SUPPRESS_BELOW:
            cell = "."
        rows.append(f"{row.code};{row.label};{cell}")
    rows.append("05999998;      Wohnort außerhalb von NRW;x")
    notes = [
        "Mindestsicherungsquote: Empfängerinnen und Empfänger von",
        "Leistungen der sozialen Mindestsicherung (SGB II, SGB XII,",
        "AsylbLG, Kriegsopferfürsorge) am Jahresende je 100 Einwohner",
        "(Wohnortprinzip).",
        f". = Gemeinden mit weniger als {MSQ_SUPPRESS_BELOW:,} Einwohnern (Geheimhaltung).".replace(",", "."),
        "x = Tabellenfach gesperrt.",
    ]
    return write_table(path, LAYOUT_22811_01I, rows, notes, year + 1,
                       stand_line(seed, "22811-01i", year, year + 1, (9, 1), (11, 30)), period=str(year))


# --------------------------------------------------------------------------------------------------------------
# SGB II: erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit (BA Excel)
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def elb_values(seed: int, year: int) -> dict[str, tuple[int, int, int, int]]:
    """(insgesamt, deutsche, ausländer, keine Angabe) per Kreis (5 digits) and NRW, Jahresdurchschnitt."""
    geo = nrw_geography()
    prof = social_profile()
    msq = mindestsicherung_values(seed, year)
    fshare = gemeinde_foreign_share(seed, year)
    r = seeded_rng(seed, "elb", year)
    out: dict[str, tuple[int, int, int, int]] = {}
    for k in geo.kreise:
        total = foreign = 0
        for g in geo.gemeinden_of[k]:
            recipients = msq[g][0]
            elb = round(recipients * _path(_ELB_RATIO, year) * math.exp(r.gauss(0.0, 0.02)))
            mult = _path(_ELB_FOREIGN_MULT, year) * (6.5 / prof[alloc_unit_of(g)]["unemployment"]) ** 0.1
            total += elb
            foreign += round(elb * min(0.85, fshare[g] * mult))
        x = r.random()
        unknown = 0 if x < 0.80 else (r.randint(1, 2) if x < 0.84 else r.randint(3, 12))
        out[k] = (total, total - foreign - unknown, foreign, unknown)
    out[NRW] = tuple(sum(v[i] for v in out.values()) for i in range(4))  # type: ignore[assignment]
    return out


_COPYRIGHT = "© Statistik der Bundesagentur für Arbeit"


def _ba_region_label(k: str) -> str:
    geo = nrw_geography()
    name = geo.name(k)
    if k == AACHEN_KREIS:
        return f"{k} Städteregion Aachen"
    if geo.kreisfrei(k):
        return f"{k} {name}, Stadt"
    return f"{k} {name}"


def ba_sgb2_workbook(seed: int, year: int) -> bytes:
    """The BA Excel table for one year (.xlsx bytes, deterministic)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from pipelines.demo.xlsx import normalize_xlsx

    values = elb_values(seed, year)
    geo = nrw_geography()
    wb = Workbook()
    ws = wb.active
    ws.title = "ELB Kreise"
    bold = Font(bold=True)
    ws["A1"] = "SGB II: Erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit"
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = "Nordrhein-Westfalen, Kreise und kreisfreie Städte"
    ws["A3"] = f"Berichtszeitraum: Jahresdurchschnitt {year}"
    ws["A4"] = f"{DEMO_MARKER} - keine amtlichen Zahlen der Bundesagentur für Arbeit"
    ws["A6"] = "Region"
    ws.merge_cells("A6:A7")
    ws["B6"] = "Erwerbsfähige Leistungsberechtigte"
    ws.merge_cells("B6:E6")
    ws["F6"] = "Anteil Ausländer in %"
    ws.merge_cells("F6:F7")
    for col, text in zip("BCDE", ("Insgesamt", "Deutsche", "Ausländer", "keine Angabe")):
        ws[f"{col}7"] = text
    for col, number in zip("BCDEF", range(1, 6)):
        ws[f"{col}8"] = number
    for cell in ("A6", "B6", "F6", "B7", "C7", "D7", "E7"):
        ws[cell].font = bold
        ws[cell].alignment = Alignment(wrap_text=True, horizontal="center")

    def put(row: int, label: str, v: tuple[int, int, int, int]) -> None:
        total, german, foreign, unknown = v
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=total)
        if unknown in (1, 2):  # primary suppression, and the Deutsche cell so that it cannot be recomputed
            ws.cell(row=row, column=3, value="* ")
            ws.cell(row=row, column=5, value="* ")
        else:
            ws.cell(row=row, column=3, value=german)
            ws.cell(row=row, column=5, value=unknown if unknown else "- ")
        ws.cell(row=row, column=4, value=foreign)
        ws.cell(row=row, column=6, value=round(foreign / total * 100, 1) if total else "- ")
        for col in range(2, 6):
            ws.cell(row=row, column=col).number_format = "#,##0"
        ws.cell(row=row, column=6).number_format = "0.0"

    nrw = values[NRW]
    row = 9
    put(row, "Deutschland", tuple(round(x * 4.05) for x in nrw))  # type: ignore[arg-type]
    row += 1
    put(row, "Westdeutschland", tuple(round(x * 2.75) for x in nrw))  # type: ignore[arg-type]
    row += 1
    put(row, f"{NRW} Nordrhein-Westfalen", nrw)
    for rb in geo.rbs:
        row += 2
        ws.cell(row=row, column=1, value=f"Regierungsbezirk {geo.name(rb)}").font = bold
        for k in geo.kreise_of_rb[rb]:
            row += 1
            put(row, _ba_region_label(k), values[k])
    row += 2
    ws.cell(row=row, column=1, value=_COPYRIGHT)
    created = _created_date(seed, year)
    ws.cell(row=row + 1, column=1, value=f"Erstellungsdatum: {created:%d.%m.%Y}")
    ws.cell(row=row + 2, column=1, value=f"{DEMO_MARKER}: Alle Werte sind vom Integrationsmonitor NRW erfunden "
                                          "und keine Ergebnisse der Statistik der Bundesagentur für Arbeit.")
    ws.cell(row=row + 3, column=1, value="* Statistische Geheimhaltung (Werte 1 oder 2 und daraus rechnerisch "
                                          "ableitbare Werte); - nichts vorhanden.")
    ws.column_dimensions["A"].width = 42
    for col in "BCDEF":
        ws.column_dimensions[col].width = 16
    wb.properties.title = "SGB II: Erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit"
    wb.properties.description = f"{DEMO_MARKER}. Keine amtlichen Zahlen."
    wb.properties.keywords = DEMO_MARKER
    wb.properties.creator = "Integrationsmonitor NRW (Demodaten)"
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_xlsx(buffer.getvalue(), _dt.datetime.combine(created, _dt.time(8, 0)))


def _created_date(seed: int, year: int) -> _dt.date:
    r = seeded_rng(seed, "ba-created", year)
    return _dt.date(year + 1, 2, 1) + _dt.timedelta(days=r.randint(0, 80))
