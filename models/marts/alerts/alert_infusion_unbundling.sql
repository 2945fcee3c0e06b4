{#-
  Unbundled IV infusions and injections: administration lines billed beside services that
  include them or exclude them. Grain: one claim and reason code. The flagged
  lines come from int_unbundling_pattern_findings (coding patterns) and
  int_unbundling_edit_findings (unit limits and procedure-to-procedure edits), each line
  under one reason only.

  amount_at_risk is what should not have been paid: the flagged lines' amounts, or the
  share of a line's units above a limit. A claim that carries its money only at claim level
  puts the claim amount (times that share) at risk once.
-#}

{%- set bypass_modifiers = var('bypass_modifiers') -%}
{%- set bypass_text = (bypass_modifiers[:-1] | join(', ')) ~ ' or ' ~ bypass_modifiers[-1] -%}

with pattern_findings as (

    select * from {{ ref('int_unbundling_pattern_findings') }}

),

edit_findings as (

    select * from {{ ref('int_unbundling_edit_findings') }}

),

line_diagnoses as (

    select * from {{ ref('int_claim_line_diagnoses') }}

),

catalog as (

    select * from {{ ref('rule_catalog') }}
    where rule_id = 'infusion_unbundling'

),

flagged_lines as (

    select * from pattern_findings
    union all
    select * from edit_findings

),

alert_diagnoses as (

    select
        flagged_lines.claim_key,
        flagged_lines.reason_code,
        {{ sorted_list('line_diagnoses.diagnosis_code') }} as diagnosis_codes
    from flagged_lines
    inner join line_diagnoses
        on flagged_lines.claim_line_key = line_diagnoses.claim_line_key
    group by flagged_lines.claim_key, flagged_lines.reason_code

),

alerts as (

    select
        flagged_lines.claim_key,
        flagged_lines.reason_code,
        max(flagged_lines.person_id) as person_id,
        max(flagged_lines.claim_id) as claim_id,
        max(flagged_lines.claim_type) as claim_type,
        {{ sorted_list('flagged_lines.claim_line_number') }} as claim_line_numbers,
        max(flagged_lines.billing_npi) as billing_npi,
        max(flagged_lines.rendering_npi) as rendering_npi,
        min(flagged_lines.service_date) as service_date,
        max(flagged_lines.service_date) as last_service_date,
        {{ amount_at_risk('flagged_lines') }} as amount_at_risk,
        {{ sorted_list('flagged_lines.hcpcs_code') }} as hcpcs_codes,
        {{ sorted_list('flagged_lines.related_codes') }} as related_hcpcs_codes,
        max(flagged_lines.edit_source) as edit_source,
        {{ dbt.listagg(
            'flagged_lines.finding_detail', "'; '", 'order by flagged_lines.claim_line_number'
        ) }} as finding_details
    from flagged_lines
    group by flagged_lines.claim_key, flagged_lines.reason_code

),

final as (

    select
        {{ alert_id('infusion_unbundling', 'alerts.reason_code', [
            'alerts.claim_key', 'alerts.hcpcs_codes'
        ]) }} as alert_id,
        cast('infusion_unbundling' as {{ dbt.type_string() }}) as rule_id,
        cast(alerts.reason_code as {{ dbt.type_string() }}) as reason_code,
        cast(catalog.severity as {{ dbt.type_string() }}) as severity,
        cast(alerts.person_id as {{ dbt.type_string() }}) as person_id,
        cast(alerts.claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(alerts.claim_line_numbers as {{ dbt.type_string() }}) as claim_line_numbers,
        cast(alerts.billing_npi as {{ dbt.type_string() }}) as billing_npi,
        cast(alerts.rendering_npi as {{ dbt.type_string() }}) as rendering_npi,
        cast(alerts.service_date as date) as service_date,
        cast(alerts.amount_at_risk as decimal(18, 2)) as amount_at_risk,
        cast(alerts.hcpcs_codes as {{ dbt.type_string() }}) as hcpcs_codes,
        cast(alert_diagnoses.diagnosis_codes as {{ dbt.type_string() }}) as diagnosis_codes,
        cast(
            case alerts.reason_code
                when 'unb_multiple_initial_services'
                    then 'More than one initial drug administration service on one encounter'
                when 'unb_addon_without_primary'
                    then 'Add-on administration code billed without a primary code'
                when 'unb_concurrent_hydration'
                    then 'Hydration billed with a drug infusion on the same encounter'
                when 'unb_facility_hydration_as_initial'
                    then
                        'Facility claim reports hydration as the initial service although a'
                        || ' drug infusion ranks first'
                when 'unb_vascular_access_with_admin'
                    then
                        'Vascular access or port irrigation billed with the drug'
                        || ' administration that includes it'
                when 'unb_99211_with_admin'
                    then
                        'Minimal office visit 99211 billed with drug administration by the'
                        || ' same provider'
                when 'unb_em_without_modifier_25'
                    then 'Office visit billed with drug administration without modifier 25'
                when 'unb_once_per_encounter_exceeded'
                    then 'Code reported once per encounter billed more than once'
                when 'unb_units_over_mue'
                    then 'Units above the medically unlikely edit (' || alerts.edit_source || ')'
                when 'unb_facility_only_code_on_professional'
                    then 'Facility-only administration code billed on a professional claim'
                when 'unb_admin_in_facility_setting_professional'
                    then
                        'Physician claim bills drug administration given in a facility, which'
                        || ' the facility reports'
                when 'unb_ptp_indicator_0'
                    then
                        'Procedure-to-procedure edit with modifier indicator 0 ('
                        || alerts.edit_source || '), which no modifier bypasses,'
                when 'unb_ptp_indicator_1_no_modifier'
                    then
                        'Procedure-to-procedure edit with modifier indicator 1 ('
                        || alerts.edit_source || ') and no {{ bypass_text }} on the column-2 line'
            end
            || case
                when alerts.last_service_date = alerts.service_date
                    then ' on ' || cast(alerts.service_date as {{ dbt.type_string() }})
                else
                    ' from ' || cast(alerts.service_date as {{ dbt.type_string() }})
                    || ' to ' || cast(alerts.last_service_date as {{ dbt.type_string() }})
            end
            || ': '
            || alerts.finding_details || '.'
            as {{ dbt.type_string() }}
        ) as evidence,
        cast(alerts.claim_type as {{ dbt.type_string() }}) as claim_type,
        cast(alerts.related_hcpcs_codes as {{ dbt.type_string() }}) as related_hcpcs_codes,
        cast(alerts.edit_source as {{ dbt.type_string() }}) as edit_source
    from alerts
    left join alert_diagnoses
        on
            alerts.claim_key = alert_diagnoses.claim_key
            and alerts.reason_code = alert_diagnoses.reason_code
    left join catalog
        on alerts.reason_code = catalog.reason_code

)

select * from final
