"""Tests for the BA readers: the real interactive-statistics CSV (read in place), CSV bytes and Excel workbooks
built here (there is no real BA Excel fixture; the workbooks follow the layout documented in pipelines/readers/ba.py).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.readers.ba import BaCell, BaTable, is_ba_csv, is_ba_excel, read_ba_csv, read_ba_excel
from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_flat import is_genesis_flat
from pipelines.readers.genesis_table import is_genesis_table

# The real downloads live next to the repository, never inside it (see shared/fixtures/real/PROVENANCE.md).
REPO_ROOT = Path(__file__).resolve().parents[2]
REAL = REPO_ROOT / ".." / "shared" / "fixtures" / "real"

BA_2015 = "ba_interaktiv_arbeitslose_auslaender_berufsabschluss_DE_2015.csv"
FFCSV_2019 = "destatis_ffcsv_12411-0012_bevoelkerung_laender_alter_2019.csv"
POPULATION_2018 = "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv"

COPYRIGHT = "© Statistik der Bundesagentur für Arbeit"


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


def find(table: BaTable, row_label: str, measure: str) -> BaCell:
    found = [c for c in table.cells if c.row_label == row_label and c.measure == measure]
    assert len(found) == 1, f"{len(found)} cells for {row_label} / {measure}"
    return found[0]


# --------------------------------------------------------------------------------------------------------------------
# Real interactive-statistics CSV


def test_real_csv_metadata() -> None:
    table = read_ba_csv(real_bytes(BA_2015))
    assert table.region_label == "Deutschland"
    assert table.region_code == "DG"  # 'Regionsschlüssel: d'
    assert table.period == "2015"
    assert table.metadata["Berichtsjahr"] == "2015"
    assert table.metadata["Regionsschlüssel"] == "d"
    assert table.metadata["Gebietsstand"] == "April 2025"
    assert table.metadata["Datenstand"] == "April 2025"
    assert table.metadata["Indikator"] == "Arbeitslose"
    assert table.metadata["Hinweise"] == "Bei den dargestellten Werten handelt es sich um Jahresdurchschnitte."
    # The key with the portal's info text glued to it.
    assert table.metadata["Staatsangehörigkeit"] == "Ausländer"
    assert table.metadata["Staatsangehörigkeit (Hinweis)"].startswith("Es werden Grafiken und Daten nur")
    assert table.metadata["Staatsangehörigkeit (Hinweis)"].endswith("gesicherte Datenlage besteht.")
    assert table.columns == ["Merkmal", "Arbeitslose", "Anteil an Insgesamt in %"]
    assert table.export_date == datetime(2025, 5, 21, 17, 50, 1)
    assert table.copyright == COPYRIGHT


def test_real_csv_cells() -> None:
    table = read_ba_csv(real_bytes(BA_2015))
    assert len(table.cells) == 4 * 2

    unskilled = find(table, "Ohne abgeschlossene Berufsausbildung", "Arbeitslose")
    assert (unskilled.value, unskilled.flag, unskilled.raw) == (428513.0, None, "428.513")  # thousands dot removed
    assert (unskilled.line, unskilled.column) == (11, 2)
    assert (unskilled.region_code, unskilled.region_label) == ("DG", "Deutschland")

    share = find(table, "Ohne abgeschlossene Berufsausbildung", "Anteil an Insgesamt in %")
    assert (share.value, share.line, share.column) == (75.0, 11, 3)

    assert find(table, "Betriebliche/schulische Ausbildung", "Arbeitslose").value == 89605.0
    assert find(table, "Akademische Ausbildung", "Arbeitslose").value == 37282.0
    no_answer = find(table, "Keine Angabe", "Arbeitslose")
    assert (no_answer.value, no_answer.line) == (12841.0, 14)
    assert find(table, "Keine Angabe", "Anteil an Insgesamt in %").value == 2.0
    assert sum(c.value for c in table.cells if c.measure == "Anteil an Insgesamt in %") == 100.0
    assert all(c.flag is None for c in table.cells)


def test_sniffing_on_real_files() -> None:
    ba = real_bytes(BA_2015)
    assert is_ba_csv(ba)
    assert not is_ba_excel(ba)
    assert not is_genesis_flat(ba)
    assert not is_genesis_table(ba)
    assert not is_ba_csv(real_bytes(FFCSV_2019))
    assert not is_ba_csv(real_bytes(POPULATION_2018))


@pytest.mark.parametrize("name", [FFCSV_2019, POPULATION_2018])
def test_other_formats_are_rejected(name: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(real_bytes(name))
    assert "keine CSV-Datei der interaktiven Statistik" in caught.value.message_de
    assert caught.value.line == 1


# --------------------------------------------------------------------------------------------------------------------
# CSV bytes built here

KREIS_CSV_LINES = [
    '"Region";"Olpe";"Regionsschlüssel:";"05966"',
    '"Gebietsstand";"April 2025"',
    '"Berichtsjahr";"2024"',
    '"Datenstand";"April 2025"',
    '"Indikator";"Arbeitslose"',
    '""',
    '"Merkmal ";"Arbeitslose ";"Anteil an Insgesamt in % "',
    '"Deutsche";"1.234.567";"7,5"',
    '"Ausländer";"*";"-"',
    '"Staatenlos";"-";"x"',
    '"Ohne Angabe";"12";"."',
    '""',
    '"Exportdatum: ";"02.06.2025";"09:05:07"',
    f'"{COPYRIGHT}"',
    '"Die Produkte unterliegen dem Urheberrecht."',
]


def with_export_line(day: str, time: str) -> list[str]:
    export = f'"Exportdatum: ";"{day}";"{time}"'
    return [export if line.startswith('"Exportdatum') else line for line in KREIS_CSV_LINES]


def ba_csv(lines: list[str] = KREIS_CSV_LINES, newline: str = "\n", bom: bool = True, encoding: str = "utf-8") -> bytes:
    data = (newline.join(lines) + newline).encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def test_csv_symbols_and_number_formats() -> None:
    table = read_ba_csv(ba_csv())
    assert (table.region_code, table.region_label, table.period) == ("05966", "Olpe", "2024")
    assert table.export_date == datetime(2025, 6, 2, 9, 5, 7)
    values = [(c.row_label, c.measure, c.value, c.flag, c.line, c.column) for c in table.cells]
    assert values == [
        ("Deutsche", "Arbeitslose", 1234567.0, None, 8, 2),
        ("Deutsche", "Anteil an Insgesamt in %", 7.5, None, 8, 3),
        ("Ausländer", "Arbeitslose", None, "*", 9, 2),  # statistische Geheimhaltung: never 0
        ("Ausländer", "Anteil an Insgesamt in %", 0.0, "-", 9, 3),
        ("Staatenlos", "Arbeitslose", 0.0, "-", 10, 2),
        ("Staatenlos", "Anteil an Insgesamt in %", None, "x", 10, 3),
        ("Ohne Angabe", "Arbeitslose", 12.0, None, 11, 2),
        ("Ohne Angabe", "Anteil an Insgesamt in %", None, ".", 11, 3),
    ]
    assert all(c.region_code == "05966" and c.region_label == "Olpe" for c in table.cells)


def test_csv_crlf_and_missing_bom_give_identical_cells() -> None:
    reference = read_ba_csv(ba_csv())
    crlf = read_ba_csv(ba_csv(newline="\r\n", bom=False))
    assert crlf.cells == reference.cells
    assert crlf.metadata == reference.metadata
    assert crlf.export_date == reference.export_date
    assert crlf.cells[2].flag == "*"


def test_csv_saved_as_cp1252_still_reads() -> None:
    table = read_ba_csv(ba_csv(bom=False, encoding="cp1252"))
    assert table.metadata["Regionsschlüssel"] == "05966"
    assert find(table, "Ausländer", "Arbeitslose").flag == "*"


def test_csv_export_time_without_seconds() -> None:
    lines = with_export_line("02.06.2025", "9:05")
    assert read_ba_csv(ba_csv(lines)).export_date == datetime(2025, 6, 2, 9, 5, 0)


def test_csv_two_header_rows() -> None:
    lines = KREIS_CSV_LINES[:6] + ['"Merkmal";"2024";"2024"', '"";"Arbeitslose";"Anteil in %"'] + KREIS_CSV_LINES[7:]
    table = read_ba_csv(ba_csv(lines))
    assert table.columns == ["Merkmal", "2024 | Arbeitslose", "2024 | Anteil in %"]
    assert find(table, "Deutsche", "2024 | Arbeitslose").line == 9


# --------------------------------------------------------------------------------------------------------------------
# CSV errors


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \r\n"])
def test_csv_empty_file(data: bytes) -> None:
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(data)
    assert "Die Datei ist leer" in caught.value.message_de


def test_csv_html_error_page() -> None:
    page = "<!DOCTYPE html><html><body><h1>Die Seite ist nicht verfügbar</h1></body></html>".encode()
    assert not is_ba_csv(page)
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(page)
    assert "Webseite (HTML)" in caught.value.message_de


def test_csv_truncated_before_footer() -> None:
    data = ba_csv()
    cut = data[: data.index('"Staatenlos'.encode())]  # ends after the line break of line 9
    assert is_ba_csv(cut)  # still recognised, so the user gets the reason below
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(cut)
    assert "Exportdatum" in caught.value.message_de
    assert "unvollständig" in caught.value.message_de
    assert caught.value.line == 9


def test_csv_truncated_inside_a_quoted_field() -> None:
    data = ba_csv()
    cut = data[: data.index(b"1.234.567") + 3]
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(cut)
    assert caught.value.line == 8
    assert "Anführungszeichen" in caught.value.message_de


def test_csv_changed_first_key() -> None:
    lines = ['"Gebiet";"Olpe"'] + KREIS_CSV_LINES[1:]
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(ba_csv(lines))
    assert "keine CSV-Datei der interaktiven Statistik" in caught.value.message_de


def test_csv_extra_column_in_a_data_row() -> None:
    lines = list(KREIS_CSV_LINES)
    lines[8] = '"Ausländer";"*";"-";"3"'
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(ba_csv(lines))
    assert caught.value.line == 9
    assert "4 Felder, die Spaltenköpfe aber 3" in caught.value.message_de


def test_csv_without_blank_line_before_the_table() -> None:
    lines = [line for line in KREIS_CSV_LINES[:11] if line != '""'] + KREIS_CSV_LINES[11:]
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(ba_csv(lines))
    assert "keine Tabelle" in caught.value.message_de


def test_csv_empty_region() -> None:
    lines = ['"Region";"";"Regionsschlüssel:";"05966"'] + KREIS_CSV_LINES[1:]
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(ba_csv(lines))
    assert "fehlt die Angabe der Region" in caught.value.message_de


@pytest.mark.parametrize("bad", ["12a", "1.23", "1,234.5", ""])
def test_csv_unknown_value(bad: str) -> None:
    lines = list(KREIS_CSV_LINES)
    lines[9] = f'"Staatenlos";"{bad}";"x"'
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(ba_csv(lines))
    assert (caught.value.line, caught.value.column, caught.value.value) == (10, 2, bad)
    assert "Zeile 10, Spalte 2" in caught.value.message_de


def test_csv_invalid_export_date() -> None:
    lines = with_export_line("31.02.2025", "17:50:1")
    with pytest.raises(ReaderError) as caught:
        read_ba_csv(ba_csv(lines))
    assert caught.value.line == 13
    assert "kein gültiges Exportdatum" in caught.value.message_de


# --------------------------------------------------------------------------------------------------------------------
# Excel workbooks built here


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sgb2_workbook() -> Workbook:
    """SGB II erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit, Kreise: region as '05966 Olpe'."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Deckblatt"
    cover["A1"] = "Grundsicherung für Arbeitsuchende (SGB II)"
    cover["A3"] = "Tabellen"
    cover["A10"] = COPYRIGHT  # the cover sheet carries the copyright too, but no table

    sheet = workbook.create_sheet("ELB Kreise")
    sheet["A1"] = "SGB II: Regelleistungsberechtigte / erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Nordrhein-Westfalen, Kreise und kreisfreie Städte"
    sheet["A3"] = "Berichtsmonat: Dezember 2024"
    # row 4 blank
    sheet["A5"] = "Region"
    sheet.merge_cells("A5:A6")
    sheet["B5"] = "Erwerbsfähige Leistungsberechtigte"
    sheet.merge_cells("B5:D5")
    sheet["F5"] = "Anteil Ausländer in %"  # column E is a blank spacer column
    sheet.merge_cells("F5:F6")
    for column, text in zip("BCD", ["Insgesamt", "Deutsche", "Ausländer"]):
        sheet[f"{column}6"] = text
    for column, number in zip("BCDF", [1, 2, 3, 4]):
        sheet[f"{column}7"] = number
    rows = {
        8: ("05 Nordrhein-Westfalen", 1034567, 612345, 422222, 40.8),
        9: ("05111 Düsseldorf, Stadt", 55210, 29876, 25334, 45.9),
        # row 10 blank
        11: ("Regierungsbezirk Arnsberg", None, None, None, None),  # a heading without values
        12: ("05966 Olpe", 4321, 2890, 1431, 33.1),
        13: ("05958 Hochsauerlandkreis", "* ", "* ", "- ", "* "),
        14: ("05334 Städteregion Aachen", "12.345", "7.000", "5.345", "43,3"),
    }
    for row, (label, total, german, foreign, share) in rows.items():
        sheet[f"A{row}"] = label
        for column, value in zip("BCDF", [total, german, foreign, share]):
            if value is not None:
                sheet[f"{column}{row}"] = value
    sheet["A16"] = COPYRIGHT
    sheet["A17"] = "Erstellungsdatum: 12.04.2025"
    sheet["A18"] = "1) Erwerbsfähige Leistungsberechtigte mit Wohnort in der Region."
    sheet["B18"] = 99  # below the table: never read as data
    return workbook


