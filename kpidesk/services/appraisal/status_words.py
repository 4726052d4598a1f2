"""The words for a period's status, in the current language: one table for the window and the command
line (kept free of the database so the window can show them before anything else loads)."""

from __future__ import annotations

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.i18n import N_, _

PERIOD_STATUS_WORDS: dict[str, str] = {  # PeriodStatus members are strings
    PeriodStatus.OPEN: N_("open"),
    PeriodStatus.REVIEW: N_("in review"),
    PeriodStatus.FINALIZED: N_("finalized"),
    PeriodStatus.NOT_OPENED: N_("not opened"),
}


def period_status_text(status: str | None) -> str:
    """The words for ``status``; an unknown code is shown as it is."""
    if not status:
        return ""
    return _(PERIOD_STATUS_WORDS[status]) if status in PERIOD_STATUS_WORDS else status
