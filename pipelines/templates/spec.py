"""The template definitions (kreis_templates.yml beside this file) as frozen dataclasses.

The YAML is the single home of the three templates for extracts the Kreis holds itself (docs/templates.md). Loading
checks the file's own consistency (known keys and types, rules that name existing columns, header rows unique
across all sheets) so that a mistake in the YAML fails at import time in the tests, not in a user's upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "AUX_SHEETS",
    "AllowedValue",
    "ColumnSpec",
    "EXPLANATION_SHEET",
    "LISTS_SHEET",
    "OnlyIf",
    "ParentRef",
    "SheetSpec",
    "TYPES",
    "TYPE_LABELS_DE",
    "TemplateSpec",
    "csv_file_name",
    "template_specs",
]

SPEC_PATH = Path(__file__).with_name("kreis_templates.yml")

# Column types and their German names (docs, the Erläuterungen sheet, error messages).
TYPE_LABELS_DE: dict[str, str] = {
    "text": "Text",
    "integer": "ganze Zahl",
    "decimal": "Dezimalzahl",
    "date": "Datum (TT.MM.JJJJ)",
    "ags": "Gemeindeschlüssel (AGS, Text)",
    "schuljahr": "Schuljahr (JJJJ/JJ)",
}
TYPES = tuple(TYPE_LABELS_DE)

# Sheets of the Excel template that hold no data: the reader skips them by name.
EXPLANATION_SHEET = "Erläuterungen"
LISTS_SHEET = "Listen"
AUX_SHEETS = (EXPLANATION_SHEET, LISTS_SHEET)

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DAY_MONTH = re.compile(r"^(\d{2})\.(\d{2})\.$")

_TEMPLATE_KEYS = {"version", "title", "source", "description", "sheets"}
_SHEET_KEYS = {"name", "title", "required", "description", "key", "key_de", "parent", "columns"}
_COLUMN_KEYS = {
    "name", "label", "type", "unit", "required", "example", "explanation", "allowed", "min", "max", "not_above",
    "only_if", "pattern", "pattern_de", "ags_lengths", "day_month", "decimals",
}


@dataclass(frozen=True)
class AllowedValue:
    value: str  # what the cell must hold
    label: str  # German meaning


@dataclass(frozen=True)
class OnlyIf:
    """The column may only be filled (non-empty and non-zero) when `column` holds one of `values`."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ParentRef:
    """Every row's `columns` must occur as a row of sheet `sheet` (same workbook)."""

    sheet: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # header cell, e.g. 'schueler_auslaendisch'
    label: str  # German label
    type: str  # one of TYPES
    required: bool
    example: str  # as written in the CSV (decimal comma, TT.MM.JJJJ)
    explanation: str
    unit: str | None = None
    allowed: str | None = None  # name of the value list
    allowed_values: tuple[AllowedValue, ...] = ()
    min: int | Decimal | None = None
    max: int | Decimal | None = None
    not_above: tuple[str, ...] = ()
    only_if: OnlyIf | None = None
    pattern: str | None = None
    pattern_de: str | None = None
    ags_lengths: tuple[int, ...] = ()
    day_month: tuple[int, int] | None = None  # (day, month)
    decimals: int | None = None

    @property
    def type_de(self) -> str:
        return TYPE_LABELS_DE[self.type]


@dataclass(frozen=True)
class SheetSpec:
    name: str  # Excel sheet name and CSV file name suffix
    title: str
    description: str
    required: bool  # an Excel workbook must have data rows in this sheet
    key: tuple[str, ...]
    key_de: str
    parent: ParentRef | None
    columns: tuple[ColumnSpec, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"sheet {self.name!r} has no column {name!r}")


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    version: int
    title: str
    source: str
    description: str
    sheets: tuple[SheetSpec, ...]

    def sheet(self, name: str) -> SheetSpec:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(f"template {self.id!r} has no sheet {name!r}")


def csv_file_name(template: TemplateSpec, sheet: str) -> str:
    """File name of the CSV form of one sheet: '<id>.csv' for one-sheet templates, else '<id>__<sheet>.csv'."""
    template.sheet(sheet)  # KeyError for an unknown sheet
    if len(template.sheets) == 1:
        return f"{template.id}.csv"
    return f"{template.id}__{sheet}.csv"


@cache
def _load() -> dict[str, TemplateSpec]:
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    value_lists = {
        name: tuple(AllowedValue(value=str(item["value"]), label=str(item["label"])) for item in items)
        for name, items in raw["value_lists"].items()
    }
    for name, values in value_lists.items():
        keys = [value.value.casefold() for value in values]
        if len(set(keys)) != len(keys):
            raise ValueError(f"value list {name!r} holds a value twice (case-insensitive)")
    templates = {
        template_id: _template(template_id, entry, value_lists) for template_id, entry in raw["templates"].items()
    }

    headers: dict[frozenset[str], str] = {}
    for template in templates.values():
        for sheet in template.sheets:
            where = f"{template.id}/{sheet.name}"
            header = frozenset(sheet.header)
            if header in headers:
                raise ValueError(f"{where}: same header as {headers[header]}; headers must identify the sheet")
            headers[header] = where
    return templates


def template_specs() -> dict[str, TemplateSpec]:
    """All templates by id, in the order of the YAML file."""
    return dict(_load())


