"""Reader for GENESIS "table CSV" downloads (Regionaldatenbank Deutschland, Landesdatenbank NRW, GENESIS-Online).

Layout of such a file (docs/recognition.md, "Layouts of the GENESIS table CSV"):

    GENESIS-Tabelle: 12411-01-01-4          <- line 1: table code ("Tabelle:" since the 2025 relaunch)
    Bevölkerung nach Geschlecht ...;;;;     <- title lines: only the first cell is filled
    ;;Stichtag;Stichtag;Stichtag            <- 1-4 column-header rows: leading empty row-dimension cells
    ;;31.12.2018;31.12.2018;31.12.2018
    ;;Insgesamt;männlich;weiblich
    DG;Deutschland;83019213;40966691;...    <- data rows: [time;] region code; region label; [more dims;] values
    __________                              <- footer: notes, copyright, "Stand: dd.mm.yyyy / hh:mm:ss"

The reader is a pure function of the bytes: it does no file IO and no logging, and it keeps every region of the
file (filtering to NRW is the caller's job). Anything it cannot read unambiguously raises ReaderError with a
German message for the user and an English detail for the log.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime

from pipelines.readers.errors import ReaderError

__all__ = [
    "GenesisCell", "GenesisTable", "is_genesis_table", "read_genesis_table",
    # the parsing that the flat-file and the BA readers share, so that all formats decode, split and read values alike
    "REGION_CODE", "Record", "decode_text", "parse_records", "parse_value", "read_footer", "region_level",
]


@dataclass(frozen=True)
class GenesisCell:
    """One value of the table: a data row crossed with a value column."""

    period: str  # time as written: '31.12.2018', '2023', '2023/24' ('' if the file states no time)
    region_code: str  # 'DG', '05', '051', '05966', '05334002', 'JH05962004' ... always text
    region_label: str  # without indentation, e.g. 'Olpe, Kreis'
    region_indent: int  # leading spaces of the label cell in the file
    level: str  # 'Deutschland', 'Land', 'Regierungsbezirk', 'Kreis', 'Gemeinde', 'Jugendamt' or 'Sonstige'
    dimensions: tuple[str, ...]  # further row-dimension cells after code + label, stripped, in column order
    measure: str  # header path of the value column, e.g. 'Ausländische Bevölkerung | Insgesamt'
    unit: str | None  # from a unit header row ('Anzahl', 'qkm', ...) else None
    value: float | None  # parsed number, None for symbols that mean "no value"
    flag: str | None  # '-', '.', 'x', '...', '/', '()', 'p', 'r', 's'; None for a plain number
    raw: str  # the cell text as in the file
    line: int  # 1-based physical line of the row in the decoded text
    column: int  # 1-based column of the value cell
    # The column's label in every header row, top to bottom ('' where a row is empty for this column), without the
    # time and unit rows. A table with one value variable names it in its last title line ('Bevölkerungsstand
    # (Anzahl)'): that name comes first. Measure recognition (pipelines/catalogue/recognition.py) reads these.
    measure_levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenesisTable:
    table_code: str  # '12411-01-01-4'
    title: str  # title lines joined with ' '
    stand: datetime | None  # footer 'Stand: dd.mm.yyyy / hh:mm:ss' (the data version)
    copyright: str | None  # first line of the footer block starting with '©' or '(C)opyright'
    notes: str  # footer note text ('' if none)
    encoding: str  # 'utf-8', 'cp1252' or 'latin-1': what the bytes were decoded with
    cells: list[GenesisCell]
    header_lines: tuple[int, int] = (1, 1)  # first and last physical line of the column-header rows
    # True when `dimensions` holds a (code, label) pair per row dimension (flat files); the table CSV has one cell
    # per row-dimension column (a label, or a code with its label in the next cell).
    dimension_pairs: bool = False


# --------------------------------------------------------------------------------------------------------------------
# Patterns

_TABLE_PREFIXES = ("GENESIS-Tabelle:", "Tabelle:")

_DOWNLOAD_AGAIN = "Bitte die Tabelle erneut als CSV herunterladen."

# Region codes as the GENESIS portals write them. 4-digit codes are deliberately absent: a column of 4-digit
# values is a year column. 9/10/12 digits are Gemeindeverbände / ARS and get level 'Sonstige'.
REGION_CODE = re.compile(r"^(?:DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{10}|\d{12}|JH\d+)$")

# Time values: Stichtag '31.12.2018', year '2023', school year '2023/24' (or '2023/2024').
_PERIOD = re.compile(r"^(?:\d{2}\.\d{2}\.\d{4}|\d{4}|\d{4}/\d{2}|\d{4}/\d{4})$")

# Header cells that only name the time dimension (the row below holds the actual dates).
_TIME_NAMES = frozenset({"Stichtag", "Jahr", "Schuljahr", "Zeit", "Berichtsjahr"})

# Units as they appear in unit header rows; plus patterns for relative units. ('1000' is left out on purpose:
# it would also read as a year.)
_UNITS = frozenset(
    {
        "Anzahl", "Prozent", "%", "Promille", "‰", "qkm", "km²", "ha", "EW pro qkm", "EW je qkm",
        "Einwohner je qkm", "Euro", "EUR", "€", "Tsd.", "Tsd. EUR", "Tsd. Euro", "Mill.",
        "Mill. EUR", "Mill. Euro", "Mio.", "Mio. EUR", "Mio. Euro", "Mrd. EUR", "Mrd. Euro", "Jahre", "Monate",
        "Tage", "Stunden", "kg", "t", "m²", "m³", "km",
    }
)
_UNIT_PATTERN = re.compile(r"^(?:(?:EUR|Euro|Anzahl|EW|Einwohner) (?:je|pro) .+|je \d[\d .]* .+)$")

# The last title line of a table with a single value variable: 'Bevölkerungsstand (Anzahl)'.
_VARIABLE_WITH_UNIT = re.compile(r"^(?P<name>.+?)\s*\((?P<unit>[^()]+)\)$")

_PLAIN_NUMBER = re.compile(r"^-?\d+(?:,\d+)?$")
_SUFFIXED_NUMBER = re.compile(r"^(-?\d+(?:,\d+)?)\s*([prs])$")
_PARENTHESISED = re.compile(r"^\((.*)\)$")
# Symbols that mean "there is no value" (docs/sources.md, Symbols). '…' is cp1252 byte 0x85, a one-character '...'.
_NO_VALUE_SYMBOLS = {".": ".", "x": "x", "...": "...", "…": "...", "/": "/"}

# The full form is required: a shorter 'Stand:' line is a cut-off download, not a version without time.
_STAND = re.compile(r"^Stand:\s*(\d{2}\.\d{2}\.\d{4})\s*/\s*(\d{2}:\d{2}:\d{2})$")


# --------------------------------------------------------------------------------------------------------------------
# Public API


def is_genesis_table(data: bytes) -> bool:
    """Cheap sniff: does the first line start with 'GENESIS-Tabelle:' or 'Tabelle:'?

    The prefixes are ASCII, so the check works on the raw bytes whatever the encoding.
    """
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip()
    return any(head.startswith(prefix.encode("ascii")) for prefix in _TABLE_PREFIXES)


def read_genesis_table(data: bytes) -> GenesisTable:
    """Parse a GENESIS table CSV download into one GenesisCell per data row and value column."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN}", "file is empty or whitespace only")

    text, encoding = decode_text(data)
    records = parse_records(text)
    index = _skip_blank(records, 0)
    if index >= len(records):  # only whitespace such as a non-breaking space
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN}", "file contains only whitespace after decoding")

    table_code = _table_code(records[index])
    index += 1

    title_parts, index = _read_title(records, index)
    header_rows, index = _read_header_rows(records, index)
    width = max(len(row.cells) for row in header_rows)
    dim_count = min(_leading_empty(row.cells) for row in header_rows)
    if dim_count >= width:
        last = header_rows[-1]
        raise ReaderError(
            f"Zeile {last.line}: Die Spaltenköpfe enthalten keine Wertespalten. {_DOWNLOAD_AGAIN}",
            f"header rows have {width} cells but all are row-dimension cells",
            line=last.line,
        )

    data_rows, index = _read_data_rows(records, index, header_rows[-1])
    data_rows, row_periods = _take_period_lines(data_rows, dim_count)
    _check_row_widths(data_rows, width, records, index, text)

    time_col, region_col = _find_row_dimension_columns(data_rows, dim_count)
    columns = _describe_value_columns(header_rows, dim_count, width, _title_variable(title_parts))

    cells: list[GenesisCell] = []
    for row in data_rows:
        row_cells = row.cells
        region_code = row_cells[region_col].strip()
        label_cell = row_cells[region_col + 1]
        indent = len(label_cell) - len(label_cell.lstrip(" "))
        dimensions = tuple(
            row_cells[col].strip() for col in range(dim_count) if col not in (time_col, region_col, region_col + 1)
        )
        row_period = row_cells[time_col].strip() if time_col is not None else row_periods.get(row.line)
        level = region_level(region_code)
        for col, (measure, unit, header_period, levels) in columns.items():
            raw = row_cells[col]
            value, flag = parse_value(raw, row.line, col + 1)
            cells.append(
                GenesisCell(
                    period=row_period if row_period is not None else header_period,
                    region_code=region_code,
                    region_label=label_cell.strip(),
                    region_indent=indent,
                    level=level,
                    dimensions=dimensions,
                    measure=measure,
                    unit=unit,
                    value=value,
                    flag=flag,
                    raw=raw,
                    line=row.line,
                    column=col + 1,
                    measure_levels=levels,
                )
            )

    stand, copyright_line, notes = read_footer(records[index:])
    return GenesisTable(
        table_code=table_code,
        title=" ".join(title_parts),
        stand=stand,
        copyright=copyright_line,
        notes=notes,
        encoding=encoding,
        cells=cells,
        header_lines=(header_rows[0].line, header_rows[-1].line),
    )


