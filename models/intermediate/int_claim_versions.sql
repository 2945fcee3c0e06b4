{#-
  Claim version resolution. Claims that replace, adjust, void or reverse one another form a
  family (the claim id they all point back to); only the last version of a family is a
  service the rules may see, and a family that ends in a void or a reversal yields nothing.

  - Frequency 7 and Medicare adjustment letters (seed ref_claim_frequency_codes) replace the
    earlier version; frequency 8 voids the family.
  - A claim whose paid amounts are all negative is a reversal: it cancels its family. With
    no earlier version to cancel it is an orphan credit, not a service.
  - The claim key is claim id + person, so a claim id reused for another person is another
    claim, and an original_claim_id only links claims of the same person.
-#}

with claim_headers as (

    select * from {{ ref('int_claim_headers') }}

),

frequency_codes as (

    select * from {{ ref('ref_claim_frequency_codes') }}

),

classified as (

    select
        claim_headers.*,
        case
            when claim_headers.positive_line_count = 0 and claim_headers.negative_line_count > 0
                then 'reversal'
            else coalesce(frequency_codes.version_action, 'original')
        end as version_action
    from claim_headers
    left join frequency_codes
        on claim_headers.claim_frequency_code = frequency_codes.claim_frequency_code

),

linked as (

    -- Only replacements, voids and reversals join the family of the claim they point to
    -- (following up to two links: a replacement of a replacement). A late charge or an
    -- interim bill that names an earlier claim adds to it and stays a claim of its own.
    select
        classified.*,
        case
            when classified.version_action in ('replacement', 'void', 'reversal')
                then coalesce(
                    parent_claim.original_claim_id,
                    classified.original_claim_id,
                    classified.claim_id
                )
            else classified.claim_id
        end as family_claim_id
    from classified
    left join classified as parent_claim
        on
            classified.original_claim_id = parent_claim.claim_id
            and classified.person_id = parent_claim.person_id
            and classified.claim_id <> parent_claim.claim_id
            and parent_claim.version_action in ('replacement', 'void', 'reversal')

),

ordered as (

    select
        *,
        count(*) over (partition by person_id, family_claim_id) as family_version_count,
        row_number() over (
            partition by person_id, family_claim_id
            order by
                case when version_action = 'original' then 0 else 1 end,
                paid_date nulls first,
                ingest_datetime nulls first,
                claim_id
        ) as version_number,
        count(*) over (partition by person_id, family_claim_id)
        - row_number() over (
            partition by person_id, family_claim_id
            order by
                case when version_action = 'original' then 0 else 1 end,
                paid_date nulls first,
                ingest_datetime nulls first,
                claim_id
        ) as later_version_count
    from linked

),

final as (

    select
        claim_key,
        claim_id,
        person_id,
        family_claim_id,
        {{ text_key(['person_id', 'family_claim_id']) }} as claim_family_key,
        claim_type,
        bill_type_code,
        claim_frequency_code,
        original_claim_id,
        version_action,
        version_number,
        family_version_count,
        later_version_count = 0 as is_latest_version,
        later_version_count = 0
        and version_action not in ('void', 'reversal') as is_final_version,
        case
            when later_version_count > 0 then 'superseded'
            when version_action = 'void' then 'voided'
            when version_action = 'reversal' and family_version_count = 1 then 'orphan_credit'
            when version_action = 'reversal' then 'reversed'
            else 'final'
        end as version_status
    from ordered

)

select * from final
