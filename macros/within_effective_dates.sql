{#- A code-set row applies on a date from effective_from through effective_to (open when NULL). -#}
{% macro within_effective_dates(date_expression, seed_alias) -%}
    ({{ date_expression }} >= {{ seed_alias }}.effective_from
        and ({{ seed_alias }}.effective_to is null
            or {{ date_expression }} <= {{ seed_alias }}.effective_to))
{%- endmacro %}
