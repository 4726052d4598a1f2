"""What the window and the command line ask of pay, one call per user action; each function takes the
``Database`` handle and the acting user and opens its own unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kpidesk.domain.pay import BudgetCheck, WhatIf, budget_check
from kpidesk.domain.pay_rules import PayRuleBook, PayRules
from kpidesk.errors import KpiDeskError
from kpidesk.services.actor import Actor
from kpidesk.services.library.kpis import FieldRow
from kpidesk.services.pay import payroll as pay
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store.db import Database


@dataclass(frozen=True)
class PayOverview:
    """A period's pay as the actor may see it, with the budget check, the rules in force and the budgets
    (the last three only for those who may see pay)."""

    view: pay.PeriodPay
    check: BudgetCheck | None
    rules: PayRules | None
    budgets: pay.Budgets | None


@requires(Permission.PAY_READ, Permission.PAY_OWN)
def pay_overview(db: Database, actor: Actor, period: str) -> PayOverview:
    with db.session() as session:
        view = pay.period_pay(session, actor, period)
        if not pay.can_see_pay(actor):
            return PayOverview(view, None, None, None)
        budgets = pay.get_budgets(session, period)
        check = pay.check_budget(session, actor, period, budgets, pay=view)
        return PayOverview(view, check, pay.rules_in_force(session, period), budgets)


@requires(Permission.PAY_READ)
def what_if(db: Database, actor: Actor, period: str, proposed: PayRules,
            budgets: pay.Budgets) -> tuple[WhatIf, BudgetCheck]:
    """The period's pay under ``proposed`` rules (nothing saved) and how it meets the budgets."""
    with db.session() as session:
        result = pay.what_if_pay(session, actor, period, proposed)
    return result, budget_check(result.after, budgets.departments, budgets.measure, budgets.organisation)


@requires(Permission.PAY_READ)
def export_payroll(db: Database, actor: Actor, period: str, out: str | Path):
    """Write the payroll file; a finalized period's pay is frozen by its first export."""
    from kpidesk.services.pay.export import export_payroll as export

    with db.write() as session:
        return export(session, actor, period, out)


@dataclass(frozen=True)
class RulesEditorData:
    """What the pay rules editor offers: the rule book, fields, positions, opened periods and the streak
    lengths of the reward and improvement rules."""

    book: PayRuleBook
    fields: tuple[FieldRow, ...] = ()
    positions: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()  # opened periods, oldest first
    reward_length: int | None = None
    poor_length: int | None = None


@requires(Permission.PAY_READ)
def rules_editor_data(db: Database, actor: Actor, improvement_flag: str) -> RulesEditorData:
    from kpidesk.services.appraisal import periods
    from kpidesk.services.library import kpis
    from kpidesk.services.people import staff

    with db.session() as session:
        pay.require_pay(actor)
        try:
            opened = tuple(p.code for p in periods.list_periods(session, actor))
        except KpiDeskError:
            opened = ()
        reward, poor = pay.streak_rule(session, "reward_streak"), pay.streak_rule(session, improvement_flag)
        return RulesEditorData(pay.load_rule_book(session), tuple(kpis.list_raw_fields(session)),
                               tuple(p.name for p in staff.list_positions(session)), opened,
                               reward.length if reward else None, poor.length if poor else None)


@requires(Permission.PAY_READ)
def rule_book(db: Database, actor: Actor) -> PayRuleBook:
    pay.require_pay(actor)
    with db.session() as session:
        return pay.load_rule_book(session)


@requires(Permission.PAY_MANAGE)
def save_rules(db: Database, actor: Actor, effective_from: str, rules: PayRules, note: str = "") -> PayRuleBook:
    with db.write() as session:
        return pay.save_rule_version(session, actor, effective_from, rules, note)


@requires(Permission.PAY_MANAGE)
def set_base_pay(db: Database, actor: Actor, staff_no: str, amount) -> Decimal | None:
    with db.write() as session:
        return pay.set_base_pay(session, actor, staff_no, amount)


@requires(Permission.PAY_MANAGE)
def set_budget(db: Database, actor: Actor, period: str, amount, department: str | None,
               measure: str | None) -> pay.Budgets:
    with db.write() as session:
        return pay.set_budget(session, actor, period, amount, department, measure)


@requires(Permission.PAY_MANAGE)
def grant_bonus(db: Database, actor: Actor, period: str, staff_no: str, amount, reason: str):
    with db.write() as session:
        return pay.grant_bonus(session, actor, period, staff_no, amount, reason)
