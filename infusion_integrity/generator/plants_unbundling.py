"""Planted cases for the infusion_unbundling rule.

Each hit case has its own person and claims and lists the alerts the rule must raise,
one per reason code. Near misses (case ids with ``_NM_``) look like hits but are billed
correctly or never reach the rules (a resent duplicate, a voided claim), so they must
raise nothing. All diagnoses lie outside mental health (Crohn disease K50.90, colon
cancer C18.9, nausea R11.2, iron deficiency anemia D50.9, low back pain M54.50) and no
case bills a home-infusion code or place of service 12, so the other rules stay quiet.
Professional claims use place of service 11 unless a case sets another.
"""

from typing import Any

import numpy as np

from infusion_integrity.generator.cases import (
    INSTITUTIONAL,
    PROFESSIONAL,
    CaseSpec,
    ClaimSpec,
    ExpectedAlertSpec,
    LineSpec,
    PlantedCase,
    build_cases as build_case_specs,
)
from infusion_integrity.generator.columns import LAST_RESEND_SERVICE_DATE
from infusion_integrity.generator.ids import IdAllocator

UNBUNDLING_RULE = "infusion_unbundling"

# Providers, by role. Each role gets one billing NPI and one rendering NPI.
INFUSION_CENTER = "unbundling infusion center"
SECOND_INFUSION_CENTER = "unbundling second infusion center"
FAMILY_PRACTICE = "unbundling family practice"
HOSPITAL = "unbundling hospital"
SECOND_HOSPITAL = "unbundling second hospital"

CROHN = ("K50.90",)
COLON_CANCER = ("C18.9",)
NAUSEA = ("R11.2",)
IRON_DEFICIENCY = ("D50.9",)
BACK_PAIN = ("M54.50",)

# Drug lines of professional claims that go with the administrations, in HCPCS billing
# units: infliximab 10 mg (J1745), ondansetron 1 mg (J2405), iron sucrose 1 mg (J1756) and
# triamcinolone 10 mg (J3301). Hospital claims also bill bevacizumab 10 mg (J9035).
INFLIXIMAB = LineSpec("J1745", units="40")
ONDANSETRON = LineSpec("J2405", units="4")
IRON_SUCROSE = LineSpec("J1756", units="100")
TRIAMCINOLONE = LineSpec("J3301", units="4")

# Institutional lines carry revenue codes: 0260 IV therapy, 0636 drugs with detailed coding.
IV_THERAPY = "0260"
DETAILED_DRUG = "0636"

# Modifiers go in the five modifier columns in order; an empty string leaves a column empty.
THIRD_COLUMN_XU = ("", "", "XU")


def _professional(
    provider: str, diagnoses: tuple[str, ...], *lines: LineSpec, **options: Any
) -> ClaimSpec:
    """Build a professional claim, an original (frequency 1) unless ``options`` sets another."""
    options = {"frequency": "1", **options}
    return ClaimSpec(PROFESSIONAL, provider, diagnoses, lines, **options)


def _outpatient(
    provider: str, diagnoses: tuple[str, ...], *lines: LineSpec, **options: Any
) -> ClaimSpec:
    """Build a hospital outpatient claim (bill type 131)."""
    return ClaimSpec(INSTITUTIONAL, provider, diagnoses, lines, **options)


def _facility_line(hcpcs: str, **options: Any) -> LineSpec:
    revenue = DETAILED_DRUG if hcpcs.startswith("J") else IV_THERAPY
    return LineSpec(hcpcs, revenue=revenue, **options)


def _alert(reason_code: str, claim: int = 0) -> ExpectedAlertSpec:
    return ExpectedAlertSpec(UNBUNDLING_RULE, reason_code, claim)


