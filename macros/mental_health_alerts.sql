{#-
  The roll-up both mental-health rules share: from a CTE `alert_lines` (the lines a finding
  rests on, one reason code per encounter, with `alert_claim_key` naming the claim of the
  first administration line) to one row per encounter and reason code, named
  `encounter_alerts`. Dollars are summed per claim first, so a claim with claim-level money
  counts its amount once, and then over the claims of the encounter.

  admin_flag_column: the boolean column of alert_lines that marks administration lines.
  Renders three CTEs separated by commas, without a trailing comma.
-#}
{% macro mental_health_encounter_rollup(admin_flag_column) -%}
claim_amounts as (

    select
        alert_lines.encounter_key,
        alert_lines.claim_key,
        {{ amount_at_risk('alert_lines') }} as claim_amount_at_risk
    from alert_lines
    group by alert_lines.encounter_key, alert_lines.claim_key

),

encounter_amounts as (

    select
        encounter_key,
        sum(claim_amount_at_risk) as amount_at_risk
    from claim_amounts
    group by encounter_key

),

encounter_alerts as (

    select
        alert_lines.encounter_key,
        alert_lines.reason_code,
        max(alert_lines.person_id) as person_id,
        max(case
            when alert_lines.claim_key = alert_lines.alert_claim_key
                then alert_lines.claim_id
        end) as claim_id,
        {{ sorted_list("case when alert_lines.claim_key = alert_lines.alert_claim_key then alert_lines.claim_line_number end") }}
            as claim_line_numbers,
        {{ sorted_list('alert_lines.claim_id') }} as related_claim_ids,
        max(alert_lines.claim_type) as claim_type,
        max(alert_lines.billing_npi) as billing_npi,
        max(alert_lines.rendering_npi) as rendering_npi,
        min(alert_lines.service_date) as service_date,
        max(encounter_amounts.amount_at_risk) as amount_at_risk,
        {{ sorted_list('alert_lines.hcpcs_code') }} as hcpcs_codes,
        {{ sorted_list("case when alert_lines." ~ admin_flag_column ~ " then coalesce(alert_lines.hcpcs_code, 'revenue ' || alert_lines.revenue_center_code) end") }}
            as administration_codes,
        {{ sorted_list("case when not alert_lines." ~ admin_flag_column ~ " then coalesce(alert_lines.hcpcs_code, 'revenue ' || alert_lines.revenue_center_code) || coalesce(' NDC ' || alert_lines.ndc_code, '') end") }}
            as drug_codes,
        max(alert_lines.mental_health_codes) as diagnosis_codes,
        max(alert_lines.support_texts) as support_texts
    from alert_lines
    inner join encounter_amounts
        on alert_lines.encounter_key = encounter_amounts.encounter_key
    group by alert_lines.encounter_key, alert_lines.reason_code

)
{%- endmacro %}
