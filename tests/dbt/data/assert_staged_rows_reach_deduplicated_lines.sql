-- Every staged row is kept as a line or counted as a duplicate of one: the
-- duplicate counts of the kept lines add up to the staged row count.

with staged as (

    select count(*) as row_count from {{ ref('stg_medical_claim') }}

),

deduplicated as (

    select coalesce(sum(duplicate_count), 0) as row_count
    from {{ ref('int_claim_lines_deduplicated') }}

)

select
    staged.row_count as staged_rows,
    deduplicated.row_count as rows_represented
from staged
cross join deduplicated
where staged.row_count <> deduplicated.row_count
