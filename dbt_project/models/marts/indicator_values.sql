-- One row per indicator x unit x reporting year x group, with numerator, denominator, value, the official symbol,
-- whether inputs are rounded or estimated, how higher levels were built, and where numerator and denominator came
-- from. Only current NRW units (dim_districts) are kept: dissolved and pseudo-units drop out here.
-- Ausländeranteil: from the Fortschreibung alone, and a second indicator from the AZR (int_indicator_auslaenderanteil).
-- The other indicators come from published tables (intermediate int_indicator_*): they take the source's own totals
-- for every level and need no confidentiality rule.
with districts as (
    select ags, level from {{ ref('dim_districts') }}
),

auslaenderanteil as (
    select * from {{ ref('int_indicator_auslaenderanteil') }}
),

-- Each int_indicator_* model has the same columns (union by name).
published_table_indicators as (
    select * from {{ ref('int_indicator_einbuergerungsquote') }}
    union all by name
    select * from {{ ref('int_indicator_schueler_auslaendisch') }}
    union all by name
    select * from {{ ref('int_indicator_schulabschluesse') }}
    union all by name
    select * from {{ ref('int_indicator_arbeitslosigkeit') }}
    union all by name
    select * from {{ ref('int_indicator_mindestsicherungsquote') }}
    union all by name
    select * from {{ ref('int_indicator_kita_kinder') }}
    union all by name
    select * from {{ ref('int_indicator_repraesentation') }}
    union all by name
    select * from {{ ref('int_indicator_sgb2_quote') }}
),

-- Indicators from the Kreis-held extracts, with small-cell and secondary suppression already applied
kreis_extract_indicators as (
    select * from {{ ref('int_indicator_kreis_extracts') }}
),

all_indicators as (
    -- both Ausländeranteile stay at the levels they always had (Land, RB, Kreis)
    select auslaenderanteil.*
    from auslaenderanteil
    inner join districts on districts.ags = auslaenderanteil.ags
    where districts.level in ('Land', 'Regierungsbezirk', 'Kreis')
    union all by name
    select * from published_table_indicators
    union all by name
    select * from kreis_extract_indicators
),

-- The 54 Kommunale Integrationszentren: a KI serving a whole Kreis (or a town with its own KI) takes that unit's
-- values; the KI of the StädteRegion Aachen (without the Stadt Aachen) has values of its own where they can be built
-- exactly (Kreis-held extracts). Published rounded tables cannot be split: no value for that KI there.
centre_areas as (
    select ags as ki_ags, area_ags from {{ ref('dim_districts') }} where level = 'KI'
),

centre_indicators as (
    select all_indicators.* replace (centre_areas.ki_ags as ags),
        case when centre_areas.area_ags = centre_areas.ki_ags then all_indicators.aggregation
            else 'same_area_as_' || lower(districts.level) end as centre_aggregation
    from all_indicators
    inner join centre_areas on centre_areas.area_ags = all_indicators.ags
    inner join districts on districts.ags = all_indicators.ags
),

all_units as (
    select *, aggregation as centre_aggregation from all_indicators where not starts_with(ags, 'KI')
    union all by name
    select * from centre_indicators
),

final as (
    select
        all_indicators.indicator_id,
        all_indicators.ags,
        districts.level,
        all_indicators.year,
        all_indicators.group_id,
        -- counts are whole numbers; published rates have no numerator and denominator (null)
        cast(all_indicators.numerator as bigint) as numerator,
        cast(all_indicators.denominator as bigint) as denominator,
        cast(all_indicators.value as double) as value,
        all_indicators.unit,
        all_indicators.period_label,
        all_indicators.numerator_summed_rounded_parts,
        all_indicators.numerator_source_table,
        all_indicators.numerator_stand,
        all_indicators.numerator_source_file,
        all_indicators.denominator_source_table,
        all_indicators.denominator_stand,
        all_indicators.denominator_source_file,
        all_indicators.is_synthetic,
        all_indicators.flag,
        all_indicators.is_rounded,
        all_indicators.is_estimated,
        coalesce(all_indicators.is_suppressed, false) as is_suppressed,
        all_indicators.centre_aggregation as aggregation,
        -- indicators on an optional field of a Kreis-held extract: units (schools) that reported it, of all
        cast(all_indicators.reporting_units as integer) as reporting_units,
        cast(all_indicators.reporting_units_total as integer) as reporting_units_total
    from all_units as all_indicators
    inner join districts on districts.ags = all_indicators.ags
)

select * from final
