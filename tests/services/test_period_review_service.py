"""Finalizing after review: every appeal answered first; the summary says what gets locked."""

import pytest

from kpidesk.errors import LockedPeriodError, ValidationError
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal import period_review, periods


def test_lock_summary_counts_what_finalizing_freezes(demo_db):
    with demo_db.session() as session:
        summary = period_review.lock_summary(session, Actor("hr"), "2025-12")
    assert summary.employees == 12 and summary.measurements > 100 and summary.responses > 20
    assert summary.unanswered_appeals == ()
    assert any("12" in line for line in summary.lines())


def test_an_unanswered_appeal_blocks_finalizing_until_answered(demo_db, actor):
    with demo_db.write() as session:
        periods.start_review(session, actor, "2025-12")
        appeal = periods.record_response(session, actor, "2025-12", "CS004", "appeal", "CSAT sample too small")
        appeal_id = appeal.id
    with demo_db.write() as session, pytest.raises(ValidationError, match="CS004"):
        period_review.finalize_after_review(session, actor, "2025-12")
    with demo_db.write() as session:
        periods.answer_appeal(session, actor, appeal_id, "Checked: the sample was complete.")
        done = period_review.finalize_after_review(session, actor, "2025-12")
    assert done.employees == 12
    with demo_db.write() as session, pytest.raises(LockedPeriodError):
        period_review.finalize_after_review(session, actor, "2025-12")
