"""Numbers out of data frames and stored values, where "missing" arrives as None, NaN, pandas' NA or text.

One place decides what counts as missing, so a report, a chart and the pay sheet agree on the same cell.
"""

from __future__ import annotations

import math


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA (without loading pandas to ask)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(value != value)
    except TypeError:  # NA compared is NA, which refuses to be a truth value
        return True
    except ValueError:  # an array: a value, not a missing one
        return False


def float_or_none(value: object) -> float | None:
    """The value as a float, or None when it is missing (None, NaN, pandas' NA), not a number at all, or an
    integer too large for a float."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return None if math.isnan(number) else number


def int_or_none(value: object) -> int | None:
    """The value as an int (fractions truncated), or None when it is missing, infinite or not a number.

    Whole values are converted directly, so large ids do not lose digits on a detour through float.
    """
    if value is None or isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError, OverflowError):
        pass
    number = float_or_none(value)
    return None if number is None or math.isinf(number) else int(number)


def bool_or_none(value: object) -> bool | None:
    """The value as a bool (numpy's included), or None when it is missing."""
    return None if is_missing(value) else bool(value)


def round_half_up_number(value: float, digits: int = 2) -> float:
    """One number rounded half away from zero on the decimal value people see (94.125 → 94.13), NaN kept:
    :func:`kpidesk.domain.scoring.round_half_up` step for step (the same float operations in the same order,
    so the same result to the last bit) without loading numpy for a single value."""
    if math.isnan(value):
        return value
    if value == 0:
        return 0.0  # numpy takes the sign of -0.0 as 0
    scale = 10.0 ** digits
    shifted = abs(value) * scale * 1e6
    if math.isinf(shifted):  # beyond a float's range on the way, as numpy goes: infinite
        return math.copysign(math.inf, value)
    magnitude = round(shifted) / 1e6  # numpy's round to 6 places: rint(x · 10⁶) / 10⁶
    return math.copysign(math.floor(magnitude + 0.5), value) / scale
