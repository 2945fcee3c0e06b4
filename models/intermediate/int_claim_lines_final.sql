{#-
  Service lines of final claim versions: the only lines the alert rules read.

  - Lines repeated within a claim (same line number) are netted: a negative reversal line
    cancels its positive line, and a line that nets to zero money and zero units is gone.
    A repeated line without a reversal is a resent line version; the latest one is kept.
  - Revenue code 0001 is the claim total on institutional claims, not a service.
  - Claim-level money: institutional claims often repeat the claim's paid amount on every
    line. Such claims get money_level 'claim': each line carries its share of the claim
    amount allocated by charge, and where charges cannot allocate it a rule counts the
    claim amount once instead of summing lines.
-#}

{%- set amount_column = var('amount_at_risk_column') -%}
{%- if amount_column not in ['paid_amount', 'allowed_amount', 'charge_amount'] -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var amount_at_risk_column '" ~ amount_column
        ~ "': use paid_amount, allowed_amount or charge_amount.") }}
{%- endif -%}

with claim_lines as (

    select * from {{ ref('int_claim_lines_deduplicated') }}

),

claim_versions as (

    select * from {{ ref('int_claim_versions') }}
    where is_final_version or netting_claim_key is not null

),

-- Lines of final versions, and the lines of reversals keyed (netting_key) to the final
-- version they net against. A netted line keeps the columns of its non-reversal row.
final_version_lines as (

    select
        claim_lines.*,
        coalesce(claim_versions.netting_claim_key, claim_lines.claim_key) as netting_key,
        claim_versions.netting_claim_key is not null as is_reversal_line
    from claim_lines
    inner join claim_versions
        on claim_lines.claim_key = claim_versions.claim_key

),

line_versions as (

    select
        *,
        count(*) over (partition by netting_key, claim_line_number) as line_row_count,
        sum(paid_amount) over (partition by netting_key, claim_line_number) as net_paid_amount,
        sum(allowed_amount) over (partition by netting_key, claim_line_number)
            as net_allowed_amount,
        sum(charge_amount) over (partition by netting_key, claim_line_number)
            as net_charge_amount,
        sum(service_unit_quantity_reported) over (partition by netting_key, claim_line_number)
            as net_unit_quantity,
        min(paid_amount) over (partition by netting_key, claim_line_number) as min_paid_amount,
        row_number() over (
            partition by netting_key, claim_line_number
            order by
                case when is_reversal_line then 1 else 0 end,
                case when paid_amount < 0 then 1 else 0 end,
                ingest_datetime desc nulls last,
                paid_date desc nulls last,
                source_file_name desc,
                source_row_number desc
        ) as line_version_rank
    from final_version_lines

),

netted as (

    select
        *,
        case
            when line_row_count = 1 then 'single'
            when min_paid_amount < 0 then 'netted_reversal'
            else 'latest_resend'
        end as line_resolution
    from line_versions
    -- A reversal line with nothing to reverse (no such line on the claim) is no service.
    where line_version_rank = 1 and not is_reversal_line

),

service_lines as (

    select
        *,
        case
            when line_resolution = 'netted_reversal' then net_paid_amount
            else paid_amount
        end as resolved_paid_amount,
        case
            when line_resolution = 'netted_reversal' then net_allowed_amount
            else allowed_amount
        end as resolved_allowed_amount,
        case
            when line_resolution = 'netted_reversal' then net_charge_amount
            else charge_amount
        end as resolved_charge_amount,
        case
            when line_resolution = 'netted_reversal' then net_unit_quantity
            else service_unit_quantity_reported
        end as resolved_unit_quantity
    from netted
    where
        coalesce(revenue_center_code, '') <> '0001'
        and not (
            line_resolution = 'netted_reversal'
            and coalesce(net_paid_amount, 0) = 0
            and coalesce(net_unit_quantity, 0) = 0
        )

),

