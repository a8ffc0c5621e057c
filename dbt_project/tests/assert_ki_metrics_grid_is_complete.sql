-- Every KI has every metric of the catalogue in every report year between the first and the last year any KI
-- reported: 54 KIs from dim_districts, the metrics from ki_metric_catalogue. Returns the years that fall short.
with expected as (
    select
        (select count(*) from {{ ref('dim_districts') }} where level = 'KI')
        * (select count(*) from {{ ref('ki_metric_catalogue') }}) as rows_per_year
),

per_year as (
    select year, count(*) as rows_found from {{ ref('ki_metrics') }} group by year
),

years as (
    select unnest(generate_series(min(year), max(year))) as year from {{ ref('int_ki_report_metrics') }}
)

select years.year, coalesce(per_year.rows_found, 0) as rows_found, expected.rows_per_year
from years
cross join expected
left join per_year on per_year.year = years.year
where coalesce(per_year.rows_found, 0) <> expected.rows_per_year
