-- Population of working age (15 bis unter 65 Jahre) on 31.12. per NRW region, year and nationality (insgesamt,
-- deutsch, auslaendisch), both sexes, from 12411-03-03-4 (Fortschreibung des Bevölkerungsstandes: Deutsche and
-- Ausländer from one statistic, not AZR foreigners beside a Fortschreibung total).
-- SGB II covers people from 15 up to the Regelaltersgrenze (rising from 65 to 67 since 2012); the table's age
-- groups end at 65 and 70, so 65 is the closest published boundary. The table has no single 15-65 group: the
-- value is the sum of the published exact age groups within it, and it is built only when those groups cover
-- 15 to 65 without gap or overlap. A download with missing or other age groups gives no row, not a wrong sum.
{% set working_age_from = 15 %}
{% set working_age_to = 65 %}
with age_groups as (
    select * from {{ ref('stg_genesis__bevoelkerung_nationalitaet') }}
    where sex = 'insgesamt'
    {{ newest_stand(['ags', 'year', 'nationality', 'age_group_id']) }}
),

working_age_groups as (
    select
        *,
        lag(age_to) over (partition by ags, year, nationality order by age_from, age_to) as previous_age_to
    from age_groups
    where age_from >= {{ working_age_from }} and age_to <= {{ working_age_to }}
),

summed as (
    select
        ags,
        year,
        nationality,
        any_value(period_label) as period_label,
        min(age_from) as lowest_age,
        max(age_to) as highest_age,
        -- every group starts where the one before ended: no gap, no overlap
        bool_and(previous_age_to is null or previous_age_to = age_from) as is_contiguous,
        -- a secret or unknown age group makes the sum unknown
        case when count(population) = count(*) then sum(population) end as population,
        -- the first symbol other than '-' of any group; '-' only when every group is exactly zero
        coalesce(
            max(flag) filter (where flag <> '-'),
            case when count(*) filter (where flag = '-') = count(*) then '-' end
        ) as flag,
        count(*) as age_group_count,
        any_value(table_code) as source_table,
        max(stand) as source_stand,
        arg_max(file_name, stand) as source_file,
        bool_or(is_synthetic) as is_synthetic
    from working_age_groups
    group by ags, year, nationality
)

select
    ags,
    year,
    nationality,
    period_label,
    cast(population as bigint) as population,
    flag,
    age_group_count,
    source_table,
    source_stand,
    source_file,
    is_synthetic
from summed
where
    lowest_age = {{ working_age_from }}
    and highest_age = {{ working_age_to }}
    and is_contiguous
