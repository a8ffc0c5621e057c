"""Write the validated standards catalogue into the warehouse (raw.ki_standards, raw.ki_standard_stages) for dbt.

The tables always hold exactly the catalogue of the current run: dbt re-evaluates every report year from them, each
year under the version valid in that year. Replacing them is one transaction, so a failed write leaves the previous
catalogue in place. A broken file raises StandardsCatalogueError before anything is written.

One thing the loader cannot prevent but can tell: a version changed in place (same standard and version number, other
rule or years) silently changes the verdict on past years. That is reported as a warning; the way to change a
threshold is a new version (see standards.yml).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb

from pipelines.config import Settings
from pipelines.standards.catalogue import (
    StandardsCatalogue,
    load_standards_catalogue,
    offer_metric_by_programme,
    rule_text_de,
)

log = logging.getLogger(__name__)

STANDARDS_TABLE = "ki_standards"
STAGES_TABLE = "ki_standard_stages"

VERSION_COLUMNS = (
    "standard_id", "standard_order", "name_de", "explanation_de", "basis_de", "evidence_de", "version", "valid_from",
    "valid_to", "note_de", "rule_type", "metric_id", "threshold", "required_value", "rule_de", "catalogue_edition",
    "catalogue_file", "catalogue_sha256", "condition_metric_id", "condition_minimum", "loaded_at",
)
STAGE_COLUMNS = ("standard_id", "version", "stage_order", "stage_de", "programm", "metric_id")

DDL = f"""
create schema if not exists raw;
create table if not exists raw.{STANDARDS_TABLE} (
    standard_id        varchar not null,
    standard_order     integer not null,
    name_de            varchar not null,
    explanation_de     varchar not null,
    basis_de           varchar not null,
    evidence_de        varchar not null,
    version            integer not null,
    valid_from         integer not null,
    valid_to           integer,
    note_de            varchar not null,
    rule_type          varchar not null,
    metric_id          varchar,
    threshold          double,
    required_value     boolean,
    rule_de            varchar not null,
    catalogue_edition  varchar not null,
    catalogue_file     varchar not null,
    catalogue_sha256   varchar not null,
    loaded_at          timestamp not null,
    primary key (standard_id, version)
);
-- added with the applies_if condition: warehouses made before get the columns
alter table raw.{STANDARDS_TABLE} add column if not exists condition_metric_id varchar;
alter table raw.{STANDARDS_TABLE} add column if not exists condition_minimum double;
create table if not exists raw.{STAGES_TABLE} (
    standard_id  varchar not null,
    version      integer not null,
    stage_order  integer not null,
    stage_de     varchar not null,
    programm     varchar not null,
    metric_id    varchar not null,
    primary key (standard_id, version, stage_de, programm)
);
"""


@dataclass
class StandardsLoadReport:
    edition: str
    path: str
    sha256: str
    standards: int
    versions: int
    changed_in_place: list[str] = field(default_factory=list)  # German warnings


def catalogue_rows(catalogue: StandardsCatalogue, loaded_at: datetime) -> tuple[list[tuple], list[tuple]]:
    """Rows of raw.ki_standards (one per standard version) and raw.ki_standard_stages (one per stage programme).

    threshold holds the number the rule compares with: the threshold of minimum/maximum, the years of max_age_years,
    the number of stages of offer_in_every_stage; required_value the yes/no of required_fact.
    """
    offer_metric = offer_metric_by_programme()
    versions, stages = [], []
    for order, standard in enumerate(catalogue.standards, start=1):
        for version in standard.versions:
            rule = version.rule
            threshold = {
                "minimum": rule.threshold,
                "maximum": rule.threshold,
                "max_age_years": rule.max_years,
                "offer_in_every_stage": len(rule.stages),
            }.get(rule.type)
            condition = rule.condition
            versions.append((
                standard.id, order, standard.name_de, standard.explanation_de, version.basis_de,
                standard.evidence_de, version.version, version.valid_from, version.valid_to, version.note_de,
                rule.type, rule.metric, None if threshold is None else float(threshold), rule.required,
                rule_text_de(rule), catalogue.edition, str(catalogue.path), catalogue.sha256,
                condition.metric if condition else None, condition.minimum if condition else None, loaded_at,
            ))
            for stage_order, stage in enumerate(rule.stages, start=1):
                stages += [
                    (standard.id, version.version, stage_order, stage.name_de, programme, offer_metric[programme])
                    for programme in stage.programmes
                ]
    return versions, stages


def land_standards(settings: Settings) -> StandardsLoadReport:
    """Validate the catalogue (settings.standards_file) and replace the raw tables with it."""
    catalogue = load_standards_catalogue(settings.standards_file)
    versions, stages = catalogue_rows(catalogue, datetime.now(timezone.utc).replace(tzinfo=None))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(settings.warehouse_path))
    try:
        connection.execute(DDL)
        # the catalogue loaded before, read once for both comparisons
        stored_versions = connection.execute(
            f"select {', '.join(VERSION_COLUMNS)} from raw.{STANDARDS_TABLE}").fetchall()
        stored_stages = connection.execute(f"select {', '.join(STAGE_COLUMNS)} from raw.{STAGES_TABLE}").fetchall()
        if _unchanged(stored_versions, stored_stages, versions, stages):
            # the same catalogue again: keep its rows (and the time it was first loaded), so a rerun changes nothing
            return StandardsLoadReport(catalogue.edition, str(catalogue.path), catalogue.sha256,
                                       len(catalogue.standards), len(versions))
        changed = _changed_in_place(stored_versions, stored_stages, versions, stages)
        connection.execute("begin transaction")
        connection.execute(f"delete from raw.{STANDARDS_TABLE}")
        connection.execute(f"delete from raw.{STAGES_TABLE}")
        connection.executemany(
            f"insert into raw.{STANDARDS_TABLE} ({', '.join(VERSION_COLUMNS)}) "
            f"values ({', '.join(['?'] * len(VERSION_COLUMNS))})",
            versions,
        )
        if stages:
            connection.executemany(
                f"insert into raw.{STAGES_TABLE} ({', '.join(STAGE_COLUMNS)}) values (?, ?, ?, ?, ?, ?)", stages
            )
        connection.execute("commit")
    finally:
        connection.close()
    for warning in changed:
        log.warning("Standards catalogue %s: %s", catalogue.path, warning)
    return StandardsLoadReport(catalogue.edition, str(catalogue.path), catalogue.sha256, len(catalogue.standards),
                               len(versions), changed)


def _unchanged(stored_versions: list[tuple], stored_stages: list[tuple], versions: list[tuple],
               stages: list[tuple]) -> bool:
    """The stored rows are the catalogue's, apart from the time they were loaded (loaded_at, the last column)."""
    def without_loaded_at(rows: list[tuple]) -> list[tuple]:
        return sorted((row[:-1] for row in rows), key=repr)

    return without_loaded_at(stored_versions) == without_loaded_at(versions) and sorted(stored_stages) == sorted(stages)


