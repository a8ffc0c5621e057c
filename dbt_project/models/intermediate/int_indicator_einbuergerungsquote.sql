-- Einbürgerungsquote = naturalisations in year t (12511-01-01-4) / foreigners on 31.12. t-1 (AZR, 12521-03i) x 100.
-- Both tables publish their own totals for NRW, RB and Kreise: no summing. The denominator is the AZR count that
-- the Ausländeranteil uses (int_foreigners_by_region), so both indicators rest on the same foreigners.
with naturalisations as (
    select * from {{ ref('stg_genesis__einbuergerungen') }}
    -- the "Insgesamt" column over all former citizenships
    where continent_id = 'insgesamt'
    {{ newest_stand(['ags', 'year']) }}
),

foreigners as (
    select * from {{ ref('int_foreigners_by_region') }}
),

final as (
    select
        'einbuergerungsquote' as indicator_id,
        naturalisations.ags,
        naturalisations.year,
        'insgesamt' as group_id,
        naturalisations.naturalisations as numerator,
        cast(foreigners.foreigners as double) as denominator,
        {{ safe_share('naturalisations.naturalisations', 'foreigners.foreigners') }} as value,
        '%' as unit,
        naturalisations.period_label,
        naturalisations.flag as flag,
        -- the AZR denominator is published rounded to multiples of 5 since 2016
        foreigners.year >= 2016 as is_rounded,
        {{ is_estimated('naturalisations.flag') }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        naturalisations.table_code as numerator_source_table,
        naturalisations.stand as numerator_stand,
        naturalisations.file_name as numerator_source_file,
        foreigners.source_table as denominator_source_table,
        foreigners.source_stand as denominator_stand,
        foreigners.source_file as denominator_source_file,
        naturalisations.is_synthetic or foreigners.is_synthetic as is_synthetic
    from naturalisations
    -- stock at the end of the previous year; the first year of the series has no denominator and no value
    inner join foreigners
        on foreigners.ags = naturalisations.ags and foreigners.year = naturalisations.year - 1
)

select * from final
