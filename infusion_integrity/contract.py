"""Input contract for raw claim files: column names as in the Tuva Project input layer.

The dbt staging layer reads the same names; keep the two in step.
"""

# Columns a claim file must have. `patient_id` (the older Tuva name) is accepted for `person_id`.
REQUIRED_MEDICAL_CLAIM_COLUMNS: tuple[str, ...] = ("claim_id", "claim_line_number")
PERSON_COLUMN_ALIASES: tuple[str, ...] = ("person_id", "patient_id")

# Tuva input-layer columns read by the project. Absent ones are read as NULL.
TUVA_MEDICAL_CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "claim_line_number",
    "claim_type",
    "person_id",
    "member_id",
    "payer",
    "plan",
    "claim_start_date",
    "claim_end_date",
    "claim_line_start_date",
    "claim_line_end_date",
    "admission_date",
    "discharge_date",
    "place_of_service_code",
    "bill_type_code",
    "revenue_center_code",
    "service_unit_quantity",
    "hcpcs_code",
    "hcpcs_modifier_1",
    "hcpcs_modifier_2",
    "hcpcs_modifier_3",
    "hcpcs_modifier_4",
    "hcpcs_modifier_5",
    "rendering_npi",
    "billing_npi",
    "facility_npi",
    "paid_date",
    "paid_amount",
    "allowed_amount",
    "charge_amount",
    "diagnosis_code_type",
    *(f"diagnosis_code_{i}" for i in range(1, 26)),
    "data_source",
    "file_name",
    "ingest_datetime",
)

# Optional extension columns of this project. NULL when absent.
EXTENSION_MEDICAL_CLAIM_COLUMNS: tuple[str, ...] = (
    "ndc_code",
    "ndc_quantity",
    "drug_description",
    "diagnosis_pointer_1",
    "diagnosis_pointer_2",
    "diagnosis_pointer_3",
    "diagnosis_pointer_4",
    "claim_frequency_code",
    "original_claim_id",
)

MEDICAL_CLAIM_COLUMNS: tuple[str, ...] = TUVA_MEDICAL_CLAIM_COLUMNS + EXTENSION_MEDICAL_CLAIM_COLUMNS

ELIGIBILITY_COLUMNS: tuple[str, ...] = (
    "person_id",
    "member_id",
    "payer",
    "plan",
    "enrollment_start_date",
    "enrollment_end_date",
    "gender",
    "birth_date",
    "data_source",
    "file_name",
)

DATE_COLUMNS: tuple[str, ...] = (
    "claim_start_date",
    "claim_end_date",
    "claim_line_start_date",
    "claim_line_end_date",
    "admission_date",
    "discharge_date",
    "paid_date",
)

MONEY_COLUMNS: tuple[str, ...] = ("paid_amount", "allowed_amount", "charge_amount")
