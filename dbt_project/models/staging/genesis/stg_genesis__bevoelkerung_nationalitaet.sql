-- Bevölkerung nach Geschlecht, Nationalität und Altersgruppen (12411-03-03-4, Fortschreibung), Stichtag 31.12.t =
-- reporting year t, per NRW region. Renaming and casting only: the measure (header path such as
-- 'Deutsche | männlich'; the first column is just 'Insgesamt') becomes nationality and sex, the age-group label
-- becomes its bounds in years. Nationality and sex are read from the words, not from the column order, so a
-- download with the two header rows the other way round reads the same.
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
    case
        when dimensions[1] = 'Insgesamt' then null
        when regexp_matches(dimensions[1], '^unter \d+ Jahr') then 0
        else cast(regexp_extract(dimensions[1], '^(\d+) ', 1) as integer)
    end as age_from,
    -- upper bound, exclusive; null for the open group ('90 Jahre und mehr') and for Insgesamt
    cast(nullif(regexp_extract(dimensions[1], 'unter (\d+) Jahr', 1), '') as integer) as age_to,
    case
        when measure like '%Deutsch%' then 'deutsch'
        when measure like '%Ausländ%' then 'auslaendisch'
        else 'insgesamt'
    end as nationality,
    case
        when measure like '%männlich%' then 'maennlich'
        when measure like '%weiblich%' then 'weiblich'
        else 'insgesamt'
    end as sex,
    measure as measure_label,
    value as population,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
