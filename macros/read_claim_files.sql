{#-
  Read every `<file_prefix>*.csv` and `<file_prefix>*.parquet` file in the claims folder as
  text, with the columns of the input contract in a fixed order. A contract column that no
  file has is NULL; `patient_id` stands in for `person_id` (older Tuva input layer).

  DuckDB reads the files themselves. On PostgreSQL the files are loaded first into the table
  `<claims_schema>.<file_prefix>` (infusion_integrity.postgres_load), which this reads.
-#}

{#- The claims folder as an absolute path: the staging views over the files must work from
    any working directory (a BI tool opening the database file elsewhere, say). A relative
    var is taken from the directory dbt runs in ($PWD). -#}
{% macro claims_folder() -%}
    {%- set folder = (var('claims_path') | string | trim).rstrip('/') -%}
    {%- if not folder.startswith('/') and env_var('PWD', '') -%}
        {%- set folder = env_var('PWD').rstrip('/') ~ '/' ~ folder -%}
    {%- endif -%}
    {{ return(folder) }}
{%- endmacro %}


{% macro list_claim_files(file_prefix, extension) -%}
    {%- set pattern = claims_folder() ~ '/' ~ file_prefix ~ '*.' ~ extension -%}
    {%- set result = run_query("select file from glob('" ~ pattern ~ "') order by file") -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}


{#-
  A CSV file is read on its own and by one thread, so that row_number() follows the order
  of the file (DuckDB's parallel CSV scan does not keep it) and quoted line breaks are
  allowed. Parquet files are read together; file_row_number gives their row order. The file
  name column gets a name no claim file is likely to use.
-#}
{% macro claim_file_reader(files, extension) -%}
    {%- set file_list = "['" ~ (files | join("', '")) ~ "']" -%}
    {%- if extension == 'csv' -%}
        read_csv({{ file_list }}, all_varchar = true, header = true,
            filename = 'infusion_integrity_source_file', null_padding = true, parallel = false)
    {%- else -%}
        read_parquet({{ file_list }}, union_by_name = true,
            filename = 'infusion_integrity_source_file', file_row_number = true)
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
        infusion_integrity_source_file as source_file,
        {%- if extension == 'csv' %}
        row_number() over () as source_row_number
        {%- else %}
        file_row_number + 1 as source_row_number
        {%- endif %}
    from {{ reader }}
{%- endmacro %}


{% macro read_claim_files(file_prefix, contract_columns, required_columns=[], required=true, exclude_file_names=[]) -%}
    {{ return(adapter.dispatch('read_claim_files', 'infusion_integrity')(
        file_prefix, contract_columns, required_columns, required, exclude_file_names)) }}
{%- endmacro %}


{% macro duckdb__read_claim_files(file_prefix, contract_columns, required_columns, required, exclude_file_names) -%}
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
        {#- One reader per CSV file (see claim_file_reader), one for all Parquet files. -#}
        {%- set file_groups = [] -%}
        {%- if extension == 'csv' -%}
            {%- for file in files -%}{%- do file_groups.append([file]) -%}{%- endfor -%}
        {%- elif files | length > 0 -%}
            {%- do file_groups.append(files) -%}
        {%- endif -%}
        {%- for file_group in file_groups -%}
            {%- set reader = claim_file_reader(file_group, extension) -%}
            {%- set present = file_columns(reader) -%}
            {%- for column in required_columns -%}
                {%- if column not in present and aliases.get(column) not in present -%}
                    {{ exceptions.raise_compiler_error(
                        "Claim files " ~ (file_group | join(', ')) ~ " have no column '" ~ column ~ "'"
                        ~ (" (or '" ~ aliases[column] ~ "')" if column in aliases else "")
                        ~ ". Rename the column to the Tuva input-layer name or add it; the"
                        ~ " README lists every column the project reads.") }}
                {%- endif -%}
            {%- endfor -%}
            {%- do parts.append('(' ~ claim_file_select(reader, extension, contract_columns, aliases) ~ ')') -%}
        {%- endfor -%}
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


{#-
  PostgreSQL: the rows of table `<claims_schema>.<file_prefix>`, every file column as text
  plus source_file and source_row_number, as infusion_integrity.postgres_load writes it.
  A missing table counts as no files.
-#}
{% macro postgres__read_claim_files(file_prefix, contract_columns, required_columns, required, exclude_file_names) -%}
    {%- set aliases = {'person_id': 'patient_id'} -%}
    {%- set claims_schema = var('claims_schema', 'raw') -%}
    {%- if not execute -%}
        {{ return(no_claim_file_rows(contract_columns)) }}
    {%- endif -%}

    {%- set relation = adapter.get_relation(
        database=target.database, schema=claims_schema, identifier=file_prefix) -%}
    {%- if relation is none -%}
        {%- if required -%}
            {{ exceptions.raise_compiler_error(
                "No table " ~ claims_schema ~ "." ~ file_prefix ~ " holds the claim files. Load"
                ~ " them with infusion_integrity.postgres_load, or point var claims_schema at"
                ~ " the schema that has the table.") }}
        {%- endif -%}
        {{ return(no_claim_file_rows(contract_columns)) }}
    {%- endif -%}

    {%- set present = {} -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do present.update({column.name | lower: column.name}) -%}
    {%- endfor -%}
    {%- for column in required_columns -%}
        {%- if column not in present and aliases.get(column) not in present -%}
            {{ exceptions.raise_compiler_error(
                "Table " ~ relation ~ " has no column '" ~ column ~ "'"
                ~ (" (or '" ~ aliases[column] ~ "')" if column in aliases else "")
                ~ ". Rename the column to the Tuva input-layer name or add it; the"
                ~ " README lists every column the project reads.") }}
        {%- endif -%}
    {%- endfor -%}

    select
        {%- for column in contract_columns %}
        {%- set source_name = present.get(column) or present.get(aliases.get(column, '')) %}
        {%- if source_name %}
        nullif(trim(cast("{{ source_name }}" as {{ dbt.type_string() }})), '') as {{ column }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        {%- if 'person_id' in contract_columns %}
        {{ "'" ~ ('person_id' if 'person_id' in present else ('patient_id' if 'patient_id' in present else 'none')) ~ "'" }} as person_id_source_column,
        {%- endif %}
        source_file,
        cast(source_row_number as bigint) as source_row_number
    from {{ relation }}
    {%- if exclude_file_names | length > 0 %}
    where {{ dbt.split_part('source_file', "'/'", -1) }} not in ({{ quoted_list(exclude_file_names) }})
    {%- endif %}
{%- endmacro %}


{#- A typed, empty result with the columns of read_claim_files. -#}
{% macro no_claim_file_rows(contract_columns) -%}
    select
        {%- for column in contract_columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        {%- if 'person_id' in contract_columns %}
        cast(null as {{ dbt.type_string() }}) as person_id_source_column,
        {%- endif %}
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as bigint) as source_row_number
    where false
{%- endmacro %}
