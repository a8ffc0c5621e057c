-- Mindestsicherungsquote as published by IT.NRW (22811-01i) for the Land, RB, Kreise and Gemeinden.
-- Numerator and denominator are not in the table: only the rate. Symbols ('.', 'x') leave the value null.
with rates as (
    select * from {{ ref('stg_genesis__mindestsicherung') }}
    {{ newest_stand(['ags', 'year']) }}
),

final as (
    select
        'mindestsicherungsquote' as indicator_id,
        ags,
        year,
        'insgesamt' as group_id,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        rate as value,
        '%' as unit,
        period_label,
        flag,
        false as is_rounded,
        {{ is_estimated('flag') }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        {{ same_source_lineage() }},
        is_synthetic
    from rates
)

select * from final
