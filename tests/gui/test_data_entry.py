"""Data entry: typing, validation, undo/redo, pasting from Excel, and the finalized-period lock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from kpidesk.services.actor import Actor
from kpidesk.ui.pages.data_entry.model import STATE_ROLE

PERIOD = "2025-12"


def stored(window, staff_no: str, code: str, period: str = PERIOD):
    from kpidesk.services.appraisal import measurements
    from kpidesk.services.people import staff

    with window.ctx.db.session() as session:
        employee = staff.employee_by_staff_no(session, staff_no)
        return measurements.values_for_period(session, Actor("hr"), period).get((employee.id, code))


@pytest.fixture
def window(main_window):
    """The main window; afterwards its context stops relaying language changes to its closed widgets."""
    yield main_window
    try:
        main_window.ctx.language_changed.disconnect()
    except (RuntimeError, TypeError):
        pass


@pytest.fixture
def entry(window, qtbot):
    page = window.show_page("data_entry")
    assert page is not None
    qtbot.waitUntil(lambda: page.sheet is not None and page.sheet.period == PERIOD)
    return page


def press(qtbot, widget, char: str) -> None:
    """One typed character; characters QTest cannot spell (Chinese, full-width) go as text events."""
    if char.isascii():
        qtbot.keyClick(widget, char)
        return
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def select(view, index) -> None:
    """Make ``index`` the only selected, current cell (whatever modifier state an earlier test left)."""
    view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def open_editor(view) -> QLineEdit | None:
    """The cell editor being typed in (closed editors linger until deleted, hidden)."""
    return next((e for e in view.findChildren(QLineEdit) if e.isVisible()), None)


def type_into(qtbot, page, index, text: str) -> None:
    """Select a cell and type over it as a user would: the first key opens the editor."""
    view = page.view
    view.setFocus()
    select(view, index)
    press(qtbot, view, text[0])
    editor = open_editor(view)
    assert editor is not None, "typing did not open an editor"
    for char in text[1:]:
        press(qtbot, editor, char)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def test_edit_a_cell_and_undo_it(entry, window, qtbot):
    index = entry.cell("CS001", "contacts")
    before = stored(window, "CS001", "contacts")
    type_into(qtbot, entry, index, "1,234")
    assert index.data() == "1,234"
    assert stored(window, "CS001", "contacts") == Decimal("1234")
    assert entry.view.currentIndex().row() == index.row() + 1, "Enter moves to the next row"

    window.undo_action.trigger()
    assert stored(window, "CS001", "contacts") == before
    assert index.data() == f"{float(before):,.0f}"
    window.redo_action.trigger()
    assert stored(window, "CS001", "contacts") == Decimal("1234")


def test_typed_text_that_is_not_a_number_is_tinted_and_not_saved(entry, window, qtbot):
    index = entry.cell("CS002", "contacts")
    before = stored(window, "CS002", "contacts")
    type_into(qtbot, entry, index, "abc")
    assert index.data() == "abc"
    assert index.data(STATE_ROLE) == "invalid"
    assert "not a number" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert stored(window, "CS002", "contacts") == before
    assert not entry.stack.canUndo()
    type_into(qtbot, entry, index, "４５０次")  # full-width digits and a unit word, as Excel users write
    assert index.data(STATE_ROLE) == "ok"
    assert stored(window, "CS002", "contacts") == Decimal("450")


def test_the_editor_tints_itself_while_typing(entry, qtbot):
    view = entry.view
    select(view, entry.cell("CS001", "csat"))
    qtbot.keyClick(view, "1")
    editor = open_editor(view)
    qtbot.keyClicks(editor, "50%")
    assert editor.property("reading") == "invalid"
    assert "impossible for a rate" in editor.toolTip()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, "5%")
    assert editor.property("reading") == "ok" and editor.toolTip() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Escape)


def test_rate_inputs_that_cannot_be_right_are_flagged(entry, window, qtbot):
    contacts = entry.cell("CS004", "contacts")
    resolved = entry.cell("CS004", "first_contact_resolved")
    type_into(qtbot, entry, contacts, "100")
    type_into(qtbot, entry, resolved, "120")
    assert resolved.data(STATE_ROLE) == "warning"
    assert "outside 0–100%" in contacts.data(Qt.ItemDataRole.ToolTipRole)
    assert stored(window, "CS004", "first_contact_resolved") == Decimal("120"), "a warning still saves"
    type_into(qtbot, entry, resolved, "90")
    assert resolved.data(STATE_ROLE) == "ok" and contacts.data(STATE_ROLE) == "ok"


def test_paste_a_three_by_three_block_from_excel(entry, window, qtbot):
    entry.template_combo.setCurrentIndex(entry.template_combo.findData("csr"))
    assert [r.staff_no for r in entry.model.rows][:3] == ["CS001", "CS002", "CS004"]
    start = entry.cell("CS001", "first_response_time")
    assert entry.model.columns[start.column() + 1].code == "avg_handle_time"
    assert entry.model.columns[start.column() + 2].code == "first_contact_resolved"
    expected = {
        ("CS001", "first_response_time"): 90, ("CS001", "avg_handle_time"): 210,
        ("CS001", "first_contact_resolved"): 420, ("CS002", "first_response_time"): 45,
        ("CS002", "avg_handle_time"): 250, ("CS002", "first_contact_resolved"): 401,
        ("CS004", "first_response_time"): 120, ("CS004", "avg_handle_time"): 250,
        ("CS004", "first_contact_resolved"): 1398,
    }
    before = {key: stored(window, *key) for key in expected}
    QGuiApplication.clipboard().setText("1分30秒\t3.5分钟\t４２０\r\n45秒\t0:04:10\t401\r\n2分\t250\t1,398\r\n")
    entry.view.setFocus()
    select(entry.view, start)
    qtbot.keyClick(entry.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    for key, value in expected.items():
        assert stored(window, *key) == Decimal(value), key
    assert entry.cell("CS001", "first_response_time").data() == "1 min 30 s"
    assert "Pasted 9 values" in entry.message.text()
    assert entry.stack.count() == 1, "a paste is one undoable step"
    assert len(entry.view.selectionModel().selectedIndexes()) == 9

    entry.stack.undo()
    for key in expected:
        assert stored(window, *key) == before[key]


def test_paste_with_an_unreadable_cell_saves_the_rest(entry, window, qtbot):
    entry.template_combo.setCurrentIndex(entry.template_combo.findData("csr"))
    start = entry.cell("CS001", "contacts")
    QGuiApplication.clipboard().setText("500\n#VALUE!\n")
    select(entry.view, start)
    entry.paste()
    bad = entry.cell("CS002", "contacts")
    assert stored(window, "CS001", "contacts") == Decimal("500")
    assert bad.data(STATE_ROLE) == "invalid" and "Excel error" in bad.data(Qt.ItemDataRole.ToolTipRole)
    assert "1 cells could not be read" in entry.message.text()


def test_delete_clears_the_selected_cells_in_one_step(entry, window, qtbot):
    index = entry.cell("CS001", "contacts")
    before = stored(window, "CS001", "contacts")
    select(entry.view, index)
    qtbot.keyClick(entry.view, Qt.Key.Key_Delete)
    assert stored(window, "CS001", "contacts") is None
    assert index.data() == ""
    entry.stack.undo()
    assert stored(window, "CS001", "contacts") == before


def test_computed_kpis_follow_the_raw_fields(entry, window, qtbot):
    fcr = entry.model.column_of("fcr", "kpi")
    row = entry.cell("CS001", "contacts").row()
    qtbot.waitUntil(lambda: bool(entry.model.index(row, fcr).data()), timeout=5000)
    type_into(qtbot, entry, entry.cell("CS001", "contacts"), "400")
    type_into(qtbot, entry, entry.cell("CS001", "first_contact_resolved"), "380")
    qtbot.waitUntil(lambda: entry.model.index(row, fcr).data().startswith("95%"), timeout=5000)
    assert "→" in entry.model.index(row, fcr).data()
    assert "95%" in entry.model.index(row, fcr).data(Qt.ItemDataRole.ToolTipRole)
    total = entry.model.column_of("total", "total")
    assert entry.model.index(row, total).data()


def _finalize_directly(db, period: str) -> None:
    """Mark the period finalized behind the page's back (as another program or window would)."""
    from sqlalchemy import update

    from kpidesk.store import models as m

    with db.write() as session:
        session.execute(update(m.PeriodRecord).where(m.PeriodRecord.code == period).values(
            status="finalized", finalized_by="hr"))


