-- The published counts the indicators rest on, per unit and year, with their source: population (Fortschreibung,
-- in total and by nationality), foreign population (Ausländerzentralregister) and naturalisations. One row per
-- figure, group, unit and year; values exactly as the source publishes them (no summing of rounded parts except
-- where the AZR download has no total row: summed_rounded_parts).
with population as (
    select * from {{ ref('int_population_by_region') }}
),

population_by_nationality as (
    select * from {{ ref('int_population_by_nationality') }}
),

foreigners as (
    select * from {{ ref('int_foreigners_by_region') }}
),

naturalisations as (
    select * from {{ ref('stg_genesis__einbuergerungen') }}
    where continent_id = 'insgesamt'
    {{ newest_stand(['ags', 'year']) }}
),

districts as (
    select ags, level from {{ ref('dim_districts') }}
),

figures as (
    select
        'bevoelkerung' as figure_id, 'insgesamt' as group_id, ags, year, period_label, population as value, flag,
        false as summed_rounded_parts, source_table, source_stand, source_file, is_synthetic
    from population
    where not summed_exact_parts  -- a Land or RB summed from a Kreise-only download is no published figure
    union all
    select
        'bevoelkerung_nach_nationalitaet', nationality, ags, year, period_label, population, flag,
        false, source_table, source_stand, source_file, is_synthetic
    from population_by_nationality
    union all
    select
        'auslaendische_bevoelkerung_azr', 'insgesamt', ags, year, period_label, foreigners, null,
        summed_rounded_parts, source_table, source_stand, source_file, is_synthetic
    from foreigners
    union all
    select
        'einbuergerungen', 'insgesamt', ags, year, period_label, cast(naturalisations as bigint), flag,
        false, table_code, stand, file_name, is_synthetic
    from naturalisations
),

final as (
    select
        figures.figure_id,
        figures.group_id,
        figures.ags,
        districts.level,
        figures.year,
        figures.period_label,
        figures.value,
        figures.flag,
        figures.summed_rounded_parts,
        figures.source_table,
        cast(figures.source_stand as timestamp) as source_stand,
        figures.source_file,
        figures.is_synthetic
    from figures
    -- current NRW units only (dissolved Kreise and pseudo units of the tables are left out)
    inner join districts on districts.ags = figures.ags
)

select * from final
