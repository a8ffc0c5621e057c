-- Every count from the Kreis-held extracts (schools, KiTas) that an indicator may publish, for every unit of
-- int_confidential_area_units: the exact sum of its Gemeinden. A unit spanning several Kreise (RB, Land) is built
-- only when all of its Kreise delivered for that year and measure. Suppression comes next (confidential_cells).
with counts as (
    select * from {{ ref('int_school_gemeinde_counts') }}
    union all by name
    select * from {{ ref('int_kita_gemeinde_counts') }}
),

units as (
    select * from {{ ref('int_confidential_area_units') }}
),

summed as (
    select
        counts.measure_id,
        counts.group_id,
        units.unit_ags as ags,
        units.level,
        counts.year,
        any_value(counts.period_label) as period_label,
        sum(counts.value) as value,
        sum(counts.n_reporting_units) as n_reporting_units,
        count(distinct units.kreis_ags) as delivered_kreis_count,
        any_value(units.member_kreis_count) as member_kreis_count,
        any_value(counts.source_table) as source_table,
        max(counts.stand) as stand,
        case when count(distinct counts.source_file) = 1 then min(counts.source_file)
            else count(distinct counts.source_file) || ' Dateien (' || min(counts.source_file) || ' u. a.)' end
            as source_file,
        bool_or(counts.is_synthetic) as is_synthetic
    from counts
    inner join units on units.gemeinde_ags = counts.ags
    group by counts.measure_id, counts.group_id, units.unit_ags, units.level, counts.year
)

select
    measure_id || '|' || group_id || '|' || ags || '|' || year as cell_id,
    * exclude (delivered_kreis_count, member_kreis_count),
    'sum_of_exact_parts' as aggregation
from summed
where delivered_kreis_count = member_kreis_count
