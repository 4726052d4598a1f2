"""The Pay page: the draft pay table, what-if moving people and budgets, export, and base pay hidden from heads."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from tests_support import pay_office as office_module

from kpidesk.services.actor import Actor, Role
from kpidesk.services.closing import finalize as closing
from kpidesk.services.pay import payroll as pay
from kpidesk.ui.context import AppContext
from kpidesk.ui.pages import page_entry


@pytest.fixture
def office_db(db, actor):
    ids = office_module.january_office(db, actor, office_module.RULES)
    with db.write() as s:
        pay.set_budget(s, actor, "2025-01", "20000", department="客服部")
        pay.set_budget(s, actor, "2025-01", "9000", department="销售部")
    return db, ids


def make_page(qtbot, db, actor, sync_tasks, dialogs, ui_settings, period="2025-01"):
    ctx = AppContext(actor=actor, tasks=sync_tasks, dialogs=dialogs, settings=ui_settings)
    ctx.db = db
    ctx.period_code = period
    page = page_entry("pay").load()(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def cell(model, row, title):
    column = next(i for i, c in enumerate(model.columns) if c.title == title)
    return model.data(model.index(row, column))


def row_of(model, staff_no):
    return next(i for i, r in enumerate(model.rows) if r.line.staff_no == staff_no)


def test_draft_pay_table_and_budget(qtbot, office_db, actor, sync_tasks, dialogs, ui_settings, qtmodeltester):
    db, _ids = office_db
    page = make_page(qtbot, db, actor, sync_tasks, dialogs, ui_settings)
    model = page.pay_model
    qtmodeltester.check(model)
    e1 = row_of(model, "E1")
    assert cell(model, e1, "Base × coefficient") == "9,600.00"
    assert cell(model, e1, "Commission") == "900.00"
    assert cell(model, e1, "Total pay") == "10,800.00"
    tooltip_column = next(i for i, c in enumerate(model.columns) if c.title == "Commission")
    assert "40,000.00 × 1%" in model.data(model.index(e1, tooltip_column), Qt.ItemDataRole.ToolTipRole)
    assert "Draft: period 2025-01 is open" in page.status.text()
    from kpidesk.i18n import set_language

    set_language("zh_CN")
    try:
        page.refresh()
        assert "2025-01 状态为 进行中" in page.status.text()  # the status in words, not its code
    finally:
        set_language("en")
    assert page.totals.text() == "Total pay: 28,600.00 for 4 people"
    budget = {line.row.department: line for line in page.budget_model.rows}
    assert budget["客服部"].row.over and not budget["销售部"].row.over
    assert page.what_if_box.isVisible() and page.export_button.isVisible()
    assert not page.export_button.isEnabled()  # a draft cannot be exported


def test_what_if_moves_each_person_and_the_budget(qtbot, office_db, actor, sync_tasks, dialogs, ui_settings):
    db, _ids = office_db
    page = make_page(qtbot, db, actor, sync_tasks, dialogs, ui_settings)
    page.spins["excellent"].setValue(1.0)
    page.spins["poor"].setValue(0.8)
    qtbot.mouseClick(page.try_button, Qt.MouseButton.LeftButton)
    model = page.pay_model
    assert cell(model, row_of(model, "E1"), "Change") == "−1,600.00"
    assert cell(model, row_of(model, "E3"), "Change") == "+1,000.00"
    assert cell(model, row_of(model, "E1"), "What-if total") == "9,200.00"
    assert "28,600.00 → 28,000.00 (−600.00)" in page.what_if_result.text()
    budget = {line.row.department: line for line in page.budget_model.rows}
    assert budget["客服部"].after.amount == Decimal("19800.00")
    with db.session() as s:  # trying changed nothing stored
        assert pay.rules_in_force(s, "2025-01") == office_module.RULES
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert page.spins["excellent"].value() == pytest.approx(1.2)
    assert cell(model, row_of(model, "E1"), "Change") == ""


def test_export_of_a_finalized_period(qtbot, office_db, actor, sync_tasks, dialogs, ui_settings, tmp_path):
    db, _ids = office_db
    with db.write() as s:
        closing.finalize_period(s, actor, "2025-01")
    page = make_page(qtbot, db, actor, sync_tasks, dialogs, ui_settings)
    assert page.export_button.isEnabled()
    target = tmp_path / "payroll.xlsx"
    dialogs.queue(str(target))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert target.exists()
    assert any("Payroll written" in text for text in dialogs.messages("info"))
    page.reload()
    assert page.status.text().startswith("Final: frozen on")


def test_a_head_sees_no_pay_at_all(qtbot, office_db, sync_tasks, dialogs, ui_settings):
    db, ids = office_db
    with db.session() as s:
        from kpidesk.store import models as m

        service = s.query(m.Department).filter_by(name="客服部").one().id
        team = s.query(m.Department).filter_by(name="一组").one().id
    head = Actor("head", Role.HEAD, department_ids=frozenset({service, team}))
    page = make_page(qtbot, db, head, sync_tasks, dialogs, ui_settings)
    assert page.pay_model.rows == []  # not even their own staff's coefficients, bonuses or allowances
    assert "not allowed to see pay" in page.status.text()
    assert not page.what_if_box.isVisible() and not page.budget_box.isVisible()
    assert not page.export_button.isVisible()


def test_the_pay_page_is_in_the_sidebar(main_window):
    page = main_window.show_page("pay")
    assert page is main_window.pages["pay"]
    assert "2025-12" in page.status.text()  # the demo's open month, as a draft
