"""Reader for GENESIS flat-file CSV downloads ("ffcsv", GENESIS-Online and other GENESIS databases).

Layout of such a file (see docs DOMAIN.md §3.2): long format, one header line, then one line per combination of
time and Merkmal-Ausprägungen, one column per value ("Wertmerkmal"):

    Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;1_Auspraegung_Code;
        1_Auspraegung_Label;2_Merkmal_Code;...;BEVSTD__Bevoelkerungsstand__Anzahl[;BEVSTD__Bevoelkerungsstand__q]
    12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.2019;DLAND;Bundesländer;08;
        Baden-Württemberg;ALT103;Altersjahre;ALT000;unter 1 Jahr;108303
    ...;DLAND;Bundesländer;16;Thüringen;ALT103;Altersjahre;;Insgesamt;2133378   <- empty code: the "Insgesamt" row

The result uses the same data classes as the GENESIS table CSV reader (GenesisTable, GenesisCell), so the loader
treats both formats alike:

- table_code: a 'Tabelle_Code' / 'Tabelle' column if the file has one, else Statistik_Code ('12411').
- title: 'Tabelle_Label' if present, else Statistik_Label.
- period: the 'Zeit' value as written ('31.12.2019', '2023').
- region: the first Merkmal whose code is a regional one (DINSG, DLAND, REGBEZ, KREISE, GEMEIN); its
  Auspraegung_Code / Auspraegung_Label become region_code / region_label, level as in genesis_table.
  The "Insgesamt" row of DLAND (empty code) is the sum of the Länder and becomes 'DG' / 'Deutschland'. The
  "Insgesamt" row of the other regional Merkmale covers the scope of the database it came from (Germany in
  GENESIS-Online, NRW in the Landesdatenbank), so it keeps region_code '' and label 'Insgesamt' with level
  'Sonstige': the caller decides.
- dimensions: every other Merkmal as (Auspraegung_Code, Auspraegung_Label), flattened in column order; the
  "Insgesamt" row keeps its empty code: ('', 'Insgesamt').
- one cell per value column '<CODE>__<Label>__<Einheit>': measure = Label, unit = Einheit. A quality column
  '<CODE>__<Label>__q' supplies the flag of its value column when it holds a symbol of the Zeichenerklärung
  ('-', '.', 'x', '...', '/', '()', 'p', 'r', 's'); other quality marks (e.g. 'e') are not flags and are ignored.
  A quality symbol that contradicts the value (a number next to '.', or a non-zero number next to '-') is an error.
- values and symbols are parsed exactly as in genesis_table (decimal comma, no thousands separator).
- stand / copyright are None (a flat file has no footer); notes ''. Should a file carry a GENESIS footer after a
  '___' line anyway, it is read like the table CSV's footer.

Pure function of the bytes: no file IO, no logging. Anything ambiguous raises ReaderError with a German message
for the user (with line and column) and an English detail for the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.readers.errors import ReaderError, reject_html

# Shared with the table-CSV reader so that both formats decode, split and parse values identically.
from pipelines.readers.genesis_table import (
    _REGION_CODE,
    GenesisCell,
    GenesisTable,
    _decode,
    _level,
    _parse_records,
    _parse_value,
    _read_footer,
    _Record,
)

__all__ = ["is_genesis_flat", "read_genesis_flat"]


_HEADER_START = "Statistik_Code;Statistik_Label;Zeit_Code"

_DOWNLOAD_AGAIN = "Bitte die Tabelle in GENESIS erneut im Format »Flat-File CSV« (ffcsv) herunterladen."

# Regional Merkmale of GENESIS. DINSG is "Deutschland insgesamt" (one Ausprägung 'DG').
_REGIONAL_MERKMALE = frozenset({"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN"})

_TABLE_CODE_COLUMNS = ("Tabelle_Code", "Tabelle", "Tabellen_Code")
_TABLE_LABEL_COLUMNS = ("Tabelle_Label", "Tabellen_Label")
_KNOWN_FIXED_COLUMNS = frozenset(
    {"Statistik_Code", "Statistik_Label", "Zeit_Code", "Zeit_Label", "Zeit"}
    | set(_TABLE_CODE_COLUMNS)
    | set(_TABLE_LABEL_COLUMNS)
)
_REQUIRED_COLUMNS = ("Statistik_Code", "Statistik_Label", "Zeit_Code", "Zeit_Label", "Zeit")

_MERKMAL_COLUMN = re.compile(r"^(\d+)_(Merkmal_Code|Merkmal_Label|Auspraegung_Code|Auspraegung_Label)$")
_MERKMAL_PARTS = ("Merkmal_Code", "Merkmal_Label", "Auspraegung_Code", "Auspraegung_Label")

# Quality-column symbols (DOMAIN §3.5) and what they mean for the value.
_QUALITY_NO_VALUE = {".": ".", "x": "x", "...": "...", "…": "...", "/": "/"}
_QUALITY_ANNOTATIONS = {"p": "p", "r": "r", "s": "s", "()": "()", "( )": "()"}


# --------------------------------------------------------------------------------------------------------------------
# Public API


def is_genesis_flat(data: bytes) -> bool:
    """Cheap sniff: does the header line start with 'Statistik_Code;Statistik_Label;Zeit_Code'?

    The names are ASCII, so the check works on the raw bytes whatever the encoding. Quoted header names
    ('"Statistik_Code";"Statistik_Label";...') are accepted as well.
    """
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first_line = head.lstrip().split(b"\n", 1)[0].replace(b'"', b"")
    return first_line.startswith(_HEADER_START.encode("ascii"))


def read_genesis_flat(data: bytes) -> GenesisTable:
    """Parse a GENESIS flat-file CSV into one GenesisCell per data line and value column."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN}", "file is empty or whitespace only")

    text, encoding = _decode(data)
    reject_html(text, _DOWNLOAD_AGAIN, "file is an HTML/XML page, not a flat-file CSV")
    records = _parse_records(text)
    index = 0
    while index < len(records) and _is_blank(records[index]):
        index += 1
    if index >= len(records):
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN}", "file contains only whitespace after decoding")

    header = records[index]
    layout = _read_header(header)
    index += 1

    data_rows: list[_Record] = []
    while index < len(records) and not _is_footer_start(records[index]):
        record = records[index]
        index += 1
        if _is_blank(record):
            continue  # a trailing empty line (or an empty line in between) carries no cell
        data_rows.append(record)
    footer = records[index:]

    if not data_rows:
        raise ReaderError(
            f"Die Datei enthält nur die Kopfzeile (Zeile {header.line}) und keine Datenzeilen. "
            f"Bitte prüfen, ob bei der Abfrage Merkmale ausgewählt wurden. {_DOWNLOAD_AGAIN}",
            f"no data lines after the header in line {header.line}",
            line=header.line + 1,
        )
    _check_row_widths(data_rows, layout.width, runs_to_eof=not footer, text=text)

    first = data_rows[0].cells
    table_code = first[layout.table_code_col].strip()
    if not table_code:
        raise ReaderError(
            f"Zeile {data_rows[0].line}, Spalte {layout.table_code_col + 1}: Der Tabellen- bzw. Statistikcode "
            f"fehlt. {_DOWNLOAD_AGAIN}",
            f"line {data_rows[0].line}: empty table/statistic code in column {layout.table_code_col + 1}",
            line=data_rows[0].line,
            column=layout.table_code_col + 1,
        )
    title = first[layout.title_col].strip()

    cells: list[GenesisCell] = []
    for row in data_rows:
        cells.extend(_row_cells(row, layout))

    stand, copyright_line, notes = _read_footer(footer) if footer else (None, None, "")
    return GenesisTable(
        table_code=table_code,
        title=title,
        stand=stand,
        copyright=copyright_line,
        notes=notes,
        encoding=encoding,
        cells=cells,
        dimension_pairs=True,
    )


