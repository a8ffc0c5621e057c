"""Readers for tables of the Statistik der Bundesagentur für Arbeit (BA): interactive-statistics CSV and Excel.

Both readers return a BaTable with one BaCell per data row and value column. They are pure functions of the
bytes (no file IO, no logging). Anything they cannot read unambiguously raises ReaderError with a German message
for the user (with line/row and column) and an English detail for the log.

BA symbols (docs/sources.md, Symbols), in the CSV and in Excel (where they carry a trailing space, '* ', '- '):

    '*'  statistische Geheimhaltung          -> value None, flag '*'   (never 0)
    '-'  nichts vorhanden                    -> value 0,    flag '-'
    'x'  Nachweis nicht sinnvoll / gesperrt  -> value None, flag 'x'
    '.'  Zahlenwert unbekannt                -> value None, flag '.'

Numbers use the German format: thousands separator '.', decimal comma ('428.513', '7,5'). In Excel, numbers are
usually stored as numbers; numbers stored as text are read in the German format as well.

Interactive-statistics CSV (statistik.arbeitsagentur.de, "Daten als CSV"), UTF-8 with BOM, every field quoted:

    "Region";"Deutschland";"Regionsschlüssel:";"d"      <- key/value header block: pairs of cells; keys lose
    "Gebietsstand";"April 2025"                           trailing ':' and surrounding spaces
    "Berichtsjahr";"2015"
    "Datenstand";"April 2025"
    "Indikator";"Arbeitslose"
    "StaatsangehörigkeitEs werden Grafiken ... besteht.";"Ausländer"   <- key glued to its info text, see below
    ""
    "Hinweise:";"Bei den dargestellten Werten handelt es sich um Jahresdurchschnitte. "
    ""
    "Merkmal ";"Arbeitslose ";"Anteil an Insgesamt in % "                <- column-header row
    "Ohne abgeschlossene Berufsausbildung";"428.513";"75"                <- data rows: label; values
    ...
    ""
    "Exportdatum: ";"21.05.2025";"17:50:1"             <- footer (required: without it the file is cut off)
    "© Statistik der Bundesagentur für Arbeit"
    "Die Produkte unterliegen dem Urheberrecht ..."

  The table is the last block of non-empty rows before "Exportdatum"; its first row (plus following rows with an
  empty first cell, for two-level headers) holds the column headers, the rest are data rows. Everything above is
  the key/value block. A key that has the portal's info text glued to it ("StaatsangehörigkeitEs werden ...
  besteht.") is split: metadata['Staatsangehörigkeit'] = 'Ausländer' and
  metadata['Staatsangehörigkeit (Hinweis)'] = 'Es werden ... besteht.'.
  region_label = metadata['Region'], region_code = metadata['Regionsschlüssel'] ('d' for Deutschland becomes 'DG'
  as in GENESIS), period = 'Berichtsjahr' (else 'Berichtsmonat', 'Stichtag', 'Berichtszeitraum'; '' if none).
  Every cell carries the table's region.

Excel tables (.xlsx, e.g. "Arbeitslose nach Staatsangehörigkeit, Kreise", "SGB II: Regelleistungsberechtigte /
erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit, Kreise"). Assumed layout of the table sheet:

    A1  Erwerbsfähige Leistungsberechtigte nach Staatsangehörigkeit   <- title rows: one text cell each (may be
    A2  Nordrhein-Westfalen, Kreise und kreisfreie Städte                 merged across columns) -> 'Titel';
    A3  Berichtsmonat: Dezember 2024                                      'Berichtsmonat: ...', 'Stichtag: ...'
                                                                          etc. (known keys) -> metadata
    A5  Region | B5 Erwerbsfähige Leistungsberechtigte (merged B5:D5) | E5 Anteil Ausländer in %   <- header block:
    A6         | B6 Insgesamt | C6 Deutsche | D6 Ausländer                  1..n rows, merged cells allowed; a
    A7         | B7 1         | C7 2        | D7 3         | E7 4            column-number row (1, 2, 3 ...) is
    A8  05 Nordrhein-Westfalen | 1.034.567 | ...                              skipped
    A9  05111 Düsseldorf, Stadt | ...                                     <- data rows: region in one cell
    A12 05966 Olpe | 4321 | 2890 | 1431 | 33,1                                ('05966 Olpe') or in two cells
    A13 05958 Hochsauerlandkreis | '* ' | '* ' | '- ' | ...                   (code 'A' = '05966', name 'B' =
    A20 © Statistik der Bundesagentur für Arbeit                              'Olpe'); rows without code
    A21 Erstellungsdatum: 12.04.2025 / footnotes (-> 'Hinweise')              ('Deutschland' -> 'DG',
                                                                              'Westdeutschland' -> None)

  The reader takes the first sheet (or the sheet named by `sheet`) that has a row starting with
  '© Statistik der Bundesagentur für Arbeit' below rows with region codes; the table ends at that row. The region
  layout (one cell or two) is found from the first row that starts with a region code; the data start at the first
  of the consecutive data-like rows (label + numbers/symbols) that lead to it. Blank rows, blank spacer columns and
  rows with a label but no values (section headings, footnotes) are skipped. Measure = header path of the column
  ('Erwerbsfähige Leistungsberechtigte | Insgesamt'; merged header cells count for every column they span).
  Region codes must be text: a code stored as a number has lost its leading zero and is an error. An empty cell
  in a data row is an error (BA tables use '*' / '-'). period = 'Berichtsmonat' (or 'Berichtsjahr', 'Stichtag',
  'Berichtszeitraum') from the title rows, else the first 'Monat JJJJ' or 'TT.MM.JJJJ' in a title row, else ''.
  BaTable.region_code / region_label are None (every cell has its own region); export_date is the
  'Erstellungsdatum' below the table if there is one; metadata['Tabellenblatt'] is the sheet name.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from pipelines.readers.errors import ReaderError, reject_html
from pipelines.readers.workbook_limits import check_unpacked_size

# Shared with the GENESIS reader: the same decoding (UTF-8 with/without BOM, cp1252 fallback) and CSV splitting.
from pipelines.readers.genesis_table import Record, decode_text, parse_records

__all__ = ["BaCell", "BaTable", "is_ba_csv", "is_ba_excel", "read_ba_csv", "read_ba_excel"]


@dataclass(frozen=True)
class BaCell:
    """One value: a data row crossed with a value column."""

    row_label: str  # CSV: first cell of the row ('Ohne abgeschlossene Berufsausbildung'); Excel: '05966 Olpe'
    measure: str  # column header ('Arbeitslose'; Excel: header path 'Arbeitslose | Ausländer')
    value: float | None  # None for '*', 'x', '.'
    flag: str | None  # '*', '-', 'x', '.'; None for a plain number
    raw: str  # the cell text as in the file (Excel numbers as text, '1234' / '33.1')
    line: int  # 1-based: CSV physical line, Excel row number
    column: int  # 1-based column
    region_code: str | None = None  # 'DG', '05', '05966' ...; None if the file states none
    region_label: str | None = None  # 'Deutschland', 'Olpe'


@dataclass(frozen=True)
class BaTable:
    metadata: dict[str, str]  # CSV key/value header (+ 'Hinweise'); Excel: 'Titel', 'Key: value' lines, sheet name
    region_code: str | None  # CSV: from 'Regionsschlüssel' ('d' -> 'DG'); Excel: None (per cell)
    region_label: str | None  # CSV: metadata['Region']; Excel: None (per cell)
    period: str  # 'Berichtsjahr' / 'Berichtsmonat' ... as written ('2015', 'Dezember 2024'); '' if none
    columns: list[str]  # all column headers in order: label column(s) first, then the value columns
    cells: list[BaCell]
    export_date: datetime | None  # CSV 'Exportdatum'; Excel 'Erstellungsdatum' if present
    copyright: str | None  # '© Statistik der Bundesagentur für Arbeit'


# --------------------------------------------------------------------------------------------------------------------
# Shared patterns and value parsing

_DOWNLOAD_AGAIN_CSV = (
    "Bitte die Tabelle in der interaktiven Statistik der Bundesagentur für Arbeit erneut als CSV herunterladen."
)
_DOWNLOAD_AGAIN_EXCEL = (
    "Bitte die Tabelle erneut von der Statistik der Bundesagentur für Arbeit herunterladen und unverändert als "
    "Excel-Datei (.xlsx) hochladen."
)

_COPYRIGHT_MARK = "Statistik der Bundesagentur für Arbeit"

_PLAIN_NUMBER = re.compile(r"^-?\d+(?:,\d+)?$")
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_SYMBOLS: dict[str, tuple[float | None, str]] = {
    "*": (None, "*"),
    "-": (0.0, "-"),
    "x": (None, "x"),
    "X": (None, "x"),
    ".": (None, "."),
}

_PERIOD_KEYS = ("Berichtsjahr", "Berichtsmonat", "Stichtag", "Berichtszeitraum")

_MONTH_YEAR = re.compile(
    r"\b(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\s+\d{4}\b"
)
_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


def _parse_text_value(text: str) -> tuple[float | None, str | None] | None:
    """(value, flag) for a BA number or symbol (surrounding spaces ignored); None if it is neither."""
    text = text.strip()
    if text in _SYMBOLS:
        return _SYMBOLS[text]
    if _PLAIN_NUMBER.match(text) or _GROUPED_NUMBER.match(text):
        return float(text.replace(".", "").replace(",", ".")), None
    return None


def _value_error(raw: str, line: int, column: int, where: str, hint: str) -> ReaderError:
    return ReaderError(
        f"{where}: Der Wert »{raw}« ist keine Zahl und kein bekanntes Zeichen der BA-Statistik "
        f"(»*« Geheimhaltung, »-« nichts vorhanden, »x« nicht sinnvoll). {hint}",
        f"line {line}, column {column}: cannot parse BA value {raw!r}",
        line=line,
        column=column,
        value=raw,
    )


def _normalise_region_code(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    if not code:
        return None
    return "DG" if code.lower() == "d" else code


# --------------------------------------------------------------------------------------------------------------------
# CSV


def is_ba_csv(data: bytes) -> bool:
    """Cheap sniff: a quoted first field and either the '"Region";' key first or the BA copyright line."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b'"'):
        return False
    return head.startswith(b'"Region";') or b"Statistik der Bundesagentur f" in data


