{#-
  Alerts and dollars at risk by billing provider, with the share of that provider's infusion
  encounters that carry an alert. An infusion encounter is a person and service date on
  which the provider billed a drug-administration code or an IV-therapy revenue line.
-#}

with alerts as (

    select * from {{ ref('alerts') }}

),

claim_lines as (

    select * from {{ ref('int_claim_lines_classified') }}

),

infusion_encounters as (

    select distinct
        billing_npi,
        person_id,
        service_date
    from claim_lines
    where admin_type is not null or is_iv_therapy_revenue_without_hcpcs

),

infusion_encounter_counts as (

    select
        billing_npi,
        count(*) as infusion_encounter_count
    from infusion_encounters
    group by billing_npi

),

flagged_infusion_encounters as (

    select
        infusion_encounters.billing_npi,
        count(*) as flagged_encounter_count
    from infusion_encounters
    where
        exists (
            select 1
            from alerts
            where
                alerts.billing_npi = infusion_encounters.billing_npi
                and alerts.person_id = infusion_encounters.person_id
                and alerts.service_date = infusion_encounters.service_date
        )
    group by infusion_encounters.billing_npi

),

provider_alerts as (

    select
        billing_npi,
        count(*) as alert_count,
        sum(case when severity = 'high' then 1 else 0 end) as high_severity_count,
        count(distinct rule_id) as rule_count,
        sum(amount_at_risk) as amount_at_risk
    from alerts
    group by billing_npi

),

final as (

    select
        provider_alerts.billing_npi,
        provider_alerts.alert_count,
        provider_alerts.high_severity_count,
        provider_alerts.rule_count,
        cast(provider_alerts.amount_at_risk as decimal(18, 2)) as amount_at_risk,
        coalesce(flagged_infusion_encounters.flagged_encounter_count, 0)
            as flagged_encounter_count,
        coalesce(infusion_encounter_counts.infusion_encounter_count, 0)
            as infusion_encounter_count,
        cast(
            coalesce(flagged_infusion_encounters.flagged_encounter_count, 0) as decimal(18, 4)
        ) / nullif(infusion_encounter_counts.infusion_encounter_count, 0)
            as flagged_encounter_share
    from provider_alerts
    left join infusion_encounter_counts
        on provider_alerts.billing_npi = infusion_encounter_counts.billing_npi
    left join flagged_infusion_encounters
        on provider_alerts.billing_npi = flagged_infusion_encounters.billing_npi

)

select * from final
