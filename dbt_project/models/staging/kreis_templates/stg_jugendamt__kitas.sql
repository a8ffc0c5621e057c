-- Jugendamt KiTa extract (template jugendamt_kitas): one row per Einrichtung and Stichtag 01.03.t (reporting
-- year t). Renaming and casting only; exact, confidential figures: suppression comes before any mart.
with kitas as (
    select * from {{ source('raw', 'tpl_jugendamt_kitas__kitas') }}
),

files as (
    select sha256, file_name, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
)

select
    kitas.einrichtung_id,
    extract(year from kitas.stichtag)::integer as year,
    strftime(kitas.stichtag, '%d.%m.%Y') as period_label,
    kitas.stichtag,
    kitas.einrichtung_name,
    kitas.traeger_art,
    kitas.gemeinde_ags,
    left(kitas.gemeinde_ags, 5) as kreis_ags,
    kitas.jugendamt,
    kitas.plaetze,
    kitas.kinder_unter_3,
    kitas.kinder_3_bis_schuleintritt,
    kitas.kinder_unter_3_auslaendische_herkunft,
    kitas.kinder_3_bis_schuleintritt_auslaendische_herkunft,
    kitas.kinder_unter_3_nichtdeutsche_familiensprache,
    kitas.kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache,
    kitas.file_sha256,
    kitas.source_line,
    files.file_name,
    files.loaded_at,
    files.is_synthetic
from kitas
inner join files on files.sha256 = kitas.file_sha256