def read_ba_csv(data: bytes) -> BaTable:
    """Parse a CSV export of the BA interactive statistics into one BaCell per data row and value column."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN_CSV}", "file is empty or whitespace only")
    text, _encoding = decode_text(data)
    reject_html(text, _DOWNLOAD_AGAIN_CSV, "file is an HTML/XML page, not a CSV export")
    records = parse_records(text)
    if not any(not _is_blank(record) for record in records):
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN_CSV}", "file contains only whitespace after decoding")

    first = next(record for record in records if not _is_blank(record))
    first_key = _metadata_key(first.cells[0]) if first.cells else ""
    if first_key != "Region":
        raise ReaderError(
            "Die Datei ist keine CSV-Datei der interaktiven Statistik der Bundesagentur für Arbeit: Die erste Zeile "
            f"beginnt nicht mit »\"Region\";«. {_DOWNLOAD_AGAIN_CSV}",
            f"line {first.line}: first key is {first_key[:80]!r}, expected 'Region'",
            line=first.line,
            value=";".join(first.cells)[:200],
        )

    export_index = next(
        (i for i, record in enumerate(records) if record.cells and record.cells[0].strip().startswith("Exportdatum")),
        None,
    )
    if export_index is None:
        last = records[-1]
        raise ReaderError(
            f"Die Datei endet nach Zeile {last.line} ohne den Vermerk »Exportdatum« und den Hinweis "
            f"»© {_COPYRIGHT_MARK}«. Die Datei ist vermutlich unvollständig. {_DOWNLOAD_AGAIN_CSV}",
            f"truncated file: no 'Exportdatum' footer (last line {last.line})",
            line=last.line,
        )

    # The table: the last block of non-empty rows before the footer.
    end = export_index
    while end > 0 and _is_blank(records[end - 1]):
        end -= 1
    start = end
    while start > 0 and not _is_blank(records[start - 1]):
        start -= 1
    block = records[start:end]
    if start == 0 or len(block) < 2:
        line = records[export_index].line
        raise ReaderError(
            f"Zeile {line}: Vor dem »Exportdatum« steht keine Tabelle (Spaltenköpfe und Datenzeilen, durch eine "
            f"Leerzeile vom Kopfbereich getrennt). Die Datei wurde vermutlich verändert. {_DOWNLOAD_AGAIN_CSV}",
            f"no table block (header row + data rows) before the footer in line {line}",
            line=line,
        )

    metadata = _read_metadata(records[:start])
    region_label = metadata.get("Region", "")
    if not region_label:
        raise ReaderError(
            f"Zeile {first.line}: Im Kopfbereich fehlt die Angabe der Region. Die Datei wurde vermutlich verändert. "
            f"{_DOWNLOAD_AGAIN_CSV}",
            f"line {first.line}: empty 'Region' in the key/value header",
            line=first.line,
        )
    region_code = _normalise_region_code(metadata.get("Regionsschlüssel"))
    period = next((metadata[key] for key in _PERIOD_KEYS if metadata.get(key)), "")

    header_rows = [block[0]]
    position = 1
    while position < len(block) and not block[position].cells[0].strip():
        header_rows.append(block[position])
        position += 1
    data_rows = block[position:]
    width = max(len(row.cells) for row in header_rows)
    columns = _csv_columns(header_rows, width)
    if width < 2 or not data_rows:
        row = header_rows[-1]
        raise ReaderError(
            f"Zeile {row.line}: Die Tabelle hat keine Wertespalten oder keine Datenzeilen. Die Datei wurde "
            f"vermutlich verändert. {_DOWNLOAD_AGAIN_CSV}",
            f"line {row.line}: table has {width} header cells and {len(data_rows)} data rows",
            line=row.line,
        )

    cells: list[BaCell] = []
    for row in data_rows:
        if len(row.cells) != width:
            raise ReaderError(
                f"Zeile {row.line}: Die Datenzeile hat {len(row.cells)} Felder, die Spaltenköpfe aber {width}. "
                f"Die Datei wurde vermutlich verändert. {_DOWNLOAD_AGAIN_CSV}",
                f"line {row.line}: data row has {len(row.cells)} fields, header has {width}",
                line=row.line,
            )
        row_label = row.cells[0].strip()
        for col in range(1, width):
            raw = row.cells[col]
            parsed = _parse_text_value(raw)
            if parsed is None:
                raise _value_error(
                    raw, row.line, col + 1, f"Zeile {row.line}, Spalte {col + 1}",
                    "Bitte die CSV-Datei unverändert hochladen (nicht in Excel bearbeiten).",
                )
            value, flag = parsed
            cells.append(
                BaCell(
                    row_label=row_label,
                    measure=columns[col],
                    value=value,
                    flag=flag,
                    raw=raw,
                    line=row.line,
                    column=col + 1,
                    region_code=region_code,
                    region_label=region_label,
                )
            )

    export_date, copyright_line = _read_csv_footer(records[export_index:])
    return BaTable(
        metadata=metadata,
        region_code=region_code,
        region_label=region_label,
        period=period,
        columns=columns,
        cells=cells,
        export_date=export_date,
        copyright=copyright_line,
    )


def _is_blank(record: Record) -> bool:
    return not any(cell.strip() for cell in record.cells)


# A key with the portal's info text glued on: 'StaatsangehörigkeitEs werden ... besteht.'
_GLUED_NOTE = re.compile(r"^(\S*?[a-zäöüß])([A-ZÄÖÜ][a-zäöüß]*\s.*[.!?])$", re.DOTALL)


def _metadata_key(cell: str) -> str:
    return cell.strip().rstrip(":").strip()


def _read_metadata(records: list[Record]) -> dict[str, str]:
    """Key/value rows: cells in pairs (key, value, key, value ...)."""
    metadata: dict[str, str] = {}
    for record in records:
        cells = record.cells
        for position in range(0, len(cells), 2):
            key = _metadata_key(cells[position])
            value = cells[position + 1].strip() if position + 1 < len(cells) else ""
            if not key:
                continue
            glued = _GLUED_NOTE.match(key)
            if glued:
                key = glued.group(1)
                metadata[f"{key} (Hinweis)"] = glued.group(2).strip()
            metadata[key] = value
    return metadata


def _csv_columns(header_rows: list[Record], width: int) -> list[str]:
    columns: list[str] = []
    for col in range(width):
        parts: list[str] = []
        for row in header_rows:
            text = row.cells[col].strip() if col < len(row.cells) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        columns.append(" | ".join(parts))
    return columns


_EXPORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_EXPORT_TIME = re.compile(r"^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$")


def _read_csv_footer(records: list[Record]) -> tuple[datetime, str | None]:
    export = records[0]
    date_text = export.cells[1].strip() if len(export.cells) > 1 else ""
    time_text = export.cells[2].strip() if len(export.cells) > 2 else ""
    date_match = _EXPORT_DATE.match(date_text)
    time_match = _EXPORT_TIME.match(time_text) if time_text else None
    try:
        if date_match is None or (time_text and time_match is None):
            raise ValueError("not of the form 'dd.mm.yyyy' ['hh:mm:ss']")
        day, month, year = (int(part) for part in date_match.groups())
        hour, minute, second = (int(part or 0) for part in time_match.groups()) if time_match else (0, 0, 0)
        export_date = datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        shown = ";".join(export.cells)
        raise ReaderError(
            f"Zeile {export.line}: Der Vermerk »{shown}« enthält kein gültiges Exportdatum (erwartet "
            f"»TT.MM.JJJJ« und »hh:mm:ss«). {_DOWNLOAD_AGAIN_CSV}",
            f"line {export.line}: invalid export date {shown!r}: {error}",
            line=export.line,
            value=shown,
        ) from None
    firsts = [record.cells[0].strip() for record in records[1:] if record.cells]
    copyright_line = next((first for first in firsts if first.startswith("©")), None)
    return export_date, copyright_line


# --------------------------------------------------------------------------------------------------------------------
# Excel

_XLSX_SIGNATURE = b"PK\x03\x04"
_XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls (OLE2)

# Region in one cell: '05966 Olpe', '05 Nordrhein-Westfalen', '05334002 Aachen, Stadt'.
_COMBINED_REGION = re.compile(r"^(\d{2}|\d{3}|\d{5}|\d{8})\s+(\S.*)$", re.DOTALL)
_REGION_CODE_ONLY = re.compile(r"^(?:\d{2}|\d{3}|\d{5}|\d{8})$")
# 'Key: value' lines above and below an Excel table; only these keys ("SGB II: ..." is a title, not a key).
_KEY_VALUE_LINE = re.compile(r"^([^:]{1,40}):\s*(\S.*)$", re.DOTALL)
_EXCEL_KEYS = frozenset(
    {
        "Berichtsmonat", "Berichtsjahr", "Stichtag", "Berichtszeitraum", "Region", "Gebietsstand", "Datenstand",
        "Erstellungsdatum", "Datenquelle", "Quelle",
    }
)
_CREATED = re.compile(r"Erstellungsdatum:?\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")


def is_ba_excel(data: bytes) -> bool:
    """An .xlsx (zip) whose worksheets or shared strings contain '© Statistik der Bundesagentur für Arbeit'."""
    if not data.startswith(_XLSX_SIGNATURE):
        return False
    needle = b"Statistik der Bundesagentur f"  # "für" may be written as a character reference
    check_unpacked_size(data)  # before any member is read: a zip bomb is refused, not unpacked
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name == "xl/sharedStrings.xml" or (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    if needle in archive.read(name):
                        return True
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    return False


def read_ba_excel(data: bytes, sheet: str | None = None) -> BaTable:
    """Parse a BA Excel table (.xlsx) into one BaCell per region row and value column.

    sheet: name of the worksheet to read; by default the first sheet that holds a BA table (see module docstring).
    """
    if not data.strip():
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN_EXCEL}", "file is empty")
    if data.startswith(_XLS_SIGNATURE):
        raise ReaderError(
            "Die Datei ist im alten Excel-Format (.xls). Bitte die Tabelle im Format .xlsx herunterladen oder in "
            "Excel als »Excel-Arbeitsmappe (.xlsx)« speichern.",
            "file is an OLE2 .xls workbook, only .xlsx is supported",
        )
    if not data.startswith(_XLSX_SIGNATURE):
        text = data[:200].decode("utf-8", errors="replace")
        reject_html(text, _DOWNLOAD_AGAIN_EXCEL, "file is an HTML/XML page, not an Excel table")
        raise ReaderError(
            f"Die Datei ist keine Excel-Datei (.xlsx). {_DOWNLOAD_AGAIN_EXCEL}",
            f"no xlsx (zip) signature: starts with {data[:8]!r}",
            value=text[:200],
        )

    # openpyxl is only needed here; the CSV readers stay standard-library only.
    from openpyxl import load_workbook

    check_unpacked_size(data)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001 - zip/XML errors of every kind mean the same to the user
        raise ReaderError(
            "Die Excel-Datei ist beschädigt oder unvollständig und lässt sich nicht öffnen. "
            f"{_DOWNLOAD_AGAIN_EXCEL}",
            f"openpyxl cannot open the workbook: {type(error).__name__}: {error}",
        ) from None

    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise ReaderError(
                f"Die Excel-Datei hat kein Tabellenblatt »{sheet}« (vorhanden: {', '.join(workbook.sheetnames)}).",
                f"no worksheet {sheet!r} in {workbook.sheetnames!r}",
                value=sheet,
            )
        candidates = [workbook[sheet]]
    else:
        candidates = list(workbook.worksheets)

    problems: list[ReaderError] = []
    for worksheet in candidates:
        grid = [list(row) for row in worksheet.iter_rows(values_only=True)]
        merged = [
            (rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
            for rng in worksheet.merged_cells.ranges
        ]
        copyright_row = _find_copyright_row(grid)
        if copyright_row is None:
            continue
        try:
            return _read_sheet(worksheet.title, grid, merged, copyright_row)
        except _NoTable as missing:
            problems.append(missing.error)
            continue
    if problems:
        # Only sheets with the copyright line but without region rows (e.g. a cover sheet): report the last one.
        raise problems[-1]
    raise ReaderError(
        f"Die Excel-Datei enthält kein Tabellenblatt, das mit »© {_COPYRIGHT_MARK}« endet. Sie ist "
        f"vermutlich keine Tabelle der Bundesagentur für Arbeit oder unvollständig. {_DOWNLOAD_AGAIN_EXCEL}",
        f"no worksheet with a '© {_COPYRIGHT_MARK}' row among {[ws.title for ws in candidates]!r}",
    )


class _NoTable(Exception):
    """A sheet with the copyright row but no region table above it."""

    def __init__(self, error: ReaderError) -> None:
        super().__init__(error.detail)
        self.error = error


def _text(value: object) -> str:
    """Display text of a cell value ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if value.time() == datetime.min.time() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_value_like(value: object) -> bool:
    if _is_number(value):
        return True
    return isinstance(value, str) and bool(value.strip()) and _parse_text_value(value) is not None


