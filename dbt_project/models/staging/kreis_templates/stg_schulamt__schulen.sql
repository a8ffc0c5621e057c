-- Schulamt school-level extract, sheet "schulen" (template schulamt_schulen): one row per school and Schuljahr.
-- Renaming and casting only. Schuljahr t/t+1 is reporting year t; the label (2023/24) is kept.
-- These figures are exact and confidential: no mart may show them before small-cell and secondary suppression.
with schools as (
    select * from {{ source('raw', 'tpl_schulamt_schulen__schulen') }}
),

files as (
    select sha256, file_name, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
)

select
    schools.schulnummer,
    cast(left(schools.schuljahr, 4) as integer) as year,
    schools.schuljahr as period_label,
    schools.schulname,
    schools.schulform,
    schools.gemeinde_ags,
    left(schools.gemeinde_ags, 5) as kreis_ags,
    schools.* exclude (file_sha256, source_line, schulnummer, schuljahr, schulname, schulform, gemeinde_ags),
    schools.file_sha256,
    schools.source_line,
    files.file_name,
    files.loaded_at,
    files.is_synthetic
from schools
inner join files on files.sha256 = schools.file_sha256
