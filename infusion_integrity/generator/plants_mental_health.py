"""Planted cases for the mental-health rules: ketamine and IV infusion therapy.

Each hit case has its own person and claims and lists the alerts that the rules
``ketamine_infusion_mental_health`` and ``iv_infusion_mental_health`` must raise. Near
misses (case ids with ``_NM_``) look like hits but fall under an exclusion, so they must
raise nothing. Every case bills one initial administration code per encounter, add-on
codes only with their primary, no E/M visit and no vascular access code, so that the
unbundling rules stay quiet. Professional claims use place of service 11.
"""

from datetime import date
from typing import Any

import numpy as np

from infusion_integrity.generator.cases import (
    INPATIENT_BILL_TYPE,
    INSTITUTIONAL,
    IV_MENTAL_HEALTH_RULE,
    KETAMINE_RULE,
    MEDICARE_PLAN,
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

# Providers, by role. Each role gets one billing NPI and one rendering NPI.
KETAMINE_CLINIC = "ketamine clinic"
WELLNESS_CLINIC = "iv wellness clinic"
PSYCHIATRY = "psychiatry practice"
ANESTHESIA = "anesthesia group"
HOSPITAL = "hospital"

# Ketamine NDCs of the labelers Mylan Institutional (67457), Hospira (0409) and Par
# (42023), as NDC11 67457010810, 00409205301 and 42023011510. They are written in shapes
# that claim feeds use: 5-3-2 and 4-4-2 with hyphens, the N4 qualifier of paper claims
# with a unit suffix, and plain 11 digits.
MYLAN_KETAMINE_NDC = "67457-108-10"
HOSPIRA_KETAMINE_NDC_N4 = "N400409205301 ML2"
HOSPIRA_KETAMINE_NDC_4_4_2 = "0409-2053-01"
PAR_KETAMINE_NDC = "42023011510"
KETAMINE_DESCRIPTION = "ketamine hcl 50 mg/ml"

# Unclassified drug code on which racemic ketamine is billed, since it has no HCPCS code.
UNCLASSIFIED_DRUG = "J3490"
VITAMIN_B12 = "J3420"

ESKETAMINE_S_CODE_LAST_DAY = date(2025, 12, 31)
ESKETAMINE_J_CODE_FIRST_DAY = date(2026, 1, 1)

PRIMARY = (1,)


def _ketamine_line(
    ndc: str = MYLAN_KETAMINE_NDC,
    description: str = "",
    pointers: tuple[int, ...] = (),
    revenue: str = "",
) -> LineSpec:
    """Build a J3490 ketamine drug line of 1 unit. The NDC quantity is the volume in mL."""
    return LineSpec(
        UNCLASSIFIED_DRUG,
        revenue=revenue,
        ndc=ndc,
        ndc_quantity="1" if ndc else "",
        drug_description=description,
        pointers=pointers,
    )


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


def _inpatient(diagnoses: tuple[str, ...], *lines: LineSpec) -> ClaimSpec:
    """Build a two-day inpatient stay (bill type 111) that starts with a semi-private room line."""
    room = LineSpec(revenue="0120", units="2", span_days=1)
    return _institutional(
        HOSPITAL, diagnoses, room, *lines, bill_type=INPATIENT_BILL_TYPE, stay_days=2
    )


def _k1_like_claim(**options: Any) -> ClaimSpec:
    """Build K1's claim: a 2-hour ketamine infusion with F33.2 pointed on every line."""
    return _professional(
        KETAMINE_CLINIC,
        ("F33.2", "I10"),
        LineSpec("96365", pointers=PRIMARY),
        LineSpec("96366", pointers=PRIMARY),
        _ketamine_line(pointers=PRIMARY),
        **options,
    )


def _ketamine_infusion(diagnoses: tuple[str, ...], pointers: tuple[int, ...]) -> ClaimSpec:
    return _professional(
        KETAMINE_CLINIC,
        diagnoses,
        LineSpec("96365", pointers=pointers),
        _ketamine_line(description=KETAMINE_DESCRIPTION, pointers=pointers),
    )


def _ketamine(reason_code: str, claim: int = 0) -> ExpectedAlertSpec:
    return ExpectedAlertSpec(KETAMINE_RULE, reason_code, claim)


def _iv(reason_code: str, claim: int = 0) -> ExpectedAlertSpec:
    return ExpectedAlertSpec(IV_MENTAL_HEALTH_RULE, reason_code, claim)


KETAMINE_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "K1",
        "Ketamine IV infusion (96365, 96366, J3490 with NDC 67457-108-10) with F33.2 "
        "pointed as primary diagnosis",
        (_k1_like_claim(),),
        expected=(_ketamine("ketamine_mh_dx_primary"),),
    ),
    CaseSpec(
        "K2",
        "Ketamine IM injection (96372, J3490 without NDC, ketamine named in the drug "
        "description) with F43.10 as first header diagnosis and no pointers",
        (
            _professional(
                KETAMINE_CLINIC,
                ("F43.10",),
                LineSpec("96372"),
                _ketamine_line(ndc="", description="Ketamine HCl 50mg/mL"),
            ),
        ),
        expected=(_ketamine("ketamine_mh_dx_primary"),),
    ),
    CaseSpec(
        "K3",
        "Ketamine IV push (96374, J3490 with N4-qualified NDC) with F32.9 as third header "
        "diagnosis and no pointers",
        (
            _professional(
                KETAMINE_CLINIC,
                ("I10", "E78.5", "F32.9"),
                LineSpec("96374"),
                LineSpec(
                    UNCLASSIFIED_DRUG, ndc=HOSPIRA_KETAMINE_NDC_N4, ndc_quantity="2"
                ),
            ),
        ),
        expected=(_ketamine("ketamine_mh_dx_secondary"),),
    ),
    CaseSpec(
        "K4",
        "Hospital outpatient ketamine infusion (bill type 131, revenue 0260 96365, "
        "revenue 0636 J3490 with NDC 42023011510) with principal diagnosis written f33.1",
        (
            _institutional(
                HOSPITAL,
                ("f33.1",),
                LineSpec("96365", revenue="0260"),
                _ketamine_line(ndc=PAR_KETAMINE_NDC, revenue="0636"),
            ),
        ),
        expected=(_ketamine("ketamine_mh_dx_primary"),),
    ),
    CaseSpec(
        "K5",
        "IV infusion (96365) with J3490 that has neither NDC nor description, F41.1 pointed",
        (
            _professional(
                KETAMINE_CLINIC,
                ("F41.1",),
                LineSpec("96365", pointers=PRIMARY),
                LineSpec(UNCLASSIFIED_DRUG, pointers=PRIMARY),
            ),
        ),
        expected=(
            _ketamine("ketamine_noc_drug_not_identified"),
            _iv("iv_noc_drug_unidentified"),
        ),
    ),
    CaseSpec(
        "K6_DUPLICATE",
        "K1-like ketamine infusion whose lines the resend file repeats. It must raise "
        "exactly one alert",
        (_k1_like_claim(resend=True),),
        expected=(_ketamine("ketamine_mh_dx_primary"),),
        latest=LAST_RESEND_SERVICE_DATE,
    ),
    CaseSpec(
        "K_NM_ANESTHESIA",
        "Ketamine with 96365 and anesthesia 00170 on the same claim, F33.1 pointed: "
        "anesthesia use is excluded",
        (
            _professional(
                ANESTHESIA,
                ("F33.1",),
                LineSpec("00170", pointers=PRIMARY),
                LineSpec("96365", pointers=PRIMARY),
                _ketamine_line(description=KETAMINE_DESCRIPTION, pointers=PRIMARY),
            ),
        ),
    ),
    CaseSpec(
        "K_NM_ECT",
        "Ketamine as the anesthetic of electroconvulsive therapy (90870 with anesthesia "
        "00104), F33.2 pointed",
        (
            _professional(
                PSYCHIATRY,
                ("F33.2",),
                LineSpec("90870", pointers=PRIMARY),
                LineSpec("00104", pointers=PRIMARY),
                _ketamine_line(ndc=HOSPIRA_KETAMINE_NDC_4_4_2, pointers=PRIMARY),
            ),
        ),
    ),
    CaseSpec(
        "K_NM_ESKETAMINE_G2082",
        "Esketamine office visit G2082 (up to 56 mg) with F33.2",
        (_professional(PSYCHIATRY, ("F33.2",), LineSpec("G2082", pointers=PRIMARY)),),
        plan=MEDICARE_PLAN,
    ),
    CaseSpec(
        "K_NM_ESKETAMINE_G2083",
        "Esketamine office visit G2083 (more than 56 mg) with F33.2",
        (_professional(PSYCHIATRY, ("F33.2",), LineSpec("G2083", pointers=PRIMARY)),),
        plan=MEDICARE_PLAN,
    ),
    CaseSpec(
        "K_NM_ESKETAMINE_S0013",
        "Esketamine nasal spray S0013, 84 mg, in 2025 with F33.2",
        (_professional(PSYCHIATRY, ("F33.2",), LineSpec("S0013", units="84", pointers=PRIMARY)),),
        latest=ESKETAMINE_S_CODE_LAST_DAY,
    ),
    CaseSpec(
        "K_NM_ESKETAMINE_J0013",
        "Esketamine nasal spray J0013, 84 mg, in 2026 (J0013 replaced S0013 on 2026-01-01) "
        "with F33.2",
        (_professional(PSYCHIATRY, ("F33.2",), LineSpec("J0013", units="84", pointers=PRIMARY)),),
        earliest=ESKETAMINE_J_CODE_FIRST_DAY,
    ),
    CaseSpec(
        "K_NM_EMERGENCY_ROOM",
        "Hospital emergency visit (bill type 131, revenue 0450) with ketamine J3490 and "
        "96365 on revenue 0260, principal F33.1",
        (
            _institutional(
                HOSPITAL,
                ("F33.1",),
                LineSpec("99284", revenue="0450"),
                LineSpec("96365", revenue="0260"),
                _ketamine_line(description=KETAMINE_DESCRIPTION, revenue="0636"),
            ),
        ),
    ),
    CaseSpec(
        "K_NM_INPATIENT",
        "Inpatient stay (bill type 111) with ketamine J3490 and 96365, principal F33.1",
        (
            _inpatient(
                ("F33.1",),
                LineSpec("96365", revenue="0260"),
                _ketamine_line(revenue="0250"),
            ),
        ),
    ),
    CaseSpec(
        "K_NM_NICOTINE_ONLY",
        "Ketamine infusion whose only diagnosis is nicotine dependence F17.210",
        (_ketamine_infusion(("F17.210",), PRIMARY),),
    ),
    CaseSpec(
        "K_NM_FIBROMYALGIA",
        "Ketamine infusion for fibromyalgia M79.7 only (pain, not mental health)",
        (_ketamine_infusion(("M79.7",), PRIMARY),),
    ),
    CaseSpec(
        "K_NM_MH_NOT_POINTED",
        "Ketamine infusion whose lines point to I10 only, with F33.1 as header diagnosis 2",
        (_ketamine_infusion(("I10", "F33.1"), PRIMARY),),
    ),
    CaseSpec(
        "K_NM_VOIDED",
        "K1-like ketamine infusion voided by a frequency-8 claim",
        (
            _k1_like_claim(),
            _k1_like_claim(frequency="8", version_of=0, paid_delay_days=40),
        ),
    ),
    CaseSpec(
        "K_NM_REPLACED_BY_PAIN_DX",
        "K1-like ketamine infusion replaced (frequency 7) by a version coded G89.29 only",
        (
            _k1_like_claim(),
            _professional(
                KETAMINE_CLINIC,
                ("G89.29",),
                LineSpec("96365", pointers=PRIMARY),
                LineSpec("96366", pointers=PRIMARY),
                _ketamine_line(pointers=PRIMARY),
                frequency="7",
                version_of=0,
                paid_delay_days=40,
            ),
        ),
    ),
)


