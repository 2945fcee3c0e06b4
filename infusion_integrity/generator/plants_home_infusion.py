"""Planted cases for the home_infusion_per_diem rule.

Each hit case has its own person and claims and lists the alert the rule must raise, one
per reason code. Near misses (case ids with ``_NM_``) look like hits but are billed
correctly, so they must raise nothing. Home-infusion claims are professional claims at
place of service 12 (home). Diagnoses lie outside mental health (sepsis A41.9, Crohn
disease K50.90, dehydration E86.0, colon cancer C18.9), so the mental-health rules stay
quiet. Only the office infusions bill a drug-administration code, one 96365 with its drug,
so the unbundling rule stays quiet too.

A LineSpec spans ``span_days`` days after its start, so ``span_days=9`` is a ten-day
per diem.
"""

from typing import Any

import numpy as np

from infusion_integrity.generator.cases import (
    INPATIENT_BILL_TYPE,
    INSTITUTIONAL,
    MEDICARE_PLAN,
    PROFESSIONAL,
    CaseSpec,
    ClaimSpec,
    ExpectedAlertSpec,
    LineSpec,
    PlantedCase,
    build_cases as build_case_specs,
)
from infusion_integrity.generator.ids import IdAllocator

HOME_INFUSION_RULE = "home_infusion_per_diem"

# Providers, by role. Each role gets one billing NPI and one rendering NPI.
INFUSION_PHARMACY = "home infusion pharmacy"
SECOND_INFUSION_PHARMACY = "second home infusion pharmacy"
EQUIPMENT_SUPPLIER = "home medical equipment supplier"
NURSING_AGENCY = "home infusion nursing agency"
SECOND_NURSING_AGENCY = "second home nursing agency"
INFUSION_CLINIC = "office infusion clinic"
HIT_SUPPLIER = "medicare home infusion therapy supplier"
SECOND_HIT_SUPPLIER = "second medicare home infusion therapy supplier"
HOSPITAL = "home infusion case hospital"

HOME = "12"
OFFICE = "11"

SEPSIS = ("A41.9",)
CROHN = ("K50.90",)
DEHYDRATION = ("E86.0",)
COLON_CANCER = ("C18.9",)

# The payer of ref_per_diem_payer_exceptions that pays A4222 outside the per diem,
# spelled the way a claim feed might (the rule compares it without case).
EXCEPTION_PAYER = "BLUE CROSS AND BLUE SHIELD OF NEBRASKA"

# Ceftriaxone 250 mg, the drug given with the office infusion.
CEFTRIAXONE = LineSpec("J0696", units="8")


def _per_diem(code: str, days: int, **options: Any) -> LineSpec:
    """Build a per-diem line of ``days`` days, one unit per day unless ``options`` sets units."""
    options = {"units": str(days), **options}
    return LineSpec(code, span_days=days - 1, **options)


def _home(provider: str, diagnoses: tuple[str, ...], *lines: LineSpec, **options: Any) -> ClaimSpec:
    """Build an original professional claim at place of service 12 (home)."""
    options = {"frequency": "1", "place_of_service": HOME, **options}
    return ClaimSpec(PROFESSIONAL, provider, diagnoses, lines, **options)


def _office(
    provider: str, diagnoses: tuple[str, ...], *lines: LineSpec, **options: Any
) -> ClaimSpec:
    """Build an original professional claim at place of service 11 (office)."""
    options = {"frequency": "1", "place_of_service": OFFICE, **options}
    return ClaimSpec(PROFESSIONAL, provider, diagnoses, lines, **options)


def _inpatient_stay(day_offset: int, stay_days: int) -> ClaimSpec:
    """Build an inpatient claim (bill type 111) admitted ``day_offset`` days into the case."""
    room = LineSpec(revenue="0120", units=str(stay_days), span_days=stay_days - 1)
    return ClaimSpec(
        INSTITUTIONAL,
        HOSPITAL,
        SEPSIS,
        (room,),
        bill_type=INPATIENT_BILL_TYPE,
        frequency="1",
        day_offset=day_offset,
        stay_days=stay_days,
    )


