"""From a period's results to pay: the rules in force, base pay, the budget check, what-if and freezing.

Pay is computed from the period's scores — a finalized period's snapshot, else the scores computed now
(the budget check before finalizing) — with each person's base pay, the sales figure named by the
commission table, the bonuses granted by hand and the pay rules in force for the period. A finalized
period's pay is *frozen*: stored (hashed) with the snapshot it came from, so the payroll handed over never
changes afterwards, whatever happens to base pay or rules later. Reopening the period supersedes the
snapshot, which retires the frozen pay.

Base pay is sensitive: full pay data is for roles with ``pay.read`` (HR and administrators), and only
``pay.manage`` changes rules, budgets, bonuses and base pay; a department head or an auditor sees commission,
bonus and allowances without base pay; an employee sees their own finalized line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.money import ZERO, money
from kpidesk.domain.numbers import float_or_none, int_or_none
from kpidesk.domain.pay import (
    BudgetCheck,
    PayInput,
    PayRun,
    WhatIf,
    budget_check,
    compare_runs,
    compute_pay,
)
from kpidesk.domain.pay_rules import PayRuleBook, PayRules, PayRuleVersion
from kpidesk.domain.periods import Period, PeriodKind
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.domain.streaks import DEFAULT_STREAK_RULES, StreakRule
from kpidesk.errors import LockedPeriodError, NotFound, PermissionDenied, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import PeriodScores, organisation_scores, resolve_period
from kpidesk.services.appraisal.snapshots import finalized_rows
from kpidesk.services.pay import storage
from kpidesk.services.pay.storage import Budgets
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, can
from kpidesk.services.safety.gates import touches_no_appraisal_data
from kpidesk.services.safety.settings import load_settings
from kpidesk.store import models as m

BUDGET_MEASURES = ("total", "performance", "variable")


@touches_no_appraisal_data
def can_see_pay(actor: Actor) -> bool:
    """Whether ``actor`` sees full pay (base pay included)."""
    return can(actor, Permission.PAY_READ)


@touches_no_appraisal_data
def can_manage_pay(actor: Actor) -> bool:
    """Whether ``actor`` may change pay rules, budgets, bonuses and base pay."""
    return can(actor, Permission.PAY_MANAGE)


def require_pay(actor: Actor) -> None:
    """Refuse anyone who may not see full pay."""
    if not can_see_pay(actor):
        raise PermissionDenied(_("Only HR and administrators may see pay with base pay ({user}).").format(
            user=actor.name))


def require_pay_manage(actor: Actor) -> None:
    """Refuse anyone who may not change pay rules, budgets, bonuses or base pay."""
    if not can_manage_pay(actor):
        raise PermissionDenied(_("Only HR and administrators may change pay ({user}).").format(
            user=actor.name))


# ----- rules ----------------------------------------------------------------------------------------------

def load_rule_book(session: Session) -> PayRuleBook:
    """Every stored version over the default rules (grade coefficients, 200 streak bonus)."""
    return storage.rule_book(session)


def rules_in_force(session: Session, period: str | Period) -> PayRules:
    return load_rule_book(session).in_force(resolve_period(period))


def save_rule_version(session: Session, actor: Actor, effective_from: str | Period, rules: PayRules,
                      note: str = "") -> PayRuleBook:
    """Add (or replace) the version taking effect from ``effective_from``. Refused when it would change the
    rules of a period already finalized: pay rules are versioned, like templates, not edited in place."""
    require_pay_manage(actor)
    start = resolve_period(effective_from)
    version = PayRuleVersion(start, rules, note.strip())
    book = load_rule_book(session).with_version(version)
    later = [v.effective_from.start for v in book.versions if v.effective_from.start > start.start]
    end = min(later) if later else None
    finalized = session.execute(select(m.PeriodRecord.code, m.PeriodRecord.starts_on)
                                .where(m.PeriodRecord.status == PeriodStatus.FINALIZED).order_by(m.PeriodRecord.starts_on))
    for code, starts_on in finalized:
        if starts_on >= start.start and (end is None or starts_on < end):
            raise LockedPeriodError(_(
                "Pay rules from {period} would change the pay of the finalized period {finalized}; "
                "let the new version take effect after it.").format(period=start.code, finalized=code))
    old, new = storage.store_rule_version(session, version, actor.name)
    audit.record(session, actor, "pay.rules", entity="pay_rules", entity_id=start.code, old=old,
                 new=new, reason=version.note or None)
    return book


# ----- base pay, budgets and bonuses ----------------------------------------------------------------------

def set_base_pay(session: Session, actor: Actor, staff_no: str, amount: Decimal | int | str | None) -> Decimal | None:
    """Type in (or clear) one employee's base pay, to the cent; audited."""
    require_pay_manage(actor)
    employee = session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no.strip())).scalar()
    if employee is None:
        raise NotFound(_("No employee with staff number {staff_no}").format(staff_no=staff_no))
    value = None if amount is None or str(amount).strip() == "" else money(amount)
    if value is not None and value < 0:
        raise ValidationError(_("base pay cannot be negative ({name})").format(name=employee.name))
    old = employee.base_pay
    if old == value:
        return value
    employee.base_pay = value
    audit.record(session, actor, "employee.base_pay", entity="employee", entity_id=employee.staff_no,
                 old=None if old is None else str(old), new=None if value is None else str(value))
    return value


