"""Sign-offs (签字): that a printed sheet of a finalized period was signed, by whom and on which day.

The signature itself stays on paper; the database records the fact so HR can see which sheets are still
unsigned. Only finalized periods are signed, because only their sheets are final. A sign-off made before
the period was reopened belongs to the superseded sheet: it is listed as no longer current and does not
block recording the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import N_, _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import (
    Permission,
    department_scope,
    own_employee_scope,
    require,
    require_for_employee,
)
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

ROLES = ("employee", "manager", "hr")
ROLE_LABELS = {"employee": N_("Employee (被考核人)"), "manager": N_("Manager (考核人)"), "hr": N_("HR (人力资源部)")}


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


@dataclass(frozen=True)
class SignOffRow:
    id: int
    period: str
    employee_id: int
    staff_no: str
    name: str
    role: str
    signed_by: str
    signed_at: datetime
    recorded_by: str | None
    current: bool  # False when the period was reopened (and finalized again) after this signature


def _finalized_on(record: m.PeriodRecord) -> date | None:
    return record.finalized_at.date() if record.finalized_at else None


def _is_current(row: m.SignOff, record: m.PeriodRecord) -> bool:
    finalized = _finalized_on(record)
    return record.status == PeriodStatus.FINALIZED and finalized is not None and row.signed_at.date() >= finalized


def record_signoff(
    session: Session,
    actor: Actor,
    period: str,
    employee_id: int,
    role: str,
    signed_by: str,
    signed_on: date | None = None,
) -> SignOffRow:
    """Record that ``signed_by`` signed ``employee_id``'s sheet as ``role`` (employee, manager or hr)."""
    record = period_record(session, period)
    if record.status != PeriodStatus.FINALIZED:
        raise ValidationError(_("Sheets of {period} are signed once the period is finalized.").format(
            period=record.code))
    if role not in ROLES:
        raise ValidationError(_("A sheet is signed by the employee, the manager or HR."))
    signer = (signed_by or "").strip()
    if not signer:
        raise ValidationError(_("Say who signed."))
    employee = session.get(m.Employee, employee_id)
    if employee is None:
        raise NotFound(_("The employee no longer exists."))
    require_for_employee(session, actor, Permission.SIGNOFF, employee_id)
    appraised = session.execute(select(m.Appraisal.id).where(
        m.Appraisal.period_id == record.id, m.Appraisal.employee_id == employee_id)).first()
    if appraised is None:
        raise ValidationError(_("{name} was not appraised in {period}.").format(name=employee.name,
                                                                                period=record.code))
    day = signed_on or utcnow().date()
    finalized = _finalized_on(record)
    if day > date.today():
        raise ValidationError(_("A signature cannot be dated in the future."))
    if finalized is not None and day < finalized:
        raise ValidationError(_("The sheet was finalized on {day}; it cannot have been signed before.").format(
            day=finalized.isoformat()))
    for existing in session.execute(select(m.SignOff).where(
            m.SignOff.period_id == record.id, m.SignOff.employee_id == employee_id, m.SignOff.role == role)).scalars():
        if _is_current(existing, record):
            raise ValidationError(_("{name}'s sheet is already signed by {role}.").format(
                name=employee.name, role=role_label(role)))
    signed_at = utcnow() if signed_on is None else datetime.combine(day, time(12, 0))
    row = m.SignOff(period_id=record.id, employee_id=employee_id, role=role, signed_by=signer,
                    signed_at=signed_at, recorded_by=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "signoff.record", entity="signoff", entity_id=row.id,
                 new={"period": record.code, "staff_no": employee.staff_no, "role": role, "signed_by": signer,
                      "signed_on": day.isoformat()})
    return _row(row, record, employee)


def remove_signoff(session: Session, actor: Actor, signoff_id: int, reason: str) -> None:
    """Take back a sign-off recorded by mistake; the reason is audited."""
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required."))
    row = session.get(m.SignOff, signoff_id)
    if row is None:
        raise NotFound(_("The sign-off no longer exists."))
    require_for_employee(session, actor, Permission.SIGNOFF, row.employee_id)
    record = session.get_one(m.PeriodRecord, row.period_id)
    employee = session.get(m.Employee, row.employee_id)
    audit.record(session, actor, "signoff.remove", entity="signoff", entity_id=row.id,
                 old={"period": record.code, "staff_no": employee.staff_no if employee else None, "role": row.role,
                      "signed_by": row.signed_by, "signed_on": row.signed_at.date().isoformat()},
                 reason=reason.strip())
    session.delete(row)


def list_signoffs(session: Session, actor: Actor, period: str, employee_id: int | None = None) -> list[SignOffRow]:
    """The period's sign-offs that ``actor`` may see, by staff number and role."""
    from kpidesk.services.appraisal.lookups import DepartmentTree

    require(actor, Permission.PERIODS_READ)
    record = period_record(session, period)
    query = (select(m.SignOff, m.Employee).join(m.Employee, m.Employee.id == m.SignOff.employee_id)
             .where(m.SignOff.period_id == record.id).order_by(m.Employee.staff_no, m.SignOff.id))
    if employee_id is not None:
        query = query.where(m.SignOff.employee_id == employee_id)
    own = own_employee_scope(actor)
    scope = department_scope(actor, Permission.RESULTS_READ)
    if own is not None:
        query = query.where(m.SignOff.employee_id == own)
    elif scope is not None:
        query = query.where(m.Employee.department_id.in_(DepartmentTree.load(session).with_descendants(scope)))
    order = {role: i for i, role in enumerate(ROLES)}
    rows = [_row(s, record, e) for s, e in session.execute(query)]
    return sorted(rows, key=lambda r: (r.staff_no, order.get(r.role, 9), r.signed_at))


def signed_roles(rows: list[SignOffRow]) -> dict[int, set[str]]:
    """Per employee, the roles whose current signature is recorded."""
    out: dict[int, set[str]] = {}
    for row in rows:
        if row.current:
            out.setdefault(row.employee_id, set()).add(row.role)
    return out


def _row(row: m.SignOff, record: m.PeriodRecord, employee: m.Employee) -> SignOffRow:
    return SignOffRow(row.id, record.code, row.employee_id, employee.staff_no, employee.name, row.role,
                      row.signed_by, row.signed_at, row.recorded_by, _is_current(row, record))
