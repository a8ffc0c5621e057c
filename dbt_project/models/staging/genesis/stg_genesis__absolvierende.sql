-- Absolvierende und Abgehende allgemeinbildender Schulen by Abschlussart (21111-02-06-4) per NRW region.
-- Renaming and casting only; measure "Absolvierende und Abgehende | <Abschluss> | <Insgesamt|weiblich>".
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '21111-02-06-4'
),

split as (
    select
        *,
        string_split(measure, ' | ') as measure_parts
    from cells
)

select
    table_code,
    ags,
    year,
    period_label,
    -- "Absolvierende und Abgehende | Insgesamt" (two parts) is all leavers; three parts name the Abschluss.
    case
        when len(measure_parts) = 2 then 'insgesamt'
        when measure_parts[2] = 'ohne Hauptschulabschluss' then 'ohne_hsa'
        when measure_parts[2] = 'mit Hauptschulabschluss' then 'hsa'
        when measure_parts[2] = 'mit mittlerem Abschluss' then 'mittlerer_abschluss'
        when measure_parts[2] = 'mit Fachhochschulreife' then 'fhr'
        when measure_parts[2] = 'mit allgemeiner Hochschulreife' then 'ahr'
        when measure_parts[2] = 'Insgesamt' then 'insgesamt'
    end as abschluss_id,
    case when measure_parts[-1] = 'weiblich' then 'weiblich' else 'insgesamt' end as sex,
    value as leavers,
    flag,
    -- NRW has published school figures rounded to multiples of 5 since Schuljahr 2019/20 (DOMAIN §3.6).
    year >= 2019 as is_rounded,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from split
