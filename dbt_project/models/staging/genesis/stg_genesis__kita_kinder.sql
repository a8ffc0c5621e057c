-- Kinder in Kindertagesbetreuung (22543-01-02-4), Stichtag 01.03.t (reporting year t), per NRW region (Land, RB,
-- Kreise, Stadt Aachen). Renaming and casting only: betreuungsart is the catalogue's id of the row (tageseinrichtung,
-- tagespflege, insgesamt = both without children counted twice), measure_id the column (kinder_insgesamt,
-- kinder_unter_3, kinder_3_bis_6, kinder_auslaendische_herkunft, kinder_mittagsverpflegung).
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '22543-01-02-4'
)

select
    table_code,
    ags,
    region_label,
    year,
    period_label,
    dimension_ids[1] as betreuungsart,
    measure_id,
    value as children,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