def _alert(reason_code: str, claim: int = 0) -> ExpectedAlertSpec:
    return ExpectedAlertSpec(HOME_INFUSION_RULE, reason_code, claim)


PER_DIEM_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "H1_SUPPLY_SAME_CLAIM",
        "Ten-day antibiotic per diem S9500 with pump supplies A4222 line-itemised on day 5 "
        "of the same claim",
        (
            _home(
                INFUSION_PHARMACY,
                SEPSIS,
                _per_diem("S9500", 10),
                LineSpec("A4222", units="2", day_offset=4),
            ),
        ),
        expected=(_alert("hit_bundled_supply_billed"),),
    ),
    CaseSpec(
        "H1_SUPPLY_OTHER_SUPPLIER",
        "Ten-day antibiotic per diem S9500, and an equipment supplier delivers an "
        "ambulatory infusion pump E0781 to the home on day 3",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 10)),
            _home(EQUIPMENT_SUPPLIER, SEPSIS, LineSpec("E0781"), day_offset=2),
        ),
        expected=(_alert("hit_bundled_supply_billed", claim=1),),
    ),
    CaseSpec(
        "H_NM_SUPPLY_DAY_AFTER_SPAN",
        "Ten-day antibiotic per diem S9500, then infusion supplies A4223 on the day after "
        "the per diem ends",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 10)),
            _home(INFUSION_PHARMACY, SEPSIS, LineSpec("A4223"), day_offset=10),
        ),
    ),
    CaseSpec(
        "H_NM_SUPPLY_PAYER_EXCEPTION",
        "Ten-day antibiotic per diem S9500 with A4222 line-itemised, for a payer that pays "
        "A4222 outside the per diem",
        (
            _home(
                INFUSION_PHARMACY,
                SEPSIS,
                _per_diem("S9500", 10),
                LineSpec("A4222", day_offset=4),
                overrides={"payer": EXCEPTION_PAYER},
            ),
        ),
    ),
    CaseSpec(
        "H2_GENERIC_WITH_SPECIFIC",
        "Generic anti-infective per diem S9494 for ten days, and specific S9500 on claim 2 "
        "for days 8 to 10",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9494", 10)),
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 3), day_offset=7),
        ),
        expected=(_alert("hit_generic_and_specific_per_diem"),),
    ),
    CaseSpec(
        "H_NM_GENERIC_THEN_SPECIFIC",
        "Generic S9494 for days 1 to 5, then specific S9500 for days 6 to 10: no day is "
        "billed twice",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9494", 5)),
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 5), day_offset=5),
        ),
    ),
    CaseSpec(
        "H3_SAME_THERAPY_TWO_PROVIDERS",
        "Antibiotic per diem S9500 for ten days from one pharmacy, and S9500 for days 4 to 7 "
        "from a second pharmacy",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 10)),
            _home(SECOND_INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 4), day_offset=3),
        ),
        expected=(_alert("hit_duplicate_per_diem_same_day", claim=1),),
    ),
    CaseSpec(
        "H_NM_HANDOFF_TO_SECOND_PHARMACY",
        "Antibiotic per diem S9500 for days 1 to 5 from one pharmacy, then days 6 to 10 from "
        "a second pharmacy",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 5)),
            _home(SECOND_INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 5), day_offset=5),
        ),
    ),
    CaseSpec(
        "H4_CONCURRENT_WITHOUT_SH",
        "Antibiotic per diem S9500 and corticosteroid per diem S9490 for the same seven "
        "days, neither with SH",
        (
            _home(
                INFUSION_PHARMACY,
                SEPSIS + CROHN,
                _per_diem("S9500", 7),
                _per_diem("S9490", 7),
            ),
        ),
        expected=(_alert("hit_concurrent_therapy_without_modifier"),),
    ),
    CaseSpec(
        "H_NM_CONCURRENT_WITH_SH",
        "Antibiotic per diem S9500 and corticosteroid per diem S9490 with SH for the same "
        "seven days",
        (
            _home(
                INFUSION_PHARMACY,
                SEPSIS + CROHN,
                _per_diem("S9500", 7),
                _per_diem("S9490", 7, modifiers=("SH",)),
            ),
        ),
    ),
    CaseSpec(
        "H5_UNITS_EXCEED_DAYS",
        "Antibiotic per diem S9500 spanning seven days billed with 10 units",
        (_home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 7, units="10")),),
        expected=(_alert("hit_units_exceed_days"),),
    ),
    CaseSpec(
        "H_NM_UNITS_EQUAL_DAYS",
        "Antibiotic per diem S9500 spanning seven days billed with 7 units",
        (_home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 7)),),
    ),
    CaseSpec(
        "H6_PER_DIEM_DURING_STAY",
        "Inpatient stay from day 4 to day 8 while the ten-day antibiotic per diem S9500 "
        "runs on: days 5 to 7 lie inside the stay",
        (
            _inpatient_stay(day_offset=3, stay_days=4),
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 10)),
        ),
        expected=(_alert("hit_per_diem_during_inpatient_stay", claim=1),),
    ),
    CaseSpec(
        "H_NM_PER_DIEM_ON_ADMISSION_AND_DISCHARGE_DAYS",
        "Antibiotic per diem S9500 ends on the admission day and resumes on the discharge "
        "day, which the default 'exclusive' stay-day rule does not count",
        (
            _inpatient_stay(day_offset=3, stay_days=4),
            _home(
                INFUSION_PHARMACY,
                SEPSIS,
                _per_diem("S9500", 4),
                _per_diem("S9500", 4, day_offset=7),
            ),
        ),
    ),
    CaseSpec(
        "H7_S9810_WITH_PER_DIEM",
        "Hydration per diem S9373 for five days and hourly pharmacy services S9810 (2 hours) "
        "on day 3",
        (
            _home(INFUSION_PHARMACY, DEHYDRATION, _per_diem("S9373", 5)),
            _home(INFUSION_PHARMACY, DEHYDRATION, LineSpec("S9810", units="2"), day_offset=2),
        ),
        expected=(_alert("hit_s9810_with_per_diem", claim=1),),
    ),
    CaseSpec(
        "H_NM_S9810_AFTER_PER_DIEM",
        "Hydration per diem S9373 for five days and S9810 on the day after it ends",
        (
            _home(INFUSION_PHARMACY, DEHYDRATION, _per_diem("S9373", 5)),
            _home(INFUSION_PHARMACY, DEHYDRATION, LineSpec("S9810", units="2"), day_offset=5),
        ),
    ),
)


