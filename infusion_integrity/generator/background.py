"""Everyday background claims, generated vectorised in chunks.

Background claims must raise no alert in any rule. Each encounter follows one template:
office visits, laboratory panels, psychotherapy without drug administration, and
correctly coded infusions and injections whose diagnoses lie outside mental health
(some carry F17.210, nicotine dependence, as a secondary diagnosis). An
infusion template bills one initial administration code, add-on codes only with their
primary, no hydration next to a drug infusion and no E/M visit. A member has at most
one encounter per day, so no two claims of a member meet on one date, whichever way a
rule keys encounters.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from infusion_integrity.generator import codes
from infusion_integrity.generator.cases import INSTITUTIONAL, OUTPATIENT_BILL_TYPE, PROFESSIONAL
from infusion_integrity.generator.columns import (
    CLAIM_COLUMNS,
    DATA_SOURCE,
    DIAGNOSIS_CODE_TYPE,
    ENROLLMENT_SPLIT,
    MAX_DIAGNOSES,
    PAYER,
)
from infusion_integrity.generator.ids import CLAIM_ID_WIDTH, PERSON_ID_WIDTH, IdAllocator
from infusion_integrity.generator.people import PLANS, PROFILES, BackgroundMembers
from infusion_integrity.generator.text_arrays import (
    cents_strings,
    constant_strings,
    date_strings,
    day_number,
    integer_strings,
    null_strings,
    prefixed_numbers,
    where_strings,
)

# Average number of claim lines a background member has per year. With target_lines
# set, the member count is target_lines divided by this number.
LINES_PER_MEMBER_YEAR = 20

# Encounters per Arrow table written, about 140,000 claim lines.
CHUNK_ENCOUNTERS = 100_000

POINTER_SHARE = 0.5  # professional claims that carry diagnosis pointers
FREQUENCY_CODE_SHARE = 0.7  # professional claims with claim_frequency_code 1
NDC_SHARE = 0.5  # drug lines that carry an NDC, its quantity and a description
PAID_DELAY_DAYS = (14, 45)  # inclusive range from service to paid date
ALLOWED_SHARE_RANGE = (0.45, 0.65)
CHARGE_JITTER_SIGMA = 0.08

CLINICIANS_PER_GROUP = 3


@dataclass(frozen=True)
class TemplateLine:
    hcpcs: str = ""
    revenue: str = ""
    units: tuple[int, int] = (1, 1)  # inclusive range
    modifier: str = ""
    ndc: str = ""
    ndc_quantity: str = ""
    drug_description: str = ""


@dataclass(frozen=True)
class EncounterTemplate:
    name: str
    provider: str
    lines: tuple[TemplateLine, ...]
    # Diagnosis combinations, one picked per encounter. A second code of F17.210
    # (nicotine dependence) makes a near miss for rules that treat chapter F as mental
    # health.
    diagnoses: tuple[tuple[str, ...], ...]
    place_of_service: str = "11"
    bill_type: str = ""

    @property
    def claim_type(self) -> str:
        return INSTITUTIONAL if self.bill_type else PROFESSIONAL


# Made-up NDCs (labeler 12345) that match no ketamine product.
TEMPLATES: tuple[EncounterTemplate, ...] = (
    EncounterTemplate(
        "office_visit_low",
        "primary care",
        (TemplateLine("99213"),),
        (("I10",), ("E11.9", "I10"), ("J06.9",), ("M54.50",)),
    ),
    EncounterTemplate(
        "office_visit_moderate",
        "primary care",
        (TemplateLine("99214"),),
        (("E11.9", "I10"), ("I10",), ("M54.50",)),
    ),
    EncounterTemplate(
        "lab_panel",
        "laboratory",
        (TemplateLine("80053"), TemplateLine("85025")),
        (("I10",), ("E11.9",)),
        place_of_service="81",
    ),
    EncounterTemplate(
        "lab_hemoglobin_a1c",
        "laboratory",
        (TemplateLine("83036"),),
        (("E11.9",),),
        place_of_service="81",
    ),
    EncounterTemplate(
        "psychotherapy_45_minutes",
        "behavioral health",
        (TemplateLine("90834"),),
        (("F33.1",), ("F41.1",), ("F33.1", "F41.1")),
    ),
    EncounterTemplate(
        "psychotherapy_60_minutes",
        "behavioral health",
        (TemplateLine("90837"),),
        (("F33.1",), ("F41.1",), ("F33.1", "F41.1")),
    ),
    EncounterTemplate(
        "infliximab_infusion",
        "infusion clinic",
        (
            TemplateLine("96365"),
            TemplateLine("96366"),
            TemplateLine(
                "J1745", units=(30, 50), modifier="JZ", ndc="12345-0101-01",
                ndc_quantity="4", drug_description="infliximab 100 mg vial",
            ),
        ),
        (("K50.90",), ("K50.90", "F17.210")),
    ),
    EncounterTemplate(
        "bevacizumab_infusion",
        "oncology",
        (
            TemplateLine("96413"),
            TemplateLine("96415"),
            TemplateLine(
                "J9035", units=(30, 50), modifier="JZ", ndc="12345-0202-01",
                ndc_quantity="16", drug_description="bevacizumab 25 mg/ml",
            ),
        ),
        (("C18.9",), ("C18.9", "F17.210")),
    ),
    EncounterTemplate(
        "triamcinolone_injection",
        "orthopedics",
        (
            TemplateLine("96372"),
            TemplateLine(
                "J3301", units=(4, 8), ndc="12345-0303-05", ndc_quantity="1",
                drug_description="triamcinolone acetonide 40 mg/ml",
            ),
        ),
        (("M17.11",), ("M17.11", "F17.210")),
    ),
    EncounterTemplate(
        "ondansetron_push",
        "infusion clinic",
        (
            TemplateLine("96374"),
            TemplateLine(
                "J2405", units=(4, 8), ndc="12345-0404-20", ndc_quantity="2",
                drug_description="ondansetron 2 mg/ml",
            ),
        ),
        (("R11.2",),),
    ),
    EncounterTemplate(
        "hydration",
        "infusion clinic",
        (TemplateLine("96360"), TemplateLine("J7030")),
        (("E86.0", "A08.4"),),
    ),
    EncounterTemplate(
        "iron_sucrose_infusion",
        "hospital",
        (
            TemplateLine("96365", revenue="0260"),
            TemplateLine(
                "J1756", revenue="0636", units=(100, 200), modifier="JZ",
                ndc="12345-0505-10", ndc_quantity="10", drug_description="iron sucrose 20 mg/ml",
            ),
        ),
        (("D50.9",), ("D50.9", "F17.210")),
        place_of_service="",
        bill_type=OUTPATIENT_BILL_TYPE,
    ),
    EncounterTemplate(
        "hospital_lab_panel",
        "hospital",
        (TemplateLine("80053", revenue="0301"), TemplateLine("85025", revenue="0305")),
        (("E11.9",), ("I10",)),
        place_of_service="",
        bill_type=OUTPATIENT_BILL_TYPE,
    ),
)

# Relative weight of each template for a member of each profile.
PROFILE_TEMPLATE_WEIGHTS: dict[str, dict[str, float]] = {
    "general": {
        "office_visit_low": 30,
        "office_visit_moderate": 18,
        "lab_panel": 14,
        "lab_hemoglobin_a1c": 6,
        "hospital_lab_panel": 4,
        "psychotherapy_45_minutes": 2,
        "ondansetron_push": 2,
        "hydration": 2,
    },
    "mental_health": {
        "psychotherapy_45_minutes": 30,
        "psychotherapy_60_minutes": 20,
        "office_visit_low": 15,
        "office_visit_moderate": 8,
        "lab_panel": 6,
    },
    "crohns_disease": {
        "infliximab_infusion": 20,
        "office_visit_low": 10,
        "office_visit_moderate": 8,
        "lab_panel": 10,
        "ondansetron_push": 2,
    },
    "colon_cancer": {
        "bevacizumab_infusion": 20,
        "ondansetron_push": 6,
        "lab_panel": 12,
        "office_visit_moderate": 8,
        "hydration": 2,
    },
    "knee_osteoarthritis": {
        "triamcinolone_injection": 15,
        "office_visit_low": 12,
        "office_visit_moderate": 6,
        "lab_panel": 5,
    },
    "iron_deficiency_anemia": {
        "iron_sucrose_infusion": 15,
        "hospital_lab_panel": 10,
        "office_visit_low": 8,
        "lab_hemoglobin_a1c": 3,
    },
}

# Members per provider group of each kind, so the group count grows with the members.
MEMBERS_PER_PROVIDER_GROUP: dict[str, int] = {
    "primary care": 400,
    "laboratory": 3_000,
    "behavioral health": 600,
    "infusion clinic": 1_500,
    "oncology": 2_500,
    "orthopedics": 1_500,
    "hospital": 4_000,
}
MIN_PROVIDER_GROUPS = 2


@dataclass(frozen=True)
class ProviderPools:
    """Billing NPIs of provider groups and NPIs of their clinicians, by provider kind.

    Group ``g`` of kind ``k`` has billing NPI ``billing_npis[group_offset[k] + g]`` and
    clinicians ``rendering_npis[(group_offset[k] + g) * CLINICIANS_PER_GROUP + c]``.
    """

    kinds: tuple[str, ...]
    group_offset: np.ndarray
    group_count: np.ndarray
    billing_npis: pa.Array
    rendering_npis: pa.Array


def allocate_provider_pools(member_count: int, ids: IdAllocator) -> ProviderPools:
    kinds = tuple(MEMBERS_PER_PROVIDER_GROUP)
    group_count = np.array(
        [
            max(MIN_PROVIDER_GROUPS, math.ceil(member_count / MEMBERS_PER_PROVIDER_GROUP[kind]))
            for kind in kinds
        ],
        dtype=np.int64,
    )
    group_offset = np.concatenate([[0], np.cumsum(group_count)[:-1]]).astype(np.int64)
    billing: list[str] = []
    rendering: list[str] = []
    for _ in range(int(group_count.sum())):
        billing.append(ids.new_npi())
        rendering.extend(ids.new_npi() for _ in range(CLINICIANS_PER_GROUP))
    return ProviderPools(
        kinds=kinds,
        group_offset=group_offset,
        group_count=group_count,
        billing_npis=pa.array(billing, pa.string()),
        rendering_npis=pa.array(rendering, pa.string()),
    )


class _TemplateTables:
    """The templates flattened into numpy and Arrow arrays for vectorised lookups."""

    def __init__(self, templates: tuple[EncounterTemplate, ...], provider_kinds: tuple[str, ...]):
        lines = [line for template in templates for line in template.lines]
        self.line_count = np.array([len(t.lines) for t in templates], dtype=np.int64)
        self.line_offset = np.concatenate([[0], np.cumsum(self.line_count)[:-1]]).astype(np.int64)

        self.hcpcs = _optional_strings([line.hcpcs for line in lines])
        self.revenue = _optional_strings([line.revenue for line in lines])
        self.modifier = _optional_strings([line.modifier for line in lines])
        self.ndc = _optional_strings([line.ndc for line in lines])
        self.ndc_quantity = _optional_strings([line.ndc_quantity for line in lines])
        self.drug_description = _optional_strings([line.drug_description for line in lines])
        self.units_low = np.array([line.units[0] for line in lines], dtype=np.int64)
        self.units_high = np.array([line.units[1] for line in lines], dtype=np.int64)
        self.unit_charge_cents = np.array(
            [codes.unit_charge_cents(line.hcpcs, line.revenue) for line in lines], dtype=np.int64
        )

        combos = [combo for template in templates for combo in template.diagnoses]
        self.combo_count = np.array([len(t.diagnoses) for t in templates], dtype=np.int64)
        self.combo_offset = np.concatenate([[0], np.cumsum(self.combo_count)[:-1]]).astype(
            np.int64
        )
        self.combo_size = np.array([len(combo) for combo in combos], dtype=np.int64)
        self.max_combo_size = int(self.combo_size.max())
        if self.max_combo_size > MAX_DIAGNOSES:
            raise ValueError(f"a background diagnosis combination exceeds {MAX_DIAGNOSES} codes")
        self.combo_codes = [
            _optional_strings([combo[k] if k < len(combo) else "" for combo in combos])
            for k in range(self.max_combo_size)
        ]

        self.is_institutional = np.array([t.claim_type == INSTITUTIONAL for t in templates])
        self.claim_type = pa.array([t.claim_type for t in templates], pa.string())
        self.place_of_service = _optional_strings([t.place_of_service for t in templates])
        self.bill_type = _optional_strings([t.bill_type for t in templates])
        self.provider_kind = np.array(
            [provider_kinds.index(t.provider) for t in templates], dtype=np.int64
        )


def _optional_strings(values: list[str]) -> pa.Array:
    """Build an Arrow string array in which empty strings are NULL."""
    return pa.array([value if value else None for value in values], pa.string())


def _template_weights(templates: tuple[EncounterTemplate, ...]) -> np.ndarray:
    """Return cumulative template probabilities, one row per profile."""
    names = [template.name for template in templates]
    weights = np.zeros((len(PROFILES), len(templates)))
    for profile_index, profile in enumerate(PROFILES):
        for name, weight in PROFILE_TEMPLATE_WEIGHTS[profile].items():
            weights[profile_index, names.index(name)] = weight
    probabilities = weights / weights.sum(axis=1, keepdims=True)
    return np.cumsum(probabilities, axis=1)


@dataclass(frozen=True)
class _Encounters:
    """One month's background encounters, sorted by member and day."""

    member_index: np.ndarray
    service_day: np.ndarray
    template: np.ndarray


