-- Counts from the Jugendamt KiTa extract per Gemeinde and Stichtag (01.03.), exact and confidential: only
-- confidential_cells (with suppression) may pass them on. A facility delivered again in a later file counts once
-- (last loaded wins).
-- - facilities (group insgesamt): all Einrichtungen with children, and those where at least half of the children
--   mainly speak a language other than German at home (the segregation measure of the catalogue);
-- - children and children mainly speaking a language other than German at home, by age group (u3,
--   3_bis_schuleintritt) and insgesamt: the KiTa family-language indicator (no published table gives it).
with kitas as (
    select * from {{ ref('stg_jugendamt__kitas') }}
    {{ latest_delivery(['einrichtung_id', 'year']) }}
),

with_children as (
    select
        *,
        kinder_unter_3 + kinder_3_bis_schuleintritt as children,
        kinder_unter_3_nichtdeutsche_familiensprache
            + kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache as children_non_german_language
    from kitas
),

per_gemeinde as (
    select
        gemeinde_ags as ags,
        year,
        any_value(period_label) as period_label,
        count(*) as einrichtungen,
        count(*) filter (where children_non_german_language * 2 >= children) as einrichtungen_segregiert,
        max(loaded_at) as stand,
        min(file_name) as source_file,
        count(distinct file_name) as n_source_files,
        bool_or(is_synthetic) as is_synthetic
    from with_children
    where children > 0
    group by gemeinde_ags, year
),

children_per_gemeinde as (
    select
        gemeinde_ags as ags,
        year,
        any_value(period_label) as period_label,
        sum(kinder_unter_3) as kinder_u3,
        sum(kinder_3_bis_schuleintritt) as kinder_3_bis_schuleintritt,
        sum(kinder_unter_3_nichtdeutsche_familiensprache) as sprache_u3,
        sum(kinder_3_bis_schuleintritt_nichtdeutsche_familiensprache) as sprache_3_bis_schuleintritt,
        count(*) as einrichtungen,
        max(loaded_at) as stand,
        min(file_name) as source_file,
        count(distinct file_name) as n_source_files,
        bool_or(is_synthetic) as is_synthetic
    from with_children
    where children > 0
    group by gemeinde_ags, year
)

select
    measures.measure_id, 'insgesamt' as group_id, ags, year, period_label, measures.value,
    einrichtungen as n_reporting_units, stand, source_file, n_source_files, is_synthetic,
    'tpl_jugendamt_kitas__kitas' as source_table
from per_gemeinde,
lateral (values ('einrichtungen', einrichtungen), ('einrichtungen_segregiert', einrichtungen_segregiert))
    as measures(measure_id, value)

union all

select
    measures.measure_id, measures.group_id, ags, year, period_label, measures.value,
    einrichtungen as n_reporting_units, stand, source_file, n_source_files, is_synthetic,
    'tpl_jugendamt_kitas__kitas' as source_table
from children_per_gemeinde,
lateral (values
    ('kita_kinder', 'insgesamt', kinder_u3 + kinder_3_bis_schuleintritt),
    ('kita_kinder', 'u3', kinder_u3),
    ('kita_kinder', '3_bis_schuleintritt', kinder_3_bis_schuleintritt),
    ('kita_kinder_nichtdeutsche_familiensprache', 'insgesamt', sprache_u3 + sprache_3_bis_schuleintritt),
    ('kita_kinder_nichtdeutsche_familiensprache', 'u3', sprache_u3),
    ('kita_kinder_nichtdeutsche_familiensprache', '3_bis_schuleintritt', sprache_3_bis_schuleintritt)
) as measures(measure_id, group_id, value)
