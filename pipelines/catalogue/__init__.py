"""The source catalogue (sources.yml beside this file): every extract the product can load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

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
    measures: tuple[str, ...]
    dimensions: int
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


@cache
def source_catalogue() -> dict[str, SourceSpec]:
    entries = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))["sources"]
    catalogue: dict[str, SourceSpec] = {}
    for entry in entries:
        spec = SourceSpec(**{**entry, "measures": tuple(entry["measures"])})
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
            if spec.measures:
                lines.append("- Erwartete Merkmale im Tabellenkopf: " + ", ".join(f"»{m}«" for m in spec.measures))
            if spec.rounding:
                lines.append(f"- Rundung: {spec.rounding}")
            # the nightly pull (pipelines/definitions.py) requests verified tables only
            if spec.pull and spec.verified:
                lines.append(f"- Automatischer Abruf über den GENESIS-Webservice: `{spec.pull}`")
            if not spec.verified:
                lines.append("- Hinweis: Tabellencode und Kopfzeilen sind nicht mit einem echten Download abgeglichen (zum Teil eine eigene Festlegung nach GENESIS-Konventionen); vor dem Einsatz mit dem Portal abgleichen. Bis dahin kein automatischer Abruf.")
            lines.append("")
    return "\n".join(lines)
