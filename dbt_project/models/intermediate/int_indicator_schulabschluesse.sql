-- Shares of leavers of allgemeinbildende Schulen by Abschluss (21111-02-06-4), totals only: the published table
-- has no nationality. ohne_hauptschulabschluss = leavers without HSA / all leavers x 100;
-- allgemeine_hochschulreife = leavers with Abitur / all leavers x 100. Source totals at every level.
with leavers as (
    select * from {{ ref('stg_genesis__absolvierende') }}
    where abschluss_id in ('insgesamt', 'ohne_hsa', 'ahr')
    {{ newest_stand(['ags', 'year', 'abschluss_id']) }}
),

all_leavers as (
    select * from leavers where abschluss_id = 'insgesamt'
),

indicator_numerators as (
    select
        case abschluss_id
            when 'ohne_hsa' then 'ohne_hauptschulabschluss'
            when 'ahr' then 'allgemeine_hochschulreife'
        end as indicator_id,
        *
    from leavers
    where abschluss_id in ('ohne_hsa', 'ahr')
),

final as (
    select
        num.indicator_id,
        num.ags,
        num.year,
        'insgesamt' as group_id,
        num.leavers as numerator,
        den.leavers as denominator,
        {{ safe_share('num.leavers', 'den.leavers') }} as value,
        '%' as unit,
        num.period_label,
        {{ combine_flags('num.flag', 'den.flag') }} as flag,
        num.is_rounded or den.is_rounded as is_rounded,
        {{ is_estimated(combine_flags('num.flag', 'den.flag')) }} as is_estimated,
        'source_total' as aggregation,
        false as numerator_summed_rounded_parts,
        num.table_code as numerator_source_table,
        num.stand as numerator_stand,
        num.file_name as numerator_source_file,
        den.table_code as denominator_source_table,
        den.stand as denominator_stand,
        den.file_name as denominator_source_file,
        num.is_synthetic or den.is_synthetic as is_synthetic
    from indicator_numerators as num
    inner join all_leavers as den on den.ags = num.ags and den.year = num.year
)

select * from final
