-- Every current NRW unit: the Land, 5 Regierungsbezirke, 53 Kreise/kreisfreie Städte, 396 Gemeinden, and the 54
-- Kommunale Integrationszentren (level 'KI', code 'KI' + the KI's id, e.g. KI05334 and KI05334002), each with the KI
-- that serves it (ki_ags): the Stadt Aachen has a KI of its own inside the StädteRegion Aachen.
-- Dissolved units that official tables still list (05313 Aachen krfr. Stadt, 05354 Kreis Aachen) and pseudo-units
-- (05999998) are not in the seed and so drop out wherever a mart joins this dimension.
with districts as (
    select * from {{ ref('nrw_districts') }}
),

land as (
    select
        '05' as ags,
        'Nordrhein-Westfalen' as name,
        'Nordrhein-Westfalen' as display_name,
        'Land' as kind,
        'Land' as level,
        cast(null as varchar) as parent_ags,
        cast(null as varchar) as rb_ags,
        cast(null as varchar) as kreis_ags,
        cast(null as boolean) as kreisfrei,
        cast(null as varchar) as area_ags
),

units as (
    select
        ags,
        name,
        display_name,
        kind,
        case kind
            when 'Regierungsbezirk' then 'Regierungsbezirk'
            when 'Gemeinde' then 'Gemeinde'
            else 'Kreis'
        end as level,
        parent_ags,
        rb_ags,
        case when kind = 'Gemeinde' then parent_ags when kind = 'Regierungsbezirk' then null else ags end as kreis_ags,
        kreisfrei,
        cast(null as varchar) as area_ags
    from districts
),

ki_areas as (
    select * from {{ ref('int_ki_areas') }}
),

centres as (
    -- area_ags: the unit whose indicator values describe the centre's area (the Kreis, the town, or for the
    -- StädteRegion Aachen the area without the Stadt Aachen, coded like the KI)
    select
        ki_areas.ki_ags as ags,
        'KI ' || coalesce(town.display_name, kreis.display_name) as name,
        'Kommunales Integrationszentrum ' || coalesce(town.display_name, kreis.display_name) as display_name,
        'Kommunales Integrationszentrum' as kind,
        'KI' as level,
        kreis.rb_ags as parent_ags,
        kreis.rb_ags,
        ki_areas.kreis_ags,
        kreis.kreisfrei,
        ki_areas.area_ags
    from ki_areas
    inner join units as kreis on kreis.ags = ki_areas.kreis_ags
    left join units as town on town.ags = ki_areas.area_ags and ki_areas.area_kind = 'Gemeinde'
),

all_units as (
    select * from land
    union all by name
    select * from units
    union all by name
    select * from centres
)

select
    all_units.*,
    -- the KI serving the unit: a town with its own KI, else the KI of the unit's Kreis (none for RB and Land)
    case
        when all_units.level = 'KI' then all_units.ags
        else coalesce(own_centre.ki_ags, kreis_centre.ki_ags)
    end as ki_ags
from all_units
left join ki_areas as own_centre on own_centre.area_kind = 'Gemeinde' and own_centre.area_ags = all_units.ags
left join ki_areas as kreis_centre
    on kreis_centre.area_kind <> 'Gemeinde' and kreis_centre.kreis_ags = all_units.kreis_ags
    and all_units.level in ('Kreis', 'Gemeinde')
