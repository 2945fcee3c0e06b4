{#-
  Code normalisation used by staging. Each returns a SQL expression over one text column.
-#}

{#- ICD-10-CM / ICD-9-CM: trimmed, upper case, dots, hyphens and inner spaces removed
    ('f33.1' and 'F33-1' -> 'F331'). -#}
{% macro normalize_diagnosis_code(column) -%}
    nullif(upper(replace(replace(replace(trim({{ column }}), '.', ''), '-', ''), ' ', '')), '')
{%- endmacro %}

{#- ICD-10-CM shape: a letter, a digit, then 1 to 5 letters or digits (3 to 7 characters). -#}
{% macro is_icd10_shape(normalized) -%}
    {{ regex_matches(normalized, '[A-Z][0-9][0-9A-Z]{1,5}') }}
{%- endmacro %}

{#- ICD-9-CM shape: 3 to 5 digits, or a V code, or an E code. -#}
{% macro is_icd9_shape(normalized) -%}
    {{ regex_matches(normalized, '[0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4}') }}
{%- endmacro %}

{#- HCPCS text with spaces removed and upper case; may still carry a glued modifier. -#}
{% macro clean_hcpcs_text(column) -%}
    nullif(upper(replace(trim({{ column }}), ' ', '')), '')
{%- endmacro %}

{#- CPT (4 digits + a digit, F, T or U) or HCPCS Level II (a letter + 4 digits). -#}

{% macro is_hcpcs_shape(cleaned) -%}
    {{ regex_matches(cleaned, '[0-9]{4}[0-9FTU]|[A-V][0-9]{4}') }}
{%- endmacro %}

{#- A 5-character code with a 2-character modifier glued on: '96374-59' or '9637459'. -#}
{% macro is_hcpcs_with_glued_modifier(cleaned) -%}
    {{ regex_matches(cleaned, '([0-9]{4}[0-9FTU]|[A-V][0-9]{4})-?[0-9A-Z]{2}') }}
{%- endmacro %}

{% macro modifier_value(column) -%}
    nullif(upper(trim({{ column }})), '')
{%- endmacro %}

{#-
  NDC to 11 digits (5-4-2 without separators). Accepted shapes:
  5-4-2, 4-4-2, 5-3-2 and 5-4-1 with hyphens or spaces; 11 plain digits; the paper-claim form
  'N4' + NDC + unit qualifier and quantity ('N400409205301 ML2'). A 10-digit NDC without
  separators cannot be padded safely (the missing zero may belong to any segment), so it
  yields NULL and staging reports it.
-#}
{% macro ndc_body(column) -%}
    {{ regex_replace_all(
        regex_replace_all(
            regex_replace_all("upper(trim(" ~ column ~ "))", '^N4', ''),
            '[ ]*(ML|UN|GR|F2|ME)[0-9.]*$', ''),
        '[ ]+', '-') }}
{%- endmacro %}

{% macro normalize_ndc(body) -%}
    case
        when {{ regex_matches(body, '[0-9]{11}') }} then {{ body }}
        when {{ regex_matches(body, '[0-9]{5}-[0-9]{4}-[0-9]{2}') }}
            then replace({{ body }}, '-', '')
        when {{ regex_matches(body, '[0-9]{4}-[0-9]{4}-[0-9]{2}') }}
            then '0' || replace({{ body }}, '-', '')
        when {{ regex_matches(body, '[0-9]{5}-[0-9]{3}-[0-9]{2}') }}
            then {{ dbt.split_part(body, "'-'", 1) }} || '0'
                || {{ dbt.split_part(body, "'-'", 2) }} || {{ dbt.split_part(body, "'-'", 3) }}
        when {{ regex_matches(body, '[0-9]{5}-[0-9]{4}-[0-9]') }}
            then {{ dbt.split_part(body, "'-'", 1) }} || {{ dbt.split_part(body, "'-'", 2) }}
                || '0' || {{ dbt.split_part(body, "'-'", 3) }}
    end
{%- endmacro %}

{#- ISO 8601 calendar date text that is also a real date. -#}
{% macro is_iso_date(column) -%}
    ({{ column }} is null
        or ({{ regex_matches(column, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            and {{ try_cast_date(column) }} is not null))
{%- endmacro %}

{#- Decimal text with an optional minus sign: '12', '-99.55', '.5'. -#}
{% macro is_decimal_text(column) -%}
    ({{ column }} is null or {{ regex_matches(column, '-?([0-9]+([.][0-9]*)?|[.][0-9]+)') }})
{%- endmacro %}

{#- A line's diagnosis pointer as a position 1..12: '3' (837P) or 'C' (CMS-1500 box 24E). -#}
{% macro diagnosis_pointer_position(column) -%}
    case
        when {{ regex_matches('trim(' ~ column ~ ')', '[0-9]{1,2}') }}
            and cast(trim({{ column }}) as integer) between 1 and 12
            then cast(trim({{ column }}) as integer)
        {%- for letter in 'ABCDEFGHIJKL' %}
        when upper(trim({{ column }})) = '{{ letter }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}


{#-
  Cast text to a date, NULL when it is not a real date. dbt.safe_cast is a plain cast on
  DuckDB and PostgreSQL, so each adapter spells it here.
-#}
{% macro try_cast_date(column) -%}
    {{ return(adapter.dispatch('try_cast_date', 'infusion_integrity')(column)) }}
{%- endmacro %}

{% macro default__try_cast_date(column) -%}
    {{ dbt.safe_cast(column, 'date') }}
{%- endmacro %}

{% macro duckdb__try_cast_date(column) -%}
    try_cast({{ column }} as date)
{%- endmacro %}

{#-
  PostgreSQL has no try_cast, and a failed cast stops the query, so the text is checked
  first: the YYYY-MM-DD shape, then the day against the length of its month (leap years
  included). Nested CASEs fix the order, because PostgreSQL may evaluate AND operands in
  any order. Other shapes give NULL here, though DuckDB's try_cast reads some of them
  (is_iso_date accepts only YYYY-MM-DD on both). Year 0000 is NULL: PostgreSQL has no year 0.
-#}
{% macro postgres__try_cast_date(column) -%}
    case
        when {{ column }} ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
            and substring({{ column }}, 1, 4) <> '0000'
            then case
                when cast(substring({{ column }}, 9, 2) as integer) <= extract(day from
                    make_date(
                        cast(substring({{ column }}, 1, 4) as integer),
                        cast(substring({{ column }}, 6, 2) as integer),
                        1
                    ) + interval '1 month' - interval '1 day'
                )
                    then cast({{ column }} as date)
            end
    end
{%- endmacro %}
