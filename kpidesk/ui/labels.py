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


def label(table: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    return _(table[code]) if code in table else code
