"""The appraisal use cases the window and the command line call: each opens its own unit of work and acts
as the actor it is given."""

import pytest
from sqlalchemy import select

from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import use_cases as appraisal
from kpidesk.store import models as m


def _employee_login(db, staff_no: str) -> Actor:
    with db.session() as session:
        employee_id = session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar_one()
    return Actor(name=staff_no, role=Role.EMPLOYEE, employee_id=employee_id)


def test_list_periods_gives_codes_and_statuses_in_the_window_order(demo_db, actor):
    listed = appraisal.list_periods(demo_db, actor)
    codes = [p.code for p in listed]
    assert codes.index("2025-10") < codes.index("2025-11") < codes.index("2025-12")
    quarters = [c for c in codes if "Q" in c]
    for quarter in quarters:  # a quarter comes after the month that ends it
        assert codes.index(quarter) > codes.index(codes[codes.index(quarter) - 1])
    statuses = {p.code: p.status for p in listed}
    assert statuses["2025-11"] == "finalized" and statuses["2025-12"] != "finalized"


def test_list_periods_needs_the_right_to_read_periods(demo_db, monkeypatch):
    from kpidesk.services.safety import access

    auditor = Actor(name="auditor", role=Role.AUDITOR)
    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.AUDITOR,
                        access.ROLE_PERMISSIONS[Role.AUDITOR] - {access.Permission.PERIODS_READ})
    with pytest.raises(PermissionDenied):
        appraisal.list_periods(demo_db, auditor)


def test_period_scores_are_limited_to_what_the_actor_may_see(demo_db, actor):
    everyone = appraisal.period_scores(demo_db, actor, "2025-11")
    own = appraisal.period_scores(demo_db, _employee_login(demo_db, "CS001"), "2025-11")
    assert len(everyone.frame) > 1
    assert list(own.frame["staff_no"]) == ["CS001"]
    assert everyone.loaded is None  # no ORM row leaves the unit of work


def test_scores_with_kpi_labels_name_every_scored_kpi(demo_db, actor):
    scores, labels = appraisal.scores_with_kpi_labels(demo_db, actor, "2025-11")
    scored = [c[: -len(".status")] for c in scores.frame.columns if c.endswith(".status")]
    assert scored and all(code in labels and labels[code].name for code in scored)


def test_period_results_read_the_side_data_and_report_each_step(demo_db, actor):
    steps = []
    results = appraisal.period_results(demo_db, actor, "2025-11", progress=lambda p: steps.append(p.done))
    assert results.opened and results.finalized_at is not None and results.finalized_by
    assert results.kpis and results.curve
    assert steps == list(range(appraisal.RESULTS_STEPS))


def test_period_results_follow_the_actor(demo_db):
    own = appraisal.period_results(demo_db, _employee_login(demo_db, "CS001"), "2025-11")
    assert list(own.scores.frame["staff_no"]) == ["CS001"]
