-- Erwerbsfähige Leistungsberechtigte (SGB II) by citizenship, Jahresdurchschnitt, per region (BA interactive
-- statistics, source_id ba_sgb2_elb_staatsangehoerigkeit). Renaming and casting only.
-- "Jahresdurchschnitt t" is reporting year t; BA rounds to multiples of 10 and hides small cells as '*' (null).
with cells as (
    select * from {{ source('raw', 'ba_cells') }}
    where source_id = 'ba_sgb2_elb_staatsangehoerigkeit'
),

files as (
    select sha256, file_name, stand, loaded_at, is_synthetic from {{ source('raw', 'source_files') }}
)

select
    cells.source_id,
    cells.region_code as ags,
    cells.region_label,
    cast(regexp_extract(cells.period, '(\d{4})', 1) as integer) as year,
    cells.period as period_label,
    case cells.measure
        when 'Erwerbsfähige Leistungsberechtigte | Insgesamt' then 'elb_insgesamt'
        when 'Erwerbsfähige Leistungsberechtigte | Deutsche' then 'elb_deutsch'
        when 'Erwerbsfähige Leistungsberechtigte | Ausländer' then 'elb_auslaendisch'
        when 'Erwerbsfähige Leistungsberechtigte | keine Angabe' then 'elb_keine_angabe'
        when 'Anteil Ausländer in %' then 'anteil_auslaendisch_prozent'
    end as measure_id,
    cells.measure as measure_label,
    cells.value,
    cells.flag,
    cells.source_line,
    cells.source_column,
    cells.file_sha256,
    files.file_name,
    files.stand,
    files.loaded_at,
    files.is_synthetic
from cells
inner join files on files.sha256 = cells.file_sha256