def _changed_in_place(stored_versions: list[tuple], stored_stages: list[tuple], versions: list[tuple],
                      stages: list[tuple]) -> list[str]:
    """Versions whose rule or years differ from the previously loaded catalogue under the same version number.

    Closing an open version (valid_to set where it was empty) is the intended way to introduce a new version and is
    not reported.
    """
    previous = _signatures(stored_versions, stored_stages)
    current = _signatures(versions, stages)
    warnings = []
    for key, now in sorted(current.items()):
        before = previous.get(key)
        if before is None:
            continue
        rule_or_start_changed = {**before, "valid_to": None} != {**now, "valid_to": None}
        end_moved = before["valid_to"] is not None and before["valid_to"] != now["valid_to"]  # not: an open one closed
        if rule_or_start_changed or end_moved:
            warnings.append(
                f"Standard '{key[0]}', Fassung {key[1]}: Regel oder Gültigkeit wurde in der bestehenden Fassung "
                "geändert. Frühere Berichtsjahre werden jetzt nach der geänderten Regel bewertet; um die Geschichte "
                "zu erhalten, die Fassung mit valid_to abschließen und eine neue anlegen."
            )
    return warnings


def _signatures(version_rows: list[tuple], stage_rows: list[tuple]) -> dict[tuple[str, int], dict]:
    """What decides a version's verdicts: its years, its rule and its stage programmes."""
    stage_sets: dict[tuple[str, int], set] = {}
    for row in stage_rows:
        stage = dict(zip(STAGE_COLUMNS, row))
        stage_sets.setdefault((stage["standard_id"], stage["version"]), set()).add((stage["stage_de"], stage["programm"]))
    signatures = {}
    for row in version_rows:
        version = dict(zip(VERSION_COLUMNS, row))
        key = (version["standard_id"], version["version"])
        signatures[key] = {name: version[name] for name in ("valid_from", "valid_to", "rule_type", "metric_id",
                                                              "threshold", "required_value", "condition_metric_id",
                                                              "condition_minimum")}
        signatures[key]["stages"] = frozenset(stage_sets.get(key, ()))
    return signatures
