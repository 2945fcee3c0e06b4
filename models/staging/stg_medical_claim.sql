{#-
  Usable claim lines, one row per input row that passed every check, with typed values and
  normalised codes. Nothing here is defaulted: unknown units stay NULL.
-#}

with parsed_rows as (

    select * from {{ ref('stg_medical_claim_parsed') }}
    where reject_reason_code is null

),

typed as (

    select
        source_row_id,
        source_file_name,
        source_row_number,
        claim_id,
        cast(claim_line_number as integer) as claim_line_number,
        person_id,
        member_id,
        payer,
        plan,
        claim_type,
        is_claim_type_inferred,
        cast(claim_start_date_text as date) as claim_start_date,
        cast(claim_end_date_text as date) as claim_end_date,
        cast(claim_line_start_date_text as date) as claim_line_start_date,
        cast(claim_line_end_date_text as date) as claim_line_end_date,
        cast(admission_date_text as date) as admission_date,
        cast(discharge_date_text as date) as discharge_date,
        cast(paid_date_text as date) as paid_date,
        place_of_service_code,
        bill_type_code,
        -- Frequency: the claim's own code, else the third character of the bill type (which
        -- also carries Medicare adjustment letters such as the 'I' of '13I').
        coalesce(
            claim_frequency_code_reported,
            case when length(bill_type_code) = 3 then substring(bill_type_code, 3, 1) end
        ) as claim_frequency_code,
        original_claim_id,
        revenue_center_code,
        hcpcs_text,
        hcpcs_code,
        glued_modifier,
        {%- for position in range(1, 6) %}
            hcpcs_modifier_{{ position }},
        {%- endfor %}
        rendering_npi,
        billing_npi,
        facility_npi,
        cast(paid_amount_text as decimal(18, 2)) as paid_amount,
        cast(allowed_amount_text as decimal(18, 2)) as allowed_amount,
        cast(charge_amount_text as decimal(18, 2)) as charge_amount,
        cast(service_unit_quantity_text as decimal(18, 3)) as service_unit_quantity_reported,
        ndc_code_reported,
        ndc_body,
        ndc_code,
        cast(ndc_quantity_text as decimal(18, 3)) as ndc_quantity,
        drug_description,
        diagnosis_code_type_reported,
        {%- for position in range(1, 26) %}
            diagnosis_code_{{ position }},
        {%- endfor %}
        {%- for position in range(1, 5) %}
            diagnosis_pointer_{{ position }}_text,
        {%- endfor %}
        data_source,
        file_name,
        ingest_datetime
    from parsed_rows

),

final as (

    select
        source_row_id,
        source_file_name,
        source_row_number,
        claim_id,
        claim_line_number,
        {{ text_key(['claim_id', 'person_id']) }} as claim_key,
        person_id,
        member_id,
        payer,
        plan,
        claim_type,
        is_claim_type_inferred,
        claim_start_date,
        claim_end_date,
        claim_line_start_date,
        claim_line_end_date,
        coalesce(claim_line_start_date, claim_start_date) as service_date,
        coalesce(
            claim_line_end_date,
            case when claim_line_start_date is null then claim_end_date end,
            claim_line_start_date,
            claim_start_date
        ) as service_end_date,
        admission_date,
        discharge_date,
        paid_date,
        place_of_service_code,
        bill_type_code,
        claim_frequency_code,
        original_claim_id,
        revenue_center_code,
        hcpcs_text as hcpcs_code_reported,
        hcpcs_code,
        {{ is_hcpcs_shape('hcpcs_code') }} as is_hcpcs_shape_valid,
        glued_modifier,
        {%- for position in range(1, 6) %}
            hcpcs_modifier_{{ position }},
        {%- endfor %}
        -- Every modifier of the line in one '|'-delimited list, e.g. '|25|59|', so rules test
        -- membership the same way whichever of the five columns (or the code) carried it.
        '|' || {{ dbt.concat([
            "coalesce(hcpcs_modifier_1 || '|', '')",
            "coalesce(hcpcs_modifier_2 || '|', '')",
            "coalesce(hcpcs_modifier_3 || '|', '')",
            "coalesce(hcpcs_modifier_4 || '|', '')",
            "coalesce(hcpcs_modifier_5 || '|', '')",
            "coalesce(glued_modifier || '|', '')"
        ]) }} as modifier_list,
        rendering_npi,
        billing_npi,
        facility_npi,
        paid_amount,
        allowed_amount,
        charge_amount,
        service_unit_quantity_reported,
        -- Zero or missing units mean "not reported", never one.
        case
            when service_unit_quantity_reported <> 0 then service_unit_quantity_reported
        end as service_unit_quantity,
        ndc_code_reported,
        ndc_code,
        case
            when ndc_code_reported is null then null
            when ndc_code is not null then 'valid'
            when {{ regex_matches('ndc_body', '[0-9]{10}') }} then 'ambiguous_10_digit'
            else 'invalid'
        end as ndc_status,
        ndc_quantity,
        drug_description,
        case
            when diagnosis_code_type_reported in ('icd-10-cm', 'icd10', 'icd-10', '0')
                then 'icd-10-cm'
            when diagnosis_code_type_reported in ('icd-9-cm', 'icd9', 'icd-9', '9')
                then 'icd-9-cm'
            when
                coalesce(claim_line_start_date, claim_start_date)
                >= cast('{{ var("icd10_effective_date") }}' as date)
                then 'icd-10-cm'
            else 'icd-9-cm'
        end as diagnosis_code_type,
        diagnosis_code_type_reported is null
        or diagnosis_code_type_reported not in (
            'icd-10-cm', 'icd10', 'icd-10', '0', 'icd-9-cm', 'icd9', 'icd-9', '9'
        ) as is_diagnosis_code_type_inferred,
        {%- for position in range(1, 26) %}
            diagnosis_code_{{ position }},
        {%- endfor %}
        {%- for position in range(1, 5) %}
            {{ diagnosis_pointer_position('diagnosis_pointer_' ~ position ~ '_text') }}
                as diagnosis_pointer_{{ position }},
        {%- endfor %}
        data_source,
        file_name,
        ingest_datetime
    from typed

)

select * from final
