{#- No dbt hub packages here (dbt deps needs the network), so the few generic tests we need are our own. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test within_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where false
{%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
{%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
{% endtest %}

{#- One test per model for all its required columns instead of one dbt node per column: every dbt node costs a
    fixed amount of dbt's own time, and 196 separate not_null tests were half of all nodes (docs/performance.md).
    The failing rows are the model's rows (so the German report finds their files), with the empty columns named. -#}
{% test not_null_columns(model, columns) %}
select *, concat_ws(', ', {% for column in columns %}case when {{ column }} is null then '{{ column }}' end{{ ', ' if not loop.last }}{% endfor %}) as null_columns
from {{ model }}
where {% for column in columns %}{{ column }} is null{{ ' or ' if not loop.last }}{% endfor %}
{% endtest %}
