-- Every value of the compared levels has exactly one comparison row (the unique key test catches duplicates; this
-- catches rows lost in a join), and a Kreis has at most 53 ranked peers.
select values_.indicator_id, values_.ags, values_.year, values_.group_id, 'no comparison row' as problem
from {{ ref('indicator_values') }} as values_
left join {{ ref('indicator_comparisons') }} as comparisons
    on comparisons.indicator_id = values_.indicator_id
    and comparisons.ags = values_.ags
    and comparisons.year = values_.year
    and comparisons.group_id = values_.group_id
where values_.level in ('Land', 'Regierungsbezirk', 'Kreis', 'Gemeinde', 'KI') and comparisons.ags is null
union all
select indicator_id, ags, year, group_id, 'more than 53 Kreise ranked'
from {{ ref('indicator_comparisons') }}
where level = 'Kreis' and ranked_count_nrw > 53
