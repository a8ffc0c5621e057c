"""The only module that touches the serving data: IM_DATA_DIR/serving.duckdb, written by the pipeline's publish step.

Every query opens its own read-only connection and closes it, so a publish (rename of a new file over the old one)
never collides with the dashboard. Results are cached per snapshot version (file modification time): after a
publish the next rerun reads the new data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.config import get_settings


class SnapshotMissing(Exception):
    """No serving snapshot has been published yet."""


def snapshot_path() -> Path:
    return get_settings().serving_path


def snapshot_version() -> float:
    path = snapshot_path()
    if not path.exists():
        raise SnapshotMissing(str(path))
    return path.stat().st_mtime_ns


@st.cache_data(show_spinner=False, max_entries=64)
def _query(sql: str, params: tuple, version: float) -> pd.DataFrame:
    # `version` is part of the cache key only: a new snapshot means new cache entries.
    connection = duckdb.connect(str(snapshot_path()), read_only=True)
    try:
        return connection.execute(sql, list(params)).df()
    finally:
        connection.close()


def query(sql: str, *params) -> pd.DataFrame:
    return _query(sql, tuple(params), snapshot_version())


def snapshot_info() -> dict:
    frame = query("select published_at, is_synthetic from snapshot_info")
    return frame.iloc[0].to_dict()


def kreise() -> pd.DataFrame:
    """The 53 Kreise and kreisfreie Städte with their Regierungsbezirk, sorted by name."""
    return query(
        "select d.ags, d.display_name, d.kind, d.rb_ags, rb.display_name as rb_name "
        "from districts d join districts rb on rb.ags = d.rb_ags "
        "where d.level = 'Kreis' order by d.display_name"
    )


def districts() -> pd.DataFrame:
    return query("select ags, display_name, level, kind, rb_ags from districts")


def indicator(indicator_id: str) -> dict:
    frame = query("select * from indicators where indicator_id = ?", indicator_id)
    return frame.iloc[0].to_dict() if len(frame) else {}


def indicator_values(indicator_id: str, group_id: str = "insgesamt") -> pd.DataFrame:
    return query(
        "select * from indicator_values where indicator_id = ? and group_id = ? order by ags, year",
        indicator_id,
        group_id,
    )


def source_files() -> pd.DataFrame:
    return query("select * from source_files order by family, table_code, periods, stand")


def rejected_files() -> pd.DataFrame:
    return query("select * from rejected_files order by rejected_at desc")


def validation_results() -> pd.DataFrame:
    return query("select * from validation_results order by raw_table, source_id, rule_de")


def validation_report() -> bytes | None:
    """The zipped validation report (GX Data Docs) published with the snapshot, if any."""
    path = get_settings().validation_report_path
    return path.read_bytes() if path.exists() else None
