-- Absolvierende und Abgehende allgemeinbildender Schulen by Abschlussart (21111-02-06-4) per NRW region, all
-- leavers (both sexes). Renaming and casting only: the Abschluss is the catalogue's measure id (insgesamt, ohne_hsa,
-- hsa, mittlerer_abschluss, fhr_schulischer_teil (a "darunter" of fhr, not an addend), fhr, ahr).
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '21111-02-06-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    measure_id as abschluss_id,
    measure as abschluss_label,
    value as leavers,
    flag,
    -- NRW has published school figures rounded to multiples of 5 since Schuljahr 2019/20 (docs/sources.md).
    year >= 2019 as is_rounded,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
