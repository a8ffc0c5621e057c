"""Reader for the three templates of extracts the Kreis holds itself (docs/templates.md): Schulamt school-level extract,
Jugendamt KiTa extract and KI annual report. The templates are defined in pipelines/templates/kreis_templates.yml
and documented in docs/templates.md.

Two forms of each template:

    Excel (.xlsx)   one sheet per template sheet (e.g. 'stammdaten', 'programme', 'kooperationen'), column names
                    in row 1, data from row 2; the sheets 'Erläuterungen' and 'Listen' are ignored
    CSV             one file per template sheet: UTF-8 (with or without BOM; cp1252 is read too), ';' separated,
                    decimal comma, column names in the first line, data below

A file is recognised by its header row (the column names), not by its name: every sheet of every template has a
different set of column names. Validation follows the YAML: columns present and not renamed, types, allowed values,
bounds, parts not above their totals, rules that apply to some Schulformen only, unique keys, and (Excel) child
sheets referring to an existing parent row. Row-level problems are collected, and the first one is raised as a
TemplateValidationError (a ReaderError) that lists all of them in `errors`; structural problems (no template,
missing columns, no data rows) raise a ReaderError at once.

The reader is a pure function of the bytes. It does not check that codes exist (Gemeinde AGS, KI, Jugendamt) beyond
their form: that needs the reference tables and is the pipeline's job.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pipelines.readers.errors import ReaderError
from pipelines.readers.workbook_limits import check_unpacked_size
from pipelines.templates.spec import AUX_SHEETS, ColumnSpec, SheetSpec, TemplateSpec, template_specs

__all__ = [
    "LINE_KEY",
    "TemplateExtract",
    "TemplateValidationError",
    "detect_template",
    "read_template",
]

# Key of the source line in every row dict: the Excel row number, or the CSV line (1-based, physical line).
LINE_KEY = "_line"

# Share of common column names (of all names in header and template) from which a header counts as the template's
# header. High enough that no two sheets compete, low enough that a renamed column still finds its template and the
# user gets "Spalte ... fehlt" instead of "unbekannte Datei".
_MATCH_THRESHOLD = 0.5

_MAX_ERRORS = 500

_USE_TEMPLATE = (
    "Bitte die leere Vorlage herunterladen (siehe docs/templates.md) und die Spaltennamen in Zeile 1 "
    "unverändert lassen."
)


@dataclass
class TemplateExtract:
    """The typed rows of one file.

    sheets: per template sheet the rows as dicts column name -> value (int, Decimal, date, str or None for an empty
    cell) plus LINE_KEY -> source line. An Excel file gives every sheet of the template (optional sheets may be
    empty lists); a CSV file gives the one sheet it holds.
    """

    template_id: str
    version: int
    sheets: dict[str, list[dict[str, Any]]]
    file_format: str = "xlsx"  # 'xlsx' or 'csv'
    encoding: str | None = None  # CSV only: 'utf-8', 'cp1252' or 'latin-1'


class TemplateValidationError(ReaderError):
    """One or more rows break the template's rules. The message, line and column are those of the first problem;
    `errors` holds every problem found (at most 500), each a ReaderError with its own line and column."""

    def __init__(self, errors: list[ReaderError]) -> None:
        first = errors[0]
        message = first.message_de
        if len(errors) > 1:
            more = len(errors) - 1
            message += f" Außerdem {'ein weiterer Fehler' if more == 1 else f'{more} weitere Fehler'} in der Datei."
        super().__init__(
            message,
            f"{len(errors)} validation error(s); first: {first.detail}",
            line=first.line,
            column=first.column,
            value=first.value,
        )
        self.errors = errors


# --------------------------------------------------------------------------------------------------------------------
# Public API


def detect_template(data: bytes, file_name: str | None = None) -> tuple[str, str] | None:
    """(template id, sheet) if the bytes are one of the Kreis templates, else None. Never raises.

    Excel: the first template sheet (in template order) found in the workbook. CSV: the sheet whose column names the
    header row holds (also when it is separated by ',' or tab, so that reading reports the wrong separator).
    `file_name` is not needed; it only breaks a tie between equally good CSV matches by its '__<sheet>' suffix.
    """
    try:
        if _is_xlsx(data):
            matched = _match_workbook(_workbook_tables(_open_workbook(data)))
            if not matched:
                return None
            template = _template_of(matched)
            if template is None:
                return None
            found = {sheet.name for _, sheet in matched.values()}
            first = next(sheet for sheet in template.sheets if sheet.name in found)
            return template.id, first.name
        if _is_binary(data):
            return None
        text, _ = _decode(data)
        header = _csv_header(text)
        if header is None:
            return None
        _, cells = header
        match = _match_header(cells, file_name)
        if match is None and len(cells) == 1:
            for delimiter in (",", "\t"):
                match = _match_header(next(csv.reader([cells[0]], delimiter=delimiter)), file_name)
                if match is not None:
                    break
        if match is None:
            return None
        return match[0].id, match[1].name
    except (ReaderError, csv.Error, zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None


def read_template(data: bytes, file_name: str | None = None) -> TemplateExtract:
    """Read and validate a filled template (Excel workbook or CSV of one sheet)."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ReaderError(
            "Die Datei ist leer. Bitte die ausgefüllte Vorlage (Excel oder CSV) hochladen.",
            "file is empty or whitespace only",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReaderError(
            "Die Datei ist im alten Excel-Format (.xls). Bitte in Excel »Speichern unter« wählen und als "
            "»Excel-Arbeitsmappe (.xlsx)« speichern.",
            "OLE2 compound file (legacy .xls), not supported",
        )
    if _is_xlsx(data):
        return _read_xlsx(data)
    if _is_binary(data):
        raise ReaderError(
            "Die Datei ist weder eine Excel-Arbeitsmappe (.xlsx) noch eine CSV-Datei. " + _USE_TEMPLATE,
            "binary content that is not a zip (xlsx) file",
        )
    return _read_csv(data, file_name)


