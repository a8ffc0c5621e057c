-- Population (Fortschreibung des Bevölkerungsstandes) on 31.12. per NRW region and year.
-- Two tables carry it: 12411-01-01-4 (Kreise, Regionaldatenbank) and 12411-15i (Gemeinden, Landesdatenbank NRW).
-- Both publish exact counts from the same statistic; where both are loaded, the newer Stand wins.
with population_cells as (
    select *
    from {{ ref('int_genesis_cells_current') }}
    where
        (table_code = '12411-01-01-4' and measure_id = 'insgesamt')
        -- the population column, recognised by label and unit 'Anzahl': never the area or the density beside it
        or (table_code = '12411-15i' and measure_id = 'bevoelkerung')
)

select
    ags,
    year,
    period_label,
    cast(value as bigint) as population,
    flag,
    table_code as source_table,
    stand as source_stand,
    file_name as source_file,
    is_synthetic
from population_cells
where value is not null
qualify row_number() over (partition by ags, year order by stand desc nulls last, loaded_at desc) = 1
