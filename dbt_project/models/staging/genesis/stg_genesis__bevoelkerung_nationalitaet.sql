-- Bevölkerung nach Geschlecht, Nationalität und Altersgruppen (12411-03-03-4, Fortschreibung), Stichtag 31.12.t =
-- reporting year t, per NRW region. Renaming and casting only: the measure id ('insgesamt', 'deutsch_maennlich',
-- 'auslaendisch_weiblich' ...) gives nationality and sex, the age-group id ('15-18', '90-', 'insgesamt') its bounds.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '12411-03-03-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    dimensions[1] as age_group_label,
    dimension_ids[1] as age_group_id,
    case when dimension_ids[1] <> 'insgesamt' then cast(split_part(dimension_ids[1], '-', 1) as integer) end
        as age_from,
    -- upper bound, exclusive; null for the open group ('90 Jahre und mehr') and for Insgesamt
    cast(nullif(split_part(dimension_ids[1], '-', 2), '') as integer) as age_to,
    split_part(measure_id, '_', 1) as nationality,
    coalesce(nullif(split_part(measure_id, '_', 2), ''), 'insgesamt') as sex,
    measure as measure_label,
    value as population,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
