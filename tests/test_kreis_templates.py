"""Tests for the Kreis templates (Schulamt, Jugendamt, KI-Jahresbericht): the YAML definition, the empty Excel and
CSV templates, the generated docs and the reader with its validation messages."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipelines.readers.errors import ReaderError
from pipelines.readers.kreis_templates import (
    LINE_KEY,
    TemplateExtract,
    TemplateValidationError,
    detect_template,
    read_template,
)
from pipelines.templates.render import empty_csv, empty_workbook, markdown_docs
from pipelines.templates.spec import (
    EXPLANATION_SHEET,
    LISTS_SHEET,
    ColumnSpec,
    SheetSpec,
    csv_file_name,
    template_specs,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOCS = PROJECT_ROOT / "docs" / "templates.md"
TEMPLATE_IDS = ("schulamt_schulen", "jugendamt_kitas", "ki_jahresbericht")
ALL_SHEETS = [(template.id, sheet.name) for template in template_specs().values() for sheet in template.sheets]


# --------------------------------------------------------------------------------------------------------------------
# Helpers: example rows (from the YAML's own examples) as CSV text or typed Excel values


def sheet_spec(template_id: str, sheet: str) -> SheetSpec:
    return template_specs()[template_id].sheet(sheet)


def example_row(template_id: str, sheet: str, **changes: str) -> dict[str, str]:
    """The sheet's example values as CSV cell text, with some cells changed."""
    row = {column.name: column.example for column in sheet_spec(template_id, sheet).columns}
    unknown = set(changes) - set(row)
    assert not unknown, unknown
    row.update(changes)
    return row


