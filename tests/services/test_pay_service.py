"""Pay per period through the services: rules in force, draft and frozen pay, streaks, budgets, what-if,
who sees base pay, and the payroll file."""

import csv
import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from tests_support.pay_office import MONTHS, RULES, build_office, put

from kpidesk.domain.pay_rules import Allowance, PayRules
from kpidesk.errors import CorruptDatabase, LockedPeriodError, NotFound, PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import periods
from kpidesk.services.closing import finalize as closing
from kpidesk.services.pay import payroll as pay
from kpidesk.services.pay.export import export_payroll
from kpidesk.store import models as m

D = Decimal


@pytest.fixture
def office(db, actor):
    ids = build_office(db, actor)
    for period in MONTHS:
        put(db, actor, period, {ids["E1"]: {"qa": 97, "sales": 55000}, ids["E2"]: {"qa": 88, "sales": 35000},
                                ids["E3"]: {"qa": 60}, ids["E4"]: {"qa": 75, "sales": 90000}})
    with db.write() as s:
        for no, amount in (("E1", "8000"), ("E2", "6000"), ("E3", "5000"), ("E4", "7000")):
            pay.set_base_pay(s, actor, no, amount)
        pay.save_rule_version(s, actor, "2025-01", RULES, "handbook rules")
    return ids


def finalize(db, actor, *codes):
    for code in codes:
        with db.write() as s:
            closing.finalize_period(s, actor, code)


def lines(view):
    return {line.staff_no: line for line in view.run.lines}


def test_draft_pay_of_an_open_period(office, db, actor):
    with db.session() as s:
        view = pay.period_pay(s, actor, "2025-01")
    assert (view.status, view.source, view.rules_from) == ("open", "computed", "2025-01")
    e1, e3, e4 = lines(view)["E1"], lines(view)["E3"], lines(view)["E4"]
    assert (e1.coefficient, e1.performance_pay, e1.commission, e1.allowances) == (
        D("1.2"), D("9600.00"), D("900.00"), D("300.00"))
    assert e1.total == D("10800.00")
    assert e4.commission == D("2300.00")  # 90,000 in marginal style
    assert e3.commission == 0 and "missing_sales" in e3.flags
    assert view.run.totals.total == sum(line.total for line in view.run.lines)


def test_default_rules_apply_before_any_version(db, actor):
    with db.session() as s:
        assert pay.rules_in_force(s, "2024-12") == PayRules()


def test_rule_versions_choose_by_period_and_never_rewrite_a_finalized_period(office, db, actor):
    finalize(db, actor, "2025-01", "2025-02")
    later = PayRules(allowances=(Allowance("meal", D("500.00")),))
    with db.write() as s, pytest.raises(LockedPeriodError):
        pay.save_rule_version(s, actor, "2025-02", later)
    with db.write() as s:
        pay.save_rule_version(s, actor, "2025-03", later, "more for meals")
    with db.session() as s:
        assert lines(pay.period_pay(s, actor, "2025-02"))["E1"].allowances == D("300.00")
        assert lines(pay.period_pay(s, actor, "2025-03"))["E1"].allowances == D("500.00")
        assert [v.effective_from.code for v in pay.load_rule_book(s).versions] == ["1900", "2025-01", "2025-03"]


def test_frozen_pay_never_changes_after_finalization(office, db, actor):
    finalize(db, actor, "2025-01")
    with db.write() as s:
        frozen = pay.freeze_pay(s, actor, "2025-01")
    assert frozen.source == "frozen" and frozen.snapshot_hash
    with db.write() as s:
        pay.set_base_pay(s, actor, "E1", "12000")
        pay.save_rule_version(s, actor, "2025-02", PayRules())
    with db.session() as s:
        view = pay.period_pay(s, actor, "2025-01")
        fresh = pay.compute_period_pay(s, "2025-01")
    assert view.source == "frozen"
    assert lines(view)["E1"].performance_pay == D("9600.00")  # 8000 × 1.2 as frozen
    assert lines(fresh)["E1"].performance_pay == D("14400.00")  # what it would be now
    with db.write() as s:
        again = pay.freeze_pay(s, actor, "2025-01")
    assert again.frozen_at == frozen.frozen_at and lines(again)["E1"].total == lines(frozen)["E1"].total


def test_freezing_needs_a_finalized_period(office, db, actor):
    with db.write() as s, pytest.raises(ValidationError):
        pay.freeze_pay(s, actor, "2025-01")


