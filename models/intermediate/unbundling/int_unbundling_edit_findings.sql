{#-
  Drug-administration lines that should not have been paid, found with unit limits and
  procedure-to-procedure (PTP) edit tables (reason codes 10-13 below). One row per flagged
  line. These are the general edits: a line that int_unbundling_pattern_findings already
  flags is not flagged again, and a line flagged here is taken by the first reason in this
  order, so its dollars count once.

  10 unb_once_per_encounter_exceeded
  11 unb_units_over_mue
  12 unb_ptp_indicator_0
  13 unb_ptp_indicator_1_no_modifier

  Only codes of the rule take part: drug administration (ref_drug_admin_codes) and vascular
  access or port irrigation. A PTP pair needs one of them on either side; the other side
  may be any code on the encounter. The edit tables are the CMS files when var
  cms_edits_path is set, else the curated policy edits (int_unbundling_ptp_edits,
  int_unbundling_mue_edits).
-#}

{%- set bypass_modifiers = var('bypass_modifiers') -%}

with classified_lines as (

    select * from {{ ref('int_claim_lines_classified') }}
    where claim_type in ('professional', 'institutional')

),

pattern_findings as (

    select * from {{ ref('int_unbundling_pattern_findings') }}

),

unit_limits as (

    select * from {{ ref('int_unbundling_mue_edits') }}

),

ptp_edits as (

    select * from {{ ref('int_unbundling_ptp_edits') }}

),

-- Line attributes derived the same way as in int_unbundling_pattern_findings.
claim_lines as (

    select
        claim_line_key,
        claim_key,
        claim_id,
        claim_line_number,
        encounter_key,
        person_id,
        claim_type,
        service_date,
        billing_npi,
        rendering_npi,
        hcpcs_code,
        admin_type,
        coalesce(is_once_per_encounter, false) as is_once_per_encounter,
        money_level,
        line_amount_at_risk,
        claim_level_amount_at_risk,
        service_unit_quantity,
        -- A line without reported units is still one service.
        coalesce(service_unit_quantity, 1) as service_count,
        coalesce(
            admin_type is not null
            or procedure_group in ('vascular_access', 'port_irrigation'),
            false
        ) as is_rule_code,
        {{ has_any_modifier("coalesce(modifier_list, '|')", bypass_modifiers) }}
            as has_bypass_modifier,
        coalesce(modifier_list, '|') like '%|25|%' as has_modifier_25,
        -- Evaluation and management codes 99202-99499: Medicare ignores 59 and X modifiers
        -- on them, and modifier 25 is what makes them separately payable.
        coalesce(length(hcpcs_code) = 5 and hcpcs_code between '99202' and '99499', false)
            as is_evaluation_management,
        -- Date-of-service unit limits add up the claims of one provider: the billing NPI,
        -- else only the claim itself when the NPI is missing.
        coalesce(billing_npi, 'claim ' || claim_key) as limit_provider_key,
        {{ claim_line_label() }} as line_label
    from classified_lines

),

encounter_lines as (

    select claim_lines.*
    from claim_lines
    where claim_lines.encounter_key in (
        select rule_lines.encounter_key from claim_lines as rule_lines
        where rule_lines.is_rule_code
    )

),

lines_flagged_by_patterns as (

    select distinct claim_line_key from pattern_findings

),

-- 10. CPT lets some add-ons and pump starts be reported once per encounter, such as 96368
-- (concurrent infusion) and 96371 (extra pump set-up); ref_drug_admin_codes marks them
-- is_once_per_encounter. Initial codes are left to the one-initial-service pattern. The
-- first unit in claim and line order is payable and the units after it are not.
once_per_encounter_lines as (

    select
        encounter_lines.*,
        sum(encounter_lines.service_count) over (
            partition by encounter_lines.encounter_key, encounter_lines.hcpcs_code
        ) as encounter_unit_count,
        coalesce(sum(encounter_lines.service_count) over (
            partition by encounter_lines.encounter_key, encounter_lines.hcpcs_code
            order by encounter_lines.claim_id, encounter_lines.claim_line_number
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_unit_count
    from encounter_lines
    where
        encounter_lines.is_once_per_encounter
        and coalesce(encounter_lines.admin_type, '') <> 'initial'

),

once_per_encounter_excess as (

    select
        claim_line_key,
        'unb_once_per_encounter_exceeded' as reason_code,
        cast(null as {{ dbt.type_string() }}) as related_codes,
        line_label || ' brings the encounter to '
        || cast(cast(encounter_unit_count as integer) as {{ dbt.type_string() }})
        || ' units of a code reported once per encounter' as finding_detail,
        cast(null as {{ dbt.type_string() }}) as edit_source,
        service_count - greatest(least(service_count, 1 - earlier_unit_count), 0)
            as extra_unit_count,
        service_count as unit_count
    from once_per_encounter_lines
    where
        earlier_unit_count + service_count > 1
        and claim_line_key not in (
            select lines_flagged_by_patterns.claim_line_key from lines_flagged_by_patterns
        )

),

-- 11. Medically unlikely edits: the maximum units of a code one provider reports for one
-- person on one date. Indicator 1 limits each line. Indicators 2 and 3 limit the sum over
-- the provider's claims for the person and date, so the units past the limit, in claim
-- and line order, are the ones at risk. Lines without reported units are not counted.
limited_lines as (

    select
        encounter_lines.*,
        unit_limits.mue_value,
        unit_limits.mue_adjudication_indicator,
        unit_limits.edit_source,
        row_number() over (
            partition by encounter_lines.claim_line_key
            order by unit_limits.effective_from desc
        ) as limit_rank
    from encounter_lines
    inner join unit_limits
        on
            encounter_lines.hcpcs_code = unit_limits.hcpcs_code
            and unit_limits.applies_to_claim_type in (encounter_lines.claim_type, 'any')
            and {{ within_effective_dates('encounter_lines.service_date', 'unit_limits') }}
    where encounter_lines.is_rule_code and encounter_lines.service_unit_quantity is not null

),

limit_groups as (

    select
        *,
        case
            when mue_adjudication_indicator = '1' then claim_line_key
            else {{ text_key([
                'claim_type', 'person_id', 'limit_provider_key', 'service_date', 'hcpcs_code'
            ]) }}
        end as limit_group_key
    from limited_lines
    where limit_rank = 1

),

limit_unit_counts as (

    select
        *,
        sum(service_unit_quantity) over (partition by limit_group_key) as group_unit_count,
        coalesce(sum(service_unit_quantity) over (
            partition by limit_group_key
            order by claim_id, claim_line_number
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_unit_count
    from limit_groups

),

units_over_limit as (

    select
        claim_line_key,
        'unb_units_over_mue' as reason_code,
        cast(null as {{ dbt.type_string() }}) as related_codes,
        case
            when mue_adjudication_indicator = '1'
                then
                    line_label || ' is above the line limit of '
                    || cast(mue_value as {{ dbt.type_string() }})
            else
                line_label || ' brings the provider''s ' || hcpcs_code
                || ' units for the person on the date to '
                || case
                    when group_unit_count = floor(group_unit_count)
                        then cast(cast(group_unit_count as integer) as {{ dbt.type_string() }})
                    else cast(group_unit_count as {{ dbt.type_string() }})
                end
                || ', above the date-of-service limit of '
                || cast(mue_value as {{ dbt.type_string() }})
        end as finding_detail,
        edit_source,
        service_unit_quantity
        - greatest(least(service_unit_quantity, mue_value - earlier_unit_count), 0)
            as extra_unit_count,
        service_unit_quantity as unit_count
    from limit_unit_counts
    where
        earlier_unit_count + service_unit_quantity > mue_value
        and claim_line_key not in (
            select lines_flagged_by_patterns.claim_line_key from lines_flagged_by_patterns
        )
        and claim_line_key not in (
            select once_per_encounter_excess.claim_line_key from once_per_encounter_excess
        )

),

-- 12-13. Procedure-to-procedure edits between lines still payable after the checks above.
-- The column-2 line is the one not payable. With indicator 0 no modifier changes that. With
-- indicator 1 a distinct-service modifier on the column-2 line makes both payable, and for
-- an evaluation and management code in column 2 that modifier is 25.
payable_lines as (

    select encounter_lines.*
    from encounter_lines
    where
        encounter_lines.claim_line_key not in (
            select lines_flagged_by_patterns.claim_line_key from lines_flagged_by_patterns
        )
        and encounter_lines.claim_line_key not in (
            select once_per_encounter_excess.claim_line_key from once_per_encounter_excess
        )
        and encounter_lines.claim_line_key not in (
            select units_over_limit.claim_line_key from units_over_limit
        )

),

edited_pairs as (

    select
        column_2_lines.claim_line_key,
        column_2_lines.line_label,
        column_1_lines.hcpcs_code as column_1_code,
        ptp_edits.modifier_indicator,
        ptp_edits.edit_source
    from payable_lines as column_2_lines
    inner join ptp_edits
        on
            column_2_lines.hcpcs_code = ptp_edits.column_2_code
            and ptp_edits.applies_to_claim_type in (column_2_lines.claim_type, 'any')
            and {{ within_effective_dates('column_2_lines.service_date', 'ptp_edits') }}
    inner join payable_lines as column_1_lines
        on
            column_2_lines.encounter_key = column_1_lines.encounter_key
            and ptp_edits.column_1_code = column_1_lines.hcpcs_code
            and column_2_lines.claim_line_key <> column_1_lines.claim_line_key
    where
        (column_1_lines.is_rule_code or column_2_lines.is_rule_code)
        and (
            ptp_edits.modifier_indicator = '0'
            or (column_2_lines.is_evaluation_management and not column_2_lines.has_modifier_25)
            or (
                not column_2_lines.is_evaluation_management
                and not column_2_lines.has_bypass_modifier
            )
        )

),

strictest_pair_per_line as (

    select
        claim_line_key,
        min(modifier_indicator) as modifier_indicator
    from edited_pairs
    group by claim_line_key

),

pair_findings as (

    select
        edited_pairs.claim_line_key,
        case
            when strictest_pair_per_line.modifier_indicator = '0' then 'unb_ptp_indicator_0'
            else 'unb_ptp_indicator_1_no_modifier'
        end as reason_code,
        {{ sorted_list('edited_pairs.column_1_code') }} as related_codes,
        max(edited_pairs.line_label) || ' is the column-2 code beside column-1 code '
        || {{ sorted_list('edited_pairs.column_1_code') }} as finding_detail,
        max(edited_pairs.edit_source) as edit_source,
        cast(1 as decimal(18, 3)) as extra_unit_count,
        cast(1 as decimal(18, 3)) as unit_count
    from edited_pairs
    inner join strictest_pair_per_line
        on
            edited_pairs.claim_line_key = strictest_pair_per_line.claim_line_key
            and edited_pairs.modifier_indicator = strictest_pair_per_line.modifier_indicator
    group by edited_pairs.claim_line_key, strictest_pair_per_line.modifier_indicator

),

findings as (

    select * from once_per_encounter_excess
    union all
    select * from units_over_limit
    union all
    select * from pair_findings

),

final as (

    select
        claim_lines.claim_line_key,
        claim_lines.claim_key,
        claim_lines.claim_id,
        claim_lines.claim_line_number,
        claim_lines.encounter_key,
        claim_lines.person_id,
        claim_lines.claim_type,
        claim_lines.service_date,
        claim_lines.billing_npi,
        claim_lines.rendering_npi,
        claim_lines.hcpcs_code,
        findings.reason_code,
        findings.related_codes,
        findings.finding_detail,
        findings.edit_source,
        cast(findings.extra_unit_count / findings.unit_count as decimal(18, 6)) as flagged_share,
        claim_lines.money_level,
        cast(
            claim_lines.line_amount_at_risk * findings.extra_unit_count / findings.unit_count
            as decimal(18, 2)
        ) as line_amount_at_risk,
        cast(
            claim_lines.claim_level_amount_at_risk * findings.extra_unit_count
            / findings.unit_count as decimal(18, 2)
        ) as claim_level_amount_at_risk
    from findings
    inner join claim_lines
        on findings.claim_line_key = claim_lines.claim_line_key

)

select * from final
