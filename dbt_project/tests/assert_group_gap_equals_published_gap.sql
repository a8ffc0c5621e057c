-- indicator_group_gaps recomputes the gap from the group values; where indicator_values also has the published gap
-- group (arbeitslosenquote: luecke_auslaendisch_insgesamt), both must be the same number (or both null).
select gaps.indicator_id, gaps.ags, gaps.year, gaps.gap_difference, published.value as published_gap
from {{ ref('indicator_group_gaps') }} as gaps
inner join {{ ref('indicator_values') }} as published
    on published.indicator_id = gaps.indicator_id
    and published.ags = gaps.ags
    and published.year = gaps.year
    and published.group_id = 'luecke_auslaendisch_' || gaps.reference_group_id
where
    (gaps.gap_difference is null) <> (published.value is null)
    or abs(gaps.gap_difference - published.value) > 1e-9
