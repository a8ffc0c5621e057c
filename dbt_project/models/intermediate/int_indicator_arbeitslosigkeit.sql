-- Indicators from Arbeitslose und Arbeitslosenquoten (13211-02-05-4), Jahresdurchschnitt, source totals per level:
-- - arbeitslosenquote: the BA rates bez. auf alle zivilen Erwerbspersonen as published (numerator and denominator
--   are not in the table), groups insgesamt and auslaendisch, and the gap auslaendisch - insgesamt in points.
--   For 2017 BA did not publish the foreigner rate per Kreis ('.'): the value stays null, the flag says why.
-- - auslaenderanteil_arbeitslose: foreign unemployed / all unemployed x 100.
with cells as (
    select * from {{ ref('stg_genesis__arbeitslose') }}
    where measure_id in ('quote_insgesamt', 'quote_auslaendisch', 'arbeitslose_insgesamt', 'arbeitslose_auslaendisch')
    {{ newest_stand(['ags', 'year', 'measure_id']) }}
),

pivoted as (
    select
        ags,
        year,
        any_value(period_label) as period_label,
        -- a group exists only where its cell is in the table (a number or a symbol); a missing cell gives no row
        count(*) filter (where measure_id = 'quote_insgesamt') > 0 as has_rate_all,
        count(*) filter (where measure_id = 'quote_auslaendisch') > 0 as has_rate_foreign,
        count(*) filter (where measure_id = 'arbeitslose_insgesamt') > 0 as has_unemployed_all,
        count(*) filter (where measure_id = 'arbeitslose_auslaendisch') > 0 as has_unemployed_foreign,
        max(value) filter (where measure_id = 'quote_insgesamt') as rate_all,
        max(flag) filter (where measure_id = 'quote_insgesamt') as rate_all_flag,
        max(value) filter (where measure_id = 'quote_auslaendisch') as rate_foreign,
        max(flag) filter (where measure_id = 'quote_auslaendisch') as rate_foreign_flag,
        max(value) filter (where measure_id = 'arbeitslose_insgesamt') as unemployed_all,
        max(flag) filter (where measure_id = 'arbeitslose_insgesamt') as unemployed_all_flag,
        max(value) filter (where measure_id = 'arbeitslose_auslaendisch') as unemployed_foreign,
        max(flag) filter (where measure_id = 'arbeitslose_auslaendisch') as unemployed_foreign_flag,
        any_value(table_code) as table_code,
        max(stand) as stand,
        any_value(file_name) as file_name,
        bool_or(is_synthetic) as is_synthetic
    from cells
    group by ags, year
),

rates as (
    select ags, year, period_label, 'insgesamt' as group_id, rate_all as value, '%' as unit, rate_all_flag as flag,
        table_code, stand, file_name, is_synthetic
    from pivoted
    where has_rate_all
    union all
    select ags, year, period_label, 'auslaendisch', rate_foreign, '%', rate_foreign_flag,
        table_code, stand, file_name, is_synthetic
    from pivoted
    where has_rate_foreign
    union all
    -- a null rate (symbol) gives a null gap, flagged with that symbol
    select ags, year, period_label, 'luecke_auslaendisch_insgesamt', rate_foreign - rate_all, 'Prozentpunkte',
        {{ combine_flags('rate_foreign_flag', 'rate_all_flag') }}, table_code, stand, file_name, is_synthetic
    from pivoted
    where has_rate_foreign and has_rate_all
),

rate_rows as (
    select
        'arbeitslosenquote' as indicator_id,
        ags,
        year,
        group_id,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        value,
        unit,
        period_label,
        flag,
        false as is_rounded,
        {{ is_estimated('flag') }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        {{ same_source_lineage() }},
        is_synthetic
    from rates
),

share_rows as (
    select
        'auslaenderanteil_arbeitslose' as indicator_id,
        ags,
        year,
        'insgesamt' as group_id,
        unemployed_foreign as numerator,
        unemployed_all as denominator,
        {{ safe_share('unemployed_foreign', 'unemployed_all') }} as value,
        '%' as unit,
        period_label,
        {{ combine_flags('unemployed_foreign_flag', 'unemployed_all_flag') }} as flag,
        false as is_rounded,
        {{ is_estimated(combine_flags('unemployed_foreign_flag', 'unemployed_all_flag')) }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        {{ same_source_lineage() }},
        is_synthetic
    from pivoted
    where has_unemployed_foreign and has_unemployed_all
)

select * from rate_rows
union all
select * from share_rows
