"""KPIs & templates page: weights with running sum, versions, rules and their curve, formulas."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from kpidesk.services.library import templates as template_service


@pytest.fixture
def page(main_window):
    return main_window.show_page("templates")


def _type_into_cell(qtbot, view, row, column, text):
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits through a queued call
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def _versions(window, key):
    with window.ctx.db.session() as session:
        return [t.version for t in template_service.list_templates(session, include_old=True) if t.key == key]


def test_the_first_template_is_shown_with_its_weights(page):
    editor = page.editor
    assert editor.detail is not None and page.template_list.count() >= 3
    assert editor.items_model.rowCount() == len(editor.detail.items)
    assert editor.items_model.total_weight() == 100
    assert "100%" in editor.weight_label.text() and editor.save_button.isEnabled()


def test_weights_summing_to_95_cannot_be_saved_and_say_why(page, main_window, qtbot):
    editor = page.editor
    key = editor.detail.key
    first = editor.items_model.item(0).weight
    _type_into_cell(qtbot, editor.items_view, 0, 1, str(first - 5))
    assert editor.items_model.total_weight() == 95
    assert "95%" in editor.weight_label.text() and "5% still to assign" in editor.weight_label.text()
    assert not editor.save_button.isEnabled()
    assert "95%" in editor.save_button.toolTip()
    assert editor.save() is False
    assert "The weights sum to 95%" in editor.message.text()
    assert _versions(main_window, key) == [1]


def test_saving_makes_a_new_version(page, main_window, qtbot):
    editor = page.editor
    key = editor.detail.key
    first, second = editor.items_model.item(0).weight, editor.items_model.item(1).weight
    _type_into_cell(qtbot, editor.items_view, 0, 1, str(first + 5))
    assert "5% too much" in editor.weight_label.text()
    _type_into_cell(qtbot, editor.items_view, 1, 1, str(second - 5))
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert _versions(main_window, key) == [1, 2]
    assert editor.detail.version == 2 and editor.detail.items[0].weight == first + 5
    assert "v2" in page.template_list.currentItem().text()
    assert "Version 2 of 2" in editor.version_label.text()


def test_undo_a_template_save_restores_the_previous_weights_as_a_new_version(page, main_window, qtbot):
    editor = page.editor
    key = editor.detail.key
    first, second = editor.items_model.item(0).weight, editor.items_model.item(1).weight
    _type_into_cell(qtbot, editor.items_view, 0, 1, str(first + 5))
    _type_into_cell(qtbot, editor.items_view, 1, 1, str(second - 5))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.detail.items[0].weight == first + 5
    assert main_window.undo_action.isEnabled()

    main_window.undo_action.trigger()
    qtbot.waitUntil(lambda: editor.detail.version == 3)
    assert _versions(main_window, key) == [1, 2, 3]  # versions already used by appraisals stay
    assert (editor.detail.items[0].weight, editor.detail.items[1].weight) == (first, second)

    main_window.redo_action.trigger()
    qtbot.waitUntil(lambda: editor.detail.version == 4)
    assert editor.detail.items[0].weight == first + 5


def test_a_typed_percent_sign_and_a_bad_number(page, qtbot):
    editor = page.editor
    _type_into_cell(qtbot, editor.items_view, 0, 3, "93%")
    assert editor.items_model.item(0).target == Decimal("93")
    before = editor.items_model.item(0).baseline
    _type_into_cell(qtbot, editor.items_view, 0, 2, "abc")
    assert editor.items_model.item(0).baseline == before
    assert "abc is not a number" in editor.message.text()


def test_rule_curve_follows_the_rule_and_its_parameters(page, qtbot):
    editor = page.editor
    row = next(r for r in range(editor.items_model.rowCount()) if editor.items_model.item(r).rule == "three_level")
    editor.items_view.selectRow(row)
    item = editor.items_model.item(row)
    xs, ys = editor.curve.points
    at_target = min(range(len(xs)), key=lambda i: abs(xs[i] - float(item.target)))
    assert abs(ys[at_target] - 100) < 2
    editor.rule_combo.setCurrentIndex(editor.rule_combo.findData("deduction"))
    assert editor.curve.points is None and "No curve" in editor.curve.message.text()
    assert not editor.save_button.isEnabled() or editor.items_model.item(row).rule == "deduction"
    qtbot.keyClicks(editor.params_editor.fields["points"], "2")
    qtbot.keyClicks(editor.params_editor.fields["step"], "1")
    assert editor.items_model.item(row).params == {"points": 2.0, "step": 1.0}
    xs, ys = editor.curve.points
    assert max(ys) == pytest.approx(100) and min(ys) < 100


def test_duplicate_a_template(page, main_window, qtbot):
    before = page.template_list.count()
    source = page.editor.detail
    qtbot.mouseClick(page.duplicate_button, Qt.MouseButton.LeftButton)
    assert page.template_list.count() == before + 1
    copy = page.editor.detail
    assert copy.id != source.id and copy.position_id is None
    assert [i.weight for i in copy.items] == [i.weight for i in source.items]
    assert page.editor.position.currentData() is None


def test_formula_is_validated_as_you_type(page, qtbot):
    page.tabs.setCurrentIndex(1)
    library = page.library
    library.new_kpi()
    qtbot.keyClicks(library.formula, "contacts / * 2")
    assert not library.formula_check.ok and library.formula_check.position == 11
    assert "12" in library.formula_status.text()
    assert library.formula.styleSheet()
    library.formula.clear()
    qtbot.keyClicks(library.formula, "resolved / contactz * 100")
    assert library.formula_check.unknown == ("contactz",)
    library.formula.clear()
    qtbot.keyClicks(library.formula, "resolved / contacts * 100")
    assert library.formula_check.ok and library.formula.styleSheet() == ""


def test_add_a_kpi_to_the_library(page, qtbot):
    library = page.library
    library.new_kpi()
    qtbot.keyClicks(library.code, "resolution_share")
    library.name_zh.setText("解决占比")
    qtbot.keyClicks(library.name_en, "Resolution share")
    qtbot.keyClicks(library.formula, "resolved / contacts * 100")
    qtbot.keyClicks(library.target, "95")
    qtbot.mouseClick(library.save_button, Qt.MouseButton.LeftButton)
    assert library.message.text() == "Saved."
    assert any(k.code == "resolution_share" and k.target == 95 for k in library.kpis)
    assert library.current is not None and library.current.code == "resolution_share"
    picker = page.editor.kpi_picker
    assert any("resolution_share" in picker.itemText(i) for i in range(picker.count()))


def test_the_kpi_table_names_rules_briefly_with_the_full_name_as_tooltip(page):
    from PySide6.QtCore import Qt

    model = page.editor.items_model
    column = next(c for c in range(model.columnCount())
                  if model.headerData(c, Qt.Orientation.Horizontal) == "Rule")
    rows = range(model.rowCount())
    shown = {model.index(r, column).data() for r in rows}
    full = {model.index(r, column).data(Qt.ItemDataRole.ToolTipRole) for r in rows}
    assert "Three levels" in shown and "Three levels (baseline / target / challenge)" in full
    assert not any("(" in text for text in shown)


def test_a_formula_may_name_its_own_kpi_for_the_value_typed_in(page, qtbot):
    library = page.library
    library.new_kpi()
    qtbot.keyClicks(library.code, "rating_share")
    qtbot.keyClicks(library.formula, "first(rating_share, survey_score / 5 * 100)")
    assert library.formula_check.ok
    library.formula.clear()
    qtbot.keyClicks(library.formula, "first(rating_shares, survey_score / 5 * 100)")
    assert library.formula_check.unknown == ("rating_shares",)


def test_automatic_exemptions_are_set_on_an_item(page, qtbot):
    editor = page.editor
    row = next(r for r in range(editor.items_model.rowCount()) if editor.items_model.item(r).rule == "three_level")
    editor.items_view.selectRow(row)
    fields = editor.params_editor.fields
    fields["department_rule"].click()
    qtbot.keyClicks(fields["workload_field"], "contacts")
    qtbot.keyClicks(fields["workload_ratio"], "1.3")
    assert editor.items_model.item(row).params == {"department_rule": True, "workload_field": "contacts",
                                                   "workload_ratio": 1.3}
    editor.items_view.selectRow(row)  # shown again as set
    assert editor.params_editor.fields["department_rule"].isChecked()
    assert editor.params_editor.fields["workload_field"].text() == "contacts"
