-- The KI quality-standards catalogue as the pipeline validated and wrote it (pipelines/standards/land.py): one row
-- per standard version. Renaming only, plus the version's id ('<standard_id>.v<version>') used in every evaluation.
-- valid_from / valid_to are report years (inclusive); valid_to null = open.
with versions as (
    select * from {{ source('raw', 'ki_standards') }}
)

select
    standard_id,
    standard_order,
    name_de as standard_name_de,
    explanation_de,
    basis_de,
    evidence_de,
    version,
    standard_id || '.v' || version as version_id,
    valid_from,
    valid_to,
    note_de,
    rule_type,
    metric_id,
    threshold,
    required_value,
    -- applies_if: the standard applies only where this metric is at least condition_minimum
    condition_metric_id,
    condition_minimum,
    rule_de,
    catalogue_edition,
    catalogue_file,
    catalogue_sha256,
    loaded_at as catalogue_loaded_at
from versions
