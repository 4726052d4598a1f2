"""The period overview: progress counts, what is missing (with the page that fixes it), movers, streaks."""

from decimal import Decimal

from sqlalchemy import delete, select

from kpidesk.services.appraisal import periods
from kpidesk.services.appraisal.overview import period_overview
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m


def _employee(session, staff_no):
    return session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no)).scalar_one()


def test_the_demo_month_in_progress(demo_db, actor):
    with demo_db.session() as session:
        overview = period_overview(session, "2025-12", actor)
    assert overview.status == "open" and overview.appraisees == 12
    # the department head has a template too: nothing is missing in the month in progress
    assert overview.missing == []
    assert overview.data_complete == 12 and overview.with_result == 12
    assert overview.forms_submitted == overview.forms_expected > 0
    assert sum(g.count for g in overview.grades) == 12
    assert overview.previous_period == "2025-11"
    assert overview.movers and all(abs(a.change) >= abs(b.change)
                                   for a, b in zip(overview.movers, overview.movers[1:], strict=False))
    assert [s.staff_no for s in overview.streaks if s.flag == "reward_streak"] == ["CS009"]


def test_missing_data_and_forms_are_listed_for_the_pages_that_fix_them(demo_db, actor):
    with demo_db.write() as session:
        wang = _employee(session, "CS001")
        record = period_record(session, "2025-12")
        session.execute(delete(m.Measurement).where(m.Measurement.period_id == record.id,
                                                    m.Measurement.employee_id == wang.id))
        response = session.execute(select(m.FormResponse).where(
            m.FormResponse.period_id == record.id, m.FormResponse.employee_id == wang.id,
            m.FormResponse.rater_role == "manager")).scalar_one()
        response.status = "draft"
    with demo_db.session() as session:
        overview = period_overview(session, "2025-12", actor)
    data = [i for i in overview.missing if i.kind == "data"]
    forms = [i for i in overview.missing if i.kind == "form"]
    assert [(i.page, i.employee_id) for i in data] == [("data_entry", wang.id)]
    assert "王芳" in data[0].text
    assert [(i.page, i.employee_id) for i in forms] == [("forms", wang.id)]
    lee = next(r for r in overview.raters if r.label == "李强")
    assert lee.submitted == lee.expected - 1 and lee.drafts == 1 and lee.pending == ((wang.id, "王芳"),)
    assert overview.data_complete == 11


def test_a_finalized_period_asks_for_signatures_and_an_open_appeal_is_missing(demo_db, actor):
    with demo_db.session() as session:
        finalized = period_overview(session, "2025-11", actor)
    assert finalized.finalized and [i.kind for i in finalized.missing] == ["signoff"]
    assert finalized.unsigned_sheets == finalized.with_result
    with demo_db.write() as session:
        periods.start_review(session, actor, "2025-12")
        periods.record_response(session, actor, "2025-12", "CS004", "appeal", "My CSAT survey was incomplete")
    with demo_db.session() as session:
        review = period_overview(session, "2025-12", actor)
    assert review.status == "review" and review.unanswered_appeals == 1
    assert ("appeal", "results") in [(i.kind, i.page) for i in review.missing]


def test_movers_follow_a_changed_total(demo_db, actor):
    with demo_db.write() as session:
        chen = _employee(session, "CS004")
        from kpidesk.services.appraisal.adjustments import add_adjustment

        add_adjustment(session, actor, "2025-12", chen.id, Decimal(-40), "serious complaint")
    with demo_db.session() as session:
        overview = period_overview(session, "2025-12", actor)
    top = overview.movers[0]
    assert top.staff_no == "CS004" and top.change < -30
