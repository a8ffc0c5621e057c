"""From the bytes of one file to the rows it adds to the warehouse's raw tables.

Recognises the format by content (never by file name), runs the matching reader, identifies the catalogue entry
and checks the download against it (is the table supported, does its header have the expected measures, does it
hold NRW data). Plain functions: the landing step (pipelines/landing.py) does the IO and the transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from pipelines.catalogue import SourceSpec, source_catalogue
from pipelines.catalogue.recognition import Description, Recognised, recognise
from pipelines.readers.ba import BaTable, is_ba_csv, is_ba_excel, read_ba_csv, read_ba_excel
from pipelines.readers.errors import ReaderError, reject_html
from pipelines.readers.genesis_flat import (
    flat_table,
    is_genesis_flat,
    is_genesis_flat_zip,
    parse_genesis_flat,
    unzip_genesis_flat,
)
from pipelines.readers.genesis_table import GenesisTable, is_genesis_table, read_genesis_table
from pipelines.readers.kreis_templates import (
    LINE_KEY,
    TemplateExtract,
    detect_template,
    read_template,
    workbook_properties,
)
from pipelines.templates.spec import SheetSpec, template_specs

# The pipeline knows demo data by this text: the demo generator writes it into every file it makes (the GENESIS
# tables' notes and copyright line, the BA Excel title and notes, the Kreis templates' file properties and name
# columns); such files are marked is_synthetic all the way to the dashboard.
DEMO_MARKER = "Demodaten (synthetisch)"

GENESIS_CELLS = "genesis_table_cells"
BA_CELLS = "ba_cells"
TEMPLATE_TABLE_PREFIX = "tpl_"

# DuckDB column types of the template column types (pipelines/templates/spec.py TYPES).
TEMPLATE_SQL_TYPES = {
    "text": "varchar", "integer": "bigint", "decimal": "double", "date": "date", "ags": "varchar", "schuljahr": "varchar",
}


def template_table(template_id: str, sheet: str) -> str:
    """Raw table of one template sheet, e.g. tpl_schulamt_schulen__schulen."""
    return f"{TEMPLATE_TABLE_PREFIX}{template_id}__{sheet}"


def template_columns(sheet: SheetSpec) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a template sheet's raw table, lineage first."""
    return [("file_sha256", "varchar"), ("source_line", "integer"),
            *((column.name, TEMPLATE_SQL_TYPES[column.type]) for column in sheet.columns)]


@dataclass
class Extract:
    """One readable file: what it is (catalogue entry, Stand) and the rows it adds, per raw table."""

    source: SourceSpec
    reader: str
    table_code: str
    title: str | None
    stand: datetime | None
    copyright: str | None
    encoding: str | None
    is_synthetic: bool
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(len(frame) for frame in self.frames.values())


def is_nrw_region(region_code: str | None) -> bool:
    """NRW's AGS start with 05; its Jugendämter are coded JH05..."""
    return bool(region_code) and (region_code.startswith("05") or region_code.startswith("JH05"))


def parse_extract(data: bytes) -> Extract:
    """Read one file; raise ReaderError (German message for the user) if it cannot be loaded."""
    if not data.strip():
        raise ReaderError("Die Datei ist leer (0 Byte oder nur Leerzeichen).", "file is empty or whitespace only")
    for sniff, parse in _FORMATS:
        if sniff(data):
            return parse(data)
    _explain_unrecognised(data)
    raise ReaderError(
        "Das Dateiformat wurde nicht erkannt. Unterstützt werden Tabellen-CSV und Flatfiles aus GENESIS "
        "(Landesdatenbank NRW, Regionaldatenbank Deutschland, GENESIS-Online), CSV- und Excel-Tabellen der "
        "Bundesagentur für Arbeit und die Vorlagen für Schul-, KiTa- und KI-Daten (siehe Daten & Qualität).",
        f"no reader recognises the content; first bytes: {data[:80]!r}",
        line=1,
    )


def _explain_unrecognised(data: bytes) -> None:
    """Say what the file looks like when it is none of the supported formats."""
    head = data[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:200:2].count(b"\x00") > 50:
        raise ReaderError(
            "Die Datei hat eine nicht unterstützte Zeichenkodierung (UTF-16). Bitte die Tabelle unverändert aus dem "
            "Portal herunterladen (ISO-8859-1 oder UTF-8) und nicht in einem anderen Programm neu speichern.",
            "UTF-16 byte order mark or interleaved NUL bytes",
            line=1,
        )
    reject_html(head.decode("latin-1"), "Bitte die Tabelle erneut herunterladen.", "content starts with an HTML/XML tag")
    if b"\x00" in head or sum(byte < 9 or 13 < byte < 32 for byte in head) > 20:
        raise ReaderError(
            "Die Datei enthält Binärdaten und ist keine CSV- oder Excel-Tabelle. Bitte die Tabelle erneut "
            "herunterladen oder die richtige Datei ablegen.",
            "binary content (NUL or many control bytes in the first 2 KiB)",
            line=1,
        )


