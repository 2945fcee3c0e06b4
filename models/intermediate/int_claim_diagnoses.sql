{#-
  Header diagnoses of final claims in long form: one row per claim and position. Position 1
  is the principal diagnosis on institutional claims and the first listed on professional
  claims. Codes whose shape does not fit their code type stay here with
  is_valid_code = false so data-quality reports can count them; rules skip them.
-#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_final') }}

),

claim_diagnosis_sets as (

    select distinct
        claim_key,
        min(service_date) over (partition by claim_key) as claim_service_date,
        {%- for position in range(1, 26) %}
            diagnosis_code_{{ position }},
        {%- endfor %}
        diagnosis_code_type
    from claim_lines

),

unpivoted as (

    {%- for position in range(1, 26) %}
        select
            claim_key,
            claim_service_date,
            diagnosis_code_type,
            {{ position }} as diagnosis_position,
            diagnosis_code_{{ position }} as diagnosis_code
        from claim_diagnosis_sets
        where diagnosis_code_{{ position }} is not null
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

final as (

    select distinct
        claim_key,
        claim_service_date,
        diagnosis_position,
        diagnosis_code,
        diagnosis_code_type,
        diagnosis_position = 1 as is_principal,
        case
            when diagnosis_code_type = 'icd-10-cm' then {{ is_icd10_shape('diagnosis_code') }}
            else {{ is_icd9_shape('diagnosis_code') }}
        end as is_valid_code
    from unpivoted

)

select * from final