def test_typing_in_a_finalized_period_is_refused(window, qtbot):
    _finalize_directly(window.ctx.db, "2025-11")
    window.ctx.set_period("2025-11")
    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None and page.sheet.period == "2025-11")
    assert page.banner.isVisible() and "finalized" in page.banner.text()
    # the lock is a drawn icon: the CJK font has no 🔒 and showed an empty box
    assert "🔒" not in page.banner.text() and "lock.svg" in page.banner.text()
    index = page.cell("CS001", "contacts")
    before = stored(window, "CS001", "contacts", "2025-11")
    assert not index.flags() & Qt.ItemFlag.ItemIsEditable
    select(page.view, index)
    qtbot.keyClick(page.view, "7")
    assert open_editor(page.view) is None
    assert page.view.state() != QAbstractItemView.State.EditingState
    assert "finalized" in page.message.text()
    QGuiApplication.clipboard().setText("1\t2\n3\t4")
    page.paste()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert stored(window, "CS001", "contacts", "2025-11") == before
    assert not page.stack.canUndo()
    assert not page.import_button.isEnabled()


def test_a_period_finalized_meanwhile_is_refused_by_the_service(entry, window, qtbot):
    index = entry.cell("CS001", "contacts")
    before = stored(window, "CS001", "contacts")
    _finalize_directly(window.ctx.db, PERIOD)
    type_into(qtbot, entry, index, "999")
    errors = window.ctx.dialogs.messages("error")
    assert errors and "finalized" in errors[-1]
    assert stored(window, "CS001", "contacts") == before
    qtbot.waitUntil(lambda: entry.banner.isVisible())
    assert entry.model.locked and not entry.stack.canUndo()