def get_budgets(session: Session, period: str | Period) -> Budgets:
    return storage.budgets(session, resolve_period(period))


def set_budget(session: Session, actor: Actor, period: str | Period, amount: Decimal | int | str | None,
               department: str | None = None, measure: str | None = None) -> Budgets:
    """A top-level department's budget for the period (no department: the whole organisation); None removes
    it. ``measure`` (total, performance or variable) applies to all of the period's budgets."""
    require_pay_manage(actor)
    target = resolve_period(period)
    record = storage.opened_record(session, target)
    if measure is not None and measure not in BUDGET_MEASURES:
        raise ValidationError(_("unknown budget measure: {name}").format(name=measure))
    value = None if amount is None or str(amount).strip() == "" else money(amount)
    if value is not None and value < 0:
        raise ValidationError(_("A budget cannot be negative."))
    department_id = storage.department_id(session, department) if department else None
    old = storage.budgets(session, target)
    storage.store_budget(session, record, department_id, value, measure)
    audit.record(session, actor, "pay.budget", entity="period", entity_id=target.code,
                 old={"department": department, "amount": _text(old.departments.get(department) if department
                                                                 else old.organisation)},
                 new={"department": department, "amount": _text(value), "measure": measure})
    return storage.budgets(session, target)


def grant_bonus(session: Session, actor: Actor, period: str | Period, staff_no: str,
                amount: Decimal | int | str, reason: str) -> storage.Bonus:
    """A bonus granted by hand for the period, with its reason (withheld, like any bonus, under an
    improvement plan). Refused once the period's payroll is frozen."""
    require_pay_manage(actor)
    target = resolve_period(period)
    record = storage.opened_record(session, target)
    _refuse_if_frozen(session, record, target)
    if not (reason or "").strip():
        raise ValidationError(_("A bonus needs a reason."))
    value = money(amount)
    if value <= 0:
        raise ValidationError(_("A bonus must be above zero."))
    employee = session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no.strip())).scalar()
    if employee is None:
        raise NotFound(_("No employee with staff number {staff_no}").format(staff_no=staff_no))
    row = m.PayBonus(period_id=record.id, employee_id=employee.id, amount=value, reason=reason.strip(),
                     author=actor.name)
    session.add(row)
    session.flush()
    audit.record(session, actor, "pay.bonus", entity="pay_bonus", entity_id=row.id,
                 new={"period": target.code, "staff_no": employee.staff_no, "amount": str(value)},
                 reason=reason.strip())
    return storage.Bonus(row.id, employee.staff_no, employee.name, value, row.reason, row.author)


