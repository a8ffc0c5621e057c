"""The published population and foreigners tables of the demo, one file per table and Stichtag 31.12.<year>:

* 12411-15i      Katasterfläche, Bevölkerung, Bevölkerungsdichte - Gemeinden (Landesdatenbank NRW)
* 12411-01-01-4  Bevölkerung nach Geschlecht - Kreise und krfr. Städte (Regionaldatenbank, Stichtag as header rows)
* 12521-03i      Ausländische Bevölkerung nach Geschlecht und Staatsangehörigkeiten (AZR, Landesdatenbank NRW;
                 from 2016 every cell rounded to a multiple of 5)

Values from the population and foreigners models of :mod:`pipelines.demo.generator`; layouts as the real downloads.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.demo.generator import (
    CITIZENSHIPS,
    CONTINENTS,
    ROUNDING_FROM_YEAR,
    azr_table,
    dg_population,
    gemeinde_params,
    population_sex_year,
    population_year,
)
from pipelines.demo.genesis_layout import TableLayout, fmt_count, fmt_tenths, stand_line, write_table
from pipelines.demo.geography import RDB_2017, gemeinden_of_row, ldb_gemeinde_rows, ldb_kreis_rows, rdb_rows

__all__ = ["LAYOUT_12411_01_01_4", "LAYOUT_12411_15I", "LAYOUT_12521_03I", "table_12411_01_01_4", "table_12411_15i",
           "table_12521_03i"]

LAYOUT_12411_15I = TableLayout(
    first_line="Tabelle: 12411-15i",
    title_lines=("Katasterfläche (qkm), Bevölkerung und Bevölkerungsdichte - Stichtag - Gemeinden",),
    header_rows=(
        ";;;Fortschreibung des Bevölkerungsstandes;Flächenerhebung nach Art der tatsächlichen Nutzung;"
        "Fortschreibung des Bevölkerungsstandes",
        ";;;Bevölkerungsstand (Basis Zensus 2022 und früher);Bodenfläche (Katasterfläche) in qkm;Bevölkerungsdichte",
        ";;;Anzahl;qkm;EW pro qkm",
    ),
    encoding="cp1252",
    footer="ldb",
)

LAYOUT_12411_01_01_4 = TableLayout(
    first_line="GENESIS-Tabelle: 12411-01-01-4",
    title_lines=("Bevölkerung nach Geschlecht - Stichtag 31.12. - regionale", "Tiefe: Kreise und krfr. Städte",
                 "Fortschreibung des Bevölkerungsstandes", "Bevölkerungsstand (Anzahl)"),
    header_rows=(";;Stichtag;Stichtag;Stichtag", ";;{period};{period};{period}", ";;Insgesamt;männlich;weiblich"),
    encoding="cp1252",
    footer="rdb",
    note_heading='zu  "gesamter Tabelle":',
)

LAYOUT_12521_03I = TableLayout(
    first_line="Tabelle: 12521-03i",
    title_lines=("Ausländische Bevölkerung nach Geschlecht und", "Staatsangehörigkeiten (215)",
                 "- kreisfreie Städte und Kreise - Stichtag", "Ausländerstatistik (AZR)"),
    header_rows=(
        ";;;;;Ausländische Bevölkerung;Ausländische Bevölkerung;Ausländische Bevölkerung",
        ";;;;;Insgesamt;männlich;weiblich",
        ";;;;;Anzahl;Anzahl;Anzahl",
    ),
    encoding="cp1252",
    footer="ldb",
)


def _fmt_hundredths(h: int) -> str:
    return f"{h // 100},{h % 100:02d}"


def _density_tenths(pop: int, area_h: int) -> int:
    """pop / (area_h / 100) in tenths, rounded half up, integer arithmetic."""
    return (pop * 1000 * 2 + area_h) // (2 * area_h)


def table_12411_15i(seed: int, year: int, path: Path) -> Path:
    pop = population_year(seed, year)
    area = {g: params[2] for g, params in gemeinde_params(seed).items()}
    stichtag = f"31.12.{year}"
    rows = []
    for row in ldb_gemeinde_rows():
        if row.kind == "dissolved":
            rows.append(f"{stichtag};{row.code};{row.label};-;-;-")
            continue
        area_h = sum(area[g] for g in gemeinden_of_row(row.code))
        rows.append(f"{stichtag};{row.code};{row.label};{pop[row.code]};{_fmt_hundredths(area_h)};"
                    f"{fmt_tenths(_density_tenths(pop[row.code], area_h))}")
    notes = [
        "Bevölkerungsstand: Ergebnisse der Fortschreibung des",
        "Bevölkerungsstandes (synthetisch).",
        "Fläche: Katasterfläche in qkm (synthetisch), Gebietsstand",
        f"31.12.{year}.",
        "Bevölkerungsdichte: Einwohner je qkm.",
        "Die Stadt Aachen (05334002) gehört seit dem 21.10.2009 zur",
        "StädteRegion Aachen (05334); 05313 und 05354 bestehen nicht mehr.",
    ]
    return write_table(path, LAYOUT_12411_15I, rows, notes, year + 1,
                       stand_line(seed, "12411-15i", year, year + 1, (6, 10), (9, 30)))


def table_12411_01_01_4(seed: int, year: int, path: Path) -> Path:
    sex = population_sex_year(seed, year)
    dg, dg_m = dg_population(seed, year)
    rows = []
    for row in rdb_rows(RDB_2017):
        if row.kind == "dissolved":
            rows.append(f"{row.code};{row.label};-;-;-")
            continue
        total, men, women = (dg, dg_m, dg - dg_m) if row.kind == "dg" else sex[row.code]
        rows.append(f"{row.code};{row.label};{total};{men};{women}")
    notes = [
        "Bevölkerungsstand: synthetische Fortschreibung. Die Zeile",
        "Deutschland ist ein Plausibilitätswert; ausgewiesen werden",
        "nur Nordrhein-Westfalen und seine Verwaltungsbezirke.",
        "Aachen, Kreis: aufgelöst am 21.10.2009 (StädteRegion Aachen).",
    ]
    return write_table(path, LAYOUT_12411_01_01_4, rows, notes, year + 1,
                       stand_line(seed, "12411-01-01-4", year, year + 1, (10, 1), (12, 15)), period=f"31.12.{year}")


def table_12521_03i(seed: int, year: int, path: Path) -> Path:
    table = azr_table(seed, year)
    rounded = year >= ROUNDING_FROM_YEAR
    stichtag = f"31.12.{year}"
    listed = []
    for cont, cont_label in CONTINENTS:  # each continent row, then its citizenships (labels indented by 2)
        listed.append((cont, cont_label))
        listed += [(code, f"  {label}") for code, label, continent, *_ in CITIZENSHIPS if continent == cont]
    rows = []
    for row in ldb_kreis_rows():
        for code, label in listed:
            if row.kind == "dissolved":
                rows.append(f"{stichtag};{row.code};{row.label};{code};{label};-;-;-")
                continue
            men, women = table[row.code][code]
            cells = ";".join(fmt_count(v, rounded=rounded) for v in (men + women, men, women))
            rows.append(f"{stichtag};{row.code};{row.label};{code};{label};{cells}")
    if rounded:
        notes = [
            "ab 2016:",
            "Alle Werte dieser Tabelle werden aus Gründen der",
            "Geheimhaltung jeweils einzeln auf ein Vielfaches von 5",
            "gerundet. Die Summe der gerundeten Einzelwerte kann deshalb",
            "von der gerundeten Gesamtsumme abweichen; ein Strich steht",
            "für null bzw. einen auf null gerundeten Wert.",
        ]
    else:
        notes = [
            "Bis zum Stichtag 31.12.2015 werden exakte Werte ausgewiesen;",
            "ab 2016 werden alle Werte einzeln auf ein Vielfaches von 5",
            "gerundet.",
        ]
    notes += [
        "",
        "Die Erdteile sind die Summe der ausgewiesenen Staaten.",
        "Quelle der Struktur: Ausländerzentralregister (AZR); die",
        "Ergebnisse weichen konzeptbedingt von der Bevölkerungs-",
        "fortschreibung ab.",
    ]
    return write_table(path, LAYOUT_12521_03I, rows, notes, year + 1,
                       stand_line(seed, "12521-03i", year, year + 1, (4, 15), (6, 30)))
