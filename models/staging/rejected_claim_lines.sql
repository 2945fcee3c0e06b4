{#- Input claim rows that cannot be used, each with the first reason found. -#}

with parsed_rows as (

    select * from {{ ref('stg_medical_claim_parsed') }}
    where reject_reason_code is not null

),

final as (

    select
        source_row_id,
        source_file_name,
        source_row_number,
        claim_id,
        claim_line_number,
        person_id,
        reject_reason_code,
        reject_column,
        reject_value,
        reject_reason_code || ': ' || reject_column || '='
        || coalesce('''' || reject_value || '''', 'NULL') as reject_reason
    from parsed_rows

)

select * from final
