{#-
  Home-infusion per diems and home-infusion services billed inappropriately: one alert per
  claim and reason code.

  A commercial per-diem S-code pays one day of one home-infusion therapy: pharmacy services,
  care coordination and all supplies and equipment, while drugs and nursing visits are billed
  separately. A per-diem line covers its line dates (service_date to service_end_date), not
  its claim dates. Var per_diem_day_convention decides which of those days are per-diem days:
  'access_days' (every day of the span, the NHIA definition) or 'infusion_days' (only days on
  which the person has infusion activity, as BCBS Texas and BCBS North Dakota pay).

  TODO: the findings of all twelve reason codes live in this one model (about 1,100
  lines); split them into intermediate models, one per pattern family.

  Every overlap and frequency check compares lines of one person_id. Lines without a person
  are rejected in staging and never reach this model.
-#}

{%- set rule_id = 'home_infusion_per_diem' -%}
{%- set day_convention = var('per_diem_day_convention') -%}
{%- if day_convention not in ['access_days', 'infusion_days'] -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var per_diem_day_convention '" ~ day_convention
        ~ "': use access_days or infusion_days.") }}
{%- endif -%}
{%- set stay_day_rule = var('inpatient_stay_day_rule') -%}
{%- if stay_day_rule not in ['exclusive', 'inclusive'] -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var inpatient_stay_day_rule '" ~ stay_day_rule
        ~ "': use exclusive or inclusive.") }}
{%- endif -%}
{#- Reasons whose dollars at risk are the flagged line's share of the days it overlaps. -#}
{%- set day_share_reasons = [
    'hit_bundled_supply_billed',
    'hit_generic_and_specific_per_diem',
    'hit_duplicate_per_diem_same_day',
    'hit_concurrent_therapy_without_modifier',
    'hit_per_diem_during_inpatient_stay',
] -%}
{#- 'exclusive' leaves the admission and discharge days out of a stay, 'inclusive' keeps them. -#}
{%- set after_admission = '>' if stay_day_rule == 'exclusive' else '>=' -%}
{%- set before_discharge = '<' if stay_day_rule == 'exclusive' else '<=' -%}
{%- set stay_edge_days_text = "', admission and discharge days not counted).'"
    if stay_day_rule == 'exclusive' else "', admission and discharge days counted).'" -%}
{%- set per_diem_days_text = "' days with an infusion, drug or home infusion visit.'"
    if day_convention == 'infusion_days' else "' days.'" -%}
{%- set text_type = dbt.type_string() -%}
{%- set diagnosis_parts = [] -%}
{%- for position in range(1, 26) -%}
    {%- do diagnosis_parts.append(
        "coalesce(', ' || claim_lines.diagnosis_code_" ~ position ~ ", '')") -%}
{%- endfor -%}

-- Every finding rests on a person with a per diem or a home-infusion service code, so only
-- those persons' lines are read (a small share of all lines).
with home_infusion_codes as (

    select hcpcs_code from {{ ref('ref_home_infusion_per_diem') }}
    union all
    select hcpcs_code from {{ ref('ref_home_infusion_services') }}

),

home_infusion_persons as (

    select distinct classified_lines.person_id
    from {{ ref('int_claim_lines_classified') }} as classified_lines
    inner join home_infusion_codes
        on classified_lines.hcpcs_code = home_infusion_codes.hcpcs_code

),

claim_lines as (

    select classified_lines.*
    from {{ ref('int_claim_lines_classified') }} as classified_lines
    inner join home_infusion_persons
        on classified_lines.person_id = home_infusion_persons.person_id

),

calendar_days as (

    select * from {{ ref('int_home_infusion_calendar_days') }}

),

inpatient_stays as (

    select * from {{ ref('int_inpatient_stays') }}

),

per_diem_codes as (

    select * from {{ ref('ref_home_infusion_per_diem') }}

),

bundled_supplies as (

    select * from {{ ref('ref_per_diem_bundled_supplies') }}

),

payer_exceptions as (

    select * from {{ ref('ref_per_diem_payer_exceptions') }}

),

home_infusion_services as (

    select * from {{ ref('ref_home_infusion_services') }}

),

rule_reasons as (

    select
        reason_code,
        severity
    from {{ ref('rule_catalog') }}
    where rule_id = '{{ rule_id }}'

),

-- Each line with its date span. A line whose end date is missing or before its start date
-- spans its start date only.
spanned_lines as (

    select
        claim_lines.claim_line_key,
        claim_lines.claim_key,
        claim_lines.claim_id,
        claim_lines.claim_line_number,
        claim_lines.person_id,
        claim_lines.payer,
        claim_lines.billing_npi,
        claim_lines.rendering_npi,
        claim_lines.care_setting,
        claim_lines.hcpcs_code,
        coalesce(claim_lines.modifier_list, '|') as modifier_list,
        claim_lines.service_date,
        case
            when claim_lines.service_end_date > claim_lines.service_date
                then claim_lines.service_end_date
            else claim_lines.service_date
        end as span_end_date,
        case
            when claim_lines.service_end_date > claim_lines.service_date
                then
                    {{ dbt.datediff(
                        'claim_lines.service_date', 'claim_lines.service_end_date', 'day'
                    ) }} + 1
            else 1
        end as span_day_count,
        claim_lines.service_unit_quantity,
        claim_lines.admin_class,
        coalesce(claim_lines.is_drug_line, false) as is_drug_line,
        claim_lines.money_level,
        claim_lines.line_amount_at_risk,
        claim_lines.claim_level_amount_at_risk,
        nullif(substring({{ dbt.concat(diagnosis_parts) }}, 3), '') as diagnosis_codes
    from claim_lines

),

per_diem_lines as (

    select
        spanned_lines.claim_line_key,
        spanned_lines.claim_key,
        spanned_lines.claim_id,
        spanned_lines.claim_line_number,
        spanned_lines.person_id,
        spanned_lines.billing_npi,
        spanned_lines.hcpcs_code,
        spanned_lines.service_date,
        spanned_lines.span_end_date,
        spanned_lines.span_day_count,
        spanned_lines.service_unit_quantity,
        per_diem_codes.therapy_family,
        per_diem_codes.is_generic,
        {{ has_any_modifier('spanned_lines.modifier_list', ['SH']) }} as has_sh_modifier,
        {{ has_any_modifier('spanned_lines.modifier_list', ['SJ']) }} as has_sj_modifier
    from spanned_lines
    inner join per_diem_codes
        on
            spanned_lines.hcpcs_code = per_diem_codes.hcpcs_code
            and {{ within_effective_dates('spanned_lines.service_date', 'per_diem_codes') }}

),

-- Medicare home infusion G-codes, home infusion nursing visits and hourly codes. These are
-- billed per visit or hour, so each counts on its service date.
service_lines as (

    select
        spanned_lines.claim_line_key,
        spanned_lines.claim_key,
        spanned_lines.claim_id,
        spanned_lines.claim_line_number,
        spanned_lines.person_id,
        spanned_lines.billing_npi,
        spanned_lines.hcpcs_code,
        spanned_lines.service_date,
        home_infusion_services.service_type,
        home_infusion_services.hit_payment_category
    from spanned_lines
    inner join home_infusion_services
        on
            spanned_lines.hcpcs_code = home_infusion_services.hcpcs_code
            and {{ within_effective_dates('spanned_lines.service_date', 'home_infusion_services') }}

),

per_diem_persons as (

    select distinct person_id
    from per_diem_lines

),

-- Infusion activity of a person with a per diem, from any provider. A day counts when the
-- person has an IV infusion or push administration code, a home infusion nursing visit
-- (99601, 99602) or a Medicare home infusion visit that day. A drug line counts on every day
-- of its span, because the claim does not say on which of those days the doses were given.
infusion_activity_events as (

    select
        spanned_lines.person_id,
        spanned_lines.service_date as calendar_date
    from spanned_lines
    inner join per_diem_persons
        on spanned_lines.person_id = per_diem_persons.person_id
    where spanned_lines.admin_class in ('infusion', 'push')

    union all

    select
        service_lines.person_id,
        service_lines.service_date as calendar_date
    from service_lines
    inner join per_diem_persons
        on service_lines.person_id = per_diem_persons.person_id
    where
        service_lines.service_type in (
            'home_infusion_visit',
            'home_infusion_visit_added_hour',
            'hit_transitional_payment',
            'hit_initial_visit',
            'hit_subsequent_visit'
        )

    union all

    select
        spanned_lines.person_id,
        calendar_days.calendar_date
    from spanned_lines
    inner join per_diem_persons
        on spanned_lines.person_id = per_diem_persons.person_id
    inner join calendar_days
        on
            calendar_days.calendar_date
            between spanned_lines.service_date and spanned_lines.span_end_date
    where spanned_lines.is_drug_line

),

infusion_activity_days as (

    select distinct
        person_id,
        calendar_date
    from infusion_activity_events

),

-- One row per per-diem line and day of its span, with whether the person has infusion
-- activity that day.
per_diem_span_days as (

    select
        per_diem_lines.claim_line_key,
        per_diem_lines.claim_key,
        per_diem_lines.claim_id,
        per_diem_lines.claim_line_number,
        per_diem_lines.person_id,
        per_diem_lines.billing_npi,
        per_diem_lines.hcpcs_code,
        per_diem_lines.therapy_family,
        per_diem_lines.is_generic,
        per_diem_lines.has_sh_modifier,
        per_diem_lines.has_sj_modifier,
        per_diem_lines.service_date,
        per_diem_lines.span_end_date,
        calendar_days.calendar_date,
        infusion_activity_days.person_id is not null as has_infusion_activity
    from per_diem_lines
    inner join calendar_days
        on
            calendar_days.calendar_date
            between per_diem_lines.service_date and per_diem_lines.span_end_date
    left join infusion_activity_days
        on
            per_diem_lines.person_id = infusion_activity_days.person_id
            and calendar_days.calendar_date = infusion_activity_days.calendar_date

),

-- The per-diem days of each line under var per_diem_day_convention: every day of the span
-- ('access_days'), or only days with infusion activity ('infusion_days').
per_diem_days as (

    select
        claim_line_key,
        claim_key,
        claim_id,
        claim_line_number,
        person_id,
        billing_npi,
        hcpcs_code,
        therapy_family,
        is_generic,
        has_sh_modifier,
        has_sj_modifier,
        service_date,
        span_end_date,
        calendar_date
    from per_diem_span_days
    {%- if day_convention == 'infusion_days' %}
    where has_infusion_activity
    {%- endif %}

),

per_diem_line_day_counts as (

    select
        claim_line_key,
        count(*) as per_diem_day_count
    from per_diem_days
    group by claim_line_key

),

-- Supplies, equipment and IV solutions that the per diem includes, unless the claim's payer
-- pays the code outside the per diem.
bundled_supply_lines as (

    select
        spanned_lines.claim_line_key,
        spanned_lines.claim_key,
        spanned_lines.person_id,
        spanned_lines.billing_npi,
        spanned_lines.care_setting,
        spanned_lines.service_date,
        spanned_lines.span_end_date
    from spanned_lines
    inner join bundled_supplies
        on
            spanned_lines.hcpcs_code = bundled_supplies.hcpcs_code
            and {{ within_effective_dates('spanned_lines.service_date', 'bundled_supplies') }}
    left join payer_exceptions
        on
            spanned_lines.hcpcs_code = payer_exceptions.hcpcs_code
            and (
                payer_exceptions.payer = '*'
                or lower(trim(payer_exceptions.payer)) = lower(trim(spanned_lines.payer))
            )
            and {{ within_effective_dates('spanned_lines.service_date', 'payer_exceptions') }}
    where payer_exceptions.hcpcs_code is null

),

bundled_supply_days as (

    select
        bundled_supply_lines.claim_line_key,
        bundled_supply_lines.claim_key,
        bundled_supply_lines.person_id,
        bundled_supply_lines.billing_npi,
        bundled_supply_lines.care_setting,
        calendar_days.calendar_date
    from bundled_supply_lines
    inner join calendar_days
        on
            calendar_days.calendar_date
            between bundled_supply_lines.service_date and bundled_supply_lines.span_end_date

),

-- A supply counts when the per-diem provider billed it, or when it was delivered to the home
-- (place of service 12) by another supplier. Supplies used in an office, a hospital or a
-- facility stay belong to that setting, not to the home per diem.
bundled_supply_findings as (

    select
        'hit_bundled_supply_billed' as reason_code,
        bundled_supply_days.claim_line_key,
        bundled_supply_days.claim_key,
        bundled_supply_days.calendar_date as finding_start_date,
        bundled_supply_days.calendar_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        per_diem_days.claim_id as related_claim_id,
        per_diem_days.hcpcs_code as related_hcpcs_code,
        per_diem_days.service_date as related_start_date,
        per_diem_days.span_end_date as related_end_date,
        per_diem_days.billing_npi as related_billing_npi
    from bundled_supply_days
    inner join per_diem_days
        on
            bundled_supply_days.person_id = per_diem_days.person_id
            and bundled_supply_days.calendar_date = per_diem_days.calendar_date
    where
        bundled_supply_days.billing_npi = per_diem_days.billing_npi
        or bundled_supply_days.care_setting = 'home'

),

-- The generic code of a family is not billed for a day that a specific code of the family
-- covers (HCPCS descriptors: S9494 not with S9497-S9504, S9325 not with S9326-S9328, and so
-- on). The generic line is the flagged one.
generic_and_specific_findings as (

    select
        'hit_generic_and_specific_per_diem' as reason_code,
        generic_days.claim_line_key,
        generic_days.claim_key,
        generic_days.calendar_date as finding_start_date,
        generic_days.calendar_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        specific_days.claim_id as related_claim_id,
        specific_days.hcpcs_code as related_hcpcs_code,
        specific_days.service_date as related_start_date,
        specific_days.span_end_date as related_end_date,
        specific_days.billing_npi as related_billing_npi
    from per_diem_days as generic_days
    inner join per_diem_days as specific_days
        on
            generic_days.person_id = specific_days.person_id
            and generic_days.calendar_date = specific_days.calendar_date
            and generic_days.therapy_family = specific_days.therapy_family
    where generic_days.is_generic and not specific_days.is_generic

),

per_diem_days_without_generic_overlap as (

    select
        per_diem_days.claim_line_key,
        per_diem_days.claim_key,
        per_diem_days.claim_id,
        per_diem_days.claim_line_number,
        per_diem_days.person_id,
        per_diem_days.billing_npi,
        per_diem_days.hcpcs_code,
        per_diem_days.has_sh_modifier,
        per_diem_days.has_sj_modifier,
        per_diem_days.service_date,
        per_diem_days.span_end_date,
        per_diem_days.calendar_date
    from per_diem_days
    left join generic_and_specific_findings
        on
            per_diem_days.claim_line_key = generic_and_specific_findings.claim_line_key
            and per_diem_days.calendar_date = generic_and_specific_findings.finding_start_date
    where generic_and_specific_findings.claim_line_key is null

),

-- A second concurrent therapy of the same code (two antibiotics given every 24 hours) is
-- billed on its own line with SH, so only lines without SH or SJ can repeat a code. The line
-- that started first, then the lower claim id, keeps the day.
unmodified_per_diem_days as (

    select
        claim_line_key,
        claim_key,
        claim_id,
        claim_line_number,
        person_id,
        billing_npi,
        hcpcs_code,
        service_date,
        span_end_date,
        calendar_date,
        row_number() over (
            partition by person_id, calendar_date, hcpcs_code
            order by service_date, claim_id, claim_line_number
        ) as same_code_rank
    from per_diem_days_without_generic_overlap
    where not has_sh_modifier and not has_sj_modifier

),

duplicate_per_diem_findings as (

    select
        'hit_duplicate_per_diem_same_day' as reason_code,
        repeated_days.claim_line_key,
        repeated_days.claim_key,
        repeated_days.calendar_date as finding_start_date,
        repeated_days.calendar_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        first_billed_days.claim_id as related_claim_id,
        first_billed_days.hcpcs_code as related_hcpcs_code,
        first_billed_days.service_date as related_start_date,
        first_billed_days.span_end_date as related_end_date,
        first_billed_days.billing_npi as related_billing_npi
    from unmodified_per_diem_days as repeated_days
    inner join unmodified_per_diem_days as first_billed_days
        on
            repeated_days.person_id = first_billed_days.person_id
            and repeated_days.calendar_date = first_billed_days.calendar_date
            and repeated_days.hcpcs_code = first_billed_days.hcpcs_code
            and first_billed_days.same_code_rank = 1
    where repeated_days.same_code_rank > 1

),

-- Concurrent therapies on one day: the first is billed without a modifier, the second with
-- SH and the third and later with SJ (BCBS Texas pays 50% for SH and 0% for SJ). A further
-- unmodified line is flagged, and so is a second SH line when an unmodified line exists.
concurrent_per_diem_days as (

    select
        per_diem_days_without_generic_overlap.*,
        case
            when per_diem_days_without_generic_overlap.has_sj_modifier then 'SJ'
            when per_diem_days_without_generic_overlap.has_sh_modifier then 'SH'
            else 'none'
        end as concurrency_modifier
    from per_diem_days_without_generic_overlap
    left join duplicate_per_diem_findings
        on
            per_diem_days_without_generic_overlap.claim_line_key
            = duplicate_per_diem_findings.claim_line_key
            and per_diem_days_without_generic_overlap.calendar_date
            = duplicate_per_diem_findings.finding_start_date
    where duplicate_per_diem_findings.claim_line_key is null

),

concurrent_per_diem_days_ranked as (

    select
        *,
        row_number() over (
            partition by person_id, calendar_date, concurrency_modifier
            order by service_date, claim_id, claim_line_number
        ) as modifier_rank
    from concurrent_per_diem_days

),

concurrent_therapy_findings as (

    select
        'hit_concurrent_therapy_without_modifier' as reason_code,
        extra_therapy_days.claim_line_key,
        extra_therapy_days.claim_key,
        extra_therapy_days.calendar_date as finding_start_date,
        extra_therapy_days.calendar_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        primary_therapy_days.claim_id as related_claim_id,
        primary_therapy_days.hcpcs_code as related_hcpcs_code,
        primary_therapy_days.service_date as related_start_date,
        primary_therapy_days.span_end_date as related_end_date,
        primary_therapy_days.billing_npi as related_billing_npi
    from concurrent_per_diem_days_ranked as extra_therapy_days
    inner join concurrent_per_diem_days_ranked as primary_therapy_days
        on
            extra_therapy_days.person_id = primary_therapy_days.person_id
            and extra_therapy_days.calendar_date = primary_therapy_days.calendar_date
            and primary_therapy_days.concurrency_modifier = 'none'
            and primary_therapy_days.modifier_rank = 1
    where
        extra_therapy_days.modifier_rank > 1
        and extra_therapy_days.concurrency_modifier in ('none', 'SH')

),

-- A per diem is one unit per day, so a line spanning dates has at most as many units as
-- per-diem days in its span.
units_exceed_days_findings as (

    select
        'hit_units_exceed_days' as reason_code,
        per_diem_lines.claim_line_key,
        per_diem_lines.claim_key,
        per_diem_lines.service_date as finding_start_date,
        per_diem_lines.span_end_date as finding_end_date,
        cast(coalesce(per_diem_line_day_counts.per_diem_day_count, 0) as integer)
            as detail_day_count,
        cast(null as {{ text_type }}) as related_claim_id,
        cast(null as {{ text_type }}) as related_hcpcs_code,
        cast(null as date) as related_start_date,
        cast(null as date) as related_end_date,
        cast(null as {{ text_type }}) as related_billing_npi
    from per_diem_lines
    left join per_diem_line_day_counts
        on per_diem_lines.claim_line_key = per_diem_line_day_counts.claim_line_key
    where
        per_diem_lines.service_unit_quantity
        > coalesce(per_diem_line_day_counts.per_diem_day_count, 0)

),

-- The facility's payment covers an inpatient or skilled-nursing day, so a home per diem for
-- it is paid twice. Var inpatient_stay_day_rule: 'exclusive' counts only the days strictly
-- between admission and discharge, because the person may be at home for part of those two
-- days. 'inclusive' counts them too.
inpatient_per_diem_findings as (

    select
        'hit_per_diem_during_inpatient_stay' as reason_code,
        per_diem_days.claim_line_key,
        per_diem_days.claim_key,
        per_diem_days.calendar_date as finding_start_date,
        per_diem_days.calendar_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        inpatient_stays.claim_ids as related_claim_id,
        cast(null as {{ text_type }}) as related_hcpcs_code,
        inpatient_stays.admission_date as related_start_date,
        inpatient_stays.discharge_date as related_end_date,
        cast(null as {{ text_type }}) as related_billing_npi
    from per_diem_days
    inner join inpatient_stays
        on
            per_diem_days.person_id = inpatient_stays.person_id
            and per_diem_days.calendar_date {{ after_admission }} inpatient_stays.admission_date
            and per_diem_days.calendar_date {{ before_discharge }} inpatient_stays.discharge_date

),

-- The S9810 descriptor forbids billing it with any per diem.
s9810_findings as (

    select
        'hit_s9810_with_per_diem' as reason_code,
        service_lines.claim_line_key,
        service_lines.claim_key,
        service_lines.service_date as finding_start_date,
        service_lines.service_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        per_diem_days.claim_id as related_claim_id,
        per_diem_days.hcpcs_code as related_hcpcs_code,
        per_diem_days.service_date as related_start_date,
        per_diem_days.span_end_date as related_end_date,
        per_diem_days.billing_npi as related_billing_npi
    from service_lines
    inner join per_diem_days
        on
            service_lines.person_id = per_diem_days.person_id
            and service_lines.service_date = per_diem_days.calendar_date
    where service_lines.service_type = 'pharmacy_hourly'

),

home_infusion_visit_lines as (

    select
        claim_line_key,
        claim_id,
        person_id,
        billing_npi,
        hcpcs_code,
        service_date
    from service_lines
    where service_type = 'home_infusion_visit'

),

-- 99602 is an add-on hour of a 99601 visit, so it needs a 99601 from the same billing
-- provider on the same day.
orphan_added_hour_findings as (

    select
        'hit_99602_without_99601' as reason_code,
        added_hour_lines.claim_line_key,
        added_hour_lines.claim_key,
        added_hour_lines.service_date as finding_start_date,
        added_hour_lines.service_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        cast(null as {{ text_type }}) as related_claim_id,
        cast(null as {{ text_type }}) as related_hcpcs_code,
        cast(null as date) as related_start_date,
        cast(null as date) as related_end_date,
        cast(null as {{ text_type }}) as related_billing_npi
    from service_lines as added_hour_lines
    left join home_infusion_visit_lines
        on
            added_hour_lines.person_id = home_infusion_visit_lines.person_id
            and added_hour_lines.service_date = home_infusion_visit_lines.service_date
            and added_hour_lines.billing_npi = home_infusion_visit_lines.billing_npi
    where
        added_hour_lines.service_type = 'home_infusion_visit_added_hour'
        and home_infusion_visit_lines.claim_line_key is null

),

-- Hourly nursing S9123/S9124 is for general nursing that the home infusion visit codes do
-- not describe, so on a 99601 day the nursing is billed twice.
hourly_nursing_findings as (

    select
        'hit_hourly_nursing_with_99601' as reason_code,
        hourly_nursing_lines.claim_line_key,
        hourly_nursing_lines.claim_key,
        hourly_nursing_lines.service_date as finding_start_date,
        hourly_nursing_lines.service_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        home_infusion_visit_lines.claim_id as related_claim_id,
        home_infusion_visit_lines.hcpcs_code as related_hcpcs_code,
        home_infusion_visit_lines.service_date as related_start_date,
        home_infusion_visit_lines.service_date as related_end_date,
        home_infusion_visit_lines.billing_npi as related_billing_npi
    from service_lines as hourly_nursing_lines
    inner join home_infusion_visit_lines
        on
            hourly_nursing_lines.person_id = home_infusion_visit_lines.person_id
            and hourly_nursing_lines.service_date = home_infusion_visit_lines.service_date
    where hourly_nursing_lines.service_type = 'hourly_nursing'

),

-- Visits of the permanent Medicare home infusion therapy benefit (from 2021-01-01).
hit_visit_lines as (

    select
        claim_line_key,
        claim_key,
        claim_id,
        person_id,
        billing_npi,
        hcpcs_code,
        service_date,
        service_type,
        hit_payment_category,
        row_number() over (
            partition by person_id, hit_payment_category, service_date
            order by claim_id, claim_line_number
        ) as category_day_rank
    from service_lines
    where service_type in ('hit_initial_visit', 'hit_subsequent_visit')

),

-- Medicare pays a first visit again only after more than 60 days without a home infusion
-- visit, so from day 61 after the last one (Benefit Policy Manual ch. 15 s320.8.3).
-- NOTE: the manual speaks of any HIT G-code for the patient, while this check compares
-- visits of the same payment category only. It cannot see whether the patient was
-- discharged from the service in between, which the manual also requires.
initial_visit_findings as (

    select
        'hit_medicare_initial_visit_within_60_days' as reason_code,
        initial_visits.claim_line_key,
        initial_visits.claim_key,
        initial_visits.service_date as finding_start_date,
        initial_visits.service_date as finding_end_date,
        cast(
            {{ dbt.datediff('earlier_visits.service_date', 'initial_visits.service_date', 'day') }}
            as integer
        ) as detail_day_count,
        earlier_visits.claim_id as related_claim_id,
        earlier_visits.hcpcs_code as related_hcpcs_code,
        earlier_visits.service_date as related_start_date,
        earlier_visits.service_date as related_end_date,
        earlier_visits.billing_npi as related_billing_npi
    from hit_visit_lines as initial_visits
    inner join hit_visit_lines as earlier_visits
        on
            initial_visits.person_id = earlier_visits.person_id
            and initial_visits.hit_payment_category = earlier_visits.hit_payment_category
            and initial_visits.service_date > earlier_visits.service_date
            and earlier_visits.service_date
            >= {{ dbt.dateadd('day', -60, 'initial_visits.service_date') }}
    where initial_visits.service_type = 'hit_initial_visit'

),

-- Medicare makes one payment per payment category for each infusion drug administration
-- calendar day (42 CFR 414.1550(b)). Units count 15 minutes, so lines are compared, not
-- units.
multiple_payment_findings as (

    select
        'hit_medicare_multiple_payments_same_day' as reason_code,
        extra_visits.claim_line_key,
        extra_visits.claim_key,
        extra_visits.service_date as finding_start_date,
        extra_visits.service_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        first_visits.claim_id as related_claim_id,
        first_visits.hcpcs_code as related_hcpcs_code,
        first_visits.service_date as related_start_date,
        first_visits.service_date as related_end_date,
        first_visits.billing_npi as related_billing_npi
    from hit_visit_lines as extra_visits
    inner join hit_visit_lines as first_visits
        on
            extra_visits.person_id = first_visits.person_id
            and extra_visits.hit_payment_category = first_visits.hit_payment_category
            and extra_visits.service_date = first_visits.service_date
            and first_visits.category_day_rank = 1
    where extra_visits.category_day_rank > 1

),

-- An infusion given in an office or outpatient department on a day the home per diem covers
-- may be paid twice. BCBS North Dakota calls it a duplication when a clinic and the home
-- infusion provider both bill the infusion service. Flagged for review.
office_infusion_findings as (

    select
        'hit_office_infusion_during_per_diem' as reason_code,
        spanned_lines.claim_line_key,
        spanned_lines.claim_key,
        spanned_lines.service_date as finding_start_date,
        spanned_lines.service_date as finding_end_date,
        cast(null as integer) as detail_day_count,
        per_diem_days.claim_id as related_claim_id,
        per_diem_days.hcpcs_code as related_hcpcs_code,
        per_diem_days.service_date as related_start_date,
        per_diem_days.span_end_date as related_end_date,
        per_diem_days.billing_npi as related_billing_npi
    from spanned_lines
    inner join per_diem_days
        on
            spanned_lines.person_id = per_diem_days.person_id
            and spanned_lines.service_date = per_diem_days.calendar_date
    where
        spanned_lines.admin_class = 'infusion'
        and spanned_lines.care_setting in ('office', 'facility_outpatient')

),

findings as (

    select * from bundled_supply_findings
    union all
    select * from generic_and_specific_findings
    union all
    select * from duplicate_per_diem_findings
    union all
    select * from concurrent_therapy_findings
    union all
    select * from units_exceed_days_findings
    union all
    select * from inpatient_per_diem_findings
    union all
    select * from s9810_findings
    union all
    select * from orphan_added_hour_findings
    union all
    select * from hourly_nursing_findings
    union all
    select * from initial_visit_findings
    union all
    select * from multiple_payment_findings
    union all
    select * from office_infusion_findings

),

flagged_lines as (

    select
        reason_code,
        claim_line_key,
        claim_key,
        min(finding_start_date) as first_finding_date,
        max(finding_end_date) as last_finding_date,
        count(distinct finding_start_date) as finding_day_count,
        min(detail_day_count) as detail_day_count
    from findings
    group by reason_code, claim_line_key, claim_key

),

-- Dollars at risk of each flagged line. An overlap puts the line's amount times the flagged
-- days over the days of its span at risk, and excess units put the amount times the excess
-- units over the billed units at risk. Every other finding puts the whole line at risk.
flagged_line_amounts as (

    select
        flagged_lines.reason_code,
        flagged_lines.claim_key,
        flagged_lines.first_finding_date,
        flagged_lines.last_finding_date,
        flagged_lines.detail_day_count,
        spanned_lines.claim_id,
        spanned_lines.claim_line_number,
        spanned_lines.person_id,
        spanned_lines.billing_npi,
        spanned_lines.rendering_npi,
        spanned_lines.hcpcs_code,
        spanned_lines.service_unit_quantity,
        spanned_lines.diagnosis_codes,
        spanned_lines.money_level,
        spanned_lines.claim_level_amount_at_risk,
        spanned_lines.line_amount_at_risk * case
            when flagged_lines.reason_code = 'hit_units_exceed_days'
                then
                    (spanned_lines.service_unit_quantity - flagged_lines.detail_day_count)
                    / spanned_lines.service_unit_quantity
            when
                flagged_lines.reason_code in (
                    '{{ day_share_reasons | join("', '") }}'
                )
                then 1.0 * flagged_lines.finding_day_count / spanned_lines.span_day_count
            else 1.0
        end as line_amount_at_risk
    from flagged_lines
    inner join spanned_lines
        on flagged_lines.claim_line_key = spanned_lines.claim_line_key

),

claim_alerts as (

    select
        flagged_line_amounts.reason_code,
        flagged_line_amounts.claim_key,
        max(claim_id) as claim_id,
        max(person_id) as person_id,
        {{ sorted_list('claim_line_number') }} as claim_line_numbers,
        max(billing_npi) as billing_npi,
        {{ sorted_list('rendering_npi') }} as rendering_npi,
        min(flagged_line_amounts.first_finding_date) as service_date,
        max(last_finding_date) as last_finding_date,
        {{ amount_at_risk('flagged_line_amounts') }} as amount_at_risk,
        {{ sorted_list('hcpcs_code') }} as hcpcs_codes,
        max(diagnosis_codes) as diagnosis_codes,
        sum(flagged_line_amounts.service_unit_quantity) as unit_count,
        min(detail_day_count) as detail_day_count
    from flagged_line_amounts
    group by flagged_line_amounts.reason_code, flagged_line_amounts.claim_key

),

related_findings as (

    select
        reason_code,
        claim_key,
        {{ sorted_list('related_claim_id') }} as related_claim_ids,
        {{ sorted_list('related_hcpcs_code') }} as related_hcpcs_codes,
        {{ sorted_list('related_billing_npi') }} as related_billing_npis,
        min(related_start_date) as related_start_date,
        max(related_end_date) as related_end_date
    from findings
    group by reason_code, claim_key

),

alert_texts as (

    select
        claim_alerts.*,
        related_findings.related_claim_ids,
        related_findings.related_hcpcs_codes,
        related_findings.related_billing_npis,
        case
            when claim_alerts.last_finding_date > claim_alerts.service_date
                then
                    cast(claim_alerts.service_date as {{ text_type }}) || ' to '
                    || cast(claim_alerts.last_finding_date as {{ text_type }})
            else cast(claim_alerts.service_date as {{ text_type }})
        end as finding_dates_text,
        case
            when related_findings.related_end_date > related_findings.related_start_date
                then
                    cast(related_findings.related_start_date as {{ text_type }}) || ' to '
                    || cast(related_findings.related_end_date as {{ text_type }})
            else cast(related_findings.related_start_date as {{ text_type }})
        end as related_dates_text,
        case
            when claim_alerts.unit_count is null then 'units not reported'
            when claim_alerts.unit_count = 1 then '1 unit'
            when claim_alerts.unit_count = floor(claim_alerts.unit_count)
                then cast(cast(claim_alerts.unit_count as bigint) as {{ text_type }}) || ' units'
            else cast(claim_alerts.unit_count as {{ text_type }}) || ' units'
        end as units_text
    from claim_alerts
    inner join related_findings
        on
            claim_alerts.reason_code = related_findings.reason_code
            and claim_alerts.claim_key = related_findings.claim_key

),

alerts_with_evidence as (

    select
        *,
        case reason_code
            when 'hit_bundled_supply_billed'
                then
                    'Supply or equipment ' || hcpcs_codes || ' (' || units_text
                    || ') billed separately for ' || finding_dates_text || ' although per diem '
                    || related_hcpcs_codes || ' on claim ' || related_claim_ids || ' ('
                    || related_dates_text || ') already includes its supplies and equipment.'
            when 'hit_generic_and_specific_per_diem'
                then
                    'Generic per diem ' || hcpcs_codes || ' billed for ' || finding_dates_text
                    || ' together with specific per diem ' || related_hcpcs_codes
                    || ' of the same therapy on claim ' || related_claim_ids || ' ('
                    || related_dates_text || ').'
            when 'hit_duplicate_per_diem_same_day'
                then
                    'Per diem ' || hcpcs_codes || ' billed for ' || finding_dates_text
                    || ' repeats the same per diem on claim ' || related_claim_ids
                    || ' from billing NPI ' || related_billing_npis || ' (' || related_dates_text
                    || '), and neither line carries SH or SJ.'
            when 'hit_concurrent_therapy_without_modifier'
                then
                    'Per diem ' || hcpcs_codes || ' billed for ' || finding_dates_text
                    || ' is an extra concurrent therapy next to ' || related_hcpcs_codes
                    || ' on claim ' || related_claim_ids || ' (' || related_dates_text
                    || ') without the modifier it needs (SH for a second therapy, SJ for a third'
                    || ' or later one).'
            when 'hit_units_exceed_days'
                then
                    'Per diem ' || hcpcs_codes || ' billed with ' || units_text || ' for '
                    || finding_dates_text || ', which has only '
                    || cast(detail_day_count as {{ text_type }}) || {{ per_diem_days_text }}
            when 'hit_per_diem_during_inpatient_stay'
                then
                    'Per diem ' || hcpcs_codes || ' billed for ' || finding_dates_text
                    || ', days inside the inpatient or skilled-nursing stay on claim '
                    || related_claim_ids || ' (' || related_dates_text || {{ stay_edge_days_text }}
            when 'hit_s9810_with_per_diem'
                then
                    'Hourly pharmacy services ' || hcpcs_codes || ' (' || units_text
                    || ') billed on ' || finding_dates_text || ' while per diem '
                    || related_hcpcs_codes || ' on claim ' || related_claim_ids || ' ('
                    || related_dates_text || ') covers that day, and S9810 is never billed with'
                    || ' a per diem.'
            when 'hit_99602_without_99601'
                then
                    'Add-on ' || hcpcs_codes || ' (' || units_text || ') billed on '
                    || finding_dates_text || ' by billing NPI ' || coalesce(billing_npi, 'unknown')
                    || ' with no 99601 home infusion visit from that provider on the same day.'
            when 'hit_hourly_nursing_with_99601'
                then
                    'Hourly nursing ' || hcpcs_codes || ' (' || units_text || ') billed on '
                    || finding_dates_text || ', the day of home infusion visit '
                    || related_hcpcs_codes || ' on claim ' || related_claim_ids || '.'
            when 'hit_medicare_initial_visit_within_60_days'
                then
                    'Initial home infusion visit ' || hcpcs_codes || ' billed on '
                    || finding_dates_text || ', ' || cast(detail_day_count as {{ text_type }})
                    || ' days after visit ' || related_hcpcs_codes
                    || ' of the same payment category on claim ' || related_claim_ids || ' ('
                    || related_dates_text || '), although a new initial visit needs more than 60'
                    || ' days without a visit.'
            when 'hit_medicare_multiple_payments_same_day'
                then
                    'Home infusion visit ' || hcpcs_codes || ' billed on ' || finding_dates_text
                    || ' in the same payment category as ' || related_hcpcs_codes
                    || ' on claim ' || related_claim_ids
                    || ' that day, and Medicare pays one visit per category per day.'
            when 'hit_office_infusion_during_per_diem'
                then
                    'Infusion administration ' || hcpcs_codes
                    || ' in an office or outpatient setting on ' || finding_dates_text
                    || ' while home infusion per diem ' || related_hcpcs_codes || ' on claim '
                    || related_claim_ids || ' (' || related_dates_text || ') covers that day.'
        end as evidence
    from alert_texts

),

final as (

    select
        cast(
            {{ alert_id(
                rule_id, 'alerts_with_evidence.reason_code', ['alerts_with_evidence.claim_key']
            ) }}
            as {{ text_type }}
        ) as alert_id,
        cast('{{ rule_id }}' as {{ text_type }}) as rule_id,
        cast(alerts_with_evidence.reason_code as {{ text_type }}) as reason_code,
        cast(rule_reasons.severity as {{ text_type }}) as severity,
        cast(alerts_with_evidence.person_id as {{ text_type }}) as person_id,
        cast(alerts_with_evidence.claim_id as {{ text_type }}) as claim_id,
        cast(alerts_with_evidence.claim_line_numbers as {{ text_type }}) as claim_line_numbers,
        cast(alerts_with_evidence.billing_npi as {{ text_type }}) as billing_npi,
        cast(alerts_with_evidence.rendering_npi as {{ text_type }}) as rendering_npi,
        cast(alerts_with_evidence.service_date as date) as service_date,
        cast(round(alerts_with_evidence.amount_at_risk, 2) as decimal(18, 2)) as amount_at_risk,
        cast(alerts_with_evidence.hcpcs_codes as {{ text_type }}) as hcpcs_codes,
        cast(alerts_with_evidence.diagnosis_codes as {{ text_type }}) as diagnosis_codes,
        cast(alerts_with_evidence.evidence as {{ text_type }}) as evidence,
        cast(alerts_with_evidence.related_claim_ids as {{ text_type }}) as related_claim_ids
    from alerts_with_evidence
    left join rule_reasons
        on alerts_with_evidence.reason_code = rule_reasons.reason_code

)

select
    alert_id,
    rule_id,
    reason_code,
    severity,
    person_id,
    claim_id,
    claim_line_numbers,
    billing_npi,
    rendering_npi,
    service_date,
    amount_at_risk,
    hcpcs_codes,
    diagnosis_codes,
    evidence,
    related_claim_ids
from final
