-- Schulen and Schüler/-innen at allgemeinbildende Schulen by Schulart (21111-01-03-4) per NRW region.
-- Renaming and casting only. Schuljahr t/t+1 is reporting year t (the staging of all cells takes the first year);
-- period_label stays as written in the source.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '21111-01-03-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    case dimensions[1]
        when 'Insgesamt' then 'insgesamt'
        when 'Grundschulen' then 'grundschulen'
        when 'Hauptschulen' then 'hauptschulen'
        when 'Realschulen' then 'realschulen'
        when 'Sekundarschulen' then 'sekundarschulen'
        when 'Gesamtschulen' then 'gesamtschulen'
        when 'Gymnasien' then 'gymnasien'
        when 'Förderschulen' then 'foerderschulen'
        else lower(dimensions[1])
    end as schulart_id,
    dimensions[1] as schulart_label,
    case measure
        when 'Schulen | Insgesamt' then 'schulen'
        when 'Schüler/-innen | Insgesamt' then 'schueler_insgesamt'
        when 'Schüler/-innen | Ausländer/-innen' then 'schueler_auslaendisch'
        when 'Schüler/-innen | weiblich' then 'schueler_weiblich'
        when 'Schüler/-innen | Klassenstufe 7' then 'schueler_klasse_7'
        when 'Schüler/-innen | Jahrgangsstufe 11' then 'schueler_jahrgang_11'
    end as measure_id,
    value,
    flag,
    -- NRW has published school figures rounded to multiples of 5 since Schuljahr 2019/20 (DOMAIN §3.6).
    year >= 2019 as is_rounded,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
