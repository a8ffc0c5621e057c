-- The additive relations between published cells that an attacker could use to recompute a suppressed cell:
-- "total = sum of its parts". Every relation lists its cells with role 'total' or 'part':
-- - geography, per measure, group and year: Land = its RBs, RB = its Kreise, Kreis = its kreisangehörige Gemeinden
--   (StädteRegion Aachen = KI area without the Stadt Aachen + Stadt Aachen; that KI area = its Gemeinden);
-- - groups, per measure, unit and year: insgesamt = deutsch + ausländisch (schools), insgesamt = u3 +
--   3_bis_schuleintritt (KiTa children).
-- Secondary suppression (confidential_cells) works on these relations; the adversarial test uses them too.
with cells as (
    select cell_id, measure_id, group_id, ags, year from {{ ref('int_confidential_cells') }}
),

districts as (
    select ags, level, parent_ags, kreis_ags, kreisfrei from {{ ref('dim_districts') }}
),

ki_areas as (
    select * from {{ ref('int_ki_areas') }}
),

special_areas as (
    -- KI areas that are no official unit, and the towns with their own KI inside the same Kreis
    select
        area.area_ags,
        area.kreis_ags,
        list(town.area_ags) as own_ki_towns
    from ki_areas as area
    inner join ki_areas as town on town.kreis_ags = area.kreis_ags and town.area_kind = 'Gemeinde'
    where area.area_kind = 'Kreis ohne Städte mit eigenem KI'
    group by area.area_ags, area.kreis_ags
),

edges as (
    select '05' as parent_ags, ags as child_ags from districts where level = 'Regierungsbezirk'
    union all
    select parent_ags, ags from districts where level = 'Kreis'
    union all
    -- a Gemeinde belongs to its Kreis, or to the special KI area of its Kreis unless it has its own KI
    select coalesce(special_areas.area_ags, gemeinde.kreis_ags), gemeinde.ags
    from districts as gemeinde
    left join special_areas
        on special_areas.kreis_ags = gemeinde.kreis_ags and not list_contains(special_areas.own_ki_towns, gemeinde.ags)
    where gemeinde.level = 'Gemeinde' and not gemeinde.kreisfrei
    union all
    select kreis_ags, area_ags from special_areas
),

geography_parts as (
    select 'geo|' || parent.cell_id as relation_id, parent.cell_id as total_cell_id, child.cell_id
    from edges
    inner join cells as parent on parent.ags = edges.parent_ags
    inner join cells as child
        on child.ags = edges.child_ags and child.measure_id = parent.measure_id
        and child.group_id = parent.group_id and child.year = parent.year
),

geography as (
    select distinct relation_id, total_cell_id as cell_id, 'total' as role from geography_parts
    union all
    select relation_id, cell_id, 'part' from geography_parts
),

group_breakdowns as (
    select * from (values
        ('staatsangehoerigkeit', 'insgesamt', 'total'),
        ('staatsangehoerigkeit', 'deutsch', 'part'),
        ('staatsangehoerigkeit', 'auslaendisch', 'part'),
        ('altersgruppe', 'insgesamt', 'total'),
        ('altersgruppe', 'u3', 'part'),
        ('altersgruppe', '3_bis_schuleintritt', 'part')
    ) as breakdowns(breakdown, group_id, role)
),

groups as (
    select
        'grp|' || group_breakdowns.breakdown || '|' || cells.measure_id || '|' || cells.ags || '|' || cells.year
            as relation_id,
        cells.cell_id,
        group_breakdowns.role
    from cells
    inner join group_breakdowns on group_breakdowns.group_id = cells.group_id
    qualify count(*) over (partition by group_breakdowns.breakdown, cells.measure_id, cells.ags, cells.year) = 3
)

select * from geography
union all
select * from groups
