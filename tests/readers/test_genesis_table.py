"""Tests for the GENESIS table CSV reader: real downloads (read in place) and byte strings built here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_table import GenesisCell, GenesisTable, is_genesis_table, read_genesis_table

# The real downloads live next to the repository, never inside it (see shared/fixtures/real/PROVENANCE.md).
# parents[2] is the repository root (this file is tests/readers/...); the fixtures are in ../shared from there.
REPO_ROOT = Path(__file__).resolve().parents[2]
REAL = REPO_ROOT / ".." / "shared" / "fixtures" / "real"

POPULATION_2018 = "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv"
POPULATION_AGE_2023 = "regionalstatistik_12411-02-03-4_bevoelkerung_alter_nrw-kreise_2023.csv"
YOUTH_FACILITIES_2024 = "ldbnrw_22542-06i_jugendhilfe_einrichtungen_kreise_2024.csv"
EDUCATIONAL_AID_2024 = "ldbnrw_22517-02i_erzieherische_hilfen_jugendaemter_2024.csv"
FFCSV_2019 = "destatis_ffcsv_12411-0012_bevoelkerung_laender_alter_2019.csv"
BA_2015 = "ba_interaktiv_arbeitslose_auslaender_berufsabschluss_DE_2015.csv"


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


def read_real(name: str) -> GenesisTable:
    return read_genesis_table(real_bytes(name))


def cell(table: GenesisTable, region_code: str, measure: str, dimensions: tuple[str, ...] = ()) -> GenesisCell:
    """The single cell for a region, measure and further dimensions (fails if there is not exactly one)."""
    found = [
        c for c in table.cells if c.region_code == region_code and c.measure == measure and c.dimensions == dimensions
    ]
    assert len(found) == 1, f"{len(found)} cells for {region_code} / {measure} / {dimensions}"
    return found[0]


def build(text: str, encoding: str = "cp1252", newline: str = "\n") -> bytes:
    """Bytes of a table written here; lines in `text` are separated by '\\n'."""
    return text.replace("\n", newline).encode(encoding)


# A small table in the 12411-01-01-4 style (time as header rows), used by several synthetic tests.
SMALL = (
    "GENESIS-Tabelle: 12411-01-01-4\n"
    "Bevölkerung nach Geschlecht - Stichtag 31.12.;;;;\n"
    ";;Stichtag;Stichtag;Stichtag\n"
    ";;31.12.2018;31.12.2018;31.12.2018\n"
    ";;Insgesamt;männlich;weiblich\n"
    "05;  Nordrhein-Westfalen;17932651;8798631;9134020\n"
    "05966;      Olpe, Kreis;134775;67610;67165\n"
    "__________\n"
    "Stand: 21.03.2020 / 12:15:06\n"
)


# --------------------------------------------------------------------------------------------------------------------
# Real file: Regionaldatenbank 12411-01-01-4 (all of Germany, Stichtag as header rows)


def test_population_2018_metadata() -> None:
    table = read_real(POPULATION_2018)
    assert table.table_code == "12411-01-01-4"
    assert table.encoding == "cp1252"
    assert table.stand == datetime(2020, 3, 21, 12, 15, 6)
    assert table.title == (
        "Bevölkerung nach Geschlecht - Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte "
        "Fortschreibung des Bevölkerungsstandes Bevölkerungsstand (Anzahl)"
    )
    # The copyright block is one quoted multi-line cell; the first line is kept.
    assert table.copyright == "© Statistische Ämter des Bundes und der Länder, Deutschland, 2020."
    assert table.notes.startswith('zu  "gesamter Tabelle":\nab dem Berichtsjahr 2011')
    assert "Nordrhein-Westfalen (31.12.2016): Für sechs Kommunen ist" in table.notes
    assert "Datenlizenz" not in table.notes  # the licence belongs to the copyright block


def test_population_2018_cells() -> None:
    table = read_real(POPULATION_2018)
    assert len(table.cells) == 538 * 3  # 538 data rows x Insgesamt/männlich/weiblich
    assert {c.measure for c in table.cells} == {"Insgesamt", "männlich", "weiblich"}
    assert {c.period for c in table.cells} == {"31.12.2018"}  # from the header rows, not the 'Stichtag' row
    # the unit is only in the title 'Bevölkerungsstand (Anzahl)', which also names the value variable
    assert {c.unit for c in table.cells} == {"Anzahl"}
    assert {c.measure_levels for c in table.cells} == {
        ("Bevölkerungsstand", "Insgesamt"), ("Bevölkerungsstand", "männlich"), ("Bevölkerungsstand", "weiblich")}

    nrw = cell(table, "05", "Insgesamt")
    assert (nrw.value, nrw.flag, nrw.raw) == (17932651.0, None, "17932651")
    assert (nrw.region_label, nrw.region_indent, nrw.level) == ("Nordrhein-Westfalen", 2, "Land")
    assert (nrw.line, nrw.column) == (83, 3)

    duesseldorf_men = cell(table, "05111", "männlich")
    assert duesseldorf_men.value == 299315.0
    assert (duesseldorf_men.line, duesseldorf_men.column) == (85, 4)
    assert duesseldorf_men.region_label == "Düsseldorf, Kreisfreie Stadt"

    olpe = cell(table, "05966", "weiblich")
    assert (olpe.value, olpe.region_label, olpe.region_indent, olpe.level) == (67165.0, "Olpe, Kreis", 6, "Kreis")

    germany = cell(table, "DG", "Insgesamt")
    assert (germany.value, germany.level, germany.region_indent) == (83019213.0, "Deutschland", 0)
    assert cell(table, "051", "Insgesamt").level == "Regierungsbezirk"


def test_population_2018_symbols_and_special_units() -> None:
    table = read_real(POPULATION_2018)
    dissolved = cell(table, "05354", "Insgesamt")  # Aachen, Kreis: dissolved, all cells '-'
    assert (dissolved.region_label, dissolved.value, dissolved.flag, dissolved.raw) == ("Aachen, Kreis", 0.0, "-", "-")

    berlin_mitte = cell(table, "11001001", "männlich")  # Berlin districts are '.'
    assert (berlin_mitte.value, berlin_mitte.flag, berlin_mitte.line) == (None, ".", 376)
    assert sum(1 for c in table.cells if c.flag == ".") == 12 * 3

    aachen_city = cell(table, "05334002", "Insgesamt")  # 8-digit code inside the Kreis list
    assert (aachen_city.value, aachen_city.region_label, aachen_city.level) == (
        247380.0,
        "Aachen, krfr. Stadt",
        "Gemeinde",
    )

    # All of Germany is kept: Schleswig-Holstein to Thüringen.
    assert {c.region_code for c in table.cells if c.level == "Land"} == {f"{n:02d}" for n in range(1, 17)}


# --------------------------------------------------------------------------------------------------------------------
# Real file: Regionaldatenbank 12411-02-03-4 ('Tabelle:' header, time column, age-group dimension)


def test_population_by_age_2023() -> None:
    table = read_real(POPULATION_AGE_2023)
    assert table.table_code == "12411-02-03-4"
    assert table.stand == datetime(2025, 12, 18, 12, 13, 8)
    assert table.copyright == "© Statistische Ämter des Bundes und der Länder, Deutschland, 2025."
    assert len(table.cells) == 305 * 3
    assert {c.period for c in table.cells} == {"31.12.2023"}  # from the time column
    assert {c.dimensions for c in table.cells} == {
        ("6 bis unter 10 Jahre",),
        ("10 bis unter 15 Jahre",),
        ("15 bis unter 18 Jahre",),
        ("18 bis unter 20 Jahre",),
        ("Insgesamt",),
    }

    first = cell(table, "05", "Insgesamt", ("6 bis unter 10 Jahre",))
    assert (first.value, first.line, first.column, first.region_indent) == (701409.0, 7, 5, 2)

    olpe_total_women = cell(table, "05966", "weiblich", ("Insgesamt",))
    assert (olpe_total_women.value, olpe_total_women.line, olpe_total_women.column) == (65913.0, 296, 7)

    aachen_kreis = cell(table, "05354", "männlich", ("18 bis unter 20 Jahre",))
    assert (aachen_kreis.value, aachen_kreis.flag) == (0.0, "-")
    assert {c.region_code[:2] for c in table.cells} == {"05"}


# --------------------------------------------------------------------------------------------------------------------
# Real file: Landesdatenbank NRW 22542-06i (quoted header cell with ';', 'x' and '-')


def test_youth_facilities_2024() -> None:
    table = read_real(YOUTH_FACILITIES_2024)
    assert (table.table_code, table.encoding, table.notes) == ("22542-06i", "cp1252", "")
    assert table.stand == datetime(2025, 12, 23, 11, 59, 50)
    assert table.copyright == (
        "© IT.NRW, Düsseldorf, 2025. Dieses Werk ist lizenziert unter der Datenlizenz Deutschland - "
        "Namensnennung - Version 2.0."
    )
    assert len(table.cells) == 61 * 13
    assert {c.unit for c in table.cells} == {"Anzahl"}
    assert {c.period for c in table.cells} == {"2024"}

    quoted_measure = "§13 Abs. 2 3 SGB VIII Jugendsozialarbeit; Sozialpädagogisch begleitetes Wohnen"
    nrw = cell(table, "05", quoted_measure)
    assert (nrw.value, nrw.column, nrw.line, nrw.region_indent) == (151.0, 4, 9, 0)

    olpe = cell(table, "05966", "§34 SGB VIII Heimerziehung, sonstige betreute Wohnform")
    assert (olpe.value, olpe.column, olpe.region_indent) == (31.0, 8, 4)

    locked = [c for c in table.cells if c.region_code in ("05313", "05354")]
    assert len(locked) == 26 and all(c.value is None and c.flag == "x" for c in locked)

    zero = [c for c in table.cells if c.region_code == "05111" and c.column == 14][0]
    assert (zero.value, zero.flag) == (0.0, "-")


# --------------------------------------------------------------------------------------------------------------------
# Real file: Landesdatenbank NRW 22517-02i (Jugendamt codes, 4 header rows, footnotes)


def test_educational_aid_2024() -> None:
    table = read_real(EDUCATIONAL_AID_2024)
    assert table.table_code == "22517-02i"
    assert table.stand == datetime(2026, 1, 19, 21, 12, 47)
    assert len(table.cells) == 232 * 22

    measure = "Art der Hilfe | Insgesamt | In Anspruch genommene erzieh. Hilfen"
    olpe_office = cell(table, "JH05966999", measure)
    assert (olpe_office.region_label, olpe_office.level, olpe_office.region_indent) == (
        "Kreisjugendamt des Kreises Olpe",
        "Jugendamt",
        6,
    )
    assert (olpe_office.value, olpe_office.unit, olpe_office.line, olpe_office.column) == (2450.0, "Anzahl", 224, 4)
    assert cell(table, "05966", measure).level == "Kreis"
    assert len({c.region_code for c in table.cells if c.level == "Jugendamt"}) == 171

    essen_measure = "Art der Hilfe | Hilfe zur Erziehung § 27 SGB VIII | In Anspruch genommene erzieh. Hilfen"
    essen = cell(table, "05113", essen_measure)
    assert (essen.value, essen.flag) == (0.0, "-")

    # The footnotes say Essen/NRW values carry '( )', but the CSV cells carry no such qualifier.
    assert {c.flag for c in table.cells} == {None, "-"}
    assert table.notes.startswith("2024:\nDie Stadt Essen konnte aufgrund einer technischen \n")
    assert "mit ( ) versehen." in table.notes
    assert table.notes.endswith("daher nur eingeschränkt möglich.")


def test_is_genesis_table_on_real_files() -> None:
    for name in (POPULATION_2018, POPULATION_AGE_2023, YOUTH_FACILITIES_2024, EDUCATIONAL_AID_2024):
        assert is_genesis_table(real_bytes(name)), name
    assert not is_genesis_table(real_bytes(FFCSV_2019))
    assert not is_genesis_table(real_bytes(BA_2015))
    assert is_genesis_table(b"\xef\xbb\xbf \r\nTabelle: 1") and not is_genesis_table(b"")


@pytest.mark.parametrize("name", [FFCSV_2019, BA_2015])
def test_other_formats_are_rejected(name: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read_real(name)
    assert "keine GENESIS-Tabelle" in caught.value.message_de
    assert caught.value.line == 1


# --------------------------------------------------------------------------------------------------------------------
# Encodings and line ends


def test_utf8_bom_and_crlf_give_identical_cells() -> None:
    original = read_real(POPULATION_2018)
    text = real_bytes(POPULATION_2018).decode("cp1252")
    recoded = read_genesis_table(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert recoded.encoding == "utf-8"
    assert recoded.cells == original.cells
    assert (recoded.title, recoded.notes, recoded.stand, recoded.copyright) == (
        original.title,
        original.notes,
        original.stand,
        original.copyright,
    )


def test_lone_cr_line_ends() -> None:
    table = read_genesis_table(build(SMALL, newline="\r"))
    olpe = cell(table, "05966", "männlich")
    assert (olpe.value, olpe.line, olpe.period) == (67610.0, 7, "31.12.2018")


def test_latin1_fallback_when_cp1252_cannot_decode() -> None:
    data = build(SMALL).replace(b"Geschlecht", b"Geschlecht \x81")  # 0x81 is undefined in cp1252
    table = read_genesis_table(data)
    assert table.encoding == "latin-1"
    assert table.title == "Bevölkerung nach Geschlecht \x81 - Stichtag 31.12."
    assert cell(table, "05", "Insgesamt").value == 17932651.0


# --------------------------------------------------------------------------------------------------------------------
# Layouts described in docs/recognition.md, built here


def test_12411_15i_layout() -> None:
    data = build(
        "Tabelle: 12411-15i\n"
        "Katasterfläche (qkm), Bevölkerung und Bevölkerungsdichte - Stichtag - Gemeinden;;;;;\n"
        ";;;Fortschreibung des Bevölkerungsstandes;Flächenerhebung nach Art der tatsächlichen Nutzung;"
        "Fortschreibung des Bevölkerungsstandes\n"
        ";;;Bevölkerungsstand (Basis Zensus 2022 und früher);Bodenfläche (Katasterfläche) in qkm;"
        "Bevölkerungsdichte\n"
        ";;;Anzahl;qkm;EW pro qkm\n"
        "31.12.2024;05;Nordrhein-Westfalen;18034454;34112,44;528,7\n"
        "31.12.2024;05966;    Olpe, Kreis;133587;712,14;187,6\n"
        "31.12.2024;05966004;      Attendorn, Stadt;24263;97,98;247,6\n"
        "__________\n"
        '"Die Fortschreibung ..."\n'
        "© IT.NRW, Düsseldorf, 2026. Dieses Werk ist lizenziert unter der Datenlizenz Deutschland - "
        "Namensnennung - Version 2.0.\n"
        "Stand: 19.01.2026 / 13:58:12\n"
    )
    table = read_genesis_table(data)
    assert (table.table_code, table.encoding) == ("12411-15i", "cp1252")
    assert table.title == "Katasterfläche (qkm), Bevölkerung und Bevölkerungsdichte - Stichtag - Gemeinden"
    assert table.stand == datetime(2026, 1, 19, 13, 58, 12)
    assert table.notes == "Die Fortschreibung ..."
    assert table.copyright is not None and table.copyright.startswith("© IT.NRW, Düsseldorf, 2026.")
    assert len(table.cells) == 9

    area_measure = "Flächenerhebung nach Art der tatsächlichen Nutzung | Bodenfläche (Katasterfläche) in qkm"
    area = cell(table, "05", area_measure)
    assert (area.value, area.unit, area.raw, area.period, area.column) == (34112.44, "qkm", "34112,44", "31.12.2024", 5)

    density = cell(table, "05966", "Fortschreibung des Bevölkerungsstandes | Bevölkerungsdichte")
    assert (density.value, density.unit, density.region_indent) == (187.6, "EW pro qkm", 4)

    population_measure = "Fortschreibung des Bevölkerungsstandes | Bevölkerungsstand (Basis Zensus 2022 und früher)"
    attendorn = cell(table, "05966004", population_measure)
    assert (attendorn.value, attendorn.unit, attendorn.level, attendorn.region_label) == (
        24263.0,
        "Anzahl",
        "Gemeinde",
        "Attendorn, Stadt",
    )
    assert (attendorn.line, attendorn.dimensions) == (8, ())


def test_12521_03i_layout_with_nationality_dimension() -> None:
    data = build(
        "Tabelle: 12521-03i\n"
        "Ausländische Bevölkerung nach Geschlecht und Staatsangehörigkeiten (215);;;;;;;\n"
        ";;;;;Ausländische Bevölkerung;Ausländische Bevölkerung;Ausländische Bevölkerung\n"
        ";;;;;Insgesamt;männlich;weiblich\n"
        ";;;;;Anzahl;Anzahl;Anzahl\n"
        "31.12.2024;05966;    Olpe, Kreis;1;Europa;9990;5005;4985\n"
        "31.12.2024;05966;    Olpe, Kreis;121;  Albanien;45;25;20\n"
        "__________\n"
        "Stand: 19.01.2026 / 13:58:12\n"
    )
    table = read_genesis_table(data)
    assert len(table.cells) == 6
    albania = cell(table, "05966", "Ausländische Bevölkerung | Insgesamt", ("121", "Albanien"))
    assert (albania.value, albania.unit, albania.period, albania.level) == (45.0, "Anzahl", "31.12.2024", "Kreis")
    assert (albania.line, albania.column) == (7, 6)
    europe_women = cell(table, "05966", "Ausländische Bevölkerung | weiblich", ("1", "Europa"))
    assert europe_women.value == 4985.0


def test_time_as_header_row_without_time_column() -> None:
    data = build(
        "Tabelle: 22811-01i\n"
        "Mindestsicherungsquote (Wohnortprinzip) - Gemeinden - Jahr;;\n"
        ";;Jahr\n"
        ";;2023\n"
        ";;Mindestsicherungsquote\n"
        ";;Prozent\n"
        "05;Nordrhein-Westfalen;11,4\n"
        "05966004;      Attendorn, Stadt;6,1\n"
        "__________\n"
        "Stand: 02.02.2025 / 08:00:00\n"
    )
    table = read_genesis_table(data)
    attendorn = cell(table, "05966004", "Mindestsicherungsquote")
    assert (attendorn.period, attendorn.unit, attendorn.value, attendorn.column) == ("2023", "Prozent", 6.1, 3)
    assert {c.period for c in table.cells} == {"2023"}


def test_school_year_time_column_and_label_only_dimension() -> None:
    data = build(
        "GENESIS-Tabelle: 21111-01-03-4\n"
        "Schulen, Schüler/-innen nach Schularten;;;;;\n"
        ";;;;Schulen;Schüler/-innen\n"
        ";;;;Anzahl;Anzahl\n"
        "2023/24;05966;      Olpe, Kreis;Grundschulen;40;5035\n"
        "2023/24;05966;      Olpe, Kreis;Insgesamt;80;16360\n"
    )
    table = read_genesis_table(data)
    pupils = cell(table, "05966", "Schüler/-innen", ("Grundschulen",))
    assert (pupils.period, pupils.value, pupils.region_indent) == ("2023/24", 5035.0, 6)
    assert table.stand is None and table.copyright is None and table.notes == ""  # no footer at all


def test_multiline_quoted_notes_with_semicolon_and_doubled_quotes() -> None:
    data = build(
        SMALL.replace(
            "__________\n",
            '__________\n"zu ""gesamter Tabelle"":\nErste Zeile; mit Semikolon\n\nzweiter Absatz"\n'
            "(C)opyright Statistisches Bundesamt, Wiesbaden 2019\n"
            "Dieses Werk ist lizenziert.\n",
        )
    )
    table = read_genesis_table(data)
    assert table.notes == 'zu "gesamter Tabelle":\nErste Zeile; mit Semikolon\n\nzweiter Absatz'
    assert table.copyright == "(C)opyright Statistisches Bundesamt, Wiesbaden 2019"
    assert table.stand == datetime(2020, 3, 21, 12, 15, 6)
    assert cell(table, "05966", "Insgesamt").line == 7


# --------------------------------------------------------------------------------------------------------------------
# Values and symbols (docs/sources.md, Symbols)


@pytest.mark.parametrize(
    ("raw", "value", "flag"),
    [
        ("0", 0.0, None),
        ("-", 0.0, "-"),
        (".", None, "."),
        ("x", None, "x"),
        ("...", None, "..."),
        ("/", None, "/"),
        ("(45)", 45.0, "()"),
        ("( 45 )", 45.0, "()"),
        ("(12,5)", 12.5, "()"),
        ("(.)", None, "."),
        ("123p", 123.0, "p"),
        ("123 p", 123.0, "p"),
        ("7,25r", 7.25, "r"),
        ("88 s", 88.0, "s"),
        ("-3,5", -3.5, None),
        ("34112,44", 34112.44, None),
    ],
)
def test_value_symbols(raw: str, value: float | None, flag: str | None) -> None:
    table = read_genesis_table(build(SMALL.replace(";134775;", f";{raw};")))
    olpe = cell(table, "05966", "Insgesamt")
    assert (olpe.value, olpe.flag, olpe.raw) == (value, flag, raw)


@pytest.mark.parametrize("raw", ["abc", "12.345.6", "12.345", "", "()", "1,2,3"])
def test_unknown_value_is_an_error_with_position(raw: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(build(SMALL.replace(";67610;", f";{raw};")))
    error = caught.value
    assert error.message_de.startswith(f"Zeile 7, Spalte 4: Der Wert »{raw}« ist keine Zahl")
    assert (error.line, error.column, error.value) == (7, 4, raw)
    assert str(error) == error.detail and "cannot parse value" in error.detail


# --------------------------------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("data", [b"", b"  \r\n\n", b"\xef\xbb\xbf", b"\xa0\n;;\n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    assert caught.value.message_de.startswith("Die Datei ist leer.")


def test_not_a_genesis_table() -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(b"Region;Wert\n05;1\n")
    assert "keine GENESIS-Tabelle" in caught.value.message_de
    assert "Tabelle:" in caught.value.message_de


def test_missing_table_code() -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(build(SMALL.replace("GENESIS-Tabelle: 12411-01-01-4", "GENESIS-Tabelle: ")))
    assert "Zeile 1" in caught.value.message_de and "Tabellencode" in caught.value.message_de


def test_no_header_rows() -> None:
    data = build("Tabelle: 1\nTitel;;;\n05;  Nordrhein-Westfalen;1;2\n")
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    assert "keine Spaltenköpfe" in caught.value.message_de
    assert "Zeile 3" in caught.value.message_de


def test_no_header_rows_title_only() -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(build("Tabelle: 1\nTitel;;;\n"))
    assert "keine Spaltenköpfe" in caught.value.message_de


def test_no_data_rows() -> None:
    data = build(SMALL.split("05;")[0] + "__________\nStand: 21.03.2020 / 12:15:06\n")
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    assert "keine Datenzeilen" in caught.value.message_de
    assert "Zeile 5" in caught.value.message_de  # the last header row


def test_data_row_with_wrong_number_of_cells() -> None:
    data = build(SMALL.replace("05;  Nordrhein-Westfalen;17932651;", "05;  Nordrhein-Westfalen;17932651;1;"))
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    error = caught.value
    assert error.line == 6
    assert error.message_de.startswith("Zeile 6: Die Datenzeile hat 6 Felder, die Spaltenköpfe aber 5.")


def test_short_row_in_the_middle_is_not_called_truncation() -> None:
    data = build(SMALL.replace(";8798631;9134020", ";8798631"))
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    assert caught.value.line == 6 and "hat 4 Felder" in caught.value.message_de


def test_truncated_real_file_mid_row() -> None:
    data = real_bytes(POPULATION_2018)
    cut = data[: data.index(b"05966;") + len(b"05966;      Olpe, Kr")]
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(cut)
    error = caught.value
    assert error.line == 140
    assert "Zeile 140" in error.message_de and "unvollständig" in error.message_de
    assert "erneut als CSV herunterladen" in error.message_de


def test_truncated_real_file_mid_number() -> None:
    data = real_bytes(POPULATION_2018)
    cut = data[: data.index(b"05966;") + len(b"05966;      Olpe, Kreis;134775;67610;671")]
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(cut)
    assert caught.value.line == 140 and "unvollständig" in caught.value.message_de


def test_truncated_inside_quoted_notes() -> None:
    data = real_bytes(POPULATION_2018)
    cut = data[: data.index(b"Zensus 2011")]
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(cut)
    assert caught.value.line == 548  # the line where the quoted note block opens
    assert "Zeile 548" in caught.value.message_de and "unvollständig" in caught.value.message_de


def test_no_region_code_column() -> None:
    data = build(
        "Tabelle: 1\n"
        "Titel;;;\n"
        ";;Insgesamt;weiblich\n"
        "Nordrhein-Westfalen;Land;1;2\n"
        "Olpe;Kreis;3;4\n"
    )
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    assert "keine Spalte mit Regionalschlüsseln" in caught.value.message_de
    assert "Zeile 4" in caught.value.message_de


def test_single_bad_region_code_is_pointed_at() -> None:
    data = build(SMALL.replace("05966;      Olpe", "5966;      Olpe"))
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(data)
    error = caught.value
    assert (error.line, error.column, error.value) == (7, 1, "5966")
    assert error.message_de.startswith("Zeile 7, Spalte 1: »5966« ist kein gültiger Regionalschlüssel")


@pytest.mark.parametrize("stand", ["Stand: 32.03.2020 / 12:15:06", "Stand: 21.03.2020 / 12:1", "Stand: 21.03.2020"])
def test_invalid_or_cut_stand(stand: str) -> None:
    # A cut 'Stand:' line must not silently become midnight of that day.
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(build(SMALL.replace("Stand: 21.03.2020 / 12:15:06", stand)))
    assert caught.value.line == 9 and "Zeile 9: Der Stand-Vermerk" in caught.value.message_de


def test_reader_error_attributes() -> None:
    error = ReaderError("Text", "detail text", line=3, column=4, value="abc")
    assert (str(error), error.message_de, error.detail, error.line, error.column, error.value) == (
        "detail text",
        "Text",
        "detail text",
        3,
        4,
        "abc",
    )


def test_repeated_header_text_in_one_column_appears_once_in_the_measure() -> None:
    data = build(
        "Tabelle: 21111-02-06-4\n"
        "Absolventen/Abgänger;;;\n"
        ";;Schulen;Mittlerer Abschluss\n"
        ";;Schulen;weiblich\n"
        "05966;      Olpe, Kreis;12;640\n"
    )
    table = read_genesis_table(data)
    assert [c.measure for c in table.cells] == ["Schulen", "Mittlerer Abschluss | weiblich"]
    assert [c.unit for c in table.cells] == [None, None]
