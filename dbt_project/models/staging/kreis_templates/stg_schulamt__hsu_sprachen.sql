-- Schulamt school-level extract, sheet "hsu_sprachen": HSU participants per school, Schuljahr and language.
-- Renaming and casting only; exact, confidential figures (see stg_schulamt__schulen).
with languages as (
    select * from {{ source('raw', 'tpl_schulamt_schulen__hsu_sprachen') }}
),

files as (
    select sha256, file_name, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
)

select
    languages.schulnummer,
    cast(left(languages.schuljahr, 4) as integer) as year,
    languages.schuljahr as period_label,
    languages.sprache,
    languages.teilnehmende,
    languages.file_sha256,
    languages.source_line,
    files.file_name,
    files.loaded_at,
    files.is_synthetic
from languages
inner join files on files.sha256 = languages.file_sha256