class BackgroundClaims:
    """Generate the background claim lines of each service month as Arrow tables."""

    def __init__(
        self,
        members: BackgroundMembers,
        providers: ProviderPools,
        rng: np.random.Generator,
        ids: IdAllocator,
    ) -> None:
        self.members = members
        self.providers = providers
        self.rng = rng
        self.ids = ids
        self.tables = _TemplateTables(TEMPLATES, providers.kinds)
        self.cumulative_weights = _template_weights(TEMPLATES)
        profile_shares = np.bincount(members.profile, minlength=len(PROFILES)) / max(
            members.count, 1
        )
        template_shares = profile_shares @ np.diff(self.cumulative_weights, prepend=0, axis=1)
        self.mean_lines_per_encounter = float(template_shares @ self.tables.line_count)

    def month_chunks(
        self, year: int, month: int, line_quota: int, file_name: str, ingest_datetime: str
    ) -> Iterator[pa.Table]:
        """Yield tables of about ``line_quota`` claim lines with service dates in the month.

        The last encounter may overshoot the quota by its extra lines. Fewer lines come
        out only when every member already has an encounter on every day of the month.
        """
        encounters = self._draw_encounters(year, month, line_quota)
        count = len(encounters.template)
        first_claim_number = self.ids.reserve_claim_numbers(count)
        for start in range(0, count, CHUNK_ENCOUNTERS):
            stop = min(start + CHUNK_ENCOUNTERS, count)
            yield self._chunk_table(
                encounters, start, stop, first_claim_number + start, file_name, ingest_datetime
            )

    def _draw_encounters(self, year: int, month: int, line_quota: int) -> _Encounters:
        first_day = day_number(date(year, month, 1))
        next_month = date(year + month // 12, month % 12 + 1, 1)
        days_in_month = day_number(next_month) - first_day
        slot_count = self.members.count * days_in_month
        if line_quota <= 0 or slot_count == 0:
            empty = np.zeros(0, dtype=np.int64)
            return _Encounters(empty, empty.astype(np.int32), empty)

        # A slot is one member on one day. Drawing slots without replacement gives every
        # member at most one background encounter per day.
        estimate = math.ceil(line_quota / self.mean_lines_per_encounter * 1.05) + 16
        while True:
            draw_count = min(slot_count, estimate)
            slots = self.rng.choice(slot_count, size=draw_count, replace=False)
            templates = self._draw_templates(slots // days_in_month)
            cumulative_lines = np.cumsum(self.tables.line_count[templates])
            if cumulative_lines[-1] >= line_quota or draw_count == slot_count:
                break
            estimate = math.ceil(estimate * 1.5)

        # Keep encounters up to the first one that reaches the quota. The draw order is
        # random, so the cut favours no member.
        keep = min(int(np.searchsorted(cumulative_lines, line_quota)) + 1, draw_count)
        order = np.argsort(slots[:keep], kind="stable")
        kept_slots = slots[:keep][order]
        return _Encounters(
            member_index=kept_slots // days_in_month,
            service_day=(first_day + kept_slots % days_in_month).astype(np.int32),
            template=templates[:keep][order],
        )

    def _draw_templates(self, member_index: np.ndarray) -> np.ndarray:
        cumulative = self.cumulative_weights[self.members.profile[member_index]]
        draws = self.rng.random(len(member_index))
        template = (draws[:, None] >= cumulative).sum(axis=1)
        # Guard against rounding in the last cumulative weight.
        return np.minimum(template, cumulative.shape[1] - 1)

    def _chunk_table(
        self,
        encounters: _Encounters,
        start: int,
        stop: int,
        first_claim_number: int,
        file_name: str,
        ingest_datetime: str,
    ) -> pa.Table:
        tables = self.tables
        members = self.members
        rng = self.rng
        member_index = encounters.member_index[start:stop]
        service_day = encounters.service_day[start:stop]
        template = encounters.template[start:stop]
        encounter_count = stop - start

        # Encounter-level draws.
        combo = tables.combo_offset[template] + (
            rng.random(encounter_count) * tables.combo_count[template]
        ).astype(np.int64)
        has_pointers = rng.random(encounter_count) < POINTER_SHARE
        has_frequency_code = rng.random(encounter_count) < FREQUENCY_CODE_SHARE
        has_ndc = rng.random(encounter_count) < NDC_SHARE
        clinician = rng.integers(0, CLINICIANS_PER_GROUP, size=encounter_count)
        paid_delay = rng.integers(PAID_DELAY_DAYS[0], PAID_DELAY_DAYS[1] + 1, size=encounter_count)
        allowed_share = rng.uniform(*ALLOWED_SHARE_RANGE, size=encounter_count)

        # Expand encounters to lines.
        line_count = tables.line_count[template]
        encounter_of_line = np.repeat(np.arange(encounter_count), line_count)
        first_line = np.cumsum(line_count) - line_count
        line_position = np.arange(len(encounter_of_line)) - first_line[encounter_of_line]
        line_row = tables.line_offset[template][encounter_of_line] + line_position
        line_row_array = pa.array(line_row)
        encounter_array = pa.array(encounter_of_line)
        line_total = len(line_row)

        # Line-level draws: units within the template's range and a charge jitter.
        units = tables.units_low[line_row] + (
            rng.random(line_total) * (tables.units_high[line_row] - tables.units_low[line_row] + 1)
        ).astype(np.int64)
        jitter = rng.lognormal(0.0, CHARGE_JITTER_SIGMA, size=line_total)
        charge = np.round(tables.unit_charge_cents[line_row] * units * jitter).astype(np.int64)
        allowed = np.round(charge * allowed_share[encounter_of_line]).astype(np.int64)
        paid = np.round(allowed * codes.PAID_SHARE).astype(np.int64)

        # Each member is billed by one group of each provider kind, chosen by a hash of
        # the person number, and treated by one of the group's clinicians at random.
        person_number = members.first_person_number + member_index.astype(np.int64)
        kind = tables.provider_kind[template]
        group = (person_number * 2_654_435_761 + kind * 97) % self.providers.group_count[kind]
        billing_index = self.providers.group_offset[kind] + group
        rendering_index = billing_index * CLINICIANS_PER_GROUP + clinician
        is_institutional = tables.is_institutional[template]
        billing_npi = self.providers.billing_npis.take(pa.array(billing_index))
        rendering_npi = where_strings(
            ~is_institutional, self.providers.rendering_npis.take(pa.array(rendering_index))
        )
        facility_npi = where_strings(is_institutional, billing_npi)

        plan_index = np.where(
            service_day >= day_number(ENROLLMENT_SPLIT),
            members.plan_after_split[member_index],
            members.plan_before_split[member_index],
        )
        service_date = date_strings(service_day)
        is_professional_line = ~is_institutional[encounter_of_line]

        def per_line(encounter_values: pa.Array) -> pa.Array:
            return encounter_values.take(encounter_array)

        columns: dict[str, pa.Array] = {
            "claim_id": per_line(
                prefixed_numbers(
                    "C", first_claim_number + np.arange(encounter_count), CLAIM_ID_WIDTH
                )
            ),
            "claim_line_number": integer_strings(line_position + 1),
            "claim_type": tables.claim_type.take(pa.array(template[encounter_of_line])),
            "person_id": per_line(prefixed_numbers("P", person_number, PERSON_ID_WIDTH)),
            "member_id": per_line(prefixed_numbers("M", person_number, PERSON_ID_WIDTH)),
            "payer": constant_strings(PAYER, line_total),
            "plan": pa.array(PLANS, pa.string()).take(pa.array(plan_index[encounter_of_line])),
            "claim_start_date": per_line(service_date),
            "claim_end_date": per_line(service_date),
            "claim_line_start_date": per_line(service_date),
            "claim_line_end_date": per_line(service_date),
            "place_of_service_code": tables.place_of_service.take(
                pa.array(template[encounter_of_line])
            ),
            "bill_type_code": tables.bill_type.take(pa.array(template[encounter_of_line])),
            "revenue_center_code": tables.revenue.take(line_row_array),
            "service_unit_quantity": integer_strings(units),
            "hcpcs_code": tables.hcpcs.take(line_row_array),
            "hcpcs_modifier_1": tables.modifier.take(line_row_array),
            "rendering_npi": per_line(rendering_npi),
            "billing_npi": per_line(billing_npi),
            "facility_npi": per_line(facility_npi),
            "paid_date": per_line(date_strings(service_day + paid_delay)),
            "paid_amount": cents_strings(paid),
            "allowed_amount": cents_strings(allowed),
            "charge_amount": cents_strings(charge),
            "diagnosis_code_type": constant_strings(DIAGNOSIS_CODE_TYPE, line_total),
            "data_source": constant_strings(DATA_SOURCE, line_total),
            "file_name": constant_strings(file_name, line_total),
            "ingest_datetime": constant_strings(ingest_datetime, line_total),
            "claim_frequency_code": where_strings(
                is_professional_line & has_frequency_code[encounter_of_line], "1"
            ),
        }

        combo_of_line = pa.array(combo[encounter_of_line])
        for position, codes_at_position in enumerate(tables.combo_codes, start=1):
            columns[f"diagnosis_code_{position}"] = codes_at_position.take(combo_of_line)

        # Pointers list every diagnosis of the claim, up to four, on every line.
        combo_size_of_line = tables.combo_size[combo][encounter_of_line]
        line_has_pointers = is_professional_line & has_pointers[encounter_of_line]
        for position in range(1, 5):
            columns[f"diagnosis_pointer_{position}"] = where_strings(
                line_has_pointers & (combo_size_of_line >= position), str(position)
            )

        line_has_ndc = has_ndc[encounter_of_line]
        columns["ndc_code"] = where_strings(line_has_ndc, tables.ndc.take(line_row_array))
        columns["ndc_quantity"] = where_strings(
            line_has_ndc, tables.ndc_quantity.take(line_row_array)
        )
        columns["drug_description"] = where_strings(
            line_has_ndc, tables.drug_description.take(line_row_array)
        )

        arrays = [
            columns[name] if name in columns else null_strings(line_total)
            for name in CLAIM_COLUMNS
        ]
        return pa.table(arrays, names=list(CLAIM_COLUMNS))
