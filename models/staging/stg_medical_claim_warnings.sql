{#-
  Oddities in usable claim lines that staging corrected or could not resolve, one row per
  line and finding. The line itself stays in `stg_medical_claim`.
-#}

with claim_lines as (

    select * from {{ ref('stg_medical_claim') }}

),

findings as (

    select
        source_row_id,
        claim_id,
        claim_line_number,
        'modifier_glued_to_hcpcs' as warning_code,
        'hcpcs_code' as warning_column,
        hcpcs_code_reported as warning_value
    from claim_lines
    where glued_modifier is not null

    union all

    select
        source_row_id,
        claim_id,
        claim_line_number,
        'invalid_hcpcs_shape' as warning_code,
        'hcpcs_code' as warning_column,
        hcpcs_code_reported as warning_value
    from claim_lines
    where hcpcs_code is not null and not is_hcpcs_shape_valid

    union all

    select
        source_row_id,
        claim_id,
        claim_line_number,
        'ndc_' || ndc_status as warning_code,
        'ndc_code' as warning_column,
        ndc_code_reported as warning_value
    from claim_lines
    where ndc_status in ('ambiguous_10_digit', 'invalid')

    union all

    select
        source_row_id,
        claim_id,
        claim_line_number,
        'claim_type_inferred' as warning_code,
        'claim_type' as warning_column,
        claim_type as warning_value
    from claim_lines
    where is_claim_type_inferred

    union all

    select
        source_row_id,
        claim_id,
        claim_line_number,
        'units_not_reported' as warning_code,
        'service_unit_quantity' as warning_column,
        cast(service_unit_quantity_reported as {{ dbt.type_string() }}) as warning_value
    from claim_lines
    where service_unit_quantity is null and hcpcs_code is not null

    union all

    -- Units of service are whole numbers; 1.5 units usually means minutes or a quantity
    -- were entered as units.
    select
        source_row_id,
        claim_id,
        claim_line_number,
        'units_not_whole' as warning_code,
        'service_unit_quantity' as warning_column,
        cast(service_unit_quantity_reported as {{ dbt.type_string() }}) as warning_value
    from claim_lines
    where service_unit_quantity_reported <> floor(service_unit_quantity_reported)

),

final as (

    select
        source_row_id,
        claim_id,
        claim_line_number,
        warning_code,
        warning_column,
        warning_value
    from findings

)

select * from final
