"""Write the serving snapshot that the dashboard reads: a separate DuckDB file, swapped in atomically.

DuckDB allows one writer per file and a reader cannot open a file a writer holds, so the dashboard never reads the
warehouse. The snapshot is built under a temporary name next to its final place and renamed over it: a reader
that has the old file open keeps reading the old version; the next query opens the new one.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import duckdb

from pipelines.config import Settings

# Every table the dashboard may read, and the warehouse query that fills it.
SERVING_TABLES: dict[str, str] = {
    "indicator_values": "select * from wh.marts.indicator_values order by indicator_id, ags, year, group_id",
    "indicators": "select * from wh.marts.indicators order by indicator_id",
    "districts": "select * from wh.marts.dim_districts order by ags",
    "source_files": (
        "select file_name, source_id, family, reader, table_code, title, stand, copyright, is_synthetic, row_count, loaded_at, sha256 "
        "from wh.raw.source_files order by loaded_at"
    ),
    "rejected_files": (
        "select file_name, rejected_at, message_de, line, \"column\", value from wh.raw.rejected_files order by rejected_at"
    ),
}


def publish_snapshot(settings: Settings) -> dict[str, int]:
    """Copy the serving tables from the warehouse into a new file and rename it over the old snapshot.

    Returns the row count per table.
    """
    target = settings.serving_path
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    connection = duckdb.connect(str(temporary))
    try:
        connection.execute(f"attach '{settings.warehouse_path}' as wh (read_only)")
        for table, query in SERVING_TABLES.items():
            connection.execute(f"create table {table} as {query}")
            counts[table] = connection.execute(f"select count(*) from {table}").fetchone()[0]
        connection.execute(
            "create table snapshot_info as select ? as published_at, "
            "(select coalesce(bool_or(is_synthetic), false) from indicator_values) as is_synthetic",
            [datetime.now(timezone.utc).replace(tzinfo=None)],
        )
        connection.execute("detach wh")
        connection.execute("checkpoint")
    except Exception:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, target)
    return counts
