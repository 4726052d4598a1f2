"""Calibration: distribution against the curve, forced-distribution preview and apply, raters, self vs manager."""

import pytest

from kpidesk.errors import LockedPeriodError, PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import calibration
from kpidesk.services.appraisal.scoring import period_scores
from kpidesk.services.safety.settings import load_settings

ADMIN = Actor("admin")  # an administrator: every right, audited by name

QUOTAS = (("excellent", 20.0), ("good", 40.0), ("fair", 30.0), ("poor", 10.0))


def test_distribution_against_the_default_curve(demo_db):
    with demo_db.session() as session:
        scores = period_scores(session, "2025-12", actor=ADMIN)
        curve = calibration.target_curve(session, scores.grade_scale)
        rows = calibration.distribution(scores, curve)
    assert curve == calibration.DEFAULT_CURVE
    assert [r.code for r in rows] == ["excellent", "good", "fair", "poor"]
    graded = sum(r.count for r in rows)
    assert graded == 12 and sum(r.share for r in rows) == pytest.approx(100)
    assert rows[0].expected == pytest.approx(graded * 0.2)


def test_forced_preview_moves_people_down_by_rank_and_apply_changes_the_grades(demo_db, actor):
    with demo_db.session() as session:
        scores = period_scores(session, "2025-12", actor=ADMIN)
        moves = calibration.preview_forced(scores, QUOTAS)
    forced = [mv.forced for mv in moves]
    assert moves and all(mv.moved for mv in moves)
    # best first: the grades only ever fall down the list
    order = ["Excellent", "Good", "Fair", "Poor"]
    assert [order.index(g) for g in forced] == sorted(order.index(g) for g in forced)
    with demo_db.write() as session:
        calibration.apply_forced(session, actor, "2025-12", QUOTAS)
        assert load_settings(session).forced_distribution.quotas[0] == ("excellent", 20.0)
    with demo_db.session() as session:
        after = period_scores(session, "2025-12", actor=ADMIN).frame
    for mv in moves:
        assert after.at[mv.employee_id, "grade"] == mv.forced
        assert "forced_grade" in after.at[mv.employee_id, "flags"]
    with demo_db.write() as session:
        calibration.clear_forced(session, actor, "2025-12")
    with demo_db.session() as session:
        assert calibration.preview_forced(period_scores(session, "2025-12", actor=ADMIN), QUOTAS) == moves


def test_forced_distribution_needs_the_settings_right_and_an_open_period(demo_db, actor):
    head = Actor(name="head", role=Role.HEAD, department_ids=frozenset({1}))
    with demo_db.write() as session:
        with pytest.raises(PermissionDenied):
            calibration.apply_forced(session, head, "2025-12", QUOTAS)
        with pytest.raises(LockedPeriodError):
            calibration.apply_forced(session, actor, "2025-11", QUOTAS)


def test_rater_statistics_and_gaps(demo_db):
    with demo_db.session() as session:
        stats = calibration.rater_statistics(session, "2025-12")
        gaps = calibration.self_manager_gaps(session, "2025-12")
    managers = [s for s in stats if s.role == "manager"]
    # the head of department's own manager is outside the department's staff list, so shown by role
    assert {s.label.split(" ")[0] for s in managers} == {"周杰", "李强", "赵敏", "Manager"}
    assert sum(s.leniency * s.responses for s in managers) == pytest.approx(0, abs=0.05)
    assert all(s.lowest <= s.mean <= s.highest and s.spread >= 0 for s in stats)
    selfs = next(s for s in stats if s.role == "self")
    assert selfs.mean > managers[0].mean - 10  # the demo's people rate themselves a little higher
    assert gaps and abs(gaps[0].gap) >= abs(gaps[-1].gap)
    assert gaps[0].gap == pytest.approx(gaps[0].self_score - gaps[0].manager_score)
