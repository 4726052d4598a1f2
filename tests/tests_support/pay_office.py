"""A small office for the pay tests: two departments, four representatives scored on one QA KPI, sales
figures as a raw field, and the handbook's commission table in the rules."""

from datetime import date
from decimal import Decimal

from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
from kpidesk.domain.pay_rules import Allowance, PayRules
from kpidesk.services import measurements, periods, staff
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
