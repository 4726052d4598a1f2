"""The small office of the scoring tests: 客服部 with two teams and 财务部, one template of three KPIs
(one half-yearly), a joiner, a late joiner and a leaver, and periods 2025-01 … 2025-03."""

from datetime import date
from decimal import Decimal

from kpidesk.services.appraisal import measurements, periods
from kpidesk.services.people import staff
from kpidesk.services.safety.settings import update_settings
from kpidesk.store import models as m

FIELDS = ("resolved", "contacts", "cost", "budget")


def build_office(db, actor, *, months=("2025-01", "2025-02", "2025-03"), two_thirds=False, missing_policy="exclude",
                 min_coverage=0):
    """客服部 with teams 一组 and 二组, and 财务部; one template: fcr 50 (three-level 80/90/95 from raw fields),
    csat 30 (2 points per point below 90), budget 20 (half-yearly band ±5/4/3 from raw fields).

    Nobody answers a form here, so every result rests on the quantitative 70 % at most: the minimum
    coverage to grade is ``min_coverage`` (off unless asked) so that grades and ranks follow the KPIs."""
    with db.write() as s:
        update_settings(s, actor, min_coverage_to_grade=min_coverage)
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
