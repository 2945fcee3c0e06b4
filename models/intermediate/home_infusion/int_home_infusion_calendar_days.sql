{#-
  One row per calendar date from the first to the last day that a home-infusion per-diem
  line covers. The per-diem rule joins date spans to it to get one row per day. The offsets
  come from a numbers table of five digits, so the spine stops after 100,000 days
  (about 273 years), far more than any per-diem span in valid data.
-#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_classified') }}

),

per_diem_codes as (

    select * from {{ ref('ref_home_infusion_per_diem') }}

),

per_diem_date_range as (

    select
        min(claim_lines.service_date) as first_date,
        max(
            case
                when claim_lines.service_end_date > claim_lines.service_date
                    then claim_lines.service_end_date
                else claim_lines.service_date
            end
        ) as last_date
    from claim_lines
    inner join per_diem_codes
        on claim_lines.hcpcs_code = per_diem_codes.hcpcs_code

),

digits as (

    select 0 as digit
    union all
    select 1 as digit
    union all
    select 2 as digit
    union all
    select 3 as digit
    union all
    select 4 as digit
    union all
    select 5 as digit
    union all
    select 6 as digit
    union all
    select 7 as digit
    union all
    select 8 as digit
    union all
    select 9 as digit

),

day_offsets as (

    select
        ones.digit
        + 10 * tens.digit
        + 100 * hundreds.digit
        + 1000 * thousands.digit
        + 10000 * ten_thousands.digit as day_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    cross join digits as ten_thousands

),

final as (

    select
        cast(
            {{ dbt.dateadd('day', 'day_offsets.day_offset', 'per_diem_date_range.first_date') }}
            as date
        ) as calendar_date
    from per_diem_date_range
    cross join day_offsets
    where
        day_offsets.day_offset
        <= {{ dbt.datediff(
            'per_diem_date_range.first_date', 'per_diem_date_range.last_date', 'day'
        ) }}

)

select * from final
