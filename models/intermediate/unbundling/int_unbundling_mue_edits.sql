{#-
  The unit limits (medically unlikely edits, MUE) the infusion_unbundling rule applies: the
  official CMS MUE tables when var cms_edits_path names a folder, else the curated limits.
  CMS practitioner limits apply to professional claims and outpatient hospital limits to
  institutional claims; curated limits apply to both.
-#}

{%- set uses_cms_files = (var('cms_edits_path') | string | trim) != '' -%}

with cms_limits as (

    select * from {{ ref('stg_cms__mue') }}

),

curated_limits as (

    select * from {{ ref('ref_mue_curated') }}

),

final as (

    select
        'CMS MUE' as edit_source,
        applies_to_claim_type,
        hcpcs_code,
        mue_value,
        mue_adjudication_indicator,
        effective_from,
        effective_to,
        rationale,
        source_file_name
    from cms_limits

    union all

    select
        'curated policy edit' as edit_source,
        'any' as applies_to_claim_type,
        hcpcs_code,
        mue_value,
        mue_adjudication_indicator,
        effective_from,
        effective_to,
        rationale,
        'ref_mue_curated' as source_file_name
    from curated_limits
    where {{ 'false' if uses_cms_files else 'true' }}

)

select * from final
