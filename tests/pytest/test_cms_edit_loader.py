"""The CMS NCCI edit loader: PTP and MUE files in the layouts CMS publishes.

The fixtures in tests/fixtures/cms_edits are written for these tests (invented rows in the
CMS layouts, with notice and header lines before the data). One dbt build reads them via
var cms_edits_path, together with a small claim file written here, and the tests check
the loaded edits and the alerts the unbundling rule raises from them.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import PROJECT_DIR, query, run_dbt

CMS_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "cms_edits"

CLAIM_COLUMNS = [
    "claim_id",
    "claim_line_number",
    "claim_type",
    "person_id",
    "claim_start_date",
    "claim_end_date",
    "claim_line_start_date",
    "claim_line_end_date",
    "place_of_service_code",
    "hcpcs_code",
    "hcpcs_modifier_1",
    "service_unit_quantity",
    "billing_npi",
    "rendering_npi",
    "paid_amount",
    "allowed_amount",
    "charge_amount",
    "diagnosis_code_type",
    "diagnosis_code_1",
    "claim_frequency_code",
]

# (claim id, line, service date, HCPCS, modifier, units, paid amount), professional, POS 11.
CLAIM_LINES = [
    # 96361 without a modifier after 96374: CMS practitioner edit 96374/96361, indicator 1.
    ("CMSPTP1", 1, "2025-02-10", "96374", "", "1", "60.00"),
    ("CMSPTP1", 2, "2025-02-10", "96361", "", "1", "30.00"),
    # 5 units of 96372 where the January file allows 4 (indicator 3): one unit in five over.
    ("CMSMUE1", 1, "2025-02-10", "96372", "", "5", "50.00"),
    # The April file raises the 96372 limit to 5, so 5 units in May pass.
    ("CMSMUE2", 1, "2025-05-12", "96372", "", "5", "50.00"),
    # Port draw and irrigation: only the curated seeds edit this pair, and they are not used
    # when CMS files are given.
    ("CURATED0", 1, "2025-02-10", "36591", "", "1", "20.00"),
    ("CURATED0", 2, "2025-02-10", "96523", "59", "1", "25.00"),
]


def write_claims(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "medical_claim_cms_edits.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CLAIM_COLUMNS)
        writer.writeheader()
        for claim_id, line_number, service_date, hcpcs, modifier, units, paid in CLAIM_LINES:
            writer.writerow(
                {
                    "claim_id": claim_id,
                    "claim_line_number": line_number,
                    "claim_type": "professional",
                    # Each claim has its own person, so no two claims share an encounter.
                    "person_id": f"P-{claim_id}",
                    "claim_start_date": service_date,
                    "claim_end_date": service_date,
                    "claim_line_start_date": service_date,
                    "claim_line_end_date": service_date,
                    "place_of_service_code": "11",
                    "hcpcs_code": hcpcs,
                    "hcpcs_modifier_1": modifier,
                    "service_unit_quantity": units,
                    "billing_npi": "9000000001",
                    "rendering_npi": "9000000002",
                    "paid_amount": paid,
                    "allowed_amount": paid,
                    "charge_amount": paid,
                    "diagnosis_code_type": "icd-10-cm",
                    "diagnosis_code_1": "K50.90",
                    "claim_frequency_code": "1",
                }
            )
    return folder


@pytest.fixture(scope="session")
def cms_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edit loader and the unbundling rule built with the CMS fixture files."""
    work_dir = tmp_path_factory.mktemp("cms_edit_build")
    claims = write_claims(work_dir / "claims")
    database = work_dir / "cms_edits.duckdb"
    result = run_dbt(
        [
            "build",
            "--select",
            "+stg_cms__ptp_edits",
            "+stg_cms__mue",
            "+alert_infusion_unbundling",
            "--exclude",
            "test_type:unit",
            # Tests that also read models outside the selection (the unified alerts table,
            # the input reconciliation) are left out.
            "--indirect-selection",
            "cautious",
        ],
        work_dir,
        database,
        {"claims_path": str(claims), "cms_edits_path": str(CMS_FIXTURES)},
    )
    if result.returncode != 0:
        pytest.fail(f"dbt build with the CMS fixtures failed:\n{result.stdout[-4000:]}")
    return database


def test_ptp_rows_loaded_without_notice_lines(cms_database: Path) -> None:
    rows = query(
        cms_database,
        "select edit_file_kind, column_1_code, column_2_code, modifier_indicator "
        "from staging.stg_cms__ptp_edits order by 1, 2, 3",
    )
    assert rows == [
        ("outpatient_hospital", "96365", "96361", "1"),
        ("outpatient_hospital", "96365", "96372", "1"),
        ("practitioner", "96365", "36000", "0"),
        ("practitioner", "96365", "96360", "1"),
        ("practitioner", "96374", "96361", "1"),
        ("practitioner", "96413", "96361", "1"),
        ("practitioner", "96413", "96523", "0"),
    ]


