"""The dbt reader and the Python tools agree on the input contract."""

from __future__ import annotations

import re

from conftest import PROJECT_DIR

from infusion_integrity import contract


def macro_list(macro_name: str) -> list[str]:
    """Read the column list a contract macro builds (literals plus the diagnosis range)."""
    text = (PROJECT_DIR / "macros" / "contract_columns.sql").read_text()
    body = text.split(f"macro {macro_name}()", 1)[1].split("endmacro", 1)[0]
    names = re.findall(r"'([a-z0-9_]+)'", body)
    if "'diagnosis_code_' ~ position" in body:
        names = [name for name in names if name != "diagnosis_code_"]
        insert_at = names.index("diagnosis_code_type") + 1
        names[insert_at:insert_at] = [f"diagnosis_code_{i}" for i in range(1, 26)]
    return names


def test_medical_claim_columns_match() -> None:
    assert macro_list("medical_claim_contract_columns") == list(contract.MEDICAL_CLAIM_COLUMNS)


def test_eligibility_columns_match() -> None:
    assert macro_list("eligibility_contract_columns") == list(contract.ELIGIBILITY_COLUMNS)
