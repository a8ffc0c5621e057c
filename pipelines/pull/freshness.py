"""The pull's record in the warehouse: per table and check, the portal's Stand and what the pull did.

raw.genesis_pulls holds one row per table and pull (PullCheck). dbt turns it into the freshness table of the
Daten & Qualität page (loaded Stand, the portal's newest Stand, the last successful pull) and gives a pulled flat
file, which has no Stand line of its own, the Stand the portal's metadata stated when it was downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pandas as pd

from pipelines.pull.inbox import PullCheck

PULL_DDL = """
create schema if not exists raw;
create table if not exists raw.genesis_pulls (
    portal_id     varchar not null,
    table_code    varchar not null,
    checked_at    timestamp not null,
    portal_stand  timestamp,
    outcome       varchar not null,
    file_name     varchar,
    file_sha256   varchar,
    file_format   varchar,
    job_name      varchar,
    message_de    varchar,
    detail        varchar
);
"""

_COLUMNS = ["portal_id", "table_code", "checked_at", "portal_stand", "outcome", "file_name", "file_sha256",
            "file_format", "job_name", "message_de", "detail"]


def known_stands(connection: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """The newest Stand per table code that need not be fetched again: the Stand of a loaded file (its own Stand
    line, else the Stand the portal stated when the pull downloaded it), or of a pulled file that the landing step
    rejected (the same Stand would be rejected again; its report is on Daten & Qualität)."""
    connection.execute(PULL_DDL)
    rows = connection.execute(
        """
        with fetched as (
            select files.table_code, coalesce(files.stand, pulls.portal_stand) as stand
            from raw.source_files as files
            left join raw.genesis_pulls as pulls on pulls.file_sha256 = files.sha256
            union all
            select pulls.table_code, pulls.portal_stand
            from raw.genesis_pulls as pulls
            inner join raw.rejected_files as rejected on rejected.sha256 = pulls.file_sha256
        )
        select table_code, max(stand) from fetched group by table_code having max(stand) is not null
        """
    ).fetchall()
    return {table_code: stand for table_code, stand in rows}


def record_checks(connection: duckdb.DuckDBPyConnection, checks: Iterable[PullCheck]) -> int:
    """Append the checks of one pull; returns how many rows were written."""
    connection.execute(PULL_DDL)
    frame = pd.DataFrame([{name: getattr(check, name) for name in _COLUMNS} for check in checks], columns=_COLUMNS)
    if frame.empty:
        return 0
    frame["checked_at"] = pd.to_datetime(frame["checked_at"])
    frame["portal_stand"] = pd.to_datetime(frame["portal_stand"])
    connection.register("pull_checks", frame)
    try:
        connection.execute("insert into raw.genesis_pulls by name select * from pull_checks")
    finally:
        connection.unregister("pull_checks")
    return len(frame)