NURSING_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "H8_99602_WITHOUT_99601",
        "Added home infusion hour 99602 with no 99601 visit that day",
        (_home(NURSING_AGENCY, CROHN, LineSpec("99602")),),
        expected=(_alert("hit_99602_without_99601"),),
    ),
    CaseSpec(
        "H_NM_99601_WITH_99602",
        "Home infusion visit 99601 with an added hour 99602 from the same agency",
        (_home(NURSING_AGENCY, CROHN, LineSpec("99601"), LineSpec("99602")),),
    ),
    CaseSpec(
        "H9_HOURLY_NURSING_ON_VISIT_DAY",
        "Home infusion visit 99601, and a second agency bills 3 hours of RN nursing S9123 "
        "the same day",
        (
            _home(NURSING_AGENCY, CROHN, LineSpec("99601")),
            _home(SECOND_NURSING_AGENCY, CROHN, LineSpec("S9123", units="3")),
        ),
        expected=(_alert("hit_hourly_nursing_with_99601", claim=1),),
    ),
    CaseSpec(
        "H_NM_HOURLY_NURSING_NEXT_DAY",
        "Home infusion visit 99601, and 3 hours of LPN nursing S9124 the next day",
        (
            _home(NURSING_AGENCY, CROHN, LineSpec("99601")),
            _home(SECOND_NURSING_AGENCY, CROHN, LineSpec("S9124", units="3"), day_offset=1),
        ),
    ),
)


