-- Mindestsicherungsquote (22811-01i, Wohnortprinzip) per NRW region incl. Gemeinden, 31.12. of the year.
-- Renaming and casting only; the table has one value column (the rate in percent) and no further dimensions.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '22811-01i' and measure_id = 'mindestsicherungsquote'
)

select
    table_code,
    ags,
    region_label,
    year,
    period_label,
    value as rate,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
