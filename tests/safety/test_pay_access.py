"""Who sees pay and who changes it, through real logins: HR and administrators do; a department head and
an auditor see no pay and change nothing; an employee sees no one's pay but, once final, their own line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.domain.pay_rules import Allowance, PayRules
from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import PROGRAM_ACTOR, Actor, Role
from kpidesk.services.appraisal import measurements, periods
from kpidesk.services.closing import finalize as closing
from kpidesk.services.pay import payroll as pay
from kpidesk.services.pay.export import export_payroll
from kpidesk.services.people import staff
from kpidesk.services.safety import access, auth
from kpidesk.store import models as m

D = Decimal
PERIOD = "2025-03"
SYSTEM = Actor("setup")
RULES = PayRules(allowances=(Allowance("meal", D("300.00"), "餐补", "Meal allowance"),))
LATER = PayRules(allowances=(Allowance("meal", D("500.00"), "餐补", "Meal allowance"),))
PASSWORDS = {"admin": "admin-secret", "hr-li": "hr-secret-1", "zhang": "head-secret", "audit": "audit-secret",
             "wf": "employee-secret"}


@pytest.fixture
def office(db):
    """客服部 (E1 王芳, E2 张伟) and 销售部 (E3 赵敏), base pay typed in, one open month scored on QA, and
    logins for every role."""
    with db.write() as s:
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
        sales = staff.get_or_create_department(s, "销售部")
        ids = {"service": service.id}
        for no, name, department in (("E1", "王芳", service), ("E2", "张伟", service), ("E3", "赵敏", sales)):
            ids[no] = staff.add_employee(s, SYSTEM, staff_no=no, name=name, department_id=department.id,
                                         position_id=rep.id, hire_date=date(2020, 1, 1)).id
        periods.open_period(s, SYSTEM, PERIOD)
    with db.write() as s:
        changes = [measurements.ValueChange(ids[no], "qa", D(score)) for no, score in
                   (("E1", "97"), ("E2", "88"), ("E3", "75"))]
        measurements.set_values(s, SYSTEM, PERIOD, changes, audit_each=False)
        for no, amount in (("E1", "8000"), ("E2", "6000"), ("E3", "7000")):
            pay.set_base_pay(s, SYSTEM, no, amount)
        pay.save_rule_version(s, SYSTEM, PERIOD, RULES)
        auth.enable_access(s, SYSTEM, "admin", PASSWORDS["admin"])
        auth.add_user(s, SYSTEM, "hr-li", PASSWORDS["hr-li"], "hr")
        auth.add_user(s, SYSTEM, "zhang", PASSWORDS["zhang"], Role.HEAD, department_id=service.id)
        auth.add_user(s, SYSTEM, "audit", PASSWORDS["audit"], Role.AUDITOR)
        auth.add_user(s, SYSTEM, "wf", PASSWORDS["wf"], Role.EMPLOYEE, employee_id=ids["E1"])
    return ids


def login(db, name: str) -> Actor:
    return auth.log_in(db, name, PASSWORDS[name])


def by_staff_no(view) -> dict:
    return {line.staff_no: line for line in view.run.lines}


def rules_now(db) -> PayRules:
    with db.session() as s:
        return pay.rules_in_force(s, PERIOD)


def test_an_hr_login_sees_base_pay_and_may_change_rules(db, office):
    hr = login(db, "hr-li")
    assert hr.role is Role.HR and pay.can_see_pay(hr) and pay.can_manage_pay(hr)
    with db.session() as s:
        view = pay.period_pay(s, hr, PERIOD)
        assert pay.check_budget(s, hr, PERIOD).overall.amount == view.run.totals.total
    assert not view.redacted and sorted(by_staff_no(view)) == ["E1", "E2", "E3"]
    assert by_staff_no(view)["E1"].base_pay == D("8000.00")
    assert by_staff_no(view)["E1"].performance_pay == D("9600.00")  # 8,000 × 1.2 (Excellent)
    with db.write() as s:
        pay.save_rule_version(s, hr, PERIOD, LATER, "more for meals")
        pay.set_base_pay(s, hr, "E2", "6500")
        pay.set_budget(s, hr, PERIOD, "30000")
        pay.grant_bonus(s, hr, PERIOD, "E3", "100", "加班")
    assert rules_now(db) == LATER
    with db.session() as s:
        entry = s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "pay.rules")
                          .order_by(m.AuditEntry.id.desc())).scalars().first()
        assert entry.actor == "hr-li"
        assert by_staff_no(pay.period_pay(s, hr, PERIOD))["E2"].base_pay == D("6500.00")


def test_hr_finalizes_and_exports_the_payroll(db, office, tmp_path):
    hr = login(db, "hr-li")
    with db.write() as s:
        closing.finalize_period(s, hr, PERIOD)
    with db.write() as s:
        result = export_payroll(s, hr, PERIOD, tmp_path / "payroll.csv", lang="en")
    assert result.people == 3
    assert "8000.00" in result.path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("name", ["zhang", "audit"])
def test_a_head_and_an_auditor_see_no_pay_and_cannot_change_pay(db, office, name, tmp_path):
    who = login(db, name)
    assert not pay.can_see_pay(who) and not pay.can_manage_pay(who)
    with db.session() as s, pytest.raises(PermissionDenied, match="Only HR and administrators may see pay"):
        pay.period_pay(s, who, PERIOD)  # not even their own staff's coefficients, bonuses and allowances
    with db.write() as s:
        periods.finalize_period(s, SYSTEM, PERIOD)
    with db.session() as s, pytest.raises(PermissionDenied):
        pay.period_pay(s, who, PERIOD)  # a finalized period no more than a draft
    refused = {
        "rules": lambda s: pay.save_rule_version(s, who, PERIOD, LATER),
        "base pay": lambda s: pay.set_base_pay(s, who, "E1", "1"),
        "budget": lambda s: pay.set_budget(s, who, PERIOD, "1"),
        "bonus": lambda s: pay.grant_bonus(s, who, PERIOD, "E1", "100", "?"),
        "budget check": lambda s: pay.check_budget(s, who, PERIOD),
        "what-if": lambda s: pay.what_if_pay(s, who, PERIOD, LATER),
        "bonuses": lambda s: pay.list_bonuses(s, who, PERIOD),
        "payroll": lambda s: export_payroll(s, who, PERIOD, tmp_path / "p.csv"),
    }
    for label, call in refused.items():
        with db.write() as s, pytest.raises(PermissionDenied):
            call(s)
            pytest.fail(f"{name} was allowed: {label}")
    assert rules_now(db) == RULES
    with db.session() as s:
        assert s.get(m.Employee, office["E1"]).base_pay == D("8000.00")
    assert not (tmp_path / "p.csv").exists()


def test_an_employee_cannot_see_pay(db, office):
    clerk = login(db, "wf")
    assert not pay.can_see_pay(clerk) and not pay.can_manage_pay(clerk)
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            pay.period_pay(s, clerk, PERIOD)  # nobody's, not even their own, before the period is final
        with pytest.raises(PermissionDenied):
            pay.check_budget(s, clerk, PERIOD)
        with pytest.raises(PermissionDenied):
            pay.list_bonuses(s, clerk, PERIOD)
    with db.write() as s, pytest.raises(PermissionDenied):
        pay.set_base_pay(s, clerk, "E1", "99999")
    with db.write() as s:
        closing.finalize_period(s, SYSTEM, PERIOD)
    with db.session() as s:
        own = pay.period_pay(s, clerk, PERIOD)
    assert [line.staff_no for line in own.run.lines] == ["E1"]  # afterwards, only their own line


def test_seeing_pay_and_changing_it_are_separate_rights(db, office, monkeypatch):
    """pay.read shows base pay; only pay.manage changes it — checked by giving auditors read alone."""
    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.AUDITOR,
                        access.ROLE_PERMISSIONS[Role.AUDITOR] | {access.Permission.PAY_READ})
    auditor = login(db, "audit")
    assert pay.can_see_pay(auditor) and not pay.can_manage_pay(auditor)
    with db.session() as s:
        view = pay.period_pay(s, auditor, PERIOD)
    assert not view.redacted and by_staff_no(view)["E3"].base_pay == D("7000.00")
    with db.write() as s, pytest.raises(PermissionDenied, match="change pay"):
        pay.save_rule_version(s, auditor, PERIOD, LATER)
    with db.write() as s, pytest.raises(PermissionDenied, match="change pay"):
        pay.set_base_pay(s, auditor, "E3", "1")


def test_the_program_itself_may_do_everything_with_pay():
    assert pay.can_see_pay(PROGRAM_ACTOR) and pay.can_manage_pay(PROGRAM_ACTOR)
    pay.require_pay(PROGRAM_ACTOR)
    pay.require_pay_manage(PROGRAM_ACTOR)


def test_hr_is_a_role_everywhere_a_role_is_chosen(db, office, monkeypatch, capsys):
    from kpidesk.cli import main

    with db.session() as s:
        assert s.execute(select(m.User.role).where(m.User.username == "hr-li")).scalar() == "hr"
    path = str(db.path)
    db.dispose()
    monkeypatch.setenv("KPIDESK_PASSWORD", PASSWORDS["admin"])
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "another-hr-1")
    assert main(["--db", path, "--user", "admin", "users", "add", "hr-wu", "--role", "hr"]) == 0
    assert main(["--db", path, "--user", "admin", "users", "list"]) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("hr-")}
    assert set(listed) == {"hr-li", "hr-wu"} and all(" HR " in line for line in listed.values())
    monkeypatch.setenv("KPIDESK_PASSWORD", "another-hr-1")
    assert main(["--db", path, "--user", "hr-wu", "pay", "--period", PERIOD, "--json"]) == 0
    assert '"base_pay": "8000.00"' in capsys.readouterr().out


def test_an_unknown_role_names_the_roles_there_are(db):
    from kpidesk.errors import ValidationError

    with db.write() as s, pytest.raises(ValidationError, match="admin, hr, head, employee, auditor"):
        auth.add_user(s, SYSTEM, "x", "long-enough-1", "boss")
