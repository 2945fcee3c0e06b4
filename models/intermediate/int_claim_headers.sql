{#- One row per claim (claim id + person): the claim-level facts version resolution needs. -#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_deduplicated') }}

),

final as (

    select
        claim_key,
        claim_id,
        person_id,
        max(claim_type) as claim_type,
        max(bill_type_code) as bill_type_code,
        max(claim_frequency_code) as claim_frequency_code,
        max(original_claim_id) as original_claim_id,
        max(paid_date) as paid_date,
        max(ingest_datetime) as ingest_datetime,
        min(service_date) as claim_service_date,
        count(*) as line_count,
        sum(case when paid_amount > 0 then 1 else 0 end) as positive_line_count,
        sum(case when paid_amount < 0 then 1 else 0 end) as negative_line_count
    from claim_lines
    group by claim_key, claim_id, person_id

)

select * from final
