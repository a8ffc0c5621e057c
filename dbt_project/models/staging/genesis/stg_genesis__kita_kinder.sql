-- Kinder in Tageseinrichtungen (22541-02i), Stichtag 01.03.t (reporting year t), per Jugendamt, Kreis, RB, Land.
-- Renaming and casting only. Jugendamt codes map to the unit they serve (DOMAIN §2):
--   JH05xxx999 (Kreisjugendamt)        -> Kreis 05xxx
--   JH05xxxyyy (Jugendamt of a town)   -> Gemeinde 05xxxyyy, in Kreis 05xxx
-- so Jugendamt Aachen JH05334002 maps to Stadt Aachen 05334002, never to the StädteRegion 05334.
with cells as (
    select
        *,
        ags as region_code_as_published
    from {{ ref('stg_genesis__table_cells') }}
    where table_code = '22541-02i'
)

select
    table_code,
    region_code_as_published,
    region_label,
    level,
    case
        when level <> 'Jugendamt' then region_code_as_published
        when right(region_code_as_published, 3) = '999' then substr(region_code_as_published, 3, 5)
        else substr(region_code_as_published, 3, 8)
    end as ags,
    case when level = 'Jugendamt' then substr(region_code_as_published, 3, 5) end as jugendamt_kreis_ags,
    year,
    period_label,
    case dimensions[1]
        when 'Insgesamt' then 'insgesamt'
        when 'unter 3 Jahre' then 'u3'
        when '3 Jahre bis Schuleintritt' then '3_bis_schuleintritt'
    end as age_group,
    case measure
        when 'Kinder in Tageseinrichtungen | Insgesamt' then 'kinder_insgesamt'
        when 'Kinder in Tageseinrichtungen | ausländische Herkunft mind. eines Elternteils' then 'kinder_auslaendische_herkunft'
        when 'Kinder in Tageseinrichtungen | vorrangig nicht deutsche Familiensprache' then 'kinder_nichtdeutsche_familiensprache'
    end as measure_id,
    value as children,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
