{#-
  Every row of every medical_claim file, all columns as text, before any check.

  With var incremental_run, this table keeps every row loaded so far and a run reads only
  the files whose names it has not loaded yet: new claims arrive as new files, and a file
  is never changed once loaded.
-#}

{#- A full run reads the files through a view: models that need every column read them
    once, and a test that needs one column reads only that column. -#}
{{ config(
    materialized=('incremental' if var('incremental_run') else 'view'),
    incremental_strategy='append',
    on_schema_change='fail'
) }}

{%- set loaded_file_names = [] -%}
{%- if execute and is_incremental() -%}
    {%- set loaded = run_query('select distinct source_file_name from ' ~ this) -%}
    {%- set loaded_file_names = loaded.columns[0].values() | list -%}
{%- endif -%}

with claim_file_rows as (

    {{ read_claim_files(
        'medical_claim',
        medical_claim_contract_columns(),
        required_columns=['claim_id', 'claim_line_number', 'person_id'],
        exclude_file_names=loaded_file_names
    ) }}

),

named_rows as (

    select
        *,
        {{ dbt.split_part('source_file', "'/'", -1) }} as source_file_name
    from claim_file_rows

),

final as (

    select
        *,
        {{ text_key(["source_file_name", "source_row_number"]) }} as source_row_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
            as loaded_at
    from named_rows

)

select * from final
