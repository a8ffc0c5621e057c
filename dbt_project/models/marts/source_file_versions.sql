-- Every loaded file with the periods it covers and whether it is the version the marts use.
-- For the same table and period the file with the newest Stand wins (int_genesis_cells_current applies the same
-- rule); a file that replaced an older one is a revision, a file replaced by a newer Stand is superseded. Older
-- versions stay in the raw tables and in the archive.
-- A pulled flat file has no Stand line: its Stand is the one the portal's metadata stated when it was pulled.
with pulled_stands as (
    select file_sha256, max(portal_stand) as portal_stand
    from {{ ref('stg_genesis__pulls') }}
    where file_sha256 is not null
    group by file_sha256
),

files as (
    select raw_files.* replace (coalesce(raw_files.stand, pulled_stands.portal_stand) as stand)
    from {{ source('raw', 'source_files') }} as raw_files
    left join pulled_stands on pulled_stands.file_sha256 = raw_files.sha256
),

file_periods as (
    select distinct file_sha256, table_code as source_key, period from {{ source('raw', 'genesis_table_cells') }}
    union all
    select distinct file_sha256, source_id as source_key, period from {{ source('raw', 'ba_cells') }}
),

ranked as (
    select
        file_periods.file_sha256,
        file_periods.period,
        row_number() over (
            partition by file_periods.source_key, file_periods.period
            order by files.stand desc nulls last, files.loaded_at desc
        ) as version_rank,
        count(*) over (partition by file_periods.source_key, file_periods.period) as versions
    from file_periods
    inner join files on files.sha256 = file_periods.file_sha256
),

per_file as (
    select
        file_sha256,
        string_agg(period, ', ' order by period) as periods,
        bool_and(version_rank = 1) as is_current,
        bool_or(version_rank = 1 and versions > 1) as is_revision
    from ranked
    group by file_sha256
)

select
    files.sha256,
    files.file_name,
    files.source_id,
    files.family,
    files.reader,
    files.table_code,
    files.title,
    files.stand,
    files.loaded_at,
    files.is_synthetic,
    files.row_count,
    files.archive_path,
    per_file.periods,
    coalesce(per_file.is_current, true) as is_current,
    coalesce(per_file.is_revision, false) as is_revision,
    case
        when not coalesce(per_file.is_current, true) then 'ersetzt durch eine neuere Fassung'
        when coalesce(per_file.is_revision, false) then 'aktuell (Revision einer älteren Fassung)'
        else 'aktuell'
    end as status_de
from files
left join per_file on per_file.file_sha256 = files.sha256