# --------------------------------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True)
class _ValueColumn:
    index: int  # 0-based
    code: str  # 'BEVSTD'
    measure: str  # 'Bevoelkerungsstand'
    unit: str  # 'Anzahl'
    quality_index: int | None  # 0-based index of '<CODE>__<Label>__q', if present


@dataclass(frozen=True)
class _Layout:
    width: int
    table_code_col: int
    title_col: int
    time_col: int
    merkmale: list[tuple[int, int, int, int]]  # per Merkmal slot: (code, label, auspraegung code, auspraegung label)
    values: list[_ValueColumn]


def _read_header(header: _Record) -> _Layout:
    names = [cell.strip() for cell in header.cells]
    line = header.line

    def changed_header(message: str, detail: str, column: int | None = None, value: str | None = None):
        where = f"Zeile {line}, Spalte {column}" if column is not None else f"Zeile {line}"
        return ReaderError(
            f"{where}: {message} Die Kopfzeile entspricht nicht dem GENESIS-Flat-File-Format; die Datei wurde "
            f"vermutlich verändert. {_DOWNLOAD_AGAIN}",
            f"line {line}: {detail}",
            line=line,
            column=column,
            value=value,
        )

    if not ";".join(names).startswith(_HEADER_START):
        first = ";".join(header.cells)[:200]
        raise ReaderError(
            "Die Datei ist keine GENESIS-Flat-File-CSV: Die erste Zeile beginnt nicht mit "
            f"»{_HEADER_START}«. {_DOWNLOAD_AGAIN}",
            f"line {line} does not start with {_HEADER_START!r}: {first[:80]!r}",
            line=line,
            value=first,
        )

    positions: dict[str, int] = {}
    merkmal_columns: dict[int, dict[str, int]] = {}
    value_specs: list[tuple[int, str, str, str]] = []  # (index, code, label, unit-or-'q')
    for col, name in enumerate(names):
        if name in positions:
            raise changed_header(
                f"Die Spalte »{name}« kommt doppelt vor.", f"duplicate column {name!r}", col + 1, name
            )
        match = _MERKMAL_COLUMN.match(name)
        if name in _KNOWN_FIXED_COLUMNS:
            pass
        elif match:
            merkmal_columns.setdefault(int(match.group(1)), {})[match.group(2)] = col
        elif (value_spec := _split_value_column(name)) is not None:
            value_specs.append((col, *value_spec))
        else:
            raise changed_header(
                f"Die Spalte »{name}« ist unbekannt (erwartet z. B. »1_Merkmal_Code« oder "
                f"»BEVSTD__Bevoelkerungsstand__Anzahl«).",
                f"unknown column {name!r} in column {col + 1}",
                col + 1,
                name,
            )
        positions[name] = col

    for name in _REQUIRED_COLUMNS:
        if name not in positions:
            raise changed_header(f"Die Spalte »{name}« fehlt.", f"missing column {name!r}")

    merkmale: list[tuple[int, int, int, int]] = []
    for number in sorted(merkmal_columns):
        parts = merkmal_columns[number]
        missing = [part for part in _MERKMAL_PARTS if part not in parts]
        if missing:
            name = f"{number}_{missing[0]}"
            raise changed_header(
                f"Zum {number}. Merkmal fehlt die Spalte »{name}«.", f"Merkmal {number}: missing column {name!r}"
            )
        merkmale.append(tuple(parts[part] for part in _MERKMAL_PARTS))  # type: ignore[arg-type]
    if not merkmale:
        raise changed_header(
            "Die Datei enthält keine Merkmalsspalten (»1_Merkmal_Code« ...).", "no Merkmal columns"
        )

    quality = {(code, label): col for col, code, label, unit in value_specs if unit == "q"}
    values = [
        _ValueColumn(col, code, label, unit, quality.pop((code, label), None))
        for col, code, label, unit in value_specs
        if unit != "q"
    ]
    if quality:
        (code, label), col = next(iter(quality.items()))
        name = names[col]
        raise changed_header(
            f"Zur Qualitätsspalte »{name}« gibt es keine Wertespalte »{code}__{label}__<Einheit>«.",
            f"quality column {name!r} without a value column",
            col + 1,
            name,
        )
    if not values:
        raise changed_header(
            "Die Datei enthält keine Wertespalte (z. B. »BEVSTD__Bevoelkerungsstand__Anzahl«).", "no value columns"
        )

    table_code_col = next((positions[n] for n in _TABLE_CODE_COLUMNS if n in positions), positions["Statistik_Code"])
    title_col = next((positions[n] for n in _TABLE_LABEL_COLUMNS if n in positions), positions["Statistik_Label"])
    return _Layout(
        width=len(names),
        table_code_col=table_code_col,
        title_col=title_col,
        time_col=positions["Zeit"],
        merkmale=merkmale,
        values=values,
    )


