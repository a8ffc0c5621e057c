"""Great Expectations suites per source: the one home of the validation rules.

The same suites run twice:
- in the landing step, on the rows of every new file (all new files of one source in one batch): a file with a
  failing row goes to quarantine with a German message that names line, column and value;
- as blocking Dagster asset checks on the rows as written to the warehouse, for every file that no check has passed
  yet: a failure stops the run before dbt and publishing, so the dashboard keeps the last good data. These runs
  also render GX Data Docs (HTML) under IM_DATA_DIR/validation/.

Rules (docs/sources.md: Symbols, Confidentiality): known NRW region codes, non-negative counts, shares within
0-100, parts not above totals where the source is exact (not rounded), plausible period, no duplicate keys, required
fields present.
GX takes seconds to import: it is imported inside the functions that run a suite.
"""

from __future__ import annotations

import copy
import csv
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.catalogue import SourceSpec, source_catalogue
from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.extracts import BA_CELLS, GENESIS_CELLS, template_table
from pipelines.formatting_de import format_number
from pipelines.templates.spec import template_specs
from pipelines.warehouse import connect_warehouse

# No network in this product's runs: GX's usage analytics stay off.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

EARLIEST_YEAR = 1990
PERCENT_UNITS = {"Prozent", "%", "in %"}


@dataclass(frozen=True)
class Violation:
    """One failing row of a file, in the words the user gets to read."""

    file_sha256: str
    message_de: str
    detail: str
    line: int | None
    column: int | None
    value: str | None


@cache
def known_region_codes() -> frozenset[str]:
    """Every current NRW unit (seed nrw_districts), the Land, and the historic/pseudo units official tables list."""
    codes = {"05"}
    for seed in ("nrw_districts.csv", "nrw_historic_units.csv"):
        with (DBT_PROJECT_DIR / "seeds" / seed).open(encoding="utf-8") as handle:
            codes.update(row["ags"] for row in csv.DictReader(handle))
    return frozenset(codes)


_JUGENDAMT = re.compile(r"^JH(05\d{3})(999|\d{3})$")


def region_ags(region_code: str) -> str:
    """The AGS a region code stands for: a Kreisjugendamt JH<Kreis>999 -> Kreis, JH<Gemeinde> -> Gemeinde."""
    match = _JUGENDAMT.match(region_code or "")
    if not match:
        return region_code
    kreis, rest = match.groups()
    return kreis if rest == "999" else kreis + rest


def _year(period: str) -> int | None:
    found = re.search(r"(\d{4})", period or "")
    return int(found.group(1)) if found else None


# --------------------------------------------------------------------------------------------------------------------
# Frames the suites run on: the raw rows plus derived columns the expectations need.


def genesis_frames(rows: pd.DataFrame, spec: SourceSpec | None) -> dict[str, pd.DataFrame]:
    """'cells': one row per cell; 'parts': part/total pairs of the same row (only for exact sources)."""
    cells = rows.drop(columns=["dimensions", "dimension_ids"], errors="ignore").copy()
    cells["region_ags"] = cells["region_code"].map(region_ags)
    cells["year"] = cells["period"].map(_year)
    cells["dimension_key"] = rows["dimensions"].map(lambda dims: " | ".join(dims)) if "dimensions" in rows else ""
    is_share = cells["unit"].isin(PERCENT_UNITS) | ((spec is not None) and spec.value_kind == "share")
    cells["share_value"] = cells["value"].where(is_share)
    frames = {"cells": cells}
    if spec is not None and spec.exact:
        frames["parts"] = _part_total_pairs(cells)
    return frames


def _part_total_pairs(cells: pd.DataFrame) -> pd.DataFrame:
    """Within one row of a file, every measure 'X | part' beside 'X | Insgesamt' must not exceed it."""
    split = cells["measure"].str.rsplit(" | ", n=1, expand=True)
    if split.shape[1] < 2:
        return pd.DataFrame(columns=["file_sha256", "source_line", "source_column", "part", "total", "part_measure"])
    frame = cells.assign(prefix=split[0], last=split[1])
    keys = ["file_sha256", "source_line", "prefix"]
    totals = frame[frame["last"] == "Insgesamt"][keys + ["value"]].rename(columns={"value": "total"})
    parts = frame[(frame["last"] != "Insgesamt") & frame["last"].notna()]
    pairs = parts.merge(totals, on=keys)
    pairs = pairs[pairs["value"].notna() & pairs["total"].notna()]
    return pairs.rename(columns={"value": "part", "measure": "part_measure"})[
        ["file_sha256", "source_line", "source_column", "part", "total", "part_measure"]
    ].reset_index(drop=True)