MEDICARE_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "H10_INITIAL_VISIT_WITHIN_60_DAYS",
        "Medicare home infusion first visit G0088, a subsequent visit G0068 a week later, "
        "and G0088 again 60 days after that visit",
        (
            _home(HIT_SUPPLIER, SEPSIS, LineSpec("G0088", units="8")),
            _home(HIT_SUPPLIER, SEPSIS, LineSpec("G0068", units="4"), day_offset=7),
            _home(HIT_SUPPLIER, SEPSIS, LineSpec("G0088", units="8"), day_offset=67),
        ),
        expected=(_alert("hit_medicare_initial_visit_within_60_days", claim=2),),
        plan=MEDICARE_PLAN,
    ),
    CaseSpec(
        "H_NM_INITIAL_VISIT_ON_DAY_61",
        "Medicare home infusion first visit G0088, then G0088 again 61 days later",
        (
            _home(HIT_SUPPLIER, SEPSIS, LineSpec("G0088", units="8")),
            _home(HIT_SUPPLIER, SEPSIS, LineSpec("G0088", units="8"), day_offset=61),
        ),
        plan=MEDICARE_PLAN,
    ),
    CaseSpec(
        "H11_TWO_VISITS_ONE_CATEGORY_DAY",
        "Two suppliers each bill a category 1 home infusion visit G0068 for the same day",
        (
            _home(HIT_SUPPLIER, SEPSIS, LineSpec("G0068", units="4")),
            _home(SECOND_HIT_SUPPLIER, SEPSIS, LineSpec("G0068", units="4")),
        ),
        expected=(_alert("hit_medicare_multiple_payments_same_day", claim=1),),
        plan=MEDICARE_PLAN,
    ),
    CaseSpec(
        "H_NM_TWO_CATEGORIES_ONE_DAY",
        "First visits of two payment categories on one day: G0088 (category 1) and G0090 "
        "(category 3)",
        (
            _home(
                HIT_SUPPLIER,
                SEPSIS + COLON_CANCER,
                LineSpec("G0088", units="8"),
                LineSpec("G0090", units="8"),
            ),
        ),
        plan=MEDICARE_PLAN,
    ),
)


OFFICE_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "H12_OFFICE_INFUSION_DURING_PER_DIEM",
        "Ten-day antibiotic per diem S9500, and an office infusion 96365 of ceftriaxone "
        "J0696 on day 5",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 10)),
            _office(INFUSION_CLINIC, SEPSIS, LineSpec("96365"), CEFTRIAXONE, day_offset=4),
        ),
        expected=(_alert("hit_office_infusion_during_per_diem", claim=1),),
    ),
    CaseSpec(
        "H_NM_OFFICE_INFUSION_AFTER_PER_DIEM",
        "Ten-day antibiotic per diem S9500, and an office infusion 96365 of ceftriaxone on "
        "the day after it ends",
        (
            _home(INFUSION_PHARMACY, SEPSIS, _per_diem("S9500", 10)),
            _office(INFUSION_CLINIC, SEPSIS, LineSpec("96365"), CEFTRIAXONE, day_offset=10),
        ),
    ),
)

CASES: tuple[CaseSpec, ...] = PER_DIEM_CASES + NURSING_CASES + MEDICARE_CASES + OFFICE_CASES


def build_cases(rng: np.random.Generator, ids: IdAllocator) -> list[PlantedCase]:
    """Build the planted home-infusion cases with new persons, claims and providers."""
    return build_case_specs(CASES, rng, ids)