def csv_bytes(
    template_id: str,
    sheet: str,
    rows: list[dict[str, str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8-sig",
    separator: str = ";",
) -> bytes:
    names = header if header is not None else list(sheet_spec(template_id, sheet).header)
    lines = [separator.join(names)]
    lines += [separator.join(row.get(name, "") for name in names) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def typed(column: ColumnSpec, text: str) -> Any:
    """What the reader returns for the CSV text `text` of a column (and what a user types into Excel)."""
    if text == "":
        return None
    if column.type == "integer":
        return int(text)
    if column.type == "decimal":
        return Decimal(text.replace(",", "."))
    if column.type == "date":
        return datetime.strptime(text, "%d.%m.%Y").date()
    return text


def expected_row(template_id: str, sheet: str, row: dict[str, str], line: int) -> dict[str, Any]:
    spec = sheet_spec(template_id, sheet)
    return {LINE_KEY: line, **{column.name: typed(column, row[column.name]) for column in spec.columns}}


def fill_workbook(template_id: str, rows: dict[str, list[dict[str, Any]]], *, start_row: int = 2) -> bytes:
    """The empty Excel template with rows written into its sheets (values as given: int, float, date, str)."""
    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook(template_id)))
    for sheet, sheet_rows in rows.items():
        worksheet = workbook[sheet]
        header = [cell.value for cell in worksheet[1]]
        for offset, row in enumerate(sheet_rows):
            for name, value in row.items():
                worksheet.cell(row=start_row + offset, column=header.index(name) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_values(template_id: str, sheet: str, row: dict[str, str]) -> dict[str, Any]:
    """A CSV-text row as a user would type it into Excel: numbers as numbers (decimals as float), dates as dates."""
    spec = sheet_spec(template_id, sheet)
    out: dict[str, Any] = {}
    for column in spec.columns:
        value = typed(column, row[column.name])
        out[column.name] = float(value) if isinstance(value, Decimal) else value
    return out


def rejected(data: bytes) -> ReaderError:
    with pytest.raises(ReaderError) as info:
        read_template(data)
    return info.value


def schulen_rows(count: int, **changes_by_index: dict[str, str]) -> list[dict[str, str]]:
    """`count` valid school rows with distinct Schulnummern; changes_by_index['r3'] changes the 3rd row."""
    rows = []
    for index in range(1, count + 1):
        changes = {"schulnummer": f"{100000 + index}", **changes_by_index.get(f"r{index}", {})}
        rows.append(example_row("schulamt_schulen", "schulen", **changes))
    return rows


# --------------------------------------------------------------------------------------------------------------------
# The definition


def test_three_templates_with_versions_and_sheets() -> None:
    specs = template_specs()
    assert tuple(specs) == TEMPLATE_IDS
    # the KI report is in version 2 since it asks for the TIntG tasks (sheet "tintg"); the others are unchanged
    assert {template: spec.version for template, spec in specs.items()} == {
        "schulamt_schulen": 1, "jugendamt_kitas": 1, "ki_jahresbericht": 2}
    assert [sheet.name for sheet in specs["schulamt_schulen"].sheets] == ["schulen", "hsu_sprachen"]
    assert [sheet.name for sheet in specs["jugendamt_kitas"].sheets] == ["kitas"]
    assert [sheet.name for sheet in specs["ki_jahresbericht"].sheets] == [
        "stammdaten", "programme", "kooperationen", "tintg"]


def test_content_per_domain_brief() -> None:
    schulen = sheet_spec("schulamt_schulen", "schulen").header
    for name in (
        "schulnummer", "schuljahr", "schulform", "gemeinde_ags", "schueler_insgesamt", "schueler_auslaendisch",
        "schueler_mit_zuwanderungsgeschichte", "neu_zugewanderte_in_erstfoerderung", "hsu_teilnehmende",
        "uebergaenge_gymnasium", "uebergaenge_gymnasium_auslaendisch", "abgaenge_ohne_hsa",
        "abgaenge_hochschulreife_auslaendisch",
    ):
        assert name in schulen
    assert sheet_spec("schulamt_schulen", "schulen").column("schueler_auslaendisch").not_above == ("schueler_insgesamt",)
    kitas = sheet_spec("jugendamt_kitas", "kitas")
    assert kitas.key == ("einrichtung_id", "stichtag")
    assert kitas.column("stichtag").day_month == (1, 3)
    programme = sheet_spec("ki_jahresbericht", "programme").column("programm")
    assert [value.value for value in programme.allowed_values] == [
        "Griffbereit", "Rucksack KiTa", "Rucksack Schule", "Schule ohne Rassismus - Schule mit Courage",
        "HSU-Koordination", "Beratung neu zugewanderter Schüler/-innen", "Fortbildungen Lehrkräfte",
        "Fortbildungen pädagogische Fachkräfte",
        # the § 8 TIntG tasks, since template version 2
        "Übergang Schule-Beruf", "Koordinierung Ämter und Träger", "Koordinierung Ehrenamt",
    ]
    partner = sheet_spec("ki_jahresbericht", "kooperationen").column("partnertyp")
    assert "Migrantenselbstorganisation (MSO)" in [value.value for value in partner.allowed_values]
    assert sheet_spec("ki_jahresbericht", "stammdaten").column("ki_id").ags_lengths == (5, 8)


def test_header_rows_are_unique_across_all_sheets() -> None:
    headers = [frozenset(sheet_spec(t, s).header) for t, s in ALL_SHEETS]
    assert len(set(headers)) == len(headers) == 7


def test_csv_file_names() -> None:
    specs = template_specs()
    assert csv_file_name(specs["jugendamt_kitas"], "kitas") == "jugendamt_kitas.csv"
    assert csv_file_name(specs["ki_jahresbericht"], "programme") == "ki_jahresbericht__programme.csv"
    with pytest.raises(KeyError):
        csv_file_name(specs["ki_jahresbericht"], "kitas")


# --------------------------------------------------------------------------------------------------------------------
# Empty templates and docs


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_empty_workbook_has_every_column_explained(template_id: str) -> None:
    template = template_specs()[template_id]
    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook(template_id)))
    assert workbook.sheetnames == [sheet.name for sheet in template.sheets] + [EXPLANATION_SHEET, LISTS_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    assert workbook.properties.identifier == template_id
    assert workbook.properties.version == str(template.version)

    explained = {
        (row[0], row[1]): row for row in workbook[EXPLANATION_SHEET].iter_rows(values_only=True) if row[0] and row[1]
    }
    for sheet in template.sheets:
        worksheet = workbook[sheet.name]
        assert [cell.value for cell in worksheet[1]] == list(sheet.header)
        assert worksheet.max_row == 1  # no data rows
        assert worksheet.freeze_panes == "A2"
        validations = {str(dv.sqref).split(":")[0]: dv for dv in worksheet.data_validations.dataValidation}
        for index, column in enumerate(sheet.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            row = explained[(sheet.name, column.name)]
            assert row[2] == column.label and row[3] == column.type_de and row[7] == column.example
            title = validations[f"{letter}2"].promptTitle  # Excel allows 32 characters
            assert len(title) <= 32 and column.name.startswith(title.removesuffix("…"))
            assert column.explanation[:40] in validations[f"{letter}2"].prompt
            if column.type in ("ags", "text", "schuljahr"):
                assert worksheet.column_dimensions[letter].number_format == "@"
            if column.allowed:
                assert validations[f"{letter}2"].type == "list"
                assert validations[f"{letter}2"].formula1.startswith(f"{LISTS_SHEET}!$")
                for value in column.allowed_values:
                    assert value.value in row[6]
            if column.type == "integer" and column.min == 0:
                assert validations[f"{letter}2"].type == "whole"
    lists = [cell for column in workbook[LISTS_SHEET].iter_cols(values_only=True) for cell in column]
    for sheet in template.sheets:
        for column in sheet.columns:
            for value in column.allowed_values:
                assert value.value in lists


@pytest.mark.parametrize(("template_id", "sheet"), ALL_SHEETS)
def test_empty_csv_is_bom_semicolon_header(template_id: str, sheet: str) -> None:
    data = empty_csv(template_id, sheet)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == ";".join(sheet_spec(template_id, sheet).header) + "\r\n"
    assert detect_template(data) == (template_id, sheet)
    assert "keine Datenzeilen" in rejected(data).message_de


def test_docs_file_is_up_to_date() -> None:
    generated = markdown_docs()
    assert DOCS.read_text(encoding="utf-8") == generated, (
        "docs/templates.md is stale: run `python -m pipelines.templates docs > docs/templates.md`"
    )


def test_docs_name_every_column_list_value_and_header_row() -> None:
    docs = markdown_docs()
    for template_id, sheet in ALL_SHEETS:
        spec = sheet_spec(template_id, sheet)
        assert ";".join(spec.header) in docs
        assert f"`{csv_file_name(template_specs()[template_id], sheet)}`" in docs
        for column in spec.columns:
            assert f"| `{column.name}` | {column.label} |" in docs
            for value in column.allowed_values:
                assert f"| `{value.value}` | {value.label} |" in docs


def test_cli_writes_docs_and_templates(tmp_path: Path) -> None:
    docs = subprocess.run(
        [sys.executable, "-m", "pipelines.templates", "docs"], cwd=PROJECT_ROOT, capture_output=True, check=True
    )
    assert docs.stdout.decode("utf-8") == markdown_docs()
    out = tmp_path / "ki.xlsx"
    subprocess.run(
        [sys.executable, "-m", "pipelines.templates", "xlsx", "ki_jahresbericht", str(out)], cwd=PROJECT_ROOT, check=True
    )
    assert detect_template(out.read_bytes(), out.name) == ("ki_jahresbericht", "stammdaten")
    csv_out = tmp_path / "kitas.csv"
    subprocess.run(
        [sys.executable, "-m", "pipelines.templates", "csv", "jugendamt_kitas", "kitas", str(csv_out)],
        cwd=PROJECT_ROOT,
        check=True,
    )
    assert csv_out.read_bytes() == empty_csv("jugendamt_kitas", "kitas")
    bad = subprocess.run([sys.executable, "-m", "pipelines.templates", "xlsx", "nope", str(out)], cwd=PROJECT_ROOT)
    assert bad.returncode == 2


# --------------------------------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_excel_round_trip_gives_typed_rows(template_id: str) -> None:
    template = template_specs()[template_id]
    rows = {sheet.name: [excel_values(template_id, sheet.name, example_row(template_id, sheet.name))] for sheet in template.sheets}
    extract = read_template(fill_workbook(template_id, rows))
    assert isinstance(extract, TemplateExtract)
    assert (extract.template_id, extract.version, extract.file_format) == (
        template_id, template_specs()[template_id].version, "xlsx")
    assert list(extract.sheets) == [sheet.name for sheet in template.sheets]
    for sheet in template.sheets:
        assert extract.sheets[sheet.name] == [expected_row(template_id, sheet.name, example_row(template_id, sheet.name), 2)]


def test_excel_round_trip_values_and_types_in_detail() -> None:
    stammdaten = excel_values("ki_jahresbericht", "stammdaten", example_row("ki_jahresbericht", "stammdaten"))
    stammdaten["ki_id"] = 5334002  # typed as a number: Excel drops the leading zero
    stammdaten["vzae_kommunal"] = 0.1 + 0.2  # binary noise from a formula
    programme = [
        {"ki_id": "05334002", "berichtsjahr": 2024, "programm": "Griffbereit", "gruppen": 3, "teilnehmende": 31},
        {"ki_id": "05334002", "berichtsjahr": 2024, "programm": "rucksack kita", "gruppen": 2.0},
    ]
    data = fill_workbook("ki_jahresbericht", {"stammdaten": [stammdaten], "programme": programme})
    extract = read_template(data)
    row = extract.sheets["stammdaten"][0]
    assert row["ki_id"] == "05334002"
    assert row["vzae_landesfoerderung"] == Decimal("4.5") and isinstance(row["vzae_landesfoerderung"], Decimal)
    assert row["vzae_kommunal"] == Decimal("0.3")
    assert row["integrationskonzept_beschlossen_am"] == date(2016, 12, 14)
    assert type(row["berichtsjahr"]) is int
    first, second = extract.sheets["programme"]
    assert (first[LINE_KEY], first["programm"], first["teilnehmende"], first["schulen"]) == (2, "Griffbereit", 31, None)
    assert (second[LINE_KEY], second["programm"], second["gruppen"]) == (3, "Rucksack KiTa", 2)
    assert extract.sheets["kooperationen"] == []  # optional sheet left empty


@pytest.mark.parametrize(("template_id", "sheet"), ALL_SHEETS)
def test_csv_round_trip_gives_typed_rows(template_id: str, sheet: str) -> None:
    row = example_row(template_id, sheet)
    data = csv_bytes(template_id, sheet, [row])
    extract = read_template(data)
    assert (extract.template_id, extract.version, extract.file_format, extract.encoding) == (
        template_id, template_specs()[template_id].version, "csv", "utf-8")
    assert extract.sheets == {sheet: [expected_row(template_id, sheet, row, 2)]}


def test_csv_encodings_order_and_lenient_forms() -> None:
    spec = sheet_spec("jugendamt_kitas", "kitas")
    header = list(reversed(spec.header))  # column order is free
    row = example_row(
        "jugendamt_kitas", "kitas", traeger_art="Sonstiger  Freier Träger", gemeinde_ags="5966004", plaetze="1.075",
        stichtag="2024-03-01", einrichtung_name="Kita »Sonnenschein«; Außenstelle",
    )
    row["einrichtung_name"] = '"' + row["einrichtung_name"] + '"'  # quoted cell holding ';'
    for encoding in ("utf-8-sig", "utf-8", "cp1252"):
        extract = read_template(csv_bytes("jugendamt_kitas", "kitas", [row], header=header, encoding=encoding))
        record = extract.sheets["kitas"][0]
        assert extract.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")
        assert record["traeger_art"] == "sonstiger freier Träger"
        assert record["gemeinde_ags"] == "05966004"
        assert record["plaetze"] == 1075
        assert record["stichtag"] == date(2024, 3, 1)
        assert record["einrichtung_name"] == "Kita »Sonnenschein«; Außenstelle"


def test_schuljahr_long_form_is_normalised_and_blank_rows_skipped() -> None:
    rows = [example_row("schulamt_schulen", "schulen", schuljahr="2023/2024", schulform="grundschule")]
    text = csv_bytes("schulamt_schulen", "schulen", rows).decode("utf-8-sig")
    text = "sep=;\r\n\r\n" + text + ";;;\r\n\r\n"
    extract = read_template(text.encode("utf-8"))
    (record,) = extract.sheets["schulen"]
    assert (record["schuljahr"], record["schulform"], record[LINE_KEY]) == ("2023/24", "Grundschule", 4)


def test_excel_and_csv_give_the_same_rows() -> None:
    row = example_row("schulamt_schulen", "schulen")
    from_csv = read_template(csv_bytes("schulamt_schulen", "schulen", [row])).sheets["schulen"]
    from_xlsx = read_template(
        fill_workbook("schulamt_schulen", {"schulen": [excel_values("schulamt_schulen", "schulen", row)]})
    ).sheets["schulen"]
    assert from_csv == from_xlsx


# --------------------------------------------------------------------------------------------------------------------
# Detection by content


def test_detection_by_content_not_name() -> None:
    xlsx = empty_workbook("schulamt_schulen")
    assert detect_template(xlsx) == ("schulamt_schulen", "schulen")
    assert detect_template(xlsx, "irgendwas.csv") == ("schulamt_schulen", "schulen")
    assert detect_template(empty_workbook("jugendamt_kitas")) == ("jugendamt_kitas", "kitas")
    kooperationen = empty_csv("ki_jahresbericht", "kooperationen")
    assert detect_template(kooperationen, "ki_jahresbericht__programme.csv") == ("ki_jahresbericht", "kooperationen")
    # A renamed column still finds its template (and reading then says which column is missing).
    header = [name if name != "schueler_auslaendisch" else "auslaender" for name in sheet_spec("schulamt_schulen", "schulen").header]
    assert detect_template(csv_bytes("schulamt_schulen", "schulen", [], header=header)) == ("schulamt_schulen", "schulen")


def test_detection_rejects_other_files() -> None:
    genesis = (
        "GENESIS-Tabelle: 12411-01-01-4\n;;Stichtag\n;;31.12.2018\n05966;  Olpe, Kreis;134775\n"
    ).encode("cp1252")
    assert detect_template(genesis) is None
    assert detect_template(b"") is None
    assert detect_template(b"ki_id;foo;bar;baz;qux\n") is None
    assert detect_template(b"PK\x03\x04 not really a zip") is None
    assert detect_template(b"\xd0\xcf\x11\xe0\x00\x00legacy xls") is None
    workbook = openpyxl.Workbook()
    workbook.active.append(["Region", "Wert"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert detect_template(buffer.getvalue()) is None


def test_comma_separated_csv_is_detected_and_rejected_with_reason() -> None:
    data = csv_bytes("ki_jahresbericht", "kooperationen", [example_row("ki_jahresbericht", "kooperationen")], separator=",")
    assert detect_template(data) == ("ki_jahresbericht", "kooperationen")
    error = rejected(data)
    assert error.message_de.startswith("Zeile 1: Die CSV-Datei ist mit Komma getrennt, die Vorlage verlangt Semikolon")
    assert error.line == 1


# --------------------------------------------------------------------------------------------------------------------
# Structural errors


def test_empty_file() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"  \r\n\r\n"):
        error = rejected(data)
        assert error.message_de.startswith("Die Datei ist leer.")


def test_file_that_is_no_template() -> None:
    error = rejected("Region;Wert\n05966;12\n".encode("utf-8"))
    assert "entspricht keiner Vorlage" in error.message_de and "»Region;Wert«" in error.message_de
    assert error.line == 1
    assert "keine lesbare Excel-Arbeitsmappe" in rejected(b"PK\x03\x04broken").message_de
    assert "alten Excel-Format (.xls)" in rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100).message_de


def test_missing_column() -> None:
    header = [name for name in sheet_spec("schulamt_schulen", "schulen").header if name != "schueler_auslaendisch"]
    error = rejected(csv_bytes("schulamt_schulen", "schulen", schulen_rows(1), header=header))
    assert error.message_de.startswith("Zeile 1: Spalte »schueler_auslaendisch« fehlt; gefunden: schulnummer, schuljahr,")
    assert error.line == 1 and error.value == "schueler_auslaendisch"


def test_renamed_column_in_excel() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook("schulamt_schulen")))
    worksheet = workbook["schulen"]
    worksheet["G1"] = "Ausländer"  # G is schueler_auslaendisch
    buffer = io.BytesIO()
    workbook.save(buffer)
    error = rejected(buffer.getvalue())
    assert error.message_de.startswith(
        "Tabellenblatt »schulen«, Zeile 1: Spalte »schueler_auslaendisch« fehlt; gefunden: schulnummer,"
    )
    assert "schueler_insgesamt, Ausländer, schueler_mit_zuwanderungsgeschichte" in error.message_de


