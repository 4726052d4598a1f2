"""The engine: statuses, weights, totals, exemptions, the department rule, grades, ranks, the frame."""

from decimal import Decimal

import numpy as np
import pytest

from kpidesk.domain.grades import ForcedDistribution
from kpidesk.domain.periods import parse_period
from kpidesk.domain.qualitative import Absence, FormScore, QualitativeResult
from kpidesk.domain.scoring import (
    Adjustment,
    Exemption,
    History,
    ScoringInput,
    ScoringOptions,
    Template,
    TemplateItem,
    is_due,
    round_half_up,
    score_period,
)
from kpidesk.errors import ValidationError

FCR = TemplateItem("fcr", 50, "three_level", "higher", 80, 90, 95, unit="percent",
                   formula="first_contact_resolved / contacts * 100")
CSAT = TemplateItem("csat", 30, "ratio", "higher", target=80, unit="score")
COMPLAINTS = TemplateItem("complaints", 20, "occurrence", "lower", params={"points": 5}, unit="count")


def template(*items, **kwargs):
    return Template("csr", tuple(items or (FCR, CSAT, COMPLAINTS)), **kwargs)


def run(values=None, fields=None, employees=("e1",), departments=None, templates=None, **kwargs):
    data = ScoringInput(
        period=kwargs.pop("period", parse_period("2025-03")),
        employees=list(employees),
        departments=list(departments or ["d1"] * len(employees)),
        templates=templates or [template()],
        values={k: np.asarray(v, dtype=float) for k, v in (values or {}).items()},
        fields={k: np.asarray(v, dtype=float) for k, v in (fields or {}).items()},
        **kwargs,
    )
    return score_period(data)


def test_weighted_quantitative_score_and_total_with_default_shares():
    result = run(values={"csat": [88]}, fields={"first_contact_resolved": [85], "contacts": [100]},
                 **{"qualitative": np.array([90.0])})
    row = result.frame.loc["e1"]
    assert row["fcr.value"] == pytest.approx(85) and row["fcr.score"] == pytest.approx(80)
    assert row["csat.score"] == pytest.approx(110)
    assert np.isnan(row["complaints.score"]) and row["complaints.status"] == "missing"
    # complaints missing → excluded, the remaining 50 + 30 re-normalised
    expected_quant = (50 * 80 + 30 * 110) / 80
    assert row["quantitative"] == pytest.approx(expected_quant)
    assert row["total"] == round_half_up(0.7 * expected_quant + 0.3 * 90)
    assert row["fcr.weighted"] + row["csat.weighted"] == pytest.approx(expected_quant)
    assert result.not_counted("e1") == [("complaints", "missing")]
    assert "kpis_excluded" in row["flags"]


def test_missing_policy_zero_counts_the_kpi_as_zero():
    result = run(values={"csat": [80], "fcr": [90]}, templates=[template(missing_policy="zero")])
    row = result.frame.loc["e1"]
    assert row["complaints.status"] == "missing" and row["complaints.score"] == 0
    assert row["quantitative"] == pytest.approx((50 * 100 + 30 * 100 + 20 * 0) / 100)
    assert result.explain("e1", "complaints").counted_as_zero
    assert result.not_counted("e1") == []


def test_entered_value_wins_over_the_formula():
    result = run(values={"fcr": [np.nan, 92]}, fields={"first_contact_resolved": [85, 1], "contacts": [100, 100]},
                 employees=("a", "b"))
    assert result.frame["fcr.value"].tolist() == pytest.approx([85, 92])


def test_division_by_zero_is_not_computable_with_the_reason():
    result = run(values={"csat": [80], "complaints": [0]}, fields={"first_contact_resolved": [0], "contacts": [0]})
    row = result.frame.loc["e1"]
    assert row["fcr.status"] == "not_computable"
    assert np.isnan(row["fcr.score"])
    explanation = result.explain("e1", "fcr")
    assert explanation.problem == "division_by_zero" and explanation.reason == "contacts"
    assert row["quantitative"] == pytest.approx(100)  # csat 100 and complaints 100, re-normalised


