"""Reader for GENESIS flat-file CSV downloads ("ffcsv"), both generations, and the ZIP the web service wraps them in.

GENESIS 5 (Regionaldatenbank and GENESIS-Online since 2025; docs/genesis_webservice.md): UTF-8 with BOM, one value
per line, ISO dates, English column names whatever the language of the labels, and no table code inside:

    statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;
        1_variable_attribute_code;1_variable_attribute_label;2_variable_code;...;value;value_unit;
        value_variable_code;value_variable_label
    12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;Kreise und kreisfreie Städte;
        05966;Olpe, Kreis;GES;Geschlecht;;Insgesamt;132346;Anzahl;BEVSTD;Bevölkerungsstand

The web service delivers it as a ZIP with one member ``<table code>_<milliseconds>[_de|_en]_flat.csv``: that member
name is the only place the table code is written, so the ZIP is what the pull puts into the inbox, unchanged.

Older downloads (GENESIS 4, docs/recognition.md): one line per combination of time and Ausprägungen, one column per
value:

    Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;1_Auspraegung_Code;
        1_Auspraegung_Label;...;BEVSTD__Bevoelkerungsstand__Anzahl[;BEVSTD__Bevoelkerungsstand__q]

Both read into the GenesisTable / GenesisCell shape of the table-CSV reader, so that the loader treats all GENESIS
formats alike and a pulled table lands the same cells as the browser's table CSV of the same table:

- table_code: GENESIS 5: the ZIP member's code (``table_code`` argument); a bare GENESIS 5 CSV names none and is
  refused. Older: a 'Tabelle_Code' / 'Tabelle' column if present, else Statistik_Code ('12411').
- title: 'Tabelle_Label' if present, else the statistic's label.
- period: as the table CSV writes it: an ISO date becomes '31.12.2024'; '2024' and '2023/24' stay as they are.
- region: the first variable whose code is a regional one (DINSG, DLAND, REGBEZ, KREISE, GEMEIN); its attribute
  code and label become region_code / region_label (labels stripped of indentation), level as in genesis_table.
  The "Insgesamt" attribute (empty code) of DLAND/DINSG is 'DG' / 'Deutschland'; that of the other regional
  variables keeps region_code '' and level 'Sonstige': the caller decides.
- measure and dimensions: see flat_rows_to_cells, the one place that maps flat lines to cells.
- values and symbols are parsed as in genesis_table (decimal comma, no thousands separator); an English GENESIS 5
  download writes a decimal point, which is accepted there. A quality column '<CODE>__<Label>__q' (older layout)
  supplies the flag of its value column when it holds a symbol of the Zeichenerklärung.
- stand / copyright are None (a flat file has no footer; the pull learns the Stand from the table's metadata);
  should a file carry a GENESIS footer after a '___' line anyway, it is read like the table CSV's footer.

Pure functions of the bytes: no file IO, no logging. Anything ambiguous raises ReaderError with a German message
for the user (with line and column) and an English detail for the log.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from pipelines.readers.errors import ReaderError, reject_html

# Shared with the table-CSV reader so that both formats decode, split and parse values identically.
from pipelines.readers.genesis_table import (
    REGION_CODE,
    GenesisCell,
    GenesisTable,
    Record,
    decode_text,
    parse_records,
    parse_value,
    read_footer,
    region_level,
)

__all__ = [
    "FlatRow",
    "flat_rows_to_cells",
    "is_genesis_flat",
    "is_genesis_flat_zip",
    "parse_genesis_flat",
    "read_genesis_flat",
    "read_genesis_flat_zip",
    "unzip_genesis_flat",
]


_LEGACY_START = "Statistik_Code;Statistik_Label;Zeit_Code"
_GENESIS5_START = "statistics_code;statistics_label;time_code"

_DOWNLOAD_AGAIN = "Bitte die Tabelle in GENESIS erneut im Format »Flat-File CSV« (ffcsv) herunterladen."

# Regional variables of GENESIS. DINSG is "Deutschland insgesamt" (one attribute 'DG').
_REGIONAL_VARIABLES = frozenset({"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN"})

# The ZIP member the web service names after the table: 12411-01-01-4_1773175772751_de_flat.csv,
# 12531-0043_175879554_flat.csv (a job's result file).
_ZIP_MEMBER = re.compile(r"^(?P<code>[0-9A-Za-z][0-9A-Za-z.\-]*(?:_[0-9A-Za-z.\-]+)*?)_\d{6,}(?:_(?:de|en))?_flat\.csv$")
_MAX_UNZIPPED_BYTES = 2 * 1024**3  # a ZIP that claims more is refused before unpacking

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DECIMAL_POINT = re.compile(r"^-?\d+\.\d+$")

# Older layout.
_TABLE_CODE_COLUMNS = ("Tabelle_Code", "Tabelle", "Tabellen_Code")
_TABLE_LABEL_COLUMNS = ("Tabelle_Label", "Tabellen_Label")
_LEGACY_FIXED = ("Statistik_Code", "Statistik_Label", "Zeit_Code", "Zeit_Label", "Zeit")
_LEGACY_VARIABLE = re.compile(r"^(\d+)_(Merkmal_Code|Merkmal_Label|Auspraegung_Code|Auspraegung_Label)$")
_LEGACY_PARTS = ("Merkmal_Code", "Merkmal_Label", "Auspraegung_Code", "Auspraegung_Label")

# GENESIS 5 layout.
_GENESIS5_FIXED = ("statistics_code", "statistics_label", "time_code", "time_label", "time")
_GENESIS5_VARIABLE = re.compile(
    r"^(\d+)_(variable_code|variable_label|variable_attribute_code|variable_attribute_label)$"
)
_GENESIS5_PARTS = ("variable_code", "variable_label", "variable_attribute_code", "variable_attribute_label")
_GENESIS5_VALUE = ("value", "value_unit", "value_variable_code", "value_variable_label")

# Quality-column symbols (docs/sources.md, Symbols) and what they mean for the value.
_QUALITY_NO_VALUE = {".": ".", "x": "x", "...": "...", "…": "...", "/": "/"}
_QUALITY_ANNOTATIONS = {"p": "p", "r": "r", "s": "s", "()": "()", "( )": "()"}


# --------------------------------------------------------------------------------------------------------------------
# What a flat file holds, before it becomes cells


@dataclass(frozen=True)
class FlatVariable:
    code: str  # 'KREISE', 'GES'
    label: str  # 'Geschlecht'
    attribute_code: str  # 'GESM'; '' for the "Insgesamt" attribute
    attribute_label: str  # 'männlich', 'Insgesamt'
    column: int  # 1-based column of the attribute code


@dataclass(frozen=True)
class FlatValue:
    variable_code: str  # 'BEVSTD'
    label: str  # 'Bevölkerungsstand' (older layout: 'Bevoelkerungsstand', as in its column name)
    unit: str  # 'Anzahl'
    raw: str  # the cell text as in the file
    number_text: str  # raw with a decimal point (English GENESIS 5 download) written as a decimal comma
    quality: str  # the older layout's quality column ('' if none)
    column: int  # 1-based column of the value


@dataclass(frozen=True)
class FlatRow:
    line: int
    period: str  # as the table CSV writes it: '31.12.2024', '2024', '2023/24'
    variables: tuple[FlatVariable, ...]
    values: tuple[FlatValue, ...]


@dataclass(frozen=True)
class FlatFile:
    generation: str  # 'GENESIS 5' or 'GENESIS 4'
    table_code: str
    title: str
    stand: object  # datetime | None, from a footer if the file has one
    copyright: str | None
    notes: str
    encoding: str
    rows: list[FlatRow]


# --------------------------------------------------------------------------------------------------------------------
# Public API


def is_genesis_flat(data: bytes) -> bool:
    """Cheap sniff: does the header line start like a flat file of either generation?

    The names are ASCII, so the check works on the raw bytes whatever the encoding. Quoted header names
    ('"Statistik_Code";"Statistik_Label";...') are accepted as well.
    """
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first_line = head.lstrip().split(b"\n", 1)[0].replace(b'"', b"")
    return first_line.startswith((_LEGACY_START.encode("ascii"), _GENESIS5_START.encode("ascii")))


def is_genesis_flat_zip(data: bytes) -> bool:
    """Cheap sniff: a ZIP whose first member is named like the web service's flat file ('..._de_flat.csv').

    Reads the first local file header only, so a truncated archive is still recognised (and then refused with
    a clear message by unzip_genesis_flat instead of being taken for some other format).
    """
    if not data.startswith(b"PK\x03\x04") or len(data) < 30:
        return False
    name_length = int.from_bytes(data[26:28], "little")
    name = data[30:30 + name_length].decode("cp437", errors="replace")
    return bool(_ZIP_MEMBER.match(name.rsplit("/", 1)[-1]))


def unzip_genesis_flat(data: bytes) -> tuple[str, bytes]:
    """(table code from the member name, the flat CSV's bytes) of the web service's ZIP with one flat file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            names = [info.filename for info in members]
            matches = [info for info in members if _ZIP_MEMBER.match(info.filename.rsplit("/", 1)[-1])]
            if len(members) != 1 or len(matches) != 1:
                raise ReaderError(
                    "Das ZIP-Archiv enthält nicht genau eine GENESIS-Flat-File-CSV (»<Tabellencode>_..._flat.csv«), "
                    f"sondern: {', '.join(names) or 'nichts'}. {_DOWNLOAD_AGAIN}",
                    f"ZIP members {names!r}: expected exactly one '<code>_<ms>_flat.csv'",
                    line=1,
                )
            member = matches[0]
            if member.file_size > _MAX_UNZIPPED_BYTES:
                raise ReaderError(
                    f"Die Flat-File-CSV im ZIP-Archiv ist mit {member.file_size // 1024**2} MB zu groß zum Laden.",
                    f"ZIP member {member.filename!r} declares {member.file_size} bytes (limit {_MAX_UNZIPPED_BYTES})",
                    line=1,
                )
            content = archive.read(member)
    except ReaderError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise ReaderError(
            f"Das ZIP-Archiv ist beschädigt oder unvollständig und kann nicht entpackt werden. {_DOWNLOAD_AGAIN}",
            f"bad ZIP: {type(error).__name__}: {error}",
            line=1,
        ) from None
    code = _ZIP_MEMBER.match(member.filename.rsplit("/", 1)[-1]).group("code")  # type: ignore[union-attr]
    return code, content


def read_genesis_flat(
    data: bytes, *, table_code: str | None = None, column_variables: Collection[str] = ()
) -> GenesisTable:
    """Parse a flat-file CSV into GenesisCells (see flat_rows_to_cells for column_variables)."""
    return flat_table(parse_genesis_flat(data, table_code=table_code), column_variables)


def read_genesis_flat_zip(data: bytes, *, column_variables: Collection[str] = ()) -> GenesisTable:
    """Parse the web service's ZIP with one flat file; the table code comes from the member name."""
    code, content = unzip_genesis_flat(data)
    return read_genesis_flat(content, table_code=code, column_variables=column_variables)


def flat_table(flat: FlatFile, column_variables: Collection[str] = ()) -> GenesisTable:
    return GenesisTable(
        table_code=flat.table_code,
        title=flat.title,
        stand=flat.stand,  # type: ignore[arg-type]
        copyright=flat.copyright,
        notes=flat.notes,
        encoding=flat.encoding,
        cells=flat_rows_to_cells(flat.rows, column_variables),
        dimension_pairs=True,
    )


def flat_rows_to_cells(rows: Iterable[FlatRow], column_variables: Collection[str] = ()) -> list[GenesisCell]:
    """The one mapping from flat lines to cells of the table-CSV shape.

    column_variables: the codes of the variables that the table CSV of the same table shows in its column header
    (a per-table fact, `column_variables` in the source catalogue; e.g. GES for 12411-01-01-4, whose table CSV has
    the columns Insgesamt / männlich / weiblich). Their attribute labels join the value variable's label in the
    measure, in the file's variable order: 'Bevölkerungsstand | Insgesamt', 'Bevölkerungsstand | männlich' (and
    in measure_levels, the header levels that measure recognition reads).
    Every other non-regional variable is a row dimension, as in the table CSV (e.g. age groups), and stays in
    `dimensions` as (attribute code, attribute label) pairs, flattened in column order; the "Insgesamt" attribute
    keeps its empty code: ('', 'Insgesamt'). Without column_variables the measure is the value label alone.
    """
    wanted = frozenset(column_variables)
    cells: list[GenesisCell] = []
    for row in rows:
        region: tuple[str, str] | None = None
        dimensions: list[str] = []
        header_labels: list[str] = []
        for variable in row.variables:
            if region is None and variable.code in _REGIONAL_VARIABLES:
                region = _region(variable, row.line)
            elif variable.code in wanted:
                header_labels.append(variable.attribute_label)
            elif variable.code or variable.attribute_code or variable.attribute_label:
                dimensions += [variable.attribute_code, variable.attribute_label]
        if region is None:
            raise ReaderError(
                f"Zeile {row.line}: Die Zeile hat kein regionales Merkmal (DLAND, REGBEZ, KREISE, GEMEIN oder "
                f"DINSG). Bitte die Tabelle mit regionaler Gliederung abrufen. {_DOWNLOAD_AGAIN}",
                f"line {row.line}: no regional variable among {[v.code for v in row.variables]!r}",
                line=row.line,
            )
        region_code, region_label = region
        level = region_level(region_code)
        for value in row.values:
            number, flag = _value_with_quality(value, row.line)
            levels = (value.label, *header_labels)
            cells.append(
                GenesisCell(
                    period=row.period,
                    region_code=region_code,
                    region_label=region_label,
                    region_indent=0,
                    level=level,
                    dimensions=tuple(dimensions),
                    measure=" | ".join(levels),
                    unit=value.unit,
                    value=number,
                    flag=flag,
                    raw=value.raw,
                    line=row.line,
                    column=value.column,
                    measure_levels=levels,
                )
            )
    return cells


def parse_genesis_flat(data: bytes, *, table_code: str | None = None) -> FlatFile:
    """Read the lines of a flat-file CSV of either generation (no mapping to cells yet)."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN}", "file is empty or whitespace only")

    text, encoding = decode_text(data)
    reject_html(text, _DOWNLOAD_AGAIN, "file is an HTML/XML page, not a flat-file CSV")
    records = parse_records(text)
    index = 0
    while index < len(records) and _is_blank(records[index]):
        index += 1
    if index >= len(records):
        raise ReaderError(f"Die Datei ist leer. {_DOWNLOAD_AGAIN}", "file contains only whitespace after decoding")

    header = records[index]
    layout = _read_header(header)
    index += 1

    data_rows: list[Record] = []
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

    first = data_rows[0]
    code = _table_code(layout, first, table_code)
    known: dict = {}  # a file repeats few periods and attributes many times: one object each
    rows = [_flat_row(record, layout, known) for record in data_rows]
    stand, copyright_line, notes = read_footer(footer) if footer else (None, None, "")
    return FlatFile(
        generation=layout.generation,
        table_code=code,
        title=first.cells[layout.title_col].strip(),
        stand=stand,
        copyright=copyright_line,
        notes=notes,
        encoding=encoding,
        rows=rows,
    )


# --------------------------------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True)
class _ValueColumn:
    """Older layout: one column per value variable, '<CODE>__<Label>__<Einheit>'."""

    index: int  # 0-based
    code: str  # 'BEVSTD'
    measure: str  # 'Bevoelkerungsstand'
    unit: str  # 'Anzahl'
    quality_index: int | None  # 0-based index of '<CODE>__<Label>__q', if present


@dataclass(frozen=True)
class _Layout:
    generation: str
    width: int
    table_code_col: int | None  # a table-code column (older layout only), else None
    statistic_col: int
    title_col: int
    time_col: int
    variables: list[tuple[int, int, int, int]]  # per variable slot: (code, label, attribute code, attribute label)
    value_columns: list[_ValueColumn]  # older layout
    long_value: tuple[int, int, int, int] | None  # GENESIS 5: (value, unit, variable code, variable label)


def _read_header(header: Record) -> _Layout:
    names = [cell.strip() for cell in header.cells]
    line = header.line
    joined = ";".join(names)
    if joined.startswith(_GENESIS5_START):
        return _read_genesis5_header(names, line)
    if joined.startswith(_LEGACY_START):
        return _read_legacy_header(names, line)
    first = ";".join(header.cells)[:200]
    raise ReaderError(
        "Die Datei ist keine GENESIS-Flat-File-CSV: Die erste Zeile beginnt weder mit "
        f"»{_GENESIS5_START}« noch mit »{_LEGACY_START}«. {_DOWNLOAD_AGAIN}",
        f"line {line} starts with neither {_GENESIS5_START!r} nor {_LEGACY_START!r}: {first[:80]!r}",
        line=line,
        value=first,
    )


def _changed_header(line: int, message: str, detail: str, column: int | None = None, value: str | None = None):
    where = f"Zeile {line}, Spalte {column}" if column is not None else f"Zeile {line}"
    return ReaderError(
        f"{where}: {message} Die Kopfzeile entspricht nicht dem GENESIS-Flat-File-Format; die Datei wurde "
        f"vermutlich verändert. {_DOWNLOAD_AGAIN}",
        f"line {line}: {detail}",
        line=line,
        column=column,
        value=value,
    )


def _positions(names: list[str], line: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    for col, name in enumerate(names):
        if name in positions:
            raise _changed_header(line, f"Die Spalte »{name}« kommt doppelt vor.", f"duplicate column {name!r}",
                                  col + 1, name)
        positions[name] = col
    return positions


def _variable_slots(
    slots: dict[int, dict[str, int]], parts: tuple[str, ...], line: int, example: str
) -> list[tuple[int, int, int, int]]:
    variables: list[tuple[int, int, int, int]] = []
    for number in sorted(slots):
        found = slots[number]
        missing = [part for part in parts if part not in found]
        if missing:
            name = f"{number}_{missing[0]}"
            raise _changed_header(line, f"Zum {number}. Merkmal fehlt die Spalte »{name}«.",
                                  f"variable {number}: missing column {name!r}")
        variables.append(tuple(found[part] for part in parts))  # type: ignore[arg-type]
    if not variables:
        raise _changed_header(line, f"Die Datei enthält keine Merkmalsspalten (»{example}« ...).", "no variable columns")
    return variables


def _read_genesis5_header(names: list[str], line: int) -> _Layout:
    positions = _positions(names, line)
    slots: dict[int, dict[str, int]] = {}
    for col, name in enumerate(names):
        match = _GENESIS5_VARIABLE.match(name)
        if match:
            slots.setdefault(int(match.group(1)), {})[match.group(2)] = col
        elif name not in _GENESIS5_FIXED and name not in _GENESIS5_VALUE:
            raise _changed_header(
                line, f"Die Spalte »{name}« ist unbekannt (erwartet z. B. »1_variable_code« oder »value«).",
                f"unknown column {name!r} in column {col + 1}", col + 1, name,
            )
    for name in (*_GENESIS5_FIXED, *_GENESIS5_VALUE):
        if name not in positions:
            raise _changed_header(line, f"Die Spalte »{name}« fehlt.", f"missing column {name!r}")
    return _Layout(
        generation="GENESIS 5",
        width=len(names),
        table_code_col=None,
        statistic_col=positions["statistics_code"],
        title_col=positions["statistics_label"],
        time_col=positions["time"],
        variables=_variable_slots(slots, _GENESIS5_PARTS, line, "1_variable_code"),
        value_columns=[],
        long_value=tuple(positions[name] for name in _GENESIS5_VALUE),  # type: ignore[arg-type]
    )


def _read_legacy_header(names: list[str], line: int) -> _Layout:
    positions = _positions(names, line)
    known_fixed = {*_LEGACY_FIXED, *_TABLE_CODE_COLUMNS, *_TABLE_LABEL_COLUMNS}
    slots: dict[int, dict[str, int]] = {}
    value_specs: list[tuple[int, str, str, str]] = []  # (index, code, label, unit-or-'q')
    for col, name in enumerate(names):
        match = _LEGACY_VARIABLE.match(name)
        if name in known_fixed:
            pass
        elif match:
            slots.setdefault(int(match.group(1)), {})[match.group(2)] = col
        elif (value_spec := _split_value_column(name)) is not None:
            value_specs.append((col, *value_spec))
        else:
            raise _changed_header(
                line,
                f"Die Spalte »{name}« ist unbekannt (erwartet z. B. »1_Merkmal_Code« oder "
                f"»BEVSTD__Bevoelkerungsstand__Anzahl«).",
                f"unknown column {name!r} in column {col + 1}",
                col + 1,
                name,
            )
    for name in _LEGACY_FIXED:
        if name not in positions:
            raise _changed_header(line, f"Die Spalte »{name}« fehlt.", f"missing column {name!r}")
    variables = _variable_slots(slots, _LEGACY_PARTS, line, "1_Merkmal_Code")

    quality = {(code, label): col for col, code, label, unit in value_specs if unit == "q"}
    values = [
        _ValueColumn(col, code, label, unit, quality.pop((code, label), None))
        for col, code, label, unit in value_specs
        if unit != "q"
    ]
    if quality:
        (code, label), col = next(iter(quality.items()))
        name = names[col]
        raise _changed_header(
            line,
            f"Zur Qualitätsspalte »{name}« gibt es keine Wertespalte »{code}__{label}__<Einheit>«.",
            f"quality column {name!r} without a value column",
            col + 1,
            name,
        )
    if not values:
        raise _changed_header(
            line, "Die Datei enthält keine Wertespalte (z. B. »BEVSTD__Bevoelkerungsstand__Anzahl«).",
            "no value columns",
        )
    return _Layout(
        generation="GENESIS 4",
        width=len(names),
        table_code_col=next((positions[n] for n in _TABLE_CODE_COLUMNS if n in positions), None),
        statistic_col=positions["Statistik_Code"],
        title_col=next((positions[n] for n in _TABLE_LABEL_COLUMNS if n in positions), positions["Statistik_Label"]),
        time_col=positions["Zeit"],
        variables=variables,
        value_columns=values,
        long_value=None,
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


def _table_code(layout: _Layout, first: Record, given: str | None) -> str:
    if given:
        return given
    column = layout.table_code_col if layout.table_code_col is not None else layout.statistic_col
    if layout.generation == "GENESIS 5":
        raise ReaderError(
            "Die Flat-File-CSV nennt ihren Tabellencode nicht (GENESIS 5 schreibt ihn nur in den Namen der Datei im "
            "ZIP-Archiv, z. B. »12411-01-01-4_1773175772751_de_flat.csv«). Bitte das ZIP-Archiv, wie es das Portal "
            "liefert, unverändert in den Posteingang legen.",
            "GENESIS 5 flat CSV without its ZIP: no table code in the content",
            line=first.line,
        )
    code = first.cells[column].strip()
    if not code:
        raise ReaderError(
            f"Zeile {first.line}, Spalte {column + 1}: Der Tabellen- bzw. Statistikcode fehlt. {_DOWNLOAD_AGAIN}",
            f"line {first.line}: empty table/statistic code in column {column + 1}",
            line=first.line,
            column=column + 1,
        )
    return code


# --------------------------------------------------------------------------------------------------------------------
# Rows


def _is_blank(record: Record) -> bool:
    return not any(cell.strip() for cell in record.cells)


def _is_footer_start(record: Record) -> bool:
    first = record.cells[0].strip() if record.cells else ""
    return first.startswith("___")


def _check_row_widths(rows: list[Record], width: int, *, runs_to_eof: bool, text: str) -> None:
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


def _flat_row(record: Record, layout: _Layout, known: dict) -> FlatRow:
    cells = record.cells
    time = cells[layout.time_col].strip()
    if not time:
        raise ReaderError(
            f"Zeile {record.line}, Spalte {layout.time_col + 1}: Die Zeitangabe (Spalte »Zeit« bzw. »time«) ist "
            f"leer. {_DOWNLOAD_AGAIN}",
            f"line {record.line}: empty time in column {layout.time_col + 1}",
            line=record.line,
            column=layout.time_col + 1,
        )
    period = known.get(time)
    if period is None:
        iso = _ISO_DATE.match(time)
        period = known[time] = f"{iso.group(3)}.{iso.group(2)}.{iso.group(1)}" if iso else time
    variables = []
    for code, label, attribute_code, attribute_label in layout.variables:
        key = (cells[code], cells[label], cells[attribute_code], cells[attribute_label], attribute_code)
        variable = known.get(key)
        if variable is None:
            variable = known[key] = FlatVariable(
                code=cells[code].strip(),
                label=cells[label].strip(),
                attribute_code=cells[attribute_code].strip(),
                attribute_label=cells[attribute_label].strip(),
                column=attribute_code + 1,
            )
        variables.append(variable)
    if layout.long_value is not None:
        value, unit, code, label = layout.long_value
        raw = cells[value]
        number_text = raw.strip().replace(".", ",") if _DECIMAL_POINT.match(raw.strip()) else raw
        values = (FlatValue(cells[code].strip(), cells[label].strip(), cells[unit].strip(), raw, number_text, "",
                            value + 1),)
    else:
        values = tuple(
            FlatValue(
                column.code, column.measure, column.unit, cells[column.index], cells[column.index],
                cells[column.quality_index].strip() if column.quality_index is not None else "", column.index + 1,
            )
            for column in layout.value_columns
        )
    return FlatRow(line=record.line, period=period, variables=tuple(variables), values=values)


def _region(variable: FlatVariable, line: int) -> tuple[str, str]:
    code, label = variable.attribute_code, variable.attribute_label
    if not code:
        if variable.code in ("DLAND", "DINSG"):
            return "DG", "Deutschland"  # the sum of the Länder
        return "", label  # 'Insgesamt' over the database's scope: left to the caller
    if not REGION_CODE.match(code) or code.startswith("JH"):
        raise ReaderError(
            f"Zeile {line}, Spalte {variable.column}: »{code}« ist kein gültiger Regionalschlüssel für das Merkmal "
            f"{variable.code} (erwartet z. B. »DG«, »05«, »051«, »05966« oder »05966004«; eine fehlende führende "
            f"Null deutet auf eine in Excel gespeicherte Datei hin). {_DOWNLOAD_AGAIN}",
            f"line {line}, column {variable.column}: {code!r} is not a region code (variable {variable.code})",
            line=line,
            column=variable.column,
            value=code,
        )
    return code, label


def _value_with_quality(value: FlatValue, line: int) -> tuple[float | None, str | None]:
    col, raw, quality = value.column, value.number_text, value.quality
    quality_symbol = quality in _QUALITY_NO_VALUE or quality in _QUALITY_ANNOTATIONS or quality == "-"
    if not raw.strip() and quality_symbol and quality not in _QUALITY_ANNOTATIONS:
        # The symbol stands only in the quality column: it replaces the value.
        return parse_value(quality, line, col)
    number, flag = parse_value(raw, line, col)
    if not quality_symbol or flag is not None:
        return number, flag  # no symbol in the quality column, or the value cell carries its own symbol
    if quality in _QUALITY_ANNOTATIONS:
        return number, _QUALITY_ANNOTATIONS[quality]
    if quality == "-" and number == 0:
        return 0.0, "-"
    raise ReaderError(
        f"Zeile {line}, Spalte {col}: Der Wert »{value.raw}« widerspricht dem Qualitätskennzeichen »{quality}« in "
        f"der Spalte »{value.variable_code}__{value.label}__q«. {_DOWNLOAD_AGAIN}",
        f"line {line}, column {col}: value {value.raw!r} contradicts quality mark {quality!r}",
        line=line,
        column=col,
        value=value.raw,
    )
