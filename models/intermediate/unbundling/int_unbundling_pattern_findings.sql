{#-
  Drug-administration lines that should not have been paid, found by the coding patterns of
  the infusion_unbundling rule (reason codes 1-9 below). One row per flagged line: a line
  that several patterns flag is kept under the first of them in this order, so its dollars
  count once and the unified alert table shows the most specific reason.

   1 unb_facility_only_code_on_professional
   2 unb_admin_in_facility_setting_professional
   3 unb_99211_with_admin
   4 unb_em_without_modifier_25
   5 unb_vascular_access_with_admin
   6 unb_addon_without_primary
   7 unb_facility_hydration_as_initial
   8 unb_concurrent_hydration
   9 unb_multiple_initial_services (lines flagged by 1-8 do not compete for "initial")

  "Same encounter" is the project's encounter key: person + billing provider + date on
  professional claims, the claim on institutional claims. The edit-table reasons (units,
  procedure-to-procedure pairs) follow in int_unbundling_edit_findings.
-#}

{%- set bypass_modifiers = var('bypass_modifiers') -%}
{%- set bypass_text = (bypass_modifiers[:-1] | join(', ')) ~ ' or ' ~ bypass_modifiers[-1] -%}

with classified_lines as (

    select * from {{ ref('int_claim_lines_classified') }}
    where claim_type in ('professional', 'institutional')

),

addon_primary_codes as (

    select * from {{ ref('ref_addon_primary_codes') }}

),

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
        place_of_service_code,
        billing_npi,
        rendering_npi,
        hcpcs_code,
        admin_type,
        admin_class,
        admin_family,
        admin_route,
        coalesce(is_facility_only_admin, false) as is_facility_only_admin,
        procedure_group,
        money_level,
        line_amount_at_risk,
        claim_level_amount_at_risk,
        service_unit_quantity,
        -- A line without reported units is still one service.
        coalesce(service_unit_quantity, 1) as service_count,
        {{ has_any_modifier("coalesce(modifier_list, '|')", bypass_modifiers) }}
            as has_bypass_modifier,
        coalesce(modifier_list, '|') like '%|25|%' as has_modifier_25,
        -- Drug administration proper: hydration, therapeutic and chemotherapy services, not
        -- pump refills or port irrigation.
        coalesce(admin_type is not null and admin_family <> 'access', false)
            as is_drug_administration,
        coalesce(
            admin_class = 'infusion' and admin_family in ('therapeutic', 'chemotherapy'),
            false
        ) as is_drug_infusion,
        -- Line label used in evidence: '96374 line 2 (1 unit, modifiers 59)'.
        {{ claim_line_label() }} as line_label,
        -- Reference to the line from another line's evidence: '96365 (claim C1 line 1)'.
        hcpcs_code || ' (claim ' || claim_id || ' line '
        || cast(claim_line_number as {{ dbt.type_string() }}) || ')' as line_reference
    from classified_lines

),

encounter_codes as (

    select
        encounter_key,
        {{ sorted_list("case when is_drug_administration then hcpcs_code end") }}
            as administration_codes,
        {{ sorted_list("case when is_drug_infusion then hcpcs_code end") }}
            as drug_infusion_codes,
        {{ sorted_list("case when is_drug_infusion and admin_route = 'iv' then hcpcs_code end") }}
            as iv_drug_infusion_codes
    from claim_lines
    -- Only encounters with an administration line go on (encounter_lines), so only those
    -- lines are grouped: a fraction of all lines.
    where is_drug_administration or is_drug_infusion
    group by encounter_key

),

encounter_lines as (

    select
        claim_lines.*,
        encounter_codes.administration_codes,
        encounter_codes.drug_infusion_codes,
        encounter_codes.iv_drug_infusion_codes
    from claim_lines
    inner join encounter_codes
        on claim_lines.encounter_key = encounter_codes.encounter_key
    where encounter_codes.administration_codes is not null

),

-- 1. CPT reserves 96376 (repeat push of the same drug) for facility reporting, and C8957 is
-- an outpatient hospital code.
facility_only_codes as (

    select
        claim_line_key,
        'unb_facility_only_code_on_professional' as reason_code,
        1 as precedence,
        cast(null as {{ dbt.type_string() }}) as related_codes,
        line_label || ' is a facility-only code' as finding_detail
    from encounter_lines
    where claim_type = 'professional' and is_facility_only_admin

),

