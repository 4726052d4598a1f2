"""Pay per person for a period, budget totals and what-if — all in Decimal, rounded to the cent half-up.

Each component (base × coefficient, commission, bonus, allowances) is rounded to the cent on its own and
the total is their exact sum, so a payroll file's columns always add up to its total column.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kpidesk.domain.money import ZERO, round_cents, to_decimal
from kpidesk.domain.pay_explanations import PayExplanation
from kpidesk.domain.pay_rules import PayRuleBook, PayRules
from kpidesk.domain.periods import Period
from kpidesk.domain.streaks import StreakRule
from kpidesk.errors import ValidationError
from kpidesk.i18n import _

IMPROVEMENT_PLAN = "improvement_plan"
MISSING_BASE = "missing_base"
STREAK_BONUS = "streak_bonus"
MISSING_SALES = "missing_sales"


@dataclass(frozen=True)
class PayInput:
    """What pay needs about one person in one period (from the finalized snapshot and the staff record)."""

    employee: Hashable
    staff_no: str = ""
    name: str = ""
    department: str = ""
    position: str | None = None
    base_pay: Decimal | None = None
    grade: str | None = None
    total: Decimal | float | None = None
    rank: int | None = None
    flags: frozenset[str] = frozenset()
    sales: Decimal | None = None
    streak_run: int | None = None  # consecutive periods meeting the reward condition, ending now
    bonus: Decimal = ZERO  # a bonus granted by hand
    bonus_note: str = ""


@dataclass(frozen=True)
class PayLine:
    employee: Hashable
    staff_no: str
    name: str
    department: str
    position: str | None
    base_pay: Decimal | None
    coefficient: Decimal
    performance_pay: Decimal  # base pay × coefficient, to the cent
    commission: Decimal
    bonus: Decimal
    allowances: Decimal
    flags: tuple[str, ...] = ()
    explanations: Mapping[str, PayExplanation] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.performance_pay + self.commission + self.bonus + self.allowances

    @property
    def improvement_plan(self) -> bool:
        return IMPROVEMENT_PLAN in self.flags

    def to_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "employee": self.employee, "staff_no": self.staff_no, "name": self.name,
            "department": self.department, "position": self.position, "base_pay": text(self.base_pay),
            "coefficient": str(self.coefficient), "performance_pay": str(self.performance_pay),
            "commission": str(self.commission), "bonus": str(self.bonus), "allowances": str(self.allowances),
            "total": str(self.total), "flags": list(self.flags),
            "explanations": {k: e.to_dict() for k, e in self.explanations.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PayLine:
        return cls(
            data["employee"], data.get("staff_no", ""), data.get("name", ""), data.get("department", ""),
            data.get("position"), to_decimal(data.get("base_pay")), Decimal(data["coefficient"]),
            Decimal(data["performance_pay"]), Decimal(data["commission"]), Decimal(data["bonus"]),
            Decimal(data["allowances"]), tuple(data.get("flags") or ()),
            {k: PayExplanation.from_dict(e) for k, e in (data.get("explanations") or {}).items()},
        )


@dataclass(frozen=True)
class PayTotals:
    headcount: int = 0
    base_pay: Decimal = ZERO
    performance_pay: Decimal = ZERO
    commission: Decimal = ZERO
    bonus: Decimal = ZERO
    allowances: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.performance_pay + self.commission + self.bonus + self.allowances

    @property
    def variable(self) -> Decimal:
        """What performance changes: pay above or below base, plus commission and bonus."""
        return self.performance_pay - self.base_pay + self.commission + self.bonus

    def measure(self, name: str) -> Decimal:
        if name == "total":
            return self.total
        if name == "variable":
            return self.variable
        if name == "performance":
            return self.performance_pay + self.commission + self.bonus
        raise ValidationError(_("unknown budget measure: {name}").format(name=name))

    @classmethod
    def of(cls, lines: Iterable[PayLine]) -> PayTotals:
        lines = list(lines)
        return cls(
            len(lines),
            sum((line.base_pay or ZERO for line in lines), ZERO),
            sum((line.performance_pay for line in lines), ZERO),
            sum((line.commission for line in lines), ZERO),
            sum((line.bonus for line in lines), ZERO),
            sum((line.allowances for line in lines), ZERO),
        )


@dataclass(frozen=True)
class PayRun:
    period: Period | None
    lines: tuple[PayLine, ...]

    @property
    def totals(self) -> PayTotals:
        return PayTotals.of(self.lines)

    def by_department(self) -> dict[str, PayTotals]:
        groups: dict[str, list[PayLine]] = {}
        for line in self.lines:
            groups.setdefault(line.department, []).append(line)
        return {name: PayTotals.of(group) for name, group in sorted(groups.items())}

    def line(self, employee: Hashable) -> PayLine:
        for line in self.lines:
            if line.employee == employee:
                return line
        raise KeyError(employee)

    def to_dict(self) -> dict[str, Any]:
        return {"period": None if self.period is None else self.period.code,
                "lines": [line.to_dict() for line in self.lines]}


# ----- one person -----------------------------------------------------------------------------------------

def _base_component(item: PayInput, rules: PayRules) -> tuple[Decimal, Decimal, PayExplanation, list[str]]:
    c = rules.coefficient.coefficient(item.grade, item.total)
    values = {"coefficient": str(c.value), "grade": c.grade, "reason": c.reason,
              "total": None if c.total is None else str(c.total),
              "divisor": None if c.divisor is None else str(c.divisor),
              "limited": c.limited, "limit": None if c.limit is None else str(c.limit)}
    if item.base_pay is None:
        return c.value, ZERO, PayExplanation("base", "no_base", ZERO, values), [MISSING_BASE]
    if item.base_pay < 0:
        raise ValidationError(_("base pay cannot be negative ({name})").format(name=item.name or item.employee))
    amount = round_cents(item.base_pay * c.value)
    values["base"] = str(item.base_pay)
    return c.value, amount, PayExplanation("base", c.source, amount, values), []


def _commission_component(item: PayInput, rules: PayRules) -> tuple[Decimal, PayExplanation, list[str]]:
    table = rules.commission
    if table is None:
        return ZERO, PayExplanation("commission", "no_table", ZERO), []
    if item.sales is None:
        return ZERO, PayExplanation("commission", "no_sales", ZERO, {"basis": table.basis}), [MISSING_SALES]
    result = table.compute(item.sales)
    items = [{"type": "slice", **s.to_dict()} for s in result.slices if s.on or len(result.slices) == 1]
    items += [{"type": "add_on", "amount": str(a)} for a in result.add_ons]
    values = {"sales": str(result.sales), "basis": table.basis, "bracket": str(result.bracket),
              "lower": str(table.lower_limit(result.bracket)),
              "upper": None if table.brackets[result.bracket].upto is None else str(table.brackets[result.bracket].upto)}
    return result.amount, PayExplanation("commission", str(result.style), result.amount, values, tuple(items)), []


def _bonus_component(item: PayInput, rules: PayRules) -> tuple[Decimal, PayExplanation, list[str]]:
    items: list[dict[str, str | None]] = []
    flags: list[str] = []
    streak = rules.streak_bonus
    if streak is not None and streak.due(item.flags, item.streak_run):
        items.append({"type": "streak", "flag": streak.flag, "length": str(streak.length),
                      "amount": str(streak.amount)})
        flags.append(STREAK_BONUS)
    if item.bonus:
        items.append({"type": "manual", "amount": str(round_cents(item.bonus)), "note": item.bonus_note or None})
    earned = sum((Decimal(i["amount"] or 0) for i in items), ZERO)
    if rules.withhold_flag and rules.withhold_flag in item.flags:
        flags = [IMPROVEMENT_PLAN]
        return ZERO, PayExplanation("bonus", "withheld", ZERO, {"withheld": str(earned), "flag": rules.withhold_flag},
                                    tuple(items)), flags
    return earned, PayExplanation("bonus", "paid" if items else "none", earned, {}, tuple(items)), flags


def _allowance_component(rules: PayRules) -> tuple[Decimal, PayExplanation]:
    items = tuple({"code": a.code, "zh": a.label_zh, "en": a.label_en, "amount": str(a.amount)}
                  for a in rules.allowances)
    amount = sum((a.amount for a in rules.allowances), ZERO)
    return amount, PayExplanation("allowances", "paid" if items else "none", amount, {}, items)


def pay_line(item: PayInput, rules: PayRules) -> PayLine:
    """One person's pay under ``rules`` (the position's override applied here)."""
    rules = rules.for_position(item.position)
    coefficient, performance, base_e, flags = _base_component(item, rules)
    commission, commission_e, commission_flags = _commission_component(item, rules)
    bonus, bonus_e, bonus_flags = _bonus_component(item, rules)
    allowances, allowances_e = _allowance_component(rules)
    explanations = {"base": base_e, "commission": commission_e, "bonus": bonus_e, "allowances": allowances_e}
    return PayLine(item.employee, item.staff_no, item.name, item.department, item.position, item.base_pay,
                   coefficient, performance, commission, bonus, allowances,
                   tuple(flags + commission_flags + bonus_flags), explanations)


def compute_pay(inputs: Sequence[PayInput], rules: PayRules | PayRuleBook, period: Period | None = None) -> PayRun:
    """Everyone's pay; with a rule book, the version in force for ``period`` is used."""
    if isinstance(rules, PayRuleBook):
        if period is None:
            raise ValidationError(_("a period is needed to choose the pay rules in force"))
        rules = rules.in_force(period)
    return PayRun(period, tuple(pay_line(item, rules) for item in inputs))


