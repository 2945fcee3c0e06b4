{#- Every row of every medical_claim file, all columns as text, before any check. -#}

with claim_file_rows as (

    {{ read_claim_files(
        'medical_claim',
        medical_claim_contract_columns(),
        required_columns=['claim_id', 'claim_line_number', 'person_id']
    ) }}

),

final as (

    select
        *,
        {{ dbt.split_part('source_file', "'/'", -1) }} as source_file_name,
        {{ text_key(["source_file", "source_row_number"]) }} as source_row_id
    from claim_file_rows

)

select * from final