# --------------------------------------------------------------------------------------------------------------------
# Tables: a header row and data rows, from either format


@dataclass
class _Table:
    where: str  # German prefix for messages: '' (CSV) or 'Tabellenblatt »schulen«, '
    where_en: str  # 'csv' or "sheet 'schulen'"
    header_line: int
    header: list[Any]  # raw header cells
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (line, raw cells), blank rows left out
    title: str | None = None  # Excel sheet name


def _norm(name: Any) -> str:
    """Header cell -> comparable column name: stripped, case-folded, inner blanks as '_'."""
    if name is None:
        return ""
    return "_".join(str(name).split()).casefold()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_names(cells: list[Any]) -> list[str]:
    return [_norm(cell) for cell in cells if not _is_blank(cell)]


def _score(names: list[str], sheet: SheetSpec) -> float:
    found, expected = set(names), set(sheet.header)
    union = found | expected
    return len(found & expected) / len(union) if union else 0.0


def _match_header(cells: list[Any], file_name: str | None = None) -> tuple[TemplateSpec, SheetSpec] | None:
    """The template sheet whose column names the header holds best, if clearly so."""
    names = _header_names(cells)
    if not names:
        return None
    scored = sorted(
        (
            (_score(names, sheet), template, sheet)
            for template in template_specs().values()
            for sheet in template.sheets
        ),
        key=lambda item: -item[0],
    )
    best = [item for item in scored if item[0] == scored[0][0]]
    if scored[0][0] < _MATCH_THRESHOLD:
        return None
    if len(best) > 1 and file_name:
        best = [item for item in best if file_name.casefold().endswith(f"__{item[2].name}.csv")] or best
    if len(best) > 1:
        return None
    return best[0][1], best[0][2]


# --------------------------------------------------------------------------------------------------------------------
# Excel


def _is_xlsx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def _is_binary(data: bytes) -> bool:
    return b"\x00" in data[:4096]


@dataclass(frozen=True)
class _Workbook:
    """The cell values of every worksheet (python-calamine: fast, read-only) and the document properties."""

    sheets: dict[str, list[list[Any]]]
    properties: dict[str, str]


def _open_workbook(data: bytes) -> _Workbook:
    from python_calamine import CalamineWorkbook  # imported here: reading CSV templates does not need it

    check_unpacked_size(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names
            if name not in AUX_SHEETS
        }
    except Exception as error:  # calamine raises zip and XML errors for files that are not workbooks
        raise ReaderError(
            "Die Datei ist keine lesbare Excel-Arbeitsmappe (.xlsx). Bitte die Datei in Excel öffnen und erneut als "
            "»Excel-Arbeitsmappe (.xlsx)« speichern.",
            f"calamine cannot load the file: {type(error).__name__}: {error}",
        ) from None
    return _Workbook(sheets=sheets, properties=workbook_properties(data))