# --------------------------------------------------------------------------------------------------------------------
# Decoding and CSV records


@dataclass(frozen=True)
class Record:
    line: int  # first physical line of the record (a quoted cell may span several lines)
    cells: list[str]


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM optional) if it decodes strictly, else cp1252, else latin-1 (which never fails).

    Line ends are normalised to LF so that line numbers count CRLF, LF and lone CR alike.
    """
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined
            text, encoding = data.decode("latin-1"), "latin-1"
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def parse_records(text: str) -> list[Record]:
    """Parse the whole text with the csv module, remembering the physical start line of each record."""
    # Split on '\n' only (str.splitlines would also split on \x0b, \x1c, \x85 ... which latin-1 text may hold).
    lines = [line + "\n" for line in text.split("\n")]
    if text.endswith("\n"):
        lines.pop()  # split() leaves an empty string after the final line break
    else:
        lines[-1] = lines[-1][:-1]
    # strict=True: a quote left open at the end of the file is an error, not a silently shortened cell.
    reader = csv.reader(lines, delimiter=";", quotechar='"', doublequote=True, strict=True)
    records: list[Record] = []
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            start = previous_end + 1
            if "unexpected end of data" in str(error):
                raise ReaderError(
                    f"Die Datei endet innerhalb eines Textes in Anführungszeichen, der in Zeile {start} beginnt. "
                    f"Die Datei ist vermutlich unvollständig. {_DOWNLOAD_AGAIN}",
                    f"csv error: {error} (quoted field opened in line {start})",
                    line=start,
                ) from None
            raise ReaderError(
                f"Zeile {reader.line_num}: Die CSV-Struktur ist fehlerhaft (Anführungszeichen oder Steuerzeichen). "
                f"{_DOWNLOAD_AGAIN}",
                f"csv error in line {reader.line_num}: {error}",
                line=reader.line_num,
            ) from None
        records.append(Record(line=previous_end + 1, cells=cells))
        previous_end = reader.line_num
    return records


def _is_blank(record: Record) -> bool:
    return not any(cell.strip() for cell in record.cells)


def _skip_blank(records: list[Record], index: int) -> int:
    while index < len(records) and _is_blank(records[index]):
        index += 1
    return index


def _leading_empty(cells: list[str]) -> int:
    count = 0
    for cell in cells:
        if cell.strip():
            break
        count += 1
    return count


def _is_footer_start(record: Record) -> bool:
    first = record.cells[0].strip() if record.cells else ""
    return (
        first.startswith("___")
        or first.startswith("©")
        or first.lower().startswith("(c)opyright")
        or first.startswith("Stand:")
    )


# --------------------------------------------------------------------------------------------------------------------
# Sections of the file


def _table_code(record: Record) -> str:
    first = record.cells[0].strip() if record.cells else ""
    for prefix in _TABLE_PREFIXES:
        if first.startswith(prefix):
            code = first[len(prefix):].strip().rstrip(";").strip()
            if not code:
                raise ReaderError(
                    f"Zeile {record.line}: Nach »{prefix}« fehlt der Tabellencode. {_DOWNLOAD_AGAIN}",
                    f"line {record.line}: no table code after {prefix!r}",
                    line=record.line,
                    value=first,
                )
            return code
    raise ReaderError(
        "Die Datei ist keine GENESIS-Tabelle: Die erste Zeile beginnt nicht mit »Tabelle:« oder "
        "»GENESIS-Tabelle:«. Bitte die Tabelle in der Landesdatenbank NRW oder der Regionaldatenbank "
        "im Format »CSV« herunterladen (nicht als Flat-File-CSV oder Excel).",
        f"line {record.line} does not start with 'Tabelle:' or 'GENESIS-Tabelle:': {first[:80]!r}",
        line=record.line,
        value=first[:200],
    )


def _read_title(records: list[Record], index: int) -> tuple[list[str], int]:
    """Title lines: only the first cell is filled. They end at the first row starting with an empty cell."""
    parts: list[str] = []
    while True:
        index = _skip_blank(records, index)
        if index >= len(records) or not records[index].cells[0].strip():
            return parts, index
        record = records[index]
        if _is_footer_start(record) or any(cell.strip() for cell in record.cells[1:]):
            # A data row or the footer before any column-header row.
            raise ReaderError(
                f"Zeile {record.line}: Die Tabelle hat keine Spaltenköpfe (Zeilen, die mit »;« beginnen). "
                f"{_DOWNLOAD_AGAIN}",
                f"line {record.line}: reached data or footer before any column-header row",
                line=record.line,
            )
        parts.append(record.cells[0].strip())
        index += 1


def _read_header_rows(records: list[Record], index: int) -> tuple[list[Record], int]:
    """Column-header rows: all rows from here whose first cell is empty, up to the first data row."""
    rows: list[Record] = []
    while True:
        index = _skip_blank(records, index)
        if index >= len(records) or records[index].cells[0].strip():
            break
        rows.append(records[index])
        index += 1
    if not rows:
        line = records[-1].line if records else 1
        raise ReaderError(
            f"Die Tabelle hat keine Spaltenköpfe (Zeilen, die mit »;« beginnen); die Datei endet nach Zeile {line}. "
            f"{_DOWNLOAD_AGAIN}",
            f"no column-header rows before end of file (last line {line})",
            line=line,
        )
    return rows, index


def _read_data_rows(records: list[Record], index: int, last_header: Record) -> tuple[list[Record], int]:
    """Data rows run from the first row after the headers to a blank row, the '___' line or the footer."""
    rows: list[Record] = []
    while index < len(records) and not _is_blank(records[index]) and not _is_footer_start(records[index]):
        rows.append(records[index])
        index += 1
    if not rows:
        raise ReaderError(
            f"Die Tabelle enthält keine Datenzeilen (nach den Spaltenköpfen in Zeile {last_header.line}). "
            f"Bitte prüfen, ob bei der Abfrage Merkmale ausgewählt wurden, und die Tabelle erneut als CSV "
            f"herunterladen.",
            f"no data rows after the header row in line {last_header.line}",
            line=last_header.line + 1,
        )
    return rows, index


def _take_period_lines(rows: list[Record], dim_count: int) -> tuple[list[Record], dict[int, str]]:
    """Some downloads put the time on a line of its own above its rows ('2023;;;;', then the rows of 2023 without a
    time column, then '2024;;;;' ...). Returns the data rows without those lines and the period of each row below
    one (by line). Rows before the first such line keep no period of their own."""
    periods: dict[int, str] = {}
    kept: list[Record] = []
    current: str | None = None
    for row in rows:
        first = row.cells[0].strip() if row.cells else ""
        if _PERIOD.match(first) and not any(cell.strip() for cell in row.cells[1:]):
            current = first
            continue
        if current is not None:
            periods[row.line] = current
        kept.append(row)
    if not kept:
        line = rows[-1].line if rows else 1
        raise ReaderError(
            f"Die Tabelle enthält nach Zeile {line} nur Zeitangaben und keine Datenzeilen. {_DOWNLOAD_AGAIN}",
            f"only period lines and no data rows (last line {line})",
            line=line,
        )
    return kept, periods


def _check_row_widths(rows: list[Record], width: int, records: list[Record], end: int, text: str) -> None:
    """Every data row must have as many cells as the header; a short last row means the file was cut off."""
    data_runs_to_eof = end >= len(records)
    for position, row in enumerate(rows):
        is_last_line_of_file = data_runs_to_eof and position == len(rows) - 1
        if len(row.cells) == width:
            continue
        if is_last_line_of_file and len(row.cells) < width:
            raise ReaderError(
                f"Zeile {row.line}: Die Datei endet mitten in einer Datenzeile ({len(row.cells)} statt {width} "
                f"Felder). Die Datei ist vermutlich unvollständig. {_DOWNLOAD_AGAIN}",
                f"truncated file: last data row in line {row.line} has {len(row.cells)} cells, expected {width}",
                line=row.line,
            )
        raise ReaderError(
            f"Zeile {row.line}: Die Datenzeile hat {len(row.cells)} Felder, die Spaltenköpfe aber {width}. "
            f"Die Datei wurde vermutlich verändert. {_DOWNLOAD_AGAIN}",
            f"line {row.line}: data row has {len(row.cells)} cells, header rows have {width}",
            line=row.line,
        )
    if data_runs_to_eof and not text.endswith("\n"):
        # Official downloads end every line with a line break (and carry a footer). Data up to the last byte
        # without a final line break means the download was cut, possibly in the middle of a number.
        last = rows[-1]
        raise ReaderError(
            f"Zeile {last.line}: Die Datei endet mitten in einer Datenzeile (ohne Zeilenende und ohne "
            f"Fußzeilen). Die Datei ist vermutlich unvollständig. {_DOWNLOAD_AGAIN}",
            f"truncated file: data row in line {last.line} is the last line and has no line break",
            line=last.line,
        )


def _find_row_dimension_columns(rows: list[Record], dim_count: int) -> tuple[int | None, int]:
    """Return (time column or None, region-code column) among the row-dimension columns.

    The region-code column is the first one (with a label column after it) whose every value looks like a
    region code; a column before it whose every value looks like a period is the time column.
    """
    best_col, best_hits = None, 0
    for col in range(dim_count - 1):  # the region label must follow the code
        values = [row.cells[col].strip() for row in rows]
        hits = sum(1 for value in values if REGION_CODE.match(value))
        if hits == len(values):
            time_col = next(
                (c for c in range(col) if all(_PERIOD.match(row.cells[c].strip()) for row in rows)),
                None,
            )
            return time_col, col
        if hits > best_hits:
            best_col, best_hits = col, hits

    if best_col is not None and best_hits * 2 >= len(rows):
        # Mostly region codes: point at the first cell that is not one.
        bad = next(row for row in rows if not REGION_CODE.match(row.cells[best_col].strip()))
        value = bad.cells[best_col]
        raise ReaderError(
            f"Zeile {bad.line}, Spalte {best_col + 1}: »{value}« ist kein gültiger Regionalschlüssel "
            f"(erwartet z. B. »DG«, »05«, »051«, »05966«, »05966004« oder »JH05966999«). {_DOWNLOAD_AGAIN}",
            f"line {bad.line}, column {best_col + 1}: {value!r} is not a region code",
            line=bad.line,
            column=best_col + 1,
            value=value,
        )
    first = rows[0]
    raise ReaderError(
        f"Die Tabelle hat keine Spalte mit Regionalschlüsseln (z. B. »05966« vor »Olpe, Kreis«; erste Datenzeile: "
        f"Zeile {first.line}). Bitte die Tabelle mit der regionalen Gliederung (Kreise, Gemeinden oder "
        f"Jugendämter) als CSV herunterladen.",
        f"no region-code column among the {dim_count} row-dimension columns (first data row line {first.line})",
        line=first.line,
    )


_ColumnInfo = tuple[str, str | None, str, tuple[str, ...]]  # (measure, unit, period from header rows, levels)


def _title_variable(title_parts: list[str]) -> tuple[str, str | None] | None:
    """(name, unit) when the last title line names the table's one value variable: 'Bevölkerungsstand (Anzahl)'."""
    if not title_parts:
        return None
    match = _VARIABLE_WITH_UNIT.match(title_parts[-1])
    if match is None or not _is_unit(match.group("unit").strip()):
        return None
    return match.group("name").strip(), match.group("unit").strip()