HIT_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "U1_SECOND_INITIAL",
        "Infliximab infusion 96365 and IV push 96374 on one office claim without a "
        "distinct-service modifier: the lower-paid 96374 is a second initial service",
        (_professional(INFUSION_CENTER, CROHN, LineSpec("96365"), LineSpec("96374"), INFLIXIMAB),),
        expected=(_alert("unb_multiple_initial_services"),),
    ),
    CaseSpec(
        "U1_SECOND_INITIAL_FACILITY",
        "Hospital outpatient claim with push 96374 on line 1 and chemotherapy infusion 96413 "
        "on line 2: the facility hierarchy keeps 96413, so 96374 is a second initial service",
        (
            _outpatient(
                HOSPITAL,
                COLON_CANCER,
                _facility_line("96374"),
                _facility_line("96413"),
                _facility_line("J9035", units="10"),
            ),
        ),
        expected=(_alert("unb_multiple_initial_services"),),
    ),
    CaseSpec(
        "U2_ADDON_WITHOUT_PRIMARY",
        "Extra infusion hour 96366 with infliximab and no initial infusion 96365",
        (_professional(INFUSION_CENTER, CROHN, LineSpec("96366"), INFLIXIMAB),),
        expected=(_alert("unb_addon_without_primary"),),
    ),
    CaseSpec(
        "U3_CONCURRENT_HYDRATION",
        "Hydration 96361 without a modifier beside the infliximab infusion 96365",
        (
            _professional(
                INFUSION_CENTER, CROHN, LineSpec("96365"), LineSpec("96361"), INFLIXIMAB
            ),
        ),
        expected=(_alert("unb_concurrent_hydration"),),
    ),
    CaseSpec(
        "U4_FACILITY_HYDRATION_INITIAL",
        "Hospital outpatient claim reports hydration 96360 (with XU) as initial beside the "
        "infliximab infusion 96365, which ranks first in the facility hierarchy",
        (
            _outpatient(
                HOSPITAL,
                CROHN,
                _facility_line("96365"),
                _facility_line("96360", modifiers=("XU",)),
                _facility_line("J1745", units="40"),
            ),
        ),
        expected=(_alert("unb_facility_hydration_as_initial"),),
    ),
    CaseSpec(
        "U5_VASCULAR_ACCESS",
        "Catheter placement 36000 billed with the iron sucrose infusion 96365",
        (
            _professional(
                INFUSION_CENTER,
                IRON_DEFICIENCY,
                LineSpec("96365"),
                LineSpec("36000"),
                IRON_SUCROSE,
            ),
        ),
        expected=(_alert("unb_vascular_access_with_admin"),),
    ),
    CaseSpec(
        "U6_99211_WITH_INJECTION",
        "Minimal visit 99211 with modifier 25 and an ondansetron IM injection 96372",
        (
            _professional(
                FAMILY_PRACTICE,
                NAUSEA,
                LineSpec("99211", modifiers=("25",)),
                LineSpec("96372"),
                ONDANSETRON,
            ),
        ),
        expected=(_alert("unb_99211_with_admin"),),
    ),
    CaseSpec(
        "U6_VISIT_WITHOUT_25",
        "Office visit 99213 without modifier 25 and a triamcinolone injection 96372",
        (
            _professional(
                FAMILY_PRACTICE, BACK_PAIN, LineSpec("99213"), LineSpec("96372"), TRIAMCINOLONE
            ),
        ),
        expected=(_alert("unb_em_without_modifier_25"),),
    ),
    CaseSpec(
        "U7_CONCURRENT_INFUSION_TWICE",
        "Concurrent infusion 96368 billed with 2 units beside 96365; CPT allows it once per "
        "encounter",
        (
            _professional(
                INFUSION_CENTER,
                CROHN,
                LineSpec("96365"),
                LineSpec("96368", units="2"),
                INFLIXIMAB,
            ),
        ),
        expected=(_alert("unb_once_per_encounter_exceeded"),),
    ),
    CaseSpec(
        "U8_UNITS_OVER_DATE_LIMIT",
        "One hospital bills 96365 + 96368 on two outpatient claims for the same person and "
        "day: each claim is its own encounter, but the date-of-service limit of one 96368 "
        "adds both claims, so the later claim's 96368 is over the limit",
        (
            _outpatient(
                HOSPITAL,
                CROHN,
                _facility_line("96365"),
                _facility_line("96368"),
                _facility_line("J1745", units="40"),
            ),
            _outpatient(
                HOSPITAL,
                CROHN,
                _facility_line("96365"),
                _facility_line("96368"),
                _facility_line("J1745", units="20"),
            ),
        ),
        expected=(_alert("unb_units_over_mue", claim=1),),
    ),
    CaseSpec(
        "U9_FACILITY_ONLY_CODE",
        "Repeat push of the same drug 96376 on an office claim after push 96374",
        (
            _professional(
                INFUSION_CENTER, NAUSEA, LineSpec("96374"), LineSpec("96376"), ONDANSETRON
            ),
        ),
        expected=(_alert("unb_facility_only_code_on_professional"),),
    ),
    CaseSpec(
        "U10_FACILITY_SETTING",
        "Physician claim bills the infliximab infusion 96365 at place of service 22 "
        "(on-campus outpatient hospital), which the hospital reports",
        (
            _professional(
                INFUSION_CENTER,
                CROHN,
                LineSpec("96365"),
                INFLIXIMAB,
                place_of_service="22",
            ),
        ),
        expected=(_alert("unb_admin_in_facility_setting_professional"),),
    ),
    CaseSpec(
        "U11_PTP_INDICATOR_0",
        "Port irrigation 96523 (with 59) beside a blood draw from the same port 36591: the "
        "curated edit has indicator 0, which no modifier bypasses",
        (
            _professional(
                INFUSION_CENTER,
                COLON_CANCER,
                LineSpec("36591"),
                LineSpec("96523", modifiers=("59",)),
            ),
        ),
        expected=(_alert("unb_ptp_indicator_0"),),
    ),
    CaseSpec(
        "U12_PTP_INDICATOR_1",
        "Hydration 96361 without a modifier after the ondansetron push 96374: the curated "
        "edit has indicator 1 and the column-2 line carries no distinct-service modifier",
        (
            _professional(
                INFUSION_CENTER, NAUSEA, LineSpec("96374"), LineSpec("96361"), ONDANSETRON
            ),
        ),
        expected=(_alert("unb_ptp_indicator_1_no_modifier"),),
    ),
)

