-- Repräsentation am Gymnasium / an Förderschulen = foreign share among the pupils of the Schulart / foreign share
-- among all pupils (21111-01-03-4). 1 means as strongly represented as at all schools, 0.5 half as strongly.
-- Both shares come from int_indicator_schueler_auslaendisch (the published totals, rounded to 5 since 2019/20); a
-- ratio of shares has no count numerator or denominator, so those columns stay empty as for published rates.
with shares as (
    select * from {{ ref('int_indicator_schueler_auslaendisch') }}
),

schulart_share as (
    select * from shares where group_id in ('gymnasien', 'foerderschulen')
),

all_schools_share as (
    select * from shares where group_id = 'insgesamt'
)

select
    case schulart_share.group_id
        when 'gymnasien' then 'repraesentation_gymnasium'
        else 'repraesentation_foerderschule'
    end as indicator_id,
    schulart_share.ags,
    schulart_share.year,
    'insgesamt' as group_id,
    cast(null as bigint) as numerator,
    cast(null as bigint) as denominator,
    case when all_schools_share.value > 0 then schulart_share.value / all_schools_share.value end as value,
    'Verhältnis' as unit,
    schulart_share.period_label,
    {{ combine_flags('schulart_share.flag', 'all_schools_share.flag') }} as flag,
    schulart_share.is_rounded or all_schools_share.is_rounded as is_rounded,
    schulart_share.is_estimated or all_schools_share.is_estimated as is_estimated,
    'source_total' as aggregation,
    false as numerator_summed_rounded_parts,
    schulart_share.numerator_source_table,
    schulart_share.numerator_stand,
    schulart_share.numerator_source_file,
    all_schools_share.denominator_source_table,
    all_schools_share.denominator_stand,
    all_schools_share.denominator_source_file,
    schulart_share.is_synthetic or all_schools_share.is_synthetic as is_synthetic
from schulart_share
inner join all_schools_share on all_schools_share.ags = schulart_share.ags and all_schools_share.year = schulart_share.year
