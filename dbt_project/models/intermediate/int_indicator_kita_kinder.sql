-- KiTa indicators from Kinder in Tageseinrichtungen (22541-02i), Stichtag 01.03., groups = age groups
-- (insgesamt, u3, 3_bis_schuleintritt):
-- - kita_auslaendische_herkunft: children with >= 1 parent of foreign origin / all children x 100
-- - kita_familiensprache: children mainly speaking non-German at home / all children x 100
-- Land, RB and Kreis rows are taken as published. The table is exact (no rounding), so where a Kreis row is absent
-- the Kreis is the sum of its Jugendämter (Kreisjugendamt + the Jugendämter of its towns); when a part is
-- unknown or secret ('.') the sum is unknown too. A town's own Jugendamt also gives that Gemeinde's value
-- (e.g. Stadt Aachen 05334002).
with cells as (
    select * from {{ ref('stg_genesis__kita_kinder') }}
    {{ newest_stand(['region_code_as_published', 'year', 'age_group', 'measure_id']) }}
),

published as (
    -- Land, RB, Kreis rows, and the Gemeinde rows of town Jugendämter (a Kreisjugendamt maps onto its Kreis, which
    -- has its own published row, so it is left out here to avoid two rows for one Kreis)
    select
        ags, year, age_group, measure_id, period_label, children, flag, table_code, stand, file_name, is_synthetic,
        'source_total' as aggregation
    from cells
    where level <> 'Jugendamt' or right(region_code_as_published, 3) <> '999'
),

jugendamt_sums as (
    select
        jugendamt_kreis_ags as ags,
        year,
        age_group,
        measure_id,
        any_value(period_label) as period_label,
        -- a single unknown or secret part makes the sum unknown: null, with that part's symbol
        case when count(children) = count(*) then sum(children) end as children,
        case when count(children) < count(*) then max(flag) filter (where children is null) end as flag,
        any_value(table_code) as table_code,
        max(stand) as stand,
        any_value(file_name) as file_name,
        bool_or(is_synthetic) as is_synthetic,
        'sum_of_exact_parts' as aggregation
    from cells
    where level = 'Jugendamt'
    group by jugendamt_kreis_ags, year, age_group, measure_id
),

counts as (
    select * from published
    union all
    select * from jugendamt_sums
    where not exists (
        select 1 from published
        where published.ags = jugendamt_sums.ags
            and published.year = jugendamt_sums.year
            and published.age_group = jugendamt_sums.age_group
            and published.measure_id = jugendamt_sums.measure_id
    )
),

pivoted as (
    select
        ags,
        year,
        age_group,
        any_value(period_label) as period_label,
        any_value(aggregation) as aggregation,
        max(children) filter (where measure_id = 'kinder_insgesamt') as children_all,
        max(flag) filter (where measure_id = 'kinder_insgesamt') as children_all_flag,
        max(children) filter (where measure_id = 'kinder_auslaendische_herkunft') as children_foreign_origin,
        max(flag) filter (where measure_id = 'kinder_auslaendische_herkunft') as children_foreign_origin_flag,
        max(children) filter (where measure_id = 'kinder_nichtdeutsche_familiensprache') as children_language,
        max(flag) filter (where measure_id = 'kinder_nichtdeutsche_familiensprache') as children_language_flag,
        any_value(table_code) as table_code,
        max(stand) as stand,
        any_value(file_name) as file_name,
        bool_or(is_synthetic) as is_synthetic
    from counts
    group by ags, year, age_group
    -- an age group exists only where all three of its cells are in the table
    having count(distinct measure_id) = 3
),

by_indicator as (
    select 'kita_auslaendische_herkunft' as indicator_id, *,
        children_foreign_origin as numerator, children_foreign_origin_flag as numerator_flag
    from pivoted
    union all
    select 'kita_familiensprache', *, children_language, children_language_flag
    from pivoted
),

final as (
    select
        indicator_id,
        ags,
        year,
        age_group as group_id,
        numerator,
        children_all as denominator,
        {{ safe_share('numerator', 'children_all') }} as value,
        '%' as unit,
        period_label,
        {{ combine_flags('numerator_flag', 'children_all_flag') }} as flag,
        false as is_rounded,
        {{ is_estimated(combine_flags('numerator_flag', 'children_all_flag')) }} as is_estimated,
        aggregation,
        false as numerator_summed_rounded_parts,
        {{ same_source_lineage() }},
        is_synthetic
    from by_indicator
)

select * from final
