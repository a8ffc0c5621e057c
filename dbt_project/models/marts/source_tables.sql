-- Every table the product can load, from the source catalogue: who publishes it, where to get it, its licence and
-- rounding, and whether its format was checked against a real download (verified). The dashboard marks every
-- indicator that rests on an unverified table ("Format nicht an einem echten Download geprüft").
with catalogue as (
    select * from {{ source('raw', 'source_catalogue') }}
)

select
    source_id,
    family,
    format,
    title_de,
    level,
    producer,
    licence,
    portal,
    rounding,
    verified
from catalogue
