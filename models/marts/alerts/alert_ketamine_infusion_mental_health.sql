{#-
  Ketamine administration billed with mental-health diagnoses.

  Racemic ketamine has no HCPCS code of its own: it is billed under an unclassified drug
  code (J3490) or a pharmacy revenue line, and only its NDC or drug description names it.
  Payers treat IV/IM ketamine for depression, PTSD, anxiety and substance use as
  experimental (Aetna CPB 0938, BCBSA "IV anesthetics" policies). Esketamine (Spravato) is
  FDA-approved for treatment-resistant depression and never counts as ketamine here.
  Anesthesia or ECT on the encounter, and inpatient or emergency care, mean ketamine was an
  anesthetic, so they raise nothing.
-#}

with encounter_lines as (

    select * from {{ ref('int_mental_health_encounter_lines') }}
    where not has_procedural_use and not is_inpatient_or_emergency

),

line_support as (

    select * from {{ ref('int_claim_line_mental_health_support') }}

),

catalog as (

    select * from {{ ref('rule_catalog') }}
    where rule_id = 'ketamine_infusion_mental_health'

),

encounter_drugs as (

    select
        encounter_key,
        {{ dbt.bool_or('is_ketamine_line') }} as has_ketamine,
        {{ dbt.bool_or('is_unidentified_noc_drug_line') }} as has_unidentified_noc_drug
    from encounter_lines
    group by encounter_key

),

-- The lines a finding rests on: the administration and the drug it gave.
evidence_lines as (

    select
        encounter_lines.*,
        case
            when encounter_drugs.has_ketamine then 'ketamine'
            else 'unidentified_noc_drug'
        end as drug_evidence
    from encounter_lines
    inner join encounter_drugs
        on encounter_lines.encounter_key = encounter_drugs.encounter_key
    where
        (encounter_drugs.has_ketamine or encounter_drugs.has_unidentified_noc_drug)
        and (
            encounter_lines.is_ketamine_admin_line
            or (encounter_drugs.has_ketamine and encounter_lines.is_ketamine_line)
            or (
                not encounter_drugs.has_ketamine
                and encounter_lines.is_unidentified_noc_drug_line
            )
        )

),

encounter_support as (

    select
        evidence_lines.encounter_key,
        {{ dbt.bool_or('line_support.is_primary_support') }} as has_primary_support,
        {{ sorted_list('line_support.support_text') }} as support_texts,
        {{ sorted_list('line_support.diagnosis_code') }} as mental_health_codes
    from evidence_lines
    inner join line_support
        on evidence_lines.claim_line_key = line_support.claim_line_key
    group by evidence_lines.encounter_key

),

findings as (

    select
        evidence_lines.encounter_key,
        max(evidence_lines.drug_evidence) as drug_evidence,
        {{ dbt.bool_or('evidence_lines.is_ketamine_admin_line') }} as has_admin,
        {{ dbt.bool_or("evidence_lines.drug_evidence = 'ketamine' and evidence_lines.is_ketamine_line or evidence_lines.drug_evidence = 'unidentified_noc_drug' and evidence_lines.is_unidentified_noc_drug_line") }}
            as has_drug
    from evidence_lines
    group by evidence_lines.encounter_key

),

alerted_encounters as (

    select
        findings.encounter_key,
        case
            when findings.drug_evidence = 'unidentified_noc_drug'
                then 'ketamine_noc_drug_not_identified'
            when encounter_support.has_primary_support then 'ketamine_mh_dx_primary'
            else 'ketamine_mh_dx_secondary'
        end as reason_code,
        encounter_support.support_texts,
        encounter_support.mental_health_codes
    from findings
    inner join encounter_support
        on findings.encounter_key = encounter_support.encounter_key
    where findings.has_admin and findings.has_drug

),

alert_lines as (

    select
        alerted_encounters.reason_code,
        alerted_encounters.support_texts,
        alerted_encounters.mental_health_codes,
        evidence_lines.*,
        min(case when evidence_lines.is_ketamine_admin_line then evidence_lines.claim_key end)
            over (partition by evidence_lines.encounter_key) as alert_claim_key
    from alerted_encounters
    inner join evidence_lines
        on alerted_encounters.encounter_key = evidence_lines.encounter_key

),

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

alerts as (

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
        {{ sorted_list('alert_lines.hcpcs_code') }} as hcpcs_codes,
        {{ sorted_list("case when alert_lines.is_ketamine_admin_line then coalesce(alert_lines.hcpcs_code, 'revenue ' || alert_lines.revenue_center_code) end") }}
            as administration_codes,
        {{ sorted_list("case when not alert_lines.is_ketamine_admin_line then coalesce(alert_lines.hcpcs_code, 'revenue ' || alert_lines.revenue_center_code) || coalesce(' NDC ' || alert_lines.ndc_code, '') end") }}
            as drug_codes,
        max(alert_lines.mental_health_codes) as diagnosis_codes,
        max(alert_lines.support_texts) as support_texts
    from alert_lines
    group by alert_lines.encounter_key, alert_lines.reason_code

),

final as (

    select
        {{ alert_id('ketamine_infusion_mental_health', 'alerts.reason_code', ['alerts.encounter_key']) }}
            as alert_id,
        cast('ketamine_infusion_mental_health' as {{ dbt.type_string() }}) as rule_id,
        alerts.reason_code,
        catalog.severity,
        alerts.person_id,
        alerts.claim_id,
        alerts.claim_line_numbers,
        alerts.billing_npi,
        alerts.rendering_npi,
        alerts.service_date,
        cast(encounter_amounts.amount_at_risk as decimal(18, 2)) as amount_at_risk,
        alerts.hcpcs_codes,
        alerts.diagnosis_codes,
        case
            when alerts.reason_code = 'ketamine_noc_drug_not_identified'
                then
                    'Unclassified drug ' || alerts.drug_codes
                    || ' with no NDC or description was given by '
                    || alerts.administration_codes
            else
                'Ketamine (' || alerts.drug_codes || ') was given by '
                || alerts.administration_codes
        end
        || ' on ' || cast(alerts.service_date as {{ dbt.type_string() }})
        || ' with mental-health diagnoses ' || alerts.support_texts
        || ' and no anesthesia, ECT, inpatient or emergency care on the encounter.'
            as evidence,
        alerts.claim_type,
        alerts.related_claim_ids,
        alerts.encounter_key
    from alerts
    inner join encounter_amounts
        on alerts.encounter_key = encounter_amounts.encounter_key
    left join catalog
        on alerts.reason_code = catalog.reason_code

)

select * from final
