"""What the stored columns can hold, checked before anything is written.

Numbers are stored as integers scaled by 10**places in a signed 64-bit column; a value beyond that wraps
around silently (1e308 became −9,223,372,036,854.775), so values are compared with these bounds first.
Dates are kept to the years an office can mean: Excel's own calendar starts in 1900, and year 0001 is
always a typing slip.
"""

from __future__ import annotations

import datetime as dt
import math

from kpidesk.errors import ValidationError
from kpidesk.i18n import _

#: The largest integer a BIGINT column stores.
BIGINT_MAX = 2**63 - 1
#: The largest measured value accepted (a value is stored with 6 places; 10**12 leaves room below
#: BIGINT_MAX / 10**6 ≈ 9.2 × 10**12 for sums and differences).
MAX_MEASURED_VALUE = 10**12
#: The earliest and latest dates accepted anywhere (Excel's 1900 date system and its day numbers).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def fits_fixed_decimal(value: float | int, places: int) -> bool:
    """True when ``value`` stored with ``places`` decimals fits a BIGINT."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return bool(abs(value) * 10**places <= BIGINT_MAX)


def date_in_range(day: dt.date) -> bool:
    if isinstance(day, dt.datetime):
        day = day.date()
    return EARLIEST_DATE <= day <= LATEST_DATE


def check_date(day: dt.date | None, what: str) -> None:
    """Refuse a date outside :data:`EARLIEST_DATE` … :data:`LATEST_DATE`; ``what`` names the field."""
    if day is not None and not date_in_range(day):
        raise ValidationError(date_out_of_range_message(day, what))


def date_out_of_range_message(day: object, what: str) -> str:
    return _("{what} {day} is outside {first} – {last}").format(
        what=what, day=day, first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat()
    )


def leave_before_hire(hire: object, leave: object) -> bool:
    """True when both are dates and the leave date comes first (blank cells are not dates)."""
    return isinstance(hire, dt.date) and isinstance(leave, dt.date) and leave < hire


def leave_before_hire_message(hire: dt.date, leave: dt.date) -> str:
    return _("the leave date {leave} is before the hire date {hire}").format(leave=leave, hire=hire)


def check_employment_dates(hire: dt.date | None, leave: dt.date | None) -> None:
    """Refuse dates out of range and a leave date before the hire date."""
    check_date(hire, _("hire date"))
    check_date(leave, _("leave date"))
    if leave_before_hire(hire, leave):
        raise ValidationError(leave_before_hire_message(hire, leave))  # type: ignore[arg-type]
