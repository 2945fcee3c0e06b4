{#-
  The procedure-to-procedure edits the infusion_unbundling rule applies: the official CMS
  NCCI edits when var cms_edits_path names a folder, else the curated policy edits. CMS
  practitioner edits apply to professional claims and outpatient hospital edits to
  institutional claims; curated edits apply to both.
-#}

{%- set uses_cms_files = (var('cms_edits_path') | string | trim) != '' -%}

with cms_edits as (

    select * from {{ ref('stg_cms__ptp_edits') }}

),

curated_edits as (

    select * from {{ ref('ref_ncci_ptp_curated') }}

),

final as (

    select
        'CMS NCCI PTP' as edit_source,
        applies_to_claim_type,
        column_1_code,
        column_2_code,
        modifier_indicator,
        effective_from,
        effective_to,
        rationale,
        source_file_name
    from cms_edits

    union all

    select
        'curated policy edit' as edit_source,
        'any' as applies_to_claim_type,
        column_1_code,
        column_2_code,
        modifier_indicator,
        effective_from,
        effective_to,
        rationale,
        'ref_ncci_ptp_curated' as source_file_name
    from curated_edits
    where {{ 'false' if uses_cms_files else 'true' }}

)

select * from final
