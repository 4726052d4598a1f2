"""The appraisal use cases the window and the command line call: each opens its own unit of work and acts
as the actor it is given."""

import pytest
from sqlalchemy import select

from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import use_cases as appraisal
from kpidesk.services.closing import use_cases as closing
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


def test_period_results_cancelled_stop_inside_the_scores_step(demo_db, actor, monkeypatch):
    """The scores' step is one step to the caller but most of a second for 5,000 people: a cancel made while
    its first read runs stops it before the scoring, not after the whole step."""
    from kpidesk.domain import scoring as engine
    from kpidesk.errors import Cancelled
    from kpidesk.services.appraisal import scoring_inputs
    from kpidesk.services.progress import CancelToken

    token = CancelToken()
    read = scoring_inputs.appraisees
    scored: list[object] = []

    def read_then_cancel(*args, **kwargs):
        people = read(*args, **kwargs)
        token.cancel()  # the person pressed a key while the appraisees were read
        return people

    monkeypatch.setattr(scoring_inputs, "appraisees", read_then_cancel)
    monkeypatch.setattr(engine, "score_period", lambda data: scored.append(data))
    with pytest.raises(Cancelled):
        appraisal.period_results(demo_db, actor, "2025-12", cancel=token)
    assert scored == []


def test_reading_stored_values_stops_between_periods_once_cancelled(demo_db):
    from kpidesk.errors import Cancelled
    from kpidesk.services.appraisal.stored_values import stored_columns
    from kpidesk.services.progress import CancelToken, cancelled_by

    with demo_db.session() as session:
        ids = list(session.execute(select(m.PeriodRecord.id).order_by(m.PeriodRecord.id)).scalars())[:3]
        token = CancelToken()
        read: list[int] = []
        with cancelled_by(token), pytest.raises(Cancelled):
            for period_id, _code, _ids, _values in stored_columns(session, ids):
                if period_id not in read:
                    read.append(period_id)
                    token.cancel()
        assert read == ids[:1]
        assert {p for p, *_rest in stored_columns(session, ids)} == set(ids)  # outside, nothing is cancelled


def test_period_results_follow_the_actor(demo_db):
    own = appraisal.period_results(demo_db, _employee_login(demo_db, "CS001"), "2025-11")
    assert list(own.scores.frame["staff_no"]) == ["CS001"]


AUDITOR = Actor(name="auditor", role=Role.AUDITOR)


def test_the_review_workflow_one_unit_of_work_per_step(demo_db, actor):
    assert appraisal.lock_summary(demo_db, actor, "2025-12").employees == 12
    with pytest.raises(PermissionDenied):
        appraisal.start_review(demo_db, AUDITOR, "2025-12")
    assert appraisal.start_review(demo_db, actor, "2025-12") == "2025-12"
    appeal = appraisal.record_response(demo_db, actor, "2025-12", "CS004", "appeal", "样本太少")
    assert any(r["id"] == appeal for r in appraisal.list_responses(demo_db, actor, "2025-12"))
    with pytest.raises(ValidationError, match="CS004"):
        closing.finalize_after_review(demo_db, actor, "2025-12")
    with pytest.raises(PermissionDenied):
        appraisal.answer_appeal(demo_db, AUDITOR, appeal, "x")
    assert appraisal.answer_appeal(demo_db, actor, appeal, "已核实") == appeal
    assert closing.finalize_after_review(demo_db, actor, "2025-12").employees == 12
    with pytest.raises(PermissionDenied):
        appraisal.reopen_period(demo_db, AUDITOR, "2025-12", "a reason")
    assert appraisal.reopen_period(demo_db, actor, "2025-12", "数据更正") == "2025-12"
    statuses = {p.code: p.status for p in appraisal.period_list(demo_db, actor)}
    assert statuses["2025-12"] == "open"


def test_adjustments_and_exemptions_are_written_as_the_actor(demo_db, actor):
    employee = _employee_login(demo_db, "CS001").employee_id
    adjustment = appraisal.add_adjustment(demo_db, actor, "2025-12", employee, 2, "表彰")
    exemption = appraisal.add_exemption(demo_db, actor, "2025-12", employee, "csat", "系统故障")
    with pytest.raises(PermissionDenied):
        appraisal.add_adjustment(demo_db, AUDITOR, "2025-12", employee, 2, "x")
    results = appraisal.period_results(demo_db, actor, "2025-12")
    assert [a.id for a in results.adjustments] == [adjustment] and [e.id for e in results.exemptions] == [exemption]
    appraisal.remove_adjustment(demo_db, actor, adjustment, "撤销")
    appraisal.remove_exemption(demo_db, actor, exemption, "撤销")
    results = appraisal.period_results(demo_db, actor, "2025-12")
    assert not [a for a in results.adjustments if a.id == adjustment and a.active]


def test_a_finalized_period_is_signed_and_a_new_one_opened(demo_db, actor):
    employee = _employee_login(demo_db, "CS001").employee_id
    row = appraisal.record_signoff(demo_db, actor, "2025-11", employee, "manager", "李强")
    with pytest.raises(PermissionDenied):
        appraisal.remove_signoff(demo_db, AUDITOR, row.id, "x")
    appraisal.remove_signoff(demo_db, actor, row.id, "签错了")
    assert not appraisal.period_results(demo_db, actor, "2025-11").signoffs
    with pytest.raises(PermissionDenied):
        appraisal.open_period(demo_db, AUDITOR, "2026-01")
    assert appraisal.open_period(demo_db, actor, "2026-01") == "2026-01"


def test_forced_distribution_is_set_and_cleared_as_the_actor(demo_db, actor):
    quotas = [("excellent", 20), ("good", 50), ("fair", 20), ("poor", 10)]
    with pytest.raises(PermissionDenied):
        appraisal.apply_forced(demo_db, AUDITOR, "2025-12", quotas)
    appraisal.apply_forced(demo_db, actor, "2025-12", quotas)
    assert appraisal.period_results(demo_db, actor, "2025-12").forced is not None
    appraisal.clear_forced(demo_db, actor, "2025-12")
    assert appraisal.period_results(demo_db, actor, "2025-12").forced is None


def test_the_overview_and_the_entry_grid(demo_db, actor):
    overview = appraisal.period_overview(demo_db, actor, "2025-12")
    assert overview.status == "open"
    sheet = appraisal.entry_sheet(demo_db, actor, "2025-12")
    assert sheet.period == "2025-12" and sheet.rows


def test_the_roster_lists_each_persons_template_forms(demo_db):
    from kpidesk.services.appraisal.measurements import appraisal_roster
    from kpidesk.services.appraisal.scoring_inputs import current_templates

    with demo_db.session() as s:
        by_key, _for_position = current_templates(s)
        roster = appraisal_roster(s, "2025-12")
        expected = {key: [(tf.form_version_id, tf.form_version.form_key, tf.form_version.version,
                           tf.form_version.title_zh, tf.form_version.title_en) for tf in row.forms]
                    for key, row in by_key.items()}
    assert any(entry.forms for entry in roster), "no template has forms: the test shows nothing"
    for entry in roster:
        forms = [(f.form_version_id, f.form_key, f.version, f.title_zh, f.title_en) for f in entry.forms]
        assert forms == (expected[entry.template_key] if entry.template_key else []), entry.staff_no
