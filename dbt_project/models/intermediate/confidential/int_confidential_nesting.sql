-- Counts that lie inside other counts of the same unit, year and group ("part <= whole"): transitions to the
-- Gymnasium within all transitions, leavers without Hauptschulabschluss or with Abitur within all leavers, pupils
-- with Zuwanderungsgeschichte or in Erstförderung within all pupils (and within the pupils of the schools that
-- reported the field), segregated KiTas within all KiTas, KiTa
-- children with a non-German family language within all KiTa children of the age group. A shown part
-- tells an attacker that a hidden whole is at least that large, a shown whole that a hidden part is at most that
-- large; secondary suppression (int_confidential_cells_suppressed) takes both into account.
-- parts_disjoint: the parts of one whole exclude each other (a leaver has one Abschluss), so their sum is a bound too.
with cells as (
    select cell_id, measure_id, group_id, ags, year from {{ ref('int_confidential_cells') }}
),

nesting as (
    select * from (values
        ('uebergaenge_gymnasium', 'uebergaenge_alle', true),
        ('abgaenge_ohne_hsa', 'abgaenge_alle', true),
        ('abgaenge_hochschulreife', 'abgaenge_alle', true),
        ('schueler_zuwanderungsgeschichte', 'schueler_insgesamt', false),
        ('schueler_erstfoerderung', 'schueler_insgesamt', false),
        ('schueler_erstfoerderung', 'schueler_mit_angabe_erstfoerderung', false),
        ('schueler_mit_angabe_erstfoerderung', 'schueler_insgesamt', false),
        ('schueler_zwg_mit_angabe_hsu', 'schueler_zuwanderungsgeschichte', false),
        ('einrichtungen_segregiert', 'einrichtungen', true),
        ('kita_kinder_nichtdeutsche_familiensprache', 'kita_kinder', false)
    ) as nesting(part_measure, whole_measure, parts_disjoint)
)

select
    part.cell_id as part_cell_id,
    whole.cell_id as whole_cell_id,
    nesting.parts_disjoint
from nesting
inner join cells as part on part.measure_id = nesting.part_measure
inner join cells as whole
    on whole.measure_id = nesting.whole_measure and whole.group_id = part.group_id and whole.ags = part.ags
    and whole.year = part.year
