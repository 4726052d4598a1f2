"""The period workflow: open → review → finalize, and the audited reopening.

Opening records who is appraised, in which department and position, with which template (carried over from
their previous appraisal, else their position's template). Review releases the results to employees, who
acknowledge them or appeal (申诉). Finalizing stores the snapshot with its content hash and the result rows;
from then on nothing changes without a reopening that states its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kpidesk.domain.numbers import int_or_none
from kpidesk.domain.periods import Period
from kpidesk.domain.scoring import AutoExemption
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import LockedPeriodError, NotFound, PermissionDenied, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal.lookups import DepartmentTree, find_period_record
from kpidesk.services.appraisal.next_period import carried_exemptions, previous_template_keys
from kpidesk.services.appraisal.scoring import compute_scores, resolve_period
from kpidesk.services.appraisal.scoring_inputs import appraisees, current_templates
from kpidesk.services.appraisal.snapshots import audited_hash, build_snapshot, content_hash, current_snapshot
from kpidesk.services.safety import audit, witness
from kpidesk.services.safety.access import Permission, require, require_for_employee
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

DEPARTMENT_RULE_REASON = "two thirds of the department missed the target"
WORKLOAD_REASON = "workload well above the department's median"


@dataclass(frozen=True)
class PeriodInfo:
    code: str
    kind: str
    status: PeriodStatus
    starts_on: date
    ends_on: date
    appraisees: int
    finalized_at: datetime | None
    finalized_by: str | None
    snapshot_hash: str | None

    def to_dict(self) -> dict:
        return {
            "code": self.code, "kind": self.kind, "status": self.status, "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(), "appraisees": self.appraisees,
            "finalized_at": self.finalized_at.isoformat(timespec="seconds") if self.finalized_at else None,
            "finalized_by": self.finalized_by, "snapshot_hash": self.snapshot_hash,
        }


@dataclass(frozen=True)
class Finalized:
    code: str
    content_hash: str
    employees: int


def get_period(session: Session, period: str | Period) -> m.PeriodRecord:
    target = resolve_period(period)
    record = find_period_record(session, target.code)
    if record is None:
        raise NotFound(_("Period {period} has not been opened.").format(period=target.code))
    return record


def list_periods(session: Session, actor: Actor) -> list[PeriodInfo]:
    require(actor, Permission.PERIODS_READ)
    counts = dict(session.execute(
        select(m.Appraisal.period_id, func.count()).group_by(m.Appraisal.period_id)).all())
    hashes = dict(session.execute(
        select(m.Snapshot.period_id, m.Snapshot.content_hash).where(m.Snapshot.superseded.is_(False))).all())
    records = session.execute(select(m.PeriodRecord).order_by(m.PeriodRecord.starts_on, m.PeriodRecord.ends_on))
    return [
        PeriodInfo(r.code, r.kind, r.status, r.starts_on, r.ends_on, counts.get(r.id, 0), r.finalized_at,
                   r.finalized_by, hashes.get(r.id) if r.status == PeriodStatus.FINALIZED else None)
        for r in records.scalars()
    ]


def open_period(session: Session, actor: Actor, period: str | Period) -> m.PeriodRecord:
    """Open a period and record its appraisees with the templates carried over from their last appraisal."""
    require(actor, Permission.PERIODS_MANAGE)
    target = resolve_period(period)
    existing = find_period_record(session, target.code)
    if existing is not None:
        raise ValidationError(_("Period {period} already exists ({status}).").format(
            period=target.code, status=existing.status))
    record = m.PeriodRecord(code=target.code, kind=target.kind.value, starts_on=target.start, ends_on=target.end,
                            status=PeriodStatus.OPEN)
    session.add(record)
    session.flush()
    by_key, for_position = current_templates(session)
    carried = previous_template_keys(session, target.start)
    people = appraisees(session, target, None, for_position)
    for person in people:
        key = carried.get(person.employee_id) if carried.get(person.employee_id) in by_key else person.template_key
        session.add(m.Appraisal(
            period_id=record.id, employee_id=person.employee_id, department_id=person.department_id,
            position_id=person.position_id, template_id=by_key[key].id if key in by_key else None,
            flags=list(person.flags) or None,
        ))
    appraised = {person.employee_id for person in people}
    author = actor.name
    for exemption in carried_exemptions(session, target):
        if exemption.employee_id in appraised:
            session.add(m.Exemption(period_id=record.id, employee_id=exemption.employee_id, kpi_id=exemption.kpi_id,
                                    reason=exemption.reason, author=author, ends_on=exemption.ends_on))
    session.flush()
    audit.record(session, actor, "period.open", entity="period", entity_id=target.code,
                 new={"appraisees": len(people)})
    return record


def start_review(session: Session, actor: Actor, period: str | Period) -> m.PeriodRecord:
    """Release the results to employees for acknowledgement or appeal."""
    require(actor, Permission.PERIODS_MANAGE)
    record = get_period(session, period)
    if record.status == PeriodStatus.FINALIZED:
        raise LockedPeriodError(_("Period {period} is finalized.").format(period=record.code))
    if record.status == PeriodStatus.REVIEW:
        raise ValidationError(_("Period {period} is already in review.").format(period=record.code))
    compute_scores(session, actor, record.code)  # refuse to release results that cannot be computed
    record.status = PeriodStatus.REVIEW
    audit.record(session, actor, "period.review", entity="period", entity_id=record.code,
                 old={"status": PeriodStatus.OPEN}, new={"status": PeriodStatus.REVIEW})
    return record


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    number = float(value)
    if number != number:
        return None
    return Decimal(repr(number)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def finalize_period(session: Session, actor: Actor, period: str | Period) -> Finalized:
    """Compute, store the hashed snapshot and the result rows, and lock the period (its pay is frozen with
    it by ``services.closing``)."""
    require(actor, Permission.PERIODS_MANAGE)
    record = get_period(session, period)
    session.refresh(record, with_for_update=True)  # no write slips in between computing and locking
    if record.status == PeriodStatus.FINALIZED:
        raise LockedPeriodError(_("Period {period} is already finalized.").format(period=record.code))
    if audited_hash(session, record.code) is not None:  # its last audited change was a finalization
        raise LockedPeriodError(_(
            "Period {period} was finalized and, by the audit log, never reopened: its status was changed outside "
            "KPI Desk, so it is not finalized again (run kpidesk db check).").format(period=record.code))
    scores = compute_scores(session, actor, record.code)
    if scores.frame.empty:
        raise ValidationError(_("Period {period} has nobody to appraise.").format(period=record.code))
    content = build_snapshot(session, scores)
    digest = content_hash(content)
    name = actor.name
    session.add(m.Snapshot(period_id=record.id, content=content, content_hash=digest, created_by=name))

    session.execute(delete(m.Result).where(m.Result.period_id == record.id))
    frame = scores.frame
    for employee_id, row in frame.iterrows():
        session.add(m.Result(
            period_id=record.id, employee_id=int(employee_id), department_id=int_or_none(row["department_id"]),
            quantitative=_decimal(row["quantitative"]), qualitative=_decimal(row["qualitative"]),
            adjustments=_decimal(row["adjustments"]), total=_decimal(row["total"]),
            grade_code=row["grade_code"], grade_computed=row["grade_computed"],
            rank_department=int_or_none(row["rank_department"]), rank_organisation=int_or_none(row["rank_organisation"]),
            flags=list(row["flags"] or ()) or None,
        ))
    _fix_appraisals(session, record, scores)
    _record_automatic_exemptions(session, record, scores, name)
    record.status = PeriodStatus.FINALIZED
    record.finalized_at = utcnow()
    record.finalized_by = name
    session.flush()
    audit.record(session, actor, "period.finalize", entity="period", entity_id=record.code,
                 new={"content_hash": digest, "employees": len(frame)})
    witness.note(session, witness.FINALIZE, record.code, digest)
    return Finalized(record.code, digest, len(frame))


def _fix_appraisals(session: Session, record: m.PeriodRecord, scores) -> None:
    """The appraisal rows say exactly who was appraised, where, and with which template version."""
    loaded = scores.loaded
    existing: dict[int, m.Appraisal | None] = {a.employee_id: a for a in session.execute(
        select(m.Appraisal).where(m.Appraisal.period_id == record.id)).scalars()}
    appraised = {p.employee_id for p in loaded.appraisees}
    for employee_id, appraisal in existing.items():
        if employee_id not in appraised:
            session.delete(appraisal)
    flags = scores.frame["flags"]
    for person in loaded.appraisees:
        bundle = loaded.templates.get(person.template_key or "")
        appraisal = existing.get(person.employee_id)
        if appraisal is None:
            appraisal = m.Appraisal(period_id=record.id, employee_id=person.employee_id)
            session.add(appraisal)
        appraisal.department_id = person.department_id
        appraisal.position_id = person.position_id
        appraisal.template_id = bundle.row.id if bundle else None
        appraisal.flags = list(flags.get(person.employee_id) or ()) or None


def _record_automatic_exemptions(session: Session, record: m.PeriodRecord, scores, author: str) -> None:
    """Keep the exemptions the engine applied by itself, each with its reason, and audit them together."""
    result = scores.result
    kpi_ids = dict(session.execute(select(m.Kpi.code, m.Kpi.id)).all())
    rows, columns = result.auto.nonzero()
    audited = []
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        reason = WORKLOAD_REASON if result.auto[row, column] == AutoExemption.WORKLOAD else DEPARTMENT_RULE_REASON
        employee_id, code = int(result.input.employees[row]), result.codes[column]
        session.add(m.Exemption(period_id=record.id, employee_id=employee_id, kpi_id=kpi_ids[code], reason=reason,
                                author=author, automatic=True))
        audited.append({"employee_id": employee_id, "kpi": code, "reason": reason})
    if audited:
        audit.record(session, author, "exemption.automatic", entity="period", entity_id=record.code, new=audited)


def reopen_period(session: Session, actor: Actor, period: str | Period, reason: str) -> m.PeriodRecord:
    """Unlock a finalized period; the reason is required and audited, the old snapshot kept as superseded."""
    require(actor, Permission.PERIODS_MANAGE)
    record = get_period(session, period)
    if not (reason or "").strip():
        raise ValidationError(_("Reopening a period needs a reason."))
    if record.status != PeriodStatus.FINALIZED:
        raise ValidationError(_("Period {period} is not finalized.").format(period=record.code))
    snapshot = current_snapshot(session, record)
    if snapshot is not None:
        snapshot.superseded = True
    session.execute(delete(m.Result).where(m.Result.period_id == record.id))
    session.execute(delete(m.Exemption).where(m.Exemption.period_id == record.id, m.Exemption.automatic.is_(True)))
    record.status = PeriodStatus.OPEN
    record.finalized_at = None
    record.finalized_by = None
    audit.record(session, actor, "period.reopen", entity="period", entity_id=record.code,
                 old={"status": PeriodStatus.FINALIZED, "content_hash": snapshot.content_hash if snapshot else None},
                 new={"status": PeriodStatus.OPEN}, reason=reason.strip())
    witness.note(session, witness.REOPEN, record.code, snapshot.content_hash if snapshot else None)
    return record


def record_response(
    session: Session, actor: Actor, period: str | Period, staff_no: str, kind: str, text: str | None = None
) -> m.Appeal:
    """An employee's acknowledgement of their result, or their appeal (申诉) with its text."""
    record = get_period(session, period)
    if record.status != PeriodStatus.REVIEW:
        raise ValidationError(_("Results of {period} are not in review.").format(period=record.code))
    if kind not in ("acknowledge", "appeal"):
        raise ValidationError(_("A response is an acknowledgement or an appeal."))
    if kind == "appeal" and not (text or "").strip():
        raise ValidationError(_("An appeal needs a text."))
    employee = session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no)).scalar()
    if employee is None:
        raise NotFound(_("No employee with staff number {staff_no}").format(staff_no=staff_no))
    if actor.role is Role.EMPLOYEE:
        if actor.employee_id != employee.id:
            raise PermissionDenied(_("You can respond only to your own result."))
    else:  # a head or HR records the response on the employee's behalf
        require_for_employee(session, actor, Permission.ADJUST, employee.id)
    appeal = m.Appeal(period_id=record.id, employee_id=employee.id, kind=kind, text=(text or "").strip() or None)
    session.add(appeal)
    session.flush()
    audit.record(session, actor, f"period.{kind}", entity="appeal", entity_id=appeal.id,
                 new={"period": record.code, "staff_no": staff_no, "text": appeal.text})
    return appeal


