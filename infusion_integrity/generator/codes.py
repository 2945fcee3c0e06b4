"""Synthetic list prices of the procedure, drug and revenue codes that the generator bills.

Prices are invented round numbers in cents per billing unit. They only need to look
plausible next to each other, and no rule depends on them.
"""

import re

# Charge in cents per unit of the HCPCS code. Drug codes are priced per HCPCS billing
# unit (for example J1745 per 10 mg), so a line charges price x units.
HCPCS_UNIT_CHARGE_CENTS: dict[str, int] = {
    "99213": 15_000,
    "99214": 22_000,
    "80053": 4_500,
    "85025": 2_500,
    "83036": 3_500,
    "90834": 16_000,
    "90837": 22_000,
    "90870": 45_000,
    "00104": 50_000,
    "00170": 60_000,
    "96360": 20_000,
    "96365": 28_000,
    "96366": 9_000,
    "96372": 4_500,
    "96374": 15_000,
    "96413": 45_000,
    "96415": 12_000,
    "J1745": 12_000,
    "J9035": 9_000,
    "J3301": 300,
    "J2405": 150,
    "J1756": 120,
    "J7030": 3_000,
    "J3490": 8_000,
    "J3420": 2_500,
    "J1632": 3_000,
    "J2426": 1_200,
    "S0013": 1_000,
    "J0013": 1_000,
    "G2082": 90_000,
    "G2083": 140_000,
}

# Charge in cents per unit for institutional lines that carry no HCPCS code.
REVENUE_UNIT_CHARGE_CENTS: dict[str, int] = {
    "0120": 250_000,
    "0250": 15_000,
    "0260": 30_000,
}

DEFAULT_UNIT_CHARGE_CENTS = 10_000

# Allowed amount as a share of the charge, and paid amount as a share of the allowed
# amount (the rest is the member's coinsurance).
ALLOWED_SHARE = 0.55
PAID_SHARE = 0.80

_HCPCS_PREFIX = re.compile(r"[0-9A-Za-z]{5}")


def unit_charge_cents(hcpcs_code: str, revenue_code: str) -> int:
    """Look up the unit charge of a line by HCPCS code, else by revenue code.

    Messy HCPCS text such as ``96374-59`` or ``9637459`` is priced by its first five
    characters.
    """
    match = _HCPCS_PREFIX.match(hcpcs_code.strip())
    if match is not None:
        code = match.group(0).upper()
        if code in HCPCS_UNIT_CHARGE_CENTS:
            return HCPCS_UNIT_CHARGE_CENTS[code]
    return REVENUE_UNIT_CHARGE_CENTS.get(revenue_code, DEFAULT_UNIT_CHARGE_CENTS)


def format_cents(cents: int) -> str:
    """Format an amount in cents as a decimal string with two places, e.g. ``-12.05``."""
    sign = "-" if cents < 0 else ""
    magnitude = abs(cents)
    return f"{sign}{magnitude // 100}.{magnitude % 100:02d}"