def test_formula_with_all_fields_absent_is_missing_but_one_absent_is_not_computable():
    result = run(values={"csat": [80, 80]}, fields={"first_contact_resolved": [np.nan, 50],
                                                      "contacts": [np.nan, np.nan]}, employees=("a", "b"))
    assert result.frame["fcr.status"].tolist() == ["missing", "not_computable"]
    assert result.explain("b", "fcr").problem == "missing_field"
    assert result.explain("b", "fcr").reason == "contacts"


def test_exemption_excludes_the_kpi_and_keeps_the_reason():
    result = run(values={"fcr": [70], "csat": [80], "complaints": [0]},
                 exemptions=[Exemption("e1", "fcr", "system outage in March")])
    row = result.frame.loc["e1"]
    assert row["fcr.status"] == "exempt" and np.isnan(row["fcr.score"])
    assert row["quantitative"] == pytest.approx(100)
    assert result.explain("e1", "fcr").reason == "system outage in March"


def test_exemption_without_reason_is_refused():
    with pytest.raises(ValidationError, match="reason"):
        run(values={"fcr": [70]}, exemptions=[Exemption("e1", "fcr", "  ")])


def test_not_due_quarterly_kpi_counts_only_in_the_quarter_end_month():
    quarterly = TemplateItem("budget", 20, "band", "band", 5, 4, 3, period_kind="quarter", unit="percent")
    tpl = template(FCR, CSAT, quarterly)
    values = {"fcr": [90], "csat": [80], "budget": [0]}
    february = run(values=values, templates=[tpl], period=parse_period("2025-02")).frame.loc["e1"]
    march = run(values=values, templates=[tpl], period=parse_period("2025-03")).frame.loc["e1"]
    assert february["budget.status"] == "not_due" and np.isnan(february["budget.score"])
    assert february["quantitative"] == pytest.approx(100)
    assert march["budget.status"] == "ok" and march["budget.score"] == pytest.approx(120)
    assert march["quantitative"] == pytest.approx((50 * 100 + 30 * 100 + 20 * 120) / 100)
    assert "kpis_excluded" not in february["flags"]  # not due is not a data problem


def test_is_due():
    assert is_due("month", parse_period("2025-02"))
    assert not is_due("quarter", parse_period("2025-02"))
    assert is_due("quarter", parse_period("2025-06"))
    assert is_due("half", parse_period("2025-Q2"))
    assert not is_due("year", parse_period("2025-H1"))
    assert is_due("month", parse_period("2025"))


def test_weights_must_sum_to_100_and_the_sum_is_shown():
    bad = Template("bad", (TemplateItem("a", Decimal("33.33"), "direct"), TemplateItem("b", Decimal("33.33"), "direct")))
    with pytest.raises(ValidationError, match="66.66"):
        run(values={"a": [1], "b": [1]}, templates=[bad])
    exact = Template("ok", (TemplateItem("a", Decimal("33.33"), "direct"), TemplateItem("b", Decimal("33.33"), "direct"),
                            TemplateItem("c", Decimal("33.34"), "direct")))
    result = run(values={"a": [90], "b": [90], "c": [90]}, templates=[exact])
    assert result.frame.loc["e1", "quantitative"] == pytest.approx(90)


def test_qualitative_absent_gives_quantitative_only_and_is_flagged():
    result = run(values={"fcr": [90], "csat": [80], "complaints": [0]})
    row = result.frame.loc["e1"]
    assert row["total"] == 100 and np.isnan(row["qualitative"])
    assert "quantitative_only" in row["flags"]


def test_qualitative_result_partial_is_flagged():
    partial = QualitativeResult(80.0, (FormScore("teamwork", 80.0, {"manager": 80.0}, {"manager": 100.0},
                                                 (Absence("self", "no_response"),)),))
    result = run(values={"fcr": [90], "csat": [80], "complaints": [0]}, qualitative={"e1": partial})
    row = result.frame.loc["e1"]
    assert row["total"] == pytest.approx(0.7 * 100 + 0.3 * 80)
    assert "qualitative_partial" in row["flags"]


