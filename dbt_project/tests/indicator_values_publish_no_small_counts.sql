-- No figure from a Kreis-held extract below the suppression threshold reaches indicator_values, and every
-- suppressed row shows neither numerator, denominator nor value.
select indicator_id, ags, year, group_id
from {{ ref('indicator_values') }}
where indicator_id in (select indicator_id from {{ ref('indicator_catalogue') }} where is_kreis_extract)
    and (
        (not is_suppressed and (numerator < {{ suppression_threshold() }} or denominator < {{ suppression_threshold() }}))
        or (is_suppressed and (numerator is not null or denominator is not null or value is not null))
    )
