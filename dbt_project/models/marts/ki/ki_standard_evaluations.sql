-- INTERNAL. Every KI x report year x quality standard, judged under the version of the standard that was valid in
-- that year (the catalogue's versions, stg_standards__versions), and judged a second time under the current version
-- so that a threshold change shows where it would change the verdict on the past.
--
-- Status: 'erfüllt', 'nicht erfüllt', 'keine Daten' or 'entfällt'. A year without a report is 'keine Daten' for
-- every standard. A rule with a condition (applies_if: condition metric >= condition_minimum, e.g. the Integrationsrat
-- only where § 27 GO NRW makes one mandatory) is 'entfällt' where the condition metric is below the minimum; where
-- it is unknown, a verdict 'nicht erfüllt' becomes 'keine Daten' (an obligation that cannot be shown is not failed).
-- Per rule type:
-- - minimum / maximum: the metric's value >= / <= threshold; no value -> 'keine Daten' (detail_de says why).
-- - required_fact: the yes/no metric (1/0) equals required_value; no value -> 'keine Daten'.
-- - max_age_years: the date (value_date) plus threshold years reaches 31.12. of the report year; a report without
--   the date is 'keine Daten' (a missing date in the report is no proof that nothing was decided).
-- - offer_in_every_stage: every listed stage has at least one of its programmes offered (offer metric = 1); value is
--   the number of stages with an offer, threshold the number listed; a stage without any offer -> 'nicht erfüllt',
--   otherwise a stage whose programmes are unknown -> 'keine Daten'.
-- Years before a standard's first valid_from (or in a gap between versions) have no row: the standard did not apply.
with metrics as (
    select * from {{ ref('ki_metrics') }}
),

versions as (
    select * from {{ ref('stg_standards__versions') }}
),

stage_programmes as (
    select * from {{ ref('stg_standards__stages') }}
),

centre_years as (
    select
        ki_ags,
        any_value(ki_id) as ki_id,
        any_value(ki_name) as ki_name,
        year,
        bool_or(has_report) as has_report,
        bool_or(is_synthetic) as is_synthetic
    from metrics
    group by ki_ags, year
),

current_versions as (
    select standard_id, version as current_version
    from versions
    qualify row_number() over (partition by standard_id order by valid_from desc) = 1
),

applicable as (
    select
        centre_years.*,
        versions.standard_id,
        versions.version as valid_version,
        current_versions.current_version
    from centre_years
    inner join versions
        on centre_years.year >= versions.valid_from
        and (versions.valid_to is null or centre_years.year <= versions.valid_to)
    inner join current_versions on current_versions.standard_id = versions.standard_id
),

judgements as (
    -- each row twice: under the version valid in its year, and under the current version
    select applicable.*, 'valid' as judged_by, valid_version as version from applicable
    union all
    select applicable.*, 'current' as judged_by, current_version as version from applicable
),

stage_offers as (
    -- per centre, year, standard version and stage: 1 if one of its programmes was offered, 0 if none, null unknown
    select
        centre_years.ki_ags,
        centre_years.year,
        stage_programmes.standard_id,
        stage_programmes.version,
        stage_programmes.stage_order,
        stage_programmes.stage_de,
        max(metrics.value) as offered
    from centre_years
    cross join stage_programmes
    left join metrics
        on metrics.ki_ags = centre_years.ki_ags and metrics.year = centre_years.year
        and metrics.metric_id = stage_programmes.metric_id
    group by all
),

stage_coverage as (
    select
        ki_ags,
        year,
        standard_id,
        version,
        count(*) filter (where offered = 1) as stages_with_offer,
        count(*) filter (where offered is null) as stages_unknown,
        string_agg(stage_de, ', ' order by stage_order) filter (where offered = 0) as stages_without_offer_de
    from stage_offers
    group by ki_ags, year, standard_id, version
),

judged as (
    select
        judgements.*,
        versions.version_id,
        versions.standard_name_de,
        versions.standard_order,
        versions.rule_type,
        versions.metric_id,
        versions.threshold,
        versions.required_value,
        versions.rule_de,
        versions.condition_metric_id,
        versions.condition_minimum,
        conditions.metric_name_de as condition_name_de,
        versions.catalogue_edition,
        case when versions.rule_type = 'offer_in_every_stage' then stage_coverage.stages_with_offer
            else metrics.value end as value,
        metrics.value_date,
        case
            when not judgements.has_report then 'keine Daten'
            when versions.rule_type = 'max_age_years' then
                case
                    when metrics.value_date is null then 'keine Daten'
                    when metrics.value_date + to_years(cast(versions.threshold as integer))
                        >= make_date(judgements.year, 12, 31) then 'erfüllt'
                    else 'nicht erfüllt'
                end
            when versions.rule_type = 'offer_in_every_stage' then
                case
                    when stage_coverage.stages_without_offer_de is not null then 'nicht erfüllt'
                    when stage_coverage.stages_unknown > 0 then 'keine Daten'
                    else 'erfüllt'
                end
            when metrics.value is null then 'keine Daten'
            when versions.rule_type = 'minimum' then
                case when metrics.value >= versions.threshold then 'erfüllt' else 'nicht erfüllt' end
            when versions.rule_type = 'maximum' then
                case when metrics.value <= versions.threshold then 'erfüllt' else 'nicht erfüllt' end
            when versions.rule_type = 'required_fact' then
                case when (metrics.value = 1) = versions.required_value then 'erfüllt' else 'nicht erfüllt' end
        end as rule_status,
        conditions.value as condition_value,
        conditions.missing_reason_de as condition_missing_reason_de,
        case
            when not judgements.has_report then 'Kein Jahresbericht für dieses Jahr'
            when versions.rule_type = 'max_age_years' and metrics.value_date is null then metrics.missing_reason_de
            when versions.rule_type = 'max_age_years' then
                'Beschluss vom ' || strftime(metrics.value_date, '%d.%m.%Y')
            when versions.rule_type = 'offer_in_every_stage' then
                coalesce(
                    'Ohne Angebot: ' || stage_coverage.stages_without_offer_de,
                    case when stage_coverage.stages_unknown > 0 then 'Programme im Jahresbericht nicht angegeben' end
                )
            else metrics.missing_reason_de
        end as detail_de
    from judgements
    inner join versions on versions.standard_id = judgements.standard_id and versions.version = judgements.version
    left join metrics
        on metrics.ki_ags = judgements.ki_ags and metrics.year = judgements.year
        and metrics.metric_id = versions.metric_id
    left join stage_coverage
        on stage_coverage.ki_ags = judgements.ki_ags and stage_coverage.year = judgements.year
        and stage_coverage.standard_id = judgements.standard_id and stage_coverage.version = judgements.version
    left join metrics as conditions
        on conditions.ki_ags = judgements.ki_ags and conditions.year = judgements.year
        and conditions.metric_id = versions.condition_metric_id
),

conditioned as (
    select
        judged.* exclude (detail_de),
        case
            when judged.condition_metric_id is null or not judged.has_report then judged.rule_status
            when judged.condition_value < judged.condition_minimum then 'entfällt'
            when judged.condition_value is null and judged.rule_status = 'nicht erfüllt' then 'keine Daten'
            else judged.rule_status
        end as status,
        case
            when judged.condition_metric_id is null or not judged.has_report then judged.detail_de
            when judged.condition_value < judged.condition_minimum
                then 'Gilt hier nicht: ' || judged.condition_name_de || ' ' || format('{:g}', judged.condition_value)
            when judged.condition_value is null and judged.rule_status = 'nicht erfüllt'
                then 'Nicht erfüllt, aber ob der Standard hier gilt, ist unbekannt (' || judged.condition_name_de
                    || ': ' || coalesce(judged.condition_missing_reason_de, 'keine Angabe') || ')'
            else judged.detail_de
        end as detail_de
    from judged
),

as_valid as (
    select * from conditioned where judged_by = 'valid'
),

as_current as (
    select * from conditioned where judged_by = 'current'
)

select
    as_valid.ki_ags,
    as_valid.ki_id,
    as_valid.ki_name,
    as_valid.year,
    as_valid.standard_id,
    as_valid.standard_name_de,
    as_valid.standard_order,
    as_valid.version,
    as_valid.version_id,
    as_valid.rule_type,
    as_valid.metric_id,
    as_valid.rule_de,
    as_valid.threshold,
    as_valid.required_value,
    as_valid.value,
    as_valid.value_date,
    as_valid.status,
    as_valid.detail_de,
    as_valid.has_report,
    as_valid.version = as_valid.current_version as is_current_version,
    as_current.version_id as current_version_id,
    as_current.rule_de as current_rule_de,
    as_current.threshold as current_threshold,
    as_current.status as status_current_version,
    as_valid.status <> as_current.status as differs_from_current_version,
    case when as_valid.version <> as_valid.current_version then
        'Bewertet nach der damals gültigen Fassung ' || as_valid.version || ' (' || as_valid.rule_de || '). '
        || case when as_valid.status <> as_current.status
            then 'Nach der aktuellen Fassung ' || as_current.version || ' (' || as_current.rule_de || ')'
                || ' wäre das Ergebnis: ' || as_current.status || '.'
            else 'Die aktuelle Fassung ' || as_current.version || ' (' || as_current.rule_de || ')'
                || ' käme zum selben Ergebnis.'
        end
    end as versioning_note_de,
    as_valid.catalogue_edition,
    as_valid.is_synthetic
from as_valid
inner join as_current
    on as_current.ki_ags = as_valid.ki_ags and as_current.year = as_valid.year
    and as_current.standard_id = as_valid.standard_id
