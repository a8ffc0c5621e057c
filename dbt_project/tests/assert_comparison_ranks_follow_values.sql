-- Ranks agree with the values: within one comparison (indicator, year, group, level), a unit with a better value
-- (by rank_order) never has a worse or equal rank than one with a worse value, equal values share a rank, ranks lie
-- between 1 and the number ranked, and a null value has no rank.
with comparisons as (
    select * from {{ ref('indicator_comparisons') }}
    where level <> 'Land'
),

pairs as (
    select
        better.indicator_id, better.year, better.group_id, better.level,
        better.ags as better_ags, better.rank_nrw as better_rank,
        worse.ags as worse_ags, worse.rank_nrw as worse_rank
    from comparisons as better
    inner join comparisons as worse
        on worse.indicator_id = better.indicator_id
        and worse.year = better.year
        and worse.group_id = better.group_id
        and worse.level = better.level
        and worse.ags <> better.ags
    where
        (better.rank_order = 'highest_first' and better.value > worse.value)
        or (better.rank_order = 'lowest_first' and better.value < worse.value)
),

ties as (
    select a.indicator_id, a.year, a.group_id, a.level, a.ags
    from comparisons as a
    inner join comparisons as b
        on b.indicator_id = a.indicator_id and b.year = a.year and b.group_id = a.group_id and b.level = a.level
        and b.ags <> a.ags and b.value = a.value
    where a.rank_nrw <> b.rank_nrw
)

select indicator_id, year, group_id, level, better_ags as ags, 'better value, rank not better' as problem
from pairs
where not better_rank < worse_rank
union all
select indicator_id, year, group_id, level, ags, 'equal values, different ranks' from ties
union all
select indicator_id, year, group_id, level, ags, 'rank outside 1..ranked_count_nrw'
from comparisons
where rank_nrw < 1 or rank_nrw > ranked_count_nrw
union all
select indicator_id, year, group_id, level, ags, 'null value ranked, or value not ranked'
from comparisons
where (value is null) <> (rank_nrw is null)
