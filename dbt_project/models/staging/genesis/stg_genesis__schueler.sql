-- Schulen and Schüler/-innen at allgemeinbildende Schulen by Schulart (21111-01-03-4) per NRW region.
-- Renaming and casting only: schulart_id and measure_id are the catalogue's ids. Schuljahr t/t+1 is reporting
-- year t (the staging of all cells takes the first year); period_label stays as written in the source.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '21111-01-03-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    dimension_ids[1] as schulart_id,
    dimensions[1] as schulart_label,
    measure_id,
    value,
    flag,
    -- NRW has published school figures rounded to multiples of 5 since Schuljahr 2019/20 (docs/sources.md).
    year >= 2019 as is_rounded,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
