-- One row per indicator x unit x reporting year x group, with numerator, denominator and where both came from.
-- Ausländeranteil = foreigners (AZR, 12521-03i) / population (Fortschreibung, 12411-*) x 100: two sources.
with districts as (
    select ags, level from {{ ref('dim_districts') }}
    where level in ('Land', 'Regierungsbezirk', 'Kreis')
),

foreigners as (
    select * from {{ ref('int_foreigners_by_region') }}
),

population as (
    select * from {{ ref('int_population_by_region') }}
),

auslaenderanteil as (
    select
        'auslaenderanteil' as indicator_id,
        districts.ags,
        districts.level,
        foreigners.year,
        'insgesamt' as group_id,
        foreigners.foreigners as numerator,
        population.population as denominator,
        case when population.population > 0 then foreigners.foreigners / population.population * 100 end as value,
        '%' as unit,
        foreigners.period_label,
        foreigners.summed_rounded_parts as numerator_summed_rounded_parts,
        foreigners.source_table as numerator_source_table,
        foreigners.source_stand as numerator_stand,
        foreigners.source_file as numerator_source_file,
        population.source_table as denominator_source_table,
        population.source_stand as denominator_stand,
        population.source_file as denominator_source_file,
        foreigners.is_synthetic or population.is_synthetic as is_synthetic
    from foreigners
    inner join population on population.ags = foreigners.ags and population.year = foreigners.year
    inner join districts on districts.ags = foreigners.ags
)

select * from auslaenderanteil
