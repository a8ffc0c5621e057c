"""The only module that touches the serving data: IM_DATA_DIR/serving.duckdb, written by the pipeline's publish step.

Every query opens its own read-only connection and closes it, so a publish (rename of a new file over the old one)
never collides with the dashboard. Results are cached per snapshot version (file modification time): after a
publish the next rerun reads the new data.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import access
from dashboard.series_breaks import SeriesBreak, from_frame
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
    version = snapshot_version()
    access.check_tables(_tables_in(sql, version))
    return _query(sql, tuple(params), version)


# --- Access control: every table but the public ones needs a signed-in role (dashboard/access.py) ---
@st.cache_data(show_spinner=False, max_entries=4)
def _snapshot_tables(version: float) -> frozenset[str]:
    connection = duckdb.connect(str(snapshot_path()), read_only=True)
    try:
        return frozenset(name for (name,) in connection.execute("select table_name from duckdb_tables()").fetchall())
    finally:
        connection.close()


def _tables_in(sql: str, version: float) -> set[str]:
    return {table for table in _snapshot_tables(version) if re.search(rf"\b{re.escape(table)}\b", sql, re.IGNORECASE)}


def snapshot_info() -> dict:
    frame = query("select * from snapshot_info")
    return frame.iloc[0].to_dict()


def kreise() -> pd.DataFrame:
    """The 53 Kreise and kreisfreie Städte with their Regierungsbezirk, sorted by name."""
    return query(
        "select d.ags, d.display_name, d.kind, d.rb_ags, rb.display_name as rb_name "
        "from districts d join districts rb on rb.ags = d.rb_ags "
        "where d.level = 'Kreis' order by d.display_name"
    )


def districts() -> pd.DataFrame:
    """Every unit: Land, RB, Kreise, Gemeinden and the 54 KIs, with parents, the serving KI and a KI's area."""
    return query(
        "select ags, name, display_name, level, kind, parent_ags, rb_ags, kreis_ags, kreisfrei, area_ags, ki_ags "
        "from districts order by ags"
    )


def indicators() -> pd.DataFrame:
    """The indicator catalogue: one row per indicator with names, explanation, definition, sources, caveats."""
    return query("select * from indicators order by indicator_id")


def suppression_threshold() -> int | None:
    """The confidentiality threshold the published figures were suppressed with (indicators.suppression_threshold,
    IM_SUPPRESSION_THRESHOLD of the build); None for a snapshot published before it was served."""
    frame = indicators()
    if frame.empty or "suppression_threshold" not in frame.columns:
        return None
    return int(frame["suppression_threshold"].iloc[0])


def indicator(indicator_id: str) -> dict:
    frame = query("select * from indicators where indicator_id = ?", indicator_id)
    return frame.iloc[0].to_dict() if len(frame) else {}


def indicator_values(indicator_id: str, group_id: str = "insgesamt") -> pd.DataFrame:
    """One indicator and group for every unit and year."""
    return query(
        "select * from indicator_values where indicator_id = ? and group_id = ? order by ags, year",
        indicator_id,
        group_id,
    )


def unit_profile(ags: str) -> pd.DataFrame:
    """Every indicator, group and year of one unit with its comparisons (NRW, RB, rank, changes, type)."""
    return query(
        "select v.*, c.* exclude (indicator_id, ags, level, year, group_id, unit, value) "
        "from indicator_values v left join indicator_comparisons c "
        "using (indicator_id, ags, year, group_id) where v.ags = ? order by v.indicator_id, v.group_id, v.year",
        ags,
    )


def values_of_units(codes: tuple[str, ...]) -> pd.DataFrame:
    """Every indicator value of a few units (e.g. a Kreis, its RB and NRW), all years and groups."""
    placeholders = ", ".join("?" * len(codes))
    return query(f"select * from indicator_values where ags in ({placeholders}) order by indicator_id, ags, year", *codes)


def comparisons(indicator_id: str, group_id: str, level: str) -> pd.DataFrame:
    """One indicator and group for all units of a level and all years, with ranks, changes and type."""
    return query(
        "select c.*, v.numerator, v.denominator, v.is_suppressed, v.flag, v.period_label, v.is_synthetic "
        "from indicator_comparisons c join indicator_values v using (indicator_id, ags, year, group_id) "
        "where c.indicator_id = ? and c.group_id = ? and c.level = ? order by c.year, c.ags",
        indicator_id,
        group_id,
        level,
    )


def group_gaps(ags: str) -> pd.DataFrame:
    """Gaps between ausländisch and deutsch (or insgesamt) for one unit, every indicator and year."""
    return query("select * from indicator_group_gaps where ags = ? order by indicator_id, year", ags)


def vergleichstypen() -> pd.DataFrame:
    """The comparison group (Vergleichstyp) of each Kreis with its name and description."""
    return query("select * from kreis_vergleichstypen order by vergleichstyp_order, ags")


def source_files() -> pd.DataFrame:
    return query("select * from source_files order by family, table_code, periods, stand")


def source_tables() -> pd.DataFrame:
    """The source catalogue: every loadable table with producer, licence and whether a real download verified it;
    empty for a snapshot published before the table existed."""
    if "source_tables" not in _snapshot_tables(snapshot_version()):
        return pd.DataFrame(columns=["source_id", "verified"])
    return query("select * from source_tables order by source_id")


