{#-
  Service lines of encounters that both mental-health rules look at: encounters with an
  IV infusion, IV push or IM/SC injection administration. Each line carries the roles the
  rules test, and the encounter-level exclusions ride along on every line.
-#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_classified') }}
    where claim_type in ('professional', 'institutional')

),

roles as (

    select
        *,
        -- IV infusion or push of hydration or a therapeutic drug (96360-96361, 96365-96368,
        -- 96374-96376, C8957), or an institutional IV-therapy revenue line (026x) without
        -- a HCPCS code.
        coalesce(
            admin_route = 'iv'
            and admin_class in ('infusion', 'push')
            and admin_family in ('hydration', 'therapeutic'),
            false
        )
        or is_iv_therapy_revenue_without_hcpcs as is_iv_admin_line,
        -- Ketamine reaches the patient by IV infusion, IV push or IM injection (96372).
        coalesce(admin_route = 'iv' and admin_class in ('infusion', 'push'), false)
        or coalesce(hcpcs_code = '96372', false)
        or is_iv_therapy_revenue_without_hcpcs as is_ketamine_admin_line,
        -- An unclassified drug code that names no drug: no usable NDC (none, or one staging
        -- could not read) and no description.
        coalesce(is_noc_drug_code, false)
        and ndc_code is null
        and drug_description is null as is_unidentified_noc_drug_line,
        -- An unclassified drug code without a usable NDC (a description may still name it).
        coalesce(is_noc_drug_code, false) and ndc_code is null as is_noc_drug_without_ndc
    from claim_lines

),

encounters as (

    select
        encounter_key,
        {{ dbt.bool_or('is_ketamine_admin_line') }} as has_ketamine_admin,
        -- Anesthesia (CPT 00100-01999) or ECT (90870): ketamine given as an anesthetic.
        {{ dbt.bool_or("coalesce(procedure_group in ('anesthesia', 'electroconvulsive_therapy'), false)") }}
            as has_procedural_use,
        -- Inpatient and emergency care are out of scope for both rules.
        {{ dbt.bool_or("coalesce(care_setting in ('inpatient', 'emergency'), false) or coalesce(revenue_group = 'emergency_room', false)") }}
            as is_inpatient_or_emergency
    from roles
    group by encounter_key

),

final as (

    select
        roles.*,
        encounters.has_procedural_use,
        encounters.is_inpatient_or_emergency
    from roles
    inner join encounters
        on roles.encounter_key = encounters.encounter_key
    where encounters.has_ketamine_admin

)

select * from final
