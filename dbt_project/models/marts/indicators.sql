-- The indicator catalogue (seeds/indicator_catalogue.csv), the one home of names, definitions, units and caveats
-- that the dashboard and the docs show.
select * from {{ ref('indicator_catalogue') }}
