{#-
  Every row of the model (by key column) appears in exactly one of two models: for example
  every input row is staged or rejected, never both and never neither. Fails for each key
  that lands in none or in both.
-#}
{% test lands_in_exactly_one(model, column_name, first_model, second_model) %}

with input_rows as (

    select {{ column_name }} as row_key from {{ model }}

),

first_landing as (

    select {{ column_name }} as row_key from {{ first_model }}

),

second_landing as (

    select {{ column_name }} as row_key from {{ second_model }}

),

landings as (

    select
        input_rows.row_key,
        case when first_landing.row_key is not null then 1 else 0 end
        + case when second_landing.row_key is not null then 1 else 0 end as landing_count
    from input_rows
    left join first_landing on input_rows.row_key = first_landing.row_key
    left join second_landing on input_rows.row_key = second_landing.row_key

)

select row_key, landing_count
from landings
where landing_count <> 1

{% endtest %}
