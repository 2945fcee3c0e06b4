{#-
  Alerts by billing provider, with the share of that provider's infusion encounters that
  were flagged. An infusion encounter is one with any drug-administration code or IV
  therapy revenue line.
-#}

with alerts as (

    select * from {{ ref('alerts') }}

),

claim_lines as (

    select * from {{ ref('int_claim_lines_classified') }}

),

infusion_encounters as (

    select
        billing_npi,
        count(distinct encounter_key) as infusion_encounter_count
    from claim_lines
    where admin_type is not null or is_iv_therapy_revenue_without_hcpcs
    group by billing_npi

),

alert_encounters as (

    -- An alert's encounter is its person, billing provider and service date.
    select
        billing_npi,
        count(*) as alert_count,
        count(distinct rule_id) as rule_count,
        count(distinct {{ dbt.concat(["person_id", "'|'", "cast(service_date as " ~ dbt.type_string() ~ ")"]) }})
            as flagged_encounter_count,
        sum(amount_at_risk) as amount_at_risk,
        sum(case when severity = 'high' then 1 else 0 end) as high_severity_count
    from alerts
    group by billing_npi

),

final as (

    select
        alert_encounters.billing_npi,
        alert_encounters.alert_count,
        alert_encounters.high_severity_count,
        alert_encounters.rule_count,
        cast(alert_encounters.amount_at_risk as decimal(18, 2)) as amount_at_risk,
        alert_encounters.flagged_encounter_count,
        coalesce(infusion_encounters.infusion_encounter_count, 0) as infusion_encounter_count,
        case
            when coalesce(infusion_encounters.infusion_encounter_count, 0) > 0
                then cast(alert_encounters.flagged_encounter_count as decimal(18, 4))
                / infusion_encounters.infusion_encounter_count
        end as flagged_encounter_share
    from alert_encounters
    left join infusion_encounters
        on alert_encounters.billing_npi = infusion_encounters.billing_npi

)

select * from final
