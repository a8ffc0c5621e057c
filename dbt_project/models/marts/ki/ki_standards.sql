-- INTERNAL. The KI quality-standards catalogue in force for this build, one row per standard version, with the
-- metric's name and unit, the stages of offer_in_every_stage rules in one German text, and which version is the
-- current one: the version with the latest valid_from (what the standard says today; every evaluation says how the
-- current version would judge a year that an older version governs).
with versions as (
    select * from {{ ref('stg_standards__versions') }}
),

stages as (
    select * from {{ ref('stg_standards__stages') }}
),

metrics as (
    select metric_id, name_de as metric_name_de, unit as metric_unit from {{ ref('ki_metric_catalogue') }}
),

stage_texts as (
    select version_id, string_agg(stage_de || ': ' || programmes, '; ' order by stage_order) as stages_de
    from (
        select version_id, stage_order, stage_de, string_agg(programm, ' oder ' order by programm) as programmes
        from stages
        group by version_id, stage_order, stage_de
    )
    group by version_id
)

select
    versions.standard_id,
    versions.standard_order,
    versions.standard_name_de,
    versions.explanation_de,
    versions.basis_de,
    versions.evidence_de,
    versions.version,
    versions.version_id,
    versions.valid_from,
    versions.valid_to,
    case when versions.valid_to is null then 'ab ' || versions.valid_from
        else versions.valid_from || ' bis ' || versions.valid_to end as validity_de,
    versions.note_de,
    versions.rule_type,
    case versions.rule_type
        when 'minimum' then 'Mindestwert'
        when 'maximum' then 'Höchstwert'
        when 'required_fact' then 'Ja/Nein-Angabe'
        when 'max_age_years' then 'Höchstalter in Jahren'
        when 'offer_in_every_stage' then 'Angebot in jeder Stufe'
    end as rule_type_de,
    versions.metric_id,
    metrics.metric_name_de,
    metrics.metric_unit,
    versions.threshold,
    versions.required_value,
    versions.rule_de,
    versions.condition_metric_id,
    versions.condition_minimum,
    stage_texts.stages_de,
    versions.valid_from = max(versions.valid_from) over (partition by versions.standard_id) as is_current_version,
    versions.catalogue_edition,
    versions.catalogue_file,
    versions.catalogue_sha256,
    versions.catalogue_loaded_at
from versions
left join metrics on metrics.metric_id = versions.metric_id
left join stage_texts on stage_texts.version_id = versions.version_id
