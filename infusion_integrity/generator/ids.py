"""Sequential synthetic identifiers: persons, members, claims and NPIs.

No identifier belongs to a real person or provider. Person ids look like ``P000123``,
member ids like ``M000123`` and claim ids like ``C0000001``. NPIs have 10 digits and
start with 9, which no issued NPI does (issued NPIs start with 1 or 2), but they carry a
valid check digit so that format validators accept them.
"""

from dataclasses import dataclass

PERSON_ID_WIDTH = 6
CLAIM_ID_WIDTH = 7
NPI_SEQUENCE_WIDTH = 8

# Prefix that the NPI standard adds before running the Luhn algorithm over the first
# nine digits (card issuer prefix 80840).
NPI_LUHN_PREFIX = "80840"


def npi_check_digit(first_nine_digits: str) -> int:
    """Compute the Luhn check digit of an NPI from its first nine digits."""
    payload = NPI_LUHN_PREFIX + first_nine_digits
    total = 0
    # Double every second digit, starting with the rightmost digit of the payload.
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def synthetic_npi(sequence_number: int) -> str:
    """Return the synthetic NPI for a sequence number: ``9``, 8 digits, check digit."""
    if not 0 < sequence_number < 10**NPI_SEQUENCE_WIDTH:
        raise ValueError(f"NPI sequence number {sequence_number} is out of range 1..99999999")
    first_nine = f"9{sequence_number:0{NPI_SEQUENCE_WIDTH}d}"
    return first_nine + str(npi_check_digit(first_nine))


def person_id(number: int) -> str:
    return f"P{number:0{PERSON_ID_WIDTH}d}"


def member_id(number: int) -> str:
    return f"M{number:0{PERSON_ID_WIDTH}d}"


def claim_id(number: int) -> str:
    return f"C{number:0{CLAIM_ID_WIDTH}d}"


@dataclass(frozen=True)
class Provider:
    """A billing provider and the clinician who renders its professional services."""

    billing_npi: str
    rendering_npi: str


class IdAllocator:
    """Hand out person, claim and NPI numbers in sequence, starting at 1.

    Planted and messy cases draw their ids first, so their ids do not change when the
    number of background members changes. Background claims continue from the counters.
    """

    def __init__(self) -> None:
        self.last_person_number = 0
        self.last_claim_number = 0
        self.last_npi_number = 0

    def new_person_number(self) -> int:
        self.last_person_number += 1
        return self.last_person_number

    def new_claim_id(self) -> str:
        self.last_claim_number += 1
        return claim_id(self.last_claim_number)

    def new_npi(self) -> str:
        self.last_npi_number += 1
        return synthetic_npi(self.last_npi_number)

    def new_provider(self) -> Provider:
        billing_npi = self.new_npi()
        return Provider(billing_npi=billing_npi, rendering_npi=self.new_npi())

    def reserve_person_numbers(self, count: int) -> int:
        """Reserve ``count`` consecutive person numbers and return the first one."""
        first = self.last_person_number + 1
        self.last_person_number += count
        return first

    def reserve_claim_numbers(self, count: int) -> int:
        """Reserve ``count`` consecutive claim numbers and return the first one."""
        first = self.last_claim_number + 1
        self.last_claim_number += count
        return first
