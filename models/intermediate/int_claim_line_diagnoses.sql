{#-
  The diagnoses that support each service line.

  Professional lines with diagnosis pointers are supported only by the diagnoses they point
  to (the first pointer is the line's primary diagnosis). Professional lines without
  pointers, and every institutional line, are supported by all header diagnoses; there the
  principal (position 1) is the primary one. support_basis records which case applied.
-#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_final') }}

),

claim_diagnoses as (

    select * from {{ ref('int_claim_diagnoses') }}
    where is_valid_code

),

line_pointers as (

    {%- for pointer_order in range(1, 5) %}
        select
            claim_line_key,
            claim_key,
            {{ pointer_order }} as pointer_order,
            diagnosis_pointer_{{ pointer_order }} as diagnosis_position
        from claim_lines
        where claim_type = 'professional' and diagnosis_pointer_{{ pointer_order }} is not null
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

pointed_diagnoses as (

    select
        line_pointers.claim_line_key,
        claim_diagnoses.claim_key,
        claim_diagnoses.diagnosis_position,
        claim_diagnoses.diagnosis_code,
        line_pointers.pointer_order,
        'pointer' as support_basis,
        line_pointers.pointer_order = 1 as is_primary_for_line
    from line_pointers
    inner join claim_diagnoses
        on
            line_pointers.claim_key = claim_diagnoses.claim_key
            and line_pointers.diagnosis_position = claim_diagnoses.diagnosis_position

),

pointed_lines as (

    select distinct claim_line_key from line_pointers

),

lines_without_pointers as (

    select
        claim_lines.claim_line_key,
        claim_lines.claim_key
    from claim_lines
    left join pointed_lines
        on claim_lines.claim_line_key = pointed_lines.claim_line_key
    where pointed_lines.claim_line_key is null

),

header_diagnoses as (

    select
        lines_without_pointers.claim_line_key,
        claim_diagnoses.claim_key,
        claim_diagnoses.diagnosis_position,
        claim_diagnoses.diagnosis_code,
        cast(null as integer) as pointer_order,
        'header' as support_basis,
        claim_diagnoses.is_principal as is_primary_for_line
    from lines_without_pointers
    inner join claim_diagnoses
        on lines_without_pointers.claim_key = claim_diagnoses.claim_key

),

final as (

    select * from pointed_diagnoses
    union all
    select * from header_diagnoses

)

select * from final