IV_INFUSION_CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        "I1",
        "IV infusion 96365 with no drug line, F41.1 pointed",
        (_professional(WELLNESS_CLINIC, ("F41.1",), LineSpec("96365", pointers=PRIMARY)),),
        expected=(_iv("iv_no_medication"),),
    ),
    CaseSpec(
        "I2",
        "IV push 96374 with J3490 that has neither NDC nor description, F32.A first "
        "header diagnosis, no pointers",
        (
            _professional(
                WELLNESS_CLINIC, ("F32.A",), LineSpec("96374"), LineSpec(UNCLASSIFIED_DRUG)
            ),
        ),
        expected=(
            _iv("iv_noc_drug_unidentified"),
            _ketamine("ketamine_noc_drug_not_identified"),
        ),
    ),
    CaseSpec(
        "I3",
        "IV infusion 96365 of vitamin B12 (J3420) with F41.1 pointed",
        (
            _professional(
                WELLNESS_CLINIC,
                ("F41.1",),
                LineSpec("96365", pointers=PRIMARY),
                LineSpec(VITAMIN_B12, pointers=PRIMARY),
            ),
        ),
        expected=(_iv("iv_drug_not_indicated"),),
    ),
    CaseSpec(
        "I4",
        "Split billing: 96365 on one claim and vitamin B12 J3420 on a second claim from "
        "the same billing NPI on the same day, F33.1 on both. The alert is on the claim "
        "with the administration line",
        (
            _professional(WELLNESS_CLINIC, ("F33.1",), LineSpec("96365", pointers=PRIMARY)),
            _professional(WELLNESS_CLINIC, ("F33.1",), LineSpec(VITAMIN_B12, pointers=PRIMARY)),
        ),
        expected=(_iv("iv_drug_not_indicated", claim=0),),
    ),
    CaseSpec(
        "I5",
        "Hospital outpatient IV therapy (revenue 0260 without HCPCS) with principal F33.1 "
        "and no drug or pharmacy line",
        (_institutional(HOSPITAL, ("F33.1",), LineSpec(revenue="0260")),),
        expected=(_iv("iv_no_medication"),),
    ),
    CaseSpec(
        "I_NM_BREXANOLONE",
        "Brexanolone (J1632) for postpartum depression F53.0 with 96374",
        (
            _professional(
                PSYCHIATRY,
                ("F53.0",),
                LineSpec("96374", pointers=PRIMARY),
                LineSpec("J1632", units="20", pointers=PRIMARY),
            ),
        ),
        gender="female",
    ),
    CaseSpec(
        "I_NM_PALIPERIDONE",
        "Long-acting paliperidone injection (96372, J2426 234 mg) for schizophrenia F20.9",
        (
            _professional(
                PSYCHIATRY,
                ("F20.9",),
                LineSpec("96372", pointers=PRIMARY),
                LineSpec("J2426", units="234", pointers=PRIMARY),
            ),
        ),
    ),
    CaseSpec(
        "I_NM_HYDRATION_ALCOHOL_WITHDRAWAL",
        "Hydration 96360 with normal saline J7030 for alcohol withdrawal F10.239 with "
        "dehydration E86.0",
        (
            _professional(
                WELLNESS_CLINIC,
                ("F10.239", "E86.0"),
                LineSpec("96360", pointers=(1, 2)),
                LineSpec("J7030", pointers=(1, 2)),
            ),
        ),
    ),
    CaseSpec(
        "I_NM_DEMENTIA_NO_DRUG",
        "IV infusion 96365 with no drug line for dementia F03.90 only",
        (_professional(WELLNESS_CLINIC, ("F03.90",), LineSpec("96365", pointers=PRIMARY)),),
    ),
    CaseSpec(
        "I_NM_NICOTINE_NO_DRUG",
        "IV infusion 96365 with no drug line for nicotine dependence F17.210 only",
        (_professional(WELLNESS_CLINIC, ("F17.210",), LineSpec("96365", pointers=PRIMARY)),),
    ),
    CaseSpec(
        "I_NM_MH_SECONDARY_UNPOINTED",
        "IV infusion 96365 with no drug line, I10 first and F41.1 second header "
        "diagnosis, no pointers",
        (_professional(WELLNESS_CLINIC, ("I10", "F41.1"), LineSpec("96365")),),
    ),
    CaseSpec(
        "I_NM_INPATIENT_DEMENTIA",
        "Inpatient stay (bill type 111) with principal F03.90, IV therapy revenue 0260 "
        "without HCPCS and pharmacy revenue 0250 lines",
        (
            _inpatient(
                ("F03.90",),
                LineSpec(revenue="0260"),
                LineSpec(revenue="0250"),
                LineSpec(revenue="0250", day_offset=1),
            ),
        ),
    ),
    CaseSpec(
        "I_NM_PHARMACY_REVENUE",
        "Hospital outpatient IV therapy (revenue 0260 without HCPCS) with principal F33.1 "
        "and a pharmacy revenue 0250 line, which counts as medication",
        (
            _institutional(
                HOSPITAL, ("F33.1",), LineSpec(revenue="0260"), LineSpec(revenue="0250")
            ),
        ),
    ),
)

CASES: tuple[CaseSpec, ...] = KETAMINE_CASES + IV_INFUSION_CASES


def build_cases(rng: np.random.Generator, ids: IdAllocator) -> list[PlantedCase]:
    """Build the planted mental-health cases with new persons, claims and providers."""
    return build_case_specs(CASES, rng, ids)
