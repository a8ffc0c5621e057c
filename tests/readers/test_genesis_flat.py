"""Tests for the GENESIS flat-file CSV (ffcsv) reader: a real download (read in place) and byte strings built here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_flat import is_genesis_flat, is_genesis_flat_zip, read_genesis_flat, unzip_genesis_flat
from pipelines.readers.genesis_table import GenesisCell, GenesisTable, is_genesis_table, read_genesis_table

# The real downloads live next to the repository, never inside it (see shared/fixtures/real/PROVENANCE.md).
REPO_ROOT = Path(__file__).resolve().parents[2]
REAL = REPO_ROOT / ".." / "shared" / "fixtures" / "real"

FFCSV_2019 = "destatis_ffcsv_12411-0012_bevoelkerung_laender_alter_2019.csv"
POPULATION_2018 = "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv"
BA_2015 = "ba_interaktiv_arbeitslose_auslaender_berufsabschluss_DE_2015.csv"


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


def cell(table: GenesisTable, region_code: str, dimensions: tuple[str, ...], measure: str | None = None) -> GenesisCell:
    found = [
        c
        for c in table.cells
        if c.region_code == region_code and c.dimensions == dimensions and (measure is None or c.measure == measure)
    ]
    assert len(found) == 1, f"{len(found)} cells for {region_code} / {dimensions} / {measure}"
    return found[0]


def build(text: str, encoding: str = "cp1252", newline: str = "\n", bom: bool = False) -> bytes:
    data = text.replace("\n", newline).encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


HEADER_1 = "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
HEADER_1 += "1_Auspraegung_Code;1_Auspraegung_Label"
HEADER_2 = HEADER_1 + ";2_Merkmal_Code;2_Merkmal_Label;2_Auspraegung_Code;2_Auspraegung_Label"
PREFIX = "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.2019"

# Two Merkmale (region, sex) and two value columns, the first with a quality column.
SMALL = (
    f"{HEADER_2};BEVSTD__Bevoelkerungsstand__Anzahl;BEVSTD__Bevoelkerungsstand__q;FLC006__Gebietsflaeche__qkm\n"
    f"{PREFIX};DINSG;Deutschland insgesamt;DG;Deutschland;GES;Geschlecht;GESM;männlich;41037613;;357581,82\n"
    f"{PREFIX};DLAND;Bundesländer;05;Nordrhein-Westfalen;GES;Geschlecht;GESM;männlich;8804383;;34112,44\n"
    f"{PREFIX};DLAND;Bundesländer;05;Nordrhein-Westfalen;GES;Geschlecht;;Insgesamt;17947221;;34112,44\n"
    f"{PREFIX};DLAND;Bundesländer;;Insgesamt;GES;Geschlecht;;Insgesamt;83166711;;357581,82\n"
)


# --------------------------------------------------------------------------------------------------------------------
# Real download


def test_real_ffcsv_table_metadata() -> None:
    table = read_genesis_flat(real_bytes(FFCSV_2019))
    assert isinstance(table, GenesisTable)
    assert table.table_code == "12411"
    assert table.title == "Fortschreibung des Bevölkerungsstandes"
    assert table.encoding == "cp1252"
    assert table.stand is None
    assert table.copyright is None
    assert table.notes == ""
    # 16 Länder x (91 age groups + Insgesamt), one value column.
    assert len(table.cells) == 16 * 92
    assert {c.region_code for c in table.cells} == {f"{n:02d}" for n in range(1, 17)}
    assert {c.level for c in table.cells} == {"Land"}
    assert {c.period for c in table.cells} == {"31.12.2019"}
    assert {(c.measure, c.unit) for c in table.cells} == {("Bevoelkerungsstand", "Anzahl")}
    assert all(c.flag is None and c.column == 14 and c.region_indent == 0 for c in table.cells)


def test_real_ffcsv_cells() -> None:
    table = read_genesis_flat(real_bytes(FFCSV_2019))

    bw = cell(table, "08", ("ALT000", "unter 1 Jahr"))
    assert (bw.value, bw.raw, bw.line, bw.column) == (108303.0, "108303", 2, 14)
    assert bw.region_label == "Baden-Württemberg"

    thueringen = cell(table, "16", ("", "Insgesamt"))  # the Insgesamt row has an empty Auspraegung_Code
    assert (thueringen.value, thueringen.line) == (2133378.0, 1473)
    assert thueringen.region_label == "Thüringen"

    nrw_total = cell(table, "05", ("", "Insgesamt"))
    assert (nrw_total.value, nrw_total.line) == (17947221.0, 921)
    assert cell(table, "05", ("ALT000", "unter 1 Jahr")).value == 169509.0
    assert cell(table, "05", ("ALT090UM", "90 Jahre und mehr")).value == 179151.0
    bremen = cell(table, "04", ("ALT000", "unter 1 Jahr"))
    assert (bremen.value, bremen.line, bremen.region_label) == (6956.0, 370, "Bremen")
    assert cell(table, "05", ("ALT001", "1-Jährige")).region_label == "Nordrhein-Westfalen"


def test_real_ffcsv_totals_add_up() -> None:
    table = read_genesis_flat(real_bytes(FFCSV_2019))
    totals = {c.region_code: c.value for c in table.cells if c.dimensions == ("", "Insgesamt")}
    assert sum(totals.values()) == 83166711.0  # Germany, 31.12.2019
    nrw_ages = sum(c.value for c in table.cells if c.region_code == "05" and c.dimensions[0])
    assert nrw_ages == totals["05"]


def test_sniffing_distinguishes_the_formats() -> None:
    flat = real_bytes(FFCSV_2019)
    assert is_genesis_flat(flat)
    assert not is_genesis_table(flat)
    assert not is_genesis_flat(real_bytes(POPULATION_2018))
    assert not is_genesis_flat(real_bytes(BA_2015))
    assert is_genesis_flat(b'\xef\xbb\xbf"Statistik_Code";"Statistik_Label";"Zeit_Code";"Zeit_Label"\n')
    with pytest.raises(ReaderError) as caught:
        read_genesis_table(flat)
    assert "keine GENESIS-Tabelle" in caught.value.message_de


@pytest.mark.parametrize("name", [POPULATION_2018, BA_2015])
def test_other_formats_are_rejected(name: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(real_bytes(name))
    assert "keine GENESIS-Flat-File-CSV" in caught.value.message_de
    assert caught.value.line == 1


# --------------------------------------------------------------------------------------------------------------------
# Layout variants built here


def test_deutschland_insgesamt_and_second_merkmal() -> None:
    table = read_genesis_flat(build(SMALL))
    assert len(table.cells) == 4 * 2

    dg = cell(table, "DG", ("GESM", "männlich"), "Bevoelkerungsstand")
    assert (dg.value, dg.level, dg.region_label) == (41037613.0, "Deutschland", "Deutschland")
    assert (dg.line, dg.column) == (2, 14)

    # The Insgesamt row of DLAND is the sum of the Länder: Deutschland.
    total = cell(table, "DG", ("", "Insgesamt"), "Bevoelkerungsstand")
    assert (total.value, total.level, total.region_label, total.line) == (83166711.0, "Deutschland", "Deutschland", 5)

    nrw_total = cell(table, "05", ("", "Insgesamt"), "Bevoelkerungsstand")
    assert nrw_total.value == 17947221.0
    area = cell(table, "05", ("GESM", "männlich"), "Gebietsflaeche")
    assert (area.value, area.unit, area.column, area.raw) == (34112.44, "qkm", 16, "34112,44")


def test_utf8_bom_and_crlf_give_identical_cells() -> None:
    reference = read_genesis_flat(build(SMALL))
    other = read_genesis_flat(build(SMALL, encoding="utf-8", newline="\r\n", bom=True))
    assert other.encoding == "utf-8"
    assert other.cells == reference.cells
    assert other.cells[0].region_label == "Deutschland"
    assert other.cells[2].dimensions == ("GESM", "männlich")


def test_regional_levels_and_kreise_insgesamt() -> None:
    text = (
        f"{HEADER_1};BEVSTD__Bevoelkerungsstand__Anzahl\n"
        f"{PREFIX};REGBEZ;Regierungsbezirke;051;Düsseldorf;5202321\n"
        f"{PREFIX};KREISE;Kreise und krfr. Städte;05966;Olpe, Kreis;134099\n"
        f"{PREFIX};GEMEIN;Gemeinden;05966004;Attendorn, Stadt;24406\n"
        f"{PREFIX};KREISE;Kreise und krfr. Städte;;Insgesamt;17947221\n"
    )
    table = read_genesis_flat(build(text))
    levels = [(c.region_code, c.level, c.region_label, c.dimensions) for c in table.cells]
    assert levels == [
        ("051", "Regierungsbezirk", "Düsseldorf", ()),
        ("05966", "Kreis", "Olpe, Kreis", ()),
        ("05966004", "Gemeinde", "Attendorn, Stadt", ()),
        ("", "Sonstige", "Insgesamt", ()),  # scope of the database: left to the caller
    ]
    assert table.cells[1].value == 134099.0


def test_table_code_column_is_preferred_and_header_spaces_are_ignored() -> None:
    text = (
        "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;Tabelle_Code;1_Merkmal_Code;1_Merkmal_Label;"
        "1_Auspraegung_Code;1_Auspraegung_Label;     FLC006__Gebietsflaeche__qkm\n"
        "11111;Feststellung des Gebietsstands;STAG;Stichtag;31.12.2022;11111-0002;DLAND;Bundesländer;05;"
        "Nordrhein-Westfalen;34112,72\n"
    )
    table = read_genesis_flat(build(text))
    assert table.table_code == "11111-0002"
    assert table.title == "Feststellung des Gebietsstands"
    only = table.cells[0]
    assert (only.measure, only.unit, only.value, only.column, only.period) == (
        "Gebietsflaeche",
        "qkm",
        34112.72,
        11,
        "31.12.2022",
    )


def test_year_period_and_trailing_blank_line() -> None:
    text = (
        f"{HEADER_1};BEV003__Gestorbene__Anzahl\n"
        "23211;Todesursachenstatistik;JAHR;Jahr;2023;DLAND;Bundesländer;05;Nordrhein-Westfalen;215000\n"
        "\n"
    )
    table = read_genesis_flat(build(text))
    assert [(c.period, c.measure, c.value) for c in table.cells] == [("2023", "Gestorbene", 215000.0)]


# --------------------------------------------------------------------------------------------------------------------
# Symbols and quality columns

SYMBOL_HEADER = f"{HEADER_1};BEVSTD__Bevoelkerungsstand__Anzahl;BEVSTD__Bevoelkerungsstand__q"


def symbol_table(*rows: tuple[str, str]) -> GenesisTable:
    lines = [SYMBOL_HEADER] + [
        f"{PREFIX};KREISE;Kreise;{5100 + n:05d};Kreis {n};{value};{quality}" for n, (value, quality) in enumerate(rows)
    ]
    return read_genesis_flat(build("\n".join(lines) + "\n"))


def test_symbols_in_value_cells() -> None:
    table = symbol_table(("-", ""), (".", ""), ("x", ""), ("...", ""), ("/", ""), ("(12)", ""), ("0", ""), ("7p", ""))
    assert [(c.value, c.flag) for c in table.cells] == [
        (0.0, "-"),
        (None, "."),
        (None, "x"),
        (None, "..."),
        (None, "/"),
        (12.0, "()"),
        (0.0, None),
        (7.0, "p"),
    ]
    assert [c.raw for c in table.cells][:2] == ["-", "."]
    assert [c.line for c in table.cells] == list(range(2, 10))


def test_quality_column_supplies_flags() -> None:
    table = symbol_table(("", "."), ("12", "p"), ("13", "e"), ("", "-"), ("0", "-"), ("14", "r"), ("", "x"), ("15", ""))
    assert [(c.value, c.flag) for c in table.cells] == [
        (None, "."),  # the symbol stands only in the quality column: never 0
        (12.0, "p"),
        (13.0, None),  # 'e' is not a symbol of the Zeichenerklärung
        (0.0, "-"),
        (0.0, "-"),
        (14.0, "r"),
        (None, "x"),
        (15.0, None),
    ]
    assert all(c.column == 10 for c in table.cells)


def test_quality_symbol_contradicting_the_value_is_an_error() -> None:
    with pytest.raises(ReaderError) as caught:
        symbol_table(("12", ""), ("5", "."))
    assert (caught.value.line, caught.value.column, caught.value.value) == (3, 10, "5")
    assert "widerspricht dem Qualitätskennzeichen" in caught.value.message_de


def test_unknown_value_is_an_error_with_position() -> None:
    with pytest.raises(ReaderError) as caught:
        symbol_table(("12", ""), ("1.234", ""))  # a thousands separator is not part of the format
    assert (caught.value.line, caught.value.column, caught.value.value) == (3, 10, "1.234")
    assert "Zeile 3, Spalte 10" in caught.value.message_de


def test_empty_value_without_quality_symbol_is_an_error() -> None:
    with pytest.raises(ReaderError) as caught:
        symbol_table(("", ""))
    assert (caught.value.line, caught.value.column) == (2, 10)


# --------------------------------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(data)
    assert "Die Datei ist leer" in caught.value.message_de


def test_html_error_page_saved_as_csv() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Fehler</title></head><body>Sitzung abgelaufen</body></html>\n"
    assert not is_genesis_flat(page)
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(page)
    assert "Webseite (HTML)" in caught.value.message_de
    assert caught.value.line == 1


def test_truncated_in_the_middle_of_a_row() -> None:
    data = build(SMALL)
    cut = data[: data.index(b"17947221") + 4]  # ends inside the value of line 4, without a line break
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(cut)
    assert caught.value.line == 4
    assert "unvollständig" in caught.value.message_de


def test_truncated_with_missing_fields() -> None:
    data = build(SMALL)
    cut = data[: data.index(b"GESM;m\xe4nnlich;8804383")]  # line 3 ends after the first Merkmal
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(cut)
    assert caught.value.line == 3
    assert "endet mitten in einer Datenzeile" in caught.value.message_de


def test_row_with_extra_field() -> None:
    text = SMALL.replace("8804383;;34112,44", "8804383;;34112,44;1")
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(text))
    assert caught.value.line == 3
    assert "Die Datenzeile hat 17 Felder, die Kopfzeile aber 16" in caught.value.message_de


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("1_Auspraegung_Code", "1_Auspr_Code", "»1_Auspr_Code« ist unbekannt"),
        (";Zeit;", ";Periode;", "»Periode« ist unbekannt"),
        ("2_Auspraegung_Label;", "", "fehlt die Spalte »2_Auspraegung_Label«"),
        (";FLC006__Gebietsflaeche__qkm", ";FLC006__Gebietsflaeche__qkm;FLC007__Flaeche__q", "keine Wertespalte"),
        ("BEVSTD__Bevoelkerungsstand__q", "BEVSTD__Bevoelkerungsstand__Anzahl", "doppelt"),
    ],
)
def test_changed_header(old: str, new: str, expected: str) -> None:
    header, rest = SMALL.split("\n", 1)
    assert old in header
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(header.replace(old, new) + "\n" + rest))
    assert expected in caught.value.message_de
    assert caught.value.line == 1
    assert "Kopfzeile" in caught.value.message_de


def test_missing_zeit_column() -> None:
    header = "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;1_Merkmal_Code;1_Merkmal_Label;"
    header += "1_Auspraegung_Code;1_Auspraegung_Label;BEVSTD__Bevoelkerungsstand__Anzahl"
    text = header + "\n12411;Fortschreibung;STAG;Stichtag;DLAND;Bundesländer;05;Nordrhein-Westfalen;17947221\n"
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(text))
    assert "Die Spalte »Zeit« fehlt" in caught.value.message_de


def test_header_only() -> None:
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(SMALL.split("\n", 1)[0] + "\n"))
    assert "keine Datenzeilen" in caught.value.message_de
    assert caught.value.line == 2


def test_region_code_without_leading_zero() -> None:
    text = SMALL.replace("Bundesländer;05;Nordrhein-Westfalen;GES;Geschlecht;GESM", "Bundesländer;5;NRW;GES;G;GESM")
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(text))
    assert (caught.value.line, caught.value.column, caught.value.value) == (3, 8, "5")
    assert "kein gültiger Regionalschlüssel" in caught.value.message_de


def test_no_regional_merkmal() -> None:
    text = f"{HEADER_1};BEVSTD__Bevoelkerungsstand__Anzahl\n{PREFIX};GES;Geschlecht;GESM;männlich;41037613\n"
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(text))
    assert caught.value.line == 2
    assert "kein regionales Merkmal" in caught.value.message_de


def test_empty_time_value() -> None:
    rest = "DLAND;Bundesländer;05;Nordrhein-Westfalen;GES;Geschlecht;;"
    text = SMALL.replace(f"{PREFIX};{rest}", f"12411;F;STAG;Stichtag;;{rest}")
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(text))
    assert (caught.value.line, caught.value.column) == (4, 5)
    assert "Zeitangabe" in caught.value.message_de


def test_unterminated_quote() -> None:
    text = SMALL.replace("Deutschland;GES", '"Deutschland;GES')
    with pytest.raises(ReaderError) as caught:
        read_genesis_flat(build(text))
    assert caught.value.line == 2
    assert "Anführungszeichen" in caught.value.message_de


# --------------------------------------------------------------------------------------------------------------------
# GENESIS 5 layout (the web service's ffcsv since 2025) and its ZIP; real answers are replayed in test_genesis_pull.py

G5_HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;2_variable_attribute_code;"
    "2_variable_attribute_label;3_variable_code;3_variable_label;3_variable_attribute_code;3_variable_attribute_label;"
    "value;value_unit;value_variable_code;value_variable_label"
)
G5_PREFIX = "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;Kreise und kreisfreie Städte"
G5 = (
    f"{G5_HEADER}\n"
    f"{G5_PREFIX};05966;Olpe, Kreis;GES;Geschlecht;;Insgesamt;ALTX20;Altersgruppen;ALT000B03;unter 3 Jahre;3301;"
    "Anzahl;BEVSTD;Bevölkerungsstand\n"
    f"{G5_PREFIX};05966;Olpe, Kreis;GES;Geschlecht;GESM;männlich;ALTX20;Altersgruppen;ALT000B03;unter 3 Jahre;1702;"
    "Anzahl;BEVSTD;Bevölkerungsstand\n"
    f"{G5_PREFIX};05966;Olpe, Kreis;GES;Geschlecht;GESM;männlich;ALTX20;Altersgruppen;;Insgesamt;66427;"
    "Anzahl;BEVSTD;Bevölkerungsstand\n"
    f"{G5_PREFIX};05354;Aachen, Kreis;GES;Geschlecht;;Insgesamt;ALTX20;Altersgruppen;;Insgesamt;-;"
    "Anzahl;BEVSTD;Bevölkerungsstand\n"
)


def zipped(data: bytes, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_genesis5_column_variables_form_the_measure_and_the_rest_stays_dimensions() -> None:
    table = read_genesis_flat(build(G5, encoding="utf-8", bom=True), table_code="12411-02-03-4",
                              column_variables=["GES"])
    assert (table.table_code, table.title, table.encoding, table.stand) == (
        "12411-02-03-4", "Fortschreibung des Bevölkerungsstandes", "utf-8", None)
    first, men, men_total, aachen = table.cells
    assert (first.period, first.region_code, first.level, first.measure, first.unit, first.dimensions) == (
        "31.12.2024", "05966", "Kreis", "Bevölkerungsstand | Insgesamt", "Anzahl", ("ALT000B03", "unter 3 Jahre"))
    assert first.measure_levels == ("Bevölkerungsstand", "Insgesamt") and table.dimension_pairs
    assert (men.measure, men.value, men.column, men.line) == ("Bevölkerungsstand | männlich", 1702.0, 18, 3)
    assert (men_total.dimensions, men_total.value) == (("", "Insgesamt"), 66427.0)
    assert (aachen.value, aachen.flag, aachen.raw) == (0.0, "-", "-")


def test_genesis5_without_column_variables_keeps_every_variable_as_a_dimension() -> None:
    table = read_genesis_flat(build(G5, encoding="utf-8"), table_code="12411-02-03-4")
    assert table.cells[1].measure == "Bevölkerungsstand"
    assert table.cells[1].dimensions == ("GESM", "männlich", "ALT000B03", "unter 3 Jahre")


def test_genesis5_csv_without_its_zip_names_no_table() -> None:
    with pytest.raises(ReaderError) as excinfo:
        read_genesis_flat(build(G5, encoding="utf-8", bom=True))
    assert "ZIP-Archiv" in excinfo.value.message_de and "unverändert" in excinfo.value.message_de


def test_genesis5_zip_gives_the_table_code_from_the_member_name() -> None:
    data = zipped(build(G5, encoding="utf-8", bom=True), "12411-02-03-4_1773175772751_de_flat.csv")
    assert is_genesis_flat_zip(data) and not is_genesis_flat(data)
    code, content = unzip_genesis_flat(data)
    assert code == "12411-02-03-4" and content.startswith(b"\xef\xbb\xbfstatistics_code")
    # a job's result file has no language in its name
    assert unzip_genesis_flat(zipped(b"x", "12531-0043_175879554_flat.csv"))[0] == "12531-0043"


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"12411-02-03-4_1773175772751_de_flat.csv": b"a", "readme.txt": b"b"}, "nicht genau eine"),
        ({"tabelle.csv": b"a"}, "nicht genau eine"),
    ],
)
def test_zip_without_exactly_one_flat_member_is_refused(members: dict, expected: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(ReaderError) as excinfo:
        unzip_genesis_flat(buffer.getvalue())
    assert expected in excinfo.value.message_de


def test_truncated_zip_is_recognised_and_refused_clearly() -> None:
    data = zipped(build(G5, encoding="utf-8"), "12411-02-03-4_1773175772751_de_flat.csv")[:-30]
    assert is_genesis_flat_zip(data)
    with pytest.raises(ReaderError) as excinfo:
        unzip_genesis_flat(data)
    assert "beschädigt oder unvollständig" in excinfo.value.message_de


def test_genesis5_periods_as_the_table_csv_writes_them() -> None:
    text = G5.replace("STAG;Stichtag;2024-12-31", "JAHR;Jahr;2023")
    years = read_genesis_flat(build(text, encoding="utf-8"), table_code="x")
    assert {c.period for c in years.cells} == {"2023"}
    school = read_genesis_flat(build(G5.replace("2024-12-31", "2023/24"), encoding="utf-8"), table_code="x")
    assert {c.period for c in school.cells} == {"2023/24"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (";value_unit;", ";einheit;", "»einheit« ist unbekannt"),
        (";value;", ";wert;", "»wert« ist unbekannt"),
        (";3_variable_attribute_label;", ";", "fehlt die Spalte »3_variable_attribute_label«"),
    ],
)
def test_genesis5_changed_header(old: str, new: str, expected: str) -> None:
    header, rest = G5.split("\n", 1)
    changed = header.replace(old, new, 1) + "\n" + rest
    with pytest.raises(ReaderError) as excinfo:
        read_genesis_flat(build(changed, encoding="utf-8"), table_code="x")
    assert expected in excinfo.value.message_de


def test_genesis5_decimal_point_only_in_the_genesis5_layout() -> None:
    english = G5.replace(";3301;", ";12.5;")
    assert read_genesis_flat(build(english, encoding="utf-8"), table_code="x").cells[0].value == 12.5
    legacy = SMALL.replace(";41037613;", ";41.037;")
    with pytest.raises(ReaderError):
        read_genesis_flat(build(legacy))  # an older file with '41.037' was re-saved with a thousands separator
