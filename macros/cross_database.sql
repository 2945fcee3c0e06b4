{#-
  Regular-expression helpers that dbt's cross-database macros do not cover. Each is
  dispatched so that a warehouse adapter can supply its own spelling.
-#}

{% macro regex_matches(value, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'infusion_integrity')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(value, pattern) -%}
    regexp_like({{ value }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(value, pattern) -%}
    regexp_full_match({{ value }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_matches(value, pattern) -%}
    ({{ value }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}

{% macro spark__regex_matches(value, pattern) -%}
    ({{ value }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}


{% macro regex_replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'infusion_integrity')(value, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro postgres__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}


{#- Whether a '|'-delimited modifier list such as '|25|59|' holds any of the given modifiers. -#}
{% macro has_any_modifier(modifier_list, modifiers) -%}
    ({%- for modifier in modifiers -%}
        {{ modifier_list }} like '%|{{ modifier | upper }}|%'
        {%- if not loop.last %} or {% endif -%}
    {%- endfor -%})
{%- endmacro %}


{#- A deterministic text key from several columns (NULLs become empty strings). -#}
{% macro text_key(columns) -%}
    {{ dbt.hash(dbt.concat(columns_as_text(columns))) }}
{%- endmacro %}

{% macro columns_as_text(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}


{#- A list of values as quoted SQL literals: ['a', 'b'] -> 'a', 'b'. -#}
{% macro quoted_list(values) -%}
    {%- if values is string -%}{%- set values = [values] -%}{%- endif -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#-
  Post-hook of every model: refresh the planner statistics of the table just built, on
  warehouses that do not do it on write. PostgreSQL has none for a new table until
  autovacuum gets to it, so the next model is planned blind (at 1 million claim lines
  int_unbundling_pattern_findings then ran for over 12 minutes instead of about 10 seconds).
-#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'infusion_integrity')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    {%- if model.config.materialized in ['table', 'incremental'] -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}

