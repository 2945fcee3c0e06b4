"""Messy-data cases: real-world quirks of claim feeds that must raise no alert.

The cases cover code formats: ICD-10 without dots or in lower case, NDCs in every
shape, and modifiers glued to the HCPCS code or in mixed case. They also cover
institutional total lines, missing units and claim types, and claim versions
(replacement, void, Medicare adjustment, reversal without original). Further cases have
a claim id reused by two persons, rows that staging must reject, and everyday claims
that the resend file repeats. Each case has its own person.
Where a quirk, handled wrongly, would look like an alert (two initial administration
codes, two versions of one infusion), the case is built so that correct handling is the
only way to stay quiet.
"""

from typing import Any

import numpy as np

from infusion_integrity.generator.cases import (
    INSTITUTIONAL,
    PROFESSIONAL,
    TOTAL_REVENUE_CODE,
    CaseSpec,
    ClaimSpec,
    LineSpec,
    PlantedCase,
    build_cases as build_case_specs,
)
from infusion_integrity.generator.columns import LAST_RESEND_SERVICE_DATE
from infusion_integrity.generator.ids import IdAllocator

PRIMARY_CARE = "primary care"
BEHAVIORAL_HEALTH = "behavioral health"
LABORATORY = "laboratory"
INFUSION_CLINIC = "infusion clinic"
ONCOLOGY = "oncology"
ORTHOPEDICS = "orthopedics"
ORAL_SURGERY = "oral surgery"
HOSPITAL = "hospital"

INDEPENDENT_LAB = "81"
PRIMARY = (1,)

# The same Hospira ketamine NDC (00409-2053-01 as NDC11) in the shapes claim feeds use,
# plus a Mylan ketamine NDC in 5-3-2. The 10-digit shape without separators is
# ambiguous: it could be 4-4-2, 5-3-2 or 5-4-1.
KETAMINE_NDC_SHAPES: tuple[tuple[str, str], ...] = (
    ("NDC11_HYPHENS", "00409-2053-01"),
    ("NDC_4_4_2", "0409-2053-01"),
    ("NDC11_SPACES", "00409 2053 01"),
    ("NDC11_DIGITS", "00409205301"),
    ("NDC_N4_QUALIFIER", "N400409205301 ML2"),
    ("NDC10_AMBIGUOUS", "0409205301"),
    ("NDC_5_3_2", "67457-108-10"),
)
# A made-up NDC in 5-4-2 shape that matches no ketamine product.
ONDANSETRON_NDC_5_4_2 = "12345-6789-01"


def _professional(
    provider: str, diagnoses: tuple[str, ...], *lines: LineSpec, **options: Any
) -> ClaimSpec:
    """Build a professional claim, an original (frequency 1) unless ``options`` sets another."""
    options = {"frequency": "1", **options}
    return ClaimSpec(PROFESSIONAL, provider, diagnoses, lines, **options)


def _institutional(
    provider: str, diagnoses: tuple[str, ...], *lines: LineSpec, **options: Any
) -> ClaimSpec:
    return ClaimSpec(INSTITUTIONAL, provider, diagnoses, lines, **options)


def _infliximab_lines(units: str = "40", drug_modifier: str = "JZ") -> tuple[LineSpec, ...]:
    """Build the lines of a 2-hour infliximab infusion: 96365, 96366 and J1745 (per 10 mg)."""
    return (
        LineSpec("96365", pointers=PRIMARY),
        LineSpec("96366", pointers=PRIMARY),
        LineSpec("J1745", units=units, modifiers=(drug_modifier,), pointers=PRIMARY),
    )


def _infliximab_with_second_site_push(
    push_code: str, push_modifiers: tuple[str, ...] = (), drug_modifier: str = "JZ"
) -> ClaimSpec:
    """Build an infliximab infusion plus an ondansetron push at a separate IV site.

    A second initial administration code is allowed when a separate IV access is
    medically necessary and the code carries 59, XE, XS, XP or XU. A parser that misses
    the modifier finds two initial codes on one encounter.
    """
    return _professional(
        INFUSION_CLINIC,
        ("K50.90", "R11.2"),
        *_infliximab_lines(drug_modifier=drug_modifier),
        LineSpec(push_code, modifiers=push_modifiers, pointers=(2,)),
        LineSpec("J2405", units="4", pointers=(2,)),
    )


