"""Write the serving snapshot that the dashboard reads: a separate DuckDB file, swapped in atomically.

DuckDB allows one writer per file and a reader cannot open a file a writer holds, so the dashboard never reads the
warehouse. The snapshot is built under a temporary name next to its final place and renamed over it: a reader
that has the old file open keeps reading the old version; the next query opens the new one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.incremental import current_fingerprint
from pipelines.processes import process_alive
from pipelines.validation import data_docs_site

# Every table the dashboard may read, and the warehouse query that fills it.
SERVING_TABLES: dict[str, str] = {
    "indicator_values": "select * from wh.marts.indicator_values order by indicator_id, ags, year, group_id",
    "indicators": "select * from wh.marts.indicators order by indicator_id",
    "districts": "select * from wh.marts.dim_districts order by ags",
    "base_figures": "select * from wh.marts.base_figures order by figure_id, group_id, ags, year",
    "source_tables": "select * from wh.marts.source_tables order by source_id",
    "series_breaks": "select * from wh.marts.series_breaks order by indicator_id, chart_position, break_id",
    "indicator_comparisons": (
        "select * from wh.marts.indicator_comparisons order by indicator_id, ags, year, group_id"
    ),
    "indicator_group_gaps": "select * from wh.marts.indicator_group_gaps order by indicator_id, ags, year",
    "kreis_vergleichstypen": "select * from wh.marts.kreis_vergleichstypen order by vergleichstyp_order, ags",
    "source_files": "select * from wh.marts.source_file_versions order by loaded_at, file_name",
    # INTERNAL (Daten & Qualität): what the GENESIS pull found per table
    "genesis_table_freshness": "select * from wh.marts.genesis_table_freshness order by portal_id, table_code",
    # INTERNAL (quality standards and needs vs offers of named centres, for the Koordinierungsstelle): the dashboard's
    # public pages must not read these; access control follows.
    "ki_metrics": "select * from wh.marts.ki_metrics order by ki_ags, year, metric_id",
    "ki_needs_offers": "select * from wh.marts.ki_needs_offers order by metric_id, year, ki_ags",
    "ki_standards": "select * from wh.marts.ki_standards order by standard_order, version",
    "ki_standard_evaluations": (
        "select * from wh.marts.ki_standard_evaluations order by ki_ags, year, standard_order"
    ),
    # Each run checks the files it loaded (pipelines/validation.py): per source and rule the latest outcome.
    "validation_results": (
        "select * exclude (frame) from wh.raw.validation_results "
        "qualify row_number() over (partition by raw_table, source_id, frame, expectation, \"column\" "
        "order by checked_at desc) = 1 order by raw_table, source_id"
    ),
    "rejected_files": (
        "select file_name, rejected_at, message_de, line, \"column\", value, coalesce(is_kreis_held, true) as "
        "is_kreis_held, owner_ags from wh.raw.rejected_files order by rejected_at"
    ),
}


# The dbt marts the snapshot is copied from, read off the queries above: the publish asset depends on exactly these
# (pipelines/definitions.py), so a change to any of them publishes.
SERVED_MARTS: tuple[str, ...] = tuple(sorted(
    {mart for query in SERVING_TABLES.values() for mart in re.findall(r"\bwh\.marts\.(\w+)", query)}
))

def publish_snapshot(settings: Settings) -> dict[str, int]:
    """Copy the serving tables from the warehouse into a new file and rename it over the old snapshot, with the
    fingerprint of the warehouse it was built from (pipelines/incremental.py: the next run compares with it).

    Returns the row count per table.
    """
    built_from = current_fingerprint(settings)
    target = settings.serving_path
    remove_stale_temporaries(settings)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    connection = duckdb.connect(str(temporary))
    try:
        connection.execute(f"attach '{settings.warehouse_path}' as wh (read_only)")
        for table, query in SERVING_TABLES.items():
            connection.execute(f"create table {table} as {query}")
            counts[table] = connection.execute(f"select count(*) from {table}").fetchone()[0]
        # What every page needs to know first: is there anything to show yet, and were files rejected?
        connection.execute(
            "create table snapshot_info as select ? as published_at, "
            "(select coalesce(bool_or(is_synthetic), false) from source_files where is_current) as is_synthetic, "
            "(select count(*) from indicator_values) as indicator_value_count, "
            "(select count(*) from rejected_files) as rejected_file_count",
            [datetime.now(timezone.utc).replace(tzinfo=None)],
        )
        # For the pipeline only (hashes of confidential rows): not in the dashboard's PUBLIC_TABLES, never shown.
        connection.execute("create table build_state as select ? as built_from",
                           [json.dumps(built_from, sort_keys=True)])
        connection.execute("detach wh")
        connection.execute("checkpoint")
    except Exception:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, target)
    _publish_data_docs(settings)
    return counts


def remove_stale_temporaries(settings: Settings) -> list[Path]:
    """Remove what a killed publish left next to the snapshot (.serving.duckdb.<pid>.tmp and its .wal,
    .validation_report.<pid>.zip) when process <pid> no longer runs; returns what was removed."""
    removed = []
    patterns = (f".{settings.serving_path.name}.*.tmp*", f".{settings.validation_report_path.stem}.*")
    for path in sorted({path for pattern in patterns for path in settings.data_dir.glob(pattern)}):
        pid = path.name.split(".")[-2 if path.name.endswith((".tmp", ".zip")) else -3]
        if pid.isdigit() and not process_alive(int(pid)):
            if path.is_dir():  # DuckDB's spill folder <file>.tmp
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _publish_data_docs(settings: Settings) -> None:
    """The validation report (GX Data Docs, a folder of HTML pages) as one zip next to the snapshot, for download."""
    site = data_docs_site(settings)
    if not site.exists():
        return
    temporary = settings.data_dir / f".validation_report.{os.getpid()}"
    archive = shutil.make_archive(str(temporary), "zip", root_dir=site)
    os.replace(archive, settings.validation_report_path)