def workbook_properties(data: bytes) -> dict[str, str]:
    """Document properties of an .xlsx (docProps/core.xml): title, subject, description, keywords, creator,
    identifier, version. Empty if the file has none."""
    import xml.etree.ElementTree as ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return {}
    return {element.tag.rsplit("}", 1)[-1]: (element.text or "").strip() for element in root}


def _cell_value(value: Any) -> Any:
    """Calamine gives '' for an empty cell and a date for a date cell; the parsers expect None and datetime."""
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _workbook_tables(workbook: _Workbook) -> list[_Table]:
    tables: list[_Table] = []
    for title, rows in workbook.sheets.items():
        table: _Table | None = None
        for line, values in enumerate(rows, start=1):
            cells = [_cell_value(value) for value in values]
            if all(_is_blank(cell) for cell in cells):
                continue
            if table is None:
                table = _Table(
                    where=f"Tabellenblatt »{title}«, ",
                    where_en=f"sheet {title!r}",
                    header_line=line,
                    header=cells,
                    title=title,
                )
            else:
                table.rows.append((line, cells))
        if table is None:
            table = _Table(
                where=f"Tabellenblatt »{title}«, ", where_en=f"sheet {title!r}", header_line=1, header=[], title=title
            )
        tables.append(table)
    return tables


def _match_workbook(tables: list[_Table]) -> dict[str, tuple[TemplateSpec, SheetSpec]]:
    """Worksheet title -> (template, sheet): by header row, else by the sheet's name."""
    by_name = {
        sheet.name.casefold(): (template, sheet) for template in template_specs().values() for sheet in template.sheets
    }
    matched: dict[str, tuple[TemplateSpec, SheetSpec]] = {}
    for table in tables:
        match = _match_header(table.header) or by_name.get((table.title or "").strip().casefold())
        if match is not None:
            matched[table.title or ""] = match
    return matched


def _template_of(matched: dict[str, tuple[TemplateSpec, SheetSpec]]) -> TemplateSpec | None:
    templates = {template.id: template for template, _ in matched.values()}
    return next(iter(templates.values())) if len(templates) == 1 else None


def _read_xlsx(data: bytes) -> TemplateExtract:
    workbook = _open_workbook(data)
    tables = _workbook_tables(workbook)
    declared_id = workbook.properties.get("identifier", "")
    declared_version = workbook.properties.get("version", "")

    matched = _match_workbook(tables)
    sheet_names = ", ".join(f"»{table.title}«" for table in tables) or "keine"
    if not matched:
        raise ReaderError(
            "Die Arbeitsmappe entspricht keiner Vorlage (Schulamt, Jugendamt, KI-Jahresbericht): Kein Tabellenblatt "
            f"hat die Spaltennamen einer Vorlage in der ersten Zeile (Tabellenblätter: {sheet_names}). "
            + _USE_TEMPLATE,
            f"no worksheet header matches a template sheet; worksheets: {[t.title for t in tables]}",
        )
    template = _template_of(matched)
    if template is None:
        found = sorted({f"»{spec.title}«" for spec, _ in matched.values()})
        raise ReaderError(
            f"Die Arbeitsmappe mischt Tabellenblätter verschiedener Vorlagen ({', '.join(found)}). Bitte je Vorlage "
            "eine eigene Datei hochladen.",
            f"worksheets match several templates: {sorted({spec.id for spec, _ in matched.values()})}",
        )
    version = _declared_version(template, declared_id, declared_version)

    by_sheet: dict[str, _Table] = {}
    for table in tables:
        if (table.title or "") not in matched:
            continue
        sheet = matched[table.title or ""][1]
        if sheet.name in by_sheet:
            raise ReaderError(
                f"Die Tabellenblätter »{by_sheet[sheet.name].title}« und »{table.title}« enthalten beide das "
                f"Blatt »{sheet.name}« der Vorlage. Bitte nur eines davon behalten.",
                f"worksheets {by_sheet[sheet.name].title!r} and {table.title!r} both match sheet {sheet.name!r}",
            )
        by_sheet[sheet.name] = table

    for sheet in template.sheets:
        if sheet.required and sheet.name not in by_sheet:
            raise ReaderError(
                f"Das Tabellenblatt »{sheet.name}« fehlt in der Arbeitsmappe (gefunden: {sheet_names}). "
                + _USE_TEMPLATE,
                f"required sheet {sheet.name!r} missing; worksheets: {[t.title for t in tables]}",
            )

    errors: list[ReaderError] = []
    sheets: dict[str, list[dict[str, Any]]] = {}
    for sheet in template.sheets:
        table = by_sheet.get(sheet.name)
        if table is None:
            sheets[sheet.name] = []
            continue
        _check_header(table, sheet)
        if not table.rows and sheet.required:
            raise ReaderError(
                f"Das Tabellenblatt »{table.title}« enthält keine Datenzeilen: Unter der Kopfzeile ist nichts "
                "ausgefüllt.",
                f"sheet {table.title!r} has a header but no data rows",
                line=table.header_line,
            )
        sheets[sheet.name] = _validate_rows(table, sheet, errors)
    if not any(sheets.values()):
        raise ReaderError(
            "Die Arbeitsmappe enthält keine Datenzeilen: Unter den Kopfzeilen ist nichts ausgefüllt.",
            "no data rows in any sheet",
        )
    for sheet in template.sheets:
        if sheet.parent is not None and sheet.name in by_sheet:
            _check_parent(by_sheet[sheet.name], sheet, template.sheet(sheet.parent.sheet), sheets, errors)
    if errors:
        raise TemplateValidationError(errors)
    return TemplateExtract(template_id=template.id, version=version, sheets=sheets, file_format="xlsx")