def test_reopening_retires_the_frozen_pay(office, db, actor):
    finalize(db, actor, "2025-01")
    with db.write() as s:
        pay.freeze_pay(s, actor, "2025-01")
    with db.write() as s:
        periods.reopen_period(s, actor, "2025-01", "QA score corrected")
    put(db, actor, "2025-01", {office["E1"]: {"qa": 90}})
    with db.session() as s:
        draft = pay.period_pay(s, actor, "2025-01")
    assert draft.source == "computed" and lines(draft)["E1"].coefficient == D("1.0")
    finalize(db, actor, "2025-01")
    with db.write() as s:
        refrozen = pay.freeze_pay(s, actor, "2025-01")
    assert lines(refrozen)["E1"].performance_pay == D("8000.00")


def test_streak_bonus_is_paid_once_per_run_of_three(office, db, actor):
    finalize(db, actor, *MONTHS)
    with db.session() as s:
        bonuses = [lines(pay.period_pay(s, actor, code))["E1"].bonus for code in MONTHS]
        march = lines(pay.period_pay(s, actor, "2025-03"))
    # E1 is Excellent and first in 客服部 every month: the run reaches three in March
    assert bonuses == [D(0), D(0), D("200.00"), D(0)]
    assert "streak_bonus" in march["E1"].flags
    assert march["E3"].improvement_plan and march["E3"].bonus == 0  # three months Poor
    assert not march["E4"].improvement_plan


def test_quarter_pay_sums_the_months_sales(office, db, actor):
    with db.session() as s:
        quarter = lines(pay.period_pay(s, actor, "2025-Q1"))
    # E2: 3 × 35,000 = 105,000 → 400 + 400 + 600 + 25,000 × 4% + 200 + 300
    assert quarter["E2"].commission == D("2900.00")


def test_budget_check_against_stored_budgets(office, db, actor):
    with db.write() as s:
        pay.set_budget(s, actor, "2025-01", "20000", department="客服部")
        pay.set_budget(s, actor, "2025-01", "9000", department="销售部")
    with db.session() as s:
        check = pay.check_budget(s, actor, "2025-01")
    rows = {row.department: row for row in check.rows}
    # 客服部: E1 10,800 + E2 (6,000 + 350 + 300) + E3 (3,000 + 300) = 20,750
    assert rows["客服部"].amount == D("20750.00") and rows["客服部"].over
    assert rows["销售部"].amount == D("8200.00") and not rows["销售部"].over  # 5,600 + 2,300 + 300
    assert check.overall.budget == D("29000.00") and check.over == ("客服部",)
    with db.write() as s:
        budgets = pay.set_budget(s, actor, "2025-01", None, department="销售部", measure="variable")
    assert dict(budgets.departments) == {"客服部": D("20000.00")} and budgets.measure == "variable"
    with db.write() as s, pytest.raises(ValidationError):
        pay.set_budget(s, actor, "2025-01", "-1")
    with db.write() as s, pytest.raises(NotFound):
        pay.set_budget(s, actor, "2025-09", "1000")  # not opened
    with db.write() as s, pytest.raises(NotFound):
        pay.set_budget(s, actor, "2025-01", "1000", department="无此部门")
    with db.session() as s:
        stored = s.execute(select(m.PayBudget)).scalars().all()
    assert [(b.amount, b.measure) for b in stored] == [(D("20000.00"), "variable")]


def test_what_if_shows_each_person_move(office, db, actor):
    proposed = RULES.with_grade_coefficients({"excellent": "1.5", "good": "1.0", "fair": "0.8", "poor": "0.5"})
    with db.session() as s:
        result = pay.what_if_pay(s, actor, "2025-01", proposed)
    moves = {move.before.staff_no: move.delta for move in result.moves}
    assert moves == {"E1": D("2400.00"), "E2": D(0), "E3": D("-500.00"), "E4": D(0)}
    assert result.delta == D("1900.00")
    assert result.department_deltas() == {"客服部": D("1900.00"), "销售部": D(0)}
    with db.session() as s:  # nothing was stored
        assert pay.rules_in_force(s, "2025-01") == RULES