def _describe_value_columns(
    header_rows: list[Record], dim_count: int, width: int, title_variable: tuple[str, str | None] | None
) -> dict[int, _ColumnInfo]:
    """For each value column (0-based index): (measure, unit, period from time header rows or '', header levels).

    Without a unit row the unit is the one the title names ('Bevölkerungsstand (Anzahl)'), if it names one."""

    def value_cells(row: Record) -> list[str]:
        cells = [cell.strip() for cell in row.cells[dim_count:width]]
        return cells + [""] * (width - dim_count - len(cells))  # a short header row counts as empty cells

    grid = [value_cells(row) for row in header_rows]

    def all_filled_match(cells: list[str], test) -> bool:
        filled = [cell for cell in cells if cell]
        return bool(filled) and all(test(cell) for cell in filled)

    time_rows = [i for i, cells in enumerate(grid) if all_filled_match(cells, lambda c: bool(_PERIOD.match(c)))]
    # 'Stichtag'/'Jahr' rows only name the time; they are dropped when a row with the actual dates exists.
    time_name_rows = (
        [i for i, cells in enumerate(grid) if all_filled_match(cells, lambda c: c in _TIME_NAMES)] if time_rows else []
    )
    unit_rows = [i for i, cells in enumerate(grid) if all_filled_match(cells, _is_unit)]
    unit_row = unit_rows[-1] if unit_rows else None
    skipped = set(time_rows) | set(time_name_rows) | ({unit_row} if unit_row is not None else set())
    title_name, title_unit = title_variable if title_variable else (None, None)

    columns: dict[int, _ColumnInfo] = {}
    for offset in range(width - dim_count):
        levels = tuple(cells[offset] for i, cells in enumerate(grid) if i not in skipped)
        parts: list[str] = []
        for cell in levels:
            if cell and (not parts or parts[-1] != cell):  # spanning headers repeat the same text per column
                parts.append(cell)
        unit = (grid[unit_row][offset] or None) if unit_row is not None else title_unit
        period = " ".join(grid[i][offset] for i in time_rows if grid[i][offset])
        if title_name:
            levels = (title_name, *levels)
        columns[dim_count + offset] = (" | ".join(parts), unit, period, levels)
    return columns


