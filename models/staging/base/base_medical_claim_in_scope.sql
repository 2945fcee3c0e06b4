{#-
  The claim rows this run evaluates. A full run evaluates every row. An incremental run
  (var incremental_run) evaluates every row, old and new, of each person with a row in the
  files loaded by this run, plus this run's rows that name no person (they can only be
  rejected). Every rule looks at one person's claims at a time (encounters, claim families,
  per-diem spans and unit limits are all within a person), so re-evaluating whole persons
  gives the same alerts as a full rebuild.

  A full run reads it as a view (no copy of every row); an incremental run stores it.
-#}

{{ config(materialized=('table' if var('incremental_run') else 'view')) }}

with claim_rows as (

    select * from {{ ref('base_medical_claim') }}

),

{% if var('incremental_run') %}

this_run_rows as (

    select * from claim_rows
    where loaded_at = cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})

),

persons_in_batch as (

    select distinct person_id
    from this_run_rows
    where person_id is not null

),

final as (

    select claim_rows.*
    from claim_rows
    inner join persons_in_batch
        on claim_rows.person_id = persons_in_batch.person_id

    union all

    select * from this_run_rows
    where person_id is null

)

{% else %}

    final as (

        select * from claim_rows

    )

{% endif %}

select * from final
