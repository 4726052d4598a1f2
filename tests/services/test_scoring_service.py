"""compute_period over a small office built through the services: values, statuses, totals, ranks, roll-ups."""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import select

from kpidesk.errors import NotFound, PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import measurements, periods
from kpidesk.services.appraisal.scoring import compute_period, period_scores, score_records
from kpidesk.services.people import staff
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

FIELDS = ("resolved", "contacts", "cost", "budget")


def build_office(db, actor, *, months=("2025-01", "2025-02", "2025-03"), two_thirds=False, missing_policy="exclude"):
    """客服部 with teams 一组 and 二组, and 财务部; one template: fcr 50 (three-level 80/90/95 from raw fields),
    csat 30 (2 points per point below 90), budget 20 (half-yearly band ±5/4/3 from raw fields)."""
    with db.write() as s:
        for code in FIELDS:
            s.add(m.RawField(code=code, name_zh=code, name_en=code, unit="count"))
        fcr = m.Kpi(code="fcr", name_zh="一次解决率", name_en="First contact resolution", unit="percent",
                    direction="higher", formula="resolved / contacts * 100", aggregation="recompute")
        csat = m.Kpi(code="csat", name_zh="客户满意度", name_en="Customer satisfaction", unit="score",
                     direction="higher", aggregation="mean")
        budget = m.Kpi(code="budget", name_zh="预算控制", name_en="Budget control", unit="percent",
                       direction="band", formula="(cost - budget) / budget * 100", period_kind="half",
                       aggregation="recompute")
        s.add_all([fcr, csat, budget])
        position = staff.get_or_create_position(s, "客服代表")
        template = m.Template(key="rep", version=1, name_zh="客服代表考核表", name_en="Representative",
                              position_id=position.id, two_thirds_rule=two_thirds, missing_policy=missing_policy)
        s.flush()
        template.items = [
            m.TemplateItem(kpi_id=fcr.id, sort_order=0, weight=Decimal(50), baseline=Decimal(80), target=Decimal(90),
                           challenge=Decimal(95), rule="three_level"),
            m.TemplateItem(kpi_id=csat.id, sort_order=1, weight=Decimal(30), target=Decimal(90), rule="deduction",
                           params={"points": 2, "step": 1}),
            m.TemplateItem(kpi_id=budget.id, sort_order=2, weight=Decimal(20), baseline=Decimal(5), target=Decimal(4),
                           challenge=Decimal(3), rule="band"),
        ]
        s.add(template)
        service = staff.get_or_create_department(s, "客服部")
        team1 = staff.get_or_create_department(s, "一组", service)
        team2 = staff.get_or_create_department(s, "二组", service)
        finance = staff.get_or_create_department(s, "财务部")
        people = {}
        for staff_no, name, dep, hired in [
            ("E1", "王芳", team1, date(2020, 1, 1)), ("E2", "张伟", team1, date(2020, 1, 1)),
            ("E3", "刘洋", team2, date(2020, 1, 1)), ("E4", "陈静", service, date(2020, 1, 1)),
            ("E5", "赵敏", finance, date(2020, 1, 1)), ("E6", "新人", team2, date(2025, 3, 20)),
            ("E8", "早到", team2, date(2025, 3, 10)),
        ]:
            people[staff_no] = staff.add_employee(s, actor, staff_no=staff_no, name=name, department_id=dep.id,
                                                  position_id=position.id, hire_date=hired)
        leaver = staff.add_employee(s, actor, staff_no="E7", name="离职", department_id=team1.id,
                                    position_id=position.id, hire_date=date(2020, 1, 1))
        people["E7"] = leaver
        for code in months:
            periods.open_period(s, actor, code)
        staff.mark_left(s, actor, leaver.id, on=date(2025, 3, 10), reason="个人原因")
        ids = {k: v.id for k, v in people.items()}
    return ids


