"""The Dagster code location: land -> check -> dbt -> publish, as one asset graph.

Every asset that writes the warehouse runs in the concurrency pool "warehouse" (limit 1, set in the instance's
dagster.yaml by `make`): DuckDB allows a single writer and dbt-duckdb holds the lock for the whole `dbt build`.
"""

import os
import sys
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Definitions,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
    define_asset_job,
    multi_asset,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets, get_asset_key_for_model

from pipelines.config import DBT_PROJECT_DIR, export_for_dbt, get_settings
from pipelines.landing import connect_warehouse, land_inbox
from pipelines.publish import publish_snapshot

WAREHOUSE_POOL = "warehouse"
RAW_CELLS = AssetKey(["raw", "genesis_table_cells"])
RAW_FILES = AssetKey(["raw", "source_files"])

# dagster-dbt calls the `dbt` executable: use the one installed next to this interpreter, so that
# `.venv/bin/python -m pipelines.run` works without an activated virtual environment.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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


if _manifest_is_stale():
    export_for_dbt(get_settings())
    dbt_project.preparer.prepare(dbt_project)


LANDING_DESCRIPTION = (
    "Lands every file in the inbox: detects the format, parses it, archives the original bytes "
    "(content-addressed), writes the NRW cells with lineage (file, sha256, table code, Stand, loaded_at) "
    "and removes the file from the inbox. Unreadable files go to quarantine/ with a German report."
)


@multi_asset(
    specs=[
        AssetSpec(RAW_CELLS, group_name="land", description=LANDING_DESCRIPTION),
        AssetSpec(RAW_FILES, group_name="land", description="Lineage of every loaded file (one row per file)."),
    ],
    pool=WAREHOUSE_POOL,
)
def land_inbox_files(context: AssetExecutionContext):
    settings = get_settings()
    report = land_inbox(settings)
    for name in report.rejected:
        context.log.warning(f"Rejected (see quarantine/): {name}")
    yield MaterializeResult(
        asset_key=RAW_CELLS,
        metadata={
            "files_loaded": len(report.loaded),
            "files_already_loaded": len(report.already_loaded),
            "files_rejected": len(report.rejected),
            "rows_written": report.rows_written,
            "loaded": MetadataValue.json(report.loaded),
            "rejected": MetadataValue.json(report.rejected),
        },
    )
    yield MaterializeResult(asset_key=RAW_FILES, metadata={"files_loaded": len(report.loaded)})


@asset_check(asset=RAW_CELLS, blocking=True, description="Every landed cell belongs to a file with lineage, and no file holds the same cell twice.")
def raw_cells_have_lineage_and_unique_keys() -> AssetCheckResult:
    connection = connect_warehouse(get_settings())
    try:
        orphans = connection.execute(
            "select count(*) from raw.genesis_table_cells c "
            "where not exists (select 1 from raw.source_files f where f.sha256 = c.file_sha256)"
        ).fetchone()[0]
        duplicates = connection.execute(
            "select count(*) from (select 1 from raw.genesis_table_cells "
            "group by file_sha256, period, region_code, dimensions, measure having count(*) > 1)"
        ).fetchone()[0]
    finally:
        connection.close()
    return AssetCheckResult(
        passed=orphans == 0 and duplicates == 0,
        metadata={"cells_without_file": orphans, "duplicate_cell_keys": duplicates},
    )


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WAREHOUSE_POOL)
def integrationsmonitor_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    export_for_dbt(get_settings())
    yield from dbt.cli(["build"], context=context).stream()


@asset(
    deps=[
        get_asset_key_for_model([integrationsmonitor_dbt_assets], model)
        for model in ("indicator_values", "indicators", "dim_districts")
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


full_pipeline = define_asset_job("full_pipeline", selection="*", description="Land the inbox, check, run dbt, publish.")

defs = Definitions(
    assets=[land_inbox_files, integrationsmonitor_dbt_assets, serving_snapshot],
    asset_checks=[raw_cells_have_lineage_and_unique_keys],
    jobs=[full_pipeline],
    resources={"dbt": DbtCliResource(project_dir=dbt_project)},
)
