{#-
  Official CMS NCCI procedure-to-procedure (PTP) edits, read from the folder in var
  cms_edits_path. Empty when the var is empty; the rule then uses ref_ncci_ptp_curated.

  CMS publishes the edits quarterly as tab-separated text files, practitioner edits in
  ccipra-*.txt (they apply to professional claims) and outpatient hospital edits in
  ccioph-*.txt (institutional claims). Each row holds: column-1 code, column-2 code, '*'
  when the edit existed before 1996, effective date (YYYYMMDD), deletion date (YYYYMMDD,
  or '*' when not deleted), modifier indicator and rationale. Notice and header lines come
  before the rows; every line whose first field is not a HCPCS code is skipped. A row with
  a HCPCS code but a malformed date or indicator stops the build with the file name.
  Indicator 9 means the edit does not apply, so those rows are dropped.

  DuckDB-only: read_csv reads the files, as for the claim files. Other warehouses stop with
  a message when the var is set.
-#}

{%- set cms_folder = (var('cms_edits_path') | string | trim).rstrip('/') -%}
{%- if cms_folder != '' and target.type != 'duckdb' -%}
    {{ exceptions.raise_compiler_error(
        "var cms_edits_path needs DuckDB, which reads the CMS files; on " ~ target.type
        ~ " set it to '' to use the curated policy edits.") }}
{%- endif -%}
{%- set ptp_files = [] -%}
{%- if cms_folder != '' and execute -%}
    {%- set kinds_found = [] -%}
    {%- for file_pattern in ['ccipra-*.txt', 'ccioph-*.txt'] -%}
        {%- set matched = run_query(
            "select file from glob('" ~ cms_folder ~ "/" ~ file_pattern ~ "') order by file"
        ).columns[0].values() | list -%}
        {%- if matched | length > 0 -%}
            {%- do kinds_found.append(file_pattern) -%}
        {%- else -%}
            {{ log("No " ~ file_pattern ~ " PTP files in cms_edits_path '" ~ cms_folder
                ~ "': claims of that kind get no PTP edits.", info=true) }}
        {%- endif -%}
        {%- do ptp_files.extend(matched) -%}
    {%- endfor -%}
    {%- if ptp_files | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "No CMS PTP files (ccipra-*.txt or ccioph-*.txt) found in cms_edits_path '"
            ~ cms_folder ~ "'. Unzip the quarterly NCCI PTP downloads into that folder, or"
            ~ " set cms_edits_path to '' to use the curated policy edits.") }}
    {%- endif -%}
{%- endif -%}

{%- if ptp_files | length == 0 %}

    select
        cast(null as varchar) as edit_file_kind,
        cast(null as varchar) as applies_to_claim_type,
        cast(null as varchar) as column_1_code,
        cast(null as varchar) as column_2_code,
        cast(null as boolean) as is_pre_1996_edit,
        cast(null as date) as effective_from,
        cast(null as date) as deletion_date,
        cast(null as date) as effective_to,
        cast(null as varchar) as modifier_indicator,
        cast(null as varchar) as rationale,
        cast(null as varchar) as source_file_name
    where false

{%- else %}

with file_lines as (

    select
        trim(column_1_text) as column_1_code,
        coalesce(trim(column_2_text), '') as column_2_code,
        trim(pre_1996_text) as pre_1996_text,
        coalesce(trim(effective_date_text), '') as effective_date_text,
        -- An empty deletion date means the same as '*': not deleted.
        coalesce(nullif(trim(deletion_date_text), ''), '*') as deletion_date_text,
        coalesce(trim(modifier_indicator_text), '') as modifier_indicator,
        trim(rationale_text) as rationale,
        regexp_extract(filename, '[^/]*$') as source_file_name
    from read_csv(
        ['{{ ptp_files | join("', '") }}'],
        delim = '\t',
        header = false,
        quote = '',
        escape = '',
        auto_detect = false,
        null_padding = true,
        -- Notice lines may hold stray tabs, and they are skipped either way.
        ignore_errors = true,
        strict_mode = false,
        -- The files are not UTF-8 throughout (the notice has a copyright sign).
        encoding = 'latin-1',
        filename = true,
        columns = {
            'column_1_text': 'varchar',
            'column_2_text': 'varchar',
            'pre_1996_text': 'varchar',
            'effective_date_text': 'varchar',
            'deletion_date_text': 'varchar',
            'modifier_indicator_text': 'varchar',
            'rationale_text': 'varchar'
        }
    )

),

edit_rows as (

    select
        *,
        case
            when source_file_name like 'ccipra-%' then 'practitioner'
            else 'outpatient_hospital'
        end as edit_file_kind
    from file_lines
    where {{ regex_matches('column_1_code', '[0-9A-Z][0-9]{3}[0-9A-Z]') }}

),

checked as (

    select
        *,
        case
            when not {{ regex_matches('column_2_code', '[0-9A-Z][0-9]{3}[0-9A-Z]') }}
                or not {{ regex_matches('effective_date_text', '[0-9]{8}') }}
                or not {{ regex_matches('deletion_date_text', '[0-9]{8}|[*]') }}
                or modifier_indicator not in ('0', '1', '9')
                then error(
                    'Invalid PTP edit row in ' || source_file_name || ': ' || column_1_code
                    || ' / ' || column_2_code || ', effective date ' || effective_date_text
                    || ', deletion date ' || deletion_date_text || ', modifier indicator '
                    || modifier_indicator
                    || '. Expected YYYYMMDD dates (deletion may be *) and indicator 0, 1 or 9.'
                )
        end as row_error
    from edit_rows

),

typed as (

    select
        edit_file_kind,
        case
            when edit_file_kind = 'practitioner' then 'professional'
            else 'institutional'
        end as applies_to_claim_type,
        column_1_code,
        column_2_code,
        coalesce(pre_1996_text = '*', false) as is_pre_1996_edit,
        cast(
            substring(effective_date_text, 1, 4) || '-' || substring(effective_date_text, 5, 2)
            || '-' || substring(effective_date_text, 7, 2) as date
        ) as effective_from,
        case
            when {{ regex_matches('deletion_date_text', '[0-9]{8}') }}
                then cast(
                    substring(deletion_date_text, 1, 4) || '-'
                    || substring(deletion_date_text, 5, 2) || '-'
                    || substring(deletion_date_text, 7, 2) as date
                )
        end as deletion_date,
        modifier_indicator,
        rationale,
        source_file_name,
        row_error
    from checked

),

-- The same edit appears again in the files of a later quarter, possibly with a deletion
-- date added. The file with the highest version (the later name) wins.
latest_version as (

    select
        *,
        row_number() over (
            partition by edit_file_kind, column_1_code, column_2_code, effective_from
            order by source_file_name desc
        ) as version_rank
    from typed

),

final as (

    select
        edit_file_kind,
        applies_to_claim_type,
        column_1_code,
        column_2_code,
        is_pre_1996_edit,
        effective_from,
        deletion_date,
        -- NOTE: the deletion date is read as the first date the edit no longer applies, so
        -- rows deleted on their effective date never apply. The CMS files do not say whether
        -- the deletion day itself is still edited.
        cast({{ dbt.dateadd('day', -1, 'deletion_date') }} as date) as effective_to,
        modifier_indicator,
        rationale,
        source_file_name
    from latest_version
    where
        version_rank = 1
        and modifier_indicator <> '9'
        and row_error is null

)

select * from final

{%- endif %}