def _split_value_column(name: str) -> tuple[str, str, str] | None:
    """'<CODE>__<Label>__<Einheit or q>' -> (code, label, unit); the label may (rarely) contain '__' itself."""
    parts = name.split("__")
    if len(parts) < 3 or not all(part.strip() for part in (parts[0], parts[-1])) or " " in parts[0]:
        return None
    label = "__".join(parts[1:-1])
    if not label.strip():
        return None
    return parts[0], label, parts[-1]


# --------------------------------------------------------------------------------------------------------------------
# Rows and cells


def _is_blank(record: _Record) -> bool:
    return not any(cell.strip() for cell in record.cells)


def _is_footer_start(record: _Record) -> bool:
    first = record.cells[0].strip() if record.cells else ""
    return first.startswith("___")


def _check_row_widths(rows: list[_Record], width: int, *, runs_to_eof: bool, text: str) -> None:
    """Every data line must have as many fields as the header; a short last line means the file was cut off."""
    for position, row in enumerate(rows):
        if len(row.cells) == width:
            continue
        if runs_to_eof and position == len(rows) - 1 and len(row.cells) < width:
            raise ReaderError(
                f"Zeile {row.line}: Die Datei endet mitten in einer Datenzeile ({len(row.cells)} statt {width} "
                f"Felder). Die Datei ist vermutlich unvollständig. {_DOWNLOAD_AGAIN}",
                f"truncated file: last data line {row.line} has {len(row.cells)} fields, expected {width}",
                line=row.line,
            )
        raise ReaderError(
            f"Zeile {row.line}: Die Datenzeile hat {len(row.cells)} Felder, die Kopfzeile aber {width}. "
            f"Die Datei wurde vermutlich verändert. {_DOWNLOAD_AGAIN}",
            f"line {row.line}: data line has {len(row.cells)} fields, header has {width}",
            line=row.line,
        )
    if runs_to_eof and not text.endswith("\n"):
        last = rows[-1]
        raise ReaderError(
            f"Zeile {last.line}: Die Datei endet mitten in einer Datenzeile (ohne Zeilenende). Die Datei ist "
            f"vermutlich unvollständig. {_DOWNLOAD_AGAIN}",
            f"truncated file: data line {last.line} is the last line and has no line break",
            line=last.line,
        )


