{#-
  The persons this run evaluates (all persons in a full run). Incremental alert tables
  delete these persons' rows before appending their re-evaluated alerts.
-#}

with claim_rows as (

    select * from {{ ref('base_medical_claim_in_scope') }}

),

final as (

    select distinct person_id
    from claim_rows
    where person_id is not null

)

select * from final