def _find_copyright_row(grid: list[list[object]]) -> int | None:
    for r, row in enumerate(grid):
        first = next((value for value in row if _text(value)), None)  # only the first filled cell of a row counts
        if isinstance(first, str) and first.strip().startswith("©") and _COPYRIGHT_MARK in first:
            return r
    return None


@dataclass(frozen=True)
class _RegionLayout:
    label_col: int  # 0-based column of the region (or of the region code in the split layout)
    value_start: int  # first column after the label cell(s)
    split: bool  # True: code and name in two cells


def _cell(grid: list[list[object]], r: int, c: int) -> object:
    row = grid[r]
    return row[c] if c < len(row) else None


def _find_layout(grid: list[list[object]], end: int) -> tuple[int, _RegionLayout] | None:
    """The first row (above `end`) that starts with a region code, and the layout it shows."""
    for r in range(end):
        row = grid[r]
        c = next((i for i, value in enumerate(row) if _text(value)), None)
        if c is None:
            continue
        first = row[c]
        if not isinstance(first, str):
            continue
        text = first.strip()
        if _COMBINED_REGION.match(text) and any(_is_value_like(v) for v in row[c + 1:]):
            return r, _RegionLayout(label_col=c, value_start=c + 1, split=False)
        if _REGION_CODE_ONLY.match(text):
            name = _cell(grid, r, c + 1)
            if isinstance(name, str) and name.strip() and _parse_text_value(name) is None:
                if any(_is_value_like(v) for v in row[c + 2:]):
                    return r, _RegionLayout(label_col=c, value_start=c + 2, split=True)
    return None


