{#- Use the configured schema name as is (staging, intermediate, marts, reference) instead of dbt's
    default "<target schema>_<custom schema>", so the serving snapshot and the docs name plain schemas. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