def ba_frames(rows: pd.DataFrame, spec: SourceSpec | None) -> dict[str, pd.DataFrame]:
    cells = rows.copy()
    cells["region_ags"] = cells["region_code"].map(lambda code: "05" if code == "DG" else region_ags(code))
    is_share = cells["measure"].str.contains("%|Anteil|quote", case=False, regex=True)
    cells["share_value"] = cells["value"].where(is_share)
    return {"cells": cells}


# --------------------------------------------------------------------------------------------------------------------
# The suites


@dataclass(frozen=True)
class Rule:
    """One expectation with the German sentence that explains a failing row to the user."""

    frame: str
    expectation: object
    message_de: str
    value_column: str | None = None


def genesis_rules() -> list[Rule]:
    import great_expectations as gx

    expect = gx.expectations
    this_year = date.today().year
    return [
        Rule("cells", expect.ExpectColumnValuesToNotBeNull(column="period"),
             "Zeile ohne Zeitangabe (Stichtag oder Jahr fehlt).", "period"),
        Rule("cells", expect.ExpectColumnValuesToBeInSet(column="region_ags", value_set=sorted(known_region_codes())),
             "Unbekannter Regionalschlüssel »{value}«: diese Einheit gibt es in NRW nicht.", "region_code"),
        Rule("cells", expect.ExpectColumnValuesToBeBetween(column="value", min_value=0),
             "Negativer Wert »{value}«: Anzahlen und Anteile können nicht negativ sein.", "value"),
        Rule("cells", expect.ExpectColumnValuesToBeBetween(column="share_value", min_value=0, max_value=100),
             "Der Anteil »{value}« liegt nicht zwischen 0 und 100 Prozent.", "share_value"),
        Rule("cells", expect.ExpectColumnValuesToBeBetween(column="year", min_value=EARLIEST_YEAR, max_value=this_year + 1),
             f"Unplausibler Zeitbezug »{{value}}« (erwartet: {EARLIEST_YEAR} bis {this_year + 1}).", "period"),
        Rule("cells", expect.ExpectCompoundColumnsToBeUnique(
                column_list=["file_sha256", "period", "region_code", "dimension_key", "measure"]),
             "Doppelte Zeile: dieselbe Einheit, derselbe Zeitpunkt und dasselbe Merkmal kommen mehrfach vor.", "region_code"),
        Rule("parts", expect.ExpectColumnPairValuesAToBeGreaterThanB(column_A="total", column_B="part", or_equal=True),
             "Ein Teilwert ist größer als die zugehörige Summe »Insgesamt« ({value}).", "part"),
    ]


def ba_rules() -> list[Rule]:
    import great_expectations as gx

    expect = gx.expectations
    return [
        Rule("cells", expect.ExpectColumnValuesToBeInSet(column="region_ags", value_set=sorted(known_region_codes())),
             "Unbekannter Regionalschlüssel »{value}«: diese Einheit gibt es in NRW nicht.", "region_code"),
        Rule("cells", expect.ExpectColumnValuesToBeBetween(column="value", min_value=0),
             "Negativer Wert »{value}«: Anzahlen und Anteile können nicht negativ sein.", "value"),
        Rule("cells", expect.ExpectColumnValuesToBeBetween(column="share_value", min_value=0, max_value=100),
             "Der Anteil »{value}« liegt nicht zwischen 0 und 100 Prozent.", "share_value"),
        Rule("cells", expect.ExpectCompoundColumnsToBeUnique(
                column_list=["file_sha256", "period", "region_code", "row_label", "measure"]),
             "Doppelte Zeile: dieselbe Einheit und dasselbe Merkmal kommen mehrfach vor.", "region_code"),
    ]


def template_frames(rows: pd.DataFrame, spec: SourceSpec | None) -> dict[str, pd.DataFrame]:
    frame = rows.copy()
    for column in frame.columns:
        if column == "gemeinde_ags" or column == "jugendamt":
            frame[f"{column}__known"] = frame[column].map(lambda code: region_ags(code) if isinstance(code, str) else None)
    return {"rows": frame}


