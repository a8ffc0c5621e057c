"""The Dagster code location: pull -> land -> check -> dbt -> publish, as one asset graph (plus the KI standards
catalogue, validated and written to the warehouse before dbt).

Runs come in two jobs so that a run does only what changed: `land_job` (pull, land, check, standards), then
`transform_job` on the assets downstream of the raw tables that differ from what the published snapshot was built
from (pipelines/incremental.py, `transform_selection`); with nothing changed it does not run at all.
`full_pipeline` (everything) stays for a manual full rebuild from the Dagster UI.

Every asset that writes the warehouse runs in the concurrency pool "warehouse" (limit 1, set in the instance's
dagster.yaml by pipelines/run.py): DuckDB allows a single writer and dbt-duckdb holds the lock for the whole
`dbt build`. A sensor starts `land_job` when files appear in the inbox; a schedule pulls the catalogue's tables
from the GENESIS web service every night (when credentials are configured) with `land_job`; a second sensor starts
`transform_job` when the warehouse differs from the published snapshot.
"""

import hashlib
import importlib.metadata
import json
import os
import sys
from datetime import date
from functools import cached_property
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    asset,
    asset_check,
    define_asset_job,
    multi_asset,
    sensor,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
    get_asset_key_for_model,
)
from filelock import FileLock
from packaging.version import Version

from pipelines.catalogue import source_catalogue
from pipelines.config import DBT_PROJECT_DIR, export_for_dbt, get_settings
from pipelines.extracts import BA_CELLS, GENESIS_CELLS, template_table
from pipelines.templates.spec import template_specs
from pipelines.incremental import Changes, detect_changes
from pipelines.landing import inbox_files, land_inbox, record_validation_results
from pipelines.progress import report_progress
from pipelines.publish import SERVED_MARTS, publish_snapshot
from pipelines.validation import build_data_docs, docs_dir, mark_files_checked, rows_checked, validate_loaded_data
from pipelines.warehouse import connect_warehouse

WAREHOUSE_POOL = "warehouse"
RAW_CELLS = AssetKey(["raw", GENESIS_CELLS])
RAW_BA = AssetKey(["raw", BA_CELLS])
RAW_TEMPLATES = {
    template_table(template.id, sheet.name): AssetKey(["raw", template_table(template.id, sheet.name)])
    for template in template_specs().values()
    for sheet in template.sheets
}
RAW_STANDARDS = AssetKey(["raw", "ki_standards"])
RAW_STANDARD_STAGES = AssetKey(["raw", "ki_standard_stages"])
RAW_FILES = AssetKey(["raw", "source_files"])
RAW_REJECTED = AssetKey(["raw", "rejected_files"])
RAW_CATALOGUE = AssetKey(["raw", "source_catalogue"])
PULLED = AssetKey(["inbox", "genesis_pull"])
SERVING = AssetKey(["serving_snapshot"])
# Run tag of a full rebuild (`python -m pipelines.run --full`): check every loaded file again, build every model.
FULL_RUN_TAG = "integrationsmonitor/full"

