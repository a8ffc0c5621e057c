-- Arbeitslose and Arbeitslosenquoten (13211-02-05-4), Jahresdurchschnitt per NRW region (reporting year = t).
-- Renaming and casting only: the measure text becomes a short measure id. Rates are percentages as published.
with cells as (
    select * from {{ ref('stg_genesis__table_cells') }}
    where table_code = '13211-02-05-4'
)

select
    table_code,
    ags,
    year,
    period_label,
    case measure
        when 'Arbeitslose | Insgesamt' then 'arbeitslose_insgesamt'
        when 'Arbeitslose | Ausländer' then 'arbeitslose_auslaendisch'
        when 'Arbeitslose | 15 bis unter 25 Jahre' then 'arbeitslose_15_25'
        when 'Arbeitslose | Langzeitarbeitslose' then 'arbeitslose_langzeit'
        when 'Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen | Insgesamt' then 'quote_insgesamt'
        when 'Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen | Ausländer' then 'quote_auslaendisch'
        when 'Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen | Männer' then 'quote_maenner'
        when 'Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen | Frauen' then 'quote_frauen'
        when 'Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen | 15 bis unter 25 Jahre' then 'quote_15_25'
        when 'Arbeitslosenquote bezogen auf abhängige zivile Erwerbspersonen | Insgesamt' then 'quote_abhaengige_insgesamt'
    end as measure_id,
    measure as measure_label,
    unit,
    value,
    flag,
    stand,
    loaded_at,
    file_sha256,
    file_name,
    is_synthetic
from cells