def template_rules(raw_table: str) -> list[Rule]:
    """The template's own rules (pipelines/templates/kreis_templates.yml) as expectations."""
    import great_expectations as gx

    expect = gx.expectations
    [(template, sheet)] = [
        (template, sheet) for template in template_specs().values() for sheet in template.sheets
        if template_table(template.id, sheet.name) == raw_table
    ]
    rules = [
        Rule("rows", expect.ExpectCompoundColumnsToBeUnique(column_list=["file_sha256", *sheet.key]),
             f"Doppelte Zeile: {sheet.key_de} kommt mehrfach vor.", sheet.key[0]),
    ]
    known = sorted(known_region_codes())
    ki_ids = sorted(known_ki_ids())
    for column in sheet.columns:
        label = f"Spalte »{column.name}«"
        if column.required:
            rules.append(Rule("rows", expect.ExpectColumnValuesToNotBeNull(column=column.name),
                              f"{label}: Pflichtangabe fehlt.", column.name))
        if column.type in ("integer", "decimal"):
            rules.append(Rule("rows", expect.ExpectColumnValuesToBeBetween(column=column.name, min_value=0),
                              f"{label}: negativer Wert »{{value}}«.", column.name))
        if column.name in ("gemeinde_ags", "jugendamt"):
            rules.append(Rule("rows", expect.ExpectColumnValuesToBeInSet(column=f"{column.name}__known", value_set=known),
                              f"{label}: unbekannter Schlüssel »{{value}}«, diese Einheit gibt es in NRW nicht.",
                              column.name))
        if column.name == "ki_id":
            rules.append(Rule("rows", expect.ExpectColumnValuesToBeInSet(column="ki_id", value_set=ki_ids),
                              f"{label}: »{{value}}« ist keines der 54 Kommunalen Integrationszentren.", column.name))
        if column.allowed_values:
            rules.append(Rule("rows", expect.ExpectColumnValuesToBeInSet(
                column=column.name, value_set=[allowed.value for allowed in column.allowed_values]),
                f"{label}: »{{value}}« ist kein zulässiger Wert.", column.name))
        for total in column.not_above:
            rules.append(Rule("rows", expect.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=total, column_B=column.name, or_equal=True, ignore_row_if="either_value_is_missing"),
                f"{label} ({{value}}) ist größer als »{total}«.", column.name))
    return rules


@cache
def known_ki_ids() -> frozenset[str]:
    with (DBT_PROJECT_DIR / "seeds" / "kommunale_integrationszentren.csv").open(encoding="utf-8") as handle:
        return frozenset(row["ki_id"] for row in csv.DictReader(handle))


def suite_for(raw_table: str):
    """(frame builder, rules) of a raw table."""
    if raw_table == GENESIS_CELLS:
        return genesis_frames, genesis_rules()
    if raw_table == BA_CELLS:
        return ba_frames, ba_rules()
    return template_frames, template_rules(raw_table)


# --------------------------------------------------------------------------------------------------------------------
# Running a suite


# How the dashboard names each kind of expectation.
RULE_TITLES_DE = {
    "expect_column_values_to_not_be_null": "Pflichtangabe vorhanden",
    "expect_column_values_to_be_in_set": "Schlüssel oder Wert zulässig",
    "expect_column_values_to_be_between": "Wertebereich eingehalten",
    "expect_compound_columns_to_be_unique": "keine doppelten Zeilen",
    "expect_column_pair_values_a_to_be_greater_than_b": "Teilwert nicht größer als Summe",
}


@dataclass
class SuiteResult:
    suite: str
    success: bool
    violations: list[Violation]
    failed_expectations: list[str]
    outcomes: list[dict]  # per expectation: frame, expectation, column, success, unexpected_count, rule_de


