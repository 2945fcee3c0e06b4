{#-
  Pre-hook of the person-keyed tables that persist across incremental runs: before the
  model appends the re-evaluated rows of the persons in scope, delete their old rows, so
  an alert that no longer fires (after a void, say) disappears. Emits nothing on a full
  build. stg_persons_in_scope is built before every model that uses this hook (staging
  depends on it), and is named here without ref() because a ref() inside a hook's
  condition is not seen as a dependency.
-#}
{% macro delete_rows_of_persons_in_scope() -%}
    {%- if is_incremental() -%}
        {%- set persons = api.Relation.create(
            database=this.database,
            schema=generate_schema_name('staging', none),
            identifier='stg_persons_in_scope'
        ) -%}
        delete from {{ this }}
        where person_id in (select person_id from {{ persons }})
    {%- endif -%}
{%- endmacro %}
