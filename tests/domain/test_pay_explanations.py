"""Each pay component explains itself, as data and in both languages."""

import json
from decimal import Decimal

import pytest

from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
from kpidesk.domain.pay import PayInput, pay_line
from kpidesk.domain.pay_explanations import PayExplanation, render_pay_explanation
from kpidesk.domain.pay_rules import Allowance, CoefficientRule, CoefficientSource, PayRules

D = Decimal
MEAL = Allowance("meal", D("300.00"), "餐补", "Meal allowance")
PHONE = Allowance("phone", D("50.00"), "话补", "Phone")


def line(rules=None, **kw):
    item = PayInput(1, name="李娜", department="客服部", base_pay=D("8000.00"), grade="excellent", total=96.0, **kw)
    return pay_line(item, rules or PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS), allowances=(MEAL,)))


def render(line_, component, lang):
    return render_pay_explanation(line_.explanations[component], lang)


def test_base_by_grade_in_both_languages():
    result = line()
    assert render(result, "base", "en") == "8,000.00 × 1.2 (Excellent) = 9,600.00"
    assert render(result, "base", "zh") == "8,000.00 × 1.2（优秀）= 9,600.00"


def test_base_by_score_shows_the_total_and_the_cap():
    rules = PayRules(coefficient=CoefficientRule(CoefficientSource.SCORE, cap=D("1.1")))
    assert render(line(rules), "base", "en") == "8,000.00 × 0.96 (total 96 ÷ 100) = 7,680.00"
    capped = pay_line(PayInput(1, base_pay=D(8000), total=120.0), rules)
    assert render(capped, "base", "en") == "8,000.00 × 1.1 (total 120 ÷ 100, capped at 1.1) = 8,800.00"
    assert render(capped, "base", "zh") == "8,000.00 × 1.1（总分 120 ÷ 100，封顶 1.1）= 8,800.00"


def test_base_without_result_or_base_pay():
    fallback = pay_line(PayInput(1, base_pay=D(5000)), PayRules())
    assert render(fallback, "base", "en") == "5,000.00 × 1 (no result: fallback coefficient) = 5,000.00"
    assert render(pay_line(PayInput(1), PayRules()), "base", "zh") == "未登记底薪"


def test_marginal_commission_shows_each_slice_and_add_on():
    result = line(sales=D(75000))
    assert render(result, "commission", "en") == (
        "sales 75,000.00: 40,000.00 × 1% + 20,000.00 × 2% + 15,000.00 × 3% + add-on 200.00 + add-on 300.00"
        " = 1,750.00")
    assert render(result, "commission", "zh").startswith("业绩 75,000.00：40,000.00 × 1% + ")


def test_whole_amount_commission_names_the_bracket():
    rules = PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS, "whole"))
    assert render(line(rules, sales=D(55000)), "commission", "en") == (
        "sales 55,000.00 in the bracket 40,000.00 – 60,000.00: 55,000.00 × 2% + add-on 200.00 = 1,300.00")
    assert render(line(rules, sales=D(90000)), "commission", "zh") == (
        "业绩 90,000.00，属 80,000.00 以上档：90,000.00 × 4% = 3,600.00")


def test_missing_commission_inputs():
    assert render(line(PayRules()), "commission", "en") == "no commission table"
    assert render(line(), "commission", "zh") == "无业绩数据（sales）"


def test_bonus_explanations():
    assert render(line(flags=frozenset({"reward_streak"})), "bonus", "zh") == "连续 3 期第一且优秀奖金：200.00"
    both = line(flags=frozenset({"reward_streak"}), bonus=D(50), bonus_note="项目")
    assert render(both, "bonus", "en") == (
        "bonus for 3 periods in a row first and Excellent: 200.00 + bonus 50.00 (项目) = 250.00")
    withheld = line(flags=frozenset({"improvement_plan"}), bonus=D(80))
    assert render(withheld, "bonus", "en") == "improvement plan: no bonus (80.00 withheld)"
    assert render(line(flags=frozenset({"improvement_plan"})), "bonus", "zh") == "绩效改进计划：不发奖金"
    assert render(line(), "bonus", "en") == "no bonus"


def test_allowances_use_the_readers_labels():
    rules = PayRules(allowances=(MEAL, PHONE))
    assert render(line(rules), "allowances", "zh") == "餐补 300.00 + 话补 50.00 = 350.00"
    assert render(line(rules), "allowances", "en") == "Meal allowance 300.00 + Phone 50.00 = 350.00"
    assert render(line(PayRules()), "allowances", "en") == "no allowances"


@pytest.mark.parametrize("component", ["base", "commission", "bonus", "allowances"])
def test_explanations_survive_json_and_render_the_same(component):
    result = line(sales=D(55000), flags=frozenset({"reward_streak"}))
    data = json.loads(json.dumps(result.explanations[component].to_dict()))
    again = PayExplanation.from_dict(data)
    assert again == result.explanations[component]
    assert render_pay_explanation(data, "zh") == render(result, component, "zh")
    assert "." in data["amount"] and isinstance(data["amount"], str)  # money stays text, never a float
