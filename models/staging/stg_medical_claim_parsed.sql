{#-
  Every input claim row, parsed: codes normalised, dates, amounts and units cast, and the
  first reason (if any) that makes the row unusable. `stg_medical_claim` keeps the usable
  rows and `rejected_claim_lines` the others, so every input row lands in exactly one.
-#}

{%- set date_columns = [
    'claim_start_date', 'claim_end_date', 'claim_line_start_date', 'claim_line_end_date',
    'admission_date', 'discharge_date', 'paid_date'
] -%}
{%- set money_columns = ['paid_amount', 'allowed_amount', 'charge_amount'] -%}
{%- set number_columns = ['service_unit_quantity', 'ndc_quantity'] -%}
{#- An end date before its start date makes the span (and per-diem days) meaningless. -#}
{%- set date_spans = [
    ('claim_start_date', 'claim_end_date'),
    ('claim_line_start_date', 'claim_line_end_date'),
    ('admission_date', 'discharge_date')
] -%}

-- depends_on: {{ ref('stg_persons_in_scope') }}

with source_rows as (

    select * from {{ ref('base_medical_claim_in_scope') }}

),

cleaned as (

    select
        source_row_id,
        source_file,
        source_file_name,
        source_row_number,
        person_id_source_column,
        claim_id,
        claim_line_number,
        person_id,
        member_id,
        payer,
        plan,
        -- Claim type spellings seen in feeds: P / 837P and I / 837I besides the Tuva words.
        case lower(claim_type)
            when 'p' then 'professional'
            when '837p' then 'professional'
            when 'i' then 'institutional'
            when '837i' then 'institutional'
            else lower(claim_type)
        end as claim_type_reported,
        place_of_service_code,
        -- Bill types arrive as '131' or, zero-padded, '0131'.
        case
            when length(bill_type_code) = 4 and bill_type_code like '0%'
                then upper(substring(bill_type_code, 2, 3))
            else upper(bill_type_code)
        end as bill_type_code,
        -- Revenue codes are four digits; '260' lost its leading zero somewhere upstream.
        case
            when {{ regex_matches('revenue_center_code', '[0-9]{3}') }}
                then '0' || revenue_center_code
            else revenue_center_code
        end as revenue_center_code,
        {{ clean_hcpcs_text('hcpcs_code') }} as hcpcs_text,
        {%- for position in range(1, 6) %}
            {{ modifier_value('hcpcs_modifier_' ~ position) }} as hcpcs_modifier_{{ position }},
        {%- endfor %}
        rendering_npi,
        billing_npi,
        facility_npi,
        {%- for column in date_columns %}
            {{ column }} as {{ column }}_text,
        {%- endfor %}
        {%- for column in money_columns + number_columns %}
            {{ column }} as {{ column }}_text,
        {%- endfor %}
        lower(diagnosis_code_type) as diagnosis_code_type_reported,
        {%- for position in range(1, 26) %}
            {{ normalize_diagnosis_code('diagnosis_code_' ~ position) }} as diagnosis_code_{{ position }},
        {%- endfor %}
        {%- for position in range(1, 5) %}
            diagnosis_pointer_{{ position }} as diagnosis_pointer_{{ position }}_text,
        {%- endfor %}
        ndc_code as ndc_code_reported,
        {{ ndc_body('ndc_code') }} as ndc_body,
        nullif(trim(drug_description), '') as drug_description,
        upper(claim_frequency_code) as claim_frequency_code_reported,
        original_claim_id,
        data_source,
        file_name,
        ingest_datetime
    from source_rows

),

-- Codes that need a second step: a modifier glued to the HCPCS code ('96374-59',
-- '9637459') is split off, and the NDC body becomes 11 digits.
coded as (

    select
        *,
        case
            when {{ is_hcpcs_with_glued_modifier('hcpcs_text') }}
                then substring(hcpcs_text, 1, 5)
            else hcpcs_text
        end as hcpcs_code,
        case
            when {{ is_hcpcs_with_glued_modifier('hcpcs_text') }}
                then substring(hcpcs_text, length(hcpcs_text) - 1, 2)
        end as glued_modifier,
        {{ normalize_ndc('ndc_body') }} as ndc_code
    from cleaned

),

checked as (

    select
        *,
        case
            when claim_id is null then 'missing_claim_id'
            when person_id is null then 'missing_person_id'
            when
                not {{ regex_matches('claim_line_number', '[0-9]+') }}
                or claim_line_number is null then 'invalid_claim_line_number'
            {%- for column in date_columns %}
                when not {{ is_iso_date(column ~ '_text') }} then 'invalid_date'
            {%- endfor %}
            when claim_line_start_date_text is null and claim_start_date_text is null
                then 'missing_service_date'
            {%- for start_column, end_column in date_spans %}
                when {{ try_cast_date(end_column ~ '_text') }} < {{ try_cast_date(start_column ~ '_text') }}
                    then 'invalid_date_span'
            {%- endfor %}
            {%- for column in money_columns %}
                when not {{ is_decimal_text(column ~ '_text') }} then 'invalid_amount'
            {%- endfor %}
            {%- for column in number_columns %}
                when not {{ is_decimal_text(column ~ '_text') }} then 'invalid_units'
            {%- endfor %}
        end as field_reject_reason_code,
        case
            when claim_id is null then 'claim_id'
            when person_id is null then 'person_id'
            when
                not {{ regex_matches('claim_line_number', '[0-9]+') }}
                or claim_line_number is null then 'claim_line_number'
            {%- for column in date_columns %}
                when not {{ is_iso_date(column ~ '_text') }} then '{{ column }}'
            {%- endfor %}
            when claim_line_start_date_text is null and claim_start_date_text is null
                then 'claim_line_start_date'
            {%- for start_column, end_column in date_spans %}
                when {{ try_cast_date(end_column ~ '_text') }} < {{ try_cast_date(start_column ~ '_text') }}
                    then '{{ end_column }}'
            {%- endfor %}
            {%- for column in money_columns + number_columns %}
                when not {{ is_decimal_text(column ~ '_text') }} then '{{ column }}'
            {%- endfor %}
        end as field_reject_column
    from coded

),

-- Claim type is a claim-level fact: a bill type on any line means institutional, a place of
-- service and no bill type means professional.
claim_settings as (

    select
        claim_id,
        person_id,
        max(bill_type_code) as claim_bill_type_code,
        max(place_of_service_code) as claim_place_of_service_code,
        max(case
            when claim_type_reported in ('professional', 'institutional')
                then claim_type_reported
        end) as claim_type_reported
    from checked
    where field_reject_reason_code is null
    group by claim_id, person_id

),

typed as (

    select
        checked.*,
        case
            when claim_settings.claim_type_reported is not null
                then claim_settings.claim_type_reported
            when checked.claim_type_reported <> 'undetermined'
                then checked.claim_type_reported
            when claim_settings.claim_bill_type_code is not null then 'institutional'
            when claim_settings.claim_place_of_service_code is not null then 'professional'
        end as claim_type,
        claim_settings.claim_type_reported is null
        and coalesce(checked.claim_type_reported, 'undetermined') = 'undetermined'
            as is_claim_type_inferred
    from checked
    left join claim_settings
        on
            checked.claim_id = claim_settings.claim_id
            and checked.person_id = claim_settings.person_id

),

rejects_resolved as (

    select
        *,
        coalesce(
            field_reject_reason_code,
            case
                when claim_type is null then 'undetermined_claim_type'
                when claim_type not in ('professional', 'institutional', 'dental', 'vision')
                    then 'invalid_claim_type'
            end
        ) as reject_reason_code,
        coalesce(
            field_reject_column,
            case
                when claim_type is null then 'claim_type'
                when claim_type not in ('professional', 'institutional', 'dental', 'vision')
                    then 'claim_type'
            end
        ) as reject_column
    from typed

),

final as (

    select
        *,
        case reject_column
            when 'claim_id' then claim_id
            when 'person_id' then person_id
            when 'claim_line_number' then claim_line_number
            when 'claim_type' then claim_type_reported
            {%- for column in date_columns + money_columns + number_columns %}
                when '{{ column }}' then {{ column }}_text
            {%- endfor %}
        end as reject_value
    from rejects_resolved

)

select * from final