def _genesis_extract(table: GenesisTable, reader: str) -> Extract:
    spec = _catalogue_entry(table.table_code, reader)
    cells = [cell for cell in table.cells if is_nrw_region(cell.region_code)]
    if not cells:
        raise ReaderError(
            "Die Datei enthält keine Daten für Nordrhein-Westfalen (kein Regionalschlüssel beginnt mit 05). "
            "Bitte die Tabelle für NRW oder für alle Kreise Deutschlands herunterladen.",
            f"no region code starting with 05 among {len(table.cells)} cells",
        )
    recognised = _recognise_genesis(spec, table, cells)
    frame = pd.DataFrame(
        {
            "table_code": table.table_code,
            "stand": table.stand,
            "period": [cell.period for cell in cells],
            "region_code": [cell.region_code for cell in cells],
            "region_label": [cell.region_label for cell in cells],
            "level": [cell.level for cell in cells],
            "dimensions": [list(cell.dimensions) for cell in cells],
            "measure": [cell.measure for cell in cells],
            "measure_id": [recognised.measure_ids.get((_levels(cell), cell.unit)) for cell in cells],
            "unit": [cell.unit for cell in cells],
            "dimension_ids": [list(recognised.dimension_ids[cell.dimensions]) for cell in cells],
            "value": [cell.value for cell in cells],
            "flag": [cell.flag for cell in cells],
            "source_line": [cell.line for cell in cells],
            "source_column": [cell.column for cell in cells],
        }
    )
    return Extract(
        source=spec,
        reader=reader,
        table_code=table.table_code,
        title=table.title,
        stand=table.stand,
        copyright=table.copyright,
        encoding=table.encoding,
        is_synthetic=DEMO_MARKER in (table.copyright or "") or DEMO_MARKER in table.notes,
        frames={GENESIS_CELLS: frame},
    )


def _ba_extract(table: BaTable, reader: str) -> Extract:
    described = " ".join([*table.metadata.keys(), *table.metadata.values(), *table.columns])
    candidates = [
        spec for spec in source_catalogue().values()
        if spec.format == reader and spec.match and spec.match in described
    ]
    if not candidates:
        raise ReaderError(
            "Diese Tabelle der Bundesagentur für Arbeit wird (noch) nicht unterstützt. Unterstützt werden: "
            + "; ".join(spec.title_de for spec in source_catalogue().values() if spec.format == reader) + ".",
            f"no catalogue entry of format {reader} matches metadata {table.metadata!r}",
        )
    spec = candidates[0]
    cells = [
        cell for cell in table.cells
        if is_nrw_region(cell.region_code or table.region_code) or (cell.region_code or table.region_code) == "DG"
    ]
    if not cells:
        raise ReaderError(
            "Die Datei enthält keine Daten für Nordrhein-Westfalen oder Deutschland insgesamt.",
            f"no NRW or DG region among {len(table.cells)} cells",
        )
    descriptions = _descriptions((tuple(cell.measure.split(" | ")), None, cell.column) for cell in cells)
    measure_ids = recognise(spec.id, spec.measures, (), descriptions, {(): 1}).measure_ids
    frame = pd.DataFrame(
        {
            "source_id": spec.id,
            "period": table.period,
            "region_code": [cell.region_code or table.region_code for cell in cells],
            "region_label": [cell.region_label or table.region_label for cell in cells],
            "row_label": [cell.row_label for cell in cells],
            "measure": [cell.measure for cell in cells],
            "measure_id": [measure_ids.get((tuple(cell.measure.split(" | ")), None)) for cell in cells],
            "value": [cell.value for cell in cells],
            "flag": [cell.flag for cell in cells],
            "source_line": [cell.line for cell in cells],
            "source_column": [cell.column for cell in cells],
        }
    )
    return Extract(
        source=spec,
        reader=reader,
        table_code=spec.id,
        title=table.metadata.get("Titel") or table.metadata.get("Indikator"),
        stand=table.export_date,
        copyright=table.copyright,
        encoding="utf-8",
        is_synthetic=DEMO_MARKER in described or DEMO_MARKER in (table.copyright or ""),
        frames={BA_CELLS: frame},
    )


# A flat file (the web service's machine format) may carry any GENESIS table of the catalogue, whose `format`
# names the browser download.
_CATALOGUE_FORMATS = {"genesis_flat": ("genesis_flat", "genesis_table")}


