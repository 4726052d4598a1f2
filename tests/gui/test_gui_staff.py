"""The Staff page driven through its widgets, checked against what the services stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kpidesk.services.people import staff

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def page(main_window):
    return main_window.show_page("staff")


def _stored(window, include_left=True):
    with window.ctx.db.session() as session:
        return {e.staff_no: e for e in staff.list_employees(session, include_left=include_left)}


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _select(page, qtbot, staff_no):
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data() == staff_no)
    rect = page.table.visualRect(page.proxy.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_employee().staff_no == staff_no


def test_staff_page_lists_the_demo_department(page):
    shown = {e.staff_no for e in page.visible_employees()}
    assert "CS001" in shown and "CS010" not in shown  # CS010 left in September
    assert page.tree.topLevelItem(0).childCount() == 1  # 客户关怀部
    assert "客户关怀部" in page.tree.topLevelItem(0).child(0).text(0)


def test_add_an_employee(page, main_window, qtbot):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert not _ok(dialog).isEnabled()  # nothing typed yet
    qtbot.keyClicks(dialog.staff_no, "CS100")
    dialog.name.setText("林晓")  # QTest types ASCII only
    dialog.department.setCurrentIndex(dialog.department.findText("一组", Qt.MatchFlag.MatchContains))
    dialog.position.setCurrentText("客服代表")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    stored = _stored(main_window)["CS100"]
    assert stored.name == "林晓" and stored.department == "一组" and stored.position == "客服代表"
    assert "CS100" in {e.staff_no for e in page.visible_employees()}
    assert page.selected_employee().staff_no == "CS100"


def test_a_duplicate_staff_number_is_refused_inline(page, main_window, qtbot):
    dialog = page.add_employee()
    qtbot.keyClicks(dialog.staff_no, "CS001")
    dialog.name.setText("重复")  # QTest types ASCII only
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "CS001" in dialog.error_label.text() and dialog.error_label.isVisibleTo(dialog)
    assert _stored(main_window)["CS001"].name == "王芳"


def test_search_and_department_filter(page, qtbot):
    page.search.setText("王芳")  # QTest types ASCII only
    assert [e.staff_no for e in page.visible_employees()] == ["CS001"]
    page.search.clear()
    team = next(d for d in page.lists.departments if d.name == "二组")
    page.select_department(team.id)
    shown = page.visible_employees()
    assert shown and all(e.department == "二组" for e in shown)
    page.include_left.setChecked(True)
    assert "CS010" in {e.staff_no for e in page.visible_employees()}


def test_transfer_keeps_history(page, main_window, qtbot):
    _select(page, qtbot, "CS002")
    dialog = page.transfer_employee()
    dialog.department.setCurrentIndex(dialog.department.findText("二组", Qt.MatchFlag.MatchContains))
    dialog.reason.setText("团队调整")  # QTest types ASCII only
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _stored(main_window)["CS002"].department == "二组"
    with main_window.ctx.db.session() as session:
        moves = staff.list_moves(session, _stored(main_window)["CS002"].id)
    assert [(m.from_department, m.to_department, m.reason) for m in moves] == [("一组", "二组", "团队调整")]
    _select(page, qtbot, "CS002")
    assert "一组 → 二组" in page.history_label.text()


def test_a_transfer_can_be_undone_and_redone(page, main_window, qtbot):
    from kpidesk.services.actor import Actor
    from kpidesk.services.safety import audit

    _select(page, qtbot, "CS003")
    dialog = page.transfer_employee()
    dialog.department.setCurrentIndex(dialog.department.findText("二组", Qt.MatchFlag.MatchContains))
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert _stored(main_window)["CS003"].department == "二组"
    assert main_window.undo_action.isEnabled()

    main_window.undo_action.trigger()
    employee = _stored(main_window)["CS003"]
    assert employee.department == "一组"
    with main_window.ctx.db.session() as session:
        assert staff.list_moves(session, employee.id) == []
        undone = audit.list_entries(session, Actor("admin"), audit.AuditFilter(action="employee.transfer_undone"))
    assert [e.entity_id for e in undone] == ["CS003"]

    main_window.redo_action.trigger()
    assert _stored(main_window)["CS003"].department == "二组"


def test_an_old_transfer_is_not_undone_over_a_later_change(main_window):
    from kpidesk.errors import ValidationError
    from kpidesk.services.actor import Actor

    actor = Actor("admin")
    with main_window.ctx.db.write() as session:
        employee = staff.employee_by_staff_no(session, "CS005")
        first, second = (d for d in staff.list_departments(session) if d.name in ("一组", "二组"))
        target = second if employee.department_id == first.id else first
        staff.transfer_employee(session, actor, employee.id, department_id=target.id)
        employee.department_id = first.id if target is second else second.id  # moved by other means since
    with pytest.raises(ValidationError, match="CS005|moved"), main_window.ctx.db.write() as session:
        staff.undo_transfer(session, actor, staff.employee_by_staff_no(session, "CS005").id)


def test_mark_as_left_and_undo(page, main_window, qtbot):
    _select(page, qtbot, "CS004")
    dialog = page.mark_left()
    dialog.reason.setText("合同到期")  # QTest types ASCII only
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert not _stored(main_window)["CS004"].active
    assert "CS004" not in {e.staff_no for e in page.visible_employees()}
    assert main_window.undo_action.isEnabled()
    main_window.undo_action.trigger()
    assert _stored(main_window)["CS004"].active
    assert "CS004" in {e.staff_no for e in page.visible_employees()}
    main_window.redo_action.trigger()
    assert not _stored(main_window)["CS004"].active


def test_edit_then_undo_restores_the_old_name(page, main_window, qtbot):
    _select(page, qtbot, "CS005")
    dialog = page.edit_employee()
    assert not dialog.department.isEnabled()  # department changes go through a transfer
    dialog.name.setText("杨磊磊")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert _stored(main_window)["CS005"].name == "杨磊磊"
    main_window.undo_action.trigger()
    assert _stored(main_window)["CS005"].name == "杨磊"


def test_import_a_staff_list(page, main_window, dialogs, qtbot, tmp_path):
    source = tmp_path / "员工名单.csv"
    source.write_text(
        "工号,姓名,部门,班组,岗位,直属上级,入职日期\n"
        "CS200,郑洁,客户关怀部,三组,客服代表,李强,2025-11-03\n"
        "CS201,冯涛,客户关怀部,三组,客服代表,李强,2025-11-10\n"
        "CS001,王芳,客户关怀部,二组,客服代表,赵敏,2021-03-01\n",
        encoding="utf-8-sig",
    )
    dialogs.queue(str(source), True)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert [a.kind for a in dialogs.asked] == ["open_file", "confirm", "info"], dialogs.asked
    preview_text = dialogs.asked[1].text
    assert "2 new" in preview_text and "三组" in preview_text
    assert "Added 2" in dialogs.asked[2].text and "transferred 1" in dialogs.asked[2].text
    stored = _stored(main_window)
    assert stored["CS200"].department == "三组" and stored["CS001"].department == "二组"
    assert {"CS200", "CS201"} <= {e.staff_no for e in page.visible_employees()}
    assert any("三组" in page.tree.topLevelItem(0).child(0).child(i).text(0)
               for i in range(page.tree.topLevelItem(0).child(0).childCount()))
