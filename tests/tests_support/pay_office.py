"""A small office for the pay tests: two departments, four representatives scored on one QA KPI, sales
figures as a raw field, and the handbook's commission table in the rules."""

from datetime import date
from decimal import Decimal

from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
from kpidesk.domain.pay_rules import Allowance, PayRules
from kpidesk.services.appraisal import measurements, periods
from kpidesk.services.people import staff
from kpidesk.store import models as m

D = Decimal
MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04")
RULES = PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS, "marginal"),
                 allowances=(Allowance("meal", D("300.00"), "餐补", "Meal allowance"),))


def build_office(db, actor):
    """客服部 (with team 一组) and 销售部; one template scoring the QA KPI as entered (total = QA score)."""
    with db.write() as s:
        s.add(m.RawField(code="sales", name_zh="销售额", name_en="Sales", unit="currency"))
        qa = m.Kpi(code="qa", name_zh="质检评分", name_en="QA score", unit="score", direction="higher",
                   aggregation="mean")
        s.add(qa)
        rep = staff.get_or_create_position(s, "客服代表")
        template = m.Template(key="rep", version=1, name_zh="客服代表考核表", name_en="Representative",
                              position_id=rep.id, quantitative_share=D(100), qualitative_share=D(0))
        s.flush()
        template.items = [m.TemplateItem(kpi_id=qa.id, sort_order=0, weight=D(100), rule="direct")]
        s.add(template)
        service = staff.get_or_create_department(s, "客服部")
        team = staff.get_or_create_department(s, "一组", service)
        sales = staff.get_or_create_department(s, "销售部")
        ids = {"service": service.id, "team": team.id, "sales": sales.id}
        for no, name, dep in [("E1", "王芳", team), ("E2", "张伟", team), ("E3", "刘洋", service),
                              ("E4", "赵敏", sales)]:
            ids[no] = staff.add_employee(s, actor, staff_no=no, name=name, department_id=dep.id,
                                         position_id=rep.id, hire_date=date(2020, 1, 1)).id
        for code in MONTHS:
            periods.open_period(s, actor, code)
    return ids


def put(db, actor, period, rows):
    changes = [measurements.ValueChange(e, f, D(str(v))) for e, values in rows.items() for f, v in values.items()]
    with db.write() as s:
        measurements.set_values(s, actor, period, changes, audit_each=False)


BASE_PAY = (("E1", "8000"), ("E2", "6000"), ("E3", "5000"), ("E4", "7000"))


def january_office(db, actor, rules: PayRules):
    """The office with January's figures (E1 sells 55,000, E4 90,000), everyone's base pay and ``rules``
    in force from January; returns the employee ids."""
    from kpidesk.services.pay import payroll as pay

    ids = build_office(db, actor)
    put(db, actor, "2025-01", {ids["E1"]: {"qa": 97, "sales": 55000}, ids["E2"]: {"qa": 88},
                               ids["E3"]: {"qa": 60}, ids["E4"]: {"qa": 75, "sales": 90000}})
    with db.write() as s:
        for no, amount in BASE_PAY:
            pay.set_base_pay(s, actor, no, amount)
        pay.save_rule_version(s, actor, "2025-01", rules)
    return ids
