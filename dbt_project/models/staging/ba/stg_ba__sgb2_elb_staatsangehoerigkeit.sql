-- Erwerbsfähige Leistungsberechtigte (SGB II) by citizenship, Jahresdurchschnitt, per region (BA interactive
-- statistics, source_id ba_sgb2_elb_staatsangehoerigkeit). Renaming and casting only.
-- "Jahresdurchschnitt t" is reporting year t; BA rounds to multiples of 10 and hides small cells as '*' (null).
with cells as (
    select * from {{ source('raw', 'ba_cells') }}
    where source_id = 'ba_sgb2_elb_staatsangehoerigkeit' and measure_id is not null
),

files as (
    select sha256, file_name, stand, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
)

select
    cells.source_id,
    cells.region_code as ags,
    cells.region_label,
    cast(regexp_extract(cells.period, '(\d{4})', 1) as integer) as year,
    cells.period as period_label,
    -- the catalogue's id of the column, recognised by meaning at landing (pipelines/catalogue/sources.yml)
    cells.measure_id,
    cells.measure as measure_label,
    cells.value,
    cells.flag,
    cells.source_line,
    cells.source_column,
    cells.file_sha256,
    files.file_name,
    files.stand,
    files.loaded_at,
    files.is_synthetic
from cells
inner join files on files.sha256 = cells.file_sha256
