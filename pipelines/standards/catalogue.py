"""The quality-standards catalogue of the Kommunale Integrationszentren: load and validate the YAML file.

The catalogue (standards.yml beside this module, or the file IM_STANDARDS_FILE names) is edited by the Landesweite
Koordinierungsstelle without code. Each standard has versions; each version applies to a range of report years and
holds one rule. Loading checks everything a person can get wrong in the file and reports all problems at once, each
as a German sentence naming the standard, the version and the key; the exact technical detail goes to the log.

Metrics named in rules must exist in the metric catalogue (dbt_project/seeds/ki_metric_catalogue.csv, the one home
of what dbt computes per KI and year) and suit the rule type: minimum/maximum need a number, required_fact a yes/no
metric, max_age_years a date. Programmes in offer_in_every_stage are the programme names of the KI report template.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import math
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.config import DBT_PROJECT_DIR, SHIPPED_STANDARDS_FILE
from pipelines.formatting_de import format_number

log = logging.getLogger(__name__)

METRIC_CATALOGUE = DBT_PROJECT_DIR / "seeds" / "ki_metric_catalogue.csv"
SCHEMA_VERSION = 1
FIRST_YEAR, LAST_YEAR = 2000, 2100

# Rule types: the keys each needs besides `type`, and the value kind of its metric (their German wording is in
# docs.py for the documentation and in ki_standards.sql for the dashboard).
RULE_TYPES: dict[str, dict[str, Any]] = {
    "minimum": {"keys": {"metric", "threshold"}, "value_kind": "zahl"},
    "maximum": {"keys": {"metric", "threshold"}, "value_kind": "zahl"},
    "required_fact": {"keys": {"metric", "required"}, "value_kind": "ja_nein"},
    "max_age_years": {"keys": {"metric", "max_years"}, "value_kind": "datum"},
    "offer_in_every_stage": {"keys": {"stages"}, "value_kind": None},
}
VALUE_KIND_DE = {"zahl": "eine Zahl", "ja_nein": "eine Ja/Nein-Angabe", "datum": "ein Datum"}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"schema_version", "edition", "standards"}
_STANDARD_KEYS = {"id", "name_de", "explanation_de", "basis_de", "evidence_de", "versions"}
_VERSION_KEYS = {"version", "valid_from", "valid_to", "note_de", "basis_de", "rule"}
_CONDITION_KEYS = {"metric", "minimum"}
_VERSION_REQUIRED = {"version", "valid_from", "note_de", "rule"}
_STAGE_KEYS = {"stage", "programmes"}
_YES = {True: True, False: False, "ja": True, "nein": False}


@dataclass(frozen=True)
class Metric:
    """A metric dbt computes per KI and report year (one row of the metric catalogue)."""

    metric_id: str
    name_de: str
    unit: str
    value_kind: str  # zahl, ja_nein, datum
    programme: str | None  # for the offer metrics (angebot_*): the programme of the KI report template


@dataclass(frozen=True)
class Stage:
    name_de: str
    programmes: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """Where a standard applies at all (applies_if): the metric of the KI-year is at least `minimum`. Below it the
    standard does not apply ('entfällt'); unknown, a verdict 'nicht erfüllt' becomes 'keine Daten'."""

    metric: str
    minimum: float


@dataclass(frozen=True)
class Rule:
    type: str
    metric: str | None = None
    threshold: float | None = None
    required: bool | None = None
    max_years: int | None = None
    stages: tuple[Stage, ...] = ()
    condition: Condition | None = None


@dataclass(frozen=True)
class StandardVersion:
    version: int
    valid_from: int  # first report year
    valid_to: int | None  # last report year; None = open
    note_de: str
    rule: Rule
    basis_de: str = ""  # the legal or programme basis in force for these years (else the standard's)

    def applies_to(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True)
class Standard:
    id: str
    name_de: str
    explanation_de: str
    basis_de: str
    evidence_de: str
    versions: tuple[StandardVersion, ...]

    @property
    def current_version(self) -> StandardVersion:
        """The version that applies from the most recent start year on (what the standard says today)."""
        return max(self.versions, key=lambda version: version.valid_from)

    def version_for(self, year: int) -> StandardVersion | None:
        return next((version for version in self.versions if version.applies_to(year)), None)


@dataclass(frozen=True)
class StandardsCatalogue:
    path: Path
    sha256: str
    schema_version: int
    edition: str
    standards: tuple[Standard, ...]

    def standard(self, standard_id: str) -> Standard:
        return next(standard for standard in self.standards if standard.id == standard_id)


class StandardsCatalogueError(Exception):
    """A catalogue file that cannot be used.

    message_de: German text for the user: the file, then one line per problem (standard, version, key, what to do).
    detail: exact technical detail for the log; ``str(exc)`` returns the German text.
    """

    def __init__(self, path: Path, problems: list[str], detail: str) -> None:
        self.path = path
        self.problems = problems
        self.detail = detail
        count = "1 Fehler" if len(problems) == 1 else f"{len(problems)} Fehler"
        self.message_de = (
            f"Der Standardkatalog {path} kann nicht verwendet werden ({count}); es gilt nichts davon, "
            "bis die Datei korrigiert ist:\n" + "\n".join(f"- {problem}" for problem in problems)
        )
        super().__init__(self.message_de)


@cache
def metric_catalogue() -> dict[str, Metric]:
    """The metrics dbt computes per KI and report year, by id (seed ki_metric_catalogue.csv)."""
    with METRIC_CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return {
            row["metric_id"]: Metric(
                metric_id=row["metric_id"],
                name_de=row["name_de"],
                unit=row["unit"],
                value_kind=row["value_kind"],
                programme=row["report_item"] if row["report_field"] == "angebot" else None,
            )
            for row in csv.DictReader(handle)
        }


def offer_metric_by_programme() -> dict[str, str]:
    """Programme name (as in the KI report template) -> its yes/no offer metric."""
    return {metric.programme: metric.metric_id for metric in metric_catalogue().values() if metric.programme}


def load_standards_catalogue(path: Path | str | None = None) -> StandardsCatalogue:
    """Read and validate the catalogue at `path` (default: the one shipped with the product).

    Raises StandardsCatalogueError with every problem found; logs the exact detail.
    """
    path = Path(path) if path is not None else SHIPPED_STANDARDS_FILE
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _error(path, [f"Die Datei ist nicht lesbar oder fehlt ({error.strerror}). Pfad und "
                            "IM_STANDARDS_FILE prüfen."], repr(error)) from error
    try:
        document = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _error(path, [f"Die Datei ist nicht in UTF-8 gespeichert (Byte {error.start + 1}). Bitte als UTF-8 "
                            "speichern."], repr(error)) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" in Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark is not None else ""
        raise _error(path, [f"Die Datei ist kein gültiges YAML{where} (oft: Einrückung mit Tabulator, fehlender "
                            "Doppelpunkt oder ein Text mit ':' ohne Anführungszeichen). Einzelheiten im Protokoll."],
                     str(error)) from error
    problems: list[str] = []
    catalogue = _catalogue(path, hashlib.sha256(data).hexdigest(), document, problems)
    if problems:
        raise _error(path, problems, "\n".join(problems))
    return catalogue


def _error(path: Path, problems: list[str], detail: str) -> StandardsCatalogueError:
    log.error("Standards catalogue %s rejected: %s", path, detail)
    return StandardsCatalogueError(path, problems, detail)


# ------------------------------------------------------------------------------------------------------------------
# validation: each function appends German problems and returns what it could read (None where nothing usable)
# ------------------------------------------------------------------------------------------------------------------
def _catalogue(path: Path, sha256: str, document: Any, problems: list[str]) -> StandardsCatalogue | None:
    if not isinstance(document, dict):
        problems.append("Die Datei muss oben die Schlüssel schema_version, edition und standards enthalten.")
        return None
    _unknown_keys(document, _TOP_KEYS, "Oberste Ebene", problems)
    if document.get("schema_version") != SCHEMA_VERSION:
        problems.append(f"schema_version muss {SCHEMA_VERSION} sein (gefunden: {document.get('schema_version')!r}).")
    edition = _text(document, "edition", "Oberste Ebene", problems)
    entries = document.get("standards")
    if not isinstance(entries, list) or not entries:
        problems.append("standards muss eine Liste mit mindestens einem Standard sein.")
        return None
    standards = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        standard = _standard(position, entry, problems)
        if standard is None:
            continue
        if standard.id in seen:
            problems.append(f"Standard '{standard.id}': die Kennung kommt mehrfach vor; jede id nur einmal vergeben.")
        seen.add(standard.id)
        standards.append(standard)
    return StandardsCatalogue(path, sha256, SCHEMA_VERSION, edition or "", tuple(standards))


def _standard(position: int, entry: Any, problems: list[str]) -> Standard | None:
    if not isinstance(entry, dict):
        problems.append(f"Standard Nr. {position}: Eintrag muss aus Schlüssel: Wert-Paaren bestehen "
                        "(id, name_de, ...).")
        return None
    standard_id = entry.get("id")
    if not isinstance(standard_id, str) or not _ID.match(standard_id):
        problems.append(f"Standard Nr. {position}: id {standard_id!r} ungültig; erlaubt sind Kleinbuchstaben, Ziffern "
                        "und _, am Anfang ein Buchstabe.")
        standard_id = f"Nr. {position}"
    where = f"Standard '{standard_id}'"
    _unknown_keys(entry, _STANDARD_KEYS, where, problems)
    texts = {key: _text(entry, key, where, problems) for key in ("name_de", "explanation_de", "evidence_de")}
    # the basis may be given per version (the law in force in its years) or once for all versions
    texts["basis_de"] = _text(entry, "basis_de", where, problems) if "basis_de" in entry else ""
    entries = entry.get("versions")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: versions muss eine Liste mit mindestens einer Fassung sein.")
        return None
    versions = [version for number, item in enumerate(entries, start=1)
                if (version := _version(where, number, item, problems)) is not None]
    if len(versions) == len(entries):
        _check_history(where, versions, problems)
    if None in texts.values() or len(versions) != len(entries):
        return None
    without_basis = [version.version for version in versions if not version.basis_de and not texts["basis_de"]]
    if without_basis:
        problems.append(f"{where}: basis_de fehlt (bei jeder Fassung oder einmal beim Standard) für Fassung "
                        f"{', '.join(map(str, without_basis))}.")
        return None
    versions = [version if version.basis_de else replace(version, basis_de=texts["basis_de"]) for version in versions]
    return Standard(standard_id, texts["name_de"], texts["explanation_de"], texts["basis_de"], texts["evidence_de"],
                    tuple(versions))


def _version(standard_where: str, number: int, entry: Any, problems: list[str]) -> StandardVersion | None:
    if not isinstance(entry, dict):
        problems.append(f"{standard_where}, Fassung Nr. {number} der Liste: Eintrag muss aus Schlüssel: Wert-Paaren "
                        "bestehen (version, valid_from, rule, ...).")
        return None
    version = entry.get("version")
    where = f"{standard_where}, Fassung {version if _is_int(version) else f'Nr. {number} der Liste'}"
    _unknown_keys(entry, _VERSION_KEYS, where, problems)
    for key in sorted(_VERSION_REQUIRED - set(entry)):
        problems.append(f"{where}: Schlüssel {key} fehlt.")
    ok = True
    if "version" in entry and not (_is_int(version) and version >= 1):
        problems.append(f"{where}: version muss eine ganze Zahl ab 1 sein (gefunden: {version!r}).")
        ok = False
    valid_from, valid_to = entry.get("valid_from"), entry.get("valid_to")
    if "valid_from" in entry and not _is_year(valid_from):
        problems.append(f"{where}: valid_from muss ein Berichtsjahr zwischen {FIRST_YEAR} und {LAST_YEAR} sein "
                        f"(gefunden: {valid_from!r}).")
        ok = False
    if valid_to is not None and not _is_year(valid_to):
        problems.append(f"{where}: valid_to muss ein Berichtsjahr zwischen {FIRST_YEAR} und {LAST_YEAR} sein oder "
                        f"fehlen (gefunden: {valid_to!r}).")
        ok = False
    elif valid_to is not None and _is_year(valid_from) and valid_to < valid_from:
        problems.append(f"{where}: valid_to ({valid_to}) liegt vor valid_from ({valid_from}).")
        ok = False
    note = _text(entry, "note_de", where, problems) if "note_de" in entry else None
    basis = _text(entry, "basis_de", where, problems) if "basis_de" in entry else ""
    rule = _rule(where, entry["rule"], problems) if "rule" in entry else None
    if not ok or rule is None or note is None or basis is None or _VERSION_REQUIRED - set(entry):
        return None
    return StandardVersion(version, valid_from, valid_to, note, rule, basis)


def _check_history(where: str, versions: list[StandardVersion], problems: list[str]) -> None:
    """Versions numbered 1, 2, 3 ... in order of valid_from, without overlap; only the last may be open."""
    numbers = [version.version for version in versions]
    if numbers != list(range(1, len(versions) + 1)):
        problems.append(f"{where}: die Fassungen müssen in der Datei als 1, 2, 3 ... aufeinander folgen "
                        f"(gefunden: {', '.join(map(str, numbers))}).")
        return
    for earlier, later in zip(versions, versions[1:]):
        if earlier.valid_to is None:
            problems.append(f"{where}, Fassung {earlier.version}: valid_to fehlt, obwohl Fassung {later.version} "
                            f"folgt; mit dem Jahr vor {later.valid_from} abschließen.")
        elif later.valid_from <= earlier.valid_to:
            problems.append(f"{where}, Fassung {later.version}: gilt ab {later.valid_from}, Fassung "
                            f"{earlier.version} gilt aber bis {earlier.valid_to}; die Zeiträume dürfen sich nicht "
                            "überschneiden.")


def _rule(where: str, entry: Any, problems: list[str]) -> Rule | None:
    where = f"{where}, Regel"
    if not isinstance(entry, dict) or entry.get("type") not in RULE_TYPES:
        found = entry.get("type") if isinstance(entry, dict) else entry
        problems.append(f"{where}: type muss eine dieser Regelarten sein: {', '.join(RULE_TYPES)} "
                        f"(gefunden: {found!r}).")
        return None
    rule_type = entry["type"]
    spec = RULE_TYPES[rule_type]
    allowed = spec["keys"] | {"type", "applies_if"}
    _unknown_keys(entry, allowed, f"{where} ({rule_type})", problems)
    missing = sorted(spec["keys"] - set(entry))
    for key in missing:
        problems.append(f"{where} ({rule_type}): Schlüssel {key} fehlt.")
    condition = _condition(where, entry["applies_if"], problems) if "applies_if" in entry else None
    if missing or ("applies_if" in entry and condition is None):
        return None
    rule = _rule_of_type(where, rule_type, spec, entry, problems)
    return replace(rule, condition=condition) if rule is not None else None


def _condition(where: str, entry: Any, problems: list[str]) -> Condition | None:
    where = f"{where}, applies_if"
    if not isinstance(entry, dict) or set(entry) != _CONDITION_KEYS:
        problems.append(f"{where}: braucht genau metric (eine Kennzahl) und minimum (eine Zahl), z. B. "
                        "{metric: gemeinden_mit_pflicht_integrationsrat, minimum: 1}.")
        return None
    metric = _metric(where, "applies_if", entry["metric"], "zahl", problems)
    if not _is_number(entry["minimum"]):
        problems.append(f"{where}: minimum muss eine Zahl sein (gefunden: {entry['minimum']!r}).")
        return None
    return Condition(metric, float(entry["minimum"])) if metric else None


def _rule_of_type(where: str, rule_type: str, spec: dict, entry: dict, problems: list[str]) -> Rule | None:
    if rule_type == "offer_in_every_stage":
        stages = _stages(where, entry["stages"], problems)
        return Rule(rule_type, stages=stages) if stages else None
    metric = _metric(where, rule_type, entry["metric"], spec["value_kind"], problems)
    if rule_type in ("minimum", "maximum"):
        threshold = entry["threshold"]
        if not _is_number(threshold):
            problems.append(f"{where} ({rule_type}): threshold muss eine Zahl sein (Dezimalpunkt, z. B. 0.5; "
                            f"gefunden: {threshold!r}).")
            return None
        return Rule(rule_type, metric=metric, threshold=float(threshold)) if metric else None
    if rule_type == "required_fact":
        required = entry["required"]
        value = _YES.get(required.strip().lower() if isinstance(required, str) else required)
        if value is None:
            problems.append(f"{where} (required_fact): required muss ja oder nein sein (gefunden: {required!r}).")
            return None
        return Rule(rule_type, metric=metric, required=value) if metric else None
    max_years = entry["max_years"]
    if not (_is_int(max_years) and max_years >= 1):
        problems.append(f"{where} (max_age_years): max_years muss eine ganze Zahl ab 1 sein (gefunden: {max_years!r}).")
        return None
    return Rule(rule_type, metric=metric, max_years=max_years) if metric else None


def _metric(where: str, rule_type: str, metric_id: Any, value_kind: str, problems: list[str]) -> str | None:
    metrics = metric_catalogue()
    metric = metrics.get(metric_id) if isinstance(metric_id, str) else None
    if metric is None:
        suitable = sorted(m.metric_id for m in metrics.values() if m.value_kind == value_kind)
        problems.append(f"{where} ({rule_type}): Kennzahl {metric_id!r} gibt es nicht. Passende Kennzahlen: "
                        f"{', '.join(suitable)}.")
        return None
    if metric.value_kind != value_kind:
        problems.append(f"{where} ({rule_type}): Kennzahl '{metric_id}' ist {VALUE_KIND_DE[metric.value_kind]}, "
                        f"die Regel braucht {VALUE_KIND_DE[value_kind]}.")
        return None
    return metric.metric_id


def _stages(where: str, entries: Any, problems: list[str]) -> tuple[Stage, ...]:
    where = f"{where} (offer_in_every_stage)"
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: stages muss eine Liste mit mindestens einer Stufe sein.")
        return ()
    known = offer_metric_by_programme()
    stages, names = [], set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("stage"), str) or not entry["stage"].strip():
            problems.append(f"{where}, Stufe Nr. {number}: braucht stage (Name) und programmes (Liste).")
            continue
        name = entry["stage"].strip()
        _unknown_keys(entry, _STAGE_KEYS, f"{where}, Stufe '{name}'", problems)
        if name in names:
            problems.append(f"{where}: Stufe '{name}' kommt mehrfach vor.")
        names.add(name)
        programmes = entry.get("programmes")
        if not isinstance(programmes, list) or not programmes:
            problems.append(f"{where}, Stufe '{name}': programmes muss eine Liste mit mindestens einem Programm sein.")
            continue
        unknown = [p for p in programmes if p not in known]
        if unknown:
            problems.append(f"{where}, Stufe '{name}': unbekanntes Programm {', '.join(map(repr, unknown))}. "
                            f"Erlaubt sind die Programme der Vorlage: {', '.join(known)}.")
            continue
        stages.append(Stage(name, tuple(programmes)))
    return tuple(stages) if len(stages) == len(entries) else ()


def _text(entry: dict, key: str, where: str, problems: list[str]) -> str | None:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} fehlt oder ist leer (ein Text wird gebraucht).")
        return None
    return value.strip()


def _unknown_keys(entry: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(entry) - allowed, key=str):
        problems.append(f"{where}: unbekannter Schlüssel {key!r} (erlaubt: {', '.join(sorted(allowed))}); "
                        "Tippfehler?")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_year(value: Any) -> bool:
    return _is_int(value) and FIRST_YEAR <= value <= LAST_YEAR


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# ------------------------------------------------------------------------------------------------------------------
# the rule as a German sentence (stored with every version; shown next to each evaluation)
# ------------------------------------------------------------------------------------------------------------------
def rule_text_de(rule: Rule) -> str:
    """'Personal insgesamt: mindestens 9 VZÄ', 'Zusammenarbeit mit dem Integrationsrat: ja', ..., with the
    condition where the standard applies ('; gilt nur, wo ...')."""
    text = _rule_text_de(rule)
    if rule.condition is None:
        return text
    metric = metric_catalogue()[rule.condition.metric]
    return f"{text}; gilt nur, wo {metric.name_de} mindestens {format_threshold(rule.condition.minimum)}"


def _rule_text_de(rule: Rule) -> str:
    if rule.type == "offer_in_every_stage":
        stages = "; ".join(f"{stage.name_de} ({' oder '.join(stage.programmes)})" for stage in rule.stages)
        return f"In jeder Stufe mindestens ein Programm angeboten: {stages}"
    metric = metric_catalogue()[rule.metric]
    if rule.type == "required_fact":
        return f"{metric.name_de}: {'ja' if rule.required else 'nein'}"
    if rule.type == "max_age_years":
        years = "1 Jahr" if rule.max_years == 1 else f"{rule.max_years} Jahre"
        return f"{metric.name_de}: am 31.12. des Berichtsjahres höchstens {years} alt"
    # the unit is part of the name for ratios ('je 1.000 ...'); counts need none
    unit = "" if metric.unit == "Anzahl" or metric.unit.startswith("je ") else f" {metric.unit}"
    comparison = "mindestens" if rule.type == "minimum" else "höchstens"
    return f"{metric.name_de}: {comparison} {format_threshold(rule.threshold)}{unit}"


def format_threshold(value: float) -> str:
    """German number with as many decimals as the value has (up to 3): 0.5 -> '0,5', 1500 -> '1.500'."""
    decimals = next((d for d in range(4) if round(value, d) == round(value, 3)), 3)
    return format_number(value, decimals)