def _is_unit(cell: str) -> bool:
    return cell in _UNITS or bool(_UNIT_PATTERN.match(cell))


def read_footer(records: list[Record]) -> tuple[datetime | None, str | None, str]:
    """Footer after the data: '___' line, note block, copyright block, 'Stand: dd.mm.yyyy / hh:mm:ss'."""
    stand: datetime | None = None
    copyright_line: str | None = None
    notes: list[str] = []
    in_copyright = False
    for record in records:
        # Re-join the cells: an unquoted footer line may be padded with ';' or contain a ';'.
        text = ";".join(record.cells).strip().rstrip(";").strip()
        if not text or text.startswith("___"):
            continue
        if text.startswith("Stand:"):
            stand = _parse_stand(text, record.line)
            in_copyright = False
            continue
        if text.startswith("©") or text.lower().startswith("(c)opyright"):
            if copyright_line is None:
                copyright_line = text.split("\n", 1)[0].strip().strip('"').strip()
            in_copyright = True
            continue
        if in_copyright:
            continue  # licence sentence of an unquoted multi-line copyright block
        notes.append(text)
    return stand, copyright_line, "\n".join(notes)


def _parse_stand(text: str, line: int) -> datetime:
    match = _STAND.match(text)
    try:
        if match is None:
            raise ValueError("not of the form 'Stand: dd.mm.yyyy / hh:mm:ss'")
        return datetime.strptime(f"{match.group(1)} {match.group(2)}", "%d.%m.%Y %H:%M:%S")
    except ValueError as error:
        raise ReaderError(
            f"Zeile {line}: Der Stand-Vermerk »{text}« ist unvollständig oder enthält kein gültiges Datum "
            f"(erwartet »Stand: TT.MM.JJJJ / hh:mm:ss«). {_DOWNLOAD_AGAIN}",
            f"line {line}: invalid footer {text!r}: {error}",
            line=line,
            value=text,
        ) from None