def _label_texts(grid: list[list[object]], r: int, layout: _RegionLayout) -> list[str]:
    return [_text(_cell(grid, r, c)) for c in range(layout.label_col, layout.value_start) if _text(_cell(grid, r, c))]


def _is_data_like(grid: list[list[object]], r: int, layout: _RegionLayout) -> bool:
    labels = _label_texts(grid, r, layout)
    if not labels or all(label.isdigit() and not _REGION_CODE_ONLY.match(label) for label in labels):
        return False
    return any(_is_value_like(v) for v in grid[r][layout.value_start:])


def _is_blank_row(row: list[object]) -> bool:
    return not any(_text(value) for value in row)


def _read_sheet(title: str, grid: list[list[object]], merged: list[tuple[int, int, int, int]], end: int) -> BaTable:
    found = _find_layout(grid, end)
    if found is None:
        raise _NoTable(
            ReaderError(
                f"Tabellenblatt »{title}«: Über der Zeile »© {_COPYRIGHT_MARK}« (Zeile {end + 1}) steht keine "
                f"Zeile mit Regionalschlüssel und Werten (z. B. »05966 Olpe« oder »05966« | »Olpe«). "
                f"{_DOWNLOAD_AGAIN_EXCEL}",
                f"sheet {title!r}: no region row above the copyright row {end + 1}",
                line=end + 1,
            )
        )
    first_region_row, layout = found

    # The data start at the first of the consecutive data-like rows that lead to the first region row.
    start = first_region_row
    r = first_region_row - 1
    while r >= 0 and (
        _is_blank_row(grid[r])
        or (
            _is_data_like(grid, r, layout)
            and not _is_column_number_row(grid, r, list(range(layout.value_start, len(grid[r]))))
        )
    ):
        if not _is_blank_row(grid[r]):
            start = r
        r -= 1

    # Title rows: one text cell at or left of the label column, until the first other row. Then the header rows.
    title_rows: list[int] = []
    header_rows: list[int] = []
    in_title = True
    for r in range(start):
        filled = [c for c, value in enumerate(grid[r]) if _text(value)]
        if not filled:
            continue
        if in_title and len(filled) == 1 and filled[0] <= layout.label_col:
            title_rows.append(r)
            continue
        in_title = False
        header_rows.append(r)

    merged_in_header = [m for m in merged if m[0] in header_rows]

    def header_text(r: int, c: int) -> str:
        text = _text(_cell(grid, r, c))
        if text:
            return text
        for min_r, min_c, max_r, max_c in merged_in_header:
            if min_r <= r <= max_r and min_c <= c <= max_c:
                return _text(_cell(grid, min_r, min_c))
        return ""

    data_rows = [r for r in range(start, end) if not _is_blank_row(grid[r])]
    width = max(len(grid[r]) for r in data_rows + header_rows) if data_rows or header_rows else 0
    value_cols = [
        c
        for c in range(layout.value_start, width)
        if any(_text(_cell(grid, r, c)) for r in data_rows)  # spacer columns and note columns without values drop out
    ]
    header_rows = [r for r in header_rows if not _is_column_number_row(grid, r, value_cols)]

    def header_path(c: int) -> str:
        parts: list[str] = []
        for r in header_rows:
            text = header_text(r, c)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        return " | ".join(parts)

    measures: dict[int, str] = {}
    for c in value_cols:
        measure = header_path(c)
        if not measure:
            row = next(r for r in data_rows if _text(_cell(grid, r, c)))
            letter = _column_letter(c + 1)
            raise ReaderError(
                f"Tabellenblatt »{title}«, Spalte {letter}: Die Spalte enthält Werte (z. B. in Zeile {row + 1}), "
                f"hat aber keine Überschrift. Die Datei wurde vermutlich verändert. {_DOWNLOAD_AGAIN_EXCEL}",
                f"sheet {title!r}, column {c + 1}: values without a header",
                line=row + 1,
                column=c + 1,
            )
        measures[c] = measure
    label_header = " | ".join(
        part for part in (header_path(c) for c in range(layout.label_col, layout.value_start)) if part
    )
    columns = [label_header or "Region"] + [measures[c] for c in value_cols]

    cells: list[BaCell] = []
    for r in data_rows:
        values = [_cell(grid, r, c) for c in value_cols]
        if not any(_text(value) for value in values):
            continue  # section heading or note inside the table
        labels = _label_texts(grid, r, layout)
        if not labels:
            raise ReaderError(
                f"Tabellenblatt »{title}«, Zeile {r + 1}: Die Zeile enthält Werte, aber keine Region. "
                f"Die Datei wurde vermutlich verändert. {_DOWNLOAD_AGAIN_EXCEL}",
                f"sheet {title!r}, row {r + 1}: values without a region label",
                line=r + 1,
                column=layout.label_col + 1,
            )
        region_code, region_label = _excel_region(grid, r, layout, labels, title)
        row_label = " ".join(labels)
        for c, value in zip(value_cols, values):
            cells.append(_excel_cell(value, r, c, title, row_label, measures[c], region_code, region_label))

    metadata: dict[str, str] = {"Tabellenblatt": title}
    title_parts: list[str] = []
    for r in title_rows:
        line = _text(next(value for value in grid[r] if _text(value)))
        key_value = _KEY_VALUE_LINE.match(line)
        if key_value and key_value.group(1).strip() in _EXCEL_KEYS:
            metadata[key_value.group(1).strip()] = key_value.group(2).strip()
        else:
            title_parts.append(line)
    metadata["Titel"] = " ".join(title_parts)
    notes = [_text(value) for row in grid[end + 1:] for value in row if _text(value)]
    if notes:
        metadata["Hinweise"] = "\n".join(notes)

    period = next((metadata[key] for key in _PERIOD_KEYS if metadata.get(key)), "")
    if not period:
        for r in title_rows:
            line = _text(next(value for value in grid[r] if _text(value)))
            match = _MONTH_YEAR.search(line) or _DATE.search(line)
            if match:
                period = match.group(0)
                break

    export_date = None
    created = _CREATED.search("\n".join(notes))
    if created:
        day, month, year = (int(part) for part in created.groups())
        try:
            export_date = datetime(year, month, day)
        except ValueError:
            export_date = None  # a note, not the data: an invalid date there does not make the table unreadable

    copyright_line = next(_text(value) for value in grid[end] if _text(value))
    return BaTable(
        metadata=metadata,
        region_code=None,
        region_label=None,
        period=period,
        columns=columns,
        cells=cells,
        export_date=export_date,
        copyright=copyright_line,
    )


