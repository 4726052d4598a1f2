"""Pay lines, streak bonuses, budget totals, what-if and rounding to the cent."""

from decimal import Decimal

import pytest

from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
from kpidesk.domain.pay import (
    IMPROVEMENT_PLAN,
    MISSING_BASE,
    STREAK_BONUS,
    PayInput,
    PayLine,
    budget_check,
    compute_pay,
    pay_line,
    streak_run,
    what_if,
)
from kpidesk.domain.pay_rules import (
    Allowance,
    CoefficientRule,
    CoefficientSource,
    PayRuleBook,
    PayRules,
    PayRuleVersion,
    StreakBonus,
)
from kpidesk.domain.periods import parse_period
from kpidesk.domain.streaks import DEFAULT_STREAK_RULES
from kpidesk.errors import ValidationError

D = Decimal
MEAL = Allowance("meal", D("300.00"), "餐补", "Meal allowance")


@pytest.fixture
def rules():
    return PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS, "marginal"), allowances=(MEAL,))


def person(employee=1, **kw):
    defaults = {"staff_no": f"S{employee:03d}", "name": f"P{employee}", "department": "客服部",
                "base_pay": D("6000.00"), "grade": "good", "total": 90.0}
    defaults.update(kw)
    return PayInput(employee, **defaults)


def test_pay_formula_base_times_coefficient_plus_commission_bonus_allowances(rules):
    line = pay_line(person(grade="excellent", sales=D(55000), flags=frozenset({"reward_streak"})), rules)
    assert line.coefficient == D("1.2")
    assert line.performance_pay == D("7200.00")  # 6000 × 1.2
    assert line.commission == D("900.00")
    assert line.bonus == D("200.00")
    assert line.allowances == D("300.00")
    assert line.total == D("8600.00")
    assert line.flags == (STREAK_BONUS,)
    assert set(line.explanations) == {"base", "commission", "bonus", "allowances"}
    assert line.explanations["base"].values["grade"] == "excellent"


def test_score_based_coefficient_pays_by_the_total():
    rules = PayRules(coefficient=CoefficientRule(CoefficientSource.SCORE))
    assert pay_line(person(total=87.5), rules).performance_pay == D("5250.00")
    assert pay_line(person(total=131.0), rules).performance_pay == D("7200.00")  # capped at 1.2


def test_rounding_each_component_to_the_cent_half_up():
    rules = PayRules(coefficient=CoefficientRule(CoefficientSource.SCORE, cap=None), streak_bonus=None)
    # 3333.33 × 0.8515 = 2838.331… → 2838.33 ; 1234.50 × 0.8575 = 1058.58375 → 1058.58
    assert pay_line(person(base_pay=D("3333.33"), total=85.15), rules).performance_pay == D("2838.33")
    assert pay_line(person(base_pay=D("1234.50"), total=85.75), rules).performance_pay == D("1058.58")
    # 1000.10 × 0.9005 = 900.590… ; 50.10 × 0.9 = 45.09 exactly; 0.05 × 0.9 = 0.045 → 0.05 (half-up)
    assert pay_line(person(base_pay=D("0.05"), total=90), rules).performance_pay == D("0.05")
    assert pay_line(person(base_pay=D("0.05"), total=70), rules).performance_pay == D("0.04")  # 0.035 → 0.04
    line = pay_line(person(base_pay=D("0.05"), total=70), rules)
    assert line.total == line.performance_pay + line.commission + line.bonus + line.allowances


def test_missing_base_pay_pays_nothing_for_base_and_is_flagged(rules):
    line = pay_line(person(base_pay=None, sales=D(35000)), rules)
    assert line.performance_pay == D(0)
    assert line.commission == D("350.00")
    assert MISSING_BASE in line.flags
    assert line.explanations["base"].kind == "no_base"
    with pytest.raises(ValidationError):
        pay_line(person(base_pay=D(-1)), rules)


def test_no_sales_figure_means_no_commission(rules):
    line = pay_line(person(sales=None), rules)
    assert line.commission == D(0)
    assert line.explanations["commission"].kind == "no_sales"


def test_improvement_plan_withholds_every_bonus_and_marks_the_line(rules):
    line = pay_line(person(grade="poor", flags=frozenset({"improvement_plan"}), bonus=D("150")), rules)
    assert line.bonus == D(0)
    assert line.improvement_plan
    assert IMPROVEMENT_PLAN in line.flags and STREAK_BONUS not in line.flags
    assert line.explanations["bonus"].kind == "withheld"
    assert line.explanations["bonus"].values["withheld"] == "150.00"
    assert line.performance_pay == D("3600.00")  # 6000 × 0.6, the plan does not change base pay


def test_streak_bonus_is_one_off_per_completed_run(rules):
    flagged = frozenset({"reward_streak"})
    paid = [pay_line(person(grade="excellent", rank=1, flags=flagged, streak_run=run), rules).bonus
            for run in (3, 4, 5, 6)]
    assert paid == [D("200.00"), D(0), D(0), D("200.00")]
    assert pay_line(person(flags=flagged), rules).bonus == D("200.00")  # run unknown: the flag decides
    assert pay_line(person(streak_run=3), rules).bonus == D(0)  # no flag, no bonus


def test_streak_run_counts_back_from_the_latest_period():
    reward = DEFAULT_STREAK_RULES[0]
    assert streak_run(["good", "excellent", "excellent", "excellent"], [2, 1, 1, 1], reward) == 3
    assert streak_run(["excellent", "excellent", "excellent"], [1, 2, 1], reward) == 1
    assert streak_run(["excellent", None, "excellent"], [1, None, 1], reward) == 1
    assert streak_run(["excellent"], [3], reward) == 0
    plan = DEFAULT_STREAK_RULES[1]
    assert streak_run(["poor"] * 4, [9, 8, 7, 6], plan) == 4


