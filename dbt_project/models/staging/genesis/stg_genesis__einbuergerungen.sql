-- Einbürgerungen (12511-01i) per NRW region and calendar year, by continent of the former citizenship.
-- Renaming and casting only. dimensions = [continent code, label]; the "Insgesamt" row has an empty code.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '12511-01i'
)

select
    table_code,
    ags,
    year,
    period_label,
    nullif(dimensions[1], '') as continent_code,
    dimensions[2] as continent_label,
    case
        when measure like '%| Insgesamt' then 'insgesamt'
        when measure like '%| männlich' then 'maennlich'
        when measure like '%| weiblich' then 'weiblich'
    end as sex,
    value as naturalisations,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
