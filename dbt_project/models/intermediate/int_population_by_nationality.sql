-- Population on 31.12. per NRW region and year by nationality (insgesamt, deutsch, auslaendisch), all ages and both
-- sexes, from 12411-03-03-4: Deutsche and Ausländer(innen) of the Fortschreibung des Bevölkerungsstandes itself, so
-- a share of foreigners from these counts rests on one statistic (not AZR foreigners over a Fortschreibung total).
with cells as (
    select * from {{ ref('stg_genesis__bevoelkerung_nationalitaet') }}
    where age_group_id = 'insgesamt' and sex = 'insgesamt'
    {{ newest_stand(['ags', 'year', 'nationality']) }}
)

select
    ags,
    year,
    nationality,
    period_label,
    cast(population as bigint) as population,
    flag,
    table_code as source_table,
    stand as source_stand,
    file_name as source_file,
    is_synthetic
from cells