def test_entry_model_passes_the_model_tester(entry, qtmodeltester):
    qtmodeltester.check(entry.model, force_py=True)
    entry.template_combo.setCurrentIndex(entry.template_combo.findData("complaints"))
    qtmodeltester.check(entry.model, force_py=True)


def test_cells_not_on_the_template_take_no_typing(entry, qtbot):
    index = entry.cell("CS003", "contacts")  # a complaint handler's template has no contacts
    assert index.isValid() and not index.flags() & Qt.ItemFlag.ItemIsEditable
    assert index.data(STATE_ROLE) == "n/a"
    select(entry.view, index)
    qtbot.keyClick(entry.view, "5")
    assert entry.view.state() != QAbstractItemView.State.EditingState
    assert "not on" in entry.message.text()


def test_chinese_headers_and_values(entry, window, qtbot):
    window.switch_language("zh_CN")
    qtbot.waitUntil(lambda: entry.title.text() == "数据录入")
    column = entry.model.column_of("contacts")
    assert entry.model.headerData(column, Qt.Orientation.Horizontal) == "接待总数"
    duration = entry.cell("CS001", "first_response_time").data()
    assert duration.endswith("秒") or duration.endswith("分")


def test_column_widths_the_user_sets_are_remembered(entry, window, qtbot):
    column = entry.model.column_of("contacts")
    entry.view.horizontalHeader().resizeSection(column, 151)
    entry.reload()
    assert entry.view.horizontalHeader().sectionSize(entry.model.column_of("contacts")) == 151
    assert "field:contacts" in str(window.ctx.settings.value("data_entry/column_widths"))


def _two_editable_neighbours(page, staff_no: str):
    """Two side-by-side cells of one person that both take a value."""
    row = next(i for i, r in enumerate(page.model.rows) if r.staff_no == staff_no)
    for column in range(page.model.columnCount() - 1):
        left, right = page.model.index(row, column), page.model.index(row, column + 1)
        if page.model.is_editable(left) and page.model.is_editable(right) and right.data():
            return left, right
    raise AssertionError("no two editable cells side by side")


def test_typing_on_a_selected_cell_replaces_its_value(entry, window, qtbot):
    index = entry.cell("CS001", "contacts")
    assert index.data(), "the demo has a value to type over"
    type_into(qtbot, entry, index, "77")
    assert index.data() == "77"
    assert stored(window, "CS001", "contacts") == Decimal("77")