def _declared_version(template: TemplateSpec, declared_id: str, declared_version: str) -> int:
    """The version written into the workbook's properties by the template, else the current one."""
    if declared_id != template.id or not declared_version.isdigit():
        return template.version
    version = int(declared_version)
    if version > template.version:
        raise ReaderError(
            f"Die Arbeitsmappe ist mit Version {version} der Vorlage »{template.title}« erstellt; dieses Programm "
            f"kennt nur Version {template.version}. Bitte das Programm aktualisieren oder die aktuelle Vorlage "
            "verwenden.",
            f"workbook declares template {template.id} version {version}, newest known is {template.version}",
        )
    return version


# --------------------------------------------------------------------------------------------------------------------
# CSV


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM optional) if it decodes strictly, else cp1252, else latin-1 (which never fails); LF line ends."""
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _csv_records(text: str) -> list[tuple[int, list[str]]]:
    """(first physical line, cells) per CSV record, ';' separated, quotes as in Excel."""
    lines = [line + "\n" for line in text.split("\n")]
    if text.endswith("\n"):
        lines.pop()
    elif lines:
        lines[-1] = lines[-1][:-1]
    reader = csv.reader(lines, delimiter=";", quotechar='"', doublequote=True, strict=True)
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            start = previous_end + 1
            raise ReaderError(
                f"Zeile {start}: Die CSV-Struktur ist fehlerhaft (ein Anführungszeichen ist nicht geschlossen oder "
                "steht mitten in einer Zelle). Bitte die Datei erneut aus Excel als CSV speichern.",
                f"csv error from line {start}: {error}",
                line=start,
            ) from None
        records.append((previous_end + 1, cells))
        previous_end = reader.line_num
    return records


def _is_sep_line(cells: list[str]) -> bool:
    """Excel's optional first line 'sep=;' that names the separator."""
    return re.fullmatch(r"sep=.?", ";".join(cells).strip()) is not None


def _csv_header(text: str) -> tuple[int, list[str]] | None:
    """The first non-blank record of the text (after an optional Excel 'sep=;' line), or None."""
    for line, cells in _csv_records(text):
        if all(_is_blank(cell) for cell in cells):
            continue
        if _is_sep_line(cells):
            continue
        return line, cells
    return None


