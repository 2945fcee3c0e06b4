"""Declarative claim cases and their conversion into claim lines and ground-truth rows.

A case module (planted alerts, messy data) lists ``CaseSpec`` records: which claims a
synthetic person has, which lines and diagnoses each claim carries, and which alerts the
rules must raise on them. ``build_cases`` turns the records into ``PlantedCase`` objects
with allocated ids, service dates and amounts. Each case module exposes
``build_cases(rng, ids) -> list[PlantedCase]``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from infusion_integrity.generator import codes
from infusion_integrity.generator.columns import (
    CLAIM_COLUMNS,
    DATA_SOURCE,
    DIAGNOSIS_CODE_TYPE,
    DIAGNOSIS_COLUMNS,
    MODIFIER_COLUMNS,
    PAYER,
    POINTER_COLUMNS,
    SERVICE_END,
    SERVICE_START,
)
from infusion_integrity.generator.ids import IdAllocator, Provider, member_id, person_id

PROFESSIONAL = "professional"
INSTITUTIONAL = "institutional"
OUTPATIENT_BILL_TYPE = "131"
INPATIENT_BILL_TYPE = "111"
OFFICE = "11"
TOTAL_REVENUE_CODE = "0001"

COMMERCIAL_PLAN = "commercial ppo"
MEDICARE_PLAN = "medicare advantage"

KETAMINE_RULE = "ketamine_infusion_mental_health"
IV_MENTAL_HEALTH_RULE = "iv_infusion_mental_health"


@dataclass(frozen=True)
class LineSpec:
    """One claim line. Empty strings are written as NULL."""

    hcpcs: str = ""
    units: str = "1"
    revenue: str = ""
    modifiers: tuple[str, ...] = ()
    ndc: str = ""
    ndc_quantity: str = ""
    drug_description: str = ""
    # 1-based positions into the claim's diagnoses (professional lines only).
    pointers: tuple[int, ...] = ()
    # Days from the claim's service date to the line's start, and the line's length.
    day_offset: int = 0
    span_days: int = 0
    # Raw column values written as given, after every generated value (messy data).
    overrides: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimSpec:
    """One claim of a case. Claims refer to each other by their index in the case."""

    claim_type: str
    provider: str
    diagnoses: tuple[str, ...]
    lines: tuple[LineSpec, ...]
    # None means the default of the claim type: POS 11 for professional claims, bill
    # type 131 for institutional ones.
    place_of_service: str | None = None
    bill_type: str | None = None
    frequency: str = ""
    # Index of the claim that this claim replaces, voids or adjusts (original_claim_id).
    version_of: int | None = None
    # Index of an earlier claim whose claim_id this claim reuses.
    claim_id_of: int | None = None
    # Index of the case's person who owns the claim.
    person: int = 0
    day_offset: int = 0
    stay_days: int = 0
    paid_delay_days: int = 21
    # Sign of every money value: -1 for a reversal.
    money_sign: int = 1
    # If True, every line carries the claim's total paid amount, as some institutional
    # feeds send it.
    paid_total_on_every_line: bool = False
    # If True, the resend file repeats the claim's lines.
    resend: bool = False
    # Raw header values written as given on every line (messy data).
    overrides: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExpectedAlertSpec:
    """An alert that a rule must raise on the claim at index ``claim`` of the case."""

    rule_id: str
    reason_code: str
    claim: int = 0


@dataclass(frozen=True)
class CaseSpec:
    """Claims of one or more new synthetic persons and the alerts they must raise."""

    case_id: str
    description: str
    claims: tuple[ClaimSpec, ...]
    # Empty for near misses and messy-data cases, which must raise no alert.
    expected: tuple[ExpectedAlertSpec, ...] = ()
    persons: int = 1
    plan: str = COMMERCIAL_PLAN
    gender: str | None = None
    # Window for every service day of the case: the first claim starts on or after
    # ``earliest`` and the last claim day falls on or before ``latest``.
    earliest: date = SERVICE_START
    latest: date = SERVICE_END


@dataclass(frozen=True)
class Member:
    person_id: str
    member_id: str
    plan: str
    gender: str
    birth_date: date


@dataclass(frozen=True)
class ClaimLine:
    """Column values of one claim line. The writer fills in file_name and ingest_datetime."""

    values: Mapping[str, str | None]
    service_month: tuple[int, int]
    resend: bool


@dataclass(frozen=True)
class ExpectedAlert:
    rule_id: str
    reason_code: str
    claim_id: str
    person_id: str


@dataclass(frozen=True)
class PlantedCase:
    """A materialised case: its members, claim lines and the alerts it must raise."""

    case_id: str
    description: str
    members: tuple[Member, ...]
    claim_ids: tuple[str, ...]
    lines: tuple[ClaimLine, ...]
    expected_alerts: tuple[ExpectedAlert, ...]

    @property
    def expects_alert(self) -> bool:
        return bool(self.expected_alerts)


def build_cases(
    specs: Sequence[CaseSpec], rng: np.random.Generator, ids: IdAllocator
) -> list[PlantedCase]:
    """Materialise case specs in order: allocate providers by role, then each case."""
    providers: dict[str, Provider] = {}
    for spec in specs:
        for claim in spec.claims:
            if claim.provider not in providers:
                providers[claim.provider] = ids.new_provider()
    return [_build_case(spec, rng, ids, providers) for spec in specs]


def _build_case(
    spec: CaseSpec,
    rng: np.random.Generator,
    ids: IdAllocator,
    providers: Mapping[str, Provider],
) -> PlantedCase:
    members = tuple(_new_member(spec, rng, ids) for _ in range(spec.persons))
    service_date = _pick_service_date(spec, rng)

    claim_ids: list[str] = []
    for claim in spec.claims:
        if claim.claim_id_of is None:
            claim_ids.append(ids.new_claim_id())
        else:
            claim_ids.append(claim_ids[claim.claim_id_of])

    lines: list[ClaimLine] = []
    for index, claim in enumerate(spec.claims):
        original_claim_id = None if claim.version_of is None else claim_ids[claim.version_of]
        lines.extend(
            _claim_lines(
                claim,
                claim_id=claim_ids[index],
                member=members[claim.person],
                provider=providers[claim.provider],
                service_date=service_date + timedelta(days=claim.day_offset),
                original_claim_id=original_claim_id,
            )
        )

    expected_alerts = tuple(
        ExpectedAlert(
            rule_id=expected.rule_id,
            reason_code=expected.reason_code,
            claim_id=claim_ids[expected.claim],
            person_id=members[spec.claims[expected.claim].person].person_id,
        )
        for expected in spec.expected
    )
    return PlantedCase(
        case_id=spec.case_id,
        description=spec.description,
        members=members,
        claim_ids=tuple(dict.fromkeys(claim_ids)),
        lines=tuple(lines),
        expected_alerts=expected_alerts,
    )


def _new_member(spec: CaseSpec, rng: np.random.Generator, ids: IdAllocator) -> Member:
    number = ids.new_person_number()
    gender = spec.gender or str(rng.choice(["female", "male"]))
    # Medicare Advantage members are 65 or older during the service year.
    first_year, last_year = (1940, 1959) if spec.plan == MEDICARE_PLAN else (1960, 2004)
    first_day = date(first_year, 1, 1).toordinal()
    last_day = date(last_year, 12, 31).toordinal()
    birth_date = date.fromordinal(int(rng.integers(first_day, last_day + 1)))
    return Member(
        person_id=person_id(number),
        member_id=member_id(number),
        plan=spec.plan,
        gender=gender,
        birth_date=birth_date,
    )


def _pick_service_date(spec: CaseSpec, rng: np.random.Generator) -> date:
    extent_days = max(
        claim.day_offset
        + max(claim.stay_days, max(line.day_offset + line.span_days for line in claim.lines))
        for claim in spec.claims
    )
    earliest = max(spec.earliest, SERVICE_START)
    latest = min(spec.latest, SERVICE_END) - timedelta(days=extent_days)
    if latest < earliest:
        raise ValueError(
            f"case {spec.case_id}: no service date fits between {earliest} and {latest}. "
            "Widen the case's date window or shorten its claim offsets."
        )
    return date.fromordinal(int(rng.integers(earliest.toordinal(), latest.toordinal() + 1)))


def _claim_lines(
    claim: ClaimSpec,
    *,
    claim_id: str,
    member: Member,
    provider: Provider,
    service_date: date,
    original_claim_id: str | None,
) -> list[ClaimLine]:
    is_professional = claim.claim_type == PROFESSIONAL
    place_of_service = claim.place_of_service
    bill_type = claim.bill_type
    if place_of_service is None:
        place_of_service = OFFICE if is_professional else ""
    if bill_type is None:
        bill_type = "" if is_professional else OUTPATIENT_BILL_TYPE
    # Claims with a bill type follow the institutional layout, in which the facility
    # bills and the lines carry no rendering NPI and no diagnosis pointer.
    has_facility_layout = bill_type != ""
    is_inpatient = bill_type.startswith("11")

    claim_end = service_date + timedelta(days=claim.stay_days)
    paid_date = claim_end + timedelta(days=claim.paid_delay_days)
    amounts = _line_amounts(claim)

    header: dict[str, str | None] = {column: None for column in CLAIM_COLUMNS}
    header.update(
        claim_id=claim_id,
        claim_type=claim.claim_type,
        person_id=member.person_id,
        member_id=member.member_id,
        payer=PAYER,
        plan=member.plan,
        claim_start_date=service_date.isoformat(),
        claim_end_date=claim_end.isoformat(),
        place_of_service_code=place_of_service,
        bill_type_code=bill_type,
        billing_npi=provider.billing_npi,
        paid_date=paid_date.isoformat(),
        diagnosis_code_type=DIAGNOSIS_CODE_TYPE,
        data_source=DATA_SOURCE,
        claim_frequency_code=claim.frequency,
        original_claim_id=original_claim_id,
    )
    if has_facility_layout:
        header["facility_npi"] = provider.billing_npi
    else:
        header["rendering_npi"] = provider.rendering_npi
    if is_inpatient:
        header["admission_date"] = service_date.isoformat()
        header["discharge_date"] = claim_end.isoformat()
    for column, code in zip(DIAGNOSIS_COLUMNS, claim.diagnoses, strict=False):
        header[column] = code

    lines: list[ClaimLine] = []
    for number, (line, (charge, allowed, paid)) in enumerate(
        zip(claim.lines, amounts, strict=True), start=1
    ):
        line_start = service_date + timedelta(days=line.day_offset)
        values = dict(header)
        values.update(
            claim_line_number=str(number),
            claim_line_start_date=line_start.isoformat(),
            claim_line_end_date=(line_start + timedelta(days=line.span_days)).isoformat(),
            revenue_center_code=line.revenue,
            service_unit_quantity=line.units,
            hcpcs_code=line.hcpcs,
            charge_amount=codes.format_cents(charge),
            allowed_amount=codes.format_cents(allowed),
            paid_amount=codes.format_cents(paid),
            ndc_code=line.ndc,
            ndc_quantity=line.ndc_quantity,
            drug_description=line.drug_description,
        )
        for column, modifier in zip(MODIFIER_COLUMNS, line.modifiers, strict=False):
            values[column] = modifier
        if not has_facility_layout:
            for column, pointer in zip(POINTER_COLUMNS, line.pointers, strict=False):
                values[column] = str(pointer)
        values.update(claim.overrides)
        values.update(line.overrides)
        # An empty string is written as NULL, the way an empty CSV field reads.
        cleaned = {column: (value if value != "" else None) for column, value in values.items()}
        lines.append(
            ClaimLine(
                values=cleaned,
                service_month=(service_date.year, service_date.month),
                resend=claim.resend,
            )
        )
    return lines


def _line_amounts(claim: ClaimSpec) -> list[tuple[int, int, int]]:
    """Return (charge, allowed, paid) in cents for each line of a claim.

    A revenue code 0001 line carries the sum of the other lines, as the total line of a
    UB-04 does.
    """
    amounts: list[tuple[int, int, int]] = []
    for line in claim.lines:
        unit_charge = codes.unit_charge_cents(line.hcpcs, line.revenue)
        charge = unit_charge * _billable_units(line.units)
        allowed = round(charge * codes.ALLOWED_SHARE)
        paid = round(allowed * codes.PAID_SHARE)
        amounts.append((charge, allowed, paid))

    is_total_line = [line.revenue == TOTAL_REVENUE_CODE for line in claim.lines]
    totals = tuple(
        sum(amount[part] for amount, is_total in zip(amounts, is_total_line) if not is_total)
        for part in range(3)
    )
    amounts = [
        (totals[0], totals[1], totals[2]) if is_total else amount
        for amount, is_total in zip(amounts, is_total_line)
    ]
    if claim.paid_total_on_every_line:
        amounts = [(charge, allowed, totals[2]) for charge, allowed, _ in amounts]
    return [
        (claim.money_sign * charge, claim.money_sign * allowed, claim.money_sign * paid)
        for charge, allowed, paid in amounts
    ]


def _billable_units(units: str) -> int:
    """Return the line's units for pricing, or 1 when they are empty, 0 or not a number."""
    try:
        value = int(units)
    except ValueError:
        return 1
    return max(value, 1)

