-- The area each of the 54 Kommunale Integrationszentren serves, from the KI reference list. Most KIs serve exactly
-- one Kreis or kreisfreie Stadt. A town with a KI of its own (Stadt Aachen, 05334002) is served by that KI, and the
-- KI of its Kreis (StädteRegion Aachen, 05334) serves the rest of the Kreis: that area is no official unit, so it
-- gets a code of its own (area_ags = ki_ags) and its values are built from the Gemeinden where data allow.
with centres as (
    select * from {{ ref('kommunale_integrationszentren') }}
),

town_centres as (
    select ki_id, traeger_ags, left(traeger_ags, 5) as kreis_ags from centres where length(traeger_ags) = 8
)

select
    'KI' || centres.ki_id as ki_ags,
    centres.ki_id,
    centres.traeger_name,
    centres.traeger_kind,
    left(centres.traeger_ags, 5) as kreis_ags,
    case
        when length(centres.traeger_ags) = 8 then 'Gemeinde'
        when exists (select 1 from town_centres where town_centres.kreis_ags = centres.traeger_ags)
            then 'Kreis ohne Städte mit eigenem KI'
        else 'Kreis'
    end as area_kind,
    -- the unit whose values describe the KI's area
    case
        when exists (select 1 from town_centres where town_centres.kreis_ags = centres.traeger_ags)
            then 'KI' || centres.ki_id
        else centres.traeger_ags
    end as area_ags
from centres