NEAR_MISS_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "U_NM_BYPASS_THIRD_COLUMN",
        "96365 and 96374 with XU in the third modifier column: a separate IV site",
        (
            _professional(
                INFUSION_CENTER,
                CROHN,
                LineSpec("96365"),
                LineSpec("96374", modifiers=THIRD_COLUMN_XU),
                INFLIXIMAB,
            ),
        ),
    ),
    CaseSpec(
        "U_NM_GLUED_MODIFIER",
        "96365 and 96374 with modifier 59 glued to the code ('96374-59')",
        (
            _professional(
                INFUSION_CENTER, CROHN, LineSpec("96365"), LineSpec("96374-59"), INFLIXIMAB
            ),
        ),
    ),
    CaseSpec(
        "U_NM_TWO_BILLING_NPIS",
        "Two infusion centers each bill one push 96374 for the person on the same day: two "
        "encounters, one initial service each",
        (
            _professional(INFUSION_CENTER, NAUSEA, LineSpec("96374"), ONDANSETRON),
            _professional(SECOND_INFUSION_CENTER, NAUSEA, LineSpec("96374"), ONDANSETRON),
        ),
    ),
    CaseSpec(
        "U_NM_RESENT_DUPLICATE",
        "A single push 96374 whose lines the resend file repeats: one initial service",
        (_professional(INFUSION_CENTER, NAUSEA, LineSpec("96374"), ONDANSETRON, resend=True),),
        latest=LAST_RESEND_SERVICE_DATE,
    ),
    CaseSpec(
        "U_NM_VOIDED_TWO_INITIALS",
        "A claim with 96365 and 96374 without modifiers, voided by a frequency-8 claim",
        (
            _professional(
                INFUSION_CENTER, CROHN, LineSpec("96365"), LineSpec("96374"), INFLIXIMAB
            ),
            _professional(
                INFUSION_CENTER,
                CROHN,
                LineSpec("96365"),
                LineSpec("96374"),
                INFLIXIMAB,
                frequency="8",
                version_of=0,
                paid_delay_days=40,
            ),
        ),
    ),
    CaseSpec(
        "U_NM_VISIT_WITH_25",
        "Office visit 99213 with modifier 25 and a triamcinolone injection 96372",
        (
            _professional(
                FAMILY_PRACTICE,
                BACK_PAIN,
                LineSpec("99213", modifiers=("25",)),
                LineSpec("96372"),
                TRIAMCINOLONE,
            ),
        ),
    ),
    CaseSpec(
        "U_NM_SEQUENTIAL_HYDRATION_XU",
        "Hydration 96361 with XU after the infliximab infusion 96365: sequential hydration",
        (
            _professional(
                INFUSION_CENTER,
                CROHN,
                LineSpec("96365"),
                LineSpec("96361", modifiers=("XU",)),
                INFLIXIMAB,
            ),
        ),
    ),
    CaseSpec(
        "U_NM_PUSH_HYDRATION_59",
        "Hydration 96361 with 59 in the second modifier column after the push 96374",
        (
            _professional(
                INFUSION_CENTER,
                NAUSEA,
                LineSpec("96374"),
                LineSpec("96361", modifiers=("", "59")),
                ONDANSETRON,
            ),
        ),
    ),
    CaseSpec(
        "U_NM_FACILITY_REPEAT_PUSH",
        "Repeat push 96376 after 96374 on a hospital outpatient claim, where it belongs",
        (
            _outpatient(
                HOSPITAL,
                NAUSEA,
                _facility_line("96374"),
                _facility_line("96376"),
                _facility_line("J2405", units="4"),
            ),
        ),
    ),
    CaseSpec(
        "U_NM_TWO_HOSPITALS_SAME_DAY",
        "Two hospitals each bill 96365 + 96368 for the person on the same day: the "
        "date-of-service limit counts each provider on its own",
        (
            _outpatient(
                HOSPITAL,
                CROHN,
                _facility_line("96365"),
                _facility_line("96368"),
                _facility_line("J1745", units="40"),
            ),
            _outpatient(
                SECOND_HOSPITAL,
                CROHN,
                _facility_line("96365"),
                _facility_line("96368"),
                _facility_line("J1745", units="20"),
            ),
        ),
    ),
    CaseSpec(
        "U_NM_PORT_DRAW_AND_FLUSH_ON_TWO_DAYS",
        "Blood draw from a port 36591 one day and port irrigation 96523 the next day",
        (
            _professional(INFUSION_CENTER, COLON_CANCER, LineSpec("36591")),
            _professional(INFUSION_CENTER, COLON_CANCER, LineSpec("96523"), day_offset=1),
        ),
    ),
    CaseSpec(
        "U_NM_ADDON_PRIMARY_ON_OTHER_CLAIM",
        "Infusion 96365 on one claim and its extra hour 96366 on a second claim of the same "
        "infusion center and day: one encounter, so the add-on has its primary",
        (
            _professional(INFUSION_CENTER, CROHN, LineSpec("96365"), INFLIXIMAB),
            _professional(INFUSION_CENTER, CROHN, LineSpec("96366")),
        ),
    ),
)

CASES: tuple[CaseSpec, ...] = HIT_CASES + NEAR_MISS_CASES


def build_cases(rng: np.random.Generator, ids: IdAllocator) -> list[PlantedCase]:
    """Build the planted unbundling cases with new persons, claims and providers."""
    return build_case_specs(CASES, rng, ids)