def test_base_pay_is_typed_in_rounded_and_audited(office, db, actor):
    with db.write() as s:
        assert pay.set_base_pay(s, actor, "E2", "6,543.215") == D("6543.22")
    with db.session() as s:
        employee = s.execute(select(m.Employee).where(m.Employee.staff_no == "E2")).scalar_one()
        entry = s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "employee.base_pay")
                          .order_by(m.AuditEntry.id.desc())).scalars().first()
    assert employee.base_pay == D("6543.22")
    assert (entry.old, entry.new) == ("6000.00", "6543.22")
    with db.write() as s, pytest.raises(ValidationError):
        pay.set_base_pay(s, actor, "E2", "-5")
    with db.write() as s, pytest.raises(NotFound):
        pay.set_base_pay(s, actor, "NOPE", "5")


def test_only_hr_and_administrators_see_pay(office, db, actor):
    head = Actor("head", Role.HEAD, department_ids=frozenset({office["service"], office["team"]}))
    auditor = Actor("auditor", Role.AUDITOR)
    with db.session() as s:
        assert sorted(lines(pay.period_pay(s, actor, "2025-01"))) == ["E1", "E2", "E3", "E4"]
    for forbidden in (lambda s: pay.period_pay(s, head, "2025-01"),
                      lambda s: pay.period_pay(s, auditor, "2025-01"),
                      lambda s: pay.check_budget(s, head, "2025-01"),
                      lambda s: pay.what_if_pay(s, auditor, "2025-01", RULES),
                      lambda s: pay.set_base_pay(s, head, "E1", "1"),
                      lambda s: pay.save_rule_version(s, head, "2025-05", RULES)):
        with db.session() as s, pytest.raises(PermissionDenied):
            forbidden(s)


def test_an_employee_sees_only_their_own_final_pay(office, db, actor):
    employee = Actor("wang", Role.EMPLOYEE, employee_id=office["E1"])
    with db.session() as s, pytest.raises(PermissionDenied):
        pay.period_pay(s, employee, "2025-01")
    finalize(db, actor, "2025-01")
    with db.session() as s:
        own = pay.period_pay(s, employee, "2025-01")
    assert [line.staff_no for line in own.run.lines] == ["E1"]
    assert not own.redacted and own.run.lines[0].base_pay == D("8000.00")


def test_payroll_xlsx_from_the_frozen_pay(office, db, actor, tmp_path):
    import openpyxl

    finalize(db, actor, "2025-01")
    with db.write() as s:
        pay.set_budget(s, actor, "2025-01", "20000", department="客服部")
        result = export_payroll(s, actor, "2025-01", tmp_path / "payroll.xlsx", lang="en")
    assert (result.people, result.total) == (4, D("28950.00"))
    book = openpyxl.load_workbook(result.path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Payroll 2025-01")
    header = list(rows[1])
    assert header[:11] == ["Staff no.", "Name", "Department", "Position", "Base pay", "Coefficient",
                           "Base × coefficient", "Commission", "Bonus", "Allowances", "Total pay"]
    e1 = dict(zip(header, rows[2], strict=True))
    assert (e1["Staff no."], e1["Base pay"], e1["Commission"], e1["Total pay"]) == ("E1", 8000, 900, 10800)
    assert e1["How: commission"] == (
        "sales 55,000.00: 40,000.00 × 1% + 15,000.00 × 2% + add-on 200.00 = 900.00")
    assert sheet.cell(row=3, column=header.index("Total pay") + 1).number_format == "0.00"
    summary = list(book.worksheets[1].iter_rows(values_only=True))
    assert summary[1][0] == "客服部" and summary[1][-2:] == (20000, -750)
    with db.session() as s:
        assert pay.period_pay(s, actor, "2025-01").source == "frozen"  # the export froze the pay


def test_payroll_csv_keeps_exact_cents_and_chinese_text(office, db, actor, tmp_path):
    with db.write() as s:
        pay.set_base_pay(s, actor, "E4", "7000.005")
    finalize(db, actor, "2025-01")  # finalizing freezes the pay with the base pay of that moment
    with db.write() as s:
        path = export_payroll(s, actor, "2025-01", tmp_path / "payroll.csv", lang="zh").path
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.reader(fh))
    header, rows = records[0], {r[0]: dict(zip(records[0], r, strict=True)) for r in records[1:]}
    assert header[0] == "工号" and "绩效工资" in header
    assert rows["E4"]["底薪"] == "7000.01" and rows["E4"]["绩效工资"] == "5600.01"
    assert rows["E3"]["备注"] == "无业绩数据"
    assert rows["E1"]["提成说明"].startswith("业绩 55,000.00：")


