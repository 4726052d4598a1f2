"""The demo department appraised as the handbooks describe: the head of department has a template too."""

from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import period_scores

ADMIN = Actor("admin")  # an administrator: every right, audited by name


# 002 BSC table: the department head is appraised on budget control, collection, collaboration and
# customer service satisfaction — the demo's head (CS000) has that template in every month.
def test_demo_head_of_department_is_appraised_every_month(demo_db):
    with demo_db.session() as session:
        for month in ("2025-01", "2025-06", "2025-12"):
            frame = period_scores(session, month, actor=ADMIN).frame
            head = frame[frame["staff_no"] == "CS000"].iloc[0]
            assert "no_template" not in head["flags"], month
            assert head["total"] == head["total"]  # a number, not NaN
        nobody_without = [row.staff_no for row in period_scores(session, "2025-12", actor=ADMIN).frame.itertuples()
                          if "no_template" in row.flags]
    assert nobody_without == []


# The demo's finalized months are complete: every form a template asks for has its raters' answers.
def test_demo_finalized_months_have_complete_qualitative_parts(demo_db):
    with demo_db.session() as session:
        incomplete = {(month, row.staff_no)
                      for month in ("2025-01", "2025-06", "2025-11")
                      for row in period_scores(session, month, actor=ADMIN).frame.itertuples()
                      if "qualitative_partial" in row.flags}
    assert incomplete == set()


def test_demo_forms_are_dated_within_their_month(demo_db):
    from sqlalchemy import select

    from kpidesk.store import models as m

    with demo_db.session() as session:
        rows = session.execute(select(m.PeriodRecord.code, m.FormResponse.submitted_at, m.FormResponse.anonymous)
                               .join(m.PeriodRecord, m.PeriodRecord.id == m.FormResponse.period_id)).all()
    named = [(code, submitted) for code, submitted, anonymous in rows if not anonymous]
    assert named
    assert all(submitted is not None and f"{submitted:%Y-%m}" == code for code, submitted in named)
    # a submitted anonymous peer answer keeps no time: its time could tell who gave it
    assert all(submitted is None for _code, submitted, anonymous in rows if anonymous)
