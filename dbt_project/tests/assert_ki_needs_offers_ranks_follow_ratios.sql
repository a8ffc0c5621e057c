-- Rank 1 is the best coverage: for offer-per-need ratios a higher ratio never ranks behind a lower one, for
-- need-per-offer ratios a lower one never ranks behind a higher one; ranks stay within 1..ranked_count.
select
    a.metric_id, a.year, a.ki_ags, a.ratio, a.rank,
    b.ki_ags as other_ki_ags, b.ratio as other_ratio, b.rank as other_rank
from {{ ref('ki_needs_offers') }} as a
inner join {{ ref('ki_needs_offers') }} as b
    on a.metric_id = b.metric_id and a.year = b.year and a.ki_ags <> b.ki_ags
where a.ratio is not null and b.ratio is not null
    and (
        (a.higher_is_better and a.ratio > b.ratio and a.rank >= b.rank)
        or (not a.higher_is_better and a.ratio < b.ratio and a.rank >= b.rank)
        or a.rank < 1 or a.rank > a.ranked_count
    )
