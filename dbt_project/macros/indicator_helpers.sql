{#- The same table, period, region and cell can be loaded from several files (a revised download): the file with the
    newest Stand wins, then the one loaded last. Older versions stay in raw and in the archive. -#}
{% macro newest_stand(partition_by) %}
qualify row_number() over (
    partition by {{ partition_by | join(', ') }}
    order by stand desc nulls last, loaded_at desc
) = 1
{% endmacro %}

{#- A Kreis or KI delivery without a Stand (the templates carry none) sent again: the file loaded last wins, per
    row (one school, one KiTa) or, with whole_file, with every row of that file (a report's sheet replaces the earlier
    one as a whole, rows left out included). -#}
{% macro latest_delivery(partition_by, whole_file=false) %}
qualify {{ 'dense_rank' if whole_file else 'row_number' }}() over (
    partition by {{ partition_by | join(', ') }}
    order by loaded_at desc, file_name desc
) = 1
{% endmacro %}

{#- Value of a share in percent; null when the denominator is zero or missing (never divide by zero). -#}
{% macro safe_share(numerator, denominator, factor=100) %}
case when {{ denominator }} > 0 then {{ numerator }} / {{ denominator }} * {{ factor }} end
{% endmacro %}

{#- The official symbols of numerator and denominator in one field ('-' = exactly zero is kept only when nothing
    else is flagged). Null when both are plain numbers. -#}
{% macro combine_flags(first, second) %}
coalesce(nullif({{ first }}, '-'), nullif({{ second }}, '-'), {{ first }}, {{ second }})
{% endmacro %}

{#- Estimated values carry the suffix s (geschätzt) in the official symbol. -#}
{% macro is_estimated(flag) %}
coalesce(regexp_matches({{ flag }}, 's$'), false)
{% endmacro %}

{#- Lineage columns of an indicator whose numerator and denominator come from the same table download. -#}
{% macro same_source_lineage(table_code='table_code', stand='stand', file_name='file_name') %}
{{ table_code }} as numerator_source_table,
        {{ stand }} as numerator_stand,
        {{ file_name }} as numerator_source_file,
        {{ table_code }} as denominator_source_table,
        {{ stand }} as denominator_stand,
        {{ file_name }} as denominator_source_file
{%- endmacro %}
