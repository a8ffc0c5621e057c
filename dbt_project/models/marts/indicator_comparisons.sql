-- Comparisons for every indicator value of the Land, the Regierungsbezirke, the Kreise, the Gemeinden and the KIs:
-- NRW, RB and Kreis value, rank and percentile among the units of the same level, rank among the Gemeinden of the
-- Kreis, change to the previous year and over five years, and the Vergleichstyp (kreis_vergleichstypen) with its
-- median and the rank within it. Rank 1 = best in the indicator's direction; neutral indicators: highest value first.
-- Null values (suppressed, secret, zero denominator) get no rank, do not count as ranked and give no change.
-- Only the columns indicator_id, ags, level, year, group_id, value, unit of indicator_values are read.
with indicator_values as (
    select indicator_id, ags, level, year, group_id, value, unit
    from {{ ref('indicator_values') }}
),

compared_values as (
    select *
    from indicator_values
    where level in ('Land', 'Regierungsbezirk', 'Kreis', 'Gemeinde', 'KI')
),

indicators as (
    select indicator_id, direction
    from {{ ref('indicators') }}
),

districts as (
    select
        ags,
        -- A KI's code is 'KI' + its Träger's AGS (KI05334, KI05334002): it names the RB and the Kreis the KI works
        -- in wherever the dimension leaves them empty.
        coalesce(rb_ags, case when level = 'KI' then substr(ags, 3, 3) end) as rb_ags,
        coalesce(kreis_ags, case when level = 'KI' then substr(ags, 3, 5) end) as kreis_ags
    from {{ ref('dim_districts') }}
),

vergleichstypen as (
    select ags, vergleichstyp_id, vergleichstyp_name_de
    from {{ ref('kreis_vergleichstypen') }}
),

land_values as (
    select indicator_id, year, group_id, value
    from indicator_values
    where level = 'Land'
),

rb_values as (
    select indicator_id, ags, year, group_id, value
    from indicator_values
    where level = 'Regierungsbezirk'
),

kreis_values as (
    select indicator_id, ags, year, group_id, value
    from indicator_values
    where level = 'Kreis'
),

with_context as (
    select
        compared_values.*,
        indicators.direction,
        districts.rb_ags,
        districts.kreis_ags,
        -- Kreise have their own type; a KI has the type of the Kreis it works in; Gemeinden and RB have none
        vergleichstypen.vergleichstyp_id,
        vergleichstypen.vergleichstyp_name_de,
        -- smaller key = better rank
        case when indicators.direction = 'lower_is_better' then compared_values.value else -compared_values.value end
            as rank_key
    from compared_values
    left join indicators on indicators.indicator_id = compared_values.indicator_id
    left join districts on districts.ags = compared_values.ags
    left join vergleichstypen
        on vergleichstypen.ags = districts.kreis_ags and compared_values.level in ('Kreis', 'KI')
),

-- Ranks over non-null values only: the null rows sit in a partition of their own (value is null) and get no rank.
ranked as (
    select
        *,
        case when level <> 'Land' and value is not null then
            rank() over (partition by indicator_id, year, group_id, level, value is null order by rank_key)
        end as rank_nrw,
        case when level <> 'Land' then
            count(value) over (partition by indicator_id, year, group_id, level)
        end as ranked_count_nrw,
        case when level = 'Gemeinde' and value is not null then
            rank() over (partition by indicator_id, year, group_id, level, kreis_ags, value is null order by rank_key)
        end as rank_in_kreis,
        case when level = 'Gemeinde' then
            count(value) over (partition by indicator_id, year, group_id, level, kreis_ags)
        end as ranked_count_in_kreis,
        case when level = 'Kreis' and vergleichstyp_id is not null and value is not null then
            rank() over (
                partition by indicator_id, year, group_id, level, vergleichstyp_id, value is null order by rank_key
            )
        end as rank_in_vergleichstyp
    from with_context
),

vergleichstyp_stats as (
    select
        indicator_id,
        year,
        group_id,
        vergleichstyp_id,
        median(value) as vergleichstyp_median,
        count(value) as ranked_count_in_vergleichstyp
    from with_context
    where level = 'Kreis' and vergleichstyp_id is not null
    group by indicator_id, year, group_id, vergleichstyp_id
),

final as (
    select
        ranked.indicator_id,
        ranked.ags,
        ranked.level,
        ranked.year,
        ranked.group_id,
        ranked.unit,
        ranked.direction,
        ranked.value,
        land_values.value as nrw_value,
        ranked.rb_ags,
        rb_values.value as rb_value,
        case when ranked.level in ('Gemeinde', 'KI') then ranked.kreis_ags end as kreis_ags,
        kreis_values.value as kreis_value,
        case when ranked.direction = 'lower_is_better' then 'lowest_first' else 'highest_first' end as rank_order,
        ranked.rank_nrw,
        ranked.ranked_count_nrw,
        -- 100 = best (or highest, for neutral indicators), 0 = worst; equal values share rank and percentile
        case when ranked.ranked_count_nrw > 1 then
            100.0 * (ranked.ranked_count_nrw - ranked.rank_nrw) / (ranked.ranked_count_nrw - 1)
        end as percentile_nrw,
        ranked.rank_in_kreis,
        ranked.ranked_count_in_kreis,
        previous_year.value as value_previous_year,
        ranked.value - previous_year.value as change_previous_year,
        five_years_earlier.value as value_5_years_earlier,
        ranked.value - five_years_earlier.value as change_5_years,
        -- the change of a share in % is a difference in percentage points
        case when ranked.unit = '%' then 'Prozentpunkte' else ranked.unit end as change_unit,
        ranked.vergleichstyp_id,
        ranked.vergleichstyp_name_de,
        vergleichstyp_stats.vergleichstyp_median,
        ranked.rank_in_vergleichstyp,
        case when ranked.level = 'Kreis' then vergleichstyp_stats.ranked_count_in_vergleichstyp end
            as ranked_count_in_vergleichstyp
    from ranked
    left join land_values
        on land_values.indicator_id = ranked.indicator_id
        and land_values.year = ranked.year
        and land_values.group_id = ranked.group_id
    left join rb_values
        on rb_values.indicator_id = ranked.indicator_id
        and rb_values.ags = ranked.rb_ags
        and rb_values.year = ranked.year
        and rb_values.group_id = ranked.group_id
    left join kreis_values
        on ranked.level in ('Gemeinde', 'KI')
        and kreis_values.indicator_id = ranked.indicator_id
        and kreis_values.ags = ranked.kreis_ags
        and kreis_values.year = ranked.year
        and kreis_values.group_id = ranked.group_id
    left join indicator_values as previous_year
        on previous_year.indicator_id = ranked.indicator_id
        and previous_year.ags = ranked.ags
        and previous_year.year = ranked.year - 1
        and previous_year.group_id = ranked.group_id
    left join indicator_values as five_years_earlier
        on five_years_earlier.indicator_id = ranked.indicator_id
        and five_years_earlier.ags = ranked.ags
        and five_years_earlier.year = ranked.year - 5
        and five_years_earlier.group_id = ranked.group_id
    left join vergleichstyp_stats
        on vergleichstyp_stats.indicator_id = ranked.indicator_id
        and vergleichstyp_stats.year = ranked.year
        and vergleichstyp_stats.group_id = ranked.group_id
        and vergleichstyp_stats.vergleichstyp_id = ranked.vergleichstyp_id
)

select * from final
