-- SGB-II-Quote nach Staatsangehörigkeit = erwerbsfähige Leistungsberechtigte (ELB, SGB II) im Jahresdurchschnitt t
-- (Statistik der BA, Excel table ba_sgb2_elb_staatsangehoerigkeit) / population 15 bis unter 65 Jahre of the same
-- nationality on 31.12.t (Fortschreibung, 12411-03-03-4, see int_population_working_age_by_nationality) x 100.
-- Groups insgesamt (ELB incl. those without information on citizenship), deutsch, auslaendisch, and the gap
-- auslaendisch - deutsch in percentage points. Levels: where BA publishes a row (Land and Kreise; the BA table has
-- no RB rows and no sums of Kreise are built). BA hides small cells ('*'): the numerator stays null, the value is
-- null and the flag says '*'. A group missing from either table gives no row.
with elb as (
    select * from {{ ref('stg_ba__sgb2_elb_staatsangehoerigkeit') }}
    where measure_id in ('elb_insgesamt', 'elb_deutsch', 'elb_auslaendisch')
    {{ newest_stand(['ags', 'year', 'measure_id']) }}
),

numerators as (
    select
        ags,
        year,
        case measure_id
            when 'elb_insgesamt' then 'insgesamt'
            when 'elb_deutsch' then 'deutsch'
            when 'elb_auslaendisch' then 'auslaendisch'
        end as group_id,
        period_label,
        value as elb,
        flag,
        source_id,
        stand,
        file_name,
        is_synthetic
    from elb
),

population as (
    select * from {{ ref('int_population_working_age_by_nationality') }}
),

shares as (
    select
        numerators.ags,
        numerators.year,
        numerators.group_id,
        numerators.period_label,
        numerators.elb as numerator,
        cast(population.population as double) as denominator,
        {{ safe_share('numerators.elb', 'population.population') }} as value,
        {{ combine_flags('numerators.flag', 'population.flag') }} as flag,
        numerators.source_id as numerator_source_table,
        numerators.stand as numerator_stand,
        numerators.file_name as numerator_source_file,
        population.source_table as denominator_source_table,
        population.source_stand as denominator_stand,
        population.source_file as denominator_source_file,
        numerators.is_synthetic or population.is_synthetic as is_synthetic
    from numerators
    inner join population
        on
            population.ags = numerators.ags
            and population.year = numerators.year
            and population.nationality = numerators.group_id
),

share_rows as (
    select *, '%' as unit
    from shares
),

-- a null quote (symbol or zero denominator) gives a null gap, flagged with that symbol
gap_rows as (
    select
        foreign_share.ags,
        foreign_share.year,
        'luecke_auslaendisch_deutsch' as group_id,
        foreign_share.period_label,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        foreign_share.value - german_share.value as value,
        {{ combine_flags('foreign_share.flag', 'german_share.flag') }} as flag,
        foreign_share.numerator_source_table,
        foreign_share.numerator_stand,
        foreign_share.numerator_source_file,
        foreign_share.denominator_source_table,
        foreign_share.denominator_stand,
        foreign_share.denominator_source_file,
        foreign_share.is_synthetic or german_share.is_synthetic as is_synthetic,
        'Prozentpunkte' as unit
    from shares as foreign_share
    inner join shares as german_share
        on
            german_share.ags = foreign_share.ags
            and german_share.year = foreign_share.year
            and german_share.group_id = 'deutsch'
    where foreign_share.group_id = 'auslaendisch'
),

final as (
    select
        'sgb2_quote' as indicator_id,
        ags,
        year,
        group_id,
        numerator,
        denominator,
        value,
        unit,
        period_label,
        flag,
        -- neither input is rounded: the BA Excel table publishes exact Jahresdurchschnitte (small cells '*'), the
        -- Fortschreibung exact counts (source catalogue: rounding null for both)
        false as is_rounded,
        {{ is_estimated('flag') }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        numerator_source_table,
        numerator_stand,
        numerator_source_file,
        denominator_source_table,
        denominator_stand,
        denominator_source_file,
        is_synthetic
    from (
        select * from share_rows
        union all by name
        select * from gap_rows
    )
)

select * from final
