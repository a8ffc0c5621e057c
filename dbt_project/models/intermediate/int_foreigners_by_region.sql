-- Foreign population (Ausländerzentralregister, table 12521-03i) on 31.12. per NRW region and year.
-- The table lists continents (codes 1-5, 9) and citizenships (3-digit codes) in one dimension. A download may or
-- may not contain the "Insgesamt" row: take it where present; otherwise the total is the sum of the continent rows
-- as published. Since 2016 every published cell is rounded to a multiple of 5, so that sum can differ from the
-- true total by a few persons: flagged as summed_rounded_parts.
with foreigner_cells as (
    select *
    from {{ ref('int_genesis_cells_current') }}
    where table_code = '12521-03i' and measure_id = 'insgesamt'
),

published_totals as (
    select ags, year, period_label, value, stand, file_name, is_synthetic, false as summed_rounded_parts
    from foreigner_cells
    where dimension_ids[1] = 'insgesamt'
),

continent_sums as (
    select
        ags,
        year,
        any_value(period_label) as period_label,
        sum(value) as value,
        max(stand) as stand,
        any_value(file_name) as file_name,
        bool_or(is_synthetic) as is_synthetic,
        true as summed_rounded_parts
    from foreigner_cells
    where dimension_ids[1] in ('1', '2', '3', '4', '5', '9')
    group by ags, year
    having count(value) = count(*)
),

combined as (
    select * from published_totals
    union all
    select * from continent_sums
    where not exists (
        select 1 from published_totals
        where published_totals.ags = continent_sums.ags and published_totals.year = continent_sums.year
    )
)

select
    ags,
    year,
    period_label,
    cast(value as bigint) as foreigners,
    summed_rounded_parts,
    '12521-03i' as source_table,
    stand as source_stand,
    file_name as source_file,
    is_synthetic
from combined
