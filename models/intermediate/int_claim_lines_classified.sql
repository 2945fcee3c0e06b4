{#-
  Final service lines with their code-set classes, each joined on the line's service date
  within the code's effective dates. One row per line.
-#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_final') }}

),

admin_codes as (

    select * from {{ ref('ref_drug_admin_codes') }}

),

drug_ranges as (

    select * from {{ ref('ref_drug_hcpcs_ranges') }}

),

noc_codes as (

    select * from {{ ref('ref_noc_drug_codes') }}

),

esketamine_codes as (

    select * from {{ ref('ref_esketamine_hcpcs') }}

),

ndc_products as (

    select * from {{ ref('ref_ketamine_ndc_products') }}

),

procedure_groups as (

    select * from {{ ref('ref_procedure_code_groups') }}

),

revenue_groups as (

    select * from {{ ref('ref_revenue_center_groups') }}

),

places_of_service as (

    select * from {{ ref('ref_place_of_service') }}

),

-- Code sets are matched on the distinct codes and service dates (tens of thousands), not on
-- every line (millions): range joins are costly, and each code keeps one class per date.
hcpcs_dates as (

    select distinct
        hcpcs_code,
        service_date
    from claim_lines
    where hcpcs_code is not null

),

hcpcs_classes as (

    select
        hcpcs_dates.hcpcs_code,
        hcpcs_dates.service_date,
        admin_codes.admin_type,
        admin_codes.admin_class,
        admin_codes.admin_family,
        admin_codes.route as admin_route,
        admin_codes.is_facility_only as is_facility_only_admin,
        admin_codes.is_once_per_encounter,
        drug_ranges.drug_category,
        noc_codes.hcpcs_code is not null as is_noc_drug_code,
        esketamine_codes.hcpcs_code is not null as is_esketamine_code,
        procedure_groups.procedure_group
    from hcpcs_dates
    left join admin_codes
        on
            hcpcs_dates.hcpcs_code = admin_codes.hcpcs_code
            and {{ within_effective_dates('hcpcs_dates.service_date', 'admin_codes') }}
    left join drug_ranges
        on
            hcpcs_dates.hcpcs_code between drug_ranges.code_from and drug_ranges.code_to
            and length(hcpcs_dates.hcpcs_code) = 5
            and {{ within_effective_dates('hcpcs_dates.service_date', 'drug_ranges') }}
    left join noc_codes
        on
            hcpcs_dates.hcpcs_code = noc_codes.hcpcs_code
            and {{ within_effective_dates('hcpcs_dates.service_date', 'noc_codes') }}
    left join esketamine_codes
        on
            hcpcs_dates.hcpcs_code = esketamine_codes.hcpcs_code
            and {{ within_effective_dates('hcpcs_dates.service_date', 'esketamine_codes') }}
    left join procedure_groups
        on
            hcpcs_dates.hcpcs_code between procedure_groups.code_from
            and procedure_groups.code_to
            and length(hcpcs_dates.hcpcs_code) = 5
            and {{ within_effective_dates('hcpcs_dates.service_date', 'procedure_groups') }}

),

revenue_dates as (

    select distinct
        revenue_center_code,
        service_date
    from claim_lines
    where revenue_center_code is not null

),

revenue_classes as (

    select
        revenue_dates.revenue_center_code,
        revenue_dates.service_date,
        revenue_groups.revenue_group
    from revenue_dates
    inner join revenue_groups
        on
            revenue_dates.revenue_center_code between revenue_groups.revenue_code_from
            and revenue_groups.revenue_code_to
            and {{ within_effective_dates('revenue_dates.service_date', 'revenue_groups') }}

),

classified as (

    select
        claim_lines.*,
        hcpcs_classes.admin_type,
        hcpcs_classes.admin_class,
        hcpcs_classes.admin_family,
        hcpcs_classes.admin_route,
        hcpcs_classes.is_facility_only_admin,
        hcpcs_classes.is_once_per_encounter,
        hcpcs_classes.drug_category,
        coalesce(hcpcs_classes.is_noc_drug_code, false) as is_noc_drug_code,
        coalesce(hcpcs_classes.is_esketamine_code, false) as is_esketamine_code,
        ndc_products.ingredient as ndc_ingredient,
        hcpcs_classes.procedure_group,
        revenue_classes.revenue_group,
        places_of_service.setting as place_of_service_setting
    from claim_lines
    left join hcpcs_classes
        on
            claim_lines.hcpcs_code = hcpcs_classes.hcpcs_code
            and claim_lines.service_date = hcpcs_classes.service_date
    left join revenue_classes
        on
            claim_lines.revenue_center_code = revenue_classes.revenue_center_code
            and claim_lines.service_date = revenue_classes.service_date
    left join ndc_products
        on
            substring(claim_lines.ndc_code, 1, 9) = ndc_products.ndc_labeler_product
            and {{ within_effective_dates('claim_lines.service_date', 'ndc_products') }}
    left join places_of_service
        on
            claim_lines.place_of_service_code = places_of_service.place_of_service_code
            and {{ within_effective_dates('claim_lines.service_date', 'places_of_service') }}

),

final as (

    select
        *,
        -- Institutional setting comes from the bill type: 11x/12x inpatient, 13x outpatient,
        -- 21x/22x skilled nursing; professional setting from the place of service.
        case
            when claim_type = 'institutional' and bill_type_class in ('11', '12', '18', '41')
                then 'inpatient'
            when claim_type = 'institutional' and bill_type_class in ('21', '22')
                then 'skilled_nursing'
            when claim_type = 'institutional' and bill_type_class in ('13', '14', '85')
                then 'facility_outpatient'
            when claim_type = 'institutional' and bill_type_class in ('32', '33', '34')
                then 'home_health'
            when claim_type = 'institutional' then 'facility_other'
            else place_of_service_setting
        end as care_setting,
        -- Any drug evidence on the line: a drug HCPCS, an NDC (even one staging could not
        -- read), or a pharmacy revenue line on an institutional claim.
        (
            drug_category is not null
            or ndc_code is not null
            or coalesce(ndc_status in ('ambiguous_10_digit', 'invalid'), false)
            or (claim_type = 'institutional' and coalesce(revenue_group = 'pharmacy', false))
        ) as is_drug_line,
        coalesce(ndc_ingredient = 'ketamine', false)
        or (
            coalesce(ndc_ingredient, '') <> 'esketamine'
            and not is_esketamine_code
            and lower(coalesce(drug_description, '')) like '%ketamin%'
            and lower(coalesce(drug_description, '')) not like '%esketamin%'
            and lower(coalesce(drug_description, '')) not like '%spravato%'
        ) as is_ketamine_line,
        is_esketamine_code or coalesce(ndc_ingredient = 'esketamine', false)
        or lower(coalesce(drug_description, '')) like '%esketamin%'
        or lower(coalesce(drug_description, '')) like '%spravato%' as is_esketamine_line,
        -- IV therapy revenue line with no HCPCS: the institutional form of an IV administration.
        claim_type = 'institutional'
        and coalesce(revenue_group = 'iv_therapy', false)
        and hcpcs_code is null as is_iv_therapy_revenue_without_hcpcs
    from classified

)

select * from final