def test_adjustments_are_added_then_clipped_and_rounded_half_up():
    result = run(values={"fcr": [99], "csat": [200], "complaints": [0]}, qualitative=np.array([100.0]),
                 adjustments=[Adjustment("e1", 5, "customer commendation"), Adjustment("e1", 10, "project")])
    row = result.frame.loc["e1"]
    assert row["adjustments"] == 15
    assert row["total"] == 120 and "clipped" in row["flags"]
    assert [a.reason for a in result.adjustments_of("e1")] == ["customer commendation", "project"]
    low = run(values={"fcr": [0], "csat": [0], "complaints": [40]}, adjustments=[Adjustment("e1", -5, "late")])
    assert low.frame.loc["e1", "total"] == 0


def test_total_rounding_is_half_up():
    assert round_half_up(94.125) == 94.13
    assert round_half_up(94.124999) == 94.12
    assert round_half_up(np.array([0.005, 2.675, np.nan])).tolist()[:2] == [0.01, 2.68]


def test_adjustment_without_reason_is_refused():
    with pytest.raises(ValidationError):
        run(values={"fcr": [90]}, adjustments=[Adjustment("e1", 2, "")])


def department_rule_template(min_size=3):
    return template(TemplateItem("fcr", 100, "three_level", "higher", 80, 90, 95), department_rule=True,
                    department_rule_min_size=min_size)


def test_two_thirds_of_the_department_missed_so_no_deduction():
    employees = ["a", "b", "c", "d", "e", "f"]
    departments = ["d1", "d1", "d1", "d2", "d2", "d2"]
    values = {"fcr": [85, 80, 95, 85, 92, 95]}  # d1: two of three missed; d2: one of three missed
    result = run(values=values, employees=employees, departments=departments,
                 templates=[department_rule_template()])
    frame = result.frame
    assert frame["fcr.score"].tolist() == pytest.approx([100, 100, 120, 80, 108, 120])
    assert frame.loc["a", "fcr.status"] == "ok"
    assert "department_rule" in frame.loc["a", "flags"] and "department_rule" not in frame.loc["d", "flags"]
    explanation = result.explain("a", "fcr")
    assert explanation.auto_exemption == "department_rule" and explanation.score == 100


def test_department_rule_is_off_unless_the_template_enables_it():
    result = run(values={"fcr": [85, 80, 95]}, employees=["a", "b", "c"],
                 templates=[template(TemplateItem("fcr", 100, "three_level", "higher", 80, 90, 95))])
    assert result.frame["fcr.score"].tolist() == pytest.approx([80, 60, 120])


def test_department_rule_needs_a_minimum_department_size():
    result = run(values={"fcr": [85, 80]}, employees=["a", "b"], templates=[department_rule_template(3)])
    assert result.frame["fcr.score"].tolist() == pytest.approx([80, 60])


def test_grades_on_the_rounded_total_with_inclusive_bounds():
    direct = template(TemplateItem("qa", 100, "direct"), qualitative_share=0, quantitative_share=100)
    result = run(values={"qa": [95, 94.994, 94.996, 85, 70, 69.99]}, employees=list("abcdef"), templates=[direct])
    frame = result.frame
    assert frame["total"].tolist() == [95, 94.99, 95, 85, 70, 69.99]
    assert frame["grade_code"].tolist() == ["excellent", "good", "excellent", "good", "fair", "poor"]
    assert (frame["grade_code"] == frame["grade_computed"]).all()


def test_ranks_share_ties_within_department_and_organisation():
    direct = template(TemplateItem("qa", 100, "direct"), qualitative_share=0, quantitative_share=100)
    result = run(values={"qa": [90, 95, 95, 80, 70, np.nan]}, employees=list("abcdef"),
                 departments=["x", "x", "x", "x", "y", "y"], templates=[direct])
    frame = result.frame
    assert frame["rank_department"].tolist()[:5] == [3, 1, 1, 4, 1]
    assert frame["rank_organisation"].tolist()[:5] == [3, 1, 1, 4, 5]
    assert frame["rank_department"].isna().tolist()[5] and "no_result" in frame.loc["f", "flags"]


