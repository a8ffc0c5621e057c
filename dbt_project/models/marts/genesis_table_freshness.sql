-- Freshness of every table the GENESIS web-service pull has asked for: the Stand loaded, the portal's newest Stand
-- (from the table's metadata at the latest check that stated one), when the table was last checked and last pulled
-- successfully (downloaded, or found unchanged), and the outcome of the latest check with its German message.
with pulls as (
    select * from {{ ref('stg_genesis__pulls') }}
),

loaded as (
    select table_code, max(stand) as loaded_stand, max(loaded_at) as loaded_at
    from {{ ref('source_file_versions') }}
    group by table_code
),

latest_check as (
    select portal_id, table_code, checked_at, outcome, message_de
    from pulls
    qualify row_number() over (partition by portal_id, table_code order by checked_at desc) = 1
),

latest_stand as (
    select portal_id, table_code, portal_stand
    from pulls
    where portal_stand is not null
    qualify row_number() over (partition by portal_id, table_code order by checked_at desc) = 1
),

successes as (
    select portal_id, table_code, max(checked_at) as last_successful_pull_at
    from pulls
    where outcome in ('geladen', 'unverändert')
    group by portal_id, table_code
)

select
    latest_check.portal_id,
    latest_check.table_code,
    loaded.loaded_stand,
    loaded.loaded_at,
    latest_stand.portal_stand,
    coalesce(latest_stand.portal_stand > loaded.loaded_stand, latest_stand.portal_stand is not null and loaded.loaded_stand is null)
        as newer_stand_available,
    successes.last_successful_pull_at,
    latest_check.checked_at as last_checked_at,
    latest_check.outcome as last_outcome,
    latest_check.message_de as last_message_de
from latest_check
left join latest_stand using (portal_id, table_code)
left join successes using (portal_id, table_code)
left join loaded using (table_code)
