"""Measures and row values recognised by meaning, across the layouts and label generations of the portals.

Every variant is made from the bytes of a real download in ../shared/fixtures/real: the other label generation
(older downloads say "Ausländer" and "Schüler/-innen"), the other encoding, the periods side by side or on a line of
their own. What the product must read is the family of these files, not one of them."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipelines.catalogue.recognition import age_group_id, normalise_words
from pipelines.extracts import parse_extract
from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_table import read_genesis_table
from tests.conftest import REAL_FIXTURES


def _real(name_part: str) -> bytes:
    [path] = [p for p in REAL_FIXTURES.glob("*.csv") if name_part in p.name]
    return path.read_bytes()


def _text(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def _cells(data: bytes) -> dict:
    """(region, period, dimension ids, measure id) -> value of the landed NRW cells."""
    frame = parse_extract(data).frames["genesis_table_cells"]
    return {
        (row.region_code, row.period, tuple(row.dimension_ids), row.measure_id):
            (None if pd.isna(row.value) else row.value, None if pd.isna(row.flag) else row.flag)
        for row in frame.itertuples() if row.measure_id is not None
    }


# --------------------------------------------------------------------------------------------------------------------
# Words and age groups


def test_words_are_compared_without_case_umlauts_and_gender_forms():
    assert normalise_words("Schüler/-innen") == ("schueler", "innen")
    assert normalise_words("SchülerInnen") == ("schuelerinnen",)
    assert normalise_words("Ausländer(innen)") == ("auslaender", "innen")
    assert normalise_words("Bodenfläche in qkm") == ("bodenflaeche", "in", "qkm")
    assert normalise_words("Straße") == ("strasse",)


@pytest.mark.parametrize("label, expected", [
    ("unter 3 Jahre", "0-3"), ("3 bis unter 6 Jahre", "3-6"), ("90 Jahre und mehr", "90-"), ("1-Jährige", "1-2"),
    ("unter 1 Jahr", "0-1"), ("75 Jahre und älter", "75-"), ("Insgesamt", "insgesamt"), ("Kinder", None),
])
def test_age_groups_become_their_bounds(label, expected):
    assert age_group_id(label) == expected


# --------------------------------------------------------------------------------------------------------------------
# Label generations


def test_pupils_older_labels_read_the_same_as_the_current_ones():
    real = _real("21111-01-03-4")
    text, encoding = _text(real)
    lines = text.split("\n")
    # the older generation: two header rows "Schulen / Schüler/-innen" over "Insgesamt / Ausländer/-innen ..."
    older = [
        ";;;;Schulen;Schüler/-innen;Schüler/-innen;Schüler/-innen;Schüler/-innen;Schüler/-innen",
        ";;;;Insgesamt;Insgesamt;weiblich;Ausländer/-innen;Klassenstufe 7;Jahrgangsstufe 11",
        ";;;;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl",
    ]
    header_start = next(i for i, line in enumerate(lines) if line.startswith(";;;;Allgemeinbildende"))
    variant = "\n".join(lines[:header_start] + older + lines[header_start + 4:]).encode(encoding)
    assert _cells(variant) == _cells(real)


def test_unemployment_auslaender_and_auslaendisch_read_the_same():
    real = _real("13211-02-05-4")
    older = real.replace("ausländisch".encode("cp1252"), "Ausländer".encode("cp1252"))
    assert older != real and _cells(older) == _cells(real)


def test_population_by_nationality_in_latin_1_with_other_spellings():
    real = _real("12411-03-03-4")  # UTF-8 without BOM although it starts GENESIS-Tabelle:
    text = real.decode("utf-8")
    variant = text.replace("Ausländer(innen)", "Ausländer").replace("Deutsche;", "deutsch;").encode("cp1252")
    assert parse_extract(real).encoding == "utf-8" and parse_extract(variant).encoding == "cp1252"
    assert _cells(variant) == _cells(real)


def test_the_density_column_is_never_the_population():
    cells = _cells(_real("12411-15i"))
    assert cells[("05966", "31.12.2024", (), "bevoelkerung")] == (132346, None)
    assert round(cells[("05966", "31.12.2024", (), "dichte")][0]) < 1000  # inhabitants per qkm
    # the columns in another order read the same
    text, encoding = _text(_real("12411-15i"))
    swapped = []
    for line in text.split("\n"):
        cells_of_line = line.split(";")
        if len(cells_of_line) == 6:
            cells_of_line[3], cells_of_line[5] = cells_of_line[5], cells_of_line[3]
        swapped.append(";".join(cells_of_line))
    assert _cells("\n".join(swapped).encode(encoding)) == cells


# --------------------------------------------------------------------------------------------------------------------
# Layouts


def test_periods_side_by_side_read_as_stacked():
    """12511-01-01-4 stacks 2011-2016; the same figures with two years as column groups (a wide layout without a
    time column) give the same cells."""
    real = _real("12511-01-01-4")
    text, encoding = _text(real)
    lines = text.split("\n")
    header = [line for line in lines[:12] if line.startswith(";;;")]
    rows = {(line.split(";")[0], line.split(";")[1]): line.split(";") for line in lines
            if line[:4] in ("2015", "2016") and line.split(";")[1].startswith("05")}
    width = len(header[0].split(";")) - 3
    wide = [";;" + ";".join([cell for cell in header[0].split(";")[3:]] * 2),
            ";;" + ";".join(["2015"] * width + ["2016"] * width)]
    wide += [";;" + ";".join(h.split(";")[3:] * 2) for h in header[1:]]
    body = []
    for (year, code), cells in sorted(rows.items()):
        if year == "2015":
            later = rows[("2016", code)]
            body.append(";".join([code, cells[2], *cells[3:], *later[3:]]))
    start = next(i for i, line in enumerate(lines) if line.startswith(";;;"))
    footer = lines[next(i for i, line in enumerate(lines) if line.startswith("___")):]
    variant = "\n".join(lines[:start] + wide + body + footer).encode(encoding)
    stacked = {key: value for key, value in _cells(real).items() if key[1] in ("2015", "2016")}
    assert _cells(variant) == stacked


def test_the_year_on_a_line_of_its_own_above_its_rows():
    real = _real("12511-01-01-4")
    text, encoding = _text(real)
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(";;;"))
    end = next(i for i, line in enumerate(lines) if line.startswith("___"))
    header = [line[1:] for line in lines[start:end] if line.startswith(";;;")]  # one row-dimension column less
    body, year = [], None
    for line in lines[start:end]:
        if line.startswith(";"):
            continue
        cells = line.split(";")
        if cells[0] != year:
            year = cells[0]
            body.append(year + ";" * (len(cells) - 2))
        body.append(";".join(cells[1:]))
    variant = "\n".join(lines[:start] + header + body + lines[end:]).encode(encoding)
    assert _cells(variant) == _cells(real)


def test_time_as_header_rows_and_stacked_stichtage():
    population = _cells(_real("12411-01-01-4"))  # ;;Stichtag / ;;31.12.2018 as header rows
    assert population[("05", "31.12.2018", (), "insgesamt")] == (17932651, None)
    kita = _cells(_real("22543-01-02-4"))  # six Stichtage stacked, three kinds of care per Kreis
    assert {key[1] for key in kita} == {f"01.03.{year}" for year in range(2011, 2017)}
    assert kita[("05966", "01.03.2016", ("tageseinrichtung",), "kinder_auslaendische_herkunft")] == (1251, None)


def test_the_unit_and_the_variable_from_the_title():
    table = read_genesis_table(_real("22811-01i"))  # header rows hold only the year
    assert {cell.unit for cell in table.cells} == {"Prozent"}
    assert {cell.measure_levels for cell in table.cells} == {("Mindestsicherungsquote",)}


# --------------------------------------------------------------------------------------------------------------------
# Refusals, with the German report


def test_a_missing_required_measure_is_refused_naming_the_header_and_what_was_found():
    real = _real("13211-02-05-4")
    without = real.replace("ausländisch".encode("cp1252"), b"sonstige")
    with pytest.raises(ReaderError) as refused:
        parse_extract(without)
    message = refused.value.message_de
    assert "Tabellenkopf (Zeilen 7–9)" in message and "Arbeitslose Ausländer/-innen" in message
    assert "Gefunden: Spalte 4 »Arbeitslose«" in message and refused.value.line == 7


def test_two_columns_for_one_measure_are_refused():
    text, encoding = _text(_real("12411-15i"))
    # the density labelled as a second population column in the same unit
    ambiguous = text.replace("EW pro qkm", "Anzahl").replace("Bevölkerungsdichte", "Bevölkerung")
    with pytest.raises(ReaderError) as refused:
        parse_extract(ambiguous.encode(encoding))
    assert "Mehrere Spalten passen zu »Bevölkerungsstand (Anzahl)«" in refused.value.message_de


def test_an_unknown_row_value_is_refused_with_its_line():
    real = _real("21111-01-03-4")
    text, encoding = _text(real)
    changed = text.replace("2023;05966;      Olpe, Kreis;Realschulen;", "2023;05966;      Olpe, Kreis;Neue Schulform;")
    line = next(i for i, row in enumerate(changed.split("\n"), start=1) if "Neue Schulform" in row)
    with pytest.raises(ReaderError) as refused:
        parse_extract(changed.encode(encoding))
    assert refused.value.line == line and refused.value.value == "Neue Schulform"
    assert "Gliederung »Schulart« ist unbekannt" in refused.value.message_de


def test_an_extra_row_breakdown_is_refused():
    """12411-01-01-4 with sex as an extra row dimension would count everybody twice."""
    text, encoding = _text(_real("12411-01-01-4"))
    lines = text.split("\n")
    out = []
    for line in lines:
        cells = line.split(";")
        if len(cells) == 5 and re.fullmatch(r"DG|\d+", cells[0]):
            out.append(";".join([*cells[:2], "männlich", *cells[2:]]))
        elif len(cells) == 5 and cells[0] == "":
            out.append(";" + line)
        else:
            out.append(line)
    with pytest.raises(ReaderError) as refused:
        parse_extract("\n".join(out).encode(encoding))
    assert "Zeilengliederung mehr als erwartet" in refused.value.message_de
