"""The words for a period's status, in the current language: one table for the window and the command
line (kept free of the database so the window can show them before anything else loads)."""

from __future__ import annotations

from kpidesk.i18n import N_, _

PERIOD_STATUS_WORDS = {
    "open": N_("open"),
    "review": N_("in review"),
    "finalized": N_("finalized"),
    "not_opened": N_("not opened"),
}


def period_status_text(status: str | None) -> str:
    """The words for ``status``; an unknown code is shown as it is."""
    if not status:
        return ""
    return _(PERIOD_STATUS_WORDS[status]) if status in PERIOD_STATUS_WORDS else status