# ----- streaks --------------------------------------------------------------------------------------------

def streak_run(grades: Sequence[str | None], ranks: Sequence[int | None], rule: StreakRule) -> int:
    """How many periods in a row, ending with the last one, met ``rule`` (oldest first in the inputs)."""
    run = 0
    for grade, rank in zip(reversed(grades), reversed(ranks), strict=True):
        if grade != rule.grade:
            break
        if rule.max_rank is not None and not (rank is not None and 1 <= rank <= rule.max_rank):
            break
        run += 1
    return run


# ----- budget and what-if ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetRow:
    department: str  # "" for the whole organisation
    totals: PayTotals
    amount: Decimal  # the measured pay
    budget: Decimal | None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.amount

    @property
    def over(self) -> bool:
        return self.budget is not None and self.amount > self.budget

    @property
    def used_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return round_cents(self.amount * Decimal(100) / self.budget)


@dataclass(frozen=True)
class BudgetCheck:
    measure: str
    rows: tuple[BudgetRow, ...]
    overall: BudgetRow

    @property
    def over(self) -> tuple[str, ...]:
        """Departments over budget (and "" when the organisation as a whole is)."""
        names = [row.department for row in self.rows if row.over]
        return tuple(names + ([""] if self.overall.over else []))


def budget_check(run: PayRun, budgets: Mapping[str, Decimal | int | str], measure: str = "total",
                 organisation_budget: Decimal | int | str | None = None) -> BudgetCheck:
    """Each department's pay (``measure``: total, performance or variable) against its budget.
    The organisation's budget is the one given, else the sum of the departments' budgets when every
    department with pay has one (otherwise there is nothing to compare the whole against)."""
    by_department = run.by_department()
    rows = []
    for name in sorted(set(by_department) | set(budgets)):
        totals = by_department.get(name, PayTotals())
        budget = to_decimal(budgets.get(name))
        rows.append(BudgetRow(name, totals, totals.measure(measure), budget))
    overall_budget = to_decimal(organisation_budget)
    if overall_budget is None and budgets and set(by_department) <= set(budgets):
        overall_budget = sum((to_decimal(v) for v in budgets.values()), ZERO)
    totals = run.totals
    return BudgetCheck(measure, tuple(rows), BudgetRow("", totals, totals.measure(measure), overall_budget))


