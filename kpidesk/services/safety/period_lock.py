"""The period a change belongs to, and the lock a finalized period puts on it.

Every service that writes into a period (values, forms, adjustments, calibration) looks the period up and
checks the lock here, below all of them, so the rule is written once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from kpidesk.domain.periods import parse_period
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import LockedPeriodError, NotFound
from kpidesk.i18n import _
from kpidesk.store import models as m


def period_record(session: Session, period: str) -> m.PeriodRecord:
    """The stored period for a period code; NotFound when it has not been opened."""
    code = parse_period(period).code
    record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == code)).scalar()
    if record is None:
        raise NotFound(_("Period {period} has not been opened.").format(period=code))
    return record


def ensure_writable(record: m.PeriodRecord) -> None:
    """Refuse writes to a finalized period. Inside a write, the period row is re-read under a shared lock
    (FOR SHARE on a server), so finalizing, which locks it exclusively, cannot slip in between."""
    session = object_session(record)
    if session is not None and session.in_transaction():
        session.refresh(record, with_for_update={"read": True})
    if record.status == PeriodStatus.FINALIZED:
        raise LockedPeriodError(
            _("Period {period} is finalized; reopen it (with a reason) to change anything.").format(period=record.code)
        )
