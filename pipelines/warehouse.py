"""The warehouse (IM_DATA_DIR/warehouse.duckdb): its raw schema and the connection that creates it. Landing, the
checks and the pipeline's assets open it here, so that the raw tables exist with their current columns before
anything writes to them; dbt's sources (dbt_project/models/staging/_raw__sources.yml) read the same tables."""

from __future__ import annotations

import duckdb

from pipelines.config import Settings
from pipelines.extracts import BA_CELLS, GENESIS_CELLS, template_columns, template_table
from pipelines.pull.freshness import PULL_DDL
from pipelines.templates.spec import template_specs

WAREHOUSE_DDL = """
create schema if not exists raw;
create table if not exists raw.source_files (
    sha256        varchar primary key,
    file_name     varchar not null,
    inbox_path    varchar not null,
    archive_path  varchar not null,
    size_bytes    bigint not null,
    reader        varchar not null,
    source_id     varchar not null,
    family        varchar not null,
    table_code    varchar not null,
    title         varchar,
    stand         timestamp,
    copyright     varchar,
    is_synthetic  boolean not null,
    encoding      varchar,
    row_count     integer not null,
    loaded_at     timestamp not null,
    recognised_with varchar
);
create table if not exists raw.genesis_table_cells (
    file_sha256   varchar not null,
    table_code    varchar not null,
    stand         timestamp,
    period        varchar not null,
    region_code   varchar not null,
    region_label  varchar not null,
    level         varchar not null,
    dimensions    varchar[] not null,
    measure       varchar not null,
    measure_id    varchar,
    unit          varchar,
    dimension_ids varchar[] not null,
    value         double,
    flag          varchar,
    source_line   integer not null,
    source_column integer not null
);
create table if not exists raw.ba_cells (
    file_sha256   varchar not null,
    source_id     varchar not null,
    period        varchar not null,
    region_code   varchar,
    region_label  varchar,
    row_label     varchar not null,
    measure       varchar not null,
    measure_id    varchar,
    value         double,
    flag          varchar,
    source_line   integer not null,
    source_column integer not null
);
create table if not exists raw.validation_results (
    checked_at       timestamp not null,
    raw_table        varchar not null,
    source_id        varchar not null,
    row_count        bigint not null,
    frame            varchar not null,
    expectation      varchar not null,
    "column"         varchar,
    success          boolean not null,
    unexpected_count bigint not null,
    rule_de          varchar
);
create table if not exists raw.source_catalogue (
    source_id     varchar primary key,
    family        varchar not null,
    format        varchar not null,
    title_de      varchar not null,
    level         varchar not null,
    producer      varchar not null,
    licence       varchar not null,
    portal        varchar not null,
    rounding      varchar,
    verified      boolean not null
);
create table if not exists raw.rejected_files (
    sha256           varchar not null,
    file_name        varchar not null,
    quarantine_path  varchar not null,
    rejected_at      timestamp not null,
    message_de       varchar not null,
    detail           varchar not null,
    line             integer,
    "column"         integer,
    value            varchar,
    is_kreis_held    boolean,  -- not a public table (a Kreis template, or a file no reader recognises)
    owner_ags        varchar   -- who holds it, when it names exactly one (see _rejected_scope)
);
alter table raw.rejected_files add column if not exists is_kreis_held boolean;
alter table raw.rejected_files add column if not exists owner_ags varchar;
"""


# Columns added after the first release: a warehouse created before gets them (the rows it holds are re-read from
# the archive by pipelines/landing.py relabel_landed_files, which fills them).
WAREHOUSE_MIGRATIONS = """
alter table raw.genesis_table_cells add column if not exists measure_id varchar;
alter table raw.genesis_table_cells add column if not exists dimension_ids varchar[] default [];
alter table raw.ba_cells add column if not exists measure_id varchar;
alter table raw.source_files add column if not exists recognised_with varchar;
"""


def template_ddl() -> str:
    """One raw table per template sheet, its columns taken from the template definition."""
    statements = []
    for template in template_specs().values():
        for sheet in template.sheets:
            columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type in template_columns(sheet))
            statements.append(f"create table if not exists raw.{template_table(template.id, sheet.name)} ({columns});")
    return "\n".join(statements)


# Column order of each raw table, so that a frame is inserted whatever its column order.
RAW_COLUMNS = {
    GENESIS_CELLS: ["file_sha256", "table_code", "stand", "period", "region_code", "region_label", "level",
                    "dimensions", "measure", "measure_id", "unit", "dimension_ids", "value", "flag", "source_line",
                    "source_column"],
    BA_CELLS: ["file_sha256", "source_id", "period", "region_code", "region_label", "row_label", "measure",
               "measure_id", "value", "flag", "source_line", "source_column"],
    **{
        template_table(template.id, sheet.name): [name for name, _ in template_columns(sheet)]
        for template in template_specs().values()
        for sheet in template.sheets
    },
}


def connect_warehouse(settings: Settings, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if read_only:
        return duckdb.connect(str(settings.warehouse_path), read_only=True)
    connection = duckdb.connect(str(settings.warehouse_path))
    # PULL_DDL: the pull's record (raw.genesis_pulls), which dbt reads too
    connection.execute(WAREHOUSE_DDL + template_ddl() + WAREHOUSE_MIGRATIONS + PULL_DDL)
    return connection
