"""The period workflow: open (templates carried over), review with appeals, finalize with a hashed snapshot,
edits afterwards change nothing, reopen needs a reason."""

import hashlib
import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.errors import CorruptDatabase, LockedPeriodError, PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import measurements, periods
from kpidesk.services.appraisal.scoring import period_scores, score_records
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def _load_office_builder():
    """The office of the scoring service tests, so both describe the same people and numbers."""
    path = Path(__file__).with_name("test_scoring_service.py")
    spec = importlib.util.spec_from_file_location("scoring_service_office", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


office_module = _load_office_builder()


@pytest.fixture
def office(db, actor):
    ids = office_module.build_office(db, actor)
    for period in ("2025-01", "2025-02", "2025-03"):
        office_module.put(db, actor, period, {
            ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95},
            ids["E2"]: {"resolved": 85, "contacts": 100, "csat": 88},
            ids["E3"]: {"resolved": 60, "contacts": 100, "csat": 70},
            ids["E4"]: {"resolved": 90, "contacts": 100, "csat": 90},
            ids["E5"]: {"resolved": 90, "contacts": 100, "csat": 91},
        })
    return ids


def records(db, period):
    with db.session() as s:
        return score_records(period_scores(s, period, actor=ADMIN))


def test_open_records_appraisees_with_their_templates(office, db):
    with db.session() as s:
        record = period_record(s, "2025-03")
        appraisals = s.execute(select(m.Appraisal).where(m.Appraisal.period_id == record.id)).scalars().all()
        template = s.execute(select(m.Template).where(m.Template.key == "rep")).scalar_one()
    assert {a.template_id for a in appraisals} == {template.id}
    assert len(appraisals) == 7  # everyone but the March joiner of 20 March; the leaver left after opening


def test_open_carries_the_previous_template_over(office, db, actor):
    with db.write() as s:
        old = s.execute(select(m.Template).where(m.Template.key == "rep")).scalar_one()
        other = m.Template(key="special", version=1, name_zh="专项", name_en="Special", position_id=None)
        other.items = [m.TemplateItem(kpi_id=item.kpi_id, sort_order=item.sort_order, weight=item.weight,
                                      baseline=item.baseline, target=item.target, challenge=item.challenge,
                                      rule=item.rule, params=item.params) for item in old.items]
        s.add(other)
        s.flush()
        record = period_record(s, "2025-03")
        appraisal = s.execute(select(m.Appraisal).where(
            m.Appraisal.period_id == record.id, m.Appraisal.employee_id == office["E1"])).scalar_one()
        appraisal.template_id = other.id
        periods.open_period(s, actor, "2025-04")
        record = period_record(s, "2025-04")
        carried = s.execute(select(m.Appraisal).where(
            m.Appraisal.period_id == record.id, m.Appraisal.employee_id == office["E1"])).scalar_one()
        others = s.execute(select(m.Appraisal).where(
            m.Appraisal.period_id == record.id, m.Appraisal.employee_id == office["E2"])).scalar_one()
        assert carried.template_id == other.id
        assert others.template_id == old.id


def test_opening_twice_is_refused(office, db, actor):
    with db.write() as s, pytest.raises(ValidationError, match="already exists"):
        periods.open_period(s, actor, "2025-03")


