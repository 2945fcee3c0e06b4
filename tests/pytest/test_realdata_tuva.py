"""The Tuva demo claims (2023 snapshot): real files written by other people.

They are read from ../shared/realdata beside the repository and never copied into it; every
test here skips with a message when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

from conftest import query


def test_every_row_staged_or_rejected(tuva_database: Path) -> None:
    read, staged, rejected = query(
        tuva_database,
        "select (select count(*) from staging.base_medical_claim_in_scope), "
        "(select count(*) from staging.stg_medical_claim), "
        "(select count(*) from staging.rejected_claim_lines)",
    )[0]
    assert read == 6075
    assert staged + rejected == read


def test_patient_id_read_as_person_id(tuva_database: Path) -> None:
    sources = query(
        tuva_database, "select distinct person_id_source_column from staging.base_medical_claim"
    )
    assert sources == [("patient_id",)]
    missing = query(
        tuva_database, "select count(*) from staging.stg_medical_claim where person_id is null"
    )[0][0]
    assert missing == 0


def test_repeated_claim_paid_amount_counted_once(tuva_database: Path) -> None:
    # Claim 881135 repeats its paid amount, 7537.22, on all of its lines.
    rows = query(
        tuva_database,
        "select distinct money_level, claim_level_amount_at_risk, paid_amount "
        "from intermediate.int_claim_lines_final where claim_id = '881135'",
    )
    assert [(level, float(amount), paid) for level, amount, paid in rows] == [
        ("claim", 7537.22, None)
    ]


def test_total_lines_are_not_services(tuva_database: Path) -> None:
    total_lines = query(
        tuva_database,
        "select count(*) from intermediate.int_claim_lines_final "
        "where revenue_center_code = '0001'",
    )[0][0]
    staged_total_lines = query(
        tuva_database,
        "select count(*) from staging.stg_medical_claim where revenue_center_code = '0001'",
    )[0][0]
    assert staged_total_lines > 0
    assert total_lines == 0


def test_reversed_claim_is_netted_away(tuva_database: Path) -> None:
    # Claim 1656636 carries -99.55 on every line and has no original in the files: a credit
    # with no original is not a service.
    status = query(
        tuva_database,
        "select version_status from intermediate.int_claim_versions where claim_id = '1656636'",
    )
    assert status == [("orphan_credit",)]
    lines = query(
        tuva_database,
        "select count(*) from intermediate.int_claim_lines_final where claim_id = '1656636'",
    )[0][0]
    assert lines == 0


def test_medicare_adjustment_bill_types_are_replacements(tuva_database: Path) -> None:
    actions = query(
        tuva_database,
        "select distinct version_action from intermediate.int_claim_versions "
        "where bill_type_code in ('13I', '11I', '13G')",
    )
    assert actions == [("replacement",)]


def test_no_mental_health_alerts_and_why(tuva_database: Path) -> None:
    """The demo claims hold no ketamine and no IV therapy with a counted mental-health diagnosis.

    The near candidates, checked by hand:
    - 249112: 96372 (IM injection) beside a flu vaccine, F32.9 in header position 2, no drug
      line: no ketamine, and 96372 is not an IV administration.
    - 890567: inpatient stay (bill type 111) with F03.90 (dementia, not a counted tier),
      IV-therapy revenue 0260 and pharmacy revenue 0250: inpatient, and dementia alone.
    - 363765: inpatient stay with F32.9 and F31.9 in later positions: inpatient.
    """
    alerts = query(
        tuva_database,
        "select rule_id, claim_id from alerts.alerts "
        "where rule_id in ('ketamine_infusion_mental_health', 'iv_infusion_mental_health')",
    )
    assert alerts == []
    inpatient_dementia = query(
        tuva_database,
        "select count(*) from alerts.alerts where claim_id = '890567'",
    )[0][0]
    assert inpatient_dementia == 0


def test_candidate_encounters_were_evaluated(tuva_database: Path) -> None:
    # Guards the test above against passing because nothing reached the rules.
    candidates = {
        claim_id
        for (claim_id,) in query(
            tuva_database,
            "select distinct claim_id from intermediate.int_mental_health_encounter_lines",
        )
    }
    assert {"249112", "890567", "363765"} <= candidates
