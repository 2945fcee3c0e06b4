"""Vectorised conversion of numpy values into the Arrow string columns of the claim files.

Every column of the generated files is text, so ids, dates, units and amounts are
formatted here with Arrow compute kernels instead of Python loops.
"""

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
NULL_STRING = pa.scalar(None, pa.string())


def day_number(value: date) -> int:
    """Return the number of days since 1970-01-01, the unit of Arrow's date32 type."""
    return value.toordinal() - _EPOCH_ORDINAL


def integer_strings(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def prefixed_numbers(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Format numbers as ``prefix`` plus the number left-padded with zeros to ``width``.

    A number with more than ``width`` digits keeps all its digits.
    """
    padded = pc.utf8_lpad(integer_strings(numbers), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, padded, "")


def date_strings(days: np.ndarray) -> pa.Array:
    """Format day numbers (days since 1970-01-01) as ISO dates, ``YYYY-MM-DD``."""
    return pc.cast(pa.array(np.asarray(days, dtype=np.int32), pa.date32()), pa.string())


def cents_strings(cents: np.ndarray) -> pa.Array:
    """Format non-negative amounts in cents as decimals with two places, e.g. ``12.05``."""
    cents = np.asarray(cents, dtype=np.int64)
    if (cents < 0).any():
        raise ValueError("cents_strings formats non-negative amounts only")
    whole = integer_strings(cents // 100)
    fraction = pc.utf8_lpad(integer_strings(cents % 100), width=2, padding="0")
    return pc.binary_join_element_wise(whole, fraction, ".")


def constant_strings(value: str, length: int) -> pa.Array:
    return pa.array([value], pa.string()).take(pa.array(np.zeros(length, dtype=np.int32)))


def null_strings(length: int) -> pa.Array:
    return pa.nulls(length, pa.string())


def where_strings(condition: np.ndarray, values: pa.Array | str) -> pa.Array:
    """Keep ``values`` where ``condition`` is true and write NULL elsewhere."""
    if isinstance(values, str):
        values = pa.scalar(values, pa.string())
    return pc.if_else(pa.array(np.asarray(condition, dtype=bool)), values, NULL_STRING)