def _read_csv(data: bytes, file_name: str | None) -> TemplateExtract:
    text, encoding = _decode(data)
    records = _csv_records(text)
    header: tuple[int, list[str]] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for line, cells in records:
        if all(_is_blank(cell) for cell in cells):
            continue
        if header is None:
            if _is_sep_line(cells):
                continue
            header = (line, cells)
        else:
            rows.append((line, list(cells)))
    if header is None:
        raise ReaderError(
            "Die Datei ist leer. Bitte die ausgefüllte Vorlage (Excel oder CSV) hochladen.",
            "file contains only blank lines",
        )
    header_line, header_cells = header

    match = _match_header(header_cells, file_name)
    if match is None:
        if len(header_cells) == 1:
            for delimiter, name in ((",", "Komma"), ("\t", "Tabulator")):
                if _match_header(next(csv.reader([header_cells[0]], delimiter=delimiter)), file_name):
                    raise ReaderError(
                        f"Zeile {header_line}: Die CSV-Datei ist mit {name} getrennt, die Vorlage verlangt Semikolon "
                        "(;). Bitte in Excel als »CSV (Trennzeichen-getrennt)« mit deutschen Ländereinstellungen "
                        "speichern oder die Excel-Vorlage hochladen.",
                        f"line {header_line}: header separated by {delimiter!r} instead of ';'",
                        line=header_line,
                    )
        shown = ";".join(str(cell) for cell in header_cells)[:200]
        raise ReaderError(
            "Die Datei entspricht keiner Vorlage (Schulamt, Jugendamt, KI-Jahresbericht): Die Kopfzeile "
            f"»{shown}« enthält nicht die Spaltennamen einer Vorlage. " + _USE_TEMPLATE,
            f"line {header_line}: header matches no template sheet: {shown!r}",
            line=header_line,
            value=shown,
        )
    template, sheet = match
    table = _Table(where="", where_en="csv", header_line=header_line, header=list(header_cells), rows=rows)
    _check_header(table, sheet)
    if not rows:
        raise ReaderError(
            "Die Datei enthält keine Datenzeilen: Unter der Kopfzeile ist nichts ausgefüllt.",
            "csv has a header but no data rows",
            line=header_line,
        )
    errors: list[ReaderError] = []
    records_out = _validate_rows(table, sheet, errors)
    if errors:
        raise TemplateValidationError(errors)
    return TemplateExtract(
        template_id=template.id,
        version=template.version,
        sheets={sheet.name: records_out},
        file_format="csv",
        encoding=encoding,
    )


# --------------------------------------------------------------------------------------------------------------------
# Validation


def _check_header(table: _Table, sheet: SheetSpec) -> None:
    """Every column of the sheet exactly once, nothing else (except empty header cells over empty columns)."""
    where, line = table.where, table.header_line
    positions: dict[str, int] = {}
    found: list[str] = []
    for index, cell in enumerate(table.header):
        if _is_blank(cell):
            continue
        name = _norm(cell)
        found.append(str(cell).strip())
        if name in positions:
            raise ReaderError(
                f"{where}Zeile {line}: Die Spalte »{str(cell).strip()}« kommt zweimal vor (Spalten "
                f"{positions[name] + 1} und {index + 1}). Bitte eine davon löschen.",
                f"{table.where_en} line {line}: duplicate column {name!r} at {positions[name] + 1} and {index + 1}",
                line=line,
                column=index + 1,
                value=str(cell),
            )
        positions[name] = index

    missing = [column.name for column in sheet.columns if column.name not in positions]
    if missing:
        names = ", ".join(f"»{name}«" for name in missing)
        verb = "fehlt" if len(missing) == 1 else "fehlen"
        label = "Spalte" if len(missing) == 1 else "Spalten"
        raise ReaderError(
            f"{where}Zeile {line}: {label} {names} {verb}; gefunden: {', '.join(found) or 'keine Spaltennamen'}. "
            "Bitte die Spaltennamen der Vorlage unverändert lassen (Spalten ohne Angaben leer lassen, nicht "
            "löschen).",
            f"{table.where_en} line {line}: missing column(s) {missing}; found {found}",
            line=line,
            value=", ".join(missing),
        )
    expected = set(sheet.header)
    for name, index in positions.items():
        if name not in expected:
            cell = str(table.header[index]).strip()
            raise ReaderError(
                f"{where}Zeile {line}, Spalte {index + 1}: Die Spalte »{cell}« ist in der Vorlage nicht vorgesehen. "
                f"Erlaubt sind: {', '.join(sheet.header)}.",
                f"{table.where_en} line {line}: unknown column {cell!r} at {index + 1}",
                line=line,
                column=index + 1,
                value=cell,
            )
    for index, cell in enumerate(table.header):
        if not _is_blank(cell):
            continue
        for row_line, cells in table.rows:
            if index < len(cells) and not _is_blank(cells[index]):
                raise ReaderError(
                    f"{where}Zeile {row_line}, Spalte {index + 1}: Die Zelle »{_show(cells[index])}« steht in einer "
                    "Spalte ohne Spaltennamen. Bitte Werte nur in die Spalten der Vorlage eintragen.",
                    f"{table.where_en} line {row_line}: value in column {index + 1} which has no header",
                    line=row_line,
                    column=index + 1,
                    value=_show(cells[index]),
                )