def table_freshness() -> pd.DataFrame:
    """INTERNAL. Per table the GENESIS pull checked: loaded Stand, the portal's newest Stand, last successful pull.
    Empty for a snapshot published before the pull kept this record."""
    if "genesis_table_freshness" not in _snapshot_tables(snapshot_version()):
        return pd.DataFrame()
    return query("select * from genesis_table_freshness order by portal_id, table_code")


def centre_name(code: str) -> str:
    """The name of a KI (or any unit) for its code, as the districts table has it; the code itself when there is no
    snapshot yet or the code is unknown (the sign-in box shows it for a signed-in KI)."""
    try:
        units = districts()
    except SnapshotMissing:
        return code
    names = units.loc[units["ags"] == code, "display_name"]
    return str(names.iloc[0]) if len(names) else code


def series_breaks() -> list[SeriesBreak]:
    """The known breaks in the indicator series (table series_breaks) as dashboard.series_breaks.SeriesBreak, for the
    charts, the Steckbriefe, the PDF and the downloads; none for a snapshot published before the table existed."""
    if "series_breaks" not in _snapshot_tables(snapshot_version()):
        return []
    return from_frame(query("select * from series_breaks order by indicator_id, chart_position, break_id"))


def rejected_files() -> pd.DataFrame:
    return query("select * from rejected_files order by rejected_at desc")


def validation_results() -> pd.DataFrame:
    return query("select * from validation_results order by raw_table, source_id, rule_de")


def pipeline_runs(limit: int = 20) -> pd.DataFrame:
    """The last pipeline runs from Dagster's run storage (runs started by `make pipeline`, the sensor or the
    schedule): start, end, status. Read with the standard sqlite3 module, read-only; empty when no run is recorded."""
    import sqlite3

    access.check_tables({access.RUN_HISTORY})

    database = get_settings().dagster_home / "history" / "runs.db"
    columns = ["run_id", "status", "started", "ended", "job"]
    if not database.exists():
        return pd.DataFrame(columns=columns)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "select run_id, status, start_time, end_time, pipeline_name from runs order by create_timestamp desc limit ?",
            (limit,),
        ).fetchall()
    finally:
        connection.close()
    return pd.DataFrame(
        [
            (run_id, status, pd.to_datetime(start, unit="s") if start else pd.NaT,
             pd.to_datetime(end, unit="s") if end else pd.NaT, job)
            for run_id, status, start, end, job in rows
        ],
        columns=columns,
    )


def validation_report() -> bytes | None:
    """The zipped validation report (GX Data Docs) published with the snapshot, if any."""
    access.check_tables({access.VALIDATION_REPORT})
    path = get_settings().validation_report_path
    return path.read_bytes() if path.exists() else None


def indicator_group_gaps(indicator_id: str) -> pd.DataFrame:
    """Gaps between ausländisch and deutsch (or insgesamt) of one indicator for every unit and year."""
    return query("select * from indicator_group_gaps where indicator_id = ? order by ags, year", indicator_id)


def indicator_source_versions() -> pd.DataFrame:
    """Per indicator, role (numerator/denominator) and source table: the data versions (Stand) loaded for it,
    the reporting years they cover and how many files they came from."""
    return query(
        "select indicator_id, role, source_table, min(stand) as first_stand, max(stand) as last_stand, "
        "count(distinct stand) as stand_count, count(distinct source_file) as file_count, "
        "min(year) as first_year, max(year) as last_year, list(distinct year order by year) as years "
        "from ("
        "  select indicator_id, 'numerator' as role, numerator_source_table as source_table, "
        "    numerator_stand as stand, numerator_source_file as source_file, year from indicator_values "
        "  union all "
        "  select indicator_id, 'denominator', denominator_source_table, denominator_stand, "
        "    denominator_source_file, year from indicator_values"
        ") where source_table is not null group by indicator_id, role, source_table "
        "order by indicator_id, role desc, source_table"
    )


# --- KI quality standards (INTERNAL: they judge named centres; the Standards page passes every frame through
# dashboard/standards_data.py with the viewer before anything is shown) --------------------------------------------

def ki_standards() -> pd.DataFrame:
    """The quality-standards catalogue of this build, one row per standard version, with its edition and file."""
    return query("select * from ki_standards order by standard_order, version")


def standard_evaluations(year: int | None = None) -> pd.DataFrame:
    """Every KI x report year x standard with status, value, rule and version note; one year or all years."""
    if year is None:
        return query("select * from ki_standard_evaluations order by year, ki_ags, standard_order")
    return query("select * from ki_standard_evaluations where year = ? order by ki_ags, standard_order", year)


def centre_history(ki_ags: str) -> pd.DataFrame:
    """One KI's evaluations in every report year."""
    return query("select * from ki_standard_evaluations where ki_ags = ? order by year, standard_order", ki_ags)


def needs_offers(year: int | None = None) -> pd.DataFrame:
    """Offers against needs per KI, report year and ratio, with median, pooled ratio and rank; one year or all."""
    if year is None:
        return query("select * from ki_needs_offers order by metric_id, year, ki_ags")
    return query("select * from ki_needs_offers where year = ? order by metric_id, ki_ags", year)


def ki_report_files() -> pd.DataFrame:
    """The KI annual report files behind the metrics: per KI and report year the file(s) and when they were loaded."""
    return query(
        "select distinct m.ki_ags, m.year, m.report_file, f.loaded_at "
        "from ki_metrics m left join (select file_name, max(loaded_at) as loaded_at from source_files group by 1) f "
        "on f.file_name = m.report_file where m.report_file is not null order by m.year, m.ki_ags, m.report_file"
    )
