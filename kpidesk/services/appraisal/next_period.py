"""Starting the next period: which one comes next, who it will appraise with which template, what carries over.

Opening a month should not need the command line or a guess: the next period follows the organisation's
rhythm (the shortest kind of period it has run), the roster shows the joiners, leavers and transfers since
the last period before anything is written, and exemptions that were given an end date carry on into every
period that starts on or before that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.periods import Period, PeriodKind, parse_period
from kpidesk.services.appraisal.lookups import DepartmentTree
from kpidesk.services.appraisal.scoring_inputs import appraisees, current_templates
from kpidesk.store import models as m

_KIND_ORDER = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR]


class RosterChange(StrEnum):
    """How a person's place in the new period differs from their last appraisal."""

    CONTINUING = "continuing"
    JOINED = "joined"
    TRANSFERRED = "transferred"
    LEFT = "left"


@dataclass(frozen=True)
class RosterLine:
    staff_no: str
    name: str
    department: str
    template_key: str | None
    template_version: int | None
    change: RosterChange
    previous_department: str | None = None

    def to_dict(self) -> dict:
        return {
            "staff_no": self.staff_no, "name": self.name, "department": self.department,
            "template": self.template_key, "template_version": self.template_version, "change": self.change.value,
            "previous_department": self.previous_department,
        }


@dataclass(frozen=True)
class CarriedExemption:
    employee_id: int
    staff_no: str
    kpi_id: int
    kpi_code: str
    reason: str
    ends_on: date


@dataclass(frozen=True)
class PeriodPlan:
    """What opening ``code`` would do; ``lines`` include the leavers, who are not appraised."""

    code: str
    lines: tuple[RosterLine, ...]
    exemptions: tuple[CarriedExemption, ...]
    already_open: bool = False

    @property
    def appraised(self) -> list[RosterLine]:
        return [line for line in self.lines if line.change is not RosterChange.LEFT]

    def to_dict(self) -> dict:
        return {
            "period": self.code,
            "already_open": self.already_open,
            "appraisees": len(self.appraised),
            "roster": [line.to_dict() for line in self.lines],
            "exemptions": [{"staff_no": e.staff_no, "kpi": e.kpi_code, "reason": e.reason,
                            "ends_on": e.ends_on.isoformat()} for e in self.exemptions],
        }


def propose_next_period(session: Session, today: date | None = None) -> Period:
    """The period after the latest one of the organisation's shortest kind; this month when none exists."""
    codes = session.execute(select(m.PeriodRecord.code)).scalars().all()
    periods = [parse_period(code) for code in codes]
    if not periods:
        today = today or date.today()
        return Period(today.year, PeriodKind.MONTH, today.month)
    rhythm = min((p.kind for p in periods), key=_KIND_ORDER.index)
    latest = max((p for p in periods if p.kind is rhythm), key=lambda p: p.start)
    candidate = latest.next()
    taken = set(codes)
    while candidate.code in taken:
        candidate = candidate.next()
    return candidate


def previous_template_keys(session: Session, before: date) -> dict[int, str]:
    """Each employee's template key on their latest appraisal that started before ``before``."""
    rows = session.execute(
        select(m.Appraisal.employee_id, m.Template.key)
        .join(m.PeriodRecord, m.PeriodRecord.id == m.Appraisal.period_id)
        .join(m.Template, m.Template.id == m.Appraisal.template_id)
        .where(m.PeriodRecord.starts_on < before)
        .order_by(m.PeriodRecord.starts_on, m.PeriodRecord.ends_on)
    )
    return {employee_id: key for employee_id, key in rows}


def _last_period_before(session: Session, target: Period) -> m.PeriodRecord | None:
    """The latest period of the same kind that ended before ``target`` starts."""
    return session.execute(
        select(m.PeriodRecord).where(m.PeriodRecord.kind == target.kind.value, m.PeriodRecord.ends_on < target.start)
        .order_by(m.PeriodRecord.ends_on.desc())
    ).scalars().first()


def carried_exemptions(session: Session, target: Period) -> list[CarriedExemption]:
    """Exemptions of earlier periods whose end date reaches into ``target``, one per person and KPI."""
    rows = session.execute(
        select(m.Exemption, m.Employee.staff_no, m.Kpi.code)
        .join(m.PeriodRecord, m.PeriodRecord.id == m.Exemption.period_id)
        .join(m.Employee, m.Employee.id == m.Exemption.employee_id)
        .join(m.Kpi, m.Kpi.id == m.Exemption.kpi_id)
        .where(m.Exemption.ends_on.is_not(None), m.Exemption.ends_on >= target.start,
               m.PeriodRecord.starts_on < target.start)
        .order_by(m.PeriodRecord.starts_on)
    ).all()
    latest: dict[tuple[int, int], CarriedExemption] = {}
    for exemption, staff_no, kpi_code in rows:
        assert exemption.ends_on is not None
        latest[(exemption.employee_id, exemption.kpi_id)] = CarriedExemption(
            exemption.employee_id, staff_no, exemption.kpi_id, kpi_code, exemption.reason, exemption.ends_on)
    return sorted(latest.values(), key=lambda e: (e.staff_no, e.kpi_code))


def plan_period(session: Session, period: str | Period) -> PeriodPlan:
    """Who opening ``period`` would appraise, with which template version, and what would carry over."""
    target = parse_period(period)
    by_key, for_position = current_templates(session)
    carried = previous_template_keys(session, target.start)
    tree = DepartmentTree.load(session)
    previous = _last_period_before(session, target)
    before: dict[int, m.Appraisal] = {}
    if previous is not None:
        before = {a.employee_id: a for a in session.execute(
            select(m.Appraisal).where(m.Appraisal.period_id == previous.id)).scalars()}
    lines: list[RosterLine] = []
    appraised_ids = set()
    for person in appraisees(session, target, None, for_position):
        appraised_ids.add(person.employee_id)
        key = carried.get(person.employee_id)
        key = key if key in by_key else person.template_key
        template = by_key.get(key) if key is not None else None
        last = before.get(person.employee_id)
        department = tree.names.get(person.department_id, "")
        change = RosterChange.CONTINUING
        previous_department = None
        if previous is not None and last is None:
            change = RosterChange.JOINED
        elif last is not None and last.department_id != person.department_id:
            change = RosterChange.TRANSFERRED
            previous_department = tree.names.get(last.department_id, "")
        lines.append(RosterLine(person.staff_no, person.name, department, template.key if template else None,
                                template.version if template else None, change, previous_department))
    gone = [a for employee_id, a in before.items() if employee_id not in appraised_ids]
    if gone:
        people = {e.id: e for e in session.execute(
            select(m.Employee).where(m.Employee.id.in_([a.employee_id for a in gone]))).scalars()}
        for appraisal in sorted(gone, key=lambda a: people[a.employee_id].staff_no):
            employee = people[appraisal.employee_id]
            lines.append(RosterLine(employee.staff_no, employee.name, tree.names.get(appraisal.department_id, ""),
                                    None, None, RosterChange.LEFT))
    exemptions = [e for e in carried_exemptions(session, target) if e.employee_id in appraised_ids]
    exists = session.execute(select(m.PeriodRecord.id).where(m.PeriodRecord.code == target.code)).first() is not None
    return PeriodPlan(target.code, tuple(lines), tuple(exemptions), exists)
