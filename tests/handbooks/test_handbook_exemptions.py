"""The e-commerce rules' two automatic exemptions: no deduction on average order value when two thirds
of the department missed it, and none on response time for an agent under heavy workload.

The expected values are written here by hand; the tests never read the handbook texts.
"""

from __future__ import annotations

import numpy as np
import pytest

from kpidesk.domain.explanations import render_explanation
from kpidesk.domain.periods import parse_period
from kpidesk.domain.scoring import ScoringInput, Template, TemplateItem, score_period

# 002 (e-commerce notes, average order value): judged against the whole department — when 2/3 or more
# missed the target nobody is deducted, otherwise those who missed are.
ORDER_VALUE = TemplateItem("avg_order_value", 50, "three_level", "higher", 100, 120, 150,
                           params={"department_rule": True}, unit="currency")
# 002 (e-commerce notes, response time): heavy workload means no deduction; KPI Desk reads "heavy" as
# at least 1.2 × the department's median contacts.
RESPONSE = TemplateItem("first_response_time", 50, "three_level", "lower", 90, 60, 30,
                        params={"workload_field": "contacts", "workload_ratio": 1.2}, unit="duration")


def _score(values, fields, departments):
    people = [f"p{i}" for i in range(len(departments))]
    data = ScoringInput(period=parse_period("2026-03"), employees=people, departments=departments,
                        templates=[Template("ecommerce_csr", (ORDER_VALUE, RESPONSE))],
                        values={k: np.asarray(v, dtype=float) for k, v in values.items()},
                        fields={k: np.asarray(v, dtype=float) for k, v in fields.items()})
    return score_period(data)


def test_order_value_is_not_deducted_when_two_thirds_of_the_department_missed_it():
    # d1: 110, 100, 130 → two of three below the 120 target; d2: 110, 125, 130 → one of three.
    result = _score({"avg_order_value": [110, 100, 130, 110, 125, 130], "first_response_time": [60] * 6},
                    {"contacts": [100] * 6}, ["d1"] * 3 + ["d2"] * 3)
    scores = result.frame["avg_order_value.score"].tolist()
    assert scores[:2] == pytest.approx([100, 100])  # scored as at target
    assert scores[3] == pytest.approx(80)  # 110 halfway between 100 and 120 → 80 points
    assert "department_rule" in result.frame.loc["p0", "flags"]
    assert "department_rule" not in result.frame.loc["p3", "flags"]


def test_response_time_is_not_deducted_under_heavy_workload():
    # contacts 100, 100, 100, 130: median 100, so 130 is heavy (≥ 120) and 100 is not.
    result = _score({"avg_order_value": [120] * 4, "first_response_time": [75, 75, 60, 75]},
                    {"contacts": [100, 100, 100, 130]}, ["d1"] * 4)
    frame = result.frame
    assert frame["first_response_time.score"].tolist() == pytest.approx([80, 80, 100, 100])
    assert "workload" in frame.loc["p3", "flags"] and "workload" not in frame.loc["p0", "flags"]
    explanation = result.explain("p3", "first_response_time")
    assert explanation.auto_exemption == "workload" and explanation.score == 100
    assert "workload" in render_explanation(explanation, "en")


# 002 (e-commerce notes, response time): no workload figure, or a department of two, and the 75 s against
# the 60 s target is deducted as usual (80 points).
def test_workload_needs_the_figure_and_a_large_enough_department():
    two = _score({"avg_order_value": [120] * 2, "first_response_time": [75, 75]}, {"contacts": [100, 300]},
                 ["d1"] * 2)
    assert two.frame["first_response_time.score"].tolist() == pytest.approx([80, 80])
    unknown = _score({"avg_order_value": [120] * 4, "first_response_time": [75] * 4}, {}, ["d1"] * 4)
    assert unknown.frame["first_response_time.score"].tolist() == pytest.approx([80] * 4)


# 002 (e-commerce notes): the order-value item carries the two-thirds rule, the response-time item the
# workload rule read against contacts at 1.2 × the department median.
def test_the_ecommerce_template_turns_both_exemptions_on(db, actor):
    from sqlalchemy import select

    from kpidesk.services.library.starter import install_starter
    from kpidesk.store import models as m

    with db.write() as session:
        install_starter(session, actor, "ecommerce-service")
    with db.session() as session:
        template = session.execute(select(m.Template).where(m.Template.key == "ecommerce_csr")).scalar_one()
        params = {item.kpi.code: item.params or {} for item in template.items}
    assert params["avg_order_value"] == {"department_rule": True}
    assert params["first_response_time"] == {"workload_field": "contacts", "workload_ratio": 1.2}


def _office_builder():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "services" / "test_scoring_service.py"
    spec = importlib.util.spec_from_file_location("scoring_service_office_for_exemptions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# 002 (e-commerce notes, response time): the workload exemption is kept with its reason when the period is
# finalized — here 130 contacts against a median of 100.
def test_finalizing_records_the_workload_exemption_with_its_reason(db, actor):
    from sqlalchemy import select

    from kpidesk.services.appraisal import periods
    from kpidesk.services.appraisal.scoring import period_scores
    from kpidesk.store import models as m

    office = _office_builder()
    ids = office.build_office(db, actor)
    with db.write() as session:  # csat is read against contacts: 1.2 × the department's median is heavy
        item = session.execute(select(m.TemplateItem).join(m.Kpi).where(m.Kpi.code == "csat")).scalar_one()
        item.params = {**item.params, "workload_field": "contacts"}
    # 客服部: contacts 130, 100, 100, 100 → median 100; E1 (130) missed the csat target of 90, E2 met it
    office.put(db, actor, "2025-03", {
        ids["E1"]: {"resolved": 120, "contacts": 130, "csat": 85}, ids["E2"]: {"resolved": 90, "contacts": 100, "csat": 92},
        ids["E3"]: {"resolved": 90, "contacts": 100, "csat": 86}, ids["E4"]: {"resolved": 90, "contacts": 100, "csat": 90},
    })
    with db.session() as session:
        frame = period_scores(session, "2025-03", actor=actor).frame.set_index("staff_no")
    assert frame.loc["E1", "csat.score"] == pytest.approx(100)  # not deducted
    assert frame.loc["E3", "csat.score"] == pytest.approx(92)  # 4 below at 2 points each
    assert "workload" in frame.loc["E1", "flags"]
    with db.write() as session:
        periods.finalize_period(session, actor, "2025-03")
    with db.session() as session:
        rows = session.execute(select(m.Exemption.employee_id, m.Exemption.reason)
                               .where(m.Exemption.automatic.is_(True))).all()
        audited = session.execute(select(m.AuditEntry.new).where(m.AuditEntry.action == "exemption.automatic")
                                  ).scalar_one()
    assert rows == [(ids["E1"], periods.WORKLOAD_REASON)]
    assert audited == [{"employee_id": ids["E1"], "kpi": "csat", "reason": periods.WORKLOAD_REASON}]
