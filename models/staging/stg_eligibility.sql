{#- Usable enrolment spans, typed. Eligibility files are optional: with none, this is empty. -#}

with parsed_rows as (

    select * from {{ ref('stg_eligibility_parsed') }}
    where reject_reason_code is null

),

final as (

    select
        source_row_id,
        person_id,
        member_id,
        payer,
        plan,
        cast(enrollment_start_date as date) as enrollment_start_date,
        cast(enrollment_end_date as date) as enrollment_end_date,
        gender,
        cast(birth_date as date) as birth_date,
        data_source
    from parsed_rows

)

select * from final
