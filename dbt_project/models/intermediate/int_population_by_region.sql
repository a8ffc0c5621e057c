-- Population (Fortschreibung des Bevölkerungsstandes) on 31.12. per NRW region and year.
-- Several tables carry it: 12411-01-01-4 (Kreise, Regionaldatenbank), 12411-15i (Gemeinden, Landesdatenbank NRW),
-- 12411-02-03-4 and 12411-03-03-4 (their row for all ages) and the flat file of 12411 (Länder). All publish exact
-- counts from the same statistic; where several are loaded, the newer Stand wins.
with population_cells as (
    select *
    from {{ ref('int_genesis_cells_current') }}
    where
        (table_code = '12411-01-01-4' and measure_id = 'insgesamt')
        -- the population column, recognised by label and unit 'Anzahl': never the area or the density beside it
        or (table_code = '12411-15i' and measure_id = 'bevoelkerung')
        or (table_code = '12411-02-03-4' and measure_id = 'insgesamt' and dimension_ids[1] = 'insgesamt')
        or (table_code = '12411-03-03-4' and measure_id = 'insgesamt' and dimension_ids[1] = 'insgesamt')
        or (table_code = '12411' and measure_id = 'bevoelkerung' and dimension_ids[1] = 'insgesamt')
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