def put(db, actor, period, rows):
    """rows: staff id → {field: value}."""
    changes = [measurements.ValueChange(employee_id, field, None if value is None else Decimal(str(value)))
               for employee_id, values in rows.items() for field, value in values.items()]
    with db.write() as s:
        measurements.set_values(s, actor, period, changes, audit_each=False)


@pytest.fixture
def office(db, actor):
    ids = build_office(db, actor)
    march = {
        ids["E1"]: {"resolved": 92, "contacts": 100, "csat": 88},  # fcr 92 → 108, csat −4 → 96
        ids["E2"]: {"resolved": 85, "contacts": 100, "csat": 95},  # fcr 85 → 80, csat 100
        ids["E3"]: {"resolved": 0, "contacts": 0, "csat": 90},  # fcr not computable
        ids["E4"]: {"resolved": 99, "contacts": 100},  # csat missing
        ids["E5"]: {"resolved": 90, "contacts": 100, "csat": 90},
        ids["E8"]: {"resolved": 80, "contacts": 100, "csat": 80},
    }
    put(db, actor, "2025-03", march)
    return ids


def frame_for(db, period="2025-03", **kwargs):
    with db.session() as s:
        return compute_period(s, period, **{"actor": ADMIN, **kwargs})


def test_values_scores_weights_and_statuses(office, db):
    frame = frame_for(db).set_index("staff_no")
    assert frame.loc["E1", "fcr.value"] == pytest.approx(92)
    assert frame.loc["E1", "fcr.score"] == pytest.approx(108)
    assert frame.loc["E1", "csat.score"] == pytest.approx(96)
    assert frame.loc["E1", "budget.status"] == "not_due"  # a half-yearly KPI in a March sheet
    assert frame.loc["E1", "quantitative"] == pytest.approx((50 * 108 + 30 * 96) / 80)
    assert frame.loc["E3", "fcr.status"] == "not_computable"
    assert frame.loc["E4", "csat.status"] == "missing"
    assert frame.loc["E4", "quantitative"] == pytest.approx(120)
    assert frame.loc["E1", "fcr.weight"] == 50


def test_total_grade_and_flags(office, db):
    frame = frame_for(db).set_index("staff_no")
    expected = round((50 * 108 + 30 * 96) / 80, 2)
    assert frame.loc["E1", "total"] == pytest.approx(expected)
    assert frame.loc["E1", "grade_code"] == "excellent" and frame.loc["E1", "grade"] == "Excellent"
    assert "quantitative_only" in frame.loc["E1", "flags"]  # no forms answered
    assert "kpis_excluded" in frame.loc["E3", "flags"]


def test_who_is_appraised_joiners_and_leavers(office, db):
    frame = frame_for(db).set_index("staff_no")
    assert "E6" not in frame.index  # joined 20 March: 12 days
    assert "E7" not in frame.index  # left 10 March: 10 days
    assert "joined" in frame.loc["E8", "flags"]  # joined 10 March: 22 days


def test_departments_teams_and_ranks(office, db):
    frame = frame_for(db).set_index("staff_no")
    assert frame.loc["E1", "department"] == "客服部" and frame.loc["E1", "team"] == "一组"
    assert frame.loc["E4", "team"] is None
    assert frame.loc["E5", "department"] == "财务部"
    expected_org = frame["total"].rank(method="min", ascending=False)
    assert frame["rank_organisation"].dropna().tolist() == expected_org.dropna().astype(int).tolist()
    service = frame[frame["department"] == "客服部"]
    expected_dept = service["total"].rank(method="min", ascending=False)
    assert service["rank_department"].dropna().tolist() == expected_dept.dropna().astype(int).tolist()
    assert frame.loc["E5", "rank_department"] == 1  # alone in 财务部
    assert frame.loc["E5", "rank_organisation"] > 1


