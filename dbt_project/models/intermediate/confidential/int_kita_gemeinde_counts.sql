-- Facility counts from the Jugendamt KiTa extract per Gemeinde and Stichtag (01.03.): all Einrichtungen with
-- children, and those where at least half of the children mainly speak a language other than German at home (the
-- segregation measure of the catalogue). A facility delivered again in a later file counts once (last loaded wins).
-- Exact, confidential figures: only confidential_cells (with suppression) may pass them on.
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
)

select
    measures.measure_id, 'insgesamt' as group_id, ags, year, period_label, measures.value,
    einrichtungen as n_reporting_units, stand, source_file, n_source_files, is_synthetic,
    'tpl_jugendamt_kitas__kitas' as source_table
from per_gemeinde,
lateral (values ('einrichtungen', einrichtungen), ('einrichtungen_segregiert', einrichtungen_segregiert))
    as measures(measure_id, value)
