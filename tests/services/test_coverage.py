"""Coverage: the share of the template's composition a result rests on, and the minimum coverage to grade."""

import json
from dataclasses import replace

import pytest
from tests_support.scoring_office import build_office, put

from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import period_scores, score_records
from kpidesk.services.safety.settings import load_settings, save_settings

ADMIN = Actor("admin")  # an administrator: every right, audited by name


@pytest.fixture
def office(db, actor):
    ids = build_office(db, actor)
    put(db, actor, "2025-03", {
        ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95},
        ids["E2"]: {"resolved": 85, "contacts": 100},  # no csat: 50 of the 80 KPI points due this month
        ids["E3"]: {"resolved": 60, "contacts": 100, "csat": 70},
    })
    return ids


def records(db):
    with db.session() as s:
        return {r["staff_no"]: r for r in score_records(period_scores(s, "2025-03", actor=ADMIN))}


def set_minimum(db, actor, percent):
    with db.write() as s:
        save_settings(s, actor, replace(load_settings(s), min_coverage_to_grade=percent), only=["min_coverage_to_grade"])


def test_each_result_says_how_much_of_the_template_it_rests_on(office, db):
    found = records(db)
    e1, e2 = found["E1"], found["E2"]
    # the half-yearly budget KPI is not due in March and does not count against coverage
    assert (e1["kpi_coverage"], e1["qualitative_included"]) == (1.0, False)
    assert e1["coverage"] == pytest.approx(0.7)  # 70 % quantitative share, no forms answered
    assert e2["kpi_coverage"] == pytest.approx(round(50 / 80, 4))
    assert e2["coverage"] == pytest.approx(round(0.7 * 50 / 80, 4))
    json.dumps(list(found.values()))  # plain data


def test_below_the_minimum_there_is_no_grade_and_no_rank(office, db, actor):
    assert records(db)["E2"]["grade"] is not None  # the office turns the minimum off
    set_minimum(db, actor, 60)
    found = records(db)
    e2 = found["E2"]
    assert e2["total"] is not None
    assert (e2["grade"], e2["grade_code"], e2["rank_department"], e2["rank_organisation"]) == (None, None, None, None)
    assert "insufficient_data" in e2["flags"]
    e1 = found["E1"]
    assert e1["grade"] is not None and e1["rank_organisation"] == 1 and "insufficient_data" not in e1["flags"]
    ranked = sorted(r["rank_organisation"] for r in found.values() if r["rank_organisation"] is not None)
    assert ranked == list(range(1, len(ranked) + 1)) or ranked[0] == 1  # the ungraded person takes no place


def test_the_minimum_is_a_percentage(office, db, actor):
    from kpidesk.errors import ValidationError

    with pytest.raises(ValidationError):
        set_minimum(db, actor, 120)


def test_a_new_database_grades_only_results_resting_on_80_percent(db, actor):
    with db.session() as s:
        assert load_settings(s).min_coverage_to_grade == 80
    ids = build_office(db, actor, min_coverage=80)
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95}})
    e1 = records(db)["E1"]
    assert e1["coverage"] == pytest.approx(0.7)  # every KPI, but no forms: 70 % of the composition
    assert e1["total"] is not None and e1["grade"] is None and e1["rank_organisation"] is None
    assert "insufficient_data" in e1["flags"]


def test_grading_despite_insufficient_data_needs_a_reason_is_audited_and_can_be_withdrawn(db, actor):
    from sqlalchemy import select

    from kpidesk.errors import ValidationError
    from kpidesk.services.appraisal import use_cases
    from kpidesk.store import models as m

    ids = build_office(db, actor, min_coverage=80)
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95},
                               ids["E3"]: {"resolved": 60, "contacts": 100, "csat": 70}})
    with pytest.raises(ValidationError):
        use_cases.add_grading_waiver(db, actor, "2025-03", ids["E1"], "  ")
    waiver = use_cases.add_grading_waiver(db, actor, "2025-03", ids["E1"], "on leave for three weeks")
    found = records(db)
    e1, e3 = found["E1"], found["E3"]
    assert e1["grade"] is not None and e1["rank_organisation"] == 1 and e1["rank_department"] == 1
    assert "graded_despite_insufficient_data" in e1["flags"] and "insufficient_data" not in e1["flags"]
    assert e3["grade"] is None and "insufficient_data" in e3["flags"]  # the decision is per person
    with pytest.raises(ValidationError):
        use_cases.add_grading_waiver(db, actor, "2025-03", ids["E1"], "twice")
    use_cases.remove_grading_waiver(db, actor, waiver, "the data came in after all")
    assert records(db)["E1"]["grade"] is None
    with db.session() as s:
        entries = s.execute(select(m.AuditEntry.action, m.AuditEntry.reason)
                            .where(m.AuditEntry.entity == "grading_waiver").order_by(m.AuditEntry.id)).all()
    assert [tuple(e) for e in entries] == [("grading_waiver.add", "on leave for three weeks"),
                                           ("grading_waiver.remove", "the data came in after all")]


def test_only_someone_who_may_adjust_a_person_may_grade_them_despite_too_little_data(db, actor):
    from kpidesk.errors import PermissionDenied
    from kpidesk.services.actor import Actor, Role
    from kpidesk.services.appraisal import use_cases

    ids = build_office(db, actor, min_coverage=80)
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95}})
    employee = Actor(name="王芳", role=Role.EMPLOYEE, employee_id=ids["E1"])
    with pytest.raises(PermissionDenied):
        use_cases.add_grading_waiver(db, employee, "2025-03", ids["E1"], "我自己")
    assert records(db)["E1"]["grade"] is None
