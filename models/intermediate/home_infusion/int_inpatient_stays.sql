{#-
  Inpatient and skilled-nursing stays per person, one row per stay, from institutional
  claims of final versions (bill types 11x, 12x, 18x, 41x, 21x and 22x, see care_setting).

  A stay runs from the admission date to the discharge date. A claim without them uses its
  statement dates (claim_start_date / claim_end_date), else its line dates. Claims of one
  person whose dates overlap or touch on the same day are one stay: interim bills of one
  admission share the admission date, and a transfer discharges and admits on the same day.
  Claims on consecutive days stay separate, because the person may have gone home in
  between.
-#}

with claim_lines as (

    select * from {{ ref('int_claim_lines_classified') }}
    where
        claim_type = 'institutional'
        and care_setting in ('inpatient', 'skilled_nursing')

),

stay_claims as (

    select
        claim_key,
        claim_id,
        person_id,
        max(care_setting) as care_setting,
        coalesce(min(admission_date), min(claim_start_date), min(service_date))
            as admission_date,
        coalesce(max(discharge_date), max(claim_end_date), max(service_end_date))
            as discharge_date
    from claim_lines
    group by claim_key, claim_id, person_id

),

stay_claims_ordered as (

    select
        *,
        max(discharge_date) over (
            partition by person_id
            order by admission_date, claim_key
            rows between unbounded preceding and 1 preceding
        ) as previous_discharge_date
    from stay_claims

),

stay_claims_numbered as (

    select
        *,
        sum(
            case
                when
                    previous_discharge_date is null
                    or admission_date > previous_discharge_date then 1
                else 0
            end
        ) over (
            partition by person_id
            order by admission_date, claim_key
            rows between unbounded preceding and current row
        ) as stay_number
    from stay_claims_ordered

),

final as (

    select
        {{ text_key(['person_id', 'min(admission_date)']) }} as inpatient_stay_key,
        person_id,
        min(admission_date) as admission_date,
        max(discharge_date) as discharge_date,
        {{ sorted_list('claim_id') }} as claim_ids,
        count(*) as claim_count,
        {{ sorted_list('care_setting') }} as care_settings
    from stay_claims_numbered
    group by person_id, stay_number

)

select * from final
