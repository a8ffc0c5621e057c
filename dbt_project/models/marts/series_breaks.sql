-- The known breaks in the indicator series (seeds/series_break_catalogue.csv), one row per break and affected indicator, as
-- every consumer of a series reads them from the snapshot (charts, Steckbriefe, PDF, downloads).
-- chart_position is the place on a year axis: between the last year before and the first year on a new basis
-- (first_year - 0.5), or on the year itself for a single year that is not comparable or a year without data.
-- group_ids ('|'-separated, like the catalogue's groups) is null when the break affects every group of the indicator.
with breaks as (
    select * from {{ ref('series_break_catalogue') }}
),

catalogue as (
    select indicator_id, name_de from {{ ref('indicators') }}
),

per_indicator as (
    select breaks.* exclude (indicator_ids, group_ids),
        trim(unnest(string_split(breaks.indicator_ids, '|'))) as indicator_id,
        -- the groups as written, blanks removed; null = every group
        nullif(replace(trim(coalesce(breaks.group_ids, '')), ' ', ''), '') as group_ids
    from breaks
)

select
    per_indicator.break_id,
    per_indicator.indicator_id,
    catalogue.name_de as indicator_name_de,
    per_indicator.kind,
    per_indicator.first_year,
    case when per_indicator.kind = 'neue_grundlage' then per_indicator.first_year - 0.5
        else cast(per_indicator.first_year as double) end as chart_position,
    per_indicator.event_date,
    per_indicator.label_de,
    per_indicator.text_de,
    per_indicator.group_ids,
    per_indicator.source_de
from per_indicator
left join catalogue on catalogue.indicator_id = per_indicator.indicator_id
