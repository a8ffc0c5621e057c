-- Counts from the Kreis-held extracts (schools, KiTas) with the confidentiality rule applied (docs/sources.md,
-- Confidentiality; § 16 BStatG). Internal: never in the serving snapshot; indicator_values publishes only the cells
-- that are not suppressed. A table like every intermediate model (dbt_project.yml).
-- 1. Primary suppression: every count below the threshold (default 5, see macro suppression_threshold), zero
--    included, because "none of the pupils" discloses as much as "one".
-- 2. Secondary suppression: as long as a relation "total = sum of parts" (int_confidential_relations) leaves a
--    hidden cell a range narrower than the threshold (macro unsafe_relations: one hidden cell, hidden parts adding up
--    to little, or hidden cells pinned by shown parts and wholes of int_confidential_nesting), hide one more of its
--    shown cells. A fixed number of passes runs; the test confidential_cells_suppression_is_complete fails if that
--    was not enough. tests/test_confidentiality.py attacks the result with linear programs.
{%- set passes = var('suppression_passes', 30) %}
with cells as (
    select * from {{ ref('int_confidential_cells') }}
),

relations as (
    select * from {{ ref('int_confidential_relations') }}
),

nesting as (
    select * from {{ ref('int_confidential_nesting') }}
),

pass_0 as (
    select
        cell_id,
        value,
        value < {{ suppression_threshold() }} as is_suppressed,
        case when value < {{ suppression_threshold() }} then 'primary' end as suppression_kind
    from cells
),
{% for pass in range(1, passes + 1) %}
bounds_{{ pass }} as materialized (
    {{ cell_bounds('pass_' ~ (pass - 1), 'nesting') }}
),

unsafe_{{ pass }} as (
    {{ unsafe_relations('relations', 'bounds_' ~ pass) }}
),

added_{{ pass }} as (
    -- per unsafe relation the smallest shown part whose hiding widens the range (value well above what its shown
    -- parts already reveal), else the smallest shown part, the total only when no part is left
    select distinct on (relations.relation_id) relations.relation_id, relations.cell_id
    from relations
    inner join unsafe_{{ pass }} as unsafe on unsafe.relation_id = relations.relation_id
    inner join bounds_{{ pass }} as cells on cells.cell_id = relations.cell_id
    where not cells.is_suppressed
    order by
        relations.relation_id,
        relations.role = 'total',
        cells.value - cells.lower_bound < {{ suppression_threshold() }},
        cells.value,
        cells.cell_id
),

pass_{{ pass }} as materialized (
    select
        cells.cell_id,
        cells.value,
        cells.is_suppressed or added.cell_id is not null as is_suppressed,
        coalesce(cells.suppression_kind, case when added.cell_id is not null then 'secondary' end)
            as suppression_kind
    from pass_{{ pass - 1 }} as cells
    left join (select distinct cell_id from added_{{ pass }}) as added on added.cell_id = cells.cell_id
),
{% endfor %}

final as (
    select
        cells.*,
        suppressed.is_suppressed,
        suppressed.suppression_kind,
        {{ suppression_threshold() }} as suppression_threshold
    from cells
    inner join pass_{{ passes }} as suppressed on suppressed.cell_id = cells.cell_id
)

select * from final