def remove_bonus(session: Session, actor: Actor, bonus_id: int, reason: str) -> None:
    require_pay_manage(actor)
    row = session.get(m.PayBonus, bonus_id)
    if row is None:
        raise NotFound(_("No bonus {id}").format(id=bonus_id))
    record = session.get_one(m.PeriodRecord, row.period_id)
    _refuse_if_frozen(session, record, resolve_period(record.code))
    if not (reason or "").strip():
        raise ValidationError(_("Removing a bonus needs a reason."))
    audit.record(session, actor, "pay.bonus.remove", entity="pay_bonus", entity_id=row.id,
                 old={"period": record.code, "employee_id": row.employee_id, "amount": str(row.amount),
                      "reason": row.reason}, reason=reason.strip())
    session.delete(row)
    session.flush()


def list_bonuses(session: Session, actor: Actor, period: str | Period) -> list[storage.Bonus]:
    require_pay(actor)
    return storage.bonuses(session, resolve_period(period))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _refuse_if_frozen(session: Session, record: m.PeriodRecord, period: Period) -> None:
    if record.status != PeriodStatus.FINALIZED:
        return
    from kpidesk.services.appraisal.snapshots import current_snapshot

    if storage.frozen_run(session, period, current_snapshot(session, record)) is not None:
        raise LockedPeriodError(_("The payroll of {period} is frozen; reopen the period to change its pay.")
                                .format(period=period.code))


# ----- computing ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodPay:
    """A period's pay as one actor may see it."""

    period: Period
    status: PeriodStatus
    source: str  # computed | frozen
    run: PayRun
    rules_from: str  # the period code the rule version in force took effect from
    snapshot_hash: str | None = None
    department_ids: Mapping[Any, int | None] = field(default_factory=dict)  # employee id → department id
    redacted: bool = False  # base pay, base × coefficient and totals are hidden
    frozen_at: str | None = None
    frozen_by: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status == PeriodStatus.FINALIZED


def streak_rule(session: Session, flag: str) -> StreakRule | None:
    """The scoring engine's streak rule raising ``flag`` (organisation setting ``streak_rules``, else the default)."""
    rules = load_settings(session).streak_rules or DEFAULT_STREAK_RULES
    return next((rule for rule in rules if rule.flag == flag), None)


def _aligned(rules: PayRules, rule: StreakRule | None) -> PayRules:
    """The streak bonus counts runs in the scoring rule's length, so "one-off" matches the flag."""
    bonus = rules.streak_bonus
    if bonus is None or rule is None or bonus.length == rule.length:
        return rules
    return replace(rules, streak_bonus=replace(bonus, length=rule.length))


def reward_runs(session: Session, period: Period, employees: Iterable[int], rule: StreakRule,
                limit: int = 120) -> dict[int, int]:
    """How many periods in a row, ending with ``period`` (counted as met), each person met ``rule``:
    walks back through the finalized periods of the same kind, one query per period."""
    runs = {e: 1 for e in employees}
    running = set(runs)
    current = period
    for _step in range(limit):
        if not running:
            break
        current = current.previous()
        record = storage.period_record(session, current)
        if record is None or record.status != PeriodStatus.FINALIZED:
            break
        met = set()
        finalized = finalized_rows(session, record)  # the results as finalized, never edited rows
        for employee_id in running:
            result = finalized.get(employee_id)
            rank = int_or_none(result.get("rank_department")) if result else None
            if result and result.get("grade_code") == rule.grade and (
                    rule.max_rank is None or (rank is not None and 1 <= rank <= rule.max_rank)):
                met.add(employee_id)
        for employee in met:
            runs[employee] += 1
        running = met
    return runs


def _measurements(session: Session, period_ids: list[int], employees: set[int], codes: set[str]) -> dict:
    out: dict[tuple[int, str], Decimal] = {}
    if not period_ids or not employees or not codes:
        return out
    rows = session.execute(select(m.Measurement.employee_id, m.Measurement.field_code, m.Measurement.value).where(
        m.Measurement.period_id.in_(period_ids), m.Measurement.employee_id.in_(employees),
        m.Measurement.field_code.in_(codes)))
    for employee, code, value in rows:
        if value is not None:
            out[(employee, code)] = out.get((employee, code), ZERO) + value
    return out