def test_finalize_stores_a_hashed_snapshot_and_results(office, db, actor):
    before = records(db, "2025-03")
    with db.write() as s:
        done = periods.finalize_period(s, actor, "2025-03")
    with db.session() as s:
        record = period_record(s, "2025-03")
        snapshot = s.execute(select(m.Snapshot).where(m.Snapshot.period_id == record.id)).scalar_one()
        results = s.execute(select(m.Result).where(m.Result.period_id == record.id)).scalars().all()
        audit = s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "period.finalize")).scalar_one()
        assert record.status == "finalized" and record.finalized_by == actor.name
    canonical = json.dumps(snapshot.content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert snapshot.content_hash == done.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert audit.new["content_hash"] == done.content_hash
    content = snapshot.content
    assert content["templates"]["rep"]["items"][0]["code"] == "fcr"
    assert content["templates"]["rep"]["items"][1]["params"] == {"points": 2, "step": 1}
    e1 = str(office["E1"])
    assert content["inputs"][e1] == {"resolved": 96.0, "contacts": 100.0, "csat": 95.0}
    assert content["explanations"][e1]["csat"]["rule"] == "deduction"
    assert len(results) == len(before) == done.employees
    by_employee = {r.employee_id: r for r in results}
    assert by_employee[office["E1"]].total == Decimal(str(before[0]["total"]))
    assert records(db, "2025-03") == before


def test_finalized_numbers_survive_template_and_data_changes(office, db, actor):
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-03")
    finalized = records(db, "2025-03")
    with db.write() as s:
        template = s.execute(select(m.Template).where(m.Template.key == "rep")).scalar_one()
        template.items[0].weight = Decimal(30)
        template.items[1].weight = Decimal(50)
        template.items[0].target = Decimal(97)
        newer = m.Template(key="rep", version=2, name_zh="新版", name_en="New", position_id=template.position_id)
        template.is_current = False
        s.add(newer)
    assert records(db, "2025-03") == finalized
    with db.write() as s, pytest.raises(LockedPeriodError):
        measurements.set_values(s, actor, "2025-03", [measurements.ValueChange(office["E1"], "csat", Decimal(10))])
    with db.session() as s:
        scores = period_scores(s, "2025-03", actor=ADMIN)
    assert scores.source == "snapshot"
    e1 = scores.frame.index[scores.frame["staff_no"] == "E1"][0]
    assert scores.explain(e1, "csat").score == pytest.approx(100)
    assert scores.explanation_text(e1, "fcr", "en").startswith("actual 96% · baseline 80% · target 90%")


def test_reopen_requires_a_reason_and_recomputes(office, db, actor):
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-03")
    with db.write() as s, pytest.raises(ValidationError, match="reason"):
        periods.reopen_period(s, actor, "2025-03", "   ")
    with db.write() as s:
        template = s.execute(select(m.Template).where(m.Template.key == "rep")).scalar_one()
        template.items[1].params = {"points": 10, "step": 1}
        periods.reopen_period(s, actor, "2025-03", "csat survey was re-run")
    with db.session() as s:
        record = period_record(s, "2025-03")
        assert record.status == "open"
        assert s.execute(select(m.Snapshot.superseded).where(m.Snapshot.period_id == record.id)).scalar_one()
        assert not s.execute(select(m.Result).where(m.Result.period_id == record.id)).scalars().all()
        entry = s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "period.reopen")).scalar_one()
        assert entry.reason == "csat survey was re-run"
    e2 = next(r for r in records(db, "2025-03") if r["staff_no"] == "E2")
    assert e2["kpis"]["csat"]["score"] == 80  # 2 below target at the new 10 points each
    with db.write() as s:
        second = periods.finalize_period(s, actor, "2025-03")
    with db.session() as s:
        hashes = s.execute(select(m.Snapshot.content_hash, m.Snapshot.superseded)).all()
    assert len(hashes) == 2 and (second.content_hash, False) in hashes


def test_reopen_only_finalized_and_finalize_only_once(office, db, actor):
    with db.write() as s, pytest.raises(ValidationError, match="not finalized"):
        periods.reopen_period(s, actor, "2025-03", "why")
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-03")
    with db.write() as s, pytest.raises(LockedPeriodError):
        periods.finalize_period(s, actor, "2025-03")


def test_review_acknowledge_appeal_and_answer(office, db, actor):
    with db.write() as s, pytest.raises(ValidationError, match="not in review"):
        periods.record_response(s, actor, "2025-03", "E2", "appeal", "too low")
    with db.write() as s:
        periods.start_review(s, actor, "2025-03")
    employee = Actor("e2", Role.EMPLOYEE, employee_id=office["E2"])
    with db.session() as s:
        from kpidesk.services.appraisal.scoring import compute_period

        own = compute_period(s, "2025-03", actor=employee)
    assert own["staff_no"].tolist() == ["E2"]
    with db.write() as s:
        periods.record_response(s, actor, "2025-03", "E1", "acknowledge")
        appeal = periods.record_response(s, employee, "2025-03", "E2", "appeal", "客户满意度数据有误")
        appeal_id = appeal.id
        with pytest.raises(PermissionDenied):
            periods.record_response(s, employee, "2025-03", "E1", "appeal", "not mine")
        with pytest.raises(ValidationError):
            periods.record_response(s, actor, "2025-03", "E3", "appeal", "")
        with pytest.raises(PermissionDenied):
            periods.record_response(s, Actor("audit", Role.AUDITOR), "2025-03", "E3", "acknowledge")
    with db.session() as s:
        finance = s.execute(select(m.Department.id).where(m.Department.name == "财务部")).scalar_one()
    with db.write() as s, pytest.raises(PermissionDenied):
        periods.answer_appeal(s, Actor("other head", Role.HEAD, department_ids=frozenset({finance})), appeal_id, "no")
    with db.write() as s:
        periods.answer_appeal(s, actor, appeal_id, "已核对，数据无误")
    with db.session() as s:
        assert [r["staff_no"] for r in periods.list_responses(s, "2025-03", employee)] == ["E2"]
        rows = periods.list_responses(s, "2025-03", ADMIN)
    assert [(r["staff_no"], r["kind"]) for r in rows] == [("E1", "acknowledge"), ("E2", "appeal")]
    assert rows[1]["answer"] == "已核对，数据无误" and rows[1]["text"] == "客户满意度数据有误"
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-03")
    assert periods_status(db, "2025-03") == "finalized"


