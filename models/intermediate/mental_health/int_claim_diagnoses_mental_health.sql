{#-
  Mental-health diagnoses of final claims, each with its tier from ref_mental_health_dx.
  A code takes the tier of its longest matching prefix, so R45851 (suicidal ideation) is
  core_psychiatric while other R45 codes are only adjacent. Only ICD-10-CM codes are
  matched: an ICD-9 claim is not evaluated by these ICD-10 rules. Which tiers count is the
  var mental_health_tiers; rows of other tiers are kept with counts_for_rules = false.
-#}

with claim_diagnoses as (

    select * from {{ ref('int_claim_diagnoses') }}
    where is_valid_code and diagnosis_code_type = 'icd-10-cm'

),

mental_health_prefixes as (

    select * from {{ ref('ref_mental_health_dx') }}

),

-- Match prefixes on the distinct codes first (thousands), not on every claim diagnosis
-- (tens of millions), then join back by code equality.
distinct_codes as (

    select distinct diagnosis_code from claim_diagnoses

),

code_prefixes as (

    select
        distinct_codes.diagnosis_code,
        mental_health_prefixes.diagnosis_prefix,
        mental_health_prefixes.tier,
        mental_health_prefixes.effective_from,
        mental_health_prefixes.effective_to
    from distinct_codes
    inner join mental_health_prefixes
        on distinct_codes.diagnosis_code like mental_health_prefixes.diagnosis_prefix || '%'

),

prefix_matches as (

    select
        claim_diagnoses.claim_key,
        claim_diagnoses.diagnosis_position,
        claim_diagnoses.diagnosis_code,
        claim_diagnoses.is_principal,
        code_prefixes.diagnosis_prefix,
        code_prefixes.tier,
        row_number() over (
            partition by
                claim_diagnoses.claim_key,
                claim_diagnoses.diagnosis_position,
                claim_diagnoses.diagnosis_code
            order by length(code_prefixes.diagnosis_prefix) desc
        ) as prefix_rank
    from claim_diagnoses
    inner join code_prefixes
        on
            claim_diagnoses.diagnosis_code = code_prefixes.diagnosis_code
            and {{ within_effective_dates('claim_diagnoses.claim_service_date', 'code_prefixes') }}

),

final as (

    select
        claim_key,
        diagnosis_position,
        diagnosis_code,
        is_principal,
        diagnosis_prefix,
        tier,
        tier in ({{ quoted_list(var('mental_health_tiers')) }}) as counts_for_rules
    from prefix_matches
    where prefix_rank = 1

)

select * from final
