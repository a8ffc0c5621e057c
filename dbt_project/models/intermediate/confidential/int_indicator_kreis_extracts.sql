-- Indicators from the Kreis-held extracts (Schulamt schools, Jugendamt KiTas), for every unit and group that
-- int_confidential_cells_suppressed has: numerator and denominator are exact sums of the extracts. A row is
-- published with its figures only when neither its numerator cell nor its denominator cell is suppressed;
-- otherwise numerator, denominator and value are empty and the row says "gesperrt" (flag '.', is_suppressed).
-- Same columns as the other int_indicator_* models, plus reporting_units / reporting_units_total for the indicators
-- on an optional field of the Schulamt extract: the schools that reported it, of the schools that could have.
with cells as (
    select * from {{ ref('int_confidential_cells_suppressed') }}
),

reporting as (
    select * from {{ ref('int_school_reporting_units') }}
),

definitions as (
    select * from (values
        ('schueler_zuwanderungsgeschichte', 'schueler_zuwanderungsgeschichte', 'schueler_insgesamt', 100, '%'),
        -- optional fields: the denominator counts the same schools as the numerator (those that reported it)
        ('seiteneinsteiger', 'schueler_erstfoerderung', 'schueler_mit_angabe_erstfoerderung', 1000, 'je 1.000'),
        ('hsu_teilnahme', 'hsu_teilnehmende_primar_sek_i', 'schueler_zwg_mit_angabe_hsu', 100, 'je 100'),
        ('uebergang_gymnasium', 'uebergaenge_gymnasium', 'uebergaenge_alle', 100, '%'),
        ('ohne_hsa_nach_staatsangehoerigkeit', 'abgaenge_ohne_hsa', 'abgaenge_alle', 100, '%'),
        ('hochschulreife_nach_staatsangehoerigkeit', 'abgaenge_hochschulreife', 'abgaenge_alle', 100, '%'),
        ('kita_segregation', 'einrichtungen_segregiert', 'einrichtungen', 100, '%'),
        ('kita_familiensprache', 'kita_kinder_nichtdeutsche_familiensprache', 'kita_kinder', 100, '%')
    ) as definitions(indicator_id, numerator_measure, denominator_measure, factor, unit)
),

paired as (
    select
        definitions.indicator_id,
        definitions.unit,
        definitions.factor,
        denominator.ags,
        denominator.year,
        denominator.group_id,
        denominator.period_label,
        numerator.value as numerator_value,
        denominator.value as denominator_value,
        numerator.is_suppressed or denominator.is_suppressed as is_suppressed,
        numerator.source_table as numerator_source_table,
        numerator.stand as numerator_stand,
        numerator.source_file as numerator_source_file,
        denominator.source_table as denominator_source_table,
        denominator.stand as denominator_stand,
        denominator.source_file as denominator_source_file,
        numerator.is_synthetic or denominator.is_synthetic as is_synthetic,
        case definitions.indicator_id
            when 'seiteneinsteiger' then reporting.schools_reporting_erstfoerderung
            when 'hsu_teilnahme' then reporting.schools_reporting_hsu
        end as reporting_units,
        case definitions.indicator_id
            when 'seiteneinsteiger' then reporting.schools
            when 'hsu_teilnahme' then reporting.schools_with_hsu_offer
        end as reporting_units_total
    from definitions
    inner join cells as denominator on denominator.measure_id = definitions.denominator_measure
    inner join cells as numerator
        on numerator.measure_id = definitions.numerator_measure and numerator.ags = denominator.ags
        and numerator.year = denominator.year and numerator.group_id = denominator.group_id
    left join reporting on reporting.ags = denominator.ags and reporting.year = denominator.year
)

select
    indicator_id,
    ags,
    year,
    group_id,
    case when not is_suppressed then numerator_value end as numerator,
    case when not is_suppressed then denominator_value end as denominator,
    case when not is_suppressed then {{ safe_share('numerator_value', 'denominator_value', 'factor') }} end as value,
    unit,
    period_label,
    case when is_suppressed then '.' end as flag,
    false as is_rounded,
    false as is_estimated,
    is_suppressed,
    'sum_of_exact_parts' as aggregation,
    false as numerator_summed_rounded_parts,
    numerator_source_table,
    cast(numerator_stand as date) as numerator_stand,
    numerator_source_file,
    denominator_source_table,
    cast(denominator_stand as date) as denominator_stand,
    denominator_source_file,
    is_synthetic,
    reporting_units,
    reporting_units_total
from paired
