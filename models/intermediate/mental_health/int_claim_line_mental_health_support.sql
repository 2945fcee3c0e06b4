{#-
  For each service line supported by a counted mental-health diagnosis: how strongly.
  'primary' support is a diagnosis the line points to, or the principal (first) header
  diagnosis of a line without pointers and of every institutional line; 'secondary' support
  is a mental-health diagnosis only in a later header position.
-#}

with line_diagnoses as (

    select * from {{ ref('int_claim_line_diagnoses') }}

),

mental_health_diagnoses as (

    select * from {{ ref('int_claim_diagnoses_mental_health') }}
    where counts_for_rules

),

supporting as (

    select
        line_diagnoses.claim_line_key,
        line_diagnoses.diagnosis_code,
        line_diagnoses.diagnosis_position,
        line_diagnoses.support_basis,
        mental_health_diagnoses.tier,
        line_diagnoses.support_basis = 'pointer' or line_diagnoses.is_primary_for_line
            as is_primary_support,
        line_diagnoses.diagnosis_code || ' ('
        || case
            when line_diagnoses.support_basis = 'pointer' then 'pointed'
            when line_diagnoses.diagnosis_position = 1 then 'principal'
            else 'header'
        end
        || ' position ' || cast(line_diagnoses.diagnosis_position as {{ dbt.type_string() }})
        || ')' as support_text
    from line_diagnoses
    inner join mental_health_diagnoses
        on
            line_diagnoses.claim_key = mental_health_diagnoses.claim_key
            and line_diagnoses.diagnosis_position = mental_health_diagnoses.diagnosis_position
            and line_diagnoses.diagnosis_code = mental_health_diagnoses.diagnosis_code

),

final as (

    select
        claim_line_key,
        diagnosis_code,
        diagnosis_position,
        support_basis,
        tier,
        is_primary_support,
        case when is_primary_support then 'primary' else 'secondary' end as support_strength,
        support_text
    from supporting

)

select * from final