def _is_column_number_row(grid: list[list[object]], r: int, value_cols: list[int]) -> bool:
    """A header row that only numbers the columns: 1, 2, 3 ... (or '(1)', '(2)' ...)."""
    numbers: list[int] = []
    for c in value_cols:
        text = _text(_cell(grid, r, c)).strip("()")
        if not text:
            continue
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return bool(numbers) and numbers[0] < 100 and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _excel_region(
    grid: list[list[object]], r: int, layout: _RegionLayout, labels: list[str], title: str
) -> tuple[str | None, str]:
    if layout.split:
        code_cell = _cell(grid, r, layout.label_col)
        if _is_number(code_cell):
            raw = _text(code_cell)
            raise ReaderError(
                f"Tabellenblatt »{title}«, Zeile {r + 1}, Spalte {_column_letter(layout.label_col + 1)}: Der "
                f"Regionalschlüssel »{raw}« ist als Zahl gespeichert; die führende Null ist verloren gegangen. "
                f"{_DOWNLOAD_AGAIN_EXCEL}",
                f"sheet {title!r}, row {r + 1}: region code stored as a number {code_cell!r}",
                line=r + 1,
                column=layout.label_col + 1,
                value=raw,
            )
        code = _text(code_cell)
        if _REGION_CODE_ONLY.match(code):
            return code, _text(_cell(grid, r, layout.label_col + 1))
        if code and _text(_cell(grid, r, layout.label_col + 1)):
            raise ReaderError(
                f"Tabellenblatt »{title}«, Zeile {r + 1}, Spalte {_column_letter(layout.label_col + 1)}: »{code}« "
                f"ist kein gültiger Regionalschlüssel (erwartet z. B. »05« oder »05966«). "
                f"{_DOWNLOAD_AGAIN_EXCEL}",
                f"sheet {title!r}, row {r + 1}: invalid region code {code!r}",
                line=r + 1,
                column=layout.label_col + 1,
                value=code,
            )
    text = " ".join(labels)
    match = _COMBINED_REGION.match(text)
    if match:
        return match.group(1), match.group(2).strip()
    if text == "Deutschland":
        return "DG", text
    return None, text


