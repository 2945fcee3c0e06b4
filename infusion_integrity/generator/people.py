"""Background members: clinical profile, plan, enrolment spans and demographics.

Members are held as numpy arrays so that millions of claim lines can look them up
without Python loops. Case members (planted and messy) are built in ``cases.py`` and
only meet background members in the eligibility file.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from infusion_integrity.generator.cases import COMMERCIAL_PLAN, MEDICARE_PLAN, Member
from infusion_integrity.generator.columns import (
    DATA_SOURCE,
    ELIGIBILITY_FILE_COLUMNS,
    ENROLLMENT_END,
    ENROLLMENT_SPLIT,
    ENROLLMENT_START,
    PAYER,
)
from infusion_integrity.generator.ids import PERSON_ID_WIDTH, IdAllocator
from infusion_integrity.generator.text_arrays import (
    constant_strings,
    date_strings,
    day_number,
    prefixed_numbers,
)

MEDICAID_PLAN = "medicaid managed care"
PLANS: tuple[str, ...] = (COMMERCIAL_PLAN, MEDICARE_PLAN, MEDICAID_PLAN)
PLAN_SHARES = (0.60, 0.25, 0.15)
COMMERCIAL, MEDICARE, MEDICAID = range(len(PLANS))

# Share of commercial and Medicaid members who switch between those two plans on
# ENROLLMENT_SPLIT and so have two enrolment spans. Medicare members keep one span.
PLAN_SWITCH_SHARE = 0.15

GENDERS: tuple[str, ...] = ("female", "male")

# Clinical profiles decide which everyday services a member receives (see background.py).
PROFILES: tuple[str, ...] = (
    "general",
    "mental_health",
    "crohns_disease",
    "colon_cancer",
    "knee_osteoarthritis",
    "iron_deficiency_anemia",
)
PROFILE_SHARES = (0.55, 0.20, 0.07, 0.06, 0.07, 0.05)


@dataclass(frozen=True)
class BackgroundMembers:
    """Background members, numbered ``first_person_number`` onwards, as parallel arrays."""

    first_person_number: int
    profile: np.ndarray
    plan_before_split: np.ndarray
    plan_after_split: np.ndarray
    gender: np.ndarray
    birth_day: np.ndarray

    @property
    def count(self) -> int:
        return len(self.profile)

    @property
    def has_two_spans(self) -> np.ndarray:
        return self.plan_before_split != self.plan_after_split


def draw_members(count: int, rng: np.random.Generator, ids: IdAllocator) -> BackgroundMembers:
    """Reserve ``count`` person numbers and draw each member's profile, plans and birth date."""
    first_person_number = ids.reserve_person_numbers(count)
    profile = rng.choice(len(PROFILES), size=count, p=PROFILE_SHARES).astype(np.int8)
    plan = rng.choice(len(PLANS), size=count, p=PLAN_SHARES).astype(np.int8)

    switches = (plan != MEDICARE) & (rng.random(count) < PLAN_SWITCH_SHARE)
    plan_after = plan.copy()
    plan_after[switches & (plan == COMMERCIAL)] = MEDICAID
    plan_after[switches & (plan == MEDICAID)] = COMMERCIAL

    gender = rng.integers(0, len(GENDERS), size=count).astype(np.int8)

    # Medicare Advantage members are born 1940 to 1959 (65 or older), the others 1960 to 2004.
    young_first, young_last = day_number(date(1960, 1, 1)), day_number(date(2004, 12, 31))
    old_first, old_last = day_number(date(1940, 1, 1)), day_number(date(1959, 12, 31))
    birth_day = np.where(
        plan == MEDICARE,
        rng.integers(old_first, old_last + 1, size=count),
        rng.integers(young_first, young_last + 1, size=count),
    ).astype(np.int32)

    return BackgroundMembers(
        first_person_number=first_person_number,
        profile=profile,
        plan_before_split=plan,
        plan_after_split=plan_after,
        gender=gender,
        birth_day=birth_day,
    )


def eligibility_table(
    case_members: Sequence[Member], background: BackgroundMembers, file_name: str
) -> pa.Table:
    """Build the eligibility table: one row per member and enrolment span, by person id.

    Case members and single-span background members are enrolled from ENROLLMENT_START
    to ENROLLMENT_END. Members who switch plan get one span per plan, split at
    ENROLLMENT_SPLIT.
    """
    case_rows = {
        "person_number": np.array([int(m.person_id[1:]) for m in case_members], dtype=np.int64),
        "plan": [m.plan for m in case_members],
        "start": np.full(len(case_members), day_number(ENROLLMENT_START), dtype=np.int32),
        "end": np.full(len(case_members), day_number(ENROLLMENT_END), dtype=np.int32),
        "gender": [m.gender for m in case_members],
        "birth": np.array([day_number(m.birth_date) for m in case_members], dtype=np.int32),
    }

    # Each background member gets one row, or two rows in date order when switching plan.
    two_spans = background.has_two_spans
    rows_per_member = np.where(two_spans, 2, 1)
    member_of_row = np.repeat(np.arange(background.count), rows_per_member)
    is_second_row = np.zeros(len(member_of_row), dtype=bool)
    is_second_row[1:] = member_of_row[1:] == member_of_row[:-1]
    row_has_two_spans = two_spans[member_of_row]

    split_day = day_number(ENROLLMENT_SPLIT)
    start = np.where(is_second_row, split_day, day_number(ENROLLMENT_START)).astype(np.int32)
    end = np.where(
        row_has_two_spans & ~is_second_row, split_day - 1, day_number(ENROLLMENT_END)
    ).astype(np.int32)
    plan = np.where(
        is_second_row,
        background.plan_after_split[member_of_row],
        background.plan_before_split[member_of_row],
    )

    plans = pa.array(PLANS)
    genders = pa.array(GENDERS)
    background_numbers = background.first_person_number + member_of_row.astype(np.int64)
    person_numbers = np.concatenate([case_rows["person_number"], background_numbers])
    row_count = len(person_numbers)

    columns = {
        "person_id": prefixed_numbers("P", person_numbers, PERSON_ID_WIDTH),
        "member_id": prefixed_numbers("M", person_numbers, PERSON_ID_WIDTH),
        "payer": constant_strings(PAYER, row_count),
        "plan": pa.concat_arrays(
            [pa.array(case_rows["plan"], pa.string()), plans.take(pa.array(plan))]
        ),
        "enrollment_start_date": date_strings(np.concatenate([case_rows["start"], start])),
        "enrollment_end_date": date_strings(np.concatenate([case_rows["end"], end])),
        "gender": pa.concat_arrays(
            [
                pa.array(case_rows["gender"], pa.string()),
                genders.take(pa.array(background.gender[member_of_row])),
            ]
        ),
        "birth_date": date_strings(
            np.concatenate([case_rows["birth"], background.birth_day[member_of_row]])
        ),
        "data_source": constant_strings(DATA_SOURCE, row_count),
        "file_name": constant_strings(file_name, row_count),
    }
    return pa.table(
        [columns[name] for name in ELIGIBILITY_FILE_COLUMNS], names=list(ELIGIBILITY_FILE_COLUMNS)
    )
