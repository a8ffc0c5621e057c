-- Vergleichstyp (comparison group of similar units) for each of the 53 Kreise/kreisfreie Städte: kreisfreie Stadt or
-- Kreis, crossed with the tercile of the Ausländeranteil within that kind, in one reference year. The method and its
-- reasons are in the model's description (_marts__comparisons.yml).
-- Only the columns indicator_id, ags, level, year, group_id, value of indicator_values are read: others add columns.
{%- set pinned_reference_year = var('vergleichstyp_reference_year', none) %}

with kreise as (
    select ags, kreisfrei
    from {{ ref('dim_districts') }}
    where level = 'Kreis'
),

foreign_shares as (
    select ags, year, value
    from {{ ref('indicator_values') }}
    where indicator_id = 'auslaenderanteil' and group_id = 'insgesamt' and level = 'Kreis'
),

-- A year in which a Kreis has no value (not loaded, or secret) would leave that Kreis without a type.
complete_years as (
    select foreign_shares.year
    from foreign_shares
    inner join kreise on kreise.ags = foreign_shares.ags
    group by foreign_shares.year
    having count(foreign_shares.value) = (select count(*) from kreise)
),

reference_year as (
{%- if pinned_reference_year is not none %}
    -- pinned by the dbt variable vergleichstyp_reference_year
    select cast({{ pinned_reference_year }} as integer) as year
{%- else %}
    select max(year) as year from complete_years
{%- endif %}
),

kreise_in_reference_year as (
    select
        kreise.ags,
        kreise.kreisfrei,
        foreign_shares.year as reference_year,
        foreign_shares.value as auslaenderanteil
    from kreise
    inner join foreign_shares on foreign_shares.ags = kreise.ags
    inner join reference_year on reference_year.year = foreign_shares.year
    where foreign_shares.value is not null
),

banded as (
    select
        *,
        -- equal-sized thirds within kreisfreie Städte and within Kreise; ags breaks ties so reruns give the same split
        ntile(3) over (partition by kreisfrei order by auslaenderanteil, ags) as foreign_share_tercile,
        count(*) over (partition by kreisfrei) as units_of_kind
    from kreise_in_reference_year
),

typed as (
    select
        *,
        case when kreisfrei then 'stadt' else 'kreis' end
        || '_'
        || case foreign_share_tercile when 1 then 'niedrig' when 2 then 'mittel' else 'hoch' end as vergleichstyp_id,
        case when kreisfrei then 0 else 3 end + foreign_share_tercile as vergleichstyp_order,
        count(*) over (partition by kreisfrei, foreign_share_tercile) as vergleichstyp_size,
        min(auslaenderanteil) over (partition by kreisfrei, foreign_share_tercile) as tercile_min,
        max(auslaenderanteil) over (partition by kreisfrei, foreign_share_tercile) as tercile_max
    from banded
),

final as (
    select
        ags,
        kreisfrei,
        reference_year,
        auslaenderanteil,
        foreign_share_tercile,
        vergleichstyp_id,
        vergleichstyp_order,
        case when kreisfrei then 'Kreisfreie Städte' else 'Kreise' end
        || case foreign_share_tercile
            when 1 then ' mit niedrigem Ausländeranteil'
            when 2 then ' mit mittlerem Ausländeranteil'
            else ' mit hohem Ausländeranteil'
        end as vergleichstyp_name_de,
        -- one German sentence with the figures that define the type (German decimal comma)
        case when kreisfrei then 'Kreisfreie Städte' else 'Kreise' end
        || ', deren Ausländeranteil im Bezugsjahr ' || reference_year || ' im '
        || case foreign_share_tercile when 1 then 'unteren' when 2 then 'mittleren' else 'oberen' end
        || ' Drittel der ' || units_of_kind || case when kreisfrei then ' kreisfreien Städte' else ' Kreise' end
        || ' lag (' || vergleichstyp_size || ' '
        || case
            when kreisfrei and vergleichstyp_size = 1 then 'Stadt'
            when kreisfrei then 'Städte'
            when vergleichstyp_size = 1 then 'Kreis'
            else 'Kreise'
        end || ', '
        || replace(printf('%.1f', tercile_min), '.', ',') || ' % bis '
        || replace(printf('%.1f', tercile_max), '.', ',') || ' %).' as vergleichstyp_description_de,
        vergleichstyp_size
    from typed
)

select * from final