def run_suite(
    name: str, rules: list[Rule], frames: dict[str, pd.DataFrame], *, docs_dir: Path | None = None
) -> SuiteResult:
    """Validate the frames with GX; with docs_dir, keep the results and render Data Docs there."""
    import great_expectations as gx

    context = (
        gx.get_context(mode="file", project_root_dir=str(docs_dir)) if docs_dir else gx.get_context(mode="ephemeral")
    )
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_or_update_pandas("raw_tables")
    violations: list[Violation] = []
    failed: list[str] = []
    outcomes: list[dict] = []
    for frame_name in sorted({rule.frame for rule in rules}):
        frame = frames.get(frame_name)
        if frame is None or frame.empty:
            continue
        frame = frame.reset_index(drop=True)
        suite_name = f"{name}.{frame_name}"
        try:
            context.suites.delete(suite_name)
        except Exception:  # noqa: BLE001 - GX raises different errors for a suite that does not exist yet
            pass
        frame_rules = [rule for rule in rules if rule.frame == frame_name]
        suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=[copy.copy(r.expectation) for r in frame_rules]))
        asset = _dataframe_asset(datasource, suite_name)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{suite_name}.batch")
        validation = gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
        if docs_dir:
            validation = context.validation_definitions.add_or_update(validation)
        index_columns = [c for c in ("file_sha256", "source_line", "source_column") if c in frame.columns]
        result = validation.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_columns},
        )
        for outcome in result.results:
            rule = _rule_of(outcome.expectation_config, frame_rules)
            kwargs = outcome.expectation_config.kwargs
            outcomes.append({
                "frame": frame_name,
                "expectation": outcome.expectation_config.type,
                "column": kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
                or f"{kwargs.get('column_A')} ≥ {kwargs.get('column_B')}",
                "success": bool(outcome.success),
                "unexpected_count": int((outcome.result or {}).get("unexpected_count") or 0),
                "rule_de": RULE_TITLES_DE.get(outcome.expectation_config.type, outcome.expectation_config.type),
            })
            if outcome.success:
                continue
            failed.append(outcome.expectation_config.type)
            violations.extend(_violations(rule, outcome.result, frame))
    return SuiteResult(name, not failed, violations, failed, outcomes)


CHECKED_FILES_DDL = """
create table if not exists raw.checked_files (
    sha256      varchar primary key,
    checked_at  timestamp not null
);
"""


def validate_loaded_data(
    settings: Settings, *, everything: bool = False, keep_docs: bool = False
) -> tuple[dict[str, dict], list[dict], list[str]]:
    """Run every raw table's suite, per source (GENESIS table code, BA table, template), with Data Docs, over the
    rows as written of the loaded files that have not passed a check yet (raw.checked_files; everything=True: all
    files). keep_docs: add to the Data Docs of this run's landing instead of starting them anew.

    Every rule holds per row or per file (the uniqueness keys include file_sha256), so a file that passed needs no
    second look. Files pass when their validation at landing found nothing (the landing marks them); this check
    covers the rest: files of a run killed before it marked them, files validated in a group with a rejected file,
    and with everything=True all files.
    Returns per raw table {passed, rows_validated, failed, data_docs}, one record per expectation for
    raw.validation_results, and the sha256 of the files checked (for mark_files_checked once all passed)."""
    from datetime import datetime, timezone

    # raw table -> the column naming each row's source, or the one source the whole table belongs to
    tables: dict[str, tuple[str | None, str | None]] = {GENESIS_CELLS: ("table_code", None), BA_CELLS: ("source_id", None)}
    tables.update({
        template_table(template.id, sheet.name): (None, template.id)
        for template in template_specs().values() for sheet in template.sheets
    })
    connection = connect_warehouse(settings)
    try:
        connection.execute(CHECKED_FILES_DDL)
        unchecked = [sha for (sha,) in connection.execute(
            "select sha256 from raw.source_files"
            + ("" if everything else " where sha256 not in (select sha256 from raw.checked_files)")
            + " order by sha256"
        ).fetchall()]
        site = docs_dir(settings)
        results = {table: {"passed": True, "rows_validated": 0, "failed": {}, "data_docs": str(site)}
                   for table in tables}
        if not unchecked:
            return results, [], []  # nothing to check: the Data Docs of the last check stay
        if not keep_docs:
            reset_validation_store(site)
        checked_at = datetime.now(timezone.utc).replace(tzinfo=None)
        records: list[dict] = []
        connection.register("unchecked_files", pd.DataFrame({"sha256": unchecked}))
        for table, (source_column, table_source) in tables.items():
            rows = connection.execute(
                f"select * from raw.{table} where file_sha256 in (select sha256 from unchecked_files)").df()
            build, rules = suite_for(table)
            groups = rows.groupby(source_column) if source_column and len(rows) else [(table_source, rows)]
            failed: dict[str, list[str]] = {}
            for source, part in groups:
                if part.empty:
                    continue
                result = run_suite(f"{table}.{source}", rules, build(part, source_catalogue().get(source)), docs_dir=site)
                records += [{"checked_at": checked_at, "raw_table": table, "source_id": source,
                             "row_count": len(part), **outcome} for outcome in result.outcomes]
                if not result.success:
                    failed[source] = result.failed_expectations
            results[table].update(passed=not failed, rows_validated=len(rows), failed=failed)
    finally:
        connection.close()
    return results, records, unchecked


