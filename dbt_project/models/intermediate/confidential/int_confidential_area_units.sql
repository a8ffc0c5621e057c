-- The units for which counts from Kreis-held extracts are published, and the Gemeinden each one adds up:
-- kreisangehörige Gemeinden (themselves), Kreise and kreisfreie Städte, the Regierungsbezirke, the Land, and KI
-- areas that are no official unit (the StädteRegion Aachen without the Stadt Aachen, which has a KI of its own).
-- A kreisfreie Stadt is a single Gemeinde: it is published once, as the Kreis.
-- member_kreis_count: how many Kreise the unit touches, so that a unit is published only when every one of them
-- delivered (an RB without all its Kreise would be a partial, misleading sum).
with gemeinden as (
    select ags as gemeinde_ags, kreis_ags, rb_ags, kreisfrei from {{ ref('dim_districts') }} where level = 'Gemeinde'
),

ki_areas as (
    select * from {{ ref('int_ki_areas') }}
),

memberships as (
    select gemeinde_ags as unit_ags, 'Gemeinde' as level, gemeinde_ags from gemeinden where not kreisfrei
    union all
    select kreis_ags, 'Kreis', gemeinde_ags from gemeinden
    union all
    select rb_ags, 'Regierungsbezirk', gemeinde_ags from gemeinden
    union all
    select '05', 'Land', gemeinde_ags from gemeinden
    union all
    select ki_areas.area_ags, 'KI', gemeinden.gemeinde_ags
    from ki_areas
    inner join gemeinden on gemeinden.kreis_ags = ki_areas.kreis_ags
    where ki_areas.area_kind = 'Kreis ohne Städte mit eigenem KI'
        and gemeinden.gemeinde_ags not in (select area_ags from ki_areas where area_kind = 'Gemeinde')
)

select
    memberships.unit_ags,
    memberships.level,
    memberships.gemeinde_ags,
    gemeinden.kreis_ags,
    count(distinct gemeinden.kreis_ags) over (partition by memberships.unit_ags) as member_kreis_count
from memberships
inner join gemeinden on gemeinden.gemeinde_ags = memberships.gemeinde_ags
