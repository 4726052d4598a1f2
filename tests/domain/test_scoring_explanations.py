"""Explanations are data; rendering them speaks the reader's language."""

import pytest

from kpidesk.domain.explanations import Explanation, format_number, render_explanation
from kpidesk.domain.rules import RuleSpec, make_rule


def deduction():
    return make_rule(RuleSpec("deduction", "higher", target=90, params={"points": 2, "step": 1}), "callback", "percent")


def test_deduction_explanation_is_structured():
    explanation = deduction().explain(87)
    assert explanation.rule == "deduction"
    assert explanation.actual == 87 and explanation.target == 90
    assert explanation.shortfall == pytest.approx(3)
    assert explanation.points_per_step == 2 and explanation.deducted == pytest.approx(6)
    assert explanation.score == pytest.approx(94)


def test_deduction_rendered_in_chinese_as_the_handbook_writes_it():
    text = render_explanation(deduction().explain(87), "zh_CN")
    assert text == "实际 87% · 目标 90% · 低于目标 3 个百分点 × 2 分 = −6 → 94 分"


def test_deduction_rendered_in_english():
    text = render_explanation(deduction().explain(87), "en")
    assert text == "actual 87% · target 90% · 3 percentage points below target × 2 points = −6 → 94 points"


def test_three_level_duration_shows_seconds_and_levels():
    rule = make_rule(RuleSpec("three_level", "lower", baseline=90, target=60, challenge=30), "frt", "duration")
    assert render_explanation(rule.explain(75), "zh_CN") == "实际 75 秒 · 基准 90 秒 · 目标 60 秒 · 挑战 30 秒 → 80 分"
    minutes = make_rule(RuleSpec("three_level", "lower", baseline=600, target=240, challenge=180), "aht", "duration")
    assert render_explanation(minutes.explain(240), "en").startswith("actual 4 min · baseline 10 min")


def test_band_and_tolerance_deduction():
    band = make_rule(RuleSpec("band", "band", baseline=5, target=4, challenge=3), "budget", "percent")
    assert render_explanation(band.explain(-4.5), "en") == (
        "actual −4.5% · 4.5% off centre · baseline ±5% · target ±4% · challenge ±3% → 80 points")
    tolerant = make_rule(RuleSpec("deduction", "band", target=0, params={"points": 2, "step": 1, "tolerance": 5}),
                         "budget", "percent")
    assert render_explanation(tolerant.explain(7), "zh_CN") == (
        "实际 7% · 目标 0% · 超出 ±5% 容差 2 个百分点 × 2 分 = −4 → 96 分")


def test_occurrence_ratio_table_direct():
    occurrence = make_rule(RuleSpec("occurrence", "lower", params={"points": 5}), "complaints", "count")
    assert render_explanation(occurrence.explain(2), "zh_CN") == "发生 2 次 × 5 分 = −10 → 90 分"
    ratio = make_rule(RuleSpec("ratio", "higher", target=90), "sla", "percent")
    assert render_explanation(ratio.explain(99), "en") == "actual 99% · target 90% · 99% ÷ 90% × 100 → 110 points"
    assert render_explanation(ratio.explain(117), "en") == (
        "actual 117% · target 90% · 117% ÷ 90% × 100 · capped at 120 → 120 points")
    table = make_rule(RuleSpec("table", "higher", params={"bands": [[98, 120], [95, 100]]}), "fcr", "percent")
    assert render_explanation(table.explain(96), "en") == "actual 96% · band ≥ 95% → 100 points"
    direct = make_rule(RuleSpec("direct"), "qa", "score")
    assert render_explanation(direct.explain(104), "zh_CN") == "实际 104 · 按原始得分 · 封顶 100 → 100 分"


def test_statuses_without_a_score():
    assert render_explanation(Explanation("x", "ratio", "missing"), "zh_CN") == "无数据"
    assert render_explanation(Explanation("x", "ratio", "missing", counted_as_zero=True), "en") == "no data: counted as 0"
    assert render_explanation(Explanation("x", "ratio", "exempt", reason="系统故障"), "zh_CN") == "豁免：系统故障"
    assert render_explanation(Explanation("x", "ratio", "not_due", period_kind="quarter"), "en") == (
        "not due in this period (quarterly KPI)")
    assert render_explanation(
        Explanation("x", "ratio", "not_computable", problem="division_by_zero", reason="contacts"), "zh_CN"
    ) == "无法计算：除数为零（contacts 为 0）"


def test_round_trip_through_plain_data():
    explanation = deduction().explain(87)
    data = explanation.to_dict()
    assert "challenge" not in data  # empty fields are left out
    assert Explanation.from_dict(data) == explanation
    assert render_explanation(data, "en") == render_explanation(explanation, "en")


def test_current_language_is_the_default():
    from kpidesk.i18n import set_language

    set_language("zh_CN")
    assert render_explanation(deduction().explain(90)).endswith("→ 100 分")
    set_language("en")
    assert render_explanation(deduction().explain(90)).endswith("→ 100 points")


def test_number_formatting():
    assert format_number(87.0) == "87"
    assert format_number(87.125) == "87.13" or format_number(87.125) == "87.12"
    assert format_number(-6) == "−6"
    assert format_number(12345.5) == "12,345.5"
    assert format_number(-0.0001) == "0"