def unemployed_workbook() -> Workbook:
    """Arbeitslose nach Staatsangehörigkeit, Kreise: code and name in two columns, numbers partly stored as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Arbeitslose"
    sheet["A1"] = "Arbeitslose nach Staatsangehörigkeit"
    sheet["A2"] = "Kreise und kreisfreie Städte"
    sheet["A3"] = "Juni 2025"
    sheet["A5"] = "Regionalschlüssel"
    sheet["B5"] = "Kreis"
    sheet["C5"] = "Arbeitslose"
    sheet.merge_cells("C5:E5")
    sheet["F5"] = "Arbeitslosenquote Ausländer"
    sheet["C6"] = "Insgesamt"
    sheet["D6"] = "Deutsche"
    sheet["E6"] = "Ausländer"
    sheet["F6"] = "in %"
    data = [
        (7, None, "Deutschland", 2914178, 1953640, 955163, 15.9),
        (8, None, "Westdeutschland", 2320000, 1500000, 814000, "15,1"),
        (9, "05", "Nordrhein-Westfalen", "762.345", "495.000", 264.100, 17.2),
        (10, None, None, None, None, None, None),
        (11, "05966", "Olpe", 3562, 2601, 958, 10.4),
        (12, "05970", "Siegen-Wittgenstein", "* ", 6812, "- ", "x "),
    ]
    for row, code, name, total, german, foreign, rate in data:
        for column, value in zip("ABCDEF", [code, name, total, german, foreign, rate]):
            if value is not None:
                sheet[f"{column}{row}"] = value
    sheet["A14"] = COPYRIGHT
    return workbook


def test_sgb2_excel_combined_region_cell() -> None:
    data = to_bytes(sgb2_workbook())
    assert is_ba_excel(data)
    table = read_ba_excel(data)

    assert table.metadata["Tabellenblatt"] == "ELB Kreise"
    assert table.metadata["Berichtsmonat"] == "Dezember 2024"
    assert table.metadata["Titel"] == (
        "SGB II: Regelleistungsberechtigte / erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit "
        "Nordrhein-Westfalen, Kreise und kreisfreie Städte"
    )
    assert table.period == "Dezember 2024"
    assert table.export_date == datetime(2025, 4, 12)
    assert table.copyright == COPYRIGHT
    assert (table.region_code, table.region_label) == (None, None)
    assert table.columns == [
        "Region",
        "Erwerbsfähige Leistungsberechtigte | Insgesamt",
        "Erwerbsfähige Leistungsberechtigte | Deutsche",
        "Erwerbsfähige Leistungsberechtigte | Ausländer",
        "Anteil Ausländer in %",
    ]
    # 5 region rows x 4 value columns; the heading row and the spacer column E give no cells.
    assert len(table.cells) == 5 * 4
    assert {c.region_code for c in table.cells} == {"05", "05111", "05966", "05958", "05334"}
    assert {c.column for c in table.cells} == {2, 3, 4, 6}

    olpe = find(table, "05966 Olpe", "Erwerbsfähige Leistungsberechtigte | Ausländer")
    assert (olpe.value, olpe.flag, olpe.raw, olpe.line, olpe.column) == (1431.0, None, "1431", 12, 4)
    assert (olpe.region_code, olpe.region_label) == ("05966", "Olpe")
    assert find(table, "05966 Olpe", "Anteil Ausländer in %").value == 33.1
    assert find(table, "05 Nordrhein-Westfalen", "Erwerbsfähige Leistungsberechtigte | Insgesamt").value == 1034567.0

    hsk = [c for c in table.cells if c.region_code == "05958"]
    assert [(c.value, c.flag, c.raw) for c in hsk] == [
        (None, "*", "* "),  # suppressed: never 0
        (None, "*", "* "),
        (0.0, "-", "- "),
        (None, "*", "* "),
    ]
    aachen = [c.value for c in table.cells if c.region_code == "05334"]
    assert aachen == [12345.0, 7000.0, 5345.0, 43.3]  # numbers stored as German text


def test_unemployed_excel_split_region_columns() -> None:
    data = to_bytes(unemployed_workbook())
    assert is_ba_excel(data)
    table = read_ba_excel(data)

    assert table.metadata["Titel"] == "Arbeitslose nach Staatsangehörigkeit Kreise und kreisfreie Städte Juni 2025"
    assert table.period == "Juni 2025"
    assert table.export_date is None
    assert table.columns == [
        "Regionalschlüssel | Kreis",
        "Arbeitslose | Insgesamt",
        "Arbeitslose | Deutsche",
        "Arbeitslose | Ausländer",
        "Arbeitslosenquote Ausländer | in %",
    ]
    regions = [(c.region_code, c.region_label, c.row_label, c.line) for c in table.cells if c.column == 3]
    assert regions == [
        ("DG", "Deutschland", "Deutschland", 7),
        (None, "Westdeutschland", "Westdeutschland", 8),
        ("05", "Nordrhein-Westfalen", "05 Nordrhein-Westfalen", 9),
        ("05966", "Olpe", "05966 Olpe", 11),
        ("05970", "Siegen-Wittgenstein", "05970 Siegen-Wittgenstein", 12),
    ]
    olpe = find(table, "05966 Olpe", "Arbeitslose | Ausländer")
    assert (olpe.value, olpe.line, olpe.column) == (958.0, 11, 5)
    assert find(table, "05 Nordrhein-Westfalen", "Arbeitslose | Insgesamt").value == 762345.0
    assert find(table, "05 Nordrhein-Westfalen", "Arbeitslose | Ausländer").value == 264.1
    assert find(table, "Westdeutschland", "Arbeitslosenquote Ausländer | in %").value == 15.1
    siegen = [(c.value, c.flag) for c in table.cells if c.region_code == "05970"]
    assert siegen == [(None, "*"), (6812.0, None), (0.0, "-"), (None, "x")]


def test_excel_sheet_can_be_named() -> None:
    workbook = sgb2_workbook()
    extra = workbook.create_sheet("ALO")
    for row in unemployed_workbook().active.iter_rows():
        for source in row:
            if source.value is not None:
                extra.cell(row=source.row, column=source.column, value=source.value)
    data = to_bytes(workbook)
    assert read_ba_excel(data).metadata["Tabellenblatt"] == "ELB Kreise"  # the first sheet with a table
    named = read_ba_excel(data, sheet="ALO")
    assert named.metadata["Tabellenblatt"] == "ALO"
    assert find(named, "05966 Olpe", "Arbeitslose | Insgesamt").value == 3562.0
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(data, sheet="Tabelle 9")
    assert "kein Tabellenblatt »Tabelle 9«" in caught.value.message_de


def test_excel_column_number_row_with_label_is_not_data() -> None:
    workbook = sgb2_workbook()
    sheet = workbook["ELB Kreise"]
    sheet["A7"] = "Spalte"
    table = read_ba_excel(to_bytes(workbook))
    assert min(c.line for c in table.cells) == 8
    assert "Spalte" not in {c.row_label for c in table.cells}


# --------------------------------------------------------------------------------------------------------------------
# Excel errors


def test_excel_without_copyright_row() -> None:
    workbook = unemployed_workbook()
    workbook.active["A14"] = None
    data = to_bytes(workbook)
    assert not is_ba_excel(data)
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(data)
    assert "endet" in caught.value.message_de and COPYRIGHT in caught.value.message_de


def test_excel_cover_sheet_only() -> None:
    workbook = Workbook()
    workbook.active["A1"] = "Arbeitsmarkt in Zahlen"
    workbook.active["A5"] = COPYRIGHT
    data = to_bytes(workbook)
    assert is_ba_excel(data)
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(data)
    assert "keine Zeile mit Regionalschlüssel" in caught.value.message_de
    assert caught.value.line == 5


def test_excel_region_code_stored_as_number() -> None:
    workbook = unemployed_workbook()
    workbook.active["A11"] = 5966
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(to_bytes(workbook))
    assert (caught.value.line, caught.value.column, caught.value.value) == (11, 1, "5966")
    assert "führende Null" in caught.value.message_de


def test_excel_empty_cell_in_a_data_row() -> None:
    workbook = sgb2_workbook()
    workbook["ELB Kreise"]["C12"] = None
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(to_bytes(workbook))
    assert (caught.value.line, caught.value.column) == (12, 3)
    assert "Zeile 12, Spalte C" in caught.value.message_de


def test_excel_unknown_value() -> None:
    workbook = sgb2_workbook()
    workbook["ELB Kreise"]["D12"] = "k. A."
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(to_bytes(workbook))
    assert (caught.value.line, caught.value.column, caught.value.value) == (12, 4, "k. A.")
    assert "keine Zahl" in caught.value.message_de


def test_excel_values_without_header() -> None:
    workbook = sgb2_workbook()
    workbook["ELB Kreise"]["G12"] = 5
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(to_bytes(workbook))
    assert (caught.value.line, caught.value.column) == (12, 7)
    assert "keine Überschrift" in caught.value.message_de


def test_excel_truncated_file() -> None:
    data = to_bytes(sgb2_workbook())
    cut = data[: len(data) // 2]
    assert not is_ba_excel(cut)
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(cut)
    assert "beschädigt oder unvollständig" in caught.value.message_de


def test_excel_old_xls_and_other_files() -> None:
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "alten Excel-Format (.xls)" in caught.value.message_de
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(real_bytes(BA_2015))
    assert "keine Excel-Datei" in caught.value.message_de
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(b"<html><body>Fehler 404</body></html>")
    assert "Webseite (HTML)" in caught.value.message_de
    with pytest.raises(ReaderError) as caught:
        read_ba_excel(b"")
    assert "Die Datei ist leer" in caught.value.message_de
    assert not is_ba_excel(b"")
