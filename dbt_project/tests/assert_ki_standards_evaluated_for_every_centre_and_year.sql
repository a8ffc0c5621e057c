-- Every KI x report year x standard whose catalogue has a version for that year is evaluated exactly once, and by
-- that version. Returns the missing or wrongly versioned combinations.
with centre_years as (
    select distinct ki_ags, year from {{ ref('ki_metrics') }}
),

expected as (
    select centre_years.ki_ags, centre_years.year, versions.standard_id, versions.version_id
    from centre_years
    inner join {{ ref('ki_standards') }} as versions
        on centre_years.year >= versions.valid_from
        and (versions.valid_to is null or centre_years.year <= versions.valid_to)
)

select expected.*, evaluations.version_id as evaluated_version_id
from expected
full outer join {{ ref('ki_standard_evaluations') }} as evaluations
    on evaluations.ki_ags = expected.ki_ags and evaluations.year = expected.year
    and evaluations.standard_id = expected.standard_id
where evaluations.version_id is distinct from expected.version_id
