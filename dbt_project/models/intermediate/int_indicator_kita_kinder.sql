-- KiTa-Kinder mit ausländischer Herkunft from 22543-01-02-4 (Kinder in Kindertagesbetreuung), Stichtag 01.03.t:
-- children in Tageseinrichtungen with at least one parent of foreign origin / all children in Tageseinrichtungen x
-- 100, group insgesamt. The table gives the foreign origin only over all ages (including Schulkinder in Horten up to
-- 14) and only by type of care, so the share uses the Tageseinrichtung row (Tagespflege and the row "Insgesamt (ohne
-- Doppelzählungen)" are left out) and has no age groups. Land, RB, Kreis and Stadt Aachen rows are taken as published
-- (exact counts, no summing).
with cells as (
    select * from {{ ref('stg_genesis__kita_kinder') }}
    where betreuungsart = 'tageseinrichtung' and measure_id in ('kinder_insgesamt', 'kinder_auslaendische_herkunft')
    {{ newest_stand(['ags', 'year', 'measure_id']) }}
),

pivoted as (
    select
        ags,
        year,
        any_value(period_label) as period_label,
        max(children) filter (where measure_id = 'kinder_insgesamt') as children_all,
        max(flag) filter (where measure_id = 'kinder_insgesamt') as children_all_flag,
        max(children) filter (where measure_id = 'kinder_auslaendische_herkunft') as children_foreign_origin,
        max(flag) filter (where measure_id = 'kinder_auslaendische_herkunft') as children_foreign_origin_flag,
        any_value(table_code) as table_code,
        max(stand) as stand,
        any_value(file_name) as file_name,
        bool_or(is_synthetic) as is_synthetic
    from cells
    group by ags, year
    -- both cells must be in the table
    having count(distinct measure_id) = 2
),

final as (
    select
        'kita_auslaendische_herkunft' as indicator_id,
        ags,
        year,
        'insgesamt' as group_id,
        children_foreign_origin as numerator,
        children_all as denominator,
        {{ safe_share('children_foreign_origin', 'children_all') }} as value,
        '%' as unit,
        period_label,
        {{ combine_flags('children_foreign_origin_flag', 'children_all_flag') }} as flag,
        false as is_rounded,
        {{ is_estimated(combine_flags('children_foreign_origin_flag', 'children_all_flag')) }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        {{ same_source_lineage() }},
        is_synthetic
    from pivoted
)

select * from final