def test_department_filter_keeps_organisation_ranks(office, db):
    full = frame_for(db).set_index("staff_no")
    team = frame_for(db, department="一组").set_index("staff_no")
    assert sorted(team.index) == ["E1", "E2"]
    assert team.loc["E1", "rank_organisation"] == full.loc["E1", "rank_organisation"]
    whole = frame_for(db, department="客服部").set_index("staff_no")
    assert set(whole.index) == {"E1", "E2", "E3", "E4", "E8"}
    with pytest.raises(NotFound):
        frame_for(db, department="没有这个部门")


def test_sorted_by_staff_number_and_json_records(office, db):
    with db.session() as s:
        scores = period_scores(s, "2025-03", actor=ADMIN)
        records = score_records(scores)
    assert [r["staff_no"] for r in records] == sorted(r["staff_no"] for r in records)
    first = records[0]
    assert set(first) == {"staff_no", "name", "department", "team", "quantitative", "qualitative", "adjustments",
                          "total", "grade", "grade_code", "grade_computed", "rank_department", "rank_organisation",
                          "flags", "kpis", "coverage", "kpi_coverage", "qualitative_included"}
    assert first["kpis"]["fcr"] == {"value": 92.0, "score": 108.0, "weight": 50.0, "status": "ok"}
    assert first["kpis"]["budget"]["status"] == "not_due"


def test_explanations_on_demand(office, db):
    with db.session() as s:
        scores = period_scores(s, "2025-03", actor=ADMIN)
    e1 = scores.frame.index[scores.frame["staff_no"] == "E1"][0]
    assert scores.explanation_text(e1, "csat", "zh_CN") == "实际 88 · 目标 90 · 低于目标 2 × 2 分 = −4 → 96 分"
    e3 = scores.frame.index[scores.frame["staff_no"] == "E3"][0]
    assert scores.explain(e3, "fcr").problem == "division_by_zero"


def test_exemptions_and_adjustments_from_the_database(office, db, actor):
    with db.write() as s:
        fcr = s.execute(select(m.Kpi).where(m.Kpi.code == "fcr")).scalar_one()
        record = period_record(s, "2025-03")
        s.add(m.Exemption(period_id=record.id, employee_id=office["E2"], kpi_id=fcr.id, reason="系统故障", author="hr"))
        s.add(m.Adjustment(period_id=record.id, employee_id=office["E2"], points=Decimal("2.5"), reason="表扬",
                           author="hr"))
        s.add(m.Exemption(period_id=record.id, employee_id=office["E1"], kpi_id=fcr.id, reason="auto", author="x",
                          automatic=True))
    frame = frame_for(db).set_index("staff_no")
    assert frame.loc["E2", "fcr.status"] == "exempt"
    assert frame.loc["E2", "quantitative"] == pytest.approx(100)
    assert frame.loc["E2", "adjustments"] == 2.5 and frame.loc["E2", "total"] == 102.5
    assert frame.loc["E1", "fcr.status"] == "ok"  # automatic exemptions are results, not inputs


def test_missing_policy_zero(db, actor):
    ids = build_office(db, actor, missing_policy="zero")
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 90, "contacts": 100}})
    frame = frame_for(db).set_index("staff_no")
    assert frame.loc["E1", "csat.score"] == 0
    assert frame.loc["E1", "quantitative"] == pytest.approx(50 * 100 / 80)


def test_half_year_kpi_is_valued_over_its_months_in_the_june_sheet(db, actor):
    ids = build_office(db, actor, months=("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"))
    costs = {"2025-01": 103, "2025-02": 110, "2025-03": 100, "2025-04": 100, "2025-05": 100, "2025-06": 100}
    for period, cost in costs.items():
        put(db, actor, period, {ids["E1"]: {"cost": cost, "budget": 100, "resolved": 90, "contacts": 100, "csat": 90}})
    frame = frame_for(db, "2025-06").set_index("staff_no")
    # H1: Σ cost 613 against Σ budget 600 → +2.17 %, inside ±3 %: 120; June alone would be 0 %
    assert frame.loc["E1", "budget.status"] == "ok"
    assert frame.loc["E1", "budget.value"] == pytest.approx(13 / 600 * 100)
    assert frame.loc["E1", "budget.score"] == pytest.approx(120)