def test_unknown_extra_and_duplicate_columns() -> None:
    header = list(sheet_spec("ki_jahresbericht", "kooperationen").header) + ["bemerkung"]
    row = {**example_row("ki_jahresbericht", "kooperationen"), "bemerkung": "x"}
    error = rejected(csv_bytes("ki_jahresbericht", "kooperationen", [row], header=header))
    assert error.message_de.startswith("Zeile 1, Spalte 5: Die Spalte »bemerkung« ist in der Vorlage nicht vorgesehen.")
    assert error.column == 5

    header = list(sheet_spec("ki_jahresbericht", "kooperationen").header) + ["anzahl"]
    error = rejected(csv_bytes("ki_jahresbericht", "kooperationen", [example_row("ki_jahresbericht", "kooperationen")], header=header))
    assert error.message_de.startswith("Zeile 1: Die Spalte »anzahl« kommt zweimal vor (Spalten 4 und 5).")


def test_value_in_a_column_without_header() -> None:
    text = csv_bytes("ki_jahresbericht", "kooperationen", [example_row("ki_jahresbericht", "kooperationen")]).decode("utf-8-sig")
    header, data = text.splitlines()[:2]
    error = rejected(f"{header};\r\n{data};Notiz\r\n".encode("utf-8"))
    assert error.message_de.startswith("Zeile 2, Spalte 5: Die Zelle »Notiz« steht in einer Spalte ohne Spaltennamen.")
    error = rejected(f"{header}\r\n{data};Notiz\r\n".encode("utf-8"))
    assert "Zeile 2: Die Zeile hat einen Wert (»Notiz«) in Spalte 5" in error.message_de


