{#- Smallest count that may be published from the Kreis-held extracts (schools, KiTas). Set it with
    `--vars '{suppression_threshold: 10}'` or the environment variable IM_SUPPRESSION_THRESHOLD; default 5. -#}
{% macro suppression_threshold() %}
{{ var('suppression_threshold', env_var('IM_SUPPRESSION_THRESHOLD', '5')) | int }}
{% endmacro %}

{#- What an attacker knows about each cell, given the cells suppressed so far (`state`: cell_id, value,
    is_suppressed): for a hidden cell, a lower bound from its shown parts and an upper bound from its shown wholes
    (`nesting`: part_cell_id, whole_cell_id, parts_disjoint). 1e12 stands for "no upper bound". -#}
{% macro cell_bounds(state, nesting) %}
select
    state.cell_id,
    state.value,
    state.is_suppressed,
    coalesce(lower_bounds.lower_bound, 0) as lower_bound,
    coalesce(upper_bounds.upper_bound, 1e12) as upper_bound
from {{ state }} as state
left join (
    select
        nesting.whole_cell_id as cell_id,
        case when bool_and(nesting.parts_disjoint) then sum(part.value) else max(part.value) end as lower_bound
    from {{ nesting }} as nesting
    inner join {{ state }} as part on part.cell_id = nesting.part_cell_id and not part.is_suppressed
    group by nesting.whole_cell_id
) as lower_bounds on lower_bounds.cell_id = state.cell_id
left join (
    select nesting.part_cell_id as cell_id, min(whole.value) as upper_bound
    from {{ nesting }} as nesting
    inner join {{ state }} as whole on whole.cell_id = nesting.whole_cell_id and not whole.is_suppressed
    group by nesting.part_cell_id
) as upper_bounds on upper_bounds.cell_id = state.cell_id
{% endmacro %}

{#- Relations "total = sum of parts" (`relations`: relation_id, cell_id, role) that leave a hidden cell too
    narrow a range: from the relation's shown cells and the bounds of its hidden cells (`bounds`, see cell_bounds),
    each hidden cell lies in an interval; the relation is unsafe when that interval is narrower than the threshold
    for one of them. This covers a single hidden cell (its interval is one value), hidden parts that add up to
    little (e.g. two hidden zeros), and hidden cells pinned by a shown part or whole. -#}
{% macro unsafe_relations(relations, bounds) %}
with terms as (
    select
        relations.relation_id,
        case when relations.role = 'total' then 1 else -1 end as sign,
        bounds.*
    from {{ relations }} as relations
    inner join {{ bounds }} as bounds on bounds.cell_id = relations.cell_id
),

hidden_terms as (
    -- the interval of sign * x for each hidden cell
    select
        *,
        least(sign * lower_bound, sign * upper_bound) as term_low,
        greatest(sign * lower_bound, sign * upper_bound) as term_high
    from terms
    where is_suppressed
),

relation_sums as (
    select
        relation_id,
        coalesce(sum(sign * value) filter (where not is_suppressed), 0) as shown_sum
    from terms
    group by relation_id
),

hidden_sums as (
    select relation_id, sum(term_low) as hidden_low, sum(term_high) as hidden_high
    from hidden_terms
    group by relation_id
),

intervals as (
    -- sign * x = -shown_sum - (sum of the other hidden terms)
    select
        hidden_terms.relation_id,
        -relation_sums.shown_sum - (hidden_sums.hidden_high - hidden_terms.term_high) as term_from,
        -relation_sums.shown_sum - (hidden_sums.hidden_low - hidden_terms.term_low) as term_to,
        hidden_terms.sign,
        hidden_terms.lower_bound,
        hidden_terms.upper_bound
    from hidden_terms
    inner join relation_sums on relation_sums.relation_id = hidden_terms.relation_id
    inner join hidden_sums on hidden_sums.relation_id = hidden_terms.relation_id
)

select relation_id
from intervals
group by relation_id
having min(
    least(upper_bound, case when sign = 1 then term_to else -term_from end)
    - greatest(lower_bound, case when sign = 1 then term_from else -term_to end)
) < {{ suppression_threshold() }}
{% endmacro %}
