{#-
  What happened to the input: rows read, staged, rejected by reason, staging warnings,
  duplicates collapsed, claim versions by outcome, repeated line versions and claims with
  claim-level money. One row per metric and detail, for BI tools and the run summary.
-#}

with base_rows as (

    select count(*) as row_count from {{ ref('base_medical_claim_in_scope') }}

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

icd9_claims as (

    -- ICD-9-CM claims (service before ICD-10-CM, or coded so) are not evaluated by the
    -- ICD-10-CM diagnosis rules.
    select count(distinct claim_key) as row_count
    from {{ ref('int_claim_diagnoses') }}
    where diagnosis_code_type = 'icd-9-cm'

),

metrics as (

    select
        1 as sort_order,
        'rows_read' as metric,
        'all files' as detail,
        row_count
    from base_rows

    union all

    select
        2 as sort_order,
        'rows_staged' as metric,
        'usable rows' as detail,
        row_count
    from staged_rows

    union all

    select
        3 as sort_order,
        'rows_rejected' as metric,
        reject_reason_code as detail,
        row_count
    from rejected_rows

    union all

    select
        4 as sort_order,
        'staging_warnings' as metric,
        warning_code as detail,
        row_count
    from warnings

    union all

    select
        5 as sort_order,
        'duplicate_rows_collapsed' as metric,
        'identical business rows' as detail,
        coalesce(row_count, 0) as row_count
    from duplicates

    union all

    select
        6 as sort_order,
        'claim_versions' as metric,
        version_status as detail,
        row_count
    from versions

    union all

    select
        7 as sort_order,
        'final_lines' as metric,
        line_resolution as detail,
        row_count
    from line_resolutions

    union all

    select
        8 as sort_order,
        'final_claims_by_money_level' as metric,
        money_level as detail,
        row_count
    from money_levels

    union all

    select
        9 as sort_order,
        'invalid_diagnosis_codes' as metric,
        'not evaluated' as detail,
        row_count
    from invalid_diagnoses

    union all

    select
        10 as sort_order,
        'icd9_claims_not_evaluated' as metric,
        'ICD-9-CM diagnoses' as detail,
        row_count
    from icd9_claims

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
