"""Adjustments (bonus/penalty points), exemptions and grading waivers (grade despite too little data): each
with a reason, an author and an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.errors import NotFound, PermissionDenied, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require_for_employee
from kpidesk.services.safety.period_lock import ensure_writable, period_record
from kpidesk.store import models as m

MAX_POINTS = Decimal(50)


@dataclass(frozen=True)
class AdjustmentRow:
    id: int
    employee_id: int
    points: Decimal
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class ExemptionRow:
    id: int
    employee_id: int
    kpi_code: str
    reason: str
    author: str
    automatic: bool


@dataclass(frozen=True)
class GradingWaiverRow:
    id: int
    employee_id: int
    reason: str
    author: str
    created_at: datetime


def _may_read(session: Session, actor: Actor, employee_id: int) -> bool:
    """Lists leave out the people the reader may not see, rather than refusing the whole list."""
    try:
        require_for_employee(session, actor, Permission.RESULTS_READ, employee_id)
    except PermissionDenied:
        return False
    return True


def _reason(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError(_("A reason is required."))
    return cleaned


def _removable(session: Session, actor: Actor, model, row_id: int, gone: str):
    """The row to remove, with its period: refused when it is gone, its period is locked or ``actor`` may not
    adjust that person."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(gone)
    record = session.get_one(m.PeriodRecord, row.period_id)
    ensure_writable(record)
    require_for_employee(session, actor, Permission.ADJUST, row.employee_id)
    return row, record