-- 2. CPT: hydration and therapeutic administration (96360-96379) given in a facility
-- (off-campus or on-campus outpatient hospital, inpatient, emergency room) is reported by
-- the facility, not by the physician.
facility_setting_administration as (

    select
        claim_line_key,
        'unb_admin_in_facility_setting_professional' as reason_code,
        2 as precedence,
        cast(null as {{ dbt.type_string() }}) as related_codes,
        line_label || ' at place of service ' || place_of_service_code as finding_detail
    from encounter_lines
    where
        claim_type = 'professional'
        and admin_type is not null
        and hcpcs_code between '96360' and '96379'
        and place_of_service_code in ('19', '21', '22', '23')

),

-- 3. Medicare does not pay 99211 on the day of a drug administration by the same provider,
-- with or without modifier 25.
minimal_visit_with_administration as (

    select
        claim_line_key,
        'unb_99211_with_admin' as reason_code,
        3 as precedence,
        administration_codes as related_codes,
        line_label || ' beside administration ' || administration_codes as finding_detail
    from encounter_lines
    where procedure_group = 'office_em_minimal'

),

-- 4. An office visit on the day of a drug administration is payable only as a significant,
-- separately identifiable service, marked with modifier 25.
office_visit_without_modifier_25 as (

    select
        claim_line_key,
        'unb_em_without_modifier_25' as reason_code,
        4 as precedence,
        administration_codes as related_codes,
        line_label || ' without modifier 25 beside administration ' || administration_codes
            as finding_detail
    from encounter_lines
    where procedure_group = 'office_em' and not has_modifier_25

),

-- 5. Starting the IV, accessing a port or catheter and flushing it are part of every
-- administration code.
access_with_administration as (

    select
        claim_line_key,
        'unb_vascular_access_with_admin' as reason_code,
        5 as precedence,
        administration_codes as related_codes,
        line_label || ' beside administration ' || administration_codes as finding_detail
    from encounter_lines
    where procedure_group in ('vascular_access', 'port_irrigation')

),

-- 6. An add-on is payable only with one of its primary codes on the encounter. Add-ons
-- whose primaries are unknown (no ref_addon_primary_codes row) are not checked.
addon_primaries as (

    select
        encounter_lines.claim_line_key,
        encounter_lines.line_label,
        {{ sorted_list('addon_primary_codes.primary_code') }} as allowed_primary_codes,
        count(primary_lines.claim_line_key) as primary_line_count
    from encounter_lines
    inner join addon_primary_codes
        on
            encounter_lines.hcpcs_code = addon_primary_codes.addon_code
            and {{ within_effective_dates('encounter_lines.service_date', 'addon_primary_codes') }}
    left join claim_lines as primary_lines
        on
            encounter_lines.encounter_key = primary_lines.encounter_key
            and addon_primary_codes.primary_code = primary_lines.hcpcs_code
    where encounter_lines.admin_type = 'addon'
    group by encounter_lines.claim_line_key, encounter_lines.line_label

),

addon_without_primary as (

    select
        claim_line_key,
        'unb_addon_without_primary' as reason_code,
        6 as precedence,
        cast(null as {{ dbt.type_string() }}) as related_codes,
        line_label || ' has none of its primary codes ' || allowed_primary_codes
        || ' on the encounter' as finding_detail
    from addon_primaries
    where primary_line_count = 0

),

-- 7. Facility hierarchy (CPT): a therapeutic or chemotherapy infusion outranks hydration, so
-- hydration on the same claim is reported with the add-on 96361, never as initial 96360.
facility_hydration_as_initial as (

    select
        claim_line_key,
        'unb_facility_hydration_as_initial' as reason_code,
        7 as precedence,
        drug_infusion_codes as related_codes,
        line_label || ' reported as initial beside drug infusion ' || drug_infusion_codes
            as finding_detail
    from encounter_lines
    where
        claim_type = 'institutional'
        and admin_family = 'hydration'
        and admin_type = 'initial'
        and drug_infusion_codes is not null

),

-- 8. NCCI policy: hydration running at the same time as a drug infusion through the same
-- IV access is not separately payable. Hydration before or after it is, and the hydration
-- line then carries a distinct-service modifier.
concurrent_hydration as (

    select
        claim_line_key,
        'unb_concurrent_hydration' as reason_code,
        8 as precedence,
        iv_drug_infusion_codes as related_codes,
        line_label || ' without {{ bypass_text }} beside IV drug infusion '
        || iv_drug_infusion_codes as finding_detail
    from encounter_lines
    where
        admin_family = 'hydration'
        and iv_drug_infusion_codes is not null
        and not has_bypass_modifier

),