def periods_status(db, code):
    with db.session() as s:
        return {p.code: p.status for p in periods.list_periods(s, ADMIN)}[code]


def test_list_periods(office, db, actor):
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-01")
    with db.session() as s:
        listed = [p.to_dict() for p in periods.list_periods(s, ADMIN)]
    assert [(p["code"], p["status"]) for p in listed] == [("2025-01", "finalized"), ("2025-02", "open"),
                                                          ("2025-03", "open")]
    assert listed[0]["snapshot_hash"] and listed[1]["snapshot_hash"] is None
    assert listed[0]["appraisees"] == 6


def test_only_administrators_run_the_workflow(office, db):
    head = Actor("head", Role.HEAD)
    with db.write() as s, pytest.raises(PermissionDenied):
        periods.finalize_period(s, head, "2025-03")
    with db.write() as s, pytest.raises(PermissionDenied):
        periods.open_period(s, Actor("e", Role.EMPLOYEE), "2025-04")


def test_a_changed_snapshot_is_detected(office, db, actor):
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-03")
    with db.write() as s:
        snapshot = s.execute(select(m.Snapshot)).scalar_one()
        content = json.loads(json.dumps(snapshot.content))
        content["rows"][0]["total"] = 99.99
        snapshot.content = content
    with db.session() as s, pytest.raises(CorruptDatabase):
        period_scores(s, "2025-03", actor=ADMIN)


def test_streak_flags_use_the_finalized_history(office, db, actor):
    for period in ("2025-01", "2025-02"):
        with db.write() as s:
            periods.finalize_period(s, actor, period)
    march = {r["staff_no"]: r for r in records(db, "2025-03")}
    # E4 scores 100 every month, first in 客服部? E1 (fcr 96 → 120, csat 95 → 100) is higher
    assert march["E1"]["grade_code"] == "excellent" and march["E1"]["rank_department"] == 1
    assert "reward_streak" in march["E1"]["flags"]
    assert "improvement_plan" in march["E3"]["flags"]
    assert "reward_streak" not in march["E4"]["flags"]


def test_two_thirds_rule_is_recorded_as_automatic_exemptions(db, actor):
    ids = office_module.build_office(db, actor, two_thirds=True)
    office_module.put(db, actor, "2025-03", {ids["E1"]: {"resolved": 85, "contacts": 100, "csat": 90},
                                             ids["E2"]: {"resolved": 86, "contacts": 100, "csat": 90},
                                             ids["E3"]: {"resolved": 95, "contacts": 100, "csat": 90}})
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-03")
    with db.session() as s:
        rows = s.execute(select(m.Exemption.employee_id, m.Exemption.automatic)).all()
        snapshot = s.execute(select(m.Snapshot)).scalar_one()
    assert sorted(rows) == sorted([(ids["E1"], True), (ids["E2"], True)])
    assert snapshot.content["exemptions"][str(ids["E1"])] == [
        {"kpi": "fcr", "reason": "department_rule", "automatic": True}]
    with db.write() as s:
        periods.reopen_period(s, actor, "2025-03", "recheck")
    with db.session() as s:
        assert not s.execute(select(m.Exemption)).all()


def test_organisation_settings_for_forced_distribution_rsr_and_streaks(office, db, actor):
    from kpidesk.domain.grades import ForcedDistribution
    from kpidesk.domain.streaks import StreakRule
    from kpidesk.services.safety.settings import update_settings

    with db.write() as s:
        update_settings(s, actor, rank_sum_ratio=True, streak_rules=(StreakRule("steady", "good", 2),),
                        forced_distribution=ForcedDistribution(
                            (("excellent", 20), ("good", 60), ("fair", 20)), "organisation"))
    with db.session() as s:
        frame = period_scores(s, "2025-01", actor=ADMIN).frame.set_index("staff_no")
    scored = frame[frame["total"].notna()]
    assert (scored["grade_code"] == "excellent").sum() == 1  # 20 % of the 5 with a total, rounded half-up
    assert frame.loc["E1", "grade_computed"] == "excellent"
    assert "rsr" in frame.columns and frame["rank_rsr"].notna().any()
    with db.write() as s:
        periods.finalize_period(s, actor, "2025-01")
    with db.session() as s:
        february = period_scores(s, "2025-02", actor=ADMIN).frame.set_index("staff_no")
    good_twice = [no for no in february.index if february.loc[no, "grade_code"] == "good"
                  and frame.loc[no, "grade_code"] == "good"]
    assert good_twice and all("steady" in february.loc[no, "flags"] for no in good_twice)
