"""Tests of the great-expectations validation of raw claim files (no dbt run)."""

from pathlib import Path

import duckdb
import pytest

from infusion_integrity.validation import (
    UNREADABLE_FILE,
    Finding,
    ValidationReport,
    validate_claims_folder,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "validation"
MESSY_FILE = "medical_claim_validation_messy.csv"

NOT_NULL = "expect_column_values_to_not_be_null"
MATCH_REGEX = "expect_column_values_to_match_regex"
MATCH_DATE_FORMAT = "expect_column_values_to_match_strftime_format"
IN_SET = "expect_column_values_to_be_in_set"
COLUMN_EXISTS = "expect_column_to_exist"


@pytest.fixture(scope="module")
def messy_report() -> ValidationReport:
    return validate_claims_folder(FIXTURES / "messy")


def findings_at(report: ValidationReport, row_number: int | None, column: str) -> list[Finding]:
    return [
        finding
        for finding in report.findings
        if finding.row_number == row_number and finding.column == column
    ]


def write_claims_csv(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_passes():
    report = validate_claims_folder(FIXTURES / "clean")

    assert report.findings == []
    assert report.ok
    assert report.files_checked == 1
    assert report.rows_checked == 3


# The clean fixture also contains 'Institutional' (staging lower-cases claim_type), blank
# optional cells, a negative paid amount and amounts written as '.5' and '1200'.
def test_clean_file_accepts_lenient_values():
    report = validate_claims_folder(FIXTURES / "clean")

    assert findings_at(report, 3, "claim_type") == []
    assert findings_at(report, 3, "claim_line_start_date") == []
    assert findings_at(report, 3, "paid_amount") == []
    assert findings_at(report, 3, "allowed_amount") == []


@pytest.mark.parametrize(
    ("row_number", "column", "value", "expectation", "problem"),
    [
        (2, "claim_start_date", "03/15/2026", MATCH_REGEX, "is not an ISO 8601 date (YYYY-MM-DD)"),
        (3, "claim_line_start_date", "2026-13-01", MATCH_DATE_FORMAT, "is not a real calendar"),
        (4, "claim_line_number", "abc", MATCH_REGEX, "is not a whole number"),
        (5, "claim_id", None, NOT_NULL, "is missing (required)"),
        (6, "paid_amount", "12,5O", MATCH_REGEX, "is not a decimal amount"),
        (7, "person_id", None, NOT_NULL, "is missing (required)"),
        (7, "claim_start_date", "2026-02-30", MATCH_DATE_FORMAT, "is not a real calendar"),
        (7, "service_unit_quantity", "1 unit", MATCH_REGEX, "is not a decimal quantity"),
        (7, "claim_type", "dentist", IN_SET, "is not a known claim type"),
        (8, "claim_line_start_date", None, NOT_NULL, "so is claim_start_date"),
    ],
)
def test_messy_file_reports_cell(messy_report, row_number, column, value, expectation, problem):
    matches = findings_at(messy_report, row_number, column)

    assert len(matches) == 1, [finding.message for finding in messy_report.findings]
    finding = matches[0]
    assert finding.file == MESSY_FILE
    assert finding.value == value
    assert finding.expectation == expectation
    assert finding.message.startswith(f"{MESSY_FILE} row {row_number}: {column}")
    assert problem in finding.message


def test_messy_file_message_format(messy_report):
    messages = [finding.message for finding in messy_report.findings]

    expected = (
        f"{MESSY_FILE} row 2: claim_start_date '03/15/2026' is not an ISO 8601 date (YYYY-MM-DD)"
    )
    assert expected in messages


def test_messy_file_reports_nothing_else(messy_report):
    assert findings_at(messy_report, 1, "claim_start_date") == []
    assert all(finding.row_number != 1 for finding in messy_report.findings)
    assert len(messy_report.findings) == 10
    assert messy_report.rows_checked == 8
    assert not messy_report.ok


def test_findings_sorted_by_row(messy_report):
    row_numbers = [finding.row_number for finding in messy_report.findings]

    assert row_numbers == sorted(row_numbers)


def test_parquet_file_validated_like_csv(tmp_path):
    # Typed Parquet columns are cast to text: DATE becomes 'YYYY-MM-DD', DECIMAL '118.40'.
    parquet_path = tmp_path / "medical_claim_2026_04.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select * from (values
                    ('CLM-P001', '1', 'P-0501', date '2026-04-01', '2026-04-01',
                        118.40::decimal(12, 2), 1.0::double),
                    ('CLM-P002', '1', 'P-0502', date '2026-04-02', '04/02/2026',
                        52.00::decimal(12, 2), 2.0::double),
                    ('CLM-P003', 'x1', 'P-0503', date '2026-04-03', '2026-04-03',
                        null, null)
                ) as claims(claim_id, claim_line_number, person_id, claim_start_date,
                    claim_line_start_date, paid_amount, service_unit_quantity)
            ) to '{parquet_path}' (format parquet)
            """
        )

    report = validate_claims_folder(tmp_path)

    assert report.files_checked == 1
    assert report.rows_checked == 3
    assert len(report.findings) == 2, [finding.message for finding in report.findings]
    date_finding = findings_at(report, 2, "claim_line_start_date")[0]
    assert date_finding.file == "medical_claim_2026_04.parquet"
    assert date_finding.value == "04/02/2026"
    assert date_finding.expectation == MATCH_REGEX
    line_finding = findings_at(report, 3, "claim_line_number")[0]
    assert line_finding.value == "x1"


def test_patient_id_accepted_for_person_id():
    report = validate_claims_folder(FIXTURES / "patient_id")

    assert findings_at(report, None, "person_id") == []
    assert len(report.findings) == 1
    finding = report.findings[0]
    assert finding.row_number == 2
    assert finding.column == "patient_id"
    assert finding.value is None
    assert finding.expectation == NOT_NULL


def test_missing_person_columns_reported(tmp_path):
    write_claims_csv(
        tmp_path, "medical_claim_no_person.csv", "claim_id,claim_line_number\nCLM-X001,1\n"
    )

    report = validate_claims_folder(tmp_path)

    matches = findings_at(report, None, "person_id")
    assert len(matches) == 1
    assert matches[0].expectation == COLUMN_EXISTS
    assert "patient_id" in matches[0].message


def test_missing_line_number_column_reported():
    report = validate_claims_folder(FIXTURES / "missing_line_number")

    matches = findings_at(report, None, "claim_line_number")
    assert len(matches) == 1
    finding = matches[0]
    assert finding.file == "medical_claim_validation_no_line_number.csv"
    assert finding.value is None
    assert finding.expectation == COLUMN_EXISTS
    assert finding.message == (
        "medical_claim_validation_no_line_number.csv: required column claim_line_number is missing"
    )


def test_missing_service_date_columns_reported(tmp_path):
    write_claims_csv(
        tmp_path,
        "medical_claim_no_dates.csv",
        "claim_id,claim_line_number,person_id\nCLM-X001,1,P-0001\n",
    )

    report = validate_claims_folder(tmp_path)

    matches = findings_at(report, None, "claim_line_start_date")
    assert len(matches) == 1
    assert "claim_start_date" in matches[0].message


def test_header_case_and_spaces_ignored(tmp_path):
    # dbt matches column names case-insensitively and trims every value.
    write_claims_csv(
        tmp_path,
        "medical_claim_spaces.csv",
        "Claim_ID,CLAIM_LINE_NUMBER,Person_Id,Claim_Start_Date,Paid_Amount\n"
        "CLM-S001, 1 ,P-0601, 2026-05-01 , 10.00\n"
        "CLM-S002,1,   ,2026-05-02,\n",
    )

    report = validate_claims_folder(tmp_path)

    assert len(report.findings) == 1, [finding.message for finding in report.findings]
    finding = report.findings[0]
    assert finding.row_number == 2
    assert finding.column == "person_id"
    assert finding.value is None


def test_eligibility_dates_checked():
    report = validate_claims_folder(FIXTURES / "eligibility")

    assert report.files_checked == 2
    assert report.rows_checked == 3
    end_date = findings_at(report, 2, "enrollment_end_date")
    assert len(end_date) == 1
    assert end_date[0].file == "eligibility_validation_dates.csv"
    assert end_date[0].value == "12/31/2026"
    birth_date = findings_at(report, 2, "birth_date")
    assert len(birth_date) == 1
    assert birth_date[0].value == "1981-02-29"
    assert birth_date[0].expectation == MATCH_DATE_FORMAT


def test_unreadable_file_reported(tmp_path):
    (tmp_path / "medical_claim_broken.parquet").write_bytes(b"this is not parquet")

    report = validate_claims_folder(tmp_path)

    assert len(report.findings) == 1
    finding = report.findings[0]
    assert finding.file == "medical_claim_broken.parquet"
    assert finding.row_number is None
    assert finding.expectation == UNREADABLE_FILE
    assert report.rows_checked == 0


def test_missing_folder_raises(tmp_path):
    missing = tmp_path / "no_such_folder"

    with pytest.raises(ValueError, match="Claims folder not found") as raised:
        validate_claims_folder(missing)
    assert str(missing) in str(raised.value)


def test_folder_without_claim_files_raises(tmp_path):
    write_claims_csv(tmp_path, "eligibility_only.csv", "person_id\nP-0001\n")

    with pytest.raises(ValueError, match=r"No medical_claim\*\.csv") as raised:
        validate_claims_folder(tmp_path)
    assert str(tmp_path) in str(raised.value)
