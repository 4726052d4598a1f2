"""People-facing names of the domain's codes (units, directions, perspectives, period kinds)."""

from __future__ import annotations

from kpidesk.i18n import N_, _

UNITS = {
    "percent": N_("Percent (%)"),
    "permille": N_("Per mille (‰)"),
    "duration": N_("Duration (seconds)"),
    "score": N_("Score (points)"),
    "count": N_("Count"),
    "hours": N_("Hours"),
    "currency": N_("Money (yuan)"),
    "number": N_("Number"),
}
DIRECTIONS = {
    "higher": N_("Higher is better"),
    "lower": N_("Lower is better"),
    "band": N_("Within a band"),
}
PERSPECTIVES = {
    "financial": N_("Financial"),
    "customer": N_("Customer"),
    "process": N_("Internal process"),
    "growth": N_("Learning & growth"),
}
PERIOD_KINDS = {
    "month": N_("Month"),
    "quarter": N_("Quarter"),
    "half": N_("Half-year"),
    "year": N_("Year"),
}

AXIS_UNITS = {
    "percent": "%",
    "permille": "‰",
    "duration": N_("seconds"),
    "hours": N_("hours"),
    "currency": N_("yuan"),
}


def axis_unit(unit: str | None) -> str:
    """A short unit for an axis title (empty when the unit says nothing useful)."""
    text = AXIS_UNITS.get(unit or "", "")
    return text if text in ("%", "‰") else (_(text) if text else "")


def label(table: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    return _(table[code]) if code in table else code


def format_level(value, unit: str) -> str:
    """A level or actual value as people read it: durations in h / min / s, others as numbers."""
    if value is None:
        return ""
    number = float(value)
    if unit == "duration":
        if abs(number) >= 3600 and number % 360 == 0:
            return _("{value} h").format(value=f"{number / 3600:g}")
        if abs(number) >= 60 and number % 6 == 0:
            return _("{value} min").format(value=f"{number / 60:g}")
        return _("{value} s").format(value=f"{number:g}")
    return f"{number:g}" if abs(number) < 1e15 else str(value)