pattern_candidates as (

    select * from facility_only_codes
    union all
    select * from facility_setting_administration
    union all
    select * from minimal_visit_with_administration
    union all
    select * from office_visit_without_modifier_25
    union all
    select * from access_with_administration
    union all
    select * from addon_without_primary
    union all
    select * from facility_hydration_as_initial
    union all
    select * from concurrent_hydration

),

first_pattern_per_line as (

    select
        claim_line_key,
        reason_code,
        related_codes,
        finding_detail,
        cast(1 as decimal(18, 6)) as flagged_share
    from (
        select
            *,
            row_number() over (partition by claim_line_key order by precedence) as reason_rank
        from pattern_candidates
    ) as ranked_candidates
    where reason_rank = 1

),

-- 9. NCCI policy allows one initial service per encounter. The line that stays initial:
--   - institutional claims follow the CPT facility hierarchy: chemotherapy > therapeutic >
--     hydration, then infusion > push > injection;
--   - professional claims: the physician picks the initial service by the reason for the
--     visit, which claims do not show, so the highest-paid line stays initial (then the
--     first by claim id and line number).
-- Lines carrying a bypass modifier are ranked after lines without one, because the
-- modifier marks the line the biller declares as the separate service. Every other
-- initial line is extra unless it carries a modifier of var bypass_modifiers (59, XE, XS,
-- XP, XU). Units above one on a single line are extra services whatever the modifier.
ranked_initial_lines as (

    select
        encounter_lines.*,
        row_number() over (
            partition by encounter_lines.encounter_key
            order by
                case
                    when encounter_lines.claim_type <> 'institutional' then 0
                    when encounter_lines.admin_family = 'chemotherapy' then 10
                    when encounter_lines.admin_family = 'therapeutic' then 20
                    else 30
                end
                + case
                    when encounter_lines.claim_type <> 'institutional' then 0
                    when encounter_lines.admin_class = 'infusion' then 1
                    when encounter_lines.admin_class = 'push' then 2
                    else 3
                end,
                case when encounter_lines.has_bypass_modifier then 1 else 0 end,
                encounter_lines.line_amount_at_risk desc nulls last,
                encounter_lines.claim_id asc,
                encounter_lines.claim_line_number asc
        ) as initial_rank
    from encounter_lines
    left join first_pattern_per_line
        on encounter_lines.claim_line_key = first_pattern_per_line.claim_line_key
    where
        encounter_lines.admin_type = 'initial'
        and first_pattern_per_line.claim_line_key is null

),

initial_with_kept_line as (

    select
        ranked_initial_lines.*,
        kept_lines.line_reference as kept_line_reference,
        kept_lines.hcpcs_code as kept_hcpcs_code,
        case
            when
                ranked_initial_lines.initial_rank = 1
                or ranked_initial_lines.has_bypass_modifier
                then ranked_initial_lines.service_count - 1
            else ranked_initial_lines.service_count
        end as extra_service_count
    from ranked_initial_lines
    inner join ranked_initial_lines as kept_lines
        on
            ranked_initial_lines.encounter_key = kept_lines.encounter_key
            and kept_lines.initial_rank = 1

),

extra_initial_services as (

    select
        claim_line_key,
        'unb_multiple_initial_services' as reason_code,
        case when initial_rank = 1 then null else kept_hcpcs_code end as related_codes,
        case
            when initial_rank = 1
                then line_label || ' bills more than one initial service on one line'
            when has_bypass_modifier
                then
                    line_label || ' is a separate initial service beside '
                    || kept_line_reference || ' but bills more than one unit'
            else
                line_label || ' is a second initial service without {{ bypass_text }} beside '
                || kept_line_reference
        end as finding_detail,
        cast(extra_service_count / service_count as decimal(18, 6)) as flagged_share
    from initial_with_kept_line
    where extra_service_count > 0

),

findings as (

    select * from first_pattern_per_line
    union all
    select * from extra_initial_services

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
        cast(null as {{ dbt.type_string() }}) as edit_source,
        findings.flagged_share,
        claim_lines.money_level,
        cast(claim_lines.line_amount_at_risk * findings.flagged_share as decimal(18, 2))
            as line_amount_at_risk,
        cast(claim_lines.claim_level_amount_at_risk * findings.flagged_share as decimal(18, 2))
            as claim_level_amount_at_risk
    from findings
    inner join claim_lines
        on findings.claim_line_key = claim_lines.claim_line_key

)

select * from final
