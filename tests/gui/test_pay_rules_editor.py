"""The pay rules editor, opened from the Pay page: the handbook's commission table typed in, its chart
against the domain, validation that names the row, saving a version, position overrides and the keys."""

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from tests_support import pay_office as office

from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, Bracket, CommissionStyle, commission_table
from kpidesk.domain.pay_rules import Allowance, CoefficientSource, PayRules
from kpidesk.domain.periods import parse_period
from kpidesk.services.actor import Actor, Role
from kpidesk.services.closing import finalize as closing
from kpidesk.services.pay import payroll as pay
from kpidesk.ui.context import AppContext
from kpidesk.ui.pages import page_entry

D = Decimal
HANDBOOK_TYPED = [("0", "1", "0"), ("40000", "2", "200"), ("60000", "3", "300"), ("80000", "4", "0")]
NO_COMMISSION = PayRules(allowances=(Allowance("meal", D("300.00"), "餐补", "Meal allowance"),))




@pytest.fixture
def office_db(db, actor):
    """Four people in January 2025 (E1 sells 55,000, E4 90,000), rules without commission yet."""
    office.january_office(db, actor, NO_COMMISSION)
    return db


def make_page(qtbot, db, actor, sync_tasks, dialogs, ui_settings, period="2025-01", *, loads=True):
    ctx = AppContext(actor=actor, tasks=sync_tasks, dialogs=dialogs, settings=ui_settings)
    ctx.db = db
    ctx.period_code = period
    page = page_entry("pay").load()(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    if loads:
        qtbot.waitUntil(lambda: page.data is not None)
    return page


@pytest.fixture
def page(qtbot, office_db, actor, sync_tasks, dialogs, ui_settings):
    return make_page(qtbot, office_db, actor, sync_tasks, dialogs, ui_settings)


def open_editor(qtbot, page):
    assert page.rules_button.isVisible() and page.rules_button.isEnabled()
    qtbot.mouseClick(page.rules_button, Qt.MouseButton.LeftButton)
    editor = page.rules_editor
    assert editor is not None and editor.isVisible()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def type_cell(qtbot, view, row, column, text):
    """Type into one cell as a user does: open its editor, type, press Enter."""
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, "no cell editor opened"
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert view.model().data(index) == text.strip()


def tick(qtbot, box):
    """Toggle a check box or radio button from the keyboard (a click on its centre may miss a short label)."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def type_table(qtbot, editor, rows):
    section = editor.form(None).commission
    if not section.enabled_box.isChecked():
        tick(qtbot, section.enabled_box)
    for _extra in range(len(rows) - section.model.rowCount()):
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert section.model.rowCount() == len(rows)
    for row, values in enumerate(rows):
        for column, text in enumerate(values):
            if (row, column) != (0, 0):  # the first bracket starts at 0, not editable
                type_cell(qtbot, section.view, row, column, text)
    return section


def chart_value(section, sales):
    xs, ys = section.chart.line_data()
    return ys[xs.index(float(sales))]


def test_the_pay_page_opens_the_editor_on_the_rules_in_force(qtbot, page):
    editor = open_editor(qtbot, page)
    assert editor.period_combo.currentText() == "2025-01"
    assert "the version from 2025-01" in editor.info.text() and "replaces that version" in editor.info.text()
    section = editor.form(None).commission
    assert not section.enabled_box.isChecked()
    assert editor.form(None).allowances.model.rows == [["Meal allowance", "300"]]
    assert editor.form(None).coefficient.grade_spins["excellent"].value() == pytest.approx(1.2)
    assert not editor.save_button.isEnabled() and editor.problems.text() == "No changes to save."


def test_typed_handbook_table_draws_the_domain_commission_in_both_styles(qtbot, page):
    editor = open_editor(qtbot, page)
    section = type_table(qtbot, editor, HANDBOOK_TYPED)
    assert section.model.rows == [list(r) for r in HANDBOOK_TYPED]
    for style in (CommissionStyle.MARGINAL, CommissionStyle.WHOLE):
        section.style_combo.setCurrentIndex(section.style_combo.findData(str(style)))
        domain = commission_table(HANDBOOK_TABLE_ROWS, style)
        for sales in (55000, 90000):
            assert chart_value(section, sales) == float(domain.compute(sales).amount), (style, sales)
        xs, _ys = section.chart.line_data()
        assert xs[-1] == pytest.approx(100000)  # 1.25 × the top bound
    assert chart_value(section, 90000) == 3600.0  # whole amount: 4% of 90,000
    section.style_combo.setCurrentIndex(section.style_combo.findData("marginal"))
    assert chart_value(section, 90000) == 2300.0
    type_cell(qtbot, section.view, 3, 1, "5")  # the chart follows the table as it is edited
    assert chart_value(section, 90000) == 2400.0
    assert editor.save_button.isEnabled()


def test_bounds_not_increasing_disable_save_and_name_the_row(qtbot, page):
    editor = open_editor(qtbot, page)
    section = type_table(qtbot, editor, HANDBOOK_TYPED)
    assert editor.save_button.isEnabled()
    type_cell(qtbot, section.view, 2, 0, "30000")
    assert not editor.save_button.isEnabled()
    assert "Commission row 3" in editor.problems.text() and "row 2" in editor.problems.text()
    assert "Commission row 3" in editor.save_button.toolTip()
    assert section.model.problems.keys() == {2}
    assert section.chart.points is None and "Commission row 3" in section.chart.message.text()
    type_cell(qtbot, section.view, 1, 1, "-2")
    assert "Commission row 2: the rate must be between 0% and 100%" in editor.problems.text()
    type_cell(qtbot, section.view, 1, 1, "2")
    type_cell(qtbot, section.view, 2, 0, "60,000")
    assert editor.save_button.isEnabled() and editor.problems.text() == ""


def test_saving_stores_exactly_the_brackets_and_the_pay_page_total_moves(qtbot, page, office_db, dialogs):
    assert page.totals.text() == "Total pay: 25,400.00 for 4 people"  # no commission yet
    editor = open_editor(qtbot, page)
    type_table(qtbot, editor, HANDBOOK_TYPED)
    editor.note.setText("handbook table")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.rules_editor is None)
    assert dialogs.messages("confirm") == []
    with office_db.session() as s:
        book = pay.load_rule_book(s)
    version = book.version_for(parse_period("2025-01"))
    assert (version.effective_from.code, version.note) == ("2025-01", "handbook table")
    table = version.rules.commission
    assert table.brackets == (Bracket(D(40000), D(1), D(0)), Bracket(D(60000), D(2), D(200)),
                              Bracket(D(80000), D(3), D(300)), Bracket(None, D(4), D(0)))
    assert all(isinstance(v, Decimal) for b in table.brackets for v in (b.rate_percent, b.add_on))
    assert (table.style, table.basis) == (CommissionStyle.MARGINAL, "sales")
    assert version.rules.allowances == NO_COMMISSION.allowances
    qtbot.waitUntil(lambda: page.totals.text() == "Total pay: 28,600.00 for 4 people")  # + 900 (E1) + 2,300 (E4)


def test_coefficient_by_score_allowances_and_streaks_are_saved_as_decimals(qtbot, page, office_db):
    editor = open_editor(qtbot, page)
    form = editor.form(None)
    tick(qtbot, form.coefficient.by_score)
    form.coefficient.cap.setValue(1.1)
    qtbot.mouseClick(form.allowances.add_button, Qt.MouseButton.LeftButton)
    type_cell(qtbot, form.allowances.view, 1, 0, "Transport")
    type_cell(qtbot, form.allowances.view, 1, 1, "150.5")
    form.streaks.amount.setValue(300)
    tick(qtbot, form.streaks.withhold_box)
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with office_db.session() as s:
        rules = pay.rules_in_force(s, "2025-01")
    assert rules.coefficient.source is CoefficientSource.SCORE
    assert rules.coefficient.cap == D("1.1") and rules.coefficient.divisor == D(100)
    assert [(a.code, a.amount, a.label_en) for a in rules.allowances] == [
        ("meal", D("300.00"), "Meal allowance"), ("transport", D("150.50"), "Transport")]
    assert rules.allowances[0].label_zh == "餐补"  # the other language's name is kept
    assert rules.streak_bonus.amount == D("300.00") and rules.withhold_flag is None
    qtbot.waitUntil(lambda: page.data.rules == rules)


def test_a_position_overrides_only_the_parts_it_owns(qtbot, page, office_db):
    editor = open_editor(qtbot, page)
    editor.scope_combo.setCurrentIndex(editor.scope_combo.findData("客服代表"))
    form = editor.form("客服代表")
    assert editor.stack.currentWidget() is form
    assert not form.coefficient.body.isEnabled()  # inherited until ticked
    tick(qtbot, form.coefficient.own_box)
    form.coefficient.grade_spins["excellent"].setValue(1.5)
    assert "(own rules)" in editor.scope_combo.currentText()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with office_db.session() as s:
        rules = pay.rules_in_force(s, "2025-01")
    assert set(rules.positions) == {"客服代表"} and set(rules.positions["客服代表"]) == {"coefficient"}
    assert rules.for_position("客服代表").coefficient.by_grade["excellent"] == D("1.5")
    assert rules.coefficient.by_grade["excellent"] == D("1.2")


def test_a_version_that_would_change_a_finalized_period_is_refused_inline(qtbot, page, office_db, actor):
    with office_db.write() as s:
        closing.finalize_period(s, actor, "2025-01")
    editor = open_editor(qtbot, page)
    form = editor.form(None)
    form.streaks.amount.setValue(250)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible() and "finalized period 2025-01" in editor.problems.text()
    editor.period_combo.setCurrentText("2025-02")  # the edits stay; only the start moves
    assert form.streaks.amount.value() == 250 and "adds a version in force from 2025-02" in editor.info.text()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with office_db.session() as s:
        assert pay.rules_in_force(s, "2025-02").streak_bonus.amount == D("250.00")
        assert pay.rules_in_force(s, "2025-01").streak_bonus.amount == D("200.00")


def test_escape_asks_once_before_dropping_edits(qtbot, page, dialogs):
    editor = open_editor(qtbot, page)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # nothing edited: closes without asking
    assert not editor.isVisible() and dialogs.messages("confirm") == []
    editor = open_editor(qtbot, page)
    editor.form(None).coefficient.grade_spins["good"].setValue(1.1)
    dialogs.queue(False)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible() and len(dialogs.messages("confirm")) == 1
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # yes, drop them
    assert not editor.isVisible() and len(dialogs.messages("confirm")) == 2
    with page.ctx.db.session() as s:
        assert pay.rules_in_force(s, "2025-01") == NO_COMMISSION


def test_tab_reaches_every_control(qtbot, page):
    editor = open_editor(qtbot, page)
    form = editor.form(None)
    tick(qtbot, form.commission.enabled_box)
    type_cell(qtbot, form.commission.view, 0, 1, "1")
    tick(qtbot, form.coefficient.by_score)
    assert editor.save_button.isEnabled()
    editor.period_combo.setFocus()
    seen = []
    for _step in range(60):
        widget = QApplication.focusWidget()
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    wanted = [editor.period_combo, editor.scope_combo, editor.note, form.coefficient.divisor, form.coefficient.cap,
              form.coefficient.fallback, form.allowances.view, form.allowances.add_button,
              form.allowances.remove_button, form.streaks.bonus_box, form.streaks.amount, form.streaks.withhold_box,
              form.commission.enabled_box, form.commission.basis, form.commission.style_combo, form.commission.view,
              form.commission.add_button, editor.save_button]
    focused = seen + [w.parent() for w in seen if w is not None]  # a spin box's focus is its line edit
    assert [w.objectName() or w.text() for w in wanted if w not in focused] == []


def test_only_those_who_manage_pay_get_the_editor(qtbot, office_db, sync_tasks, dialogs, ui_settings, actor):
    head = Actor("head", Role.HEAD, department_ids=frozenset({1, 2, 3}))
    page = make_page(qtbot, office_db, head, sync_tasks, dialogs, ui_settings, loads=False)
    qtbot.waitUntil(lambda: "not allowed to see pay" in page.status.text())  # a head sees no pay at all
    assert not (page.rules_button.isVisible() and page.rules_button.isEnabled())
    page.edit_rules()
    assert page.rules_editor is None
    hr = Actor("hr", Role.HR)
    page = make_page(qtbot, office_db, hr, sync_tasks, dialogs, ui_settings)
    assert page.rules_button.isVisible() and page.rules_button.isEnabled()


EDITOR_MODULES = ["kpidesk/ui/pages/pay/rules_editor.py", "kpidesk/ui/pages/pay/rules_sections.py",
                  "kpidesk/ui/pages/pay/rules_commission.py", "kpidesk/ui/pages/pay/rules_tables.py",
                  "kpidesk/ui/pages/pay/rules_chart.py"]


def test_every_editor_message_has_its_chinese_with_the_same_placeholders():
    import re

    from babel.messages.extract import extract_from_file

    from kpidesk.i18n.compile import merged_catalog
    from kpidesk.resources import TRANSLATIONS_DIR

    catalog = merged_catalog(TRANSLATIONS_DIR / "zh_CN")
    root = Path(__file__).resolve().parents[2]
    fields = re.compile(r"\{(\w+)\}")
    for module in EDITOR_MODULES:
        messages = [m for _l, m, _c, _x in extract_from_file("python", str(root / module),
                                                             keywords={"_": None, "N_": None})]
        assert messages, module
        for message in messages:
            entry = catalog.get(message)
            assert entry is not None and entry.string, (module, message)
            assert set(fields.findall(message)) == set(fields.findall(entry.string)), message


def test_the_editor_follows_the_language(qtbot, page):
    from kpidesk.i18n import set_language

    editor = open_editor(qtbot, page)
    section = type_table(qtbot, editor, HANDBOOK_TYPED)
    type_cell(qtbot, section.view, 2, 0, "30000")
    set_language("zh_CN")
    try:
        assert editor.windowTitle() == "薪酬规则"
        assert "提成第 3 行" in editor.problems.text()
        assert section.model.headerData(0, Qt.Orientation.Horizontal) == "业绩高于"
    finally:
        set_language("en")
    assert editor.windowTitle() == "Pay rules"