def test_no_data_rows() -> None:
    error = rejected(empty_csv("schulamt_schulen", "schulen"))
    assert error.message_de == "Die Datei enthält keine Datenzeilen: Unter der Kopfzeile ist nichts ausgefüllt."
    error = rejected(empty_workbook("jugendamt_kitas"))
    assert error.message_de.startswith("Das Tabellenblatt »kitas« enthält keine Datenzeilen")
    # Only an optional sheet filled: the required one is still empty.
    data = fill_workbook("ki_jahresbericht", {"kooperationen": [excel_values("ki_jahresbericht", "kooperationen", example_row("ki_jahresbericht", "kooperationen"))]})
    assert rejected(data).message_de.startswith("Das Tabellenblatt »stammdaten« enthält keine Datenzeilen")


def test_missing_required_sheet_and_mixed_templates() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook("ki_jahresbericht")))
    del workbook["stammdaten"]
    workbook["programme"].append(["05966", 2024, "Griffbereit", 2, 20, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    error = rejected(buffer.getvalue())
    assert error.message_de.startswith("Das Tabellenblatt »stammdaten« fehlt in der Arbeitsmappe")

    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook("jugendamt_kitas")))
    workbook.create_sheet("stammdaten").append(list(sheet_spec("ki_jahresbericht", "stammdaten").header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "mischt Tabellenblätter verschiedener Vorlagen" in rejected(buffer.getvalue()).message_de


def test_renamed_sheet_is_found_by_its_header() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook("jugendamt_kitas")))
    workbook["kitas"].title = "Tabelle1"
    row = excel_values("jugendamt_kitas", "kitas", example_row("jugendamt_kitas", "kitas"))
    workbook["Tabelle1"].append([row[name] for name in sheet_spec("jugendamt_kitas", "kitas").header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    extract = read_template(buffer.getvalue())
    assert extract.sheets["kitas"][0]["einrichtung_id"] == "500123"


def test_newer_template_version_in_workbook() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(empty_workbook("jugendamt_kitas")))
    workbook.properties.version = "2"
    row = excel_values("jugendamt_kitas", "kitas", example_row("jugendamt_kitas", "kitas"))
    workbook["kitas"].append([row[name] for name in sheet_spec("jugendamt_kitas", "kitas").header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    error = rejected(buffer.getvalue())
    assert "mit Version 2 der Vorlage" in error.message_de and "kennt nur Version 1" in error.message_de


# --------------------------------------------------------------------------------------------------------------------
# Cell and row errors


def test_wrong_type_names_line_and_column_csv_and_excel() -> None:
    rows = schulen_rows(6, r6={"schueler_insgesamt": "zwölf"})
    error = rejected(csv_bytes("schulamt_schulen", "schulen", rows))
    assert isinstance(error, TemplateValidationError)
    assert error.message_de == "Zeile 7, Spalte »schueler_insgesamt«: »zwölf« ist keine ganze Zahl."
    assert (error.line, error.column, error.value) == (7, 6, "zwölf")
    assert len(error.errors) == 1

    excel_rows = [excel_values("schulamt_schulen", "schulen", row) for row in schulen_rows(6)]
    excel_rows[5]["schueler_insgesamt"] = "zwölf"
    error = rejected(fill_workbook("schulamt_schulen", {"schulen": excel_rows}))
    assert error.message_de == (
        "Tabellenblatt »schulen«, Zeile 7, Spalte »schueler_insgesamt«: »zwölf« ist keine ganze Zahl."
    )
    assert (error.line, error.column) == (7, 6)


@pytest.mark.parametrize(
    ("template_id", "sheet", "changes", "message"),
    [
        ("schulamt_schulen", "schulen", {"schueler_insgesamt": "12,5"}, "»12,5« ist keine ganze Zahl."),
        ("ki_jahresbericht", "stammdaten", {"vzae_kommunal": "1.5"}, "»1.5« ist keine Zahl. Bitte das Dezimalkomma verwenden (z. B. 1,5)."),
        ("ki_jahresbericht", "stammdaten", {"integrationskonzept_beschlossen_am": "31.02.2016"}, "»31.02.2016« ist kein gültiges Datum (Form TT.MM.JJJJ, z. B. 14.12.2016)."),
        ("jugendamt_kitas", "kitas", {"stichtag": "15.03.2024"}, "»15.03.2024« ist kein gültiger Stichtag: Der Stichtag ist immer der 01.03. eines Jahres."),
        ("schulamt_schulen", "schulen", {"schulform": "Grundschul"}, "»Grundschul« ist kein erlaubter Wert. Erlaubt sind: Grundschule, Hauptschule,"),
        ("jugendamt_kitas", "kitas", {"traeger_art": "kirchlich"}, "»kirchlich« ist kein erlaubter Wert. Erlaubt sind: öffentlich, katholisch,"),
        ("ki_jahresbericht", "programme", {"programm": "Rucksack"}, "»Rucksack« ist kein erlaubter Wert. Erlaubt sind: Griffbereit, Rucksack KiTa,"),
        ("ki_jahresbericht", "kooperationen", {"partnertyp": "Verein"}, "»Verein« ist kein erlaubter Wert."),
        ("jugendamt_kitas", "kitas", {"plaetze": "-3"}, "-3 ist negativ; erlaubt sind nur Werte ab 0."),
        ("ki_jahresbericht", "stammdaten", {"vzae_sonstige": "-0,5"}, "-0,5 ist negativ; erlaubt sind nur Werte ab 0."),
        ("ki_jahresbericht", "stammdaten", {"berichtsjahr": "2011"}, "2011 ist kleiner als 2012."),
        ("schulamt_schulen", "schulen", {"gemeinde_ags": "06411000"}, "»06411000« ist kein Schlüssel in Nordrhein-Westfalen: NRW-Schlüssel beginnen mit 05."),
        ("schulamt_schulen", "schulen", {"gemeinde_ags": "05966"}, "»05966« ist kein gültiger Schlüssel: erwartet werden 8 Ziffern (z. B. 05966004)."),
        ("ki_jahresbericht", "kooperationen", {"ki_id": "059660"}, "»059660« ist kein gültiger Schlüssel: erwartet werden 5 oder 8 Ziffern"),
        ("ki_jahresbericht", "kooperationen", {"ki_id": "Olpe"}, "»Olpe« ist kein Gemeindeschlüssel (AGS)"),
        ("schulamt_schulen", "schulen", {"schulnummer": "12345"}, "»12345« hat nicht die verlangte Form (genau 6 Ziffern, z. B. 123456)."),
        ("jugendamt_kitas", "kitas", {"jugendamt": "05966999"}, "»05966999« hat nicht die verlangte Form (JH und 8 Ziffern, beginnend mit JH05"),
        ("schulamt_schulen", "hsu_sprachen", {"schuljahr": "2023"}, "»2023« ist kein Schuljahr (Form 2023/24)."),
        ("schulamt_schulen", "hsu_sprachen", {"schuljahr": "2023/25"}, "»2023/25« ist kein Schuljahr: Die Jahre müssen aufeinander folgen"),
        ("schulamt_schulen", "schulen", {"schulform": ""}, "Pflichtangabe fehlt (die Zelle ist leer)."),
    ],
)
def test_cell_errors(template_id: str, sheet: str, changes: dict[str, str], message: str) -> None:
    (column,) = changes
    data = csv_bytes(template_id, sheet, [example_row(template_id, sheet), example_row(template_id, sheet, **changes)])
    error = rejected(data)
    prefix = f"Zeile 3, Spalte »{column}«: "
    assert error.message_de.startswith(prefix + message), error.message_de
    assert error.line == 3
    assert error.column == sheet_spec(template_id, sheet).header.index(column) + 1


def test_part_greater_than_total() -> None:
    rows = schulen_rows(2, r2={"schueler_insgesamt": "120", "schueler_auslaendisch": "130"})
    error = rejected(csv_bytes("schulamt_schulen", "schulen", rows))
    assert error.message_de.startswith(
        "Zeile 3, Spalte »schueler_auslaendisch«: Der Wert 130 ist größer als »schueler_insgesamt« (120)."
    )
    assert error.column == 7
    kita = example_row("jugendamt_kitas", "kitas", kinder_unter_3="2")
    error = rejected(csv_bytes("jugendamt_kitas", "kitas", [kita]))
    assert error.message_de.startswith(
        "Zeile 2, Spalte »kinder_unter_3_auslaendische_herkunft«: Der Wert 3 ist größer als »kinder_unter_3« (2)."
    )
    # An empty total is not compared (it is reported as missing where it is required).
    optional = schulen_rows(1, r1={"uebergaenge_gymnasium": "", "uebergaenge_gymnasium_auslaendisch": "2"})
    assert read_template(csv_bytes("schulamt_schulen", "schulen", optional)).sheets["schulen"][0]["uebergaenge_gymnasium"] is None


def test_transitions_only_for_grundschulen() -> None:
    no_transitions = {name: "" for name in sheet_spec("schulamt_schulen", "schulen").header if name.startswith("uebergaenge_")}
    rows = schulen_rows(
        3,
        r1={"schulform": "Gymnasium", **no_transitions},
        r2={"schulform": "Gymnasium", **no_transitions, "uebergaenge_sekundarschule": "0"},  # 0 is allowed
        r3={"schulform": "Realschule", **no_transitions, "uebergaenge_gymnasium": "4"},
    )
    error = rejected(csv_bytes("schulamt_schulen", "schulen", rows))
    assert error.message_de == (
        "Zeile 4, Spalte »uebergaenge_gymnasium«: Angaben nur, wenn »schulform« Grundschule oder Förderschule ist "
        "(hier: Realschule). Bitte leer lassen."
    )
    assert len(error.errors) == 1


@pytest.mark.parametrize(
    ("template_id", "sheet", "message"),
    [
        ("schulamt_schulen", "schulen", "Zeile 3: Schulnummer und Schuljahr (123456, 2023/24) kommen doppelt vor, zuerst in Zeile 2."),
        ("schulamt_schulen", "hsu_sprachen", "Zeile 3: Schulnummer, Schuljahr und Sprache (123456, 2023/24, Türkisch) kommen doppelt vor, zuerst in Zeile 2."),
        ("jugendamt_kitas", "kitas", "Zeile 3: Einrichtung und Stichtag (500123, 01.03.2024) kommen doppelt vor, zuerst in Zeile 2."),
        ("ki_jahresbericht", "stammdaten", "Zeile 3: KI und Berichtsjahr (05966, 2024) kommen doppelt vor, zuerst in Zeile 2."),
        ("ki_jahresbericht", "programme", "Zeile 3: KI, Berichtsjahr und Programm (05966, 2024, Rucksack KiTa) kommen doppelt vor, zuerst in Zeile 2."),
        ("ki_jahresbericht", "kooperationen", "Zeile 3: KI, Berichtsjahr und Partnertyp (05966, 2024, Integrationsagentur) kommen doppelt vor, zuerst in Zeile 2."),
    ],
)
def test_duplicate_keys(template_id: str, sheet: str, message: str) -> None:
    row = example_row(template_id, sheet)
    error = rejected(csv_bytes(template_id, sheet, [row, dict(row)]))
    assert error.message_de.startswith(message), error.message_de
    assert error.line == 3


def test_duplicate_key_after_normalisation() -> None:
    # '2023/2024' and '2023/24' are the same Schuljahr; '5966' and '05966' the same KI.
    rows = [example_row("schulamt_schulen", "schulen"), example_row("schulamt_schulen", "schulen", schuljahr="2023/2024")]
    assert "kommen doppelt vor" in rejected(csv_bytes("schulamt_schulen", "schulen", rows)).message_de
    rows = [example_row("ki_jahresbericht", "stammdaten"), example_row("ki_jahresbericht", "stammdaten", ki_id="5966")]
    assert "KI und Berichtsjahr (05966, 2024) kommen doppelt vor" in rejected(csv_bytes("ki_jahresbericht", "stammdaten", rows)).message_de


def test_child_sheet_must_refer_to_parent_row() -> None:
    stammdaten = excel_values("ki_jahresbericht", "stammdaten", example_row("ki_jahresbericht", "stammdaten"))
    kooperation = excel_values("ki_jahresbericht", "kooperationen", example_row("ki_jahresbericht", "kooperationen", berichtsjahr="2023"))
    data = fill_workbook("ki_jahresbericht", {"stammdaten": [stammdaten], "kooperationen": [kooperation]})
    error = rejected(data)
    assert error.message_de.startswith(
        "Tabellenblatt »kooperationen«, Zeile 2: Zu KI und Berichtsjahr (05966, 2023) gibt es keine Zeile im "
        "Tabellenblatt »stammdaten«."
    )
    schule = excel_values("schulamt_schulen", "schulen", example_row("schulamt_schulen", "schulen"))
    sprache = excel_values("schulamt_schulen", "hsu_sprachen", example_row("schulamt_schulen", "hsu_sprachen", schulnummer="654321"))
    error = rejected(fill_workbook("schulamt_schulen", {"schulen": [schule], "hsu_sprachen": [sprache]}))
    assert "Zu Schulnummer und Schuljahr (654321, 2023/24) gibt es keine Zeile im Tabellenblatt »schulen«" in error.message_de


def test_all_row_errors_are_collected() -> None:
    rows = schulen_rows(
        4,
        r1={"schulform": "Gymnasiun"},
        r3={"gemeinde_ags": "06411000", "schueler_insgesamt": "-1"},
        r4={"schuljahr": "23/24"},
    )
    error = rejected(csv_bytes("schulamt_schulen", "schulen", rows))
    assert isinstance(error, TemplateValidationError)
    assert [(e.line, e.column) for e in error.errors] == [(2, 4), (4, 5), (4, 6), (5, 2)]
    assert error.message_de.endswith("Außerdem 3 weitere Fehler in der Datei.")
    assert error.message_de.startswith("Zeile 2, Spalte »schulform«: »Gymnasiun« ist kein erlaubter Wert.")
    assert "4 validation error(s)" in str(error)


def test_excel_number_cells_in_text_columns_and_date_serials() -> None:
    row = excel_values("jugendamt_kitas", "kitas", example_row("jugendamt_kitas", "kitas"))
    row["einrichtung_id"] = 500123  # typed as a number
    row["gemeinde_ags"] = 5966004.0
    row["stichtag"] = 45352  # 01.03.2024 as an Excel serial whose date format was lost
    extract = read_template(fill_workbook("jugendamt_kitas", {"kitas": [row]}))
    record = extract.sheets["kitas"][0]
    assert (record["einrichtung_id"], record["gemeinde_ags"], record["stichtag"]) == ("500123", "05966004", date(2024, 3, 1))

    row["stichtag"] = datetime(2024, 3, 2)
    error = rejected(fill_workbook("jugendamt_kitas", {"kitas": [row]}))
    assert error.message_de.startswith("Tabellenblatt »kitas«, Zeile 2, Spalte »stichtag«: »02.03.2024« ist kein gültiger Stichtag")


def test_workbook_with_wrong_stored_dimension_is_read_fully() -> None:
    # Some tools write <dimension ref="A1"/> whatever the content; read-only openpyxl would then see one cell.
    import re
    import zipfile

    row = excel_values("ki_jahresbericht", "stammdaten", example_row("ki_jahresbericht", "stammdaten"))
    data = fill_workbook("ki_jahresbericht", {"stammdaten": [row]})
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', content)
                assert count == 1
            out.writestr(item, content)
    extract = read_template(target.getvalue())
    assert extract.sheets["stammdaten"] == [expected_row("ki_jahresbericht", "stammdaten", example_row("ki_jahresbericht", "stammdaten"), 2)]