class _CellError(Exception):
    def __init__(self, message_de: str, detail: str) -> None:
        super().__init__(detail)
        self.message_de = message_de
        self.detail = detail


def _validate_rows(table: _Table, sheet: SheetSpec, errors: list[ReaderError]) -> list[dict[str, Any]]:
    positions = {_norm(cell): index for index, cell in enumerate(table.header) if not _is_blank(cell)}
    width = len(table.header)
    seen_keys: dict[tuple[Any, ...], int] = {}
    out: list[dict[str, Any]] = []

    def add(line: int, column: ColumnSpec | None, message: str, detail: str, raw: Any = None) -> None:
        if len(errors) >= _MAX_ERRORS:
            return
        where_column = f", Spalte »{column.name}«" if column is not None else ""
        errors.append(
            ReaderError(
                f"{table.where}Zeile {line}{where_column}: {message}",
                f"{table.where_en} line {line}{' column ' + repr(column.name) if column else ''}: {detail}",
                line=line,
                column=positions[column.name] + 1 if column is not None else None,
                value=None if raw is None else _show(raw),
            )
        )

    for line, cells in table.rows:
        for index in range(width, len(cells)):
            if not _is_blank(cells[index]):
                add(
                    line,
                    None,
                    f"Die Zeile hat einen Wert (»{_show(cells[index])}«) in Spalte {index + 1}, rechts der letzten "
                    "Spalte der Vorlage.",
                    f"value beyond the header in column {index + 1}",
                    cells[index],
                )
                break
        record: dict[str, Any] = {LINE_KEY: line}
        failed: set[str] = set()
        for column in sheet.columns:
            index = positions[column.name]
            raw = cells[index] if index < len(cells) else None
            try:
                record[column.name] = _parse(raw, column)
            except _CellError as error:
                record[column.name] = None
                failed.add(column.name)
                add(line, column, error.message_de, error.detail, raw)
                continue
            if record[column.name] is None and column.required:
                failed.add(column.name)
                add(line, column, "Pflichtangabe fehlt (die Zelle ist leer).", "required cell is empty")

        for column in sheet.columns:
            value = record[column.name]
            if value is None:
                continue
            for other in column.not_above:
                total = record[other]
                if total is not None and value > total:
                    add(
                        line,
                        column,
                        f"Der Wert {_show(value)} ist größer als »{other}« ({_show(total)}). Eine Teilmenge kann "
                        "nicht größer als die Gesamtzahl sein.",
                        f"{value} exceeds {other} = {total}",
                        value,
                    )
            condition = column.only_if
            if condition is not None and value != 0 and condition.column not in failed:
                actual = record[condition.column]
                if actual is not None and actual not in condition.values:
                    add(
                        line,
                        column,
                        f"Angaben nur, wenn »{condition.column}« {' oder '.join(condition.values)} ist (hier: "
                        f"{actual}). Bitte leer lassen.",
                        f"only allowed when {condition.column} in {list(condition.values)}, found {actual!r}",
                        value,
                    )

        key = tuple(record[name] for name in sheet.key)
        if all(value is not None for value in key):
            if key in seen_keys:
                shown = ", ".join(_show(value) for value in key)
                add(
                    line,
                    None,
                    f"{sheet.key_de} ({shown}) kommen doppelt vor, zuerst in Zeile {seen_keys[key]}. Bitte die "
                    "doppelte Zeile löschen oder zusammenfassen.",
                    f"duplicate key {dict(zip(sheet.key, key))} (first in line {seen_keys[key]})",
                    shown,
                )
            else:
                seen_keys[key] = line
        out.append(record)
    return out


def _check_parent(
    table: _Table,
    sheet: SheetSpec,
    parent: SheetSpec,
    sheets: dict[str, list[dict[str, Any]]],
    errors: list[ReaderError],
) -> None:
    assert sheet.parent is not None
    names = sheet.parent.columns
    existing = {tuple(row[name] for name in names) for row in sheets[parent.name]}
    key_de = parent.key_de if tuple(parent.key) == tuple(names) else ", ".join(names)
    for row in sheets[sheet.name]:
        key = tuple(row[name] for name in names)
        if any(value is None for value in key) or key in existing:
            continue
        if len(errors) >= _MAX_ERRORS:
            return
        shown = ", ".join(_show(value) for value in key)
        errors.append(
            ReaderError(
                f"{table.where}Zeile {row[LINE_KEY]}: Zu {key_de} ({shown}) gibt es keine Zeile im Tabellenblatt "
                f"»{parent.name}«. Bitte dort ergänzen oder die Angaben angleichen.",
                f"{table.where_en} line {row[LINE_KEY]}: {dict(zip(names, key))} not in sheet {parent.name!r}",
                line=row[LINE_KEY],
                value=shown,
            )
        )