def _ondansetron_push(**options: Any) -> ClaimSpec:
    return _professional(
        INFUSION_CLINIC,
        ("R11.2",),
        LineSpec("96374", pointers=PRIMARY),
        LineSpec("J2405", units="4", pointers=PRIMARY),
        **options,
    )


def _iron_sucrose(units: str = "200", **options: Any) -> ClaimSpec:
    """Build a hospital outpatient iron sucrose infusion (J1756 per 1 mg)."""
    return _institutional(
        HOSPITAL,
        ("D50.9",),
        LineSpec("96365", revenue="0260"),
        LineSpec("J1756", units=units, revenue="0636", modifiers=("JZ",)),
        **options,
    )


def _office_visit(diagnoses: tuple[str, ...] = ("I10",), **options: Any) -> ClaimSpec:
    return _professional(PRIMARY_CARE, diagnoses, LineSpec("99213", pointers=PRIMARY), **options)


def _anesthesia_with_ketamine_ndc(ndc: str) -> ClaimSpec:
    """Build an oral-surgery anesthesia claim (00170) with a ketamine line and no drug
    administration code."""
    return _professional(
        ORAL_SURGERY,
        ("K01.1",),
        LineSpec("00170", pointers=PRIMARY),
        LineSpec("J3490", ndc=ndc, ndc_quantity="2", drug_description="ketamine", pointers=PRIMARY),
    )


# Each entry is (case id suffix, description, column overrides) for a one-line office
# visit that staging must reject. Dates are rejected when they are not valid ISO dates.
REJECTED_ROWS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("US_DATE", "claim_line_start_date in US format", {"claim_line_start_date": "03/15/2026"}),
    ("MONTH_13", "claim_start_date with month 13", {"claim_start_date": "2026-13-01"}),
    (
        "DAY_30_FEBRUARY",
        "claim_line_end_date on 30 February",
        {"claim_line_end_date": "2026-02-30"},
    ),
    ("SLASH_DATE", "paid_date with slashes", {"paid_date": "2026/03/20"}),
    ("LINE_NUMBER_TEXT", "claim_line_number that is not a number", {"claim_line_number": "abc"}),
    ("LINE_NUMBER_EMPTY", "empty claim_line_number", {"claim_line_number": ""}),
    ("CLAIM_ID_EMPTY", "empty claim_id", {"claim_id": ""}),
    ("PERSON_ID_EMPTY", "empty person_id", {"person_id": ""}),
    (
        "PAID_AMOUNT_TEXT",
        "paid_amount with a decimal comma and a letter O",
        {"paid_amount": "12,5O"},
    ),
    ("ALLOWED_AMOUNT_TEXT", "allowed_amount N/A", {"allowed_amount": "N/A"}),
)


def _ndc_shape_cases() -> tuple[CaseSpec, ...]:
    cases = [
        CaseSpec(
            f"M_{name}",
            f"Ketamine NDC written {ndc!r} on an oral-surgery anesthesia claim without an "
            "administration code or mental-health diagnosis",
            (_anesthesia_with_ketamine_ndc(ndc),),
        )
        for name, ndc in KETAMINE_NDC_SHAPES
    ]
    cases.append(
        CaseSpec(
            "M_NDC_5_4_2",
            f"Ondansetron push with NDC written {ONDANSETRON_NDC_5_4_2!r}",
            (
                _professional(
                    INFUSION_CLINIC,
                    ("R11.2",),
                    LineSpec("96374", pointers=PRIMARY),
                    LineSpec(
                        "J2405", units="4", ndc=ONDANSETRON_NDC_5_4_2, ndc_quantity="2",
                        pointers=PRIMARY,
                    ),
                ),
            ),
        )
    )
    return tuple(cases)


