-- Counts from the Schulamt school extract summed per Gemeinde, Schuljahr, measure and nationality group: the
-- smallest unit the product publishes (single schools are never shown). A school delivered again in a later file
-- counts once: the file loaded last wins (the templates carry no Stand; the delivery replaces the earlier one).
-- Groups: insgesamt and auslaendisch come from the extract, deutsch = insgesamt - auslaendisch.
-- Optional fields (Erstförderung, HSU; empty = "nicht erhoben") get a denominator of their own that counts only the
-- schools that reported the field, so numerator and denominator cover the same schools. HSU counts only schools of
-- the Primarstufe and Sekundarstufe I, where HSU is offered (seed school_forms, HSU-Erlass BASS 13-61 Nr. 2).
-- Exact, confidential figures: only confidential_cells (with suppression) may pass them on.
with schools as (
    select * from {{ ref('stg_schulamt__schulen') }}
    {{ latest_delivery(['schulnummer', 'year']) }}
),

school_forms as (
    select schulform, hsu_angebot from {{ ref('school_forms') }}
),

per_school as (
    -- one row per school, measure and group; columns that do not apply to a Schulform are empty and drop out
    select schulnummer, gemeinde_ags, year, period_label, file_name, loaded_at, is_synthetic, measure_id, group_id, value
    from (
        select schools.*, coalesce(school_forms.hsu_angebot, false) as hsu_angebot
        from schools
        left join school_forms on school_forms.schulform = schools.schulform
    ) as schools,
    lateral (
        values
            ('schueler_insgesamt', 'insgesamt', schueler_insgesamt),
            ('schueler_zuwanderungsgeschichte', 'insgesamt', schueler_mit_zuwanderungsgeschichte),
            ('schueler_erstfoerderung', 'insgesamt', neu_zugewanderte_in_erstfoerderung),
            ('schueler_mit_angabe_erstfoerderung', 'insgesamt',
                case when neu_zugewanderte_in_erstfoerderung is not null then schueler_insgesamt end),
            ('hsu_teilnehmende_primar_sek_i', 'insgesamt', case when hsu_angebot then hsu_teilnehmende end),
            ('schueler_zwg_mit_angabe_hsu', 'insgesamt',
                case when hsu_angebot and hsu_teilnehmende is not null then schueler_mit_zuwanderungsgeschichte end),
            ('uebergaenge_alle', 'insgesamt',
                uebergaenge_hauptschule + uebergaenge_realschule + uebergaenge_sekundarschule
                + uebergaenge_gesamtschule + uebergaenge_gymnasium + uebergaenge_sonstige),
            ('uebergaenge_alle', 'auslaendisch',
                uebergaenge_hauptschule_auslaendisch + uebergaenge_realschule_auslaendisch
                + uebergaenge_sekundarschule_auslaendisch + uebergaenge_gesamtschule_auslaendisch
                + uebergaenge_gymnasium_auslaendisch + uebergaenge_sonstige_auslaendisch),
            ('uebergaenge_gymnasium', 'insgesamt', uebergaenge_gymnasium),
            ('uebergaenge_gymnasium', 'auslaendisch', uebergaenge_gymnasium_auslaendisch),
            ('abgaenge_alle', 'insgesamt',
                abgaenge_ohne_hsa + abgaenge_hsa + abgaenge_mittlerer_abschluss + abgaenge_fhr
                + abgaenge_hochschulreife),
            ('abgaenge_alle', 'auslaendisch',
                abgaenge_ohne_hsa_auslaendisch + abgaenge_hsa_auslaendisch
                + abgaenge_mittlerer_abschluss_auslaendisch + abgaenge_fhr_auslaendisch
                + abgaenge_hochschulreife_auslaendisch),
            ('abgaenge_ohne_hsa', 'insgesamt', abgaenge_ohne_hsa),
            ('abgaenge_ohne_hsa', 'auslaendisch', abgaenge_ohne_hsa_auslaendisch),
            ('abgaenge_hochschulreife', 'insgesamt', abgaenge_hochschulreife),
            ('abgaenge_hochschulreife', 'auslaendisch', abgaenge_hochschulreife_auslaendisch)
    ) as measures(measure_id, group_id, value)
    where value is not null
),

per_gemeinde as (
    select
        measure_id,
        group_id,
        gemeinde_ags as ags,
        year,
        any_value(period_label) as period_label,
        sum(value) as value,
        count(*) as n_reporting_units,
        max(loaded_at) as stand,
        min(file_name) as source_file,
        count(distinct file_name) as n_source_files,
        bool_or(is_synthetic) as is_synthetic
    from per_school
    group by measure_id, group_id, gemeinde_ags, year
),

german as (
    -- deutsch = insgesamt - auslaendisch, where both are there
    select
        total.measure_id, 'deutsch' as group_id, total.ags, total.year, total.period_label,
        total.value - foreign_part.value as value,
        total.n_reporting_units, total.stand, total.source_file, total.n_source_files, total.is_synthetic
    from per_gemeinde as total
    inner join per_gemeinde as foreign_part
        on foreign_part.measure_id = total.measure_id and foreign_part.ags = total.ags and foreign_part.year = total.year
        and foreign_part.group_id = 'auslaendisch'
    where total.group_id = 'insgesamt'
)

select *, 'tpl_schulamt_schulen__schulen' as source_table from per_gemeinde
union all
select *, 'tpl_schulamt_schulen__schulen' as source_table from german
