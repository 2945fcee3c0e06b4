{#-
  Every alert of every enabled rule in one table with the common alert columns. Rules are
  the models listed in alert_rule_models(); a reason code switched off in rule_catalog
  (enabled = false) is left out. A reason code missing from the catalog is kept, and a
  relationships test on this model fails for it. Rebuilt in full on every run, also
  incremental ones, from the rule tables that persist.
-#}

{{ config(materialized='table') }}

with

{% for model_name in alert_rule_models() %}
    {{ model_name }} as (

        select
            {{ alert_columns() | join(',\n        ') }}
        from {{ ref(model_name) }}

    ),

{% endfor %}

catalog as (

    select * from {{ ref('rule_catalog') }}

),

unioned as (

    {% for model_name in alert_rule_models() -%}
        select * from {{ model_name }}
        {%- if not loop.last %}
            union all
        {% endif %}
    {%- endfor %}

),

enabled_alerts as (

    select unioned.*
    from unioned
    left join catalog
        on
            unioned.rule_id = catalog.rule_id
            and unioned.reason_code = catalog.reason_code
    where coalesce(catalog.enabled, true)

),

final as (

    select
        {{ alert_columns() | join(',\n        ') }}
    from enabled_alerts

)

select * from final
