"""Money as ``Decimal``, rounded to the cent half-up — the one rounding rule payroll uses.

Floats never carry money: a float that reaches us (a JSON number, a measurement) is read through its
shortest repr, so 0.1 becomes Decimal("0.1") and not 0.1000000000000000055….
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import overload

from kpidesk.errors import ValidationError
from kpidesk.i18n import _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
COEFFICIENT_PLACES = Decimal("0.0001")


@overload
def to_decimal(value: Decimal | int | float | str) -> Decimal: ...
@overload
def to_decimal(value: Decimal | int | float | str | None) -> Decimal | None: ...
def to_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    """An exact Decimal from what people and files give us; None stays None, NaN and infinity are refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(_("“{value}” is not an amount").format(value=value))
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("“{value}” is not an amount").format(value=value)) from None
    if not result.is_finite():
        raise ValidationError(_("“{value}” is not an amount").format(value=value))
    return result


def round_cents(value: Decimal) -> Decimal:
    """To the cent, half away from zero (1.005 → 1.01, −1.005 → −1.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | int | float | str) -> Decimal:
    """An amount rounded to the cent; for values that must be present."""
    result = to_decimal(value)
    if result is None:
        raise ValidationError(_("an amount is required"))
    return round_cents(result)


def percent_of(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """``amount × rate %`` exactly (rounding happens once, on the component)."""
    return amount * rate_percent / Decimal(100)


def format_money(value: Decimal) -> str:
    """Thousands separated, two decimals, a real minus sign: 12,345.60 / −5.00."""
    text = f"{round_cents(value):,.2f}"
    return text.replace("-", "−")


def format_plain(value: Decimal) -> str:
    """A rate or coefficient without trailing zeros: 1.2, 0.875, 2."""
    normalised = value.normalize()
    if normalised == normalised.to_integral_value():
        normalised = normalised.quantize(Decimal(1))
    return f"{normalised:,f}".replace("-", "−")
