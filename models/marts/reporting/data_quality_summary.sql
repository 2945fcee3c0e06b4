{#-
  What happened to the input: rows read, staged, rejected by reason, staging warnings,
  duplicates collapsed, claim versions by outcome, repeated line versions and claims with
  claim-level money. One row per metric and detail, for BI tools and the run summary.
-#}

with base_rows as (

    select count(*) as row_count from {{ ref('base_medical_claim') }}

),

staged_rows as (

    select count(*) as row_count from {{ ref('stg_medical_claim') }}

),

rejected_rows as (

    select
        reject_reason_code,
        count(*) as row_count
    from {{ ref('rejected_claim_lines') }}
    group by reject_reason_code

),

warnings as (

    select
        warning_code,
        count(*) as row_count
    from {{ ref('stg_medical_claim_warnings') }}
    group by warning_code

),

duplicates as (

    select sum(duplicate_count - 1) as row_count
    from {{ ref('int_claim_lines_deduplicated') }}

),

versions as (

    select
        version_status,
        count(*) as row_count
    from {{ ref('int_claim_versions') }}
    group by version_status

),

line_resolutions as (

    select
        line_resolution,
        count(*) as row_count
    from {{ ref('int_claim_lines_final') }}
    group by line_resolution

),

money_levels as (

    select
        money_level,
        count(distinct claim_key) as row_count
    from {{ ref('int_claim_lines_final') }}
    group by money_level

),

invalid_diagnoses as (

    select count(*) as row_count
    from {{ ref('int_claim_diagnoses') }}
    where not is_valid_code

),

metrics as (

    select 1 as sort_order, 'rows_read' as metric, 'all files' as detail, row_count
    from base_rows
    union all
    select 2, 'rows_staged', 'usable rows', row_count from staged_rows
    union all
    select 3, 'rows_rejected', reject_reason_code, row_count from rejected_rows
    union all
    select 4, 'staging_warnings', warning_code, row_count from warnings
    union all
    select 5, 'duplicate_rows_collapsed', 'identical business rows', coalesce(row_count, 0)
    from duplicates
    union all
    select 6, 'claim_versions', version_status, row_count from versions
    union all
    select 7, 'final_lines', line_resolution, row_count from line_resolutions
    union all
    select 8, 'final_claims_by_money_level', money_level, row_count from money_levels
    union all
    select 9, 'invalid_diagnosis_codes', 'not evaluated', row_count from invalid_diagnoses

),

final as (

    select
        sort_order,
        metric,
        detail,
        cast(row_count as bigint) as row_count
    from metrics

)

select * from final