claim_money as (

    -- Claim-level money: an institutional claim whose lines all carry one and the same
    -- non-zero paid amount, while the lines themselves differ (different charges or
    -- codes), or the 0001 total line shows that same amount.
    select
        claim_lines.claim_key,
        count(distinct claim_lines.paid_amount) = 1
        and sum(case
            when coalesce(claim_lines.revenue_center_code, '') <> '0001'
                then 1
            else 0
        end) >= 2
        and max(claim_lines.paid_amount) <> 0
        and (
            count(distinct claim_lines.charge_amount) > 1
            or count(distinct coalesce(claim_lines.hcpcs_code, claim_lines.revenue_center_code)) > 1
            or sum(case when claim_lines.revenue_center_code = '0001' then 1 else 0 end) > 0
        ) as is_claim_level_money,
        max(claim_lines.paid_amount) as repeated_paid_amount,
        max(claim_lines.allowed_amount) as repeated_allowed_amount,
        max(claim_lines.charge_amount) as repeated_charge_amount,
        sum(case
            when coalesce(claim_lines.revenue_center_code, '') <> '0001'
                then claim_lines.charge_amount
        end) as service_charge_total
    from final_version_lines as claim_lines
    where claim_lines.claim_type = 'institutional' and not claim_lines.is_reversal_line
    group by claim_lines.claim_key

),

final as (

    select
        {{ text_key(['service_lines.claim_key', 'service_lines.claim_line_number']) }}
            as claim_line_key,
        service_lines.claim_key,
        service_lines.claim_id,
        service_lines.claim_line_number,
        service_lines.person_id,
        service_lines.member_id,
        service_lines.payer,
        service_lines.plan,
        service_lines.claim_type,
        service_lines.claim_start_date,
        service_lines.claim_end_date,
        service_lines.service_date,
        service_lines.service_end_date,
        service_lines.admission_date,
        service_lines.discharge_date,
        service_lines.paid_date,
        service_lines.place_of_service_code,
        service_lines.bill_type_code,
        substring(service_lines.bill_type_code, 1, 2) as bill_type_class,
        service_lines.claim_frequency_code,
        service_lines.revenue_center_code,
        service_lines.hcpcs_code,
        service_lines.modifier_list,
        service_lines.rendering_npi,
        service_lines.billing_npi,
        service_lines.facility_npi,
        case
            when coalesce(claim_money.is_claim_level_money, false) then 'claim'
            else 'line'
        end as money_level,
        cast(case
            when coalesce(claim_money.is_claim_level_money, false) then null
            else service_lines.resolved_paid_amount
        end as decimal(18, 2
        )) as paid_amount,
        cast(case
            when coalesce(claim_money.is_claim_level_money, false) then null
            else service_lines.resolved_allowed_amount
        end as decimal(18, 2
        )) as allowed_amount,
        cast(case
            when coalesce(claim_money.is_claim_level_money, false) then null
            else service_lines.resolved_charge_amount
        end as decimal(18, 2
        )) as charge_amount,
        case
            when coalesce(claim_money.is_claim_level_money, false)
                then claim_money.repeated_{{ amount_column }}
        end as claim_level_amount_at_risk,
        -- On claim-level money, each line gets its share of the claim amount by charge, so
        -- flagging one line puts that share at risk, not the whole claim. The share is NULL
        -- when the claim has no usable charges.
        cast(case
            when coalesce(claim_money.is_claim_level_money, false)
                then
                    claim_money.repeated_{{ amount_column }} * service_lines.resolved_charge_amount
                    / nullif(claim_money.service_charge_total, 0)
            else service_lines.resolved_{{ amount_column }}
        end as decimal(18, 2)) as line_amount_at_risk,
        cast(case
            when service_lines.resolved_unit_quantity <> 0
                then service_lines.resolved_unit_quantity
        end as decimal(18, 3
        ))
            as service_unit_quantity,
        service_lines.ndc_code,
        service_lines.ndc_status,
        service_lines.ndc_quantity,
        service_lines.drug_description,
        service_lines.diagnosis_code_type,
        {%- for position in range(1, 26) %}
            service_lines.diagnosis_code_{{ position }},
        {%- endfor %}
        {%- for position in range(1, 5) %}
            service_lines.diagnosis_pointer_{{ position }},
        {%- endfor %}
        service_lines.line_resolution,
        service_lines.duplicate_count,
        {{ encounter_key('service_lines') }} as encounter_key
    from service_lines
    left join claim_money
        on service_lines.claim_key = claim_money.claim_key

)

select * from final
