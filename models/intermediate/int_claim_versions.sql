{#-
  Claim version resolution. Claims that replace, adjust, void or reverse one another form a
  family (the claim id they all point back to); only the last version of a family is a
  service the rules may see, and a family that ends in a void or a reversal yields nothing.

  - Frequency 7 and Medicare adjustment letters (seed ref_claim_frequency_codes) replace the
    earlier version; frequency 8 voids the family.
  - A claim whose paid amounts are all negative is a reversal of the version before it: its
    lines net against that version's lines with the same line numbers, so a reversal of one
    line cancels only that line, and one of every line cancels the claim. A reversal of a
    version that was replaced since changes nothing. With no earlier version it is an
    orphan credit, not a service.
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
        version_action = 'reversal' as is_reversal,
        count(*) over (partition by person_id, family_claim_id) as family_version_count,
        row_number() over (
            partition by person_id, family_claim_id
            order by
                case when version_action = 'original' then 0 else 1 end,
                paid_date nulls first,
                ingest_datetime nulls first,
                claim_id
        ) as version_number
    from linked

),

-- Reversals do not replace a version: their negative lines net against the lines of the
-- version they follow. So the latest version is the latest one that is not a reversal.
ranked as (

    select
        *,
        case
            when not is_reversal
                then row_number() over (
                    partition by person_id, family_claim_id, is_reversal
                    order by version_number desc
                )
        end as non_reversal_rank_from_last,
        max(case when not is_reversal then version_number end) over (
            partition by person_id, family_claim_id
            order by version_number
            rows between unbounded preceding and 1 preceding
        ) as reversed_version_number
    from ordered

),

-- The version each reversal nets against: the latest non-reversal version before it.
reversal_targets as (

    select
        reversals.claim_key,
        reversed_version.claim_key as netting_claim_key,
        reversed_version.claim_id as netting_claim_id,
        reversed_version.non_reversal_rank_from_last = 1
        and reversed_version.version_action <> 'void' as targets_final_version
    from ranked as reversals
    inner join ranked as reversed_version
        on
            reversals.person_id = reversed_version.person_id
            and reversals.family_claim_id = reversed_version.family_claim_id
            and reversals.reversed_version_number = reversed_version.version_number
    where reversals.is_reversal

),

final as (

    select
        ranked.claim_key,
        ranked.claim_id,
        ranked.person_id,
        ranked.family_claim_id,
        {{ text_key(['ranked.person_id', 'ranked.family_claim_id']) }} as claim_family_key,
        ranked.claim_type,
        ranked.bill_type_code,
        ranked.claim_frequency_code,
        ranked.original_claim_id,
        ranked.version_action,
        ranked.version_number,
        ranked.family_version_count,
        coalesce(ranked.non_reversal_rank_from_last = 1, false) as is_latest_version,
        coalesce(ranked.non_reversal_rank_from_last = 1, false)
        and ranked.version_action <> 'void' as is_final_version,
        case
            when ranked.is_reversal and reversal_targets.targets_final_version
                then reversal_targets.netting_claim_key
        end as netting_claim_key,
        case
            when ranked.is_reversal and reversal_targets.targets_final_version
                then reversal_targets.netting_claim_id
        end as netting_claim_id,
        case
            when ranked.is_reversal and reversal_targets.claim_key is null then 'orphan_credit'
            when ranked.is_reversal and reversal_targets.targets_final_version
                then 'reversal_netted'
            when ranked.is_reversal then 'reversal_of_superseded'
            when ranked.non_reversal_rank_from_last > 1 then 'superseded'
            when ranked.version_action = 'void' then 'voided'
            else 'final'
        end as version_status
    from ranked
    left join reversal_targets
        on ranked.claim_key = reversal_targets.claim_key

)

select * from final
