-- Arbeitslose and Arbeitslosenquoten (13211-02-05-4), Jahresdurchschnitt per NRW region (reporting year = t).
-- Renaming and casting only: measure_id is the catalogue's id (arbeitslose_*, quote_* bezogen auf alle zivilen
-- Erwerbspersonen, quote_abhaengige_insgesamt). Rates are percentages as published.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '13211-02-05-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    measure_id,
    measure as measure_label,
    unit,
    value,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
