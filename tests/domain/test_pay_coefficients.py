"""Performance coefficients from the grade or the total, and the rule book's versions."""

from decimal import Decimal

import pytest

from kpidesk.domain.pay_rules import (
    DEFAULT_RULE_BOOK,
    CoefficientRule,
    CoefficientSource,
    PayRuleBook,
    PayRules,
    PayRuleVersion,
)
from kpidesk.domain.periods import parse_period
from kpidesk.errors import ValidationError

D = Decimal


@pytest.mark.parametrize(("grade", "expected"), [
    ("excellent", "1.2"), ("good", "1.0"), ("fair", "0.8"), ("poor", "0.6")])
def test_coefficient_by_grade(grade, expected):
    c = CoefficientRule().coefficient(grade, None)
    assert (c.value, c.source, c.grade) == (D(expected), "grade", grade)


def test_grade_without_coefficient_or_missing_grade_falls_back():
    rule = CoefficientRule(fallback=D("0.9"))
    assert rule.coefficient(None, None).value == D("0.9")
    assert rule.coefficient(None, None).reason == "no_result"
    unknown = rule.coefficient("A", None)
    assert (unknown.value, unknown.source, unknown.reason) == (D("0.9"), "fallback", "unknown_grade")


@pytest.mark.parametrize(("total", "expected", "limited"), [
    (87.5, "0.875", None),
    (D("100"), "1", None),
    (118, "1.18", None),
    (130, "1.2", "cap"),      # capped at 1.2
    (0, "0", None),
    (94.126, "0.9413", None),  # the total is rounded to the cent first (94.13), then ÷ 100
])
def test_coefficient_by_score(total, expected, limited):
    c = CoefficientRule(CoefficientSource.SCORE).coefficient("good", total)
    assert c.value == D(expected)
    assert c.limited == limited
    assert c.source == "score"


def test_score_floor_and_missing_total():
    rule = CoefficientRule(CoefficientSource.SCORE, floor=D("0.5"), cap=None)
    assert rule.coefficient(None, 30).value == D("0.5")
    assert rule.coefficient(None, 30).limited == "floor"
    assert rule.coefficient(None, 150).value == D("1.5")  # no cap
    assert rule.coefficient(None, None).source == "fallback"


def test_invalid_coefficient_rules_are_refused():
    with pytest.raises(ValidationError):
        CoefficientRule(by_grade={"poor": D("-0.1")})
    with pytest.raises(ValidationError):
        CoefficientRule(CoefficientSource.SCORE, cap=D("0.5"), floor=D("0.8"))
    with pytest.raises(ValidationError):
        CoefficientRule(divisor=D(0))


def test_rule_book_picks_the_version_in_force():
    old = PayRules()
    new = PayRules().with_grade_coefficients({"excellent": "1.5", "good": "1.1", "fair": "0.9", "poor": "0.5"})
    book = PayRuleBook((PayRuleVersion(parse_period("2025-07"), new), PayRuleVersion(parse_period("2024-01"), old)))
    assert book.versions[0].rules == old  # sorted oldest first
    assert book.in_force(parse_period("2025-06")) == old
    assert book.in_force(parse_period("2025-07")) == new
    assert book.in_force(parse_period("2025-Q3")) == new
    assert book.in_force(parse_period("2025-Q2")) == old
    with pytest.raises(ValidationError):
        book.in_force(parse_period("2023-12"))
    assert DEFAULT_RULE_BOOK.in_force(parse_period("2025-01")) == PayRules()


def test_adding_a_version_on_the_same_day_replaces_it():
    book = PayRuleBook((PayRuleVersion(parse_period("2025-01"), PayRules()),))
    changed = PayRules(allowances=())
    book = book.with_version(PayRuleVersion(parse_period("2025-01"), changed, "fix"))
    assert len(book.versions) == 1 and book.versions[0].note == "fix"
    with pytest.raises(ValidationError):
        PayRuleBook((PayRuleVersion(parse_period("2025-01"), PayRules()),
                     PayRuleVersion(parse_period("2025-Q1"), PayRules())))


def test_position_override_replaces_only_its_keys():
    rules = PayRules(positions={"客服代表": {"coefficient": {"source": "score", "cap": "1.1"}}})
    own = rules.for_position("客服代表")
    assert own.coefficient.source is CoefficientSource.SCORE and own.coefficient.cap == D("1.1")
    assert own.streak_bonus == rules.streak_bonus
    assert rules.for_position("投诉专员").coefficient.source is CoefficientSource.GRADE
    with pytest.raises(ValidationError):
        PayRules(positions={"x": {"salary": 1}})


def test_rules_round_trip_through_json():
    import json

    from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
    from kpidesk.domain.pay_rules import Allowance

    rules = PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS, "whole"),
                     allowances=(Allowance("meal", D("300.00"), "餐补", "Meal"),),
                     positions={"A": {"allowances": []}})
    book = PayRuleBook((PayRuleVersion(parse_period("2025-01"), rules, "start"),))
    again = PayRuleBook.from_dict(json.loads(json.dumps(book.to_dict())))
    assert again == book
