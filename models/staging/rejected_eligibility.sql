{#- Eligibility rows that cannot be used, with the first reason, column and value. -#}

with parsed_rows as (

    select * from {{ ref('stg_eligibility_parsed') }}
    where reject_reason_code is not null

),

final as (

    select
        source_row_id,
        source_file,
        source_row_number,
        person_id,
        reject_reason_code,
        reject_column,
        case reject_column
            when 'enrollment_start_date' then enrollment_start_date
            when 'enrollment_end_date' then enrollment_end_date
            when 'birth_date' then birth_date
        end as reject_value
    from parsed_rows

)

select * from final
