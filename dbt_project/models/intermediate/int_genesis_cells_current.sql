-- The current value of every cell: when the same table, period, region, dimension values and measure were loaded
-- from several files, the file with the newest Stand wins (then the one loaded last). Measures and dimension values
-- are compared by their catalogue ids, so two download generations with different labels for the same column
-- replace each other; an older file's other periods stay. Older versions stay in raw.genesis_table_cells and in the
-- archive.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
)

select *
from cells
{{ newest_stand(['table_code', 'period_label', 'ags', 'dimension_ids', 'measure_id']) }}
