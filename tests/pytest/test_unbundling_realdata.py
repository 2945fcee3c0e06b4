"""The unbundling rule on the Tuva demo claims (2023 snapshot), real files written by others.

The build (fixture tuva_database) reads ../shared/realdata beside the repository and
skips when it is absent. Every alert the rule raises there was checked by hand against
the claim lines; the reasons are in EXPECTED_ALERTS. Without var cms_edits_path the rule
uses the curated policy edits.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import query

# (claim id, reason code): why the alert is right.
EXPECTED_ALERTS = {
    ("180781", "unb_addon_without_primary"): (
        "Outpatient claim, bill type 13G (a Medicare adjustment, the final version), bills "
        "hydration hours 96361 x10 and x2 and infusion hours 96366 x6 with no initial "
        "service (96360, 96365, 96367, 96374, 96409, 96413) anywhere on the claim."
    ),
    ("761833", "unb_addon_without_primary"): (
        "Replacement outpatient claim (bill type 137) bills hydration hours 96361 x8 with "
        "only a venipuncture 36415 beside it: no hydration or drug administration to add to."
    ),
    ("721119", "unb_ptp_indicator_1_no_modifier"): (
        "Outpatient claim bills push 96374 with modifier 59 and hydration 96361 x2 without "
        "one: the curated edit 96374/96361 has indicator 1 and the bypass modifier must be "
        "on the column-2 line (96361), not on 96374."
    ),
}

# Claims with XU, XE, XS or 59 on administration lines that must stay quiet.
BYPASSED_CLAIMS = {
    "881135": "96365 with 96374-XU: a second initial service at a separate site",
    "1454775": "96365-XU, 96372-XE, 96375-XE and facility 96376 on an institutional claim",
    "1437354": "96374-59 with 96372-XS: a separately identified injection",
    "780100": "96360-XU and 96361-XU with 96372 and no drug infusion",
    "1319444": "96365-59 with its add-on 96366",
}


def test_realdata_alerts_are_the_checked_ones(tuva_database: Path) -> None:
    found = set(
        query(tuva_database, "select claim_id, reason_code from alerts.alert_infusion_unbundling")
    )
    assert found == set(EXPECTED_ALERTS)


def test_realdata_bypass_modifiers_stay_quiet(tuva_database: Path) -> None:
    flagged = {
        claim_id
        for (claim_id,) in query(
            tuva_database, "select distinct claim_id from alerts.alert_infusion_unbundling"
        )
    }
    assert flagged.isdisjoint(BYPASSED_CLAIMS)


def test_realdata_claim_level_money_counted_once(tuva_database: Path) -> None:
    # Claim 180781 repeats its paid amount, 738.43 (and its charge), on all 13 service lines;
    # each line carries an equal share allocated by charge, so the three flagged lines put
    # three shares at risk, not the whole claim.
    amount = query(
        tuva_database,
        "select amount_at_risk from alerts.alert_infusion_unbundling where claim_id = '180781'",
    )
    shares = query(
        tuva_database,
        "select sum(line_amount_at_risk), count(*) from intermediate.int_claim_lines_final "
        "where claim_id = '180781' and claim_line_number in (2, 3, 13)",
    )
    assert shares == [(Decimal("170.40"), 3)]
    assert amount == [(Decimal("170.40"),)]
    claim_total = query(
        tuva_database,
        "select sum(line_amount_at_risk) from intermediate.int_claim_lines_final "
        "where claim_id = '180781'",
    )[0][0]
    assert abs(claim_total - Decimal("738.43")) <= Decimal("0.13"), "shares must add up to the claim"


def test_realdata_flags_the_lines_checked(tuva_database: Path) -> None:
    lines = dict(
        query(
            tuva_database,
            "select claim_id, claim_line_numbers from alerts.alert_infusion_unbundling",
        )
    )
    assert lines == {"180781": "13, 2, 3", "761833": "4", "721119": "8"}


def test_realdata_uses_curated_edits(tuva_database: Path) -> None:
    sources = query(
        tuva_database,
        "select distinct edit_source from alerts.alert_infusion_unbundling "
        "where edit_source is not null",
    )
    assert sources == [("curated policy edit",)]