def test_quarter_without_its_own_data_rolls_up_its_months(db, actor):
    ids = build_office(db, actor)
    put(db, actor, "2025-01", {ids["E1"]: {"resolved": 90, "contacts": 100, "csat": 80}})
    put(db, actor, "2025-02", {ids["E1"]: {"resolved": 10, "contacts": 20, "csat": 90}})
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 180, "contacts": 200, "csat": 100}})
    with db.session() as s:
        scores = period_scores(s, "2025-Q1", actor=ADMIN)
    frame = scores.frame.set_index("staff_no")
    assert scores.status == "not_opened" and scores.loaded.months_used == ["2025-01", "2025-02", "2025-03"]
    assert frame.loc["E1", "fcr.value"] == pytest.approx(280 / 320 * 100)  # recomputed, not the mean of rates
    assert frame.loc["E1", "csat.value"] == pytest.approx(90)  # mean
    assert frame.loc["E1", "budget.status"] == "not_due"  # a half-year KPI in a Q1 sheet


def test_unopened_period_is_not_found(office, db):
    with pytest.raises(NotFound):
        frame_for(db, "2024-05")
    with pytest.raises(NotFound):
        frame_for(db, "2024-Q2")


def test_two_thirds_rule_through_the_template(db, actor):
    ids = build_office(db, actor, two_thirds=True)
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 85, "contacts": 100, "csat": 90},
                               ids["E2"]: {"resolved": 86, "contacts": 100, "csat": 90},
                               ids["E3"]: {"resolved": 95, "contacts": 100, "csat": 90},
                               ids["E4"]: {"resolved": 84, "contacts": 100, "csat": 90}})
    frame = frame_for(db).set_index("staff_no")
    # 客服部 (with its teams): 3 of the 4 with a value missed 90 → scored as at target
    assert frame.loc["E1", "fcr.score"] == 100 and frame.loc["E4", "fcr.score"] == 100
    assert frame.loc["E3", "fcr.score"] == pytest.approx(120)
    assert "department_rule" in frame.loc["E1", "flags"]


def test_permissions_limit_what_people_see(office, db):
    employee = Actor("e1", Role.EMPLOYEE, employee_id=office["E1"])
    with db.session() as s, pytest.raises(PermissionDenied):
        compute_period(s, "2025-03", actor=employee)
    with db.session() as s:
        head_department = s.execute(select(m.Department.id).where(m.Department.name == "二组")).scalar_one()
    head = Actor("head", Role.HEAD, department_ids=frozenset({head_department}))
    frame = frame_for(db, actor=head)
    assert sorted(frame["staff_no"]) == ["E3", "E8"]


def test_qualitative_part_from_submitted_forms(office, db, actor):
    from kpidesk.services.forms import catalogue
    from kpidesk.services.forms import responses as forms

    with db.write() as s:
        template = s.execute(select(m.Template).where(m.Template.key == "rep")).scalar_one()
        attached = catalogue.attach_form(s, actor, template.id, "teamwork", 100)
        criteria = ("participation", "sharing", "helping", "conflict")
        for role, level in (("manager", "good"), ("self", "excellent")):
            forms.save_response(s, actor, forms.ResponseInput(
                period="2025-03", employee_id=office["E1"], form_version_id=attached.form_version_id, role=role,
                levels={c: level for c in criteria}, comments={c: "例子 example" for c in criteria}), submit=True)
    frame = frame_for(db).set_index("staff_no")
    assert frame.loc["E1", "qualitative"] == pytest.approx(0.7 * 85 + 0.3 * 100)
    quantitative = (50 * 108 + 30 * 96) / 80
    assert frame.loc["E1", "total"] == pytest.approx(round(0.7 * quantitative + 0.3 * 89.5, 2))
    assert "quantitative_only" not in frame.loc["E1", "flags"]
    assert "quantitative_only" in frame.loc["E2", "flags"]
    assert np.isnan(frame.loc["E2", "qualitative"])