def answer_appeal(session: Session, actor: Actor, appeal_id: int, answer: str) -> m.Appeal:
    """The manager's answer to an appeal."""
    appeal = session.get(m.Appeal, appeal_id)
    if appeal is None or appeal.kind != "appeal":
        raise NotFound(_("No appeal {id}").format(id=appeal_id))
    require_for_employee(session, actor, Permission.ADJUST, appeal.employee_id)
    if not (answer or "").strip():
        raise ValidationError(_("An answer needs a text."))
    record = session.get_one(m.PeriodRecord, appeal.period_id)
    if record.status == PeriodStatus.FINALIZED:
        raise LockedPeriodError(_("Period {period} is finalized.").format(period=record.code))
    appeal.answer = answer.strip()
    appeal.answered_by = actor.name
    appeal.answered_at = utcnow()
    audit.record(session, actor, "period.answer", entity="appeal", entity_id=appeal.id,
                 new={"answer": appeal.answer})
    return appeal


def list_responses(session: Session, period: str | Period, actor: Actor) -> list[dict]:
    """Acknowledgements and appeals of a period, as far as ``actor`` may see them."""
    from kpidesk.services.safety.access import department_scope, own_employee_scope

    record = get_period(session, period)
    query = (
        select(m.Appeal, m.Employee.staff_no, m.Employee.name)
        .join(m.Employee, m.Employee.id == m.Appeal.employee_id)
        .where(m.Appeal.period_id == record.id).order_by(m.Appeal.id)
    )
    require(actor, Permission.PERIODS_READ)
    own = own_employee_scope(actor)
    scope = department_scope(actor)
    if own is not None:
        query = query.where(m.Appeal.employee_id == own)
    elif scope is not None:
        query = query.where(m.Employee.department_id.in_(DepartmentTree.load(session).with_descendants(scope)))
    return [
        {"id": a.id, "staff_no": staff_no, "name": name, "kind": a.kind, "text": a.text, "answer": a.answer,
         "answered_by": a.answered_by, "created_at": a.created_at.isoformat(timespec="seconds")}
        for a, staff_no, name in session.execute(query)
    ]
