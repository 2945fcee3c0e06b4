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

{{ mental_health_encounter_rollup('is_ketamine_admin_line') }},

final as (

    select
        {{ alert_id('ketamine_infusion_mental_health', 'encounter_alerts.reason_code', ['encounter_alerts.encounter_key']) }}
            as alert_id,
        cast('ketamine_infusion_mental_health' as {{ dbt.type_string() }}) as rule_id,
        encounter_alerts.reason_code,
        catalog.severity,
        encounter_alerts.person_id,
        encounter_alerts.claim_id,
        encounter_alerts.claim_line_numbers,
        encounter_alerts.billing_npi,
        encounter_alerts.rendering_npi,
        encounter_alerts.service_date,
        cast(encounter_alerts.amount_at_risk as decimal(18, 2)) as amount_at_risk,
        encounter_alerts.hcpcs_codes,
        encounter_alerts.diagnosis_codes,
        case
            when encounter_alerts.reason_code = 'ketamine_noc_drug_not_identified'
                then
                    'Unclassified drug ' || encounter_alerts.drug_codes
                    || ' with no NDC or description was given by '
                    || encounter_alerts.administration_codes
            else
                'Ketamine (' || encounter_alerts.drug_codes || ') was given by '
                || encounter_alerts.administration_codes
        end
        || ' on ' || cast(encounter_alerts.service_date as {{ dbt.type_string() }})
        || ' with mental-health diagnoses ' || encounter_alerts.support_texts
        || ' and no anesthesia, ECT, inpatient or emergency care on the encounter.'
            as evidence,
        encounter_alerts.claim_type,
        encounter_alerts.related_claim_ids,
        encounter_alerts.encounter_key
    from encounter_alerts
    left join catalog
        on encounter_alerts.reason_code = catalog.reason_code

)

select * from final
