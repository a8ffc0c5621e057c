-- Ausländische Schüler/-innen = foreign pupils / all pupils x 100 at allgemeinbildende Schulen (21111-01-03-4),
-- insgesamt and per Schulart (group_id = Schulart). The table publishes totals for every level and the Insgesamt
-- row per region: since 2019/20 all NRW figures are rounded to 5, so no level is built from summed parts.
-- The groups are the Schularten the indicator catalogue lists for the indicator (the table has more, e.g. the
-- Vorschulbereich and the Freie Waldorfschulen).
with catalogue_groups as (
    select unnest(string_split(groups, '|')) as schulart_id
    from {{ ref('indicator_catalogue') }}
    where indicator_id = 'schueler_auslaendisch'
),

pupils as (
    select * from {{ ref('stg_genesis__schueler') }}
    where measure_id in ('schueler_insgesamt', 'schueler_auslaendisch')
        and schulart_id in (select schulart_id from catalogue_groups)
    {{ newest_stand(['ags', 'year', 'schulart_id', 'measure_id']) }}
),

pivoted as (
    select
        ags,
        year,
        schulart_id,
        any_value(period_label) as period_label,
        max(value) filter (where measure_id = 'schueler_auslaendisch') as foreign_pupils,
        max(flag) filter (where measure_id = 'schueler_auslaendisch') as foreign_flag,
        max(value) filter (where measure_id = 'schueler_insgesamt') as all_pupils,
        max(flag) filter (where measure_id = 'schueler_insgesamt') as all_flag,
        bool_or(is_rounded) as is_rounded,
        any_value(table_code) as table_code,
        max(stand) as stand,
        any_value(file_name) as file_name,
        bool_or(is_synthetic) as is_synthetic
    from pupils
    group by ags, year, schulart_id
    -- a Schulart is a group only where both cells (foreign and all pupils) are in the table
    having count(distinct measure_id) = 2
),

final as (
    select
        'schueler_auslaendisch' as indicator_id,
        ags,
        year,
        schulart_id as group_id,
        foreign_pupils as numerator,
        all_pupils as denominator,
        {{ safe_share('foreign_pupils', 'all_pupils') }} as value,
        '%' as unit,
        period_label,
        {{ combine_flags('foreign_flag', 'all_flag') }} as flag,
        is_rounded,
        {{ is_estimated(combine_flags('foreign_flag', 'all_flag')) }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        {{ same_source_lineage() }},
        is_synthetic
    from pivoted
)

select * from final
