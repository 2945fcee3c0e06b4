{#-
  Shared pieces of the alert tables. Every alert table starts with the columns of
  alert_columns(), in that order, and `alerts` unions the tables named in
  alert_rule_models().
-#}

{#- The alert tables `alerts` unions. Add a new rule's model here. -#}
{% macro alert_rule_models() -%}
    {{ return([
        'alert_ketamine_infusion_mental_health',
        'alert_iv_infusion_mental_health',
        'alert_home_infusion_per_diem',
        'alert_infusion_unbundling',
    ]) }}
{%- endmacro %}


{% macro alert_columns() -%}
    {{ return([
        'alert_id', 'rule_id', 'reason_code', 'severity', 'person_id', 'claim_id',
        'claim_line_numbers', 'billing_npi', 'rendering_npi', 'service_date', 'amount_at_risk',
        'hcpcs_codes', 'diagnosis_codes', 'evidence'
    ]) }}
{%- endmacro %}


{#-
  Deterministic alert id: the same rule, reason and finding key give the same id on every
  run. Use keys made of input values (claim id, person, codes, dates), never row numbers.
-#}
{% macro alert_id(rule_id, reason_code_expression, key_columns) -%}
    {{ text_key(["'" ~ rule_id ~ "'", reason_code_expression] + key_columns) }}
{%- endmacro %}


{#-
  Dollars at risk over a group of claim lines of one claim, each dollar counted once: the
  sum of the lines' amounts (on claims with claim-level money, their shares of the claim
  amount allocated by charge), or the claim amount once when some line of a claim-level
  claim has no share (no usable charges). Aggregate expression.
-#}
{% macro amount_at_risk(line_alias) -%}
    coalesce(
        case
            when max({{ line_alias }}.money_level) = 'claim'
                and count({{ line_alias }}.line_amount_at_risk) < count(*)
                then max({{ line_alias }}.claim_level_amount_at_risk)
            else sum({{ line_alias }}.line_amount_at_risk)
        end,
        0
    )
{%- endmacro %}


{#- A sorted, comma-separated list of distinct values: an aggregate expression. -#}
{% macro sorted_list(column) -%}
    {{ return(adapter.dispatch('sorted_list', 'infusion_integrity')(column)) }}
{%- endmacro %}

{% macro default__sorted_list(column) -%}
    {{ dbt.listagg('distinct cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')', "', '", 'order by cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }}
{%- endmacro %}

{% macro duckdb__sorted_list(column) -%}
    string_agg(distinct cast({{ column }} as varchar), ', ' order by cast({{ column }} as varchar))
{%- endmacro %}


{#-
  A line as evidence sentences name it: code, line number, units and modifiers, e.g.
  '96374 line 2 (1 unit, modifiers 59)'. Expects the columns hcpcs_code,
  claim_line_number, service_unit_quantity and modifier_list.
-#}
{% macro claim_line_label() -%}
    hcpcs_code || ' line ' || cast(claim_line_number as {{ dbt.type_string() }}) || ' ('
    || case
        when service_unit_quantity is null then 'units not reported'
        when service_unit_quantity = 1 then '1 unit'
        when service_unit_quantity = floor(service_unit_quantity)
            then
                cast(cast(service_unit_quantity as integer) as {{ dbt.type_string() }})
                || ' units'
        else cast(service_unit_quantity as {{ dbt.type_string() }}) || ' units'
    end
    || ', '
    || case
        when coalesce(modifier_list, '|') = '|' then 'no modifier'
        else 'modifiers ' || replace(
            substring(modifier_list, 2, length(modifier_list) - 2), '|', ', '
        )
    end
    || ')'
{%- endmacro %}
