{#- Every row of every eligibility file (optional input), all columns as text. -#}

with eligibility_file_rows as (

    {{ read_claim_files('eligibility', eligibility_contract_columns(), required=false) }}

),

final as (

    select
        *,
        {{ text_key(["source_file", "source_row_number"]) }} as source_row_id
    from eligibility_file_rows

)

select * from final
