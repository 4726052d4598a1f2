"""The optional pay section of a period sheet: its figures appear only when HR asks, drafts say so, frozen pay
stays frozen, and nobody without pay permission can print it (service and ``kpidesk pdf --with-pay``)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, select

from kpidesk.cli import main
from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
from kpidesk.domain.grades import DEFAULT_SCALE
from kpidesk.domain.money import format_money
from kpidesk.domain.pay import PayInput, compute_pay
from kpidesk.domain.pay_rules import Allowance, CoefficientRule, PayRules
from kpidesk.domain.periods import parse_period
from kpidesk.errors import PermissionDenied
from kpidesk.reports.document import render_sheet
from kpidesk.services.actor import Actor, Role
from kpidesk.services.pay import payroll as pay
from kpidesk.services.pay.payroll import PeriodPay
from kpidesk.services.pay.sheet_section import PayPrint, pay_section
from kpidesk.services.printing.sheets import PrintRequest, print_documents
from kpidesk.store import models as m

from .conftest import make_sheet, page_texts

FINAL, OPEN = "2025-10", "2025-12"
HR = Actor("hr", Role.ADMIN)
D = Decimal
#: From 2025-12: commission on the amount collected (whole-amount style) and a meal allowance.
DECEMBER_RULES = PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS, "whole", basis="collected"),
                          allowances=(Allowance("meal", D("300.00"), "餐补", "Meal allowance"),))


def _flat(text: str) -> str:
    """Text without any whitespace: pypdf breaks lines inside table cells wherever they wrapped."""
    return re.sub(r"\s+", "", text)


def _text(path: Path) -> str:
    return _flat("\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))


@pytest.fixture
def pay_db(demo_db):
    with demo_db.write() as session:
        for staff_no, amount in (("CS007", "9000"), ("CS009", "7000")):
            pay.set_base_pay(session, HR, staff_no, amount)
        pay.save_rule_version(session, HR, OPEN, DECEMBER_RULES, "collections commission")
    return demo_db


def _line(db, period: str, staff_no: str):
    with db.session() as session:
        view = pay.period_pay(session, HR, period)
    return next(line for line in view.run.lines if line.staff_no == staff_no)


def _print(db, tmp_path, name: str, request: PrintRequest, actor: Actor | None = HR) -> Path:
    out = tmp_path / name
    print_documents(db, actor, request, out, processes=1)
    return out


# --- through the printing service -------------------------------------------------------------------------


def test_open_period_sheet_shows_each_pay_component_as_a_draft(pay_db, tmp_path):
    line = _line(pay_db, OPEN, "CS007")
    assert line.commission > 0  # the figures below are worth checking
    text = _text(_print(pay_db, tmp_path, "open.pdf", PrintRequest(OPEN, ("CS007",), charts=False, lang="zh",
                                                                     pay=True)))
    sales = format_money(D(line.explanations["commission"].values["sales"]))
    for expected in ("五、薪酬", "底薪", "9,000.00", "绩效系数", "等级：优秀", f"×{line.coefficient}",
                     format_money(line.performance_pay), "业绩提成", f"实收金额{sales}·全额累进",
                     format_money(line.commission), "奖金", "补贴", "餐补300.00", "应发合计",
                     format_money(line.total), "草稿—期间未定稿", "薪酬规则自2025-12起生效"):
        assert _flat(expected) in text, expected
    # the commission's working, as the payroll file explains it
    assert _flat(f"× 4% = {format_money(line.commission)}") in text


def test_sheet_without_pay_shows_none_of_it_and_is_the_same_file(pay_db, tmp_path, monkeypatch):
    import datetime as dt

    from kpidesk.reports import document

    # a draft carries its print time: one fixed time, so two prints within the test compare as files
    printed = dt.datetime(2025, 12, 20, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(document, "creation_date", lambda documents, printed_at=None: printed)
    line = _line(pay_db, OPEN, "CS007")
    plain = _print(pay_db, tmp_path, "plain.pdf", PrintRequest(OPEN, ("CS007",), charts=False, lang="zh"))
    explicit = _print(pay_db, tmp_path, "explicit.pdf",
                      PrintRequest(OPEN, ("CS007",), charts=False, lang="zh", pay=False))
    with_pay = _print(pay_db, tmp_path, "pay.pdf", PrintRequest(OPEN, ("CS007",), charts=False, lang="zh", pay=True))
    text = _text(plain)
    for absent in ("薪酬", "底薪", "业绩提成", "应发合计", format_money(line.commission), format_money(line.total)):
        assert _flat(absent) not in text, absent
    assert plain.read_bytes() == explicit.read_bytes()
    assert with_pay.read_bytes() != plain.read_bytes()


def test_finalized_period_prints_its_frozen_pay_and_without_pay_the_sheet_is_unchanged(pay_db, tmp_path):
    request = PrintRequest(FINAL, ("CS009",), charts=False, lang="en")
    before = _print(pay_db, tmp_path, "before.pdf", request)
    with pay_db.write() as session:  # as if pay had not been in use when the month was finalized
        period_id = session.execute(select(m.PeriodRecord.id).where(m.PeriodRecord.code == FINAL)).scalar_one()
        session.execute(delete(m.PayRun).where(m.PayRun.period_id == period_id))
    unfrozen = _text(_print(pay_db, tmp_path, "unfrozen.pdf", PrintRequest(FINAL, ("CS009",), charts=False,
                                                                            lang="en", pay=True)))
    assert _flat("Draft — the period is finalized but its pay is not frozen yet") in unfrozen
    with pay_db.write() as session:
        frozen = pay.freeze_pay(session, HR, FINAL)
    with pay_db.write() as session:  # a raise after the payroll was handed over changes nothing printed
        pay.set_base_pay(session, HR, "CS009", "9999")
    frozen_line = next(line for line in frozen.run.lines if line.staff_no == "CS009")
    text = _text(_print(pay_db, tmp_path, "frozen.pdf", PrintRequest(FINAL, ("CS009",), charts=False, lang="en",
                                                                     pay=True)))
    for expected in ("5. Pay", "Pay item", "Base pay", "7,000.00", "Grade: Excellent",
                     format_money(frozen_line.performance_pay), "No commission table", "Total pay",
                     format_money(frozen_line.total), "Frozen with the finalized results on", "Pay rules in force from 2025-01."):
        assert _flat(expected) in text, expected
    assert "9,999.00" not in text and "Draft" not in text
    after = _print(pay_db, tmp_path, "after.pdf", request)
    assert after.read_bytes() == before.read_bytes()


def test_streak_bonus_has_its_line(pay_db, tmp_path):
    line = _line(pay_db, OPEN, "CS009")
    assert line.bonus > 0, "the demo's CS009 is expected to be on a streak in December"
    text = _text(_print(pay_db, tmp_path, "streak.pdf", PrintRequest(OPEN, ("CS009",), charts=False, lang="en",
                                                                     pay=True)))
    assert _flat(f"Streak bonus {format_money(line.bonus)}") in text
    assert _flat(f"bonus for 3 periods in a row first and Excellent: {format_money(line.bonus)}") in text
    assert _flat("No figure for Amount collected") in text  # a representative has no collections


def test_summaries_and_year_sheets_never_carry_pay(pay_db, tmp_path):
    out = _print(pay_db, tmp_path, "summary.pdf", PrintRequest(OPEN, ("CS007",), summary=True, charts=False,
                                                               lang="en", pay=True))
    texts = [_flat(t) for t in page_texts(out.read_bytes())]
    summary_pages = [t for t in texts if "Departmentappraisalsummary" in t]
    assert summary_pages and all("Payitem" not in t for t in summary_pages)
    assert any("Payitem" in t for t in texts)  # the sheet behind it has it
    year = _text(_print(pay_db, tmp_path, "year.pdf", PrintRequest(OPEN, ("CS007",), year_sheets=True, charts=False,
                                                                   lang="en", pay=True)))
    assert "Payitem" not in year and "Annualappraisalsheet" in year


def test_a_head_cannot_print_pay(pay_db, tmp_path):
    with pay_db.session() as session:  # the demo's one department and its teams
        departments = frozenset(session.execute(select(m.Department.id)).scalars())
    head = Actor("zhou", Role.HEAD, department_ids=departments)
    out = tmp_path / "head.pdf"
    with pytest.raises(PermissionDenied):
        print_documents(pay_db, head, PrintRequest(OPEN, ("CS007",), charts=False, pay=True), out, processes=1)
    assert not out.exists()
    print_documents(pay_db, head, PrintRequest(OPEN, ("CS007",), charts=False), out, processes=1)
    assert "Payitem" not in _text(out)  # the same head prints the sheet itself


# --- the section's wording, from pay computed by hand -------------------------------------------------------


def _section(rules: PayRules, item: PayInput, *, status: str = "open", source: str = "computed",
             redacted: bool = False, lang: str = "en"):
    from kpidesk.charts.translate import translator

    period = parse_period("2025-01")
    run = compute_pay([item], rules, period)
    view = PeriodPay(period, status, source, run, "2025-01", redacted=redacted)
    return pay_section(PayPrint(view, lang, translator(lang), DEFAULT_SCALE, {"sales": "Sales"}), item.employee)


def test_score_coefficient_marginal_commission_and_withheld_bonus_are_explained():
    rules = PayRules(coefficient=CoefficientRule(source="score", cap=D("1.1")),
                     commission=commission_table(HANDBOOK_TABLE_ROWS, "marginal"))
    item = PayInput(1, "E1", "王芳", base_pay=D("8000"), grade="poor", total=D("115"), sales=D("55000"),
                    flags=frozenset({"improvement_plan"}), bonus=D("150"), bonus_note="项目")
    section = _section(rules, item)
    rows = {row.item: row for row in section.rows}
    assert rows["Performance coefficient"].basis == "Total score 115 ÷ 100, capped at 1.1"
    assert rows["Performance coefficient"].amount == "× 1.1"
    assert rows["Base pay × coefficient"].amount == "8,800.00"
    assert rows["Commission"].basis == "Sales 55,000.00 · marginal table"
    assert rows["Commission"].amount == "900.00"
    assert "40,000.00 × 1% + 15,000.00 × 2%" in rows["Commission"].explanation
    assert rows["Bonus"].basis == "Withheld: improvement plan" and rows["Bonus"].amount == "0.00"
    assert section.total == "9,700.00" and section.draft
    assert section.note.startswith("Draft — the period is not finalized")


def test_redacted_pay_hides_base_and_total_and_chinese_wording():
    item = PayInput(1, "E1", "王芳", base_pay=D("8000"), grade="excellent")
    section = _section(PayRules(), item, status="finalized", source="frozen", redacted=True, lang="zh")
    rows = {row.item: row for row in section.rows}
    assert rows["底薪"].amount == "—" and rows["底薪"].basis == "仅人力资源可见"
    assert rows["底薪 × 绩效系数"].amount == "—"
    assert section.total == "—" and not section.draft
    assert section.note.startswith("已于")


def test_pay_section_fits_the_sheet_and_chinese_text_is_extractable():
    from kpidesk.charts.translate import translator

    rules = PayRules(commission=commission_table(HANDBOOK_TABLE_ROWS, "whole"),
                     allowances=(Allowance("meal", D("300.00"), "餐补", "Meal allowance"),))
    item = PayInput(1, "CS0007", "张伟", base_pay=D("8000"), grade="excellent", sales=D("75000"))
    period = parse_period("2025-10")
    view = PeriodPay(period, "open", "computed", compute_pay([item], rules, period), "2025-10")
    section = pay_section(PayPrint(view, "zh_CN", translator("zh"), DEFAULT_SCALE, {"sales": "销售额"}), 1)
    plain = page_texts(render_sheet(make_sheet(), lang="zh"))
    texts = page_texts(render_sheet(make_sheet(pay=section), lang="zh"))
    text = _flat("".join(texts))
    for expected in ("薪酬", "销售额75,000.00·全额累进", "2,550.00", "9,600.00", "餐补300.00", "12,450.00",
                     "草稿—期间未定稿"):
        assert _flat(expected) in text, expected
    assert len(texts) <= len(plain) + 1
    assert "薪酬" not in _flat("".join(plain))


# --- the command line ---------------------------------------------------------------------------------------


def test_cli_with_pay_prints_the_section(pay_db, tmp_path, capsys):
    path = str(pay_db.path)
    pay_db.dispose()
    out = tmp_path / "cli.pdf"
    code = main(["--db", path, "pdf", "--period", OPEN, "--employee", "CS007", "--no-charts", "--lang", "zh",
                 "--with-pay", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "应发合计" in _text(out)


def test_cli_with_pay_refuses_a_head_in_one_line(pay_db, tmp_path, capsys, monkeypatch):
    path = str(pay_db.path)
    pay_db.dispose()
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "admin-secret")
    assert main(["--db", path, "users", "enable-access", "--admin", "boss"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "head-secret")
    assert main(["--db", path, "--user", "boss", "users", "add", "zhou", "--role", "head",
                 "--department", "客户关怀部"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "head-secret")
    capsys.readouterr()
    out = tmp_path / "head.pdf"
    code = main(["--db", path, "--user", "zhou", "pdf", "--period", OPEN, "--employee", "CS007", "--no-charts",
                 "--with-pay", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "pay" in err.lower()
    assert not out.exists()


# --- translations -------------------------------------------------------------------------------------------


def test_every_pay_section_string_has_its_chinese():
    from babel.messages.extract import extract_from_file
    from tests_support.repo import REPO_ROOT

    from kpidesk.i18n.compile import merged_catalog
    from kpidesk.resources import TRANSLATIONS_DIR

    catalog = merged_catalog(TRANSLATIONS_DIR / "zh_CN")
    modules = ("kpidesk/services/pay/sheet_section.py", "kpidesk/reports/pay_section.py")
    messages = [message for module in modules for _line, message, _comments, _context in
                extract_from_file("python", str(REPO_ROOT / module), keywords={"_": None, "N_": None})]
    assert len(messages) > 20
    missing = [message for message in messages if not (catalog.get(message) and catalog.get(message).string)]
    assert missing == []
