"""Reading and writing the pay tables: rule versions, budgets, hand-granted bonuses and frozen payrolls.

Plain persistence for ``kpidesk.services.pay.payroll``, which checks permissions and locks before calling here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.money import ZERO
from kpidesk.domain.pay import PayLine, PayRun
from kpidesk.domain.pay_rules import DEFAULT_RULE_BOOK, PayRuleBook, PayRules, PayRuleVersion
from kpidesk.domain.periods import Period, parse_period
from kpidesk.errors import CorruptDatabase, NotFound
from kpidesk.i18n import _
from kpidesk.store import models as m


def period_record(session: Session, period: Period) -> m.PeriodRecord | None:
    return session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == period.code)).scalar()


def opened_record(session: Session, period: Period) -> m.PeriodRecord:
    record = period_record(session, period)
    if record is None:
        raise NotFound(_("Period {period} has not been opened.").format(period=period.code))
    return record


# ----- rules ----------------------------------------------------------------------------------------------

def rule_book(session: Session) -> PayRuleBook:
    """The stored versions over the default rules (grade coefficients, 200 streak bonus) for earlier periods."""
    book = DEFAULT_RULE_BOOK
    for row in session.execute(select(m.PayRuleVersion).order_by(m.PayRuleVersion.starts_on)).scalars():
        book = book.with_version(PayRuleVersion(parse_period(row.effective_from), PayRules.from_dict(row.rules),
                                                row.note or ""))
    return book


def rule_version_id(session: Session, effective_from: Period) -> int | None:
    return session.execute(select(m.PayRuleVersion.id).where(
        m.PayRuleVersion.starts_on == effective_from.start)).scalar()


def store_rule_version(session: Session, version: PayRuleVersion, author: str) -> tuple[dict | None, dict]:
    """Insert or replace the version starting that day; returns the old and new rules (for the audit)."""
    row = session.execute(select(m.PayRuleVersion).where(
        m.PayRuleVersion.starts_on == version.effective_from.start)).scalar()
    rules = version.rules.to_dict()
    old = None
    if row is None:
        session.add(m.PayRuleVersion(effective_from=version.effective_from.code, starts_on=version.effective_from.start,
                                     rules=rules, note=version.note or None, created_by=author))
    else:
        old = row.rules
        row.effective_from, row.rules, row.note, row.created_by = (version.effective_from.code, rules,
                                                                   version.note or None, author)
    session.flush()
    return old, rules


# ----- budgets --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Budgets:
    """A period's budgets by top-level department name, the organisation's, and what they cover."""

    departments: Mapping[str, Decimal] = field(default_factory=dict)
    organisation: Decimal | None = None
    measure: str = "total"


def budgets(session: Session, period: Period) -> Budgets:
    record = period_record(session, period)
    if record is None:
        return Budgets()
    rows = session.execute(select(m.PayBudget, m.Department.name)
                           .outerjoin(m.Department, m.Department.id == m.PayBudget.department_id)
                           .where(m.PayBudget.period_id == record.id)).all()
    departments = {name: row.amount for row, name in rows if row.department_id is not None}
    organisation = next((row.amount for row, _name in rows if row.department_id is None), None)
    measure = next((row.measure for row, _name in rows), "total")
    return Budgets(departments, organisation, measure)


def department_id(session: Session, name: str) -> int:
    found = session.execute(select(m.Department.id).where(m.Department.name == name.strip())).scalars().all()
    if not found:
        raise NotFound(_("No department named {name}").format(name=name))
    return found[0]


def store_budget(session: Session, record: m.PeriodRecord, department: int | None, amount: Decimal | None,
                 measure: str | None) -> None:
    row = session.execute(select(m.PayBudget).where(
        m.PayBudget.period_id == record.id,
        m.PayBudget.department_id.is_(None) if department is None else m.PayBudget.department_id == department,
    )).scalar()
    current = budgets_measure(session, record)
    if amount is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(m.PayBudget(period_id=record.id, department_id=department, amount=amount,
                                measure=measure or current))
    else:
        row.amount = amount
    if measure is not None:
        for other in session.execute(select(m.PayBudget).where(m.PayBudget.period_id == record.id)).scalars():
            other.measure = measure
    session.flush()


def budgets_measure(session: Session, record: m.PeriodRecord) -> str:
    return session.execute(select(m.PayBudget.measure).where(m.PayBudget.period_id == record.id).limit(1)).scalar() \
        or "total"


# ----- bonuses --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bonus:
    id: int
    staff_no: str
    name: str
    amount: Decimal
    reason: str
    author: str


def bonuses(session: Session, period: Period, employees: Iterable[int] | None = None) -> list[Bonus]:
    record = period_record(session, period)
    if record is None:
        return []
    query = (select(m.PayBonus, m.Employee.staff_no, m.Employee.name)
             .join(m.Employee, m.Employee.id == m.PayBonus.employee_id)
             .where(m.PayBonus.period_id == record.id).order_by(m.PayBonus.id))
    if employees is not None:
        query = query.where(m.PayBonus.employee_id.in_(list(employees)))
    return [Bonus(row.id, staff_no, name, row.amount, row.reason, row.author)
            for row, staff_no, name in session.execute(query)]


def bonus_totals(session: Session, period: Period) -> dict[int, tuple[Decimal, str]]:
    """Per employee id: the sum of their hand-granted bonuses and the reasons joined."""
    record = period_record(session, period)
    if record is None:
        return {}
    out: dict[int, tuple[Decimal, str]] = {}
    for row in session.execute(select(m.PayBonus).where(m.PayBonus.period_id == record.id)
                               .order_by(m.PayBonus.id)).scalars():
        amount, reasons = out.get(row.employee_id, (ZERO, ""))
        out[row.employee_id] = (amount + row.amount, "; ".join(r for r in (reasons, row.reason) if r))
    return out


# ----- frozen payrolls ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FrozenRun:
    run: PayRun
    rules_from: str
    department_ids: dict[int, int | None]
    snapshot_id: int
    created_at: str
    created_by: str | None


def frozen_run(session: Session, period: Period, snapshot: m.Snapshot | None) -> FrozenRun | None:
    """The payroll frozen from ``snapshot`` (the period's current one), checked against its hash."""
    from kpidesk.services.appraisal.snapshots import content_hash

    if snapshot is None:
        return None
    row = session.execute(select(m.PayRun).where(
        m.PayRun.snapshot_id == snapshot.id, m.PayRun.superseded.is_(False)).order_by(m.PayRun.id.desc())).scalar()
    if row is None:
        return None
    if content_hash(row.content) != row.content_hash:
        raise CorruptDatabase(_("The frozen payroll of {period} does not match its checksum; it was changed after "
                                "it was frozen.").format(period=period.code))
    content = row.content
    run = PayRun(period, tuple(PayLine.from_dict(line) for line in content["run"]["lines"]))
    departments = {int(k): v for k, v in (content.get("department_ids") or {}).items()}
    return FrozenRun(run, content.get("rules_from", ""), departments, row.snapshot_id,
                     row.created_at.isoformat(timespec="seconds"), row.created_by)


def store_frozen_run(session: Session, record: m.PeriodRecord, snapshot: m.Snapshot, run: PayRun, rules_from: str,
                     department_ids: Mapping[int, int | None], rule_version: int | None, author: str) -> m.PayRun:
    """Keep the payroll with its hash; earlier frozen payrolls of the period are marked superseded."""
    from kpidesk.services.appraisal.snapshots import content_hash

    for old in session.execute(select(m.PayRun).where(m.PayRun.period_id == record.id,
                                                      m.PayRun.superseded.is_(False))).scalars():
        old.superseded = True
    content: dict[str, Any] = {"period": record.code, "snapshot_hash": snapshot.content_hash, "rules_from": rules_from,
                               "run": run.to_dict(), "department_ids": {str(k): v for k, v in department_ids.items()}}
    row = m.PayRun(period_id=record.id, snapshot_id=snapshot.id, rule_version_id=rule_version, content=content,
                   content_hash=content_hash(content), created_by=author)
    session.add(row)
    session.flush()
    return row
