{#- Every eligibility row with the first reason (if any) that makes it unusable. -#}

with eligibility_rows as (

    select * from {{ ref('base_eligibility') }}

),

final as (

    select
        *,
        case
            when person_id is null then 'missing_person_id'
            when not {{ is_iso_date('enrollment_start_date') }} then 'invalid_date'
            when not {{ is_iso_date('enrollment_end_date') }} then 'invalid_date'
            when not {{ is_iso_date('birth_date') }} then 'invalid_date'
        end as reject_reason_code,
        case
            when person_id is null then 'person_id'
            when not {{ is_iso_date('enrollment_start_date') }} then 'enrollment_start_date'
            when not {{ is_iso_date('enrollment_end_date') }} then 'enrollment_end_date'
            when not {{ is_iso_date('birth_date') }} then 'birth_date'
        end as reject_column
    from eligibility_rows

)

select * from final
