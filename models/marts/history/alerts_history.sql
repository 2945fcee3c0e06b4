{#-
  When each alert was first seen, last seen, and when it stopped firing (a void or a
  replacement arrived, say). Kept across runs, full and incremental alike: rebuilding it
  from scratch (dbt build --full-refresh) forgets the history. alert_id is stable across
  runs for the same finding, so it keys the history. Grain: one alert id ever raised.
-#}

{{ config(
    materialized='incremental',
    unique_key='alert_id',
    incremental_strategy='delete+insert'
) }}

{%- set run_time = "cast('" ~ run_started_at.strftime("%Y-%m-%d %H:%M:%S") ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}

with current_alerts as (

    select
        alert_id,
        rule_id,
        reason_code,
        person_id,
        claim_id,
        service_date,
        amount_at_risk
    from {{ ref('alerts') }}

),

{% if is_incremental() %}

previous_history as (

    select * from {{ this }}

),

merged as (

    select
        coalesce(current_alerts.alert_id, previous_history.alert_id) as alert_id,
        coalesce(current_alerts.rule_id, previous_history.rule_id) as rule_id,
        coalesce(current_alerts.reason_code, previous_history.reason_code) as reason_code,
        coalesce(current_alerts.person_id, previous_history.person_id) as person_id,
        coalesce(current_alerts.claim_id, previous_history.claim_id) as claim_id,
        coalesce(current_alerts.service_date, previous_history.service_date) as service_date,
        coalesce(current_alerts.amount_at_risk, previous_history.amount_at_risk)
            as amount_at_risk,
        coalesce(previous_history.first_seen_at, {{ run_time }}) as first_seen_at,
        case
            when current_alerts.alert_id is not null then {{ run_time }}
            else previous_history.last_seen_at
        end as last_seen_at,
        case
            when current_alerts.alert_id is null
                then coalesce(previous_history.stopped_at, {{ run_time }})
        end as stopped_at,
        current_alerts.alert_id is not null as is_active
    from current_alerts
    full outer join previous_history
        on current_alerts.alert_id = previous_history.alert_id

),

{% else %}

    merged as (

        select
            alert_id,
            rule_id,
            reason_code,
            person_id,
            claim_id,
            service_date,
            amount_at_risk,
            {{ run_time }} as first_seen_at,
            {{ run_time }} as last_seen_at,
            cast(null as {{ dbt.type_timestamp() }}) as stopped_at,
            true as is_active
        from current_alerts

    ),

{% endif %}

final as (

    select
        alert_id,
        rule_id,
        reason_code,
        person_id,
        claim_id,
        service_date,
        cast(amount_at_risk as decimal(18, 2)) as amount_at_risk,
        first_seen_at,
        last_seen_at,
        stopped_at,
        is_active
    from merged

)

select * from final
