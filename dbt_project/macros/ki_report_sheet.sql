{#- One sheet of the KI annual report (template ki_jahresbericht), renamed and cast only, with the file it came
    from: ki_id is the Kommunales Integrationszentrum (5-digit Kreis code, or 05334002 for the Stadt Aachen),
    berichtsjahr the reporting year (year; the label is kept as period_label). -#}
{% macro ki_report_sheet(sheet) %}
with report as (
    select * from {{ source('raw', 'tpl_ki_jahresbericht__' ~ sheet) }}
),

files as (
    select sha256, file_name, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
)

select
    report.ki_id,
    cast(report.berichtsjahr as integer) as year,
    cast(report.berichtsjahr as varchar) as period_label,
    report.* exclude (file_sha256, source_line, ki_id, berichtsjahr),
    report.file_sha256,
    report.source_line,
    files.file_name,
    files.loaded_at,
    files.is_synthetic
from report
inner join files on files.sha256 = report.file_sha256
{% endmacro %}
