-- INTERNAL. Every metric of ki_metric_catalogue for every KI and report year, long format: the figures of the KI
-- annual reports (int_ki_report_metrics) and the ratios of an offer to a need of the centre's area (metric_source
-- 'bedarf'): the need is the numerator of an indicator in indicator_values at level KI (the values of the area the
-- centre serves), so suppressed or secret needs stay unknown here too.
--
-- The grid is complete: the 54 KIs x every report year from the first to the last year any KI reported x every
-- metric. A KI-year without a report has has_report false and null values ("Kein Jahresbericht"). value is null
-- whenever it cannot be computed, and missing_reason_de says why.
--
-- Ratios: angebot_je_bedarf = offer x per_units / need; bedarf_je_angebot = need x per_units / offer. Multiplying
-- first keeps exact results exact (3 groups x 1,000 / 1,500 children = 2, not 1.9999...). A need or offer of 0
-- gives no ratio (division by zero), with its reason.
with report_metrics as (
    select * from {{ ref('int_ki_report_metrics') }}
),

catalogue as (
    select * from {{ ref('ki_metric_catalogue') }}
),

centres as (
    select ags as ki_ags, substr(ags, 3) as ki_id, name as ki_name
    from {{ ref('dim_districts') }}
    where level = 'KI'
),

needs as (
    select
        ags as ki_ags,
        year,
        indicator_id,
        group_id,
        numerator,
        is_suppressed,
        flag,
        numerator_source_table,
        numerator_stand,
        numerator_source_file,
        is_synthetic
    from {{ ref('indicator_values') }}
    where level = 'KI'
),

report_years as (
    select unnest(generate_series(min(year), max(year))) as year from report_metrics
),

reports as (
    select distinct ki_id, year from report_metrics
),

grid as (
    select centres.*, report_years.year, catalogue.*, reports.ki_id is not null as has_report
    from centres
    cross join report_years
    cross join catalogue
    left join reports on reports.ki_id = centres.ki_id and reports.year = report_years.year
),

from_reports as (
    select
        grid.ki_ags, grid.ki_id, grid.ki_name, grid.year, grid.metric_id, grid.has_report,
        report_metrics.value,
        report_metrics.value_date,
        cast(null as double) as offer_value,
        cast(null as double) as need_value,
        case when not grid.has_report then 'Kein Jahresbericht für dieses Jahr'
            else report_metrics.missing_reason_de end as missing_reason_de,
        case when report_metrics.report_file is not null then
            'KI-Jahresbericht ' || grid.year || ', Blatt ' || report_metrics.report_sheet
            || ' (' || report_metrics.report_file || ')'
        end as source_note_de,
        report_metrics.report_file,
        cast(null as varchar) as need_source_table,
        cast(null as timestamp) as need_stand,
        cast(null as varchar) as need_source_file,
        report_metrics.is_synthetic
    from grid
    left join report_metrics
        on report_metrics.ki_id = grid.ki_id and report_metrics.year = grid.year
        and report_metrics.metric_id = grid.metric_id
    where grid.metric_source <> 'bedarf'
),

ratio_inputs as (
    select
        grid.*,
        offer.value as offer_value,
        offer.missing_reason_de as offer_missing_reason_de,
        offer.source_note_de as offer_source_note_de,
        offer.report_file,
        offer.is_synthetic as offer_is_synthetic,
        needs.numerator as need_value,
        needs.is_suppressed as need_is_suppressed,
        needs.flag as need_flag,
        needs.numerator_source_table as need_source_table,
        needs.numerator_stand as need_stand,
        needs.numerator_source_file as need_source_file,
        needs.is_synthetic as need_is_synthetic
    from grid
    left join from_reports as offer
        on offer.ki_ags = grid.ki_ags and offer.year = grid.year and offer.metric_id = grid.offer_metric_id
    left join needs
        on needs.ki_ags = grid.ki_ags and needs.year = grid.year and needs.indicator_id = grid.need_indicator_id
        and needs.group_id = grid.need_group_id
    where grid.metric_source = 'bedarf'
),

ratios as (
    select
        ki_ags, ki_id, ki_name, year, metric_id, has_report,
        case
            when offer_value is null or need_value is null then null
            when ratio_direction = 'angebot_je_bedarf' and need_value > 0 then offer_value * per_units / need_value
            when ratio_direction = 'bedarf_je_angebot' and offer_value > 0 then need_value * per_units / offer_value
        end as value,
        cast(null as date) as value_date,
        offer_value,
        need_value,
        case
            when offer_value is null then offer_missing_reason_de
            when need_is_suppressed then 'Bedarfswert gesperrt (Geheimhaltung kleiner Fallzahlen)'
            when need_value is null and need_flag is not null
                then 'Bedarfswert in der Statistik nicht veröffentlicht (' || need_flag || ')'
            when need_value is null then 'Kein Bedarfswert für das Gebiet des KI'
            when ratio_direction = 'angebot_je_bedarf' and need_value = 0 then 'Bedarf ist 0: kein Verhältnis'
            when ratio_direction = 'bedarf_je_angebot' and offer_value = 0 then 'Angebot ist 0: kein Verhältnis'
        end as missing_reason_de,
        concat_ws('; ',
            offer_source_note_de,
            case when need_source_table is not null then
                'Bedarf: ' || need_name_de || ', Tabelle ' || need_source_table
                || coalesce(', Stand ' || strftime(need_stand, '%d.%m.%Y'), '')
                || coalesce(' (' || need_source_file || ')', '')
            end
        ) as source_note_de,
        report_file,
        need_source_table,
        need_stand,
        need_source_file,
        case when offer_is_synthetic is null and need_is_synthetic is null then null
            else coalesce(offer_is_synthetic, false) or coalesce(need_is_synthetic, false) end as is_synthetic
    from ratio_inputs
),

all_metrics as (
    select * from from_reports
    union all by name
    select * from ratios
)

select
    all_metrics.ki_ags,
    all_metrics.ki_id,
    all_metrics.ki_name,
    all_metrics.year,
    all_metrics.metric_id,
    catalogue.name_de as metric_name_de,
    catalogue.unit,
    catalogue.value_kind,
    catalogue.metric_source,
    all_metrics.value,
    all_metrics.value_date,
    all_metrics.offer_value,
    all_metrics.need_value,
    all_metrics.has_report,
    case when all_metrics.value is null and all_metrics.value_date is null then
        coalesce(all_metrics.missing_reason_de, 'Nicht berechenbar')
    end as missing_reason_de,
    nullif(all_metrics.source_note_de, '') as source_note_de,
    all_metrics.report_file,
    all_metrics.need_source_table,
    all_metrics.need_stand,
    all_metrics.need_source_file,
    all_metrics.is_synthetic
from all_metrics
inner join catalogue on catalogue.metric_id = all_metrics.metric_id
