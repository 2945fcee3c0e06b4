{#-
  Official CMS medically unlikely edits (MUE), read from the folder in var cms_edits_path.
  Empty when the var is empty; the rule then uses ref_mue_curated.

  CMS publishes one CSV per quarter and kind: MCR_MUE_PractitionerServices_Eff_<date>.csv
  (applies to professional claims) and MCR_MUE_OutpatientHospitalServices_Eff_<date>.csv
  (institutional claims), the date written MM-DD-YYYY. Each row holds: HCPCS code, MUE
  value, adjudication indicator as text ('2 Date of Service Edit: Policy': its first
  character is the indicator 1, 2 or 3) and rationale. Notice and header lines come before
  the rows; every line whose first field is not a HCPCS code is skipped. A row with a HCPCS
  code but a malformed value or indicator stops the build with the file name.

  A file applies from the date in its name until the day before the next file of the same
  kind. A file whose name has no date applies from 1900-01-01.

  DuckDB-only: read_csv reads the files, as for the claim files. Other warehouses stop with
  a message when the var is set.
-#}

{%- set cms_folder = (var('cms_edits_path') | string | trim).rstrip('/') -%}
{%- if cms_folder != '' and target.type != 'duckdb' -%}
    {{ exceptions.raise_compiler_error(
        "var cms_edits_path needs DuckDB, which reads the CMS files; on " ~ target.type
        ~ " set it to '' to use the curated policy edits.") }}
{%- endif -%}
{%- set mue_files = [] -%}
{%- if cms_folder != '' and execute -%}
    {%- for file_pattern in [
        'MCR_MUE_PractitionerServices_*.csv', 'MCR_MUE_OutpatientHospitalServices_*.csv'
    ] -%}
        {%- set matched = run_query(
            "select file from glob('" ~ cms_folder ~ "/" ~ file_pattern ~ "') order by file"
        ).columns[0].values() | list -%}
        {%- if matched | length == 0 -%}
            {{ log("No " ~ file_pattern ~ " MUE files in cms_edits_path '" ~ cms_folder
                ~ "': claims of that kind get no MUE limits.", info=true) }}
        {%- endif -%}
        {%- do mue_files.extend(matched) -%}
    {%- endfor -%}
    {%- if mue_files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "No CMS MUE files (MCR_MUE_PractitionerServices_*.csv or"
            ~ " MCR_MUE_OutpatientHospitalServices_*.csv) found in cms_edits_path '"
            ~ cms_folder ~ "'. Unzip the quarterly MUE downloads into that folder, or set"
            ~ " cms_edits_path to '' to use the curated policy edits.") }}
    {%- endif -%}
{%- endif -%}

{%- if mue_files | length == 0 %}

    select
        cast(null as varchar) as edit_file_kind,
        cast(null as varchar) as applies_to_claim_type,
        cast(null as varchar) as hcpcs_code,
        cast(null as integer) as mue_value,
        cast(null as varchar) as mue_adjudication_indicator,
        cast(null as varchar) as mue_adjudication_text,
        cast(null as varchar) as rationale,
        cast(null as date) as effective_from,
        cast(null as date) as effective_to,
        cast(null as varchar) as source_file_name
    where false

{%- else %}

with file_lines as (

    select
        trim(hcpcs_text) as hcpcs_code,
        coalesce(trim(mue_value_text), '') as mue_value_text,
        coalesce(trim(adjudication_text), '') as mue_adjudication_text,
        trim(rationale_text) as rationale,
        regexp_extract(filename, '[^/]*$') as source_file_name
    from read_csv(
        ['{{ mue_files | join("', '") }}'],
        delim = ',',
        header = false,
        quote = '"',
        escape = '"',
        auto_detect = false,
        null_padding = true,
        -- The notice may be one quoted cell spanning several lines, which the parallel
        -- reader cannot combine with null_padding.
        parallel = false,
        ignore_errors = true,
        strict_mode = false,
        encoding = 'latin-1',
        filename = true,
        columns = {
            'hcpcs_text': 'varchar',
            'mue_value_text': 'varchar',
            'adjudication_text': 'varchar',
            'rationale_text': 'varchar'
        }
    )

),

edit_rows as (

    select
        *,
        case
            when source_file_name like 'MCR_MUE_PractitionerServices%' then 'practitioner'
            else 'outpatient_hospital'
        end as edit_file_kind,
        regexp_extract(source_file_name, '([0-9]{2})-([0-9]{2})-([0-9]{4})', 3) || '-'
        || regexp_extract(source_file_name, '([0-9]{2})-([0-9]{2})-([0-9]{4})', 1) || '-'
        || regexp_extract(source_file_name, '([0-9]{2})-([0-9]{2})-([0-9]{4})', 2)
            as file_date_text
    from file_lines
    where {{ regex_matches('hcpcs_code', '[0-9A-Z][0-9]{3}[0-9A-Z]') }}

),

checked as (

    select
        *,
        case
            when not {{ regex_matches('mue_value_text', '[0-9]+') }}
                or substring(mue_adjudication_text, 1, 1) not in ('1', '2', '3')
                then error(
                    'Invalid MUE row in ' || source_file_name || ': ' || hcpcs_code
                    || ', MUE value ' || mue_value_text || ', adjudication indicator '
                    || mue_adjudication_text
                    || '. Expected a whole number and an indicator text starting with 1, 2 or 3.'
                )
        end as row_error
    from edit_rows

),

-- Files of one kind follow each other: each applies until the next one starts.
files as (

    select
        source_file_name,
        edit_file_kind,
        coalesce(
            try_cast(file_date_text as date), cast('1900-01-01' as date)
        ) as effective_from
    from checked
    group by source_file_name, edit_file_kind, file_date_text

),

file_periods as (

    select
        source_file_name,
        effective_from,
        cast({{ dbt.dateadd(
            'day', -1,
            'lead(effective_from) over (partition by edit_file_kind order by effective_from)'
        ) }} as date) as effective_to
    from files

),

final as (

    select
        checked.edit_file_kind,
        case
            when checked.edit_file_kind = 'practitioner' then 'professional'
            else 'institutional'
        end as applies_to_claim_type,
        checked.hcpcs_code,
        cast(checked.mue_value_text as integer) as mue_value,
        substring(checked.mue_adjudication_text, 1, 1) as mue_adjudication_indicator,
        checked.mue_adjudication_text,
        checked.rationale,
        file_periods.effective_from,
        file_periods.effective_to,
        checked.source_file_name
    from checked
    inner join file_periods
        on checked.source_file_name = file_periods.source_file_name
    where checked.row_error is null

)

select * from final

{%- endif %}