# dagster-dbt calls the `dbt` executable: use the one installed next to this interpreter, so that
# `.venv/bin/python -m pipelines.run` works without an activated virtual environment.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs per run (together about 7 s, docs/performance.md):
    it asks `dbt --version` in a subprocess, although the dbt it runs is the dbt-core installed beside this
    interpreter (PATH above), and it opens a dbt adapter in this process, which serves only column metadata
    (`fetch_column_metadata`) that these assets do not ask for; dagster-dbt runs without it for dbt Fusion too.
    Both are dagster-dbt 0.29's own hooks (version pinned in constraints.txt)."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def _manifest_is_stale() -> bool:
    """True on a fresh clone (no manifest) or after a dbt file changed since the last parse."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", *(
        path for folder in ("models", "seeds", "macros", "tests") for path in (DBT_PROJECT_DIR / folder).rglob("*")
    )]
    return any(path.is_file() and path.stat().st_mtime > built for path in sources)


# Two processes that start at once (a pipeline run and `make dagster`, or parallel test runs) parse one after the
# other: dbt writes the manifest in place, and the second would otherwise read it half-written.
dbt_project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
with FileLock(str(dbt_project.manifest_path.parent / "parse.lock")):
    if _manifest_is_stale():
        export_for_dbt(get_settings())
        dbt_project.preparer.prepare(dbt_project)


@asset(
    key=PULLED,
    group_name="pull",
    pool=WAREHOUSE_POOL,  # it reads and writes the pull's record in the warehouse
    description=(
        "Asks the GENESIS web service (Regionaldatenbank, Landesdatenbank NRW) for the Stand of every catalogue "
        "table it pulls and downloads, as ffcsv into inbox/pulled/, only the tables whose Stand is newer than the "
        "one already loaded (or already rejected); portals without credentials (IM_GENESIS_*_USER / _PASSWORD) "
        "are skipped. Every check is kept in raw.genesis_pulls. A failed download is reported and leaves the inbox "
        "as it was."
    ),
)
def genesis_pull(context: AssetExecutionContext) -> MaterializeResult:
    from pipelines.pull.freshness import known_stands, record_checks
    from pipelines.pull.genesis_api import PullRequest
    from pipelines.pull.inbox import pull_to_inbox

    settings = get_settings()
    start_year = int(os.environ.get("IM_PULL_START_YEAR", date.today().year - 2))
    requests = [
        PullRequest(portal_id=spec.pull, table_code=spec.id, start_year=start_year, regional_key="05*")
        for spec in source_catalogue().values()
        if spec.pull and spec.verified
    ]
    connection = connect_warehouse(settings)
    try:
        stands = known_stands(connection)
    finally:
        connection.close()
    report = pull_to_inbox(requests, settings.inbox_dir, known_stands=stands)
    connection = connect_warehouse(settings)
    try:
        record_checks(connection, report.checks)
    finally:
        connection.close()
    for failure in report.failed:
        context.log.warning(f"Abruf fehlgeschlagen: {failure.message_de} ({failure.detail})")
    return MaterializeResult(
        metadata={
            "pulled": len(report.pulled),
            "unchanged": len(report.unchanged),
            "skipped_without_credentials": len(report.skipped),
            "failed": MetadataValue.json([failure.detail for failure in report.failed]),
        }
    )


LANDING_DESCRIPTION = (
    "Lands every file in the inbox: recognises the format by content, parses it, validates it with the source's "
    "Great Expectations suite, archives the original bytes (content-addressed), writes the rows with lineage "
    "(file, sha256, table code, Stand, loaded_at) and removes the file from the inbox. Files that cannot be read "
    "or fail validation go to quarantine/ with a German report."
)


@multi_asset(
    specs=[
        AssetSpec(RAW_CELLS, group_name="land", deps=[PULLED], description=LANDING_DESCRIPTION),
        AssetSpec(RAW_BA, group_name="land", deps=[PULLED], description="Cells of the BA tables (CSV and Excel)."),
        AssetSpec(RAW_FILES, group_name="land", deps=[PULLED], description="Lineage of every loaded file."),
        AssetSpec(RAW_REJECTED, group_name="land", deps=[PULLED], description="Rejected files and why."),
        AssetSpec(RAW_CATALOGUE, group_name="land", deps=[PULLED],
                  description="The source catalogue (which tables are verified against a real download)."),
        *(AssetSpec(key, group_name="land", deps=[PULLED], description=f"Rows of the Kreis template sheet {table}.")
          for table, key in RAW_TEMPLATES.items()),
    ],
    check_specs=[
        AssetCheckSpec("gx_suite", asset=key, blocking=True,
                       description="Great Expectations suite of the table's sources over all loaded rows.")
        for key in (RAW_CELLS, RAW_BA, *RAW_TEMPLATES.values())
    ],
    pool=WAREHOUSE_POOL,
)
def land_inbox_files(context: AssetExecutionContext):
    settings = get_settings()
    report = land_inbox(settings)
    for name in report.rejected:
        context.log.warning(f"Abgelehnt (siehe quarantine/): {name}")
    yield MaterializeResult(
        asset_key=RAW_CELLS,
        metadata={
            "files_loaded": len(report.loaded),
            "files_already_loaded": len(report.already_loaded),
            "files_rejected": len(report.rejected),
            "rows_written": report.rows_written,
            "loaded": MetadataValue.json(report.loaded[:200]),
            "rejected": MetadataValue.json(report.rejected),
        },
    )
    for key in (RAW_BA, RAW_FILES, RAW_REJECTED, RAW_CATALOGUE, *RAW_TEMPLATES.values()):
        yield MaterializeResult(asset_key=key)
    # The blocking checks: the new files' validation at landing (their rows are written exactly as validated), and
    # the suites over the rows as written of every file that has not passed yet (a run killed before it marked its
    # files, a file beside a rejected one); together the Data Docs the dashboard links.
    record_validation_results(settings, report.validation_records)
    mark_files_checked(settings, report.validated)
    results, records, checked = validate_loaded_data(
        settings, everything=context.run.tags.get(FULL_RUN_TAG) == "true", keep_docs=bool(report.validation_records))
    record_validation_results(settings, records)
    if all(result["passed"] for result in results.values()):
        mark_files_checked(settings, checked)
    if report.validation_records or records:
        build_data_docs(docs_dir(settings))
    validated_at_landing = rows_checked(report.validation_records)
    keys = {GENESIS_CELLS: RAW_CELLS, BA_CELLS: RAW_BA, **RAW_TEMPLATES}
    for table, result in results.items():
        yield AssetCheckResult(
            check_name="gx_suite",
            asset_key=keys[table],
            passed=result["passed"],
            metadata={
                "rows_validated": result["rows_validated"] + validated_at_landing.get(table, 0),
                "failed": MetadataValue.json(result["failed"]),
                "data_docs": result["data_docs"],
            },
        )


@multi_asset(
    specs=[
        AssetSpec(RAW_STANDARDS, group_name="land", description=(
            "The quality-standards catalogue of the KIs (IM_STANDARDS_FILE, default pipelines/standards/standards.yml),"
            " validated, one row per standard version; dbt evaluates every report year under the version valid then. "
            "A broken file stops the run with a German report; nothing is published."
        )),
        AssetSpec(RAW_STANDARD_STAGES, group_name="land",
                  description="Stages of the Bildungskette and their programmes for offer_in_every_stage rules."),
    ],
    pool=WAREHOUSE_POOL,
)
def ki_standards_catalogue(context: AssetExecutionContext):
    from pipelines.standards import StandardsCatalogueError
    from pipelines.standards.land import land_standards

    try:
        report = land_standards(get_settings())
    except StandardsCatalogueError as error:
        raise Failure(description=error.message_de) from error
    for warning in report.changed_in_place:
        context.log.warning(warning)
    yield MaterializeResult(
        asset_key=RAW_STANDARDS,
        metadata={"file": report.path, "sha256": report.sha256, "edition": report.edition,
                  "standards": report.standards, "versions": report.versions,
                  "changed_in_place": MetadataValue.json(report.changed_in_place)},
    )
    yield MaterializeResult(asset_key=RAW_STANDARD_STAGES)


@asset_check(asset=RAW_CELLS, blocking=True, description="Every landed cell belongs to a file with lineage.")
def raw_cells_have_lineage() -> AssetCheckResult:
    connection = connect_warehouse(get_settings(), read_only=True)
    try:
        orphans = connection.execute(
            "select count(*) from raw.genesis_table_cells c "
            "where not exists (select 1 from raw.source_files f where f.sha256 = c.file_sha256)"
        ).fetchone()[0]
    finally:
        connection.close()
    return AssetCheckResult(passed=orphans == 0, metadata={"cells_without_file": orphans})


# dbt's data tests run inside `dbt build` (with the models they test, dbt's eager selection) and fail the step;
# they are not loaded as Dagster asset checks: each check is three events in Dagster's SQLite run history, about
# 13 s of a 55-s run for one new file (docs/performance.md). The German report names the failing tests.
DBT_TRANSLATOR = DagsterDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WAREHOUSE_POOL,
            dagster_dbt_translator=DBT_TRANSLATOR)
def integrationsmonitor_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """Builds the selected models and runs their data tests. dbt's unit tests test the SQL, not the data: they run in
    `make test` (tests/test_dbt_unit_tests.py), not in every production run. One fixed target folder per warehouse
    (IM_DATA_DIR/dbt), overwritten by each run, instead of dagster-dbt's new folder per run. When a check fails, the
    German report names the failing checks and the loaded files whose rows failed them."""
    settings = get_settings()
    export_for_dbt(settings)
    models = len(context.selected_asset_keys)
    built = 0
    invocation = dbt.cli(["build", "--exclude", "resource_type:unit_test"], context=context,
                         target_path=settings.data_dir / "dbt", raise_on_error=False)
    for event in invocation.stream():
        if isinstance(event, Output):
            built += 1
            report_progress("dbt", built, models)
        yield event
    if not invocation.is_successful():
        from pipelines.dbt_failures import explain_dbt_failures

        raise Failure(description=explain_dbt_failures(invocation.target_path, settings.warehouse_path))


@asset(
    deps=[
        *(get_asset_key_for_model([integrationsmonitor_dbt_assets], model) for model in SERVED_MARTS),
        RAW_FILES,
        RAW_REJECTED,
    ],
    group_name="publish",
    pool=WAREHOUSE_POOL,
    description=(
        "Writes the dashboard's serving snapshot (IM_DATA_DIR/serving.duckdb) atomically: built under a temporary "
        "name, then renamed. Runs only after landing, checks and every dbt model and test upstream succeeded."
    ),
)
def serving_snapshot(context: AssetExecutionContext) -> MaterializeResult:
    settings = get_settings()
    counts = publish_snapshot(settings)
    return MaterializeResult(metadata={"path": str(settings.serving_path), **{f"rows_{k}": v for k, v in counts.items()}})


LAND_SELECTION = AssetSelection.groups("pull", "land")
TRANSFORM_SELECTION = AssetSelection.assets(integrationsmonitor_dbt_assets, serving_snapshot)

full_pipeline = define_asset_job(
    "full_pipeline", selection="*", description="Pull (if configured), land the inbox, check, run dbt, publish."
)
land_job = define_asset_job(
    "land_job", selection=LAND_SELECTION,
    description="Pull (if configured), land the inbox, check the new files, load the KI standards catalogue.",
)
transform_job = define_asset_job(
    "transform_job", selection=TRANSFORM_SELECTION,
    description="dbt build and publish; launched on the assets downstream of what changed (transform_selection).",
)


def _rebuild_roots(raw_table: str) -> list[str] | None:
    """The models a change of this source table reaches, when its dbt source says so (meta `rebuild_on_change`)."""
    for source in json.loads(dbt_project.manifest_path.read_text())["sources"].values():
        if source["source_name"] == "raw" and source["name"] == raw_table:
            return source.get("meta", {}).get("rebuild_on_change")
    return None


def transform_selection(changes: Changes) -> list[AssetKey]:
    """The dbt models and the snapshot to rebuild for these changes: everything downstream of each changed raw
    table (a table the snapshot copies directly, such as raw.rejected_files, reaches only the snapshot)."""
    graph = defs.resolve_asset_graph()
    transform = TRANSFORM_SELECTION.resolve(graph)
    if changes.full:
        return sorted(transform)
    selected = {SERVING}
    for table in changes.raw_tables:
        roots = _rebuild_roots(table)
        if roots:
            keys = [get_asset_key_for_model([integrationsmonitor_dbt_assets], model) for model in roots]
            selected |= AssetSelection.assets(*keys).downstream().resolve(graph)
        elif AssetKey(["raw", table]) in graph.get_all_asset_keys():
            selected |= AssetSelection.assets(AssetKey(["raw", table])).downstream().resolve(graph)
    return sorted(selected & transform)


@sensor(job=land_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
        description="Starts the landing when files are waiting in the inbox.")
def inbox_sensor(context: SensorEvaluationContext):
    waiting = inbox_files(get_settings().inbox_dir)
    if not waiting:
        return SkipReason("Posteingang leer")
    # One run per distinct set of waiting files: the same files never start a second run.
    fingerprint = hashlib.sha256(
        "\n".join(f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}" for path in waiting).encode()
    ).hexdigest()
    return RunRequest(run_key=fingerprint, tags={"trigger": "inbox", "files": str(len(waiting))})


@sensor(job=transform_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
        description="Starts dbt and publishing on what changed when the warehouse differs from the snapshot.")
def changes_sensor(context: SensorEvaluationContext):
    try:
        changes = detect_changes(get_settings())
    except Exception as error:  # noqa: BLE001 - a landing holds the warehouse: look again next time
        return SkipReason(f"Lager gerade nicht lesbar ({error.__class__.__name__})")
    if changes.nothing:
        return SkipReason("Nichts Neues seit der letzten Veröffentlichung")
    state = hashlib.sha256(json.dumps(changes.built_from, sort_keys=True).encode()).hexdigest()
    return RunRequest(run_key=state, asset_selection=transform_selection(changes), tags={"trigger": "changes"})


nightly_pull = ScheduleDefinition(
    name="nightly_pull_and_load",
    job=land_job,
    cron_schedule="0 5 * * *",
    execution_timezone="Europe/Berlin",
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Every night: asks the GENESIS web service for the Stand of the catalogue's tables, downloads those whose "
        "Stand changed, and runs the pipeline (land, check, dbt, publish)."
    ),
)

defs = Definitions(
    assets=[genesis_pull, land_inbox_files, ki_standards_catalogue, integrationsmonitor_dbt_assets, serving_snapshot],
    asset_checks=[raw_cells_have_lineage],
    jobs=[full_pipeline, land_job, transform_job],
    sensors=[inbox_sensor, changes_sensor],
    schedules=[nightly_pull],
    resources={"dbt": WarehouseDbtCli(project_dir=dbt_project)},
)