def _rejected_row_cases() -> tuple[CaseSpec, ...]:
    return tuple(
        CaseSpec(
            f"M_REJECT_{name}",
            f"Office visit row that staging must reject: {description}",
            (_office_visit(overrides=overrides),),
        )
        for name, description, overrides in REJECTED_ROWS
    )


CODE_FORMAT_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "M_ICD_FORMATS",
        "Psychotherapy and office visits without drug administration, with ICD-10 codes "
        "written F33.1, f331, ' F33.1 ', e119 and 'I10 '",
        (
            _professional(BEHAVIORAL_HEALTH, ("F33.1",), LineSpec("90834", pointers=PRIMARY)),
            _professional(
                BEHAVIORAL_HEALTH, ("f331",), LineSpec("90837", pointers=PRIMARY), day_offset=7
            ),
            _professional(BEHAVIORAL_HEALTH, (" F33.1 ",), LineSpec("90834"), day_offset=14),
            _office_visit(("e119", "I10 "), day_offset=21),
        ),
    ),
    *_ndc_shape_cases(),
    CaseSpec(
        "M_MODIFIER_HYPHEN",
        "Second-site ondansetron push written 96374-59 next to an infliximab infusion",
        (_infliximab_with_second_site_push("96374-59"),),
    ),
    CaseSpec(
        "M_MODIFIER_GLUED",
        "Second-site ondansetron push written 9637459 next to an infliximab infusion",
        (_infliximab_with_second_site_push("9637459"),),
    ),
    CaseSpec(
        "M_MODIFIER_LOWER_CASE",
        "Second-site push 96374 with modifier xu in column 1, infliximab line with jz",
        (_infliximab_with_second_site_push("96374", ("xu",), drug_modifier="jz"),),
    ),
    CaseSpec(
        "M_MODIFIER_MIXED_CASE",
        "Second-site push 96374 with modifier Xu in column 2 and column 1 empty",
        (_infliximab_with_second_site_push("96374", ("", "Xu")),),
    ),
    CaseSpec(
        "M_MODIFIER_COLUMN_3",
        "Second-site push 96374 with modifier 59 in column 3 and columns 1 and 2 empty",
        (_infliximab_with_second_site_push("96374", ("", "", "59")),),
    ),
)


LAYOUT_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "M_INSTITUTIONAL_TOTAL_LINE",
        "Hospital outpatient claims whose paid amount repeats the claim total on every "
        "line, with a revenue code 0001 total line",
        (
            _institutional(
                HOSPITAL,
                ("D50.9",),
                LineSpec("96365", revenue="0260"),
                LineSpec("J1756", units="200", revenue="0636", modifiers=("JZ",)),
                LineSpec(revenue=TOTAL_REVENUE_CODE, units=""),
                paid_total_on_every_line=True,
            ),
            _institutional(
                HOSPITAL,
                ("D50.9",),
                LineSpec("80053", revenue="0301"),
                LineSpec("85025", revenue="0305"),
                LineSpec(revenue=TOTAL_REVENUE_CODE, units=""),
                paid_total_on_every_line=True,
                day_offset=28,
            ),
        ),
    ),
    CaseSpec(
        "M_UNITS_ZERO_OR_EMPTY",
        "Office visit with empty units and laboratory lines with units 0 and empty",
        (
            _professional(
                PRIMARY_CARE, ("I10", "E11.9"), LineSpec("99214", units="", pointers=(1, 2))
            ),
            _professional(
                LABORATORY,
                ("E11.9",),
                LineSpec("80053", units="0", pointers=PRIMARY),
                LineSpec("85025", units="", pointers=PRIMARY),
                place_of_service=INDEPENDENT_LAB,
                day_offset=1,
            ),
        ),
    ),
    CaseSpec(
        "M_CLAIM_TYPE_EMPTY",
        "Office visit with place of service 11, no bill type and an empty claim_type",
        (
            ClaimSpec(
                "",
                PRIMARY_CARE,
                ("I10",),
                (LineSpec("99214", pointers=PRIMARY),),
                place_of_service="11",
                bill_type="",
                frequency="1",
            ),
        ),
    ),
    CaseSpec(
        "M_CLAIM_TYPE_UNDETERMINED",
        "Hospital laboratory claim with bill type 131 and claim_type 'undetermined'",
        (
            ClaimSpec(
                "undetermined",
                HOSPITAL,
                ("E11.9",),
                (LineSpec("80053", revenue="0301"), LineSpec("85025", revenue="0305")),
                place_of_service="",
                bill_type="131",
            ),
        ),
    ),
)


