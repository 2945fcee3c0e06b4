"""Column layout, date range and file names of the generated claim files."""

from datetime import date

from infusion_integrity.contract import ELIGIBILITY_COLUMNS, MEDICAL_CLAIM_COLUMNS

# Professional claims carry at most 12 header diagnoses, so the generator writes
# diagnosis_code_1..12 and leaves out 13..25. The dbt layer reads absent columns as NULL.
MAX_DIAGNOSES = 12
OMITTED_DIAGNOSIS_COLUMNS = frozenset(f"diagnosis_code_{i}" for i in range(MAX_DIAGNOSES + 1, 26))
CLAIM_COLUMNS: tuple[str, ...] = tuple(
    column for column in MEDICAL_CLAIM_COLUMNS if column not in OMITTED_DIAGNOSIS_COLUMNS
)
ELIGIBILITY_FILE_COLUMNS: tuple[str, ...] = ELIGIBILITY_COLUMNS

DIAGNOSIS_COLUMNS: tuple[str, ...] = tuple(
    f"diagnosis_code_{i}" for i in range(1, MAX_DIAGNOSES + 1)
)
POINTER_COLUMNS: tuple[str, ...] = tuple(f"diagnosis_pointer_{i}" for i in range(1, 5))
MODIFIER_COLUMNS: tuple[str, ...] = tuple(f"hcpcs_modifier_{i}" for i in range(1, 6))

# Service dates of the sample: twelve months, one claim file per service month.
SERVICE_START = date(2025, 7, 1)
SERVICE_END = date(2026, 6, 30)
SERVICE_MONTHS: tuple[tuple[int, int], ...] = tuple(
    (2025 + (6 + offset) // 12, (6 + offset) % 12 + 1) for offset in range(12)
)

# Enrolment spans cover the service range with room on both sides.
ENROLLMENT_START = date(2025, 1, 1)
ENROLLMENT_SPLIT = date(2026, 1, 1)
ENROLLMENT_END = date(2026, 12, 31)

DATA_SOURCE = "synthetic"
DIAGNOSIS_CODE_TYPE = "icd-10-cm"
PAYER = "synthetic health plan"

# The resend file repeats lines of earlier monthly files, as a payer feed does when it
# sends a batch twice. Its lines have service dates on or before LAST_RESEND_SERVICE_DATE,
# so their monthly file (received 2025-12-15 for October) arrived before the resend.
RESEND_MONTH = (2026, 1)
RESEND_INGEST_DATETIME = "2026-01-28T06:00:00"
LAST_RESEND_SERVICE_DATE = date(2025, 10, 31)

FILE_FORMATS = ("csv", "parquet")


def month_key(year: int, month: int) -> str:
    """Format a service month as it appears in file names, for example ``2025_07``."""
    return f"{year:04d}_{month:02d}"


def claim_file_name(year: int, month: int, file_format: str) -> str:
    return f"medical_claim_{month_key(year, month)}.{file_format}"


def resend_file_name(file_format: str) -> str:
    return f"medical_claim_resend_{month_key(*RESEND_MONTH)}.{file_format}"


def eligibility_file_name(file_format: str) -> str:
    return f"eligibility.{file_format}"


def ingest_datetime(year: int, month: int) -> str:
    """Return the ISO timestamp at which the file of a service month was received.

    Files arrive on the 15th of the second month after the service month, after the
    last paid date that the generator writes (at most 45 days after service).
    """
    month_index = year * 12 + (month - 1) + 2
    return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}-15T06:00:00"
