{#- Column lists of the input contract. Keep in step with infusion_integrity/contract.py
    (a pytest compares them). -#}

{% macro medical_claim_contract_columns() -%}
    {%- set columns = [
        'claim_id', 'claim_line_number', 'claim_type', 'person_id', 'member_id', 'payer', 'plan',
        'claim_start_date', 'claim_end_date', 'claim_line_start_date', 'claim_line_end_date',
        'admission_date', 'discharge_date', 'place_of_service_code', 'bill_type_code',
        'revenue_center_code', 'service_unit_quantity', 'hcpcs_code',
        'hcpcs_modifier_1', 'hcpcs_modifier_2', 'hcpcs_modifier_3', 'hcpcs_modifier_4',
        'hcpcs_modifier_5', 'rendering_npi', 'billing_npi', 'facility_npi', 'paid_date',
        'paid_amount', 'allowed_amount', 'charge_amount', 'diagnosis_code_type'
    ] -%}
    {%- for position in range(1, 26) -%}
        {%- do columns.append('diagnosis_code_' ~ position) -%}
    {%- endfor -%}
    {%- do columns.extend([
        'data_source', 'file_name', 'ingest_datetime',
        'ndc_code', 'ndc_quantity', 'drug_description',
        'diagnosis_pointer_1', 'diagnosis_pointer_2', 'diagnosis_pointer_3', 'diagnosis_pointer_4',
        'claim_frequency_code', 'original_claim_id'
    ]) -%}
    {{ return(columns) }}
{%- endmacro %}


{% macro eligibility_contract_columns() -%}
    {{ return([
        'person_id', 'member_id', 'payer', 'plan', 'enrollment_start_date',
        'enrollment_end_date', 'gender', 'birth_date', 'data_source', 'file_name'
    ]) }}
{%- endmacro %}
