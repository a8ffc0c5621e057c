-- The metrics of the KI annual reports (template ki_jahresbericht) per KI and report year, long format, for every
-- metric of ki_metric_catalogue whose source is the report (metric_source stammdaten, programme, kooperationen,
-- bericht_summe). Only KI-years with a report (sheet stammdaten) have rows; ki_metrics adds the years without.
--
-- A report delivered again replaces the earlier one: per sheet, the rows of the file loaded last for the KI and year
-- count (a workbook holds all three sheets; as CSV each sheet is a file of its own, so each sheet picks its own file).
--
-- Reading the sheets (the template's rules, docs/templates.md):
-- - vzae_sonstige empty = none (0); the Integrationskonzept's value is its age in years on 31.12. of the report year,
--   value_date the decision itself; integrationskonzept_vorhanden = a decision date is reported.
-- - A programme or partner type without a row was not run / had no partner: 0. A row with the figure left empty:
--   null ("Angabe im Jahresbericht leer"). A programme counts as offered (angebot_*) when its row has at least one
--   figure above 0.
-- - A sheet without any row for the KI and year (programme, kooperationen and tintg are optional sheets) says
--   nothing: its metrics are null ("Blatt ... ohne Zeilen"), not 0.
-- - Sheet tintg (template version 2, from report year 2022): KIM (§ 9 TIntG) as reported, ja/nein as 1/0; the
--   Land-funded posts approved and filled, summed over Lehrkräfte, Fachkräfte and Verwaltung where reported.
with stammdaten as (
    select * from {{ ref('stg_ki__stammdaten') }}
    {{ latest_delivery(['ki_id', 'year']) }}
),

programme as (
    select * from {{ ref('stg_ki__programme') }}
    {{ latest_delivery(['ki_id', 'year'], whole_file=true) }}
),

kooperationen as (
    select * from {{ ref('stg_ki__kooperationen') }}
    {{ latest_delivery(['ki_id', 'year'], whole_file=true) }}
),

tintg as (
    select * from {{ ref('stg_ki__tintg') }}
    {{ latest_delivery(['ki_id', 'year']) }}
),

catalogue as (
    select * from {{ ref('ki_metric_catalogue') }}
),

staff_and_concept as (
    select
        stammdaten.ki_id,
        stammdaten.year,
        figures.metric_id,
        figures.value,
        figures.value_date,
        figures.missing_reason_de,
        'stammdaten' as report_sheet,
        stammdaten.file_name as report_file,
        stammdaten.is_synthetic
    from stammdaten,
    lateral (
        values
            ('vzae_landesfoerderung', stammdaten.vzae_landesfoerderung, cast(null as date), cast(null as varchar)),
            ('vzae_kommunal', stammdaten.vzae_kommunal, cast(null as date), cast(null as varchar)),
            ('vzae_sonstige', coalesce(stammdaten.vzae_sonstige, 0), cast(null as date), cast(null as varchar)),
            ('vzae_insgesamt',
                stammdaten.vzae_landesfoerderung + stammdaten.vzae_kommunal + coalesce(stammdaten.vzae_sonstige, 0),
                cast(null as date), cast(null as varchar)),
            ('integrationskonzept_vorhanden',
                case when stammdaten.integrationskonzept_beschlossen_am is null then 0 else 1 end,
                cast(null as date), cast(null as varchar)),
            ('integrationskonzept_beschlossen_am',
                date_diff('day', stammdaten.integrationskonzept_beschlossen_am, make_date(stammdaten.year, 12, 31))
                / 365.25,
                stammdaten.integrationskonzept_beschlossen_am,
                case when stammdaten.integrationskonzept_beschlossen_am is null
                    then 'Kein Beschlussdatum im Jahresbericht' end)
    ) as figures(metric_id, value, value_date, missing_reason_de)
),

tintg_figures as (
    select
        stammdaten.ki_id,
        stammdaten.year,
        stammdaten.is_synthetic,
        tintg.file_name,
        case lower(tintg.kim_lenkungsgruppe) when 'ja' then 1 when 'nein' then 0 end as kim_lenkungsgruppe,
        case lower(tintg.kim_handlungskonzept) when 'ja' then 1 when 'nein' then 0 end as kim_handlungskonzept,
        tintg.kim_case_management_vzae,
        tintg.kim_case_management_faelle,
        tintg.kim_vzae_auslaenderbehoerde,
        tintg.kim_vzae_einbuergerungsbehoerde,
        tintg.landesstellen_lehrkraefte,
        tintg.landesstellen_lehrkraefte_besetzt,
        tintg.gemeinden_mit_pflicht_integrationsrat,
        -- a kind of post not reported counts neither as approved nor as filled
        nullif(coalesce(tintg.landesstellen_lehrkraefte, 0) + coalesce(tintg.landesstellen_fachkraefte, 0)
            + coalesce(tintg.landesstellen_verwaltung, 0), 0) as posts_approved,
        case when coalesce(tintg.landesstellen_lehrkraefte, tintg.landesstellen_fachkraefte,
                           tintg.landesstellen_verwaltung) is not null then
            coalesce(tintg.landesstellen_lehrkraefte_besetzt, 0) + coalesce(tintg.landesstellen_fachkraefte_besetzt, 0)
            + coalesce(tintg.landesstellen_verwaltung_besetzt, 0) end as posts_filled
    from stammdaten
    left join tintg on tintg.ki_id = stammdaten.ki_id and tintg.year = stammdaten.year
),

tintg_metrics as (
    select
        tintg_figures.ki_id,
        tintg_figures.year,
        figures.metric_id,
        case when tintg_figures.file_name is not null then figures.value end as value,
        cast(null as date) as value_date,
        case when tintg_figures.file_name is null then 'Blatt tintg im Jahresbericht ohne Zeile'
            when figures.value is null and figures.metric_id in ('kim_faelle_je_vzae', 'landesstellen_besetzt_anteil')
                then 'Nicht berechenbar: keine Stellen angegeben'
            when figures.value is null then 'Angabe im Jahresbericht leer' end as missing_reason_de,
        'tintg' as report_sheet,
        tintg_figures.file_name as report_file,
        tintg_figures.is_synthetic
    from tintg_figures,
    lateral (
        values
            ('kim_lenkungsgruppe', cast(tintg_figures.kim_lenkungsgruppe as double)),
            ('kim_handlungskonzept', tintg_figures.kim_handlungskonzept),
            ('kim_case_management_vzae', tintg_figures.kim_case_management_vzae),
            ('kim_case_management_faelle', tintg_figures.kim_case_management_faelle),
            ('kim_faelle_je_vzae', case when tintg_figures.kim_case_management_vzae > 0
                then tintg_figures.kim_case_management_faelle / tintg_figures.kim_case_management_vzae end),
            ('kim_vzae_auslaenderbehoerde', tintg_figures.kim_vzae_auslaenderbehoerde),
            ('kim_vzae_einbuergerungsbehoerde', tintg_figures.kim_vzae_einbuergerungsbehoerde),
            ('landesstellen_bewilligt_vzae', tintg_figures.posts_approved),
            ('landesstellen_unbesetzt_vzae', tintg_figures.posts_approved - tintg_figures.posts_filled),
            ('landesstellen_besetzt_anteil', tintg_figures.posts_filled / tintg_figures.posts_approved * 100),
            ('lehrkraftstellen_unbesetzt_vzae',
                tintg_figures.landesstellen_lehrkraefte - tintg_figures.landesstellen_lehrkraefte_besetzt),
            ('gemeinden_mit_pflicht_integrationsrat', tintg_figures.gemeinden_mit_pflicht_integrationsrat)
    ) as figures(metric_id, value)
),

sheet_files as (
    -- the file of each optional sheet per KI-year with a report; null when the sheet has no rows for it
    select
        stammdaten.ki_id,
        stammdaten.year,
        stammdaten.is_synthetic,
        (select any_value(p.file_name) from programme as p
            where p.ki_id = stammdaten.ki_id and p.year = stammdaten.year) as programme_file,
        (select any_value(k.file_name) from kooperationen as k
            where k.ki_id = stammdaten.ki_id and k.year = stammdaten.year) as kooperationen_file
    from stammdaten
),

programme_cells as (
    -- the figure of each programme metric, and whether the programme has a row at all
    select
        sheet_files.ki_id,
        sheet_files.year,
        sheet_files.programme_file,
        sheet_files.is_synthetic,
        catalogue.metric_id,
        programme.programm is not null as has_row,
        case catalogue.report_field
            when 'angebot' then
                case when greatest(coalesce(programme.gruppen, 0), coalesce(programme.teilnehmende, 0),
                                   coalesce(programme.beratungsfaelle, 0), coalesce(programme.schulen, 0)) > 0
                    then 1 else 0 end
            when 'gruppen' then programme.gruppen
            when 'teilnehmende' then programme.teilnehmende
            when 'beratungsfaelle' then programme.beratungsfaelle
            when 'schulen' then programme.schulen
        end as figure
    from sheet_files
    cross join catalogue
    left join programme
        on programme.ki_id = sheet_files.ki_id
        and programme.year = sheet_files.year
        and programme.programm = catalogue.report_item
    where catalogue.metric_source = 'programme'
),

programme_metrics as (
    select
        ki_id,
        year,
        metric_id,
        case when programme_file is null then null when not has_row then 0 else figure end as value,
        cast(null as date) as value_date,
        case
            when programme_file is null then 'Blatt programme im Jahresbericht ohne Zeilen'
            when has_row and figure is null then 'Angabe im Jahresbericht leer'
        end as missing_reason_de,
        'programme' as report_sheet,
        programme_file as report_file,
        is_synthetic
    from programme_cells
),

kooperation_metrics as (
    select
        sheet_files.ki_id,
        sheet_files.year,
        catalogue.metric_id,
        case
            when sheet_files.kooperationen_file is null then null
            when catalogue.report_field = 'vorhanden'
                then case when coalesce(kooperationen.anzahl, 0) > 0 then 1 else 0 end
            else coalesce(kooperationen.anzahl, 0)
        end as value,
        cast(null as date) as value_date,
        case when sheet_files.kooperationen_file is null then 'Blatt kooperationen im Jahresbericht ohne Zeilen' end
            as missing_reason_de,
        'kooperationen' as report_sheet,
        sheet_files.kooperationen_file as report_file,
        sheet_files.is_synthetic
    from sheet_files
    cross join catalogue
    left join kooperationen
        on kooperationen.ki_id = sheet_files.ki_id
        and kooperationen.year = sheet_files.year
        and kooperationen.partnertyp = catalogue.report_item
    where catalogue.metric_source = 'kooperationen'
),

sums as (
    -- totals over all programmes or partner types of the template (not only those with a metric of their own)
    select
        sheet_files.ki_id,
        sheet_files.year,
        totals.metric_id,
        case when totals.file_name is not null then totals.value end as value,
        cast(null as date) as value_date,
        case when totals.file_name is null then totals.missing_reason_de end as missing_reason_de,
        totals.report_sheet,
        totals.file_name as report_file,
        sheet_files.is_synthetic
    from sheet_files,
    lateral (
        values
            ('programme_mit_angebot', 'programme', sheet_files.programme_file,
                'Blatt programme im Jahresbericht ohne Zeilen',
                (select count(*) from programme as p
                    where p.ki_id = sheet_files.ki_id and p.year = sheet_files.year
                    and greatest(coalesce(p.gruppen, 0), coalesce(p.teilnehmende, 0), coalesce(p.beratungsfaelle, 0),
                                 coalesce(p.schulen, 0)) > 0)),
            ('kooperationspartner_insgesamt', 'kooperationen', sheet_files.kooperationen_file,
                'Blatt kooperationen im Jahresbericht ohne Zeilen',
                (select coalesce(sum(k.anzahl), 0) from kooperationen as k
                    where k.ki_id = sheet_files.ki_id and k.year = sheet_files.year)),
            ('partnertypen_mit_kooperation', 'kooperationen', sheet_files.kooperationen_file,
                'Blatt kooperationen im Jahresbericht ohne Zeilen',
                (select count(*) from kooperationen as k
                    where k.ki_id = sheet_files.ki_id and k.year = sheet_files.year and k.anzahl > 0))
    ) as totals(metric_id, report_sheet, file_name, missing_reason_de, value)
)

select ki_id, year, metric_id, cast(value as double) as value, value_date, missing_reason_de, report_sheet,
    report_file, is_synthetic
from staff_and_concept
union all
select ki_id, year, metric_id, cast(value as double), value_date, missing_reason_de, report_sheet, report_file,
    is_synthetic
from programme_metrics
union all
select ki_id, year, metric_id, cast(value as double), value_date, missing_reason_de, report_sheet, report_file,
    is_synthetic
from kooperation_metrics
union all
select ki_id, year, metric_id, cast(value as double), value_date, missing_reason_de, report_sheet, report_file,
    is_synthetic
from sums
union all
select ki_id, year, metric_id, cast(value as double), value_date, missing_reason_de, report_sheet, report_file,
    is_synthetic
from tintg_metrics