def test_manual_bonus_adds_to_the_streak_bonus(rules):
    line = pay_line(person(flags=frozenset({"reward_streak"}), bonus=D("99.995"), bonus_note="project"), rules)
    assert line.bonus == D("300.00")  # 200 + 99.995 rounded to 100.00
    assert [i["type"] for i in line.explanations["bonus"].items] == ["streak", "manual"]


def test_custom_streak_amount_and_no_streak_rule():
    rules = PayRules(streak_bonus=StreakBonus(amount=D("500")))
    assert pay_line(person(flags=frozenset({"reward_streak"})), rules).bonus == D("500.00")
    assert pay_line(person(flags=frozenset({"reward_streak"})), PayRules(streak_bonus=None)).bonus == D(0)


def test_position_override_applies_to_that_position_only():
    rules = PayRules(allowances=(MEAL,), positions={"客服代表": {"allowances": [
        {"code": "meal", "amount": "300"}, {"code": "phone", "amount": "100"}]}})
    assert pay_line(person(position="客服代表"), rules).allowances == D("400.00")
    assert pay_line(person(position="投诉专员"), rules).allowances == D("300.00")


def test_rule_book_chooses_rules_by_period():
    generous = PayRules(allowances=(MEAL,))
    book = PayRuleBook((PayRuleVersion(parse_period("2025-01"), PayRules()),
                        PayRuleVersion(parse_period("2025-04"), generous)))
    assert compute_pay([person()], book, parse_period("2025-03")).lines[0].allowances == D(0)
    assert compute_pay([person()], book, parse_period("2025-04")).lines[0].allowances == D("300.00")
    with pytest.raises(ValidationError):
        compute_pay([person()], book)


def test_budget_totals_by_department_and_overall(rules):
    people = [
        person(1, grade="excellent", sales=D(55000)),          # 7200 + 900 + 0 + 300 = 8400
        person(2, grade="good", sales=D(35000)),                # 6000 + 350 + 300 = 6650
        person(3, department="投诉组", grade="poor", base_pay=D("5000")),  # 3000 + 0 + 300 = 3300
    ]
    run = compute_pay(people, rules)
    assert [line.total for line in run.lines] == [D("8400.00"), D("6650.00"), D("3300.00")]
    check = budget_check(run, {"客服部": D("15000"), "投诉组": "4000"})
    rows = {row.department: row for row in check.rows}
    assert rows["客服部"].amount == D("15050.00")
    assert rows["客服部"].remaining == D("-50.00") and rows["客服部"].over
    assert rows["投诉组"].amount == D("3300.00") and not rows["投诉组"].over
    assert rows["客服部"].totals.headcount == 2
    assert check.overall.amount == D("18350.00") and check.overall.budget == D("19000")
    assert check.over == ("客服部",)
    assert rows["投诉组"].used_percent == D("82.50")
    partial = budget_check(run, {"客服部": D("15000")})
    assert partial.overall.budget is None and not partial.overall.over  # 投诉组 has no budget
    assert budget_check(run, {"客服部": D("15000")}, organisation_budget="20000").overall.remaining == D("1650.00")
    variable = budget_check(run, {}, measure="variable")
    # (7200 − 6000 + 900) + (0 + 350) + (3000 − 5000) = 450
    assert variable.overall.amount == D("450.00") and variable.overall.budget is None
    with pytest.raises(ValidationError):
        budget_check(run, {}, measure="nonsense")


def test_budget_lists_a_department_with_a_budget_but_nobody_paid(rules):
    check = budget_check(compute_pay([person()], rules), {"培训组": D(1000)})
    row = {r.department: r for r in check.rows}["培训组"]
    assert row.amount == D(0) and row.totals.headcount == 0 and row.remaining == D(1000)


def test_what_if_moves_each_person_and_the_total(rules):
    people = [person(1, grade="excellent"), person(2, grade="good"), person(3, grade="poor")]
    proposed = rules.with_grade_coefficients({"excellent": "1.3", "good": "1.0", "fair": "0.8", "poor": "0.5"})
    result = what_if(people, rules, proposed)
    assert [m.delta for m in result.moves] == [D("600.00"), D(0), D("-600.00")]
    assert result.delta == D(0)
    assert result.department_deltas() == {"客服部": D(0)}
    assert result.after.line(1).coefficient == D("1.3")
    unchanged = what_if(people, rules, rules)
    assert all(m.delta == 0 for m in unchanged.moves)


def test_what_if_switching_to_score_based_coefficients(rules):
    people = [person(1, grade="excellent", total=97.0), person(2, grade="fair", total=72.5)]
    proposed = rules.with_coefficient_rule(CoefficientRule(CoefficientSource.SCORE))
    result = what_if(people, rules, proposed)
    # 6000 × 0.97 − 6000 × 1.2 = −1380 ; 6000 × 0.725 − 6000 × 0.8 = −450
    assert [m.delta for m in result.moves] == [D("-1380.00"), D("-450.00")]


def test_line_round_trips_through_plain_data(rules):
    import json

    line = pay_line(person(sales=D(75000), flags=frozenset({"reward_streak"})), rules)
    again = PayLine.from_dict(json.loads(json.dumps(line.to_dict())))
    assert again == line
    assert again.total == line.total
