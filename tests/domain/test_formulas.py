"""The formula language: parsing, positions of errors, vectorised evaluation, and the sandbox."""

import builtins

import numpy as np
import pytest

from kpidesk.domain.formulas import FormulaError, Problem, parse_formula


def test_fields_are_listed_in_order_of_first_use():
    formula = parse_formula("first_contact_resolved / contacts * 100")
    assert formula.fields == ("first_contact_resolved", "contacts")


def test_chinese_identifiers_and_typed_operators():
    formula = parse_formula("一次解决数 ÷ 接待总数 × 100 − 0")
    assert formula.fields == ("一次解决数", "接待总数")
    assert formula.evaluate_one({"一次解决数": 87, "接待总数": 100}) == pytest.approx(87.0)


def test_full_width_brackets_and_digits_from_chinese_input():
    formula = parse_formula("（甲＋乙）／２")
    assert formula.evaluate_one({"甲": 3, "乙": 5}) == 4.0


def test_budget_deviation_formula():
    formula = parse_formula("(actual_cost - budget) / budget * 100")
    assert formula.evaluate_one({"actual_cost": 104_000, "budget": 100_000}) == pytest.approx(4.0)


def test_precedence_and_unary_minus():
    assert parse_formula("2 + 3 * 4").evaluate_one({}) == 14
    assert parse_formula("-2 * -3").evaluate_one({}) == 6
    assert parse_formula("(2 + 3) * 4").evaluate_one({}) == 20
    assert parse_formula("10 - 4 - 3").evaluate_one({}) == 3
    assert parse_formula("12 / 3 / 2").evaluate_one({}) == 2


def test_functions_and_comparisons():
    assert parse_formula("min(a, b, 3)").evaluate_one({"a": 5, "b": 4}) == 3
    assert parse_formula("MAX(a, b)").evaluate_one({"a": 5, "b": 4}) == 5
    assert parse_formula("abs(a - b)").evaluate_one({"a": 4, "b": 5}) == 1
    assert parse_formula("round(a / 3, 2)").evaluate_one({"a": 10}) == 3.33
    assert parse_formula("round(2.5)").evaluate_one({}) == 3  # half away from zero, not to even
    assert parse_formula("round(-2.5)").evaluate_one({}) == -3
    assert parse_formula("if(a >= 90, 1, 0)").evaluate_one({"a": 90}) == 1
    assert parse_formula("a <> b").evaluate_one({"a": 1, "b": 2}) == 1
    assert parse_formula("a ≥ b and not a = b").evaluate_one({"a": 3, "b": 2}) == 1
    assert parse_formula("a < 1 or b < 1").evaluate_one({"a": 3, "b": 2}) == 0


def test_leading_equals_sign_from_spreadsheets_is_accepted():
    assert parse_formula("=a*2").evaluate_one({"a": 4}) == 8


def test_vectorised_evaluation_reports_each_row():
    formula = parse_formula("resolved / contacts * 100")
    result = formula.evaluate({
        "resolved": np.array([87.0, 5.0, np.nan, 3.0]),
        "contacts": np.array([100.0, 0.0, 10.0, 4.0]),
    })
    assert result.values[0] == pytest.approx(87.0)
    assert result.values[3] == pytest.approx(75.0)
    assert np.isnan(result.values[1]) and np.isnan(result.values[2])
    assert result.problems.tolist() == [Problem.OK, Problem.DIVISION_BY_ZERO, Problem.MISSING_FIELD, Problem.OK]
    assert result.reason(1) == (Problem.DIVISION_BY_ZERO, "contacts")
    assert result.reason(2) == (Problem.MISSING_FIELD, "resolved")
    assert result.reason(0) is None


def test_absent_field_is_missing_not_zero():
    result = parse_formula("a / b").evaluate({"a": np.array([1.0, 2.0])})
    assert result.problems.tolist() == [Problem.MISSING_FIELD] * 2
    assert all(np.isnan(result.values))
    assert result.details.tolist() == ["b", "b"]


