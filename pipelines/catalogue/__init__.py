"""The source catalogue (sources.yml beside this file): every extract the product can load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipelines.catalogue.recognition import DimensionSpec, MeasureSpec, ValueRule

CATALOGUE_PATH = Path(__file__).with_name("sources.yml")

FAMILIES = ("Bevölkerung", "Schule", "KiTa", "Arbeitsmarkt", "Soziales", "KI")
FORMATS = ("genesis_table", "genesis_flat", "ba_csv", "ba_excel", "kreis_template")


@dataclass(frozen=True)
class SourceSpec:
    id: str
    family: str
    format: str
    title_de: str
    level: str
    period: str
    measures: tuple[MeasureSpec, ...]
    dimensions: tuple[DimensionSpec, ...]
    value_kind: str
    exact: bool
    rounding: str | None
    producer: str
    licence: str
    portal: str
    download_de: str
    pull: str | None
    verified: bool
    match: str | None = None
    column_variables: tuple[str, ...] = ()


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(item) for item in (value if isinstance(value, list) else [value]))


def _measure(source_id: str, entry: dict) -> MeasureSpec:
    unknown = set(entry) - {"id", "label_de", "all", "none", "unit", "total", "required"}
    if unknown:
        raise ValueError(f"catalogue entry {source_id}: measure {entry.get('id')!r} has unknown fields {sorted(unknown)}")
    return MeasureSpec(
        id=entry["id"], label_de=entry["label_de"], all=_tuple(entry.get("all")), none=_tuple(entry.get("none")),
        units=_tuple(entry.get("unit")), total=bool(entry.get("total", False)),
        required=bool(entry.get("required", True)),
    )


def _dimension(source_id: str, entry: dict) -> DimensionSpec:
    kind = entry["kind"]
    if kind not in ("values", "age", "code"):
        raise ValueError(f"catalogue entry {source_id}: dimension {entry['id']!r} has unknown kind {kind!r}")
    values = tuple(
        (value_id, ValueRule(all=_tuple(rule.get("all")), none=_tuple(rule.get("none")),
                             total=bool(rule.get("total", False))))
        for value_id, rule in (entry.get("values") or {}).items()
    )
    if kind == "values" and not values:
        raise ValueError(f"catalogue entry {source_id}: dimension {entry['id']!r} of kind 'values' lists no values")
    return DimensionSpec(id=entry["id"], label_de=entry["label_de"], kind=kind, values=values,
                         pattern=entry.get("pattern"))


@cache
def source_catalogue() -> dict[str, SourceSpec]:
    entries = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))["sources"]
    catalogue: dict[str, SourceSpec] = {}
    for entry in entries:
        spec = SourceSpec(**{
            **entry,
            "measures": tuple(_measure(entry["id"], item) for item in entry.get("measures") or []),
            "dimensions": tuple(_dimension(entry["id"], item) for item in entry.get("dimensions") or []),
            "column_variables": _tuple(entry.get("column_variables")),
        })
        if spec.family not in FAMILIES or spec.format not in FORMATS:
            raise ValueError(f"catalogue entry {spec.id}: unknown family {spec.family!r} or format {spec.format!r}")
        if spec.id in catalogue:
            raise ValueError(f"catalogue entry {spec.id} is listed twice")
        catalogue[spec.id] = spec
    return catalogue


def sources_readme() -> str:
    """sources/README.md, generated from the catalogue (a test keeps the committed file equal to this)."""
    lines = [
        "# Sources",
        "",
        "<!-- Generated from pipelines/catalogue/sources.yml by `python -m pipelines.catalogue readme`; do not edit. -->",
        "",
        "Drop downloads into `inbox/` (any subfolder); they are recognised by their content, not their name. After",
        "loading, the original bytes are kept in `archive/<sha256[:2]>/<sha256>/<file name>`; rejected files are moved",
        "to `quarantine/` with a report (`<file>.fehler.txt` in German, `<file>.fehler.json` for tools). All three",
        "folders are git-ignored. The demo generator (`python -m pipelines.demo <folder>`) writes synthetic files in",
        "these layouts. They say \"Demodaten (synthetisch)\": GENESIS tables in their copyright line, BA tables in their",
        "title, Excel templates in their document properties, CSV templates in the school or KiTa name.",
        "",
    ]
    for family in FAMILIES:
        specs = [spec for spec in source_catalogue().values() if spec.family == family]
        if not specs:
            continue
        lines += [f"## {family}", ""]
        for spec in specs:
            lines += [
                f"### {spec.id}: {spec.title_de}",
                "",
                f"- Format: `{spec.format}`; Ebene: {spec.level}; Zeitbezug: {spec.period}",
                f"- Herausgeber: {spec.producer}; Lizenz: {spec.licence}",
                f"- Bezug: {spec.portal}. {spec.download_de}",
            ]
            required = [m.label_de for m in spec.measures if m.required]
            if required:
                lines.append("- Gebraucht werden die Spalten: " + ", ".join(f"»{label}«" for label in required))
            if spec.dimensions:
                lines.append("- Zeilengliederung: " + ", ".join(d.label_de for d in spec.dimensions))
            if spec.rounding:
                lines.append(f"- Rundung: {spec.rounding}")
            # the nightly pull (pipelines/definitions.py) requests verified tables only
            if spec.pull and spec.verified:
                lines.append(f"- Automatischer Abruf über den GENESIS-Webservice: `{spec.pull}`")
            if not spec.verified:
                lines.append("- Hinweis: Tabellencode und Kopfzeilen sind nicht mit einem echten Download abgeglichen (zum Teil eine eigene Festlegung nach GENESIS-Konventionen); vor dem Einsatz mit dem Portal abgleichen. Bis dahin kein automatischer Abruf.")
            lines.append("")
    return "\n".join(lines)