# --------------------------------------------------------------------------------------------------------------------
# Cell values

_INTEGER = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,0+)?$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SCHULJAHR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")


def _parse(raw: Any, column: ColumnSpec) -> Any:
    """Typed value of a cell (None when empty), or _CellError with the German reason."""
    if _is_blank(raw):
        return None
    if isinstance(raw, str):
        raw = raw.strip()
    parse = {
        "text": _parse_text,
        "integer": _parse_integer,
        "decimal": _parse_decimal,
        "date": _parse_date,
        "ags": _parse_ags,
        "schuljahr": _parse_schuljahr,
    }[column.type]
    value = parse(raw, column)
    if column.type in ("integer", "decimal"):
        if column.min is not None and value < column.min:
            if column.min == 0:
                raise _CellError(
                    f"{_show(value)} ist negativ; erlaubt sind nur Werte ab 0.", f"{value} is negative"
                )
            raise _CellError(f"{_show(value)} ist kleiner als {_show(column.min)}.", f"{value} below min {column.min}")
        if column.max is not None and value > column.max:
            raise _CellError(f"{_show(value)} ist größer als {_show(column.max)}.", f"{value} above max {column.max}")
    return value


def _parse_text(raw: Any, column: ColumnSpec) -> str:
    if isinstance(raw, bool):
        raise _CellError(f"»{_show(raw)}« ist kein Text.", f"boolean {raw!r} in a text column")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # Excel stores a typed number such as a Schulnummer as a float
    text = raw if isinstance(raw, str) else _show(raw)
    if column.allowed_values:
        wanted = " ".join(text.split()).casefold()
        for allowed in column.allowed_values:
            if allowed.value.casefold() == wanted:
                return allowed.value
        values = ", ".join(value.value for value in column.allowed_values)
        raise _CellError(
            f"»{text}« ist kein erlaubter Wert. Erlaubt sind: {values}.", f"{text!r} not in list {column.allowed!r}"
        )
    if column.pattern is not None and not re.fullmatch(column.pattern, text):
        raise _CellError(
            f"»{text}« hat nicht die verlangte Form ({column.pattern_de}, z. B. {column.example}).",
            f"{text!r} does not match {column.pattern!r}",
        )
    return text


def _parse_integer(raw: Any, column: ColumnSpec) -> int:
    if isinstance(raw, bool):
        pass
    elif isinstance(raw, int):
        return raw
    elif isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
    elif isinstance(raw, Decimal):
        if raw == raw.to_integral_value():
            return int(raw)
    elif isinstance(raw, str) and _INTEGER.match(raw):
        return int(raw.split(",")[0].replace(".", ""))
    raise _CellError(f"»{_show(raw)}« ist keine ganze Zahl.", f"{raw!r} is not an integer")


def _parse_decimal(raw: Any, column: ColumnSpec) -> Decimal:
    if isinstance(raw, bool):
        pass
    elif isinstance(raw, int):
        return Decimal(raw)
    elif isinstance(raw, float):
        return Decimal(repr(round(raw, 9)))  # drop binary noise such as 0.30000000000000004
    elif isinstance(raw, Decimal):
        return raw
    elif isinstance(raw, str) and _DECIMAL.match(raw):
        return Decimal(raw.replace(".", "").replace(",", "."))
    hint = " Bitte das Dezimalkomma verwenden (z. B. 1,5)." if isinstance(raw, str) and "." in raw else ""
    raise _CellError(f"»{_show(raw)}« ist keine Zahl.{hint}", f"{raw!r} is not a decimal number")


