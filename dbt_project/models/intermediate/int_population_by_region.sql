-- Population (Fortschreibung des Bevölkerungsstandes) on 31.12. per NRW region and year.
-- Several tables carry it: 12411-01-01-4 (Kreise, Regionaldatenbank), 12411-15i (Gemeinden, Landesdatenbank NRW),
-- 12411-02-03-4 and 12411-03-03-4 (their row for all ages) and the flat file of 12411 (Länder). All publish exact
-- counts from the same statistic; where several are loaded, the newer Stand wins.
with population_cells as (
    select *
    from {{ ref('int_genesis_cells_current') }}
    where
        (table_code = '12411-01-01-4' and measure_id = 'insgesamt')
        -- the population column, recognised by label and unit 'Anzahl': never the area or the density beside it
        or (table_code = '12411-15i' and measure_id = 'bevoelkerung')
        or (table_code = '12411-02-03-4' and measure_id = 'insgesamt' and dimension_ids[1] = 'insgesamt')
        or (table_code = '12411-03-03-4' and measure_id = 'insgesamt' and dimension_ids[1] = 'insgesamt')
        or (table_code = '12411' and measure_id = 'bevoelkerung' and dimension_ids[1] = 'insgesamt')
),

published as (
    select
        ags,
        year,
        period_label,
        cast(value as bigint) as population,
        flag,
        table_code as source_table,
        stand as source_stand,
        file_name as source_file,
        is_synthetic,
        false as summed_exact_parts
    from population_cells
    where value is not null
    qualify row_number() over (partition by ags, year order by stand desc nulls last, loaded_at desc) = 1
),

-- A download of Kreise only (the web service's flat file of 12411-01-01-4 has no Land or Regierungsbezirk line):
-- the Land and each Regierungsbezirk are then the sum of all their Kreise and kreisfreie Städte, exact counts of
-- the same statistic. Built only when every one of them has a value.
kreis_parents as (
    select ags as kreis_ags, unnest([rb_ags, '05']) as parent_ags
    from {{ ref('nrw_districts') }}
    where kind in ('Kreis', 'kreisfreie Stadt')
),

parts_per_parent as (
    select parent_ags, count(*) as parts from kreis_parents group by parent_ags
),

summed as (
    select
        kreis_parents.parent_ags as ags,
        published.year,
        any_value(published.period_label) as period_label,
        sum(published.population) as population,
        max(published.flag) as flag,
        any_value(published.source_table) as source_table,
        max(published.source_stand) as source_stand,
        any_value(published.source_file) as source_file,
        bool_or(published.is_synthetic) as is_synthetic,
        true as summed_exact_parts
    from published
    inner join kreis_parents on kreis_parents.kreis_ags = published.ags
    inner join parts_per_parent using (parent_ags)
    group by kreis_parents.parent_ags, published.year, parts_per_parent.parts
    having count(*) = parts_per_parent.parts
)

select * from published
union all
select * from summed
where not exists (select 1 from published where published.ags = summed.ags and published.year = summed.year)