def _catalogue_entry(table_code: str, reader: str) -> SourceSpec:
    spec = source_catalogue().get(table_code)
    if spec is None or spec.format not in _CATALOGUE_FORMATS.get(reader, (reader,)):
        supported = ", ".join(s.id for s in source_catalogue().values() if s.format == reader)
        raise ReaderError(
            f"Die Tabelle »{table_code}« wird (noch) nicht unterstützt. Unterstützte Tabellen in diesem Format: "
            f"{supported}. Bitte prüfen, ob die richtige Tabelle heruntergeladen wurde.",
            f"table code {table_code!r} is not in the source catalogue for reader {reader}",
            line=1,
            value=table_code,
        )
    return spec


def _levels(cell) -> tuple[str, ...]:
    """The header levels of a GENESIS cell's column (older readers give only the joined measure text)."""
    return cell.measure_levels or (tuple(cell.measure.split(" | ")) if cell.measure else ())


def _descriptions(columns) -> list[Description]:
    """The distinct value columns among (levels, unit, column) triples, each at its first column."""
    first: dict[tuple, Description] = {}
    for levels, unit, column in columns:
        known = first.get((levels, unit))
        if known is None or column < known.column:
            first[(levels, unit)] = Description(levels=levels, unit=unit, column=column)
    return list(first.values())


def _recognise_genesis(spec: SourceSpec, table: GenesisTable, cells: list) -> Recognised:
    """Measures and row dimensions of a GENESIS download by meaning (pipelines/catalogue/recognition.py)."""
    rows: dict[tuple[str, ...], int] = {}
    for cell in cells:
        rows.setdefault(cell.dimensions, cell.line)
    return recognise(
        spec.id,
        spec.measures,
        spec.dimensions,
        _descriptions((_levels(cell), cell.unit, cell.column) for cell in cells),
        rows,
        header_lines=table.header_lines,
        dimension_pairs=table.dimension_pairs,
    )


def _flat_extract(data: bytes, table_code: str | None = None) -> Extract:
    """A flat file: which of its variables form the column header is the catalogue's per-table fact."""
    if table_code is not None:
        _catalogue_entry(table_code, "genesis_flat")  # refuse an unsupported table before reading all its lines
    flat = parse_genesis_flat(data, table_code=table_code)
    spec = _catalogue_entry(flat.table_code, "genesis_flat")
    return _genesis_extract(flat_table(flat, spec.column_variables), "genesis_flat")


def _flat_zip_extract(data: bytes) -> Extract:
    """The web service's ZIP with one flat file: the member name is where GENESIS 5 writes the table code."""
    table_code, content = unzip_genesis_flat(data)
    return _flat_extract(content, table_code)


def _template_extract(data: bytes) -> Extract:
    extract: TemplateExtract = read_template(data)
    spec = _catalogue_entry(extract.template_id, "kreis_template")
    template = template_specs()[extract.template_id]
    frames: dict[str, pd.DataFrame] = {}
    for sheet in template.sheets:
        rows = extract.sheets.get(sheet.name) or []
        if not rows:
            continue
        names = [name for name, _ in template_columns(sheet)][2:]
        frame = pd.DataFrame([{name: row.get(name) for name in names} for row in rows], columns=names)
        for column in sheet.columns:
            if column.type == "decimal":
                frame[column.name] = pd.to_numeric(frame[column.name].astype("object"), errors="raise").astype("float64")
        frame.insert(0, "source_line", [row[LINE_KEY] for row in rows])
        frames[template_table(template.id, sheet.name)] = frame
    return Extract(
        source=spec,
        reader="kreis_template",
        table_code=template.id,
        title=f"{template.title} (Vorlage Version {extract.version}, {extract.file_format})",
        stand=None,
        copyright=None,
        encoding=extract.encoding,
        is_synthetic=_template_is_synthetic(data, extract),
        frames=frames,
    )


def _template_is_synthetic(data: bytes, extract: TemplateExtract) -> bool:
    """Demo files say so: an Excel workbook in its document properties, a CSV in its text (e.g. a name column)."""
    if extract.file_format == "csv":
        return DEMO_MARKER.encode("utf-8") in data or DEMO_MARKER.encode("cp1252") in data
    return any(DEMO_MARKER in value for value in workbook_properties(data).values())


_FORMATS: list[tuple[Callable[[bytes], bool], Callable[[bytes], Extract]]] = [
    (is_genesis_table, lambda data: _genesis_extract(read_genesis_table(data), "genesis_table")),
    (is_genesis_flat, _flat_extract),
    (is_genesis_flat_zip, _flat_zip_extract),
    (is_ba_csv, lambda data: _ba_extract(read_ba_csv(data), "ba_csv")),
    (is_ba_excel, lambda data: _ba_extract(read_ba_excel(data), "ba_excel")),
    # A workbook that is not a BA table can only be a template: read_template says clearly if it is none.
    (lambda data: data.startswith(b"PK\x03\x04") or detect_template(data) is not None, _template_extract),
]