def _template(
    template_id: str, entry: dict[str, Any], value_lists: dict[str, tuple[AllowedValue, ...]]
) -> TemplateSpec:
    _check_keys(entry, _TEMPLATE_KEYS, f"template {template_id}")
    if not _NAME.match(template_id):
        raise ValueError(f"template id {template_id!r} must be lower-case letters, digits and '_'")
    sheets = tuple(_sheet(template_id, sheet, value_lists) for sheet in entry["sheets"])
    names = [sheet.name for sheet in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"template {template_id}: sheet names must be unique")
    for sheet in sheets:
        if sheet.parent is not None:
            if sheet.parent.sheet not in names or sheet.parent.sheet == sheet.name:
                raise ValueError(f"{template_id}/{sheet.name}: parent sheet {sheet.parent.sheet!r} unknown")
            parent = sheets[names.index(sheet.parent.sheet)]
            for column in sheet.parent.columns:
                if column not in sheet.header or column not in parent.header:
                    raise ValueError(f"{template_id}/{sheet.name}: parent column {column!r} missing on either side")
    if not any(sheet.required for sheet in sheets):
        raise ValueError(f"template {template_id}: at least one sheet must be required")
    return TemplateSpec(
        id=template_id,
        version=int(entry["version"]),
        title=str(entry["title"]),
        source=str(entry["source"]),
        description=str(entry["description"]).strip(),
        sheets=sheets,
    )


def _sheet(template_id: str, entry: dict[str, Any], value_lists: dict[str, tuple[AllowedValue, ...]]) -> SheetSpec:
    name = str(entry["name"])
    where = f"{template_id}/{name}"
    _check_keys(entry, _SHEET_KEYS, where)
    if not _NAME.match(name) or name in AUX_SHEETS:
        raise ValueError(f"{where}: invalid sheet name")
    columns = tuple(_column(where, column, value_lists) for column in entry["columns"])
    header = [column.name for column in columns]
    if len(set(header)) != len(header):
        raise ValueError(f"{where}: column names must be unique")
    key = tuple(entry["key"])
    for column in key:
        if column not in header or not columns[header.index(column)].required:
            raise ValueError(f"{where}: key column {column!r} must be a required column")
    for column in columns:
        for other in column.not_above:
            if other not in header or columns[header.index(other)].type != column.type:
                raise ValueError(f"{where}/{column.name}: not_above {other!r} must be a column of the same type")
        if column.only_if is not None:
            if column.only_if.column not in header:
                raise ValueError(f"{where}/{column.name}: only_if names unknown column {column.only_if.column!r}")
            condition = columns[header.index(column.only_if.column)]
            allowed = {value.value for value in condition.allowed_values}
            if allowed and not set(column.only_if.values) <= allowed:
                raise ValueError(f"{where}/{column.name}: only_if values not in the list of {condition.name!r}")
    parent = entry.get("parent")
    return SheetSpec(
        name=name,
        title=str(entry["title"]),
        description=str(entry["description"]).strip(),
        required=bool(entry["required"]),
        key=key,
        key_de=str(entry["key_de"]),
        parent=ParentRef(sheet=str(parent["sheet"]), columns=tuple(parent["columns"])) if parent else None,
        columns=columns,
    )


def _column(sheet: str, entry: dict[str, Any], value_lists: dict[str, tuple[AllowedValue, ...]]) -> ColumnSpec:
    name = str(entry["name"])
    where = f"{sheet}/{name}"
    _check_keys(entry, _COLUMN_KEYS, where)
    if not _NAME.match(name):
        raise ValueError(f"{where}: column names must be lower-case letters, digits and '_'")
    column_type = entry["type"]
    if column_type not in TYPES:
        raise ValueError(f"{where}: unknown type {column_type!r}")
    allowed = entry.get("allowed")
    if allowed is not None and allowed not in value_lists:
        raise ValueError(f"{where}: unknown value list {allowed!r}")
    numeric = column_type in ("integer", "decimal")
    bounds = {key: entry.get(key) for key in ("min", "max")}
    if any(value is not None for value in bounds.values()) and not numeric:
        raise ValueError(f"{where}: min/max only for integer and decimal columns")
    if column_type == "integer":
        bounds = {key: None if value is None else int(value) for key, value in bounds.items()}
    else:
        bounds = {key: None if value is None else Decimal(str(value)) for key, value in bounds.items()}
    pattern = entry.get("pattern")
    if pattern is not None:
        if column_type != "text" or not entry.get("pattern_de"):
            raise ValueError(f"{where}: pattern only for text columns, with pattern_de")
        re.compile(pattern)
    ags_lengths = tuple(int(length) for length in entry.get("ags_lengths", ()))
    if (column_type == "ags") != bool(ags_lengths) or any(length not in (5, 8) for length in ags_lengths):
        raise ValueError(f"{where}: ags columns need ags_lengths from (5, 8), other columns none")
    day_month = None
    if entry.get("day_month") is not None:
        match = _DAY_MONTH.match(str(entry["day_month"]))
        if column_type != "date" or not match:
            raise ValueError(f"{where}: day_month must look like '01.03.' and needs type date")
        day_month = (int(match.group(1)), int(match.group(2)))
    if entry.get("decimals") is not None and column_type != "decimal":
        raise ValueError(f"{where}: decimals only for decimal columns")
    only_if = entry.get("only_if")
    return ColumnSpec(
        name=name,
        label=str(entry["label"]),
        type=column_type,
        required=bool(entry["required"]),
        example=str(entry["example"]),
        explanation=" ".join(str(entry["explanation"]).split()),
        unit=entry.get("unit"),
        allowed=allowed,
        allowed_values=value_lists[allowed] if allowed else (),
        min=bounds["min"],
        max=bounds["max"],
        not_above=tuple(entry.get("not_above", ())),
        only_if=OnlyIf(column=str(only_if["column"]), values=tuple(only_if["values"])) if only_if else None,
        pattern=pattern,
        pattern_de=entry.get("pattern_de"),
        ags_lengths=ags_lengths,
        day_month=day_month,
        decimals=entry.get("decimals"),
    )


def _check_keys(entry: dict[str, Any], known: set[str], where: str) -> None:
    unknown = set(entry) - known
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
