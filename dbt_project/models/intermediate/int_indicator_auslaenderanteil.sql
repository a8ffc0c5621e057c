-- Ausländeranteil, two indicators (docs/indicators.md):
-- - auslaenderanteil (the headline): Ausländer(innen) / Bevölkerung insgesamt x 100, both from the Fortschreibung
--   des Bevölkerungsstandes (12411-03-03-4, int_population_by_nationality). IT.NRW calls relating AZR foreigners to
--   the Fortschreibung methodologically unsound, so the headline rests on one statistic.
-- - auslaenderanteil_azr: foreigners of the Ausländerzentralregister (12521-03i) / population of the Fortschreibung
--   (12411-*) x 100, kept as a clearly named second indicator beside the AZR's nationality detail.
-- Same columns as the other int_indicator_* models.
with by_nationality as (
    select * from {{ ref('int_population_by_nationality') }}
),

foreigners_azr as (
    select * from {{ ref('int_foreigners_by_region') }}
),

population as (
    select * from {{ ref('int_population_by_region') }}
),

fortschreibung as (
    select
        'auslaenderanteil' as indicator_id,
        foreign_part.ags,
        foreign_part.year,
        'insgesamt' as group_id,
        foreign_part.population as numerator,
        total.population as denominator,
        {{ safe_share('foreign_part.population', 'total.population') }} as value,
        '%' as unit,
        foreign_part.period_label,
        {{ combine_flags('foreign_part.flag', 'total.flag') }} as flag,
        -- the Fortschreibung publishes exact counts (source catalogue: rounding null)
        false as is_rounded,
        {{ is_estimated(combine_flags('foreign_part.flag', 'total.flag')) }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        foreign_part.source_table as numerator_source_table,
        foreign_part.source_stand as numerator_stand,
        foreign_part.source_file as numerator_source_file,
        total.source_table as denominator_source_table,
        total.source_stand as denominator_stand,
        total.source_file as denominator_source_file,
        foreign_part.is_synthetic or total.is_synthetic as is_synthetic
    from by_nationality as foreign_part
    inner join by_nationality as total
        on total.ags = foreign_part.ags and total.year = foreign_part.year and total.nationality = 'insgesamt'
    where foreign_part.nationality = 'auslaendisch'
),

azr as (
    select
        'auslaenderanteil_azr' as indicator_id,
        foreigners_azr.ags,
        foreigners_azr.year,
        'insgesamt' as group_id,
        foreigners_azr.foreigners as numerator,
        population.population as denominator,
        {{ safe_share('foreigners_azr.foreigners', 'population.population') }} as value,
        '%' as unit,
        foreigners_azr.period_label,
        population.flag,
        -- AZR counts are published rounded to multiples of 5 since 2016
        foreigners_azr.year >= 2016 as is_rounded,
        false as is_estimated,
        case
            when foreigners_azr.summed_rounded_parts then 'sum_of_rounded_parts'
            when population.summed_exact_parts then 'sum_of_exact_parts'  -- Land / RB from a Kreise-only download
            else 'source_total'
        end as aggregation,
        foreigners_azr.summed_rounded_parts as numerator_summed_rounded_parts,
        foreigners_azr.source_table as numerator_source_table,
        foreigners_azr.source_stand as numerator_stand,
        foreigners_azr.source_file as numerator_source_file,
        population.source_table as denominator_source_table,
        population.source_stand as denominator_stand,
        population.source_file as denominator_source_file,
        foreigners_azr.is_synthetic or population.is_synthetic as is_synthetic
    from foreigners_azr
    inner join population on population.ags = foreigners_azr.ags and population.year = foreigners_azr.year
)

select * from fortschreibung
union all by name
select * from azr
