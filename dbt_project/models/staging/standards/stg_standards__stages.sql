-- Stages of the Bildungskette named by offer_in_every_stage rules, one row per standard version, stage and programme,
-- with the programme's yes/no offer metric (ki_metric_catalogue: angebot_*). Renaming only.
with stages as (
    select * from {{ source('raw', 'ki_standard_stages') }}
)

select
    standard_id,
    version,
    standard_id || '.v' || version as version_id,
    stage_order,
    stage_de,
    programm,
    metric_id
from stages