# --------------------------------------------------------------------------------------------------------------------
# Cells


def region_level(code: str) -> str:
    if code == "DG":
        return "Deutschland"
    if code.startswith("JH"):
        return "Jugendamt"
    if code.isdigit():
        return {2: "Land", 3: "Regierungsbezirk", 5: "Kreis", 8: "Gemeinde"}.get(len(code), "Sonstige")
    return "Sonstige"


def _parse_number(text: str) -> float:
    return float(text.replace(",", "."))


def _parse_symbol_or_number(text: str) -> tuple[float | None, str | None] | None:
    """(value, flag) for a plain number, '-' or a no-value symbol; None if the text is none of these."""
    if text == "-":
        return 0.0, "-"  # 'nichts vorhanden': exactly zero
    if text in _NO_VALUE_SYMBOLS:
        return None, _NO_VALUE_SYMBOLS[text]
    if _PLAIN_NUMBER.match(text):
        return _parse_number(text), None  # includes '0' (less than half the unit): zero without flag
    return None


def parse_value(raw: str, line: int, column: int) -> tuple[float | None, str | None]:
    text = raw.strip()
    parsed = _parse_symbol_or_number(text)
    if parsed is not None:
        return parsed
    match = _SUFFIXED_NUMBER.match(text)
    if match:  # '123p', '123 r': provisional / revised / estimated
        return _parse_number(match.group(1)), match.group(2)
    match = _PARENTHESISED.match(text)
    if match:  # '(123)', '( 123 )': Aussagewert eingeschränkt
        inner = _parse_symbol_or_number(match.group(1).strip())
        if inner is not None:
            value, flag = inner
            # A symbol without a value inside the brackets, e.g. '(.)', keeps its own meaning.
            return (value, "()") if value is not None else (None, flag)
    raise ReaderError(
        f"Zeile {line}, Spalte {column}: Der Wert »{raw}« ist keine Zahl und kein bekanntes Sonderzeichen der "
        f"amtlichen Statistik. Bitte die Tabelle unverändert als CSV herunterladen (nicht in Excel bearbeiten).",
        f"line {line}, column {column}: cannot parse value {raw!r}",
        line=line,
        column=column,
        value=raw,
    )