def test_forced_distribution_keeps_the_computed_grade_beside_it():
    direct = template(TemplateItem("qa", 100, "direct"), qualitative_share=0, quantitative_share=100)
    forced = ForcedDistribution((("excellent", 20), ("good", 70), ("fair", 10)))
    result = run(values={"qa": [99, 98, 97, 96, 90, 88, 86, 84, 80, 60]}, employees=list("abcdefghij"),
                 templates=[direct], options=ScoringOptions(forced_distribution=forced))
    frame = result.frame
    assert frame["grade_code"].tolist() == ["excellent"] * 2 + ["good"] * 7 + ["fair"]
    assert frame["grade_computed"].tolist()[:4] == ["excellent"] * 4
    assert "forced_grade" in frame.loc["c", "flags"] and "forced_grade" not in frame.loc["a", "flags"]


def test_several_templates_in_one_call():
    supervisor = Template("sup", (TemplateItem("qa", 60, "direct"), TemplateItem("csat", 40, "ratio", target=80)),
                          quantitative_share=100, qualitative_share=0)
    result = run(values={"fcr": [90, np.nan], "csat": [80, 72], "complaints": [0, np.nan], "qa": [np.nan, 90]},
                 employees=("rep", "sup"), templates=[template(), supervisor], template_of=[0, 1])
    frame = result.frame
    assert frame.loc["rep", "template"] == "csr" and frame.loc["sup", "template"] == "sup"
    assert np.isnan(frame.loc["rep", "qa.weight"]) and frame.loc["sup", "qa.weight"] == 60
    assert frame.loc["sup", "quantitative"] == pytest.approx(0.6 * 90 + 0.4 * 90)
    assert "fcr" not in result.kpis("sup") and result.kpis("sup")["qa"]["status"] == "ok"
    assert result.explain("sup", "fcr") is None


def test_streak_flags_from_history():
    direct = template(TemplateItem("qa", 100, "direct"), qualitative_share=0, quantitative_share=100)
    history = History(grades=np.array([["excellent", "excellent"], ["poor", "poor"], ["excellent", "good"]],
                                      dtype=object),
                      ranks=np.array([[1, 1], [3, 3], [1, 1]]))
    result = run(values={"qa": [99, 50, 98]}, employees=list("abc"), templates=[direct], history=history)
    flags = result.frame["flags"]
    assert "reward_streak" in flags["a"] and "improvement_plan" in flags["b"]
    assert "reward_streak" not in flags["c"]


def test_given_flags_are_kept():
    result = run(values={"fcr": [90], "csat": [80], "complaints": [0]}, flags={"e1": ("joined",)})
    assert result.frame.loc["e1", "flags"][0] == "joined"


def test_rsr_is_reported_beside_the_total():
    two = template(TemplateItem("qa", 50, "direct"), TemplateItem("csat", 50, "direct"))
    result = run(values={"qa": [90, 80, 70], "csat": [70, 90, 80]}, employees=list("abc"), templates=[two],
                 options=ScoringOptions(rsr=True))
    frame = result.frame
    assert frame["rsr"].tolist() == pytest.approx([(1 + 1 / 3) / 2, (2 / 3 + 1) / 2, (1 / 3 + 2 / 3) / 2])
    assert frame["rank_rsr"].tolist() == [2, 1, 3]


def test_explanations_for_every_kpi_of_an_employee():
    result = run(values={"csat": [88], "complaints": [2]}, fields={"first_contact_resolved": [85], "contacts": [100]})
    explanations = result.explanations("e1")
    assert set(explanations) == {"fcr", "csat", "complaints"}
    assert explanations["complaints"].deducted == 10
    assert explanations["fcr"].score == pytest.approx(80)


def test_kpis_summary_is_plain_python():
    result = run(values={"csat": [88], "fcr": [90]})
    kpis = result.kpis("e1")
    assert kpis["csat"] == {"value": 88.0, "score": pytest.approx(110), "weight": 30.0, "weighted": pytest.approx(110 * 30 / 80),
                            "status": "ok"}
    assert kpis["complaints"]["value"] is None and kpis["complaints"]["status"] == "missing"


def test_template_round_trips_through_plain_data():
    tpl = template(FCR, CSAT, COMPLAINTS, department_rule=True)
    assert Template.from_dict(tpl.to_dict()).to_dict() == tpl.to_dict()
