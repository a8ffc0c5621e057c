-- Every loaded file with the periods it covers and whether it is the version the marts use.
-- For the same table and period the file with the newest Stand wins (int_genesis_cells_current applies the same
-- rule); a file that replaced an older one is a revision, a file replaced by a newer Stand is superseded. Older
-- versions stay in the raw tables and in the archive.
-- Files the Kreis holds itself (Schulamt, Jugendamt, KI report templates) name who holds them (owner_ags): the Kreis
-- (5 digits) of their schools' or KiTas' Gemeinden, or the KI ('KI' + ki_id) of a KI report; null when a file names
-- several. The dashboard shows a KI only the held files of its own Kreis and centre (dashboard/access.py).
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

schools as (
    select file_sha256, schulnummer, schuljahr, gemeinde_ags from {{ source('raw', 'tpl_schulamt_schulen__schulen') }}
),

held_by as (
    select file_sha256, left(gemeinde_ags, 5) as owner_ags from schools
    union
    -- a sheet hsu_sprachen on its own: the Kreis of its schools, as loaded from any file
    select languages.file_sha256, left(schools.gemeinde_ags, 5)
    from {{ source('raw', 'tpl_schulamt_schulen__hsu_sprachen') }} as languages
    inner join schools using (schulnummer, schuljahr)
    union
    select file_sha256, left(gemeinde_ags, 5) from {{ source('raw', 'tpl_jugendamt_kitas__kitas') }}
    union
    select file_sha256, 'KI' || ki_id from {{ source('raw', 'tpl_ki_jahresbericht__stammdaten') }}
    union
    select file_sha256, 'KI' || ki_id from {{ source('raw', 'tpl_ki_jahresbericht__programme') }}
    union
    select file_sha256, 'KI' || ki_id from {{ source('raw', 'tpl_ki_jahresbericht__kooperationen') }}
),

owners as (
    select file_sha256, case when count(distinct owner_ags) = 1 then min(owner_ags) end as owner_ags
    from held_by
    group by file_sha256
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
    files.reader = 'kreis_template' as is_kreis_held,
    owners.owner_ags,
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
left join owners on owners.file_sha256 = files.sha256
