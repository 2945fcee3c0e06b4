{#- Put each layer in its own schema named after the layer (staging, alerts, ...), not
    prefixed with the target schema, so BI tools find `alerts.alerts` on every target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