def _points(value) -> Decimal:
    try:
        points = Decimal(str(value).strip().replace("＋", "+").replace("−", "-"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("Points must be a number, e.g. 2 or -1.5.")) from exc
    if not points.is_finite() or points == 0 or abs(points) > MAX_POINTS:
        raise ValidationError(_("Points must be non-zero and at most {limit} either way.").format(limit=MAX_POINTS))
    return points


def add_adjustment(session: Session, actor: Actor, period: str, employee_id: int, points, reason: str) -> m.Adjustment:
    record = period_record(session, period)
    ensure_writable(record)
    require_for_employee(session, actor, Permission.ADJUST, employee_id)
    row = m.Adjustment(period_id=record.id, employee_id=employee_id, points=_points(points),
                       reason=_reason(reason), author=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "adjustment.add", entity="adjustment", entity_id=row.id,
                 new={"period": record.code, "employee_id": employee_id, "points": str(row.points)}, reason=row.reason)
    return row


def remove_adjustment(session: Session, actor: Actor, adjustment_id: int, reason: str | None = None) -> None:
    row, record = _removable(session, actor, m.Adjustment, adjustment_id, _("The adjustment no longer exists."))
    audit.record(session, actor, "adjustment.remove", entity="adjustment", entity_id=row.id,
                 old={"period": record.code, "employee_id": row.employee_id, "points": str(row.points),
                      "reason": row.reason}, reason=reason)
    session.delete(row)


def list_adjustments(session: Session, actor: Actor, period: str, employee_id: int | None = None) -> list[AdjustmentRow]:
    record = period_record(session, period)
    query = select(m.Adjustment).where(m.Adjustment.period_id == record.id).order_by(m.Adjustment.id)
    if employee_id is not None:
        query = query.where(m.Adjustment.employee_id == employee_id)
    return [
        AdjustmentRow(a.id, a.employee_id, a.points, a.reason, a.author, a.created_at)
        for a in session.execute(query).scalars()
        if _may_read(session, actor, a.employee_id)
    ]


def add_exemption(session: Session, actor: Actor, period: str, employee_id: int, kpi_code: str, reason: str,
                  ends_on: date | None = None) -> m.Exemption:
    """Exempt one KPI for one person; with ``ends_on`` it carries into the periods that start by then."""
    record = period_record(session, period)
    ensure_writable(record)
    require_for_employee(session, actor, Permission.ADJUST, employee_id)
    kpi = session.execute(select(m.Kpi).where(m.Kpi.code == kpi_code)).scalar()
    if kpi is None:
        raise NotFound(_("No KPI with code {code}").format(code=kpi_code))
    existing = session.execute(select(m.Exemption).where(
        m.Exemption.period_id == record.id, m.Exemption.employee_id == employee_id, m.Exemption.kpi_id == kpi.id)).scalar()
    if existing is not None:
        raise ValidationError(_("This KPI is already exempt for this employee."))
    if ends_on is not None and ends_on < record.starts_on:
        raise ValidationError(_("An exemption cannot end before its period starts."))
    row = m.Exemption(period_id=record.id, employee_id=employee_id, kpi_id=kpi.id, reason=_reason(reason),
                      author=actor.name, ends_on=ends_on)
    session.add(row)
    session.flush()
    added = {"period": record.code, "employee_id": employee_id, "kpi": kpi_code}
    if ends_on is not None:
        added["ends_on"] = ends_on.isoformat()
    audit.record(session, actor, "exemption.add", entity="exemption", entity_id=row.id, new=added, reason=row.reason)
    return row


def remove_exemption(session: Session, actor: Actor, exemption_id: int, reason: str | None = None) -> None:
    row, _record = _removable(session, actor, m.Exemption, exemption_id, _("The exemption no longer exists."))
    audit.record(session, actor, "exemption.remove", entity="exemption", entity_id=row.id,
                 old={"employee_id": row.employee_id, "kpi_id": row.kpi_id, "reason": row.reason}, reason=reason)
    session.delete(row)


def list_exemptions(session: Session, actor: Actor, period: str) -> list[ExemptionRow]:
    record = period_record(session, period)
    rows = []
    for ex, code in session.execute(
        select(m.Exemption, m.Kpi.code).join(m.Kpi, m.Kpi.id == m.Exemption.kpi_id)
        .where(m.Exemption.period_id == record.id).order_by(m.Exemption.id)
    ):
        if not _may_read(session, actor, ex.employee_id):
            continue
        rows.append(ExemptionRow(ex.id, ex.employee_id, code, ex.reason, ex.author, ex.automatic))
    return rows


def add_grading_waiver(session: Session, actor: Actor, period: str, employee_id: int, reason: str) -> m.GradingWaiver:
    """Grade and rank one person in ``period`` although their result rests on less of the template than the
    minimum coverage to grade; the reason is required and kept in the audit log."""
    record = period_record(session, period)
    ensure_writable(record)
    require_for_employee(session, actor, Permission.ADJUST, employee_id)
    existing = session.execute(select(m.GradingWaiver.id).where(
        m.GradingWaiver.period_id == record.id, m.GradingWaiver.employee_id == employee_id)).first()
    if existing is not None:
        raise ValidationError(_("This employee is already graded despite too little data."))
    row = m.GradingWaiver(period_id=record.id, employee_id=employee_id, reason=_reason(reason), author=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "grading_waiver.add", entity="grading_waiver", entity_id=row.id,
                 new={"period": record.code, "employee_id": employee_id}, reason=row.reason)
    return row


def remove_grading_waiver(session: Session, actor: Actor, waiver_id: int, reason: str | None = None) -> None:
    """The person is graded again only when their coverage reaches the minimum."""
    row, record = _removable(session, actor, m.GradingWaiver, waiver_id,
                             _("The decision to grade despite too little data no longer exists."))
    audit.record(session, actor, "grading_waiver.remove", entity="grading_waiver", entity_id=row.id,
                 old={"period": record.code, "employee_id": row.employee_id, "reason": row.reason}, reason=reason)
    session.delete(row)


def list_grading_waivers(session: Session, actor: Actor, period: str,
                         employee_id: int | None = None) -> list[GradingWaiverRow]:
    record = period_record(session, period)
    query = select(m.GradingWaiver).where(m.GradingWaiver.period_id == record.id).order_by(m.GradingWaiver.id)
    if employee_id is not None:
        query = query.where(m.GradingWaiver.employee_id == employee_id)
    return [GradingWaiverRow(w.id, w.employee_id, w.reason, w.author, w.created_at)
            for w in session.execute(query).scalars() if _may_read(session, actor, w.employee_id)]