VERSION_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "M_VERSION_REPLACED",
        "Infliximab infusion (frequency 1) replaced by a new claim id with frequency 7 and "
        "more drug units",
        (
            _professional(INFUSION_CLINIC, ("K50.90",), *_infliximab_lines("40")),
            _professional(
                INFUSION_CLINIC,
                ("K50.90",),
                *_infliximab_lines("50"),
                frequency="7",
                version_of=0,
                paid_delay_days=40,
            ),
        ),
    ),
    CaseSpec(
        "M_VERSION_VOIDED",
        "Bevacizumab chemotherapy infusion voided by a frequency-8 claim",
        tuple(
            _professional(
                ONCOLOGY,
                ("C18.9",),
                LineSpec("96413", pointers=PRIMARY),
                LineSpec("96415", pointers=PRIMARY),
                LineSpec("J9035", units="40", modifiers=("JZ",), pointers=PRIMARY),
                **options,
            )
            for options in ({}, {"frequency": "8", "version_of": 0, "paid_delay_days": 40})
        ),
    ),
    CaseSpec(
        "M_VERSION_ADJUSTED_13I",
        "Hospital iron sucrose infusion (bill type 131) adjusted by a claim with bill type "
        "13I (Medicare adjustment code I in the frequency position)",
        (
            _iron_sucrose("100"),
            _iron_sucrose("200", bill_type="13I", version_of=0, paid_delay_days=40),
        ),
    ),
    CaseSpec(
        "M_REVERSAL_NO_ORIGINAL",
        "Reversal of an ondansetron push: every money value negative and no original "
        "claim in the data",
        (_ondansetron_push(money_sign=-1, frequency=""),),
    ),
    CaseSpec(
        "M_CLAIM_ID_REUSED",
        "Two persons' claims from one infusion clinic on one day that share a claim_id "
        "and line numbers",
        (
            _professional(INFUSION_CLINIC, ("K50.90",), *_infliximab_lines()),
            _ondansetron_push(person=1, claim_id_of=0),
        ),
        persons=2,
    ),
)


RESEND_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "M_RESEND_EVERYDAY",
        "Everyday claims whose lines the resend file repeats",
        (
            _office_visit(resend=True),
            _professional(
                LABORATORY,
                ("E11.9",),
                LineSpec("80053", pointers=PRIMARY),
                LineSpec("85025", pointers=PRIMARY),
                LineSpec("83036", pointers=PRIMARY),
                place_of_service=INDEPENDENT_LAB,
                day_offset=5,
                resend=True,
            ),
            _professional(
                INFUSION_CLINIC, ("K50.90",), *_infliximab_lines(), day_offset=10, resend=True
            ),
            _iron_sucrose(day_offset=15, resend=True),
            _professional(
                ORTHOPEDICS,
                ("M17.11",),
                LineSpec("96372", pointers=PRIMARY),
                LineSpec("J3301", units="4", pointers=PRIMARY),
                day_offset=20,
                resend=True,
            ),
            _professional(
                BEHAVIORAL_HEALTH,
                ("F41.1",),
                LineSpec("90837", pointers=PRIMARY),
                day_offset=25,
                resend=True,
            ),
        ),
        latest=LAST_RESEND_SERVICE_DATE,
    ),
)

CASES: tuple[CaseSpec, ...] = (
    CODE_FORMAT_CASES + LAYOUT_CASES + VERSION_CASES + _rejected_row_cases() + RESEND_CASES
)


def build_cases(rng: np.random.Generator, ids: IdAllocator) -> list[PlantedCase]:
    """Build the messy-data cases with new persons, claims and providers."""
    return build_case_specs(CASES, rng, ids)
