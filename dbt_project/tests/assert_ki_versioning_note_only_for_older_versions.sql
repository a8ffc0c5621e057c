-- The note "Bewertet nach der damals gültigen Fassung" appears exactly when an older version governed the year, and
-- says "wäre das Ergebnis" exactly when the current version would judge differently.
select *
from {{ ref('ki_standard_evaluations') }}
where (is_current_version and versioning_note_de is not null)
    or (not is_current_version and not starts_with(versioning_note_de, 'Bewertet nach der damals gültigen Fassung'))
    or (differs_from_current_version <> coalesce(versioning_note_de like '%wäre das Ergebnis%', false))
