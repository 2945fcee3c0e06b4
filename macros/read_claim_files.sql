{#-
  Read every `<file_prefix>*.csv` and `<file_prefix>*.parquet` file in the claims folder as
  text, with the columns of the input contract in a fixed order. A contract column that no
  file has is NULL; `patient_id` stands in for `person_id` (older Tuva input layer).

  DuckDB-only: other warehouses load claims as tables and point the staging model at them.
-#}

{% macro claims_folder() -%}
    {{ return((var('claims_path') | string | trim).rstrip('/')) }}
{%- endmacro %}


{% macro list_claim_files(file_prefix, extension) -%}
    {%- set pattern = claims_folder() ~ '/' ~ file_prefix ~ '*.' ~ extension -%}
    {%- set result = run_query("select file from glob('" ~ pattern ~ "') order by file") -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}


{% macro claim_file_reader(files, extension) -%}
    {%- set file_list = "['" ~ (files | join("', '")) ~ "']" -%}
    {%- if extension == 'csv' -%}
        read_csv({{ file_list }}, all_varchar = true, header = true, union_by_name = true,
            filename = true, null_padding = true)
    {%- else -%}
        read_parquet({{ file_list }}, union_by_name = true, filename = true,
            file_row_number = true)
    {%- endif -%}
{%- endmacro %}


{% macro file_columns(reader) -%}
    {%- set described = run_query("describe select * from " ~ reader) -%}
    {%- set names = {} -%}
    {%- for name in described.columns[0].values() -%}
        {%- do names.update({name | lower: name}) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{% macro claim_file_select(reader, extension, contract_columns, aliases) -%}
    {%- set present = file_columns(reader) -%}
    select
        {%- for column in contract_columns %}
        {%- set source_name = present.get(column) or present.get(aliases.get(column, '')) %}
        {%- if source_name %}
        nullif(trim(cast("{{ source_name }}" as varchar)), '') as {{ column }},
        {%- else %}
        cast(null as varchar) as {{ column }},
        {%- endif %}
        {%- endfor %}
        {%- if 'person_id' in contract_columns %}
        {{ "'" ~ ('person_id' if 'person_id' in present else ('patient_id' if 'patient_id' in present else 'none')) ~ "'" }} as person_id_source_column,
        {%- endif %}
        filename as source_file,
        {%- if extension == 'csv' %}
        row_number() over (partition by filename) as source_row_number
        {%- else %}
        file_row_number + 1 as source_row_number
        {%- endif %}
    from {{ reader }}
{%- endmacro %}


{% macro read_claim_files(file_prefix, contract_columns, required_columns=[], required=true, exclude_file_names=[]) -%}
    {%- set aliases = {'person_id': 'patient_id'} -%}
    {%- if not execute -%}
        select
            {%- for column in contract_columns %}
            cast(null as varchar) as {{ column }},
            {%- endfor %}
            {%- if 'person_id' in contract_columns %}
            cast(null as varchar) as person_id_source_column,
            {%- endif %}
            cast(null as varchar) as source_file,
            cast(null as bigint) as source_row_number
        {{ return('') }}
    {%- endif -%}

    {%- set parts = [] -%}
    {%- set found_any = [] -%}
    {%- for extension in ['csv', 'parquet'] -%}
        {%- set all_files = list_claim_files(file_prefix, extension) -%}
        {%- set files = [] -%}
        {%- for file in all_files -%}
            {%- if file.split('/')[-1] not in exclude_file_names -%}{%- do files.append(file) -%}{%- endif -%}
        {%- endfor -%}
        {%- if all_files | length > 0 -%}{%- do found_any.append(extension) -%}{%- endif -%}
        {%- if files | length > 0 -%}
            {%- set reader = claim_file_reader(files, extension) -%}
            {%- set present = file_columns(reader) -%}
            {%- for column in required_columns -%}
                {%- if column not in present and aliases.get(column) not in present -%}
                    {{ exceptions.raise_compiler_error(
                        "Claim files " ~ (files | join(', ')) ~ " have no column '" ~ column ~ "'"
                        ~ (" (or '" ~ aliases[column] ~ "')" if column in aliases else "")
                        ~ ". Rename the column to the Tuva input-layer name or add it; the"
                        ~ " README lists every column the project reads.") }}
                {%- endif -%}
            {%- endfor -%}
            {%- do parts.append(claim_file_select(reader, extension, contract_columns, aliases)) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if parts | length == 0 -%}
        {%- if required and found_any | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "No " ~ file_prefix ~ "*.csv or " ~ file_prefix ~ "*.parquet files found in"
                ~ " claims_path '" ~ claims_folder() ~ "'. Point the var at your folder, e.g."
                ~ " dbt build --vars '{claims_path: /data/claims}'.") }}
        {%- else -%}
            select
                {%- for column in contract_columns %}
                cast(null as varchar) as {{ column }},
                {%- endfor %}
                {%- if 'person_id' in contract_columns %}
                cast(null as varchar) as person_id_source_column,
                {%- endif %}
                cast(null as varchar) as source_file,
                cast(null as bigint) as source_row_number
            where false
        {%- endif -%}
    {%- else -%}
        {{ parts | join('\n    union all\n') }}
    {%- endif -%}
{%- endmacro %}