def test_ptp_indicator_9_rows_dropped(cms_database: Path) -> None:
    dropped_pairs = query(
        cms_database,
        "select count(*) from staging.stg_cms__ptp_edits where "
        "(column_1_code, column_2_code) in "
        "(('96372', '99211'), ('96409', '96372'), ('96374', '96376'))",
    )
    assert dropped_pairs == [(0,)]
    indicators = query(
        cms_database, "select distinct modifier_indicator from staging.stg_cms__ptp_edits"
    )
    assert sorted(indicators) == [("0",), ("1",)]


def test_ptp_dates_and_pre_1996_flag(cms_database: Path) -> None:
    deleted = query(
        cms_database,
        "select effective_from, deletion_date, effective_to from staging.stg_cms__ptp_edits "
        "where column_1_code = '96413' and column_2_code = '96523'",
    )
    assert deleted == [(date(2012, 1, 1), date(2015, 1, 1), date(2014, 12, 31))]
    open_edit = query(
        cms_database,
        "select effective_from, deletion_date, effective_to, is_pre_1996_edit "
        "from staging.stg_cms__ptp_edits "
        "where column_1_code = '96365' and column_2_code = '36000'",
    )
    assert open_edit == [(date(1996, 1, 1), None, None, True)]


def test_ptp_claim_types_follow_file_kind(cms_database: Path) -> None:
    kinds = query(
        cms_database,
        "select distinct edit_file_kind, applies_to_claim_type from staging.stg_cms__ptp_edits",
    )
    assert sorted(kinds) == [
        ("outpatient_hospital", "institutional"),
        ("practitioner", "professional"),
    ]


def test_mue_rows_and_indicators(cms_database: Path) -> None:
    rows = query(
        cms_database,
        "select applies_to_claim_type, hcpcs_code, mue_value, mue_adjudication_indicator, "
        "effective_from, effective_to from staging.stg_cms__mue order by 1, 2, 5",
    )
    assert rows == [
        ("institutional", "96368", 1, "2", date(2025, 1, 1), None),
        ("institutional", "96376", 6, "3", date(2025, 1, 1), None),
        ("professional", "96365", 1, "2", date(2025, 1, 1), date(2025, 3, 31)),
        ("professional", "96365", 1, "2", date(2025, 4, 1), None),
        ("professional", "96368", 1, "2", date(2025, 1, 1), date(2025, 3, 31)),
        ("professional", "96372", 4, "3", date(2025, 1, 1), date(2025, 3, 31)),
        ("professional", "96372", 5, "3", date(2025, 4, 1), None),
        ("professional", "96375", 3, "1", date(2025, 1, 1), date(2025, 3, 31)),
    ]


def test_mue_indicator_text_kept(cms_database: Path) -> None:
    texts = query(
        cms_database,
        "select mue_adjudication_text from staging.stg_cms__mue where hcpcs_code = '96375'",
    )
    assert texts == [("1 Line Edit",)]


def test_cms_files_replace_curated_edits(cms_database: Path) -> None:
    ptp_sources = query(
        cms_database, "select distinct edit_source from intermediate.int_unbundling_ptp_edits"
    )
    mue_sources = query(
        cms_database, "select distinct edit_source from intermediate.int_unbundling_mue_edits"
    )
    assert ptp_sources == [("CMS NCCI PTP",)]
    assert mue_sources == [("CMS MUE",)]


def test_alerts_name_the_cms_source(cms_database: Path) -> None:
    alerts = query(
        cms_database,
        "select claim_id, reason_code, edit_source, amount_at_risk, evidence "
        "from alerts.alert_infusion_unbundling order by claim_id",
    )
    assert [(claim, reason, source) for claim, reason, source, _, _ in alerts] == [
        ("CMSMUE1", "unb_units_over_mue", "CMS MUE"),
        ("CMSPTP1", "unb_ptp_indicator_1_no_modifier", "CMS NCCI PTP"),
    ]
    amounts = {claim: amount for claim, _, _, amount, _ in alerts}
    assert amounts["CMSMUE1"] == Decimal("10.00")
    assert amounts["CMSPTP1"] == Decimal("30.00")
    evidence = {claim: sentence for claim, _, _, _, sentence in alerts}
    assert "(CMS MUE)" in evidence["CMSMUE1"]
    assert "(CMS NCCI PTP)" in evidence["CMSPTP1"]