@dataclass(frozen=True)
class PayMove:
    employee: Hashable
    name: str
    department: str
    before: PayLine
    after: PayLine

    @property
    def delta(self) -> Decimal:
        return self.after.total - self.before.total


@dataclass(frozen=True)
class WhatIf:
    before: PayRun
    after: PayRun
    moves: tuple[PayMove, ...]

    @property
    def delta(self) -> Decimal:
        return self.after.totals.total - self.before.totals.total

    def department_deltas(self) -> dict[str, Decimal]:
        before, after = self.before.by_department(), self.after.by_department()
        return {name: after[name].total - before[name].total for name in after}


def what_if(inputs: Sequence[PayInput], current: PayRules, proposed: PayRules,
            period: Period | None = None) -> WhatIf:
    """The same people paid under the current and the proposed rules, person by person."""
    return compare_runs(compute_pay(inputs, current, period), compute_pay(inputs, proposed, period))


def compare_runs(before: PayRun, after: PayRun) -> WhatIf:
    """Two runs over the same people, matched by employee."""
    by_employee = {line.employee: line for line in after.lines}
    if set(by_employee) != {line.employee for line in before.lines}:
        raise ValidationError(_("the two pay runs are not over the same people"))
    moves = tuple(PayMove(b.employee, b.name, b.department, b, by_employee[b.employee]) for b in before.lines)
    return WhatIf(before, after, moves)