def _parse_date(raw: Any, column: ColumnSpec) -> date:
    value: date | None = None
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        from openpyxl.utils.datetime import from_excel  # a date cell that lost its date format

        value = from_excel(raw).date()
    elif isinstance(raw, str):
        match = _GERMAN_DATE.match(raw)
        parts = (match.group(3), match.group(2), match.group(1)) if match else None
        iso = _ISO_DATE.match(raw)
        if iso:
            parts = (iso.group(1), iso.group(2), iso.group(3))
        if parts is not None:
            try:
                value = date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                value = None
    if value is None:
        raise _CellError(
            f"»{_show(raw)}« ist kein gültiges Datum (Form TT.MM.JJJJ, z. B. {column.example}).",
            f"{raw!r} is not a date",
        )
    if column.day_month is not None and (value.day, value.month) != column.day_month:
        day, month = column.day_month
        raise _CellError(
            f"»{_show(value)}« ist kein gültiger Stichtag: Der Stichtag ist immer der {day:02d}.{month:02d}. eines "
            "Jahres.",
            f"{value.isoformat()} is not day/month {day:02d}.{month:02d}.",
        )
    return value


def _parse_ags(raw: Any, column: ColumnSpec) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
    lengths = column.ags_lengths
    described = " oder ".join(f"{length}" for length in lengths) + " Ziffern"
    if not isinstance(text, str) or not text.isdigit() or not text.isascii():
        raise _CellError(
            f"»{_show(raw)}« ist kein Gemeindeschlüssel (AGS): erwartet werden {described}, z. B. {column.example}.",
            f"{raw!r} is not a digit string",
        )
    if len(text) + 1 in lengths and text.startswith("5"):
        text = "0" + text  # Excel drops the leading zero of a code typed as a number
    if len(text) not in lengths:
        raise _CellError(
            f"»{_show(raw)}« ist kein gültiger Schlüssel: erwartet werden {described} (z. B. {column.example}).",
            f"{raw!r} has {len(text)} digits, expected {list(lengths)}",
        )
    if not text.startswith("05"):
        raise _CellError(
            f"»{text}« ist kein Schlüssel in Nordrhein-Westfalen: NRW-Schlüssel beginnen mit 05.",
            f"{text!r} does not start with 05 (NRW)",
        )
    return text


def _parse_schuljahr(raw: Any, column: ColumnSpec) -> str:
    match = _SCHULJAHR.match(raw) if isinstance(raw, str) else None
    if match is None:
        hint = " Bitte die Zelle als Text formatieren." if isinstance(raw, (datetime, date, int, float)) else ""
        raise _CellError(
            f"»{_show(raw)}« ist kein Schuljahr (Form 2023/24).{hint}", f"{raw!r} is not a school year"
        )
    first, second = int(match.group(1)), match.group(2)
    expected = first + 1 if len(second) == 4 else (first + 1) % 100
    if int(second) != expected:
        raise _CellError(
            f"»{raw}« ist kein Schuljahr: Die Jahre müssen aufeinander folgen (z. B. 2023/24).",
            f"{raw!r}: years are not consecutive",
        )
    return f"{first}/{(first + 1) % 100:02d}"


def _show(value: Any) -> str:
    """A value as the user would write it: decimal comma, TT.MM.JJJJ."""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%d.%m.%Y %H:%M")
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value).strip()


# --------------------------------------------------------------------------------------------------------------------
# Who holds a file (for the dashboard's scoping of rejected files, which have no rows in the warehouse)

def owner_codes(data: bytes) -> set[str]:
    """The Kreise and KIs a Kreis template file belongs to, read from its cells even when the file does not read
    cleanly: the Kreis (first 5 digits) of every gemeinde_ags and 'KI' + every ki_id. The mart source_file_versions
    applies the same rule to the rows of loaded files. Empty when the file is no template; never raises."""
    try:
        if _is_xlsx(data):
            tables = _workbook_tables(_open_workbook(data))
        else:
            text, _ = _decode(data)
            header = _csv_header(text)
            if header is None:
                return set()
            line, cells = header
            rows = [record for record in _csv_records(text) if record[0] > line]
            tables = [_Table(where="", where_en="csv", header_line=line, header=cells, rows=rows)]
    except Exception:  # noqa: BLE001 - a file that cannot be read at all simply names no owner
        return set()
    codes: set[str] = set()
    for table in tables:
        names = [_norm(cell) for cell in table.header]
        for column, width, to_code in (("gemeinde_ags", 8, lambda v: v[:5]), ("ki_id", 5, lambda v: "KI" + v)):
            if column not in names:
                continue
            index = names.index(column)
            for _, cells in table.rows:
                value = str(cells[index]).strip().removesuffix(".0") if index < len(cells) else ""
                if value.isdigit():
                    codes.add(to_code(value.zfill(width if len(value) <= width else 8)))
    return codes