def sales_figures(session: Session, period: Period, basis_of: Mapping[int, str]) -> dict[int, Decimal]:
    """Each person's value of their commission basis: the period's own measurement, else (for a quarter,
    half-year or year) the sum of its months' measurements."""
    employees, codes = set(basis_of), set(basis_of.values())
    record = storage.period_record(session, period)
    own = _measurements(session, [record.id] if record else [], employees, codes)
    summed: dict[tuple[int, str], Decimal] = {}
    if period.kind is not PeriodKind.MONTH:
        months = [storage.period_record(session, p) for p in period.months()]
        summed = _measurements(session, [r.id for r in months if r is not None], employees, codes)
    out = {}
    for employee, code in basis_of.items():
        value = own.get((employee, code), summed.get((employee, code)))
        if value is not None:
            out[employee] = value
    return out


def pay_inputs(session: Session, scores: PeriodScores, rules: PayRules) -> tuple[list[PayInput], dict[int, int | None]]:
    """One ``PayInput`` per appraisee of ``scores`` (in staff-number order), and their department ids."""
    frame = scores.frame
    base = dict(session.execute(select(m.Employee.id, m.Employee.base_pay)
                                .where(m.Employee.id.in_([int(i) for i in frame.index]))).all())
    basis_of: dict[int, str] = {}
    flagged: set[int] = set()
    streak = rules.streak_bonus
    for employee_id, row in frame.iterrows():
        position_rules = rules.for_position(row.get("position"))
        if position_rules.commission is not None:
            basis_of[int(employee_id)] = position_rules.commission.basis
        bonus_rule = position_rules.streak_bonus
        if bonus_rule is not None and bonus_rule.flag in tuple(row.get("flags") or ()):
            flagged.add(int(employee_id))
    sales = sales_figures(session, scores.period, basis_of) if basis_of else {}
    rule = streak_rule(session, streak.flag) if streak is not None else None
    runs = reward_runs(session, scores.period, flagged, rule) if flagged and rule is not None else {}
    granted = storage.bonus_totals(session, scores.period)
    inputs, departments = [], {}
    for employee_id, row in frame.iterrows():
        employee = int(employee_id)
        total = float_or_none(row.get("total"))
        inputs.append(PayInput(
            employee=employee, staff_no=str(row.get("staff_no") or ""), name=str(row.get("name") or ""),
            department=str(row.get("department") or ""), position=row.get("position") or None,
            base_pay=base.get(employee), grade=row.get("grade_code") or None,
            total=None if total is None else Decimal(repr(total)), rank=int_or_none(row.get("rank_department")),
            flags=frozenset(row.get("flags") or ()), sales=sales.get(employee), streak_run=runs.get(employee),
            bonus=granted.get(employee, (ZERO, ""))[0], bonus_note=granted.get(employee, (ZERO, ""))[1],
        ))
        departments[employee] = int_or_none(row.get("department_id"))
    return inputs, departments


def compute_period_pay(session: Session, period: str | Period, rules: PayRules | None = None) -> PeriodPay:
    """Pay computed now (never the frozen copy), unfiltered: for the budget check, what-if and freezing."""
    target = resolve_period(period)
    scores = organisation_scores(session, target)
    version = load_rule_book(session).version_for(target)
    chosen = rules if rules is not None else version.rules
    if chosen.streak_bonus is not None:
        chosen = _aligned(chosen, streak_rule(session, chosen.streak_bonus.flag))
    inputs, departments = pay_inputs(session, scores, chosen)
    run = compute_pay(inputs, chosen, target)
    return PeriodPay(target, scores.status, "computed", run, version.effective_from.code, scores.snapshot_hash,
                     departments)


def _frozen(session: Session, period: Period) -> PeriodPay | None:
    from kpidesk.services.appraisal.snapshots import current_snapshot

    record = storage.period_record(session, period)
    if record is None or record.status != PeriodStatus.FINALIZED:
        return None
    snapshot = current_snapshot(session, record)
    frozen = storage.frozen_run(session, period, snapshot)
    if frozen is None or snapshot is None:
        return None
    return PeriodPay(period, PeriodStatus.FINALIZED, "frozen", frozen.run, frozen.rules_from, snapshot.content_hash,
                     frozen.department_ids, frozen_at=frozen.created_at, frozen_by=frozen.created_by)


