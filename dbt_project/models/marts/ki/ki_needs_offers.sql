-- INTERNAL. Bestands- und Bedarfsanalyse: each centre's offers against the need of its area, per KI, report year
-- and ratio (the metrics of ki_metric_catalogue with metric_source 'bedarf'), made comparable across the 54 centres:
-- - ratio: offer per need (or need per offer, ratio_direction) as in ki_metrics;
-- - all_ki_ratio: the same ratio for all centres with both values together (sum of offers / sum of needs), the
--   level a centre can be held against;
-- - median_ratio, ratio_to_median: the median over the centres with a value in that year, and the centre's ratio
--   divided by it (1 = typical; above 1 = more offer per need than the typical centre, for need-per-offer ratios
--   more need per offer);
-- - rank, ranked_count: rank among the centres with a value in that year, 1 = best coverage (highest offer per need,
--   or lowest need per offer).
with metrics as (
    select * from {{ ref('ki_metrics') }}
    where metric_source = 'bedarf'
),

catalogue as (
    select * from {{ ref('ki_metric_catalogue') }}
),

offer_names as (
    select metric_id as offer_metric_id, name_de as offer_name_de from catalogue
),

with_definition as (
    select
        metrics.*,
        catalogue.explanation_de,
        catalogue.ratio_direction,
        catalogue.higher_is_better,
        catalogue.per_units,
        catalogue.offer_metric_id,
        offer_names.offer_name_de,
        catalogue.need_indicator_id,
        catalogue.need_group_id,
        catalogue.need_name_de,
        catalogue.caveat_de
    from metrics
    inner join catalogue on catalogue.metric_id = metrics.metric_id
    left join offer_names on offer_names.offer_metric_id = catalogue.offer_metric_id
),

per_year as (
    select
        metric_id,
        year,
        -- pooled over the centres where both sides are known and the ratio exists
        case
            when any_value(ratio_direction) = 'angebot_je_bedarf'
                then sum(offer_value) filter (where value is not null) * any_value(per_units)
                    / nullif(sum(need_value) filter (where value is not null), 0)
            else sum(need_value) filter (where value is not null) * any_value(per_units)
                / nullif(sum(offer_value) filter (where value is not null), 0)
        end as all_ki_ratio,
        median(value) as median_ratio,
        count(value) as ranked_count
    from with_definition
    group by metric_id, year
)

select
    with_definition.ki_ags,
    with_definition.ki_id,
    with_definition.ki_name,
    with_definition.year,
    with_definition.metric_id,
    with_definition.metric_name_de as name_de,
    with_definition.explanation_de,
    with_definition.unit,
    with_definition.ratio_direction,
    with_definition.higher_is_better,
    with_definition.offer_metric_id,
    with_definition.offer_name_de,
    with_definition.offer_value,
    with_definition.need_indicator_id,
    with_definition.need_group_id,
    with_definition.need_name_de,
    with_definition.need_value,
    with_definition.value as ratio,
    per_year.all_ki_ratio,
    per_year.median_ratio,
    with_definition.value / nullif(per_year.median_ratio, 0) as ratio_to_median,
    case when with_definition.value is not null then
        case when with_definition.higher_is_better
            then rank() over (partition by with_definition.metric_id, with_definition.year
                              order by with_definition.value desc nulls last)
            else rank() over (partition by with_definition.metric_id, with_definition.year
                              order by with_definition.value asc nulls last)
        end
    end as rank,
    per_year.ranked_count,
    with_definition.has_report,
    with_definition.missing_reason_de,
    with_definition.caveat_de,
    with_definition.source_note_de,
    with_definition.report_file,
    with_definition.need_source_table,
    with_definition.need_stand,
    with_definition.need_source_file,
    with_definition.is_synthetic
from with_definition
inner join per_year on per_year.metric_id = with_definition.metric_id and per_year.year = with_definition.year
