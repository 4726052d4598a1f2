"""Whether a period's pay is final, in words, as the pay page and ``kpidesk pay`` both say it."""

from __future__ import annotations

from kpidesk.i18n import _
from kpidesk.services.appraisal.status_words import period_status_text
from kpidesk.services.pay.payroll import PeriodPay


def pay_status_text(view: PeriodPay) -> str:
    """Whether a period's pay is final, in words: frozen (when, by whom, from which results), finalized
    but not yet frozen, or a draft while the period is still open."""
    if view.source == "frozen":
        return _("Final: frozen on {at} by {user}, from the finalized results {hash}.").format(
            at=view.frozen_at, user=view.frozen_by, hash=(view.snapshot_hash or "")[:12])
    if view.is_final:
        return _("Finalized; the pay is frozen when the payroll is first exported.")
    return _("Draft: period {period} is {status}; pay is final once the period is finalized.").format(
        period=view.period.code, status=period_status_text(view.status))