def rows_checked(records: list[dict]) -> dict[str, int]:
    """Rows validated per raw table according to outcome records (one record per rule and source)."""
    per_source = {(record["raw_table"], record["source_id"]): record["row_count"] for record in records}
    totals: dict[str, int] = {}
    for (table, _), rows in per_source.items():
        totals[table] = totals.get(table, 0) + rows
    return totals


def mark_files_checked(settings: Settings, sha256s: list[str]) -> None:
    """Remember the files whose rows passed the blocking checks: later runs do not check them again."""
    from datetime import datetime, timezone


    if not sha256s:
        return
    connection = connect_warehouse(settings)
    try:
        connection.execute(CHECKED_FILES_DDL)
        connection.register("passed_files", pd.DataFrame({"sha256": sha256s}))
        connection.execute(
            "insert or replace into raw.checked_files select sha256, ? from passed_files",
            [datetime.now(timezone.utc).replace(tzinfo=None)],
        )
    finally:
        connection.close()


def reset_validation_store(docs_dir: Path) -> None:
    """Keep only the latest check in the GX store and Data Docs: they would otherwise grow with every run.
    The history of all checks stays in the warehouse (raw.validation_results)."""
    import shutil

    uncommitted = docs_dir / "gx" / "uncommitted"
    for folder in ("validations", "data_docs"):
        shutil.rmtree(uncommitted / folder, ignore_errors=True)


def build_data_docs(docs_dir: Path) -> Path:
    """Render the GX Data Docs (HTML) of every validation kept under docs_dir; return the index page."""
    import great_expectations as gx

    gx.get_context(mode="file", project_root_dir=str(docs_dir)).build_data_docs()
    return docs_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _rule_of(config, rules: list[Rule]) -> Rule:
    """The rule a GX result belongs to (results do not come back in the suite's order)."""
    for rule in rules:
        own = rule.expectation.configuration
        if own.type == config.type and all(config.kwargs.get(k) == v for k, v in own.kwargs.items()):
            return rule
    raise LookupError(f"no rule for expectation {config.type} {config.kwargs}")


def _dataframe_asset(datasource, name: str):
    try:
        datasource.delete_asset(name)
    except Exception:  # noqa: BLE001 - no such asset yet
        pass
    return datasource.add_dataframe_asset(name)


def _violations(rule: Rule, result: dict, frame: pd.DataFrame) -> list[Violation]:
    found: list[Violation] = []
    for entry in result.get("unexpected_index_list") or []:
        if not isinstance(entry, dict):
            continue
        sha = str(entry.get("file_sha256", ""))
        line = entry.get("source_line")
        column = entry.get("source_column")
        value = entry.get(rule.value_column) if rule.value_column else None
        if value is None and rule.value_column in frame.columns and line is not None:
            matches = frame[(frame.get("file_sha256") == sha) & (frame["source_line"] == line)]
            value = matches[rule.value_column].iloc[0] if len(matches) else None
        shown = _german(value)
        found.append(
            Violation(
                file_sha256=sha,
                message_de=rule.message_de.format(value=shown),
                detail=f"{rule.expectation.configuration.type} failed for {entry}",
                line=int(line) if line is not None else None,
                column=int(column) if column is not None else None,
                value=shown,
            )
        )
    return found


def _german(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float):
        return format_number(value) if value.is_integer() else format_number(value, 2).rstrip("0").rstrip(",")
    return str(value)


def docs_dir(settings: Settings) -> Path:
    return settings.data_dir / "validation"


def data_docs_site(settings: Settings) -> Path:
    return docs_dir(settings) / "gx" / "uncommitted" / "data_docs" / "local_site"
