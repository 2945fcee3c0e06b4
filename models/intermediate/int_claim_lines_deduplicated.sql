{#-
  Claim lines with exact duplicates collapsed. Rows that repeat every business column (the
  same line sent in two files) become one line; file name and ingest time are not business
  columns. `duplicate_count` says how many input rows the line stands for.
-#}

{%- set business_columns = [
    'claim_id', 'claim_line_number', 'person_id', 'member_id', 'payer', 'plan', 'claim_type',
    'claim_start_date', 'claim_end_date', 'claim_line_start_date', 'claim_line_end_date',
    'admission_date', 'discharge_date', 'paid_date', 'place_of_service_code', 'bill_type_code',
    'claim_frequency_code', 'original_claim_id', 'revenue_center_code', 'hcpcs_code_reported',
    'modifier_list', 'rendering_npi', 'billing_npi', 'facility_npi', 'paid_amount',
    'allowed_amount', 'charge_amount', 'service_unit_quantity_reported', 'ndc_code_reported',
    'ndc_quantity', 'drug_description', 'diagnosis_code_type'
] -%}
{%- for position in range(1, 26) -%}
    {%- do business_columns.append('diagnosis_code_' ~ position) -%}
{%- endfor -%}
{%- for position in range(1, 5) -%}
    {%- do business_columns.append('diagnosis_pointer_' ~ position) -%}
{%- endfor -%}

with claim_lines as (

    select * from {{ ref('stg_medical_claim') }}

),

-- Partitioning by the columns themselves lets the database compare values (NULLs equal)
-- instead of building a hash text of some 70 columns for every row.
ranked as (

    select
        *,
        count(*) over (partition by {{ business_columns | join(', ') }}) as duplicate_count,
        row_number() over (
            partition by {{ business_columns | join(', ') }}
            order by ingest_datetime desc nulls last, source_file_name asc, source_row_number asc
        ) as copy_rank
    from claim_lines

),

final as (

    select * from ranked
    where copy_rank = 1

)

select * from final
