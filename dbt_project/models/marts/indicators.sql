-- The indicator catalogue (seeds/indicator_catalogue.csv), the one home of names, definitions, units and caveats
-- that the dashboard and the docs show. A caveat names the confidentiality threshold as {schwelle}: it is the one
-- this build suppressed with (macro suppression_threshold), served also as a column for the dashboard's own texts.
select
    * replace (replace(caveats_de, '{schwelle}', cast({{ suppression_threshold() }} as varchar)) as caveats_de),
    {{ suppression_threshold() }} as suppression_threshold
from {{ ref('indicator_catalogue') }}