def pay_in_use(session: Session) -> bool:
    """Whether the organisation computes pay at all: some base pay typed in, or a pay rule saved."""
    has_base = session.execute(select(m.Employee.id).where(m.Employee.base_pay.is_not(None)).limit(1)).first()
    has_rules = session.execute(select(m.PayRuleVersion.id).limit(1)).first()
    return bool(has_base or has_rules)


def freeze_pay(session: Session, actor: Actor, period: str | Period) -> PeriodPay:
    """Store a finalized period's pay with its snapshot (once; later calls return the stored pay)."""
    from kpidesk.services.appraisal.snapshots import current_snapshot

    require_pay(actor)
    target = resolve_period(period)
    record = storage.period_record(session, target)
    if record is None or record.status != PeriodStatus.FINALIZED:
        raise ValidationError(_("Period {period} is not finalized; pay is frozen only for a finalized period.")
                              .format(period=target.code))
    existing = _frozen(session, target)
    if existing is not None:
        return existing
    snapshot = current_snapshot(session, record)
    if snapshot is None:
        raise ValidationError(_("Period {period} has no stored results to pay from.").format(period=target.code))
    current = compute_period_pay(session, target)
    version = storage.rule_version_id(session, resolve_period(current.rules_from))
    storage.store_frozen_run(session, record, snapshot, current.run, current.rules_from, current.department_ids,
                             version, actor.name)
    totals = current.run.totals
    audit.record(session, actor, "pay.freeze", entity="period", entity_id=target.code,
                 new={"snapshot_hash": snapshot.content_hash, "rules_from": current.rules_from,
                      "people": totals.headcount, "total": str(totals.total)})
    frozen = _frozen(session, target)
    assert frozen is not None
    return frozen


def _visible_to(actor: Actor, pay: PeriodPay) -> PeriodPay:
    """Everyone's pay for HR and administrators; an employee their own line once final; nobody else any
    (a department head's staff's coefficients, bonuses and allowances are pay too)."""
    if can_see_pay(actor):
        return pay
    if not can(actor, Permission.PAY_OWN) or actor.employee_id is None:
        raise PermissionDenied(_("Only HR and administrators may see pay ({user}).").format(user=actor.name))
    if not pay.is_final:
        raise PermissionDenied(_("Pay for {period} is not final yet.").format(period=pay.period.code))
    own = tuple(line for line in pay.run.lines if line.employee == actor.employee_id)
    return replace(pay, run=PayRun(pay.period, own))


def period_pay(session: Session, actor: Actor, period: str | Period) -> PeriodPay:
    """The period's pay as ``actor`` may see it: the frozen pay of a finalized period when there is one,
    otherwise computed now (a draft until the period is finalized and its pay frozen)."""
    target = resolve_period(period)
    pay = _frozen(session, target)
    if pay is None:
        pay = compute_period_pay(session, target)
    return _visible_to(actor, pay)


# ----- budget check and what-if ---------------------------------------------------------------------------

def check_budget(session: Session, actor: Actor, period: str | Period, budgets: Budgets | None = None,
                 pay: PeriodPay | None = None) -> BudgetCheck:
    """Each department's pay against its budget for the period (stored budgets unless given)."""
    require_pay(actor)
    chosen = budgets if budgets is not None else get_budgets(session, period)
    source = pay if pay is not None else period_pay(session, actor, period)
    return budget_check(source.run, chosen.departments, chosen.measure, chosen.organisation)


def what_if_pay(session: Session, actor: Actor, period: str | Period, proposed: PayRules) -> WhatIf:
    """Everyone's pay under the rules in force and under ``proposed``, person by person (nothing stored)."""
    require_pay(actor)
    target = resolve_period(period)
    current = rules_in_force(session, target)
    if current.streak_bonus is not None:
        rule = streak_rule(session, current.streak_bonus.flag)
        current, proposed = _aligned(current, rule), _aligned(proposed, rule)
    scores = organisation_scores(session, target)
    before_inputs, _departments = pay_inputs(session, scores, current)
    after_inputs, _departments = pay_inputs(session, scores, proposed)
    return compare_runs(compute_pay(before_inputs, current, target), compute_pay(after_inputs, proposed, target))
