-- One row per value cell of every loaded GENESIS table, with the lineage of its file.
-- Renaming and casting only; the reporting year is the year of the Stichtag or the (first) calendar year.
-- measure_id and dimension_ids are the catalogue's ids that landing recognised by meaning
-- (pipelines/catalogue/sources.yml, docs/recognition.md); a column no measure of the catalogue describes has no
-- measure_id and is left out here (it stays in raw.genesis_table_cells).
-- A pulled flat file has no Stand line: its Stand is the one the portal's metadata stated when it was pulled.
with cells as (
    select * from {{ source('raw', 'genesis_table_cells') }}
    where measure_id is not null
),

files as (
    select sha256, file_name, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
),

pulled_stands as (
    select file_sha256, max(portal_stand) as portal_stand
    from {{ ref('stg_genesis__pulls') }}
    where file_sha256 is not null
    group by file_sha256
)

select
    cells.table_code,
    coalesce(cells.stand, pulled_stands.portal_stand) as stand,
    cells.period as period_label,
    cast(
        case
            when regexp_matches(cells.period, '^\d{2}\.\d{2}\.\d{4}$') then right(cells.period, 4)
            else left(cells.period, 4)
        end as integer
    ) as year,
    cells.region_code as ags,
    cells.region_label,
    cells.level,
    cells.dimensions,
    cells.dimension_ids,
    cells.measure,
    cells.measure_id,
    cells.unit,
    cells.value,
    cells.flag,
    cells.source_line,
    cells.source_column,
    cells.file_sha256,
    files.file_name,
    files.loaded_at,
    files.is_synthetic
from cells
inner join files on files.sha256 = cells.file_sha256
left join pulled_stands on pulled_stands.file_sha256 = cells.file_sha256
