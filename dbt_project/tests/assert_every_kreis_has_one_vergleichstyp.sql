-- Once there are types at all (a complete reference year exists), every Kreis/kreisfreie Stadt of dim_districts has
-- exactly one, and all types come from the same reference year.
with types as (
    select * from {{ ref('kreis_vergleichstypen') }}
)

select kreise.ags, 'Kreis without a Vergleichstyp' as problem
from {{ ref('dim_districts') }} as kreise
left join types on types.ags = kreise.ags
where kreise.level = 'Kreis' and types.ags is null and exists (select 1 from types)
union all
select cast(count(distinct reference_year) as varchar), 'more than one reference year'
from types
having count(distinct reference_year) > 1
