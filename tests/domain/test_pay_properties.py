"""Properties of commission and pay that must hold for every table and every amount."""

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kpidesk.domain.commission import Bracket, CommissionStyle, CommissionTable
from kpidesk.domain.money import CENT
from kpidesk.domain.pay import PayInput, budget_check, compute_pay, pay_line, what_if
from kpidesk.domain.pay_rules import Allowance, CoefficientRule, CoefficientSource, PayRules

cents = st.decimals(min_value=0, max_value=500000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False)
add_ons = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw, style=CommissionStyle.MARGINAL, rising_rates=False, with_add_ons=True):
    limits = sorted(set(draw(st.lists(st.integers(1, 300000), min_size=0, max_size=5))))
    count = len(limits) + 1
    chosen = draw(st.lists(rates, min_size=count, max_size=count))
    if rising_rates:
        chosen = sorted(chosen)
    extras = draw(st.lists(add_ons, min_size=count, max_size=count)) if with_add_ons else [Decimal(0)] * count
    uptos = [Decimal(x) for x in limits] + [None]
    return CommissionTable(tuple(Bracket(u, r, a) for u, r, a in zip(uptos, chosen, extras, strict=True)), style)


@settings(deadline=None, max_examples=200)
@given(tables(), cents, cents)
def test_marginal_commission_never_decreases_with_sales(table, a, b):
    low, high = sorted((a, b))
    assert table.compute(low).amount <= table.compute(high).amount


@settings(deadline=None, max_examples=200)
@given(tables(CommissionStyle.WHOLE, rising_rates=True, with_add_ons=False), cents)
def test_whole_amount_pays_at_least_marginal_when_rates_rise(whole, sales):
    marginal = CommissionTable(whole.brackets, CommissionStyle.MARGINAL)
    assert whole.compute(sales).amount >= marginal.compute(sales).amount


@settings(deadline=None, max_examples=200)
@given(tables(CommissionStyle.WHOLE), cents, cents)
def test_whole_amount_never_decreases_within_a_bracket(table, a, b):
    low, high = sorted((a, b))
    assume(table.bracket_index(low) == table.bracket_index(high))
    assert table.compute(low).amount <= table.compute(high).amount


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(list(CommissionStyle)), st.data(), cents)
def test_commission_is_whole_cents_and_not_negative(style, data, sales):
    table = data.draw(tables(style))
    amount = table.compute(sales).amount
    assert amount >= 0
    assert amount == amount.quantize(CENT)


@settings(deadline=None, max_examples=100)
@given(tables(), cents)
def test_marginal_with_one_rate_equals_whole_amount(table, sales):
    flat = CommissionTable(tuple(Bracket(b.upto, table.brackets[0].rate_percent) for b in table.brackets))
    whole = CommissionTable(flat.brackets, CommissionStyle.WHOLE)
    assert flat.compute(sales).amount == whole.compute(sales).amount


totals = st.one_of(st.none(), st.floats(min_value=0, max_value=150, allow_nan=False))


@st.composite
def people(draw):
    count = draw(st.integers(1, 12))
    result = []
    for i in range(count):
        result.append(PayInput(
            i, name=f"P{i}", department=draw(st.sampled_from(["A", "B", "C"])),
            base_pay=draw(st.one_of(st.none(), cents)),
            grade=draw(st.sampled_from([None, "excellent", "good", "fair", "poor"])),
            total=draw(totals),
            flags=frozenset(draw(st.sets(st.sampled_from(["reward_streak", "improvement_plan"])))),
            sales=draw(st.one_of(st.none(), cents)),
            bonus=draw(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False)),
        ))
    return result


@settings(deadline=None, max_examples=100)
@given(people(), tables(), st.sampled_from(list(CoefficientSource)))
def test_total_is_the_exact_sum_of_cent_rounded_components(inputs, table, source):
    rules = PayRules(CoefficientRule(source), table, (Allowance("meal", Decimal("300.00")),))
    run = compute_pay(inputs, rules)
    for line in run.lines:
        parts = (line.performance_pay, line.commission, line.bonus, line.allowances)
        assert all(p == p.quantize(CENT) for p in parts)
        assert line.total == sum(parts)
        if line.improvement_plan:
            assert line.bonus == 0
    check = budget_check(run, {})
    assert check.overall.amount == sum(line.total for line in run.lines)
    assert sum(row.amount for row in check.rows) == check.overall.amount
    assert sum(row.totals.headcount for row in check.rows) == len(inputs)


@settings(deadline=None, max_examples=100)
@given(st.floats(min_value=0, max_value=200, allow_nan=False), st.floats(min_value=0, max_value=200, allow_nan=False))
def test_score_coefficient_stays_within_bounds_and_follows_the_total(a, b):
    rule = CoefficientRule(CoefficientSource.SCORE, cap=Decimal("1.2"), floor=Decimal("0.5"))
    low, high = sorted((a, b))
    c_low, c_high = rule.coefficient(None, low).value, rule.coefficient(None, high).value
    assert Decimal("0.5") <= c_low <= c_high <= Decimal("1.2")


@settings(deadline=None, max_examples=50)
@given(people(), st.decimals(min_value=0, max_value=2, places=2, allow_nan=False))
def test_raising_one_grade_coefficient_never_lowers_anyones_pay(inputs, extra):
    rules = PayRules()
    raised = dict(rules.coefficient.by_grade)
    raised["good"] = raised["good"] + extra
    result = what_if(inputs, rules, rules.with_grade_coefficients(raised))
    assert all(move.delta >= 0 for move in result.moves)
    assert result.delta == sum(move.delta for move in result.moves)
    goods = [m for m in result.moves if m.before.explanations["base"].kind == "grade" and m.before.explanations[
        "base"].values.get("grade") == "good"]
    for move in goods:
        assert move.delta == (move.after.performance_pay - move.before.performance_pay)


@settings(deadline=None, max_examples=100)
@given(cents, st.sampled_from(["excellent", "good", "fair", "poor"]))
def test_pay_line_matches_base_times_coefficient(base, grade):
    line = pay_line(PayInput(1, base_pay=base, grade=grade), PayRules(streak_bonus=None))
    exact = base * line.coefficient
    assert abs(line.performance_pay - exact) <= Decimal("0.005")
