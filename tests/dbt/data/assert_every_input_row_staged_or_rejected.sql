-- Every input row is either staged or rejected, never both and never neither.
-- Returns the rows that break that rule (none when the pipeline is sound).

with input_rows as (

    select source_row_id from {{ ref('base_medical_claim_in_scope') }}

),

staged as (

    select source_row_id from {{ ref('stg_medical_claim') }}

),

rejected as (

    select source_row_id from {{ ref('rejected_claim_lines') }}

),

accounted as (

    select
        input_rows.source_row_id,
        case when staged.source_row_id is not null then 1 else 0 end
        + case when rejected.source_row_id is not null then 1 else 0 end as landing_count
    from input_rows
    left join staged on input_rows.source_row_id = staged.source_row_id
    left join rejected on input_rows.source_row_id = rejected.source_row_id

)

select source_row_id, landing_count
from accounted
where landing_count <> 1
