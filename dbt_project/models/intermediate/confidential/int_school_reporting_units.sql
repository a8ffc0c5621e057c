-- How many schools of a unit reported the optional fields of the Schulamt extract (Erstförderung, HSU), and of how
-- many schools they are: published beside the indicators built from those fields ("12 von 14 Schulen"). Counts of
-- schools are no confidential figures (the Schulverzeichnis lists every school); the pupil counts stay in
-- int_school_gemeinde_counts. A school delivered again counts once (the file loaded last wins).
with schools as (
    select * from {{ ref('stg_schulamt__schulen') }}
    {{ latest_delivery(['schulnummer', 'year']) }}
),

school_forms as (
    select schulform, hsu_angebot from {{ ref('school_forms') }}
),

units as (
    select unit_ags, gemeinde_ags from {{ ref('int_confidential_area_units') }}
)

select
    units.unit_ags as ags,
    schools.year,
    count(*) as schools,
    count(*) filter (where schools.neu_zugewanderte_in_erstfoerderung is not null) as schools_reporting_erstfoerderung,
    count(*) filter (where coalesce(school_forms.hsu_angebot, false)) as schools_with_hsu_offer,
    count(*) filter (where coalesce(school_forms.hsu_angebot, false) and schools.hsu_teilnehmende is not null)
        as schools_reporting_hsu
from schools
inner join units on units.gemeinde_ags = schools.gemeinde_ags
left join school_forms on school_forms.schulform = schools.schulform
group by units.unit_ags, schools.year