def _row_cells(row: _Record, layout: _Layout) -> list[GenesisCell]:
    cells = row.cells
    period = cells[layout.time_col].strip()
    if not period:
        raise ReaderError(
            f"Zeile {row.line}, Spalte {layout.time_col + 1}: Die Zeitangabe (Spalte »Zeit«) ist leer. "
            f"{_DOWNLOAD_AGAIN}",
            f"line {row.line}: empty 'Zeit' in column {layout.time_col + 1}",
            line=row.line,
            column=layout.time_col + 1,
        )

    region: tuple[str, str] | None = None
    dimensions: list[str] = []
    for merkmal_code_col, _label_col, code_col, label_col in layout.merkmale:
        merkmal = cells[merkmal_code_col].strip()
        code, label = cells[code_col].strip(), cells[label_col].strip()
        if region is None and merkmal in _REGIONAL_MERKMALE:
            region = _region(merkmal, code, label, row.line, code_col + 1, cells[code_col])
        elif merkmal or code or label:
            dimensions += [code, label]
    if region is None:
        raise ReaderError(
            f"Zeile {row.line}: Die Zeile hat kein regionales Merkmal (DLAND, REGBEZ, KREISE, GEMEIN oder DINSG). "
            f"Bitte die Tabelle mit regionaler Gliederung abrufen. {_DOWNLOAD_AGAIN}",
            f"line {row.line}: no regional Merkmal among "
            f"{[cells[m[0]].strip() for m in layout.merkmale]!r}",
            line=row.line,
        )
    region_code, region_label = region
    level = _level(region_code)

    result: list[GenesisCell] = []
    for column in layout.values:
        raw = cells[column.index]
        quality = cells[column.quality_index].strip() if column.quality_index is not None else ""
        value, flag = _value_with_quality(raw, quality, row.line, column)
        result.append(
            GenesisCell(
                period=period,
                region_code=region_code,
                region_label=region_label,
                region_indent=0,
                level=level,
                dimensions=tuple(dimensions),
                measure=column.measure,
                unit=column.unit,
                value=value,
                flag=flag,
                raw=raw,
                line=row.line,
                column=column.index + 1,
            )
        )
    return result


