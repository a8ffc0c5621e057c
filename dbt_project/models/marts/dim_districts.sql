-- Every current NRW unit: the Land, 5 Regierungsbezirke, 53 Kreise/kreisfreie Städte, 396 Gemeinden.
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
        cast(null as boolean) as kreisfrei
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
        kreisfrei
    from districts
)

select * from land
union all
select * from units
