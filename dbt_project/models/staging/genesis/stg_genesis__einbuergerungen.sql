-- Einbürgerungen von Ausländern (12511-01-01-4) per NRW region and calendar year, by continent of the former
-- citizenship. Renaming and casting only: continent_id is the catalogue's measure id ('insgesamt' for all, 'europa',
-- 'asien', ... 'staatenlos_unbekannt').
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '12511-01-01-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    measure_id as continent_id,
    measure as continent_label,
    value as naturalisations,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
