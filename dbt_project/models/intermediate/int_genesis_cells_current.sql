-- The current value of every cell: when the same table, period, region, dimensions and measure were loaded from
-- several files, the file with the newest Stand wins (then the one loaded last). Older versions stay in
-- raw.genesis_table_cells and in the archive.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
)

select *
from cells
qualify row_number() over (
    partition by table_code, period_label, ags, dimensions, measure
    order by stand desc nulls last, loaded_at desc
) = 1