def test_payroll_export_is_for_finalized_periods_and_pay_roles(office, db, actor, tmp_path):
    with db.write() as s, pytest.raises(ValidationError):
        export_payroll(s, actor, "2025-01", tmp_path / "p.xlsx")
    finalize(db, actor, "2025-01")
    with db.write() as s, pytest.raises(ValidationError):
        export_payroll(s, actor, "2025-01", tmp_path / "p.pdf")
    with db.write() as s, pytest.raises(PermissionDenied):
        export_payroll(s, Actor("head", Role.HEAD, department_ids=frozenset({office["service"]})), "2025-01",
                       tmp_path / "p.xlsx")
    assert not (tmp_path / "p.xlsx").exists()


def test_bonuses_granted_by_hand(office, db, actor):
    with db.write() as s:
        granted = pay.grant_bonus(s, actor, "2025-03", "E2", "150", "项目攻坚")
        pay.grant_bonus(s, actor, "2025-03", "E2", "50.005", "加班")
        pay.grant_bonus(s, actor, "2025-03", "E3", "100", "补发")
    assert (granted.staff_no, granted.amount, granted.reason) == ("E2", D("150.00"), "项目攻坚")
    with db.session() as s:
        march = lines(pay.period_pay(s, actor, "2025-03"))
        listed = pay.list_bonuses(s, actor, "2025-03")
    assert march["E2"].bonus == D("200.01")
    assert march["E2"].explanations["bonus"].items[0]["note"] == "项目攻坚; 加班"
    assert [b.staff_no for b in listed] == ["E2", "E2", "E3"]
    finalize(db, actor, "2025-01", "2025-02", "2025-03")
    with db.session() as s:
        e3 = lines(pay.period_pay(s, actor, "2025-03"))["E3"]
    assert e3.improvement_plan and e3.bonus == 0  # withheld under the improvement plan
    assert e3.explanations["bonus"].values["withheld"] == "100.00"
    with db.write() as s:
        pay.freeze_pay(s, actor, "2025-03")
    with db.write() as s, pytest.raises(LockedPeriodError):
        pay.grant_bonus(s, actor, "2025-03", "E1", "10", "late")
    with db.write() as s, pytest.raises(LockedPeriodError):
        pay.remove_bonus(s, actor, granted.id, "mistake")


def test_bonus_needs_a_reason_and_can_be_removed_with_one(office, db, actor):
    with db.write() as s, pytest.raises(ValidationError):
        pay.grant_bonus(s, actor, "2025-01", "E1", "10", " ")
    with db.write() as s, pytest.raises(ValidationError):
        pay.grant_bonus(s, actor, "2025-01", "E1", "0", "nothing")
    with db.write() as s:
        bonus = pay.grant_bonus(s, actor, "2025-01", "E1", "10", "typo")
    with db.write() as s, pytest.raises(ValidationError):
        pay.remove_bonus(s, actor, bonus.id, "")
    with db.write() as s:
        pay.remove_bonus(s, actor, bonus.id, "granted twice")
    with db.session() as s:
        assert pay.list_bonuses(s, actor, "2025-01") == []
        entry = s.execute(select(m.AuditEntry).where(m.AuditEntry.action == "pay.bonus.remove")).scalar_one()
    assert entry.reason == "granted twice" and entry.old["amount"] == "10.00"


def test_a_tampered_frozen_payroll_is_detected(office, db, actor):
    finalize(db, actor, "2025-01")
    with db.write() as s:
        pay.freeze_pay(s, actor, "2025-01")
    with db.write() as s:
        row = s.execute(select(m.PayRun)).scalar_one()
        content = json.loads(json.dumps(row.content))
        content["run"]["lines"][0]["total"] = "99999.00"
        row.content = content
    with db.session() as s, pytest.raises(CorruptDatabase):
        pay.period_pay(s, actor, "2025-01")


def test_streak_length_follows_the_scoring_setting(office, db, actor):
    from kpidesk.domain.streaks import StreakRule
    from kpidesk.services.safety.settings import update_settings

    with db.write() as s:
        update_settings(s, actor, streak_rules=(StreakRule("reward_streak", "excellent", 2, max_rank=1),))
    finalize(db, actor, *MONTHS)
    with db.session() as s:
        bonuses = [lines(pay.period_pay(s, actor, code))["E1"].bonus for code in MONTHS]
    assert bonuses == [D(0), D("200.00"), D(0), D("200.00")]  # once per completed run of two
