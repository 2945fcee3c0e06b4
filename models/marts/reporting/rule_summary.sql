{#- Alerts and dollars at risk by rule and reason code, with every catalog row shown. -#}

with alerts as (

    select * from {{ ref('alerts') }}

),

catalog as (

    select * from {{ ref('rule_catalog') }}

),

alert_totals as (

    select
        rule_id,
        reason_code,
        count(*) as alert_count,
        count(distinct person_id) as person_count,
        count(distinct billing_npi) as billing_provider_count,
        sum(amount_at_risk) as amount_at_risk
    from alerts
    group by rule_id, reason_code

),

final as (

    select
        catalog.rule_id,
        catalog.reason_code,
        catalog.severity,
        catalog.enabled,
        catalog.description,
        coalesce(alert_totals.alert_count, 0) as alert_count,
        coalesce(alert_totals.person_count, 0) as person_count,
        coalesce(alert_totals.billing_provider_count, 0) as billing_provider_count,
        cast(coalesce(alert_totals.amount_at_risk, 0) as decimal(18, 2)) as amount_at_risk
    from catalog
    left join alert_totals
        on
            catalog.rule_id = alert_totals.rule_id
            and catalog.reason_code = alert_totals.reason_code

)

select * from final
