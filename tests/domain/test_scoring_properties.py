"""Properties that must hold for any parameters: monotonic, bounded, 100 at target, order-free."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kpidesk.domain.formulas import FormulaError, parse_formula
from kpidesk.domain.periods import parse_period
from kpidesk.domain.rules import RuleSpec, make_rule
from kpidesk.domain.scoring import ScoringInput, Template, TemplateItem, score_period

finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def rule_specs(draw):
    """A valid rule of any kind and direction, with the value of 'better' as a sign (+1 higher, −1 lower,
    0 nearer the centre)."""
    kind = draw(st.sampled_from(["three_level", "band", "ratio", "deduction", "occurrence", "table", "direct"]))
    if kind == "three_level":
        baseline, gap, beyond = draw(finite), draw(positive), draw(st.none() | positive)
        sign = draw(st.sampled_from([1, -1]))
        challenge = None if beyond is None else baseline + sign * (gap + beyond)
        spec = RuleSpec(kind, "higher" if sign > 0 else "lower", baseline, baseline + sign * gap, challenge)
        return spec, sign
    if kind == "band":
        challenge, d1, d2 = draw(positive), draw(positive), draw(positive)
        params = {"centre": draw(finite)}
        return RuleSpec(kind, "band", challenge + d1 + d2, challenge + d1, challenge, params), 0
    if kind == "ratio":
        sign = draw(st.sampled_from([1, -1]))
        return RuleSpec(kind, "higher" if sign > 0 else "lower", target=draw(positive)), sign
    if kind == "deduction":
        direction = draw(st.sampled_from(["higher", "lower", "band"]))
        params = {"points": draw(positive), "step": draw(positive),
                  "tolerance": draw(st.floats(0, 100)), "mode": draw(st.sampled_from(["proportional", "full_steps"]))}
        sign = {"higher": 1, "lower": -1, "band": 0}[direction]
        return RuleSpec(kind, direction, target=draw(finite), params=params), sign
    if kind == "occurrence":
        return RuleSpec(kind, "lower", params={"points": draw(positive), "free": draw(st.floats(0, 5))}), -1
    if kind == "table":
        thresholds = sorted(draw(st.lists(finite, min_size=1, max_size=4, unique=True)))
        points = sorted(draw(st.lists(st.floats(0, 120), min_size=len(thresholds), max_size=len(thresholds))))
        sign = draw(st.sampled_from([1, -1]))
        if sign < 0:
            points = points[::-1]
        return RuleSpec(kind, "higher" if sign > 0 else "lower",
                        params={"bands": list(zip(thresholds, points, strict=True)), "otherwise": 0}), sign
    return RuleSpec(kind, "higher"), 1


def better(sign: int, a: float, b: float, centre: float) -> bool:
    if sign > 0:
        return a >= b
    if sign < 0:
        return a <= b
    return abs(a - centre) <= abs(b - centre)


@settings(deadline=None, max_examples=300)
@given(rule_specs(), finite, finite)
def test_a_better_actual_never_lowers_the_score(spec_and_sign, a, b):
    spec, sign = spec_and_sign
    rule = make_rule(spec, "k")
    centre = spec.params.get("centre", spec.target if spec.kind == "deduction" else 0.0)
    if sign == 0 and spec.kind == "deduction":
        centre = spec.target
    if not better(sign, a, b, centre):
        a, b = b, a
    assume(better(sign, a, b, centre))
    score_a, score_b = rule.scores(np.array([a, b]))
    assert score_a >= score_b - 1e-9


@settings(deadline=None, max_examples=300)
@given(rule_specs(), st.lists(finite, min_size=1, max_size=20))
def test_scores_stay_within_floor_and_cap(spec_and_sign, actual):
    rule = make_rule(spec_and_sign[0], "k")
    scores = rule.scores(np.array(actual))
    assert np.all(scores >= rule.floor - 1e-9) and np.all(scores <= rule.cap + 1e-9)


@st.composite
def at_target_templates(draw):
    count = draw(st.integers(1, 8))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    items, values = [], {}
    for k, weight in enumerate(weights):
        kind = draw(st.sampled_from(["three_level", "ratio", "deduction"]))
        target = draw(positive)
        code = f"k{k}"
        if kind == "three_level":
            gap = draw(positive)
            sign = draw(st.sampled_from([1, -1]))
            items.append(TemplateItem(code, weight, kind, "higher" if sign > 0 else "lower", target - sign * gap, target,
                                      target + sign * draw(positive)))
        elif kind == "ratio":
            items.append(TemplateItem(code, weight, kind, draw(st.sampled_from(["higher", "lower"])), target=target))
        else:
            items.append(TemplateItem(code, weight, kind, draw(st.sampled_from(["higher", "lower", "band"])),
                                      target=target, params={"points": draw(positive), "step": draw(positive)}))
        values[code] = np.array([target])
    return Template("t", tuple(items)), values


def score(template, values, employees=("e",), departments=("d",)):
    return score_period(ScoringInput(parse_period("2025-03"), list(employees), list(departments), [template],
                                     values=values))


@settings(deadline=None, max_examples=150)
@given(at_target_templates())
def test_everything_exactly_at_target_scores_100(template_and_values):
    template, values = template_and_values
    result = score(template, values)
    assert result.frame.loc["e", "quantitative"] == pytest.approx(100)


@settings(deadline=None, max_examples=100)
@given(at_target_templates(), st.data())
def test_reordering_kpis_changes_nothing(template_and_values, data):
    template, values = template_and_values
    rng_values = {code: np.array([data.draw(finite)]) for code in values}
    order = data.draw(st.permutations(range(len(template.items))))
    shuffled = Template("t", tuple(template.items[i] for i in order))
    first = score(template, rng_values).frame
    second = score(shuffled, rng_values).frame
    assert first.loc["e", "total"] == second.loc["e", "total"]
    for code in values:
        assert first.loc["e", f"{code}.score"] == pytest.approx(second.loc["e", f"{code}.score"])


@settings(deadline=None, max_examples=60)
@given(st.integers(2, 30), st.data())
def test_reordering_employees_changes_nothing(n, data):
    template = Template("t", (TemplateItem("a", 60, "three_level", "higher", 80, 90, 95),
                              TemplateItem("b", 40, "deduction", "lower", target=60, params={"points": 1, "step": 5})),
                        department_rule=True)
    values = {"a": np.array([data.draw(st.sampled_from([70.0, 85.0, 90.0, 96.0, np.nan])) for _ in range(n)]),
              "b": np.array([data.draw(st.floats(0, 200)) for _ in range(n)])}
    employees = [f"e{i}" for i in range(n)]
    departments = [data.draw(st.sampled_from(["x", "y"])) for _ in range(n)]
    order = data.draw(st.permutations(range(n)))
    first = score(template, values, employees, departments).frame
    second = score(template, {k: v[list(order)] for k, v in values.items()}, [employees[i] for i in order],
                   [departments[i] for i in order]).frame.loc[employees]
    columns = ["total", "rank_department", "rank_organisation", "grade_code", "a.score", "b.score"]
    assert first[columns].equals(second[columns])


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(list("ab_1.2+-*/()<>=!,' ÷×−一二") + ["min", "if", "__", "import", "lambda"]),
                max_size=30).map("".join))
def test_any_text_either_parses_or_fails_with_a_formula_error(text):
    try:
        formula = parse_formula(text)
    except FormulaError as error:
        assert 0 <= error.position <= len(text)
        return
    result = formula.evaluate({name: np.array([1.0, 0.0]) for name in formula.fields}, size=2)
    assert len(result.values) == 2
