{#-
  IV infusion therapy billed with mental-health diagnoses.

  The pattern: cash-pay "IV therapy" and NAD+ clinics bill an IV infusion or push with an
  anxiety, depression or substance-use diagnosis and either no drug at all, or only an
  unclassified drug code that names nothing, or a drug no mental-health diagnosis calls
  for. The diagnosis must support the administration itself: pointed to by the line, or
  principal on a line without pointers and on institutional claims.

  Not alerts: medication on the encounter that names no drug but exists (a pharmacy
  revenue line, an NDC), drugs in ref_mental_health_appropriate_drugs for the diagnosis
  tier (brexanolone, long-acting antipsychotics, addiction drugs, fluids and thiamine for
  withdrawal), ketamine (its own rule), inpatient and emergency care, and diagnosis tiers
  outside var mental_health_tiers (dementia alone, nicotine).
-#}

with encounter_lines as (

    select * from {{ ref('int_mental_health_encounter_lines') }}
    where not is_inpatient_or_emergency

),

line_support as (

    select * from {{ ref('int_claim_line_mental_health_support') }}
    where is_primary_support

),

appropriate_drugs as (

    select * from {{ ref('ref_mental_health_appropriate_drugs') }}

),

catalog as (

    select * from {{ ref('rule_catalog') }}
    where rule_id = 'iv_infusion_mental_health'

),

-- The IV administrations with a pointed or principal mental-health diagnosis.
supported_admin_lines as (

    select
        encounter_lines.encounter_key,
        encounter_lines.claim_line_key,
        line_support.tier,
        line_support.support_text,
        line_support.diagnosis_code
    from encounter_lines
    inner join line_support
        on encounter_lines.claim_line_key = line_support.claim_line_key
    where encounter_lines.is_iv_admin_line

),

supported_encounters as (

    select
        encounter_key,
        {{ sorted_list('support_text') }} as support_texts,
        {{ sorted_list('diagnosis_code') }} as mental_health_codes
    from supported_admin_lines
    group by encounter_key

),

-- A drug line is appropriate when ref_mental_health_appropriate_drugs lists its code for
-- a tier of the encounter's supporting diagnoses (or for any tier).
encounter_tiers as (

    select distinct
        encounter_key,
        tier
    from supported_admin_lines

),

appropriate_drug_lines as (

    select distinct encounter_lines.claim_line_key
    from encounter_lines
    inner join encounter_tiers
        on encounter_lines.encounter_key = encounter_tiers.encounter_key
    inner join appropriate_drugs
        on
            encounter_lines.hcpcs_code = appropriate_drugs.hcpcs_code
            and appropriate_drugs.applies_to_tier in ('any', encounter_tiers.tier)
            and {{ within_effective_dates('encounter_lines.service_date', 'appropriate_drugs') }}

),

drug_lines as (

    select
        encounter_lines.encounter_key,
        encounter_lines.claim_line_key,
        encounter_lines.is_ketamine_line,
        encounter_lines.is_noc_drug_without_ndc,
        coalesce(encounter_lines.is_noc_drug_code, false) as is_noc_drug_code,
        encounter_lines.drug_category is not null
        and not coalesce(encounter_lines.is_noc_drug_code, false) as is_coded_drug,
        appropriate_drug_lines.claim_line_key is not null as is_appropriate_drug
    from encounter_lines
    inner join supported_encounters
        on encounter_lines.encounter_key = supported_encounters.encounter_key
    left join appropriate_drug_lines
        on encounter_lines.claim_line_key = appropriate_drug_lines.claim_line_key
    where encounter_lines.is_drug_line

),

encounter_medication as (

    select
        supported_encounters.encounter_key,
        supported_encounters.support_texts,
        supported_encounters.mental_health_codes,
        count(drug_lines.claim_line_key) as drug_line_count,
        sum(case when drug_lines.is_noc_drug_without_ndc then 1 else 0 end)
            as noc_without_ndc_count,
        sum(case when drug_lines.is_ketamine_line then 1 else 0 end) as ketamine_line_count,
        sum(case
            when drug_lines.is_coded_drug and not drug_lines.is_appropriate_drug
                then 1
            else 0
        end) as not_indicated_drug_count
    from supported_encounters
    left join drug_lines
        on supported_encounters.encounter_key = drug_lines.encounter_key
    group by
        supported_encounters.encounter_key,
        supported_encounters.support_texts,
        supported_encounters.mental_health_codes

),

alerted_encounters as (

    select
        encounter_key,
        support_texts,
        mental_health_codes,
        case
            when drug_line_count = 0 then 'iv_no_medication'
            when noc_without_ndc_count = drug_line_count then 'iv_noc_drug_unidentified'
            when not_indicated_drug_count > 0 then 'iv_drug_not_indicated'
        end as reason_code
    from encounter_medication
    -- Ketamine on the encounter belongs to the ketamine rule.
    where ketamine_line_count = 0

),

alert_lines as (

    select
        alerted_encounters.reason_code,
        alerted_encounters.support_texts,
        alerted_encounters.mental_health_codes,
        encounter_lines.*,
        min(case when encounter_lines.is_iv_admin_line then encounter_lines.claim_key end)
            over (partition by encounter_lines.encounter_key) as alert_claim_key
    from alerted_encounters
    inner join encounter_lines
        on alerted_encounters.encounter_key = encounter_lines.encounter_key
    left join drug_lines
        on encounter_lines.claim_line_key = drug_lines.claim_line_key
    where
        alerted_encounters.reason_code is not null
        and (
            encounter_lines.is_iv_admin_line
            or (
                alerted_encounters.reason_code = 'iv_noc_drug_unidentified'
                and encounter_lines.is_noc_drug_without_ndc
            )
            or (
                alerted_encounters.reason_code = 'iv_drug_not_indicated'
                and drug_lines.is_coded_drug
                and not drug_lines.is_appropriate_drug
            )
        )

),

{{ mental_health_encounter_rollup('is_iv_admin_line') }},

final as (

    select
        {{ alert_id('iv_infusion_mental_health', 'encounter_alerts.reason_code', ['encounter_alerts.encounter_key']) }}
            as alert_id,
        cast('iv_infusion_mental_health' as {{ dbt.type_string() }}) as rule_id,
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
        'IV administration ' || encounter_alerts.administration_codes
        || ' on ' || cast(encounter_alerts.service_date as {{ dbt.type_string() }})
        || ' with mental-health diagnoses ' || encounter_alerts.support_texts
        || case encounter_alerts.reason_code
            when 'iv_no_medication'
                then ' has no drug code, NDC or pharmacy line on the encounter.'
            when 'iv_noc_drug_unidentified'
                then
                    ' has only unclassified drug codes without an NDC ('
                    || encounter_alerts.drug_codes || ').'
            else
                ' has drugs not listed as appropriate for the diagnosis ('
                || encounter_alerts.drug_codes || ').'
        end as evidence,
        encounter_alerts.claim_type,
        encounter_alerts.related_claim_ids,
        encounter_alerts.encounter_key
    from encounter_alerts
    left join catalog
        on encounter_alerts.reason_code = catalog.reason_code

)

select * from final
