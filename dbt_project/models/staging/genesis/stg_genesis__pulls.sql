-- Every check of a table by the GENESIS web-service pull (raw.genesis_pulls). Renaming and casting only.
select
    portal_id,
    table_code,
    checked_at,
    portal_stand,
    outcome,
    file_name,
    file_sha256,
    file_format,
    job_name,
    message_de
from {{ source('raw', 'genesis_pulls') }}