def test_tab_commits_moves_right_and_typing_there_replaces(entry, window, qtbot):
    left, right = _two_editable_neighbours(entry, "CS003")
    view = entry.view
    view.setFocus()
    select(view, left)
    press(qtbot, view, "5")
    editor = open_editor(view)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert view.state() != QAbstractItemView.State.EditingState, "Tab does not open the next cell"
    assert view.currentIndex() == right
    assert left.data() == "5"
    press(qtbot, view, "8")
    editor = open_editor(view)
    assert editor.text() == "8", "the key typed replaces the old value"
    qtbot.keyClick(editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert right.data() == "8" and view.currentIndex() == left, "Shift+Tab moves left"


def test_shift_enter_moves_up_and_escape_cancels(entry, window, qtbot):
    index = entry.cell("CS002", "contacts")
    above = index.sibling(index.row() - 1, index.column())
    assert entry.model.is_editable(index) and entry.model.is_editable(above)
    before = stored(window, "CS002", "contacts")
    view = entry.view
    view.setFocus()
    select(view, index)
    press(qtbot, view, "3")
    editor = open_editor(view)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert stored(window, "CS002", "contacts") == before and view.currentIndex() == index
    press(qtbot, view, "3")
    editor = open_editor(view)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert index.data() == "3" and view.currentIndex() == above
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.currentIndex() == index, "Enter outside the editor moves down"


def test_f2_edits_the_value_in_place(entry, window, qtbot):
    index = entry.cell("CS002", "contacts")
    shown = index.data()
    view = entry.view
    view.setFocus()
    select(view, index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = open_editor(view)
    assert editor is not None and editor.text() == shown
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert index.data() == shown


def test_a_rejected_value_says_why_in_the_status_bar_and_never_saved(entry, window, qtbot):
    index = entry.cell("CS002", "contacts")
    name = next(r.name for r in entry.model.rows if r.staff_no == "CS002")
    type_into(qtbot, entry, index, "abc")
    assert index.data(STATE_ROLE) == "invalid"
    shown = entry.message.text()
    assert shown.startswith("Not saved:") and name in shown and "not a number" in shown
    assert shown in window.statusBar().currentMessage()
    type_into(qtbot, entry, entry.cell("CS001", "contacts"), "12")  # another cell saves …
    assert stored(window, "CS001", "contacts") == Decimal("12")
    assert entry.message.text() != "Saved." and "not a number" in entry.message.text()  # … but one is red
    type_into(qtbot, entry, index, "30")
    type_into(qtbot, entry, entry.cell("CS001", "contacts"), "13")
    assert entry.message.text() == "Saved."


def test_undo_names_the_field_and_the_person(entry, window, qtbot):
    name = next(r.name for r in entry.model.rows if r.staff_no == "CS001")
    type_into(qtbot, entry, entry.cell("CS001", "contacts"), "21")
    assert name in entry.stack.undoText()
    assert name in window.undo_action.text()


def test_search_finds_people_by_name_staff_number_and_team(entry, qtbot):
    everyone = len(entry.model.rows)
    for char in "二组":
        press(qtbot, entry.search_box, char)
    team = [r.staff_no for r in entry.model.rows]
    assert team == ["CS004", "CS005", "CS006", "CS008", "CS012"]
    entry.search_box.clear()
    for char in "王芳":
        press(qtbot, entry.search_box, char)
    assert [r.staff_no for r in entry.model.rows] == ["CS001"]
    entry.search_box.clear()
    qtbot.keyClicks(entry.search_box, "cs00")
    assert [r.staff_no for r in entry.model.rows] == [f"CS00{i}" for i in range(10)]  # any case; CS010 has left
    entry.search_box.clear()
    assert len(entry.model.rows) == everyone


def test_a_kpi_keeps_the_fields_it_is_computed_from_and_its_score(entry, qtbot):
    combo = entry.kpi_combo
    combo.setCurrentIndex(combo.findData("fcr"))
    shown = [(c.kind, c.code) for c in entry.model.columns]
    assert shown == [("total", "total"), ("grade", "grade"), ("field", "first_contact_resolved"),
                     ("field", "contacts"), ("kpi", "fcr")]
    combo.setCurrentIndex(combo.findData("csat"))  # typed as a percent, or read from a 5-point survey score
    assert [(c.kind, c.code) for c in entry.model.columns][2:] == [("field", "csat"), ("field", "survey_score"),
                                                                   ("kpi", "csat")]
    combo.setCurrentIndex(0)
    assert len(entry.model.columns) > 20


def test_clicking_a_header_sorts_and_a_second_click_reverses(entry, window, qtbot):
    entry.template_combo.setCurrentIndex(entry.template_combo.findData("csr"))
    column = entry.model.column_of("contacts")
    header = entry.view.horizontalHeader()

    def contacts():
        return [entry.model.value(r.employee_id, "contacts") for r in entry.model.rows]

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2))
    values = contacts()
    assert values == sorted(values) and len(set(values)) > 1
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == column
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2))
    assert contacts() == sorted(values, reverse=True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    type_into(qtbot, entry, entry.cell("CS001", "contacts"), "1")  # typing still goes to the right person
    assert stored(window, "CS001", "contacts") == Decimal("1")


def test_copy_gives_numbers_under_a_header_row_and_pastes_back(entry, window, qtbot):
    entry.template_combo.setCurrentIndex(entry.template_combo.findData("csr"))
    first, last = entry.cell("CS001", "first_response_time"), entry.cell("CS002", "contacts")
    entry.view.selectionModel().select(QItemSelection(first, last), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    entry.view.setFocus()
    qtbot.keyClick(entry.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = [line.split("\t") for line in QGuiApplication.clipboard().text().splitlines()]
    columns = range(first.column(), last.column() + 1)
    assert lines[0] == ["Staff no.", "Name"] + [entry.model.columns[c].title() for c in columns]
    assert [line[:2] for line in lines[1:]] == [["CS001", "王芳"], ["CS002", "张伟"]]
    seconds = stored(window, "CS001", "first_response_time")
    assert lines[1][2] == f"{float(seconds):g}"  # seconds as a plain number, not "1 min 30 s"
    assert all(cell == "" or float(cell) == float(cell) for line in lines[1:] for cell in line[2:])
    assert not any("," in cell or "%" in cell or " " in cell for line in lines[1:] for cell in line[2:])
    before = entry.stack.count()
    select(entry.view, entry.cell("CS004", "first_response_time"))
    entry.paste()  # the grid's own header and name columns are left out again
    assert stored(window, "CS004", "first_response_time") == seconds
    assert stored(window, "CS005", "contacts") == stored(window, "CS002", "contacts")
    assert entry.stack.count() == before + 1


def test_a_rejected_value_says_why_beside_the_cell(entry, window, qtbot):
    index = entry.cell("CS002", "contacts")
    type_into(qtbot, entry, index, "abc")
    note = entry.rejection_note
    assert note.isVisible() and "not a number" in note.text()
    cell = entry.view.visualRect(index)
    assert abs(note.geometry().center().y() - cell.center().y()) <= 2
    assert note.geometry().left() >= cell.right() or note.geometry().right() <= cell.left()  # beside, not over
    type_into(qtbot, entry, index, "30")
    assert not note.isVisible()


def test_columns_out_of_view_show_their_title_at_once_and_fit_their_values_soon(entry, qtbot):
    from kpidesk.ui import machine_settings as machine
    from kpidesk.ui.pages.data_entry.page import MAX_COLUMN_WIDTH

    view, header = entry.view, entry.view.horizontalHeader()
    view.resize(260, 300)  # room for a few columns only
    for column in range(entry.model.columnCount()):
        header.resizeSection(column, 20)  # narrower than any title
    machine.DATA_ENTRY_COLUMN_WIDTHS.write(entry.ctx.settings, {})  # not sizes the user chose
    entry._fit_columns()
    in_view = [c for c in range(entry.model.columnCount()) if header.sectionViewportPosition(c) < 260]
    later = [c for c in range(entry.model.columnCount()) if c not in in_view]
    assert later, "every column fits in view: the test shows nothing"
    assert all(header.sectionSize(c) >= header.sectionSizeFromContents(c).width() for c in later)

    def fitted(column: int) -> int:
        contents = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
        return max(64, header.sectionSizeFromContents(column).width(), min(MAX_COLUMN_WIDTH, contents))

    assert all(header.sectionSize(c) == fitted(c) for c in in_view)
    qtbot.waitUntil(lambda: all(header.sectionSize(c) == fitted(c) for c in later))
