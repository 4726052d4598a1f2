"""Checking a printed appraisal sheet against the database: the snapshot hash on the paper must be the
hash of the period's current finalization, as the audit log recorded it, whose stored content still hashes
to it, and that includes the employee."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import _
from kpidesk.i18n.times import format_local_time
from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission, require_for_employee
from kpidesk.store import models as m

MIN_PRINTED_DIGITS = 16  # a shortened hash must still be long enough not to match by chance


@dataclass(frozen=True)
class SheetCheck:
    ok: bool
    message: str
    snapshot_hash: str | None = None
    finalized_at: datetime | None = None
    finalized_by: str | None = None
    superseded: bool = False


def verify_sheet(session: Session, actor: Actor, period: str, staff_no: str, printed_hash: str) -> SheetCheck:
    """Whether a sheet printed with ``printed_hash`` for ``staff_no`` in ``period`` is the one the database
    holds now. ``printed_hash`` may be the start of the hash (at least 16 hex digits), spaces ignored."""
    from kpidesk.services.appraisal.snapshots import audited_hash, current_snapshot, verify
    from kpidesk.services.people.staff import employee_by_staff_no
    from kpidesk.services.safety.period_lock import period_record

    digits = "".join(printed_hash.split()).lower()
    if len(digits) < MIN_PRINTED_DIGITS or any(ch not in string.hexdigits for ch in digits):
        raise ValidationError(
            _("Give the hash printed on the sheet (at least {count} hexadecimal digits).").format(
                count=MIN_PRINTED_DIGITS)
        )
    employee = employee_by_staff_no(session, staff_no)
    record = period_record(session, period)
    appraisal_department = session.execute(
        select(m.Appraisal.department_id).where(m.Appraisal.period_id == record.id,
                                                m.Appraisal.employee_id == employee.id)
    ).scalar()
    require_for_employee(session, actor, Permission.RESULTS_READ, employee.id, department_id=appraisal_department)
    snapshots = session.execute(  # their contents left unread but for the one the sheet names
        select(m.Snapshot).options(defer(m.Snapshot.content)).where(m.Snapshot.period_id == record.id)
        .order_by(m.Snapshot.id.desc())
    ).scalars().all()
    match = next((s for s in snapshots if s.content_hash.lower().startswith(digits)), None)
    if match is None:
        return SheetCheck(False, _("The hash does not match any finalization of {period}: this sheet was not "
                                   "printed from the finalized results.").format(period=record.code))
    if not verify(match):
        return SheetCheck(False, _("The finalized results of {period} stored in the database have been altered "
                                   "since the sheet was printed.").format(period=record.code), match.content_hash)
    people = {row.get("employee_id") for row in (match.content or {}).get("rows", [])}
    if employee.id not in people:
        return SheetCheck(False, _("{name} ({staff_no}) is not in the finalized results of {period}.").format(
            name=employee.name, staff_no=employee.staff_no, period=record.code), match.content_hash)
    if record.status != PeriodStatus.FINALIZED:
        return SheetCheck(False, _("{period} is no longer finalized; this sheet is out of date.").format(
            period=record.code), match.content_hash, match.created_at, match.created_by, superseded=True)
    current = current_snapshot(session, record)
    if match.superseded or current is None or current.id != match.id:
        return SheetCheck(False, _("This sheet shows results of {period} that were reopened and finalized "
                                   "again; it is out of date.").format(period=record.code),
                          match.content_hash, match.created_at, match.created_by, superseded=True)
    if audited_hash(session, record.code) != match.content_hash:
        return SheetCheck(False, _("The finalized results of {period} in the database are not the ones whose hash "
                                   "the audit log recorded at finalization; this sheet cannot be confirmed.").format(
            period=record.code), match.content_hash)
    return SheetCheck(True, _("The sheet matches the finalized results of {period} for {name} ({staff_no}), "
                              "finalized {at} by {user}.").format(
        period=record.code, name=employee.name, staff_no=employee.staff_no,
        at=format_local_time(match.created_at), user=match.created_by or "—"),
        match.content_hash, match.created_at, match.created_by)


def period_snapshot_hash(session: Session, period: str) -> str:
    """The hash a sheet of ``period`` printed now carries (NotFound before finalization)."""
    from kpidesk.services.appraisal.snapshots import current_snapshot
    from kpidesk.services.safety.period_lock import period_record

    record = period_record(session, period)
    snapshot = current_snapshot(session, record) if record.status == PeriodStatus.FINALIZED else None
    if snapshot is None:
        raise NotFound(_("Period {period} is not finalized.").format(period=record.code))
    return snapshot.content_hash
