""""Qualitative part incomplete" says which form and rater are missing, counts them as the Overview does,
and an incomplete qualitative part does not count towards coverage."""

from sqlalchemy import select, update

from kpidesk.domain.statuses import ResponseStatus
from kpidesk.services.appraisal import overview, period_review
from kpidesk.services.appraisal.scoring import compute_scores
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m

PERIOD = "2025-12"


def withdraw(db, staff_no, role=None):
    """Set a person's submitted responses (one rater's, or all) back to drafts."""
    with db.write() as s:
        record = period_record(s, PERIOD)
        employee = s.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar_one()
        query = update(m.FormResponse).where(m.FormResponse.period_id == record.id,
                                             m.FormResponse.employee_id == employee)
        if role is not None:
            query = query.where(m.FormResponse.rater_role == role)
        s.execute(query.values(status=ResponseStatus.DRAFT))
        return employee


def test_the_checklist_names_the_missing_form_and_rater_as_the_overview_counts_them(demo_db, actor):
    one = withdraw(demo_db, "CS001", "manager")
    everything = withdraw(demo_db, "CS002")
    with demo_db.session() as s:
        checklist = period_review.finalize_checklist(s, actor, PERIOD)
        scores = compute_scores(s, actor, PERIOD)
        raters = overview.rater_progress(s, period_record(s, PERIOD), {int(i) for i in scores.frame.index})
    incomplete = {e.employee_id: e for e in checklist.entries if e.kind == "qualitative_partial"}
    assert set(incomplete) == {one, everything}  # also the person nobody has rated yet
    title = "Customer service staff – qualitative appraisal"
    assert incomplete[one].text() == f"CS001 王芳: qualitative part incomplete ({title}: manager not submitted)"
    assert "self-assessment not submitted" in incomplete[everything].detail
    assert "manager not submitted" in incomplete[everything].detail
    pending = {(r.role, employee_id) for r in raters for employee_id, _name in r.pending}
    named = {(role, e.employee_id) for e in incomplete.values()
             for role, word in (("manager", "manager not"), ("self", "self-assessment not"), ("hr", "HR not"))
             if word in e.detail}
    assert named == pending  # the same people and raters the Overview counts as not submitted
    assert sum(r.expected - r.submitted for r in raters) == len(named)


def test_an_incomplete_qualitative_part_does_not_count_towards_coverage(demo_db, actor):
    one = withdraw(demo_db, "CS001", "manager")
    with demo_db.session() as s:
        row = compute_scores(s, actor, PERIOD).frame.loc[one]
    assert "qualitative_partial" in row["flags"]
    assert not bool(row["qualitative_included"])
    assert float(row["coverage"]) < 1.0
    assert "insufficient_data" in row["flags"] and row["grade_code"] is None  # below the new 80 %