def _excel_cell(
    value: object,
    r: int,
    c: int,
    title: str,
    row_label: str,
    measure: str,
    region_code: str | None,
    region_label: str,
) -> BaCell:
    where = f"Tabellenblatt »{title}«, Zeile {r + 1}, Spalte {_column_letter(c + 1)}"
    if _is_number(value):
        raw = _text(value) if isinstance(value, float) else str(value)
        number, flag = float(value), None  # type: ignore[arg-type]
    else:
        raw = "" if value is None else (value if isinstance(value, str) else _text(value))
        if not raw.strip():
            raise ReaderError(
                f"{where}: Die Zelle ist leer, die Zeile hat aber Werte. Leere Zellen sind in den Tabellen der "
                f"Bundesagentur für Arbeit nicht vorgesehen (»*« Geheimhaltung, »-« nichts vorhanden). "
                f"{_DOWNLOAD_AGAIN_EXCEL}",
                f"sheet {title!r}, row {r + 1}, column {c + 1}: empty cell in a data row",
                line=r + 1,
                column=c + 1,
            )
        parsed = _parse_text_value(raw) if isinstance(value, str) else None
        if parsed is None:
            raise _value_error(raw, r + 1, c + 1, where, _DOWNLOAD_AGAIN_EXCEL)
        number, flag = parsed
    return BaCell(
        row_label=row_label,
        measure=measure,
        value=number,
        flag=flag,
        raw=raw,
        line=r + 1,
        column=c + 1,
        region_code=region_code,
        region_label=region_label,
    )


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