def test_if_ignores_the_branch_not_taken():
    formula = parse_formula("if(contacts > 0, resolved / contacts * 100, 100)")
    result = formula.evaluate({"resolved": np.array([0.0, 9.0]), "contacts": np.array([0.0, 10.0])})
    assert result.values.tolist() == [100.0, 90.0]
    assert result.ok.all()


def test_scalars_broadcast_over_arrays():
    result = parse_formula("a * k").evaluate({"a": np.array([1.0, 2.0, 3.0]), "k": 2})
    assert result.values.tolist() == [2.0, 4.0, 6.0]


def test_denominator_expression_is_named():
    result = parse_formula("x / (a - b)").evaluate_one({"x": 1, "a": 2, "b": 2})
    assert result == (Problem.DIVISION_BY_ZERO, "(a - b)")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a +", 3),
        ("a + * b", 4),
        ("(a + b", 6),
        ("a b", 2),
        ("", 0),
        ("a < b < c", 6),
        ("min()", 0),
        ("abs(a, b)", 0),
        ("if(a, b)", 0),
        ("2x", 1),
        ("a ** 2", 2),
        ("a ^ 2", 2),
        ("a % b", 2),
        ("a; b", 1),
    ],
)
def test_errors_point_at_the_offending_character(text, position):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    assert caught.value.position == position
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("__import__('os').system('echo hacked')", 0, "unknown function"),
        ("open('/etc/passwd')", 0, "unknown function"),
        ("eval('1+1')", 0, "unknown function"),
        ("exec('x=1')", 0, "unknown function"),
        ("a.__class__", 1, "attribute access"),
        ("contacts.__class__.__bases__", 8, "attribute access"),
        ("lambda: 1", 0, "not allowed"),
        ("[x for x in a]", 0, "unexpected character"),
        ("a[0]", 1, "unexpected character"),
        ("'abc'", 0, "quotes"),
        ("__builtins__", 0, "'__'"),
        ("globals()", 0, "unknown function"),
        ("getattr(a, 'b')", 0, "unknown function"),
        ("(lambda: 0)()", 1, "not allowed"),
        ("x if y else z", 2, "unexpected"),
        ("import os", 0, "not allowed"),
        ("9 ** 9 ** 9", 2, "not allowed"),
        ("a @ b", 2, "unexpected character"),
        ("1e999", 0, "too large"),
    ],
)
def test_hostile_expressions_are_rejected(text, position, words):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    assert caught.value.position == position
    assert words in str(caught.value)


def test_nothing_is_executed_while_parsing_or_evaluating(monkeypatch):
    """The sandbox never reaches Python's own evaluation machinery."""

    def forbidden(*_args, **_kwargs):
        raise AssertionError("eval/exec/compile must never be called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", forbidden)
    formula = parse_formula("if(a > 0, round(b / a * 100, 1), max(a, b))")
    assert formula.evaluate_one({"a": 4, "b": 3}) == 75.0
    with pytest.raises(FormulaError):
        parse_formula("__import__('os').system('true')")


def test_deep_nesting_and_long_text_are_refused_cleanly():
    with pytest.raises(FormulaError) as nested:
        parse_formula("(" * 200 + "1" + ")" * 200)
    assert "nested" in str(nested.value)
    with pytest.raises(FormulaError) as long:
        parse_formula("a+" * 600 + "a")
    assert "too long" in str(long.value)


def test_error_message_shows_the_text_with_the_position_marked():
    with pytest.raises(FormulaError) as caught:
        parse_formula("a + foo(b)")
    message = str(caught.value)
    assert "position 5" in message
    assert "⟦f⟧oo(b)" in message


def test_overflow_is_not_computable_rather_than_infinite():
    result = parse_formula("a * a").evaluate({"a": np.array([1e200, 2.0])})
    assert result.problems.tolist() == [Problem.INVALID, Problem.OK]
    assert result.values[1] == 4.0