def _region(merkmal: str, code: str, label: str, line: int, column: int, raw: str) -> tuple[str, str]:
    if not code:
        if merkmal in ("DLAND", "DINSG"):
            return "DG", "Deutschland"  # the sum of the Länder
        return "", label  # 'Insgesamt' over the database's scope: left to the caller
    if not _REGION_CODE.match(code) or code.startswith("JH"):
        raise ReaderError(
            f"Zeile {line}, Spalte {column}: »{raw}« ist kein gültiger Regionalschlüssel für das Merkmal "
            f"{merkmal} (erwartet z. B. »DG«, »05«, »051«, »05966« oder »05966004«; eine fehlende führende "
            f"Null deutet auf eine in Excel gespeicherte Datei hin). {_DOWNLOAD_AGAIN}",
            f"line {line}, column {column}: {raw!r} is not a region code (Merkmal {merkmal})",
            line=line,
            column=column,
            value=raw,
        )
    return code, label


def _value_with_quality(raw: str, quality: str, line: int, column: _ValueColumn) -> tuple[float | None, str | None]:
    col = column.index + 1
    quality_symbol = quality in _QUALITY_NO_VALUE or quality in _QUALITY_ANNOTATIONS or quality == "-"
    if not raw.strip() and quality_symbol and quality not in _QUALITY_ANNOTATIONS:
        # The symbol stands only in the quality column: it replaces the value.
        return _parse_value(quality, line, col)
    value, flag = _parse_value(raw, line, col)
    if not quality_symbol or flag is not None:
        return value, flag  # no symbol in the quality column, or the value cell carries its own symbol
    if quality in _QUALITY_ANNOTATIONS:
        return value, _QUALITY_ANNOTATIONS[quality]
    if quality == "-" and value == 0:
        return 0.0, "-"
    raise ReaderError(
        f"Zeile {line}, Spalte {col}: Der Wert »{raw}« widerspricht dem Qualitätskennzeichen »{quality}« in der "
        f"Spalte »{column.code}__{column.measure}__q«. {_DOWNLOAD_AGAIN}",
        f"line {line}, column {col}: value {raw!r} contradicts quality mark {quality!r}",
        line=line,
        column=col,
        value=raw,
    )
