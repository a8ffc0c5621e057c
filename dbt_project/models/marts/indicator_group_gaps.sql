-- Gap between foreigners and a reference group, per indicator x unit x year: the difference (percentage points for
-- shares in %) and the ratio. Reference group per indicator: 'deutsch' where the indicator has that group anywhere,
-- otherwise 'insgesamt' (one reference per indicator, so a unit's gap series never switches its basis).
-- Computed from the group values only: a published gap group (arbeitslosenquote luecke_auslaendisch_insgesamt) is
-- not an input, and a test checks that our difference equals it.
-- Only the columns indicator_id, ags, level, year, group_id, value, unit of indicator_values are read.
with indicator_values as (
    select indicator_id, ags, level, year, group_id, value, unit
    from {{ ref('indicator_values') }}
),

reference_groups as (
    select
        indicator_id,
        case when bool_or(group_id = 'deutsch') then 'deutsch' else 'insgesamt' end as reference_group_id
    from indicator_values
    group by indicator_id
    having bool_or(group_id = 'auslaendisch')
),

foreigners as (
    select indicator_values.*, reference_groups.reference_group_id
    from indicator_values
    inner join reference_groups on reference_groups.indicator_id = indicator_values.indicator_id
    where indicator_values.group_id = 'auslaendisch'
),

final as (
    select
        foreigners.indicator_id,
        foreigners.ags,
        foreigners.level,
        foreigners.year,
        foreigners.group_id as compared_group_id,
        foreigners.reference_group_id,
        foreigners.unit,
        foreigners.value as value_compared,
        reference.value as value_reference,
        -- null when either value is null (secret, suppressed) or the reference group has no row for this unit and year
        foreigners.value - reference.value as gap_difference,
        case when foreigners.unit = '%' then 'Prozentpunkte' else foreigners.unit end as gap_unit,
        case when reference.value <> 0 then foreigners.value / reference.value end as gap_ratio
    from foreigners
    left join indicator_values as reference
        on reference.indicator_id = foreigners.indicator_id
        and reference.ags = foreigners.ags
        and reference.year = foreigners.year
        and reference.group_id = foreigners.reference_group_id
)

select * from final
