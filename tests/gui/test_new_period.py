""""New period…" from the File menu and the toolbar beside the period box: the next period is proposed, its
roster shown before anything is written, and opening it selects it in the period box."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kpidesk.services.appraisal import use_cases


def _open_dialog(window, qtbot):
    assert window.new_period_action in window.file_menu.actions()
    assert window.new_period_action in window.toolbar.actions()
    assert window.new_period_action.isEnabled()
    window.new_period_action.trigger()
    dialog = window.new_period_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.plan is not None)
    return dialog


def test_new_period_proposes_the_next_month_and_opens_it(main_window, qtbot):
    before = {p.code for p in use_cases.list_periods(main_window.ctx.db, main_window.ctx.actor)}
    dialog = _open_dialog(main_window, qtbot)
    assert dialog.period_edit.text() == "2026-01"
    appraised = len(dialog.plan.appraised)
    assert dialog.roster.rowCount() == len(dialog.plan.lines) and appraised > 0
    assert "2026-01" in dialog.summary.text()
    assert dialog.open_button.text() == f"Open 2026-01 for {appraised} people"
    # showing the roster wrote nothing
    assert {p.code for p in use_cases.list_periods(main_window.ctx.db, main_window.ctx.actor)} == before

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert main_window.ctx.period_code == "2026-01"
    qtbot.waitUntil(lambda: main_window.period_combo.currentData() == "2026-01")
    assert "2026-01" in main_window.period_status.text()
    infos = {i.code: i for i in use_cases.period_list(main_window.ctx.db, main_window.ctx.actor)}
    assert infos["2026-01"].appraisees == appraised


def test_typing_another_period_shows_its_roster_and_refuses_an_open_one(main_window, qtbot):
    dialog = _open_dialog(main_window, qtbot)
    dialog.period_edit.clear()
    qtbot.keyClicks(dialog.period_edit, "2025-12")
    qtbot.keyClick(dialog.period_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.code == "2025-12")
    assert "already open" in dialog.summary.text()
    assert not dialog.open_button.isEnabled()
    dialog.period_edit.clear()
    dialog.period_edit.insert("2026年3月")  # as an input method commits it (key clicks cannot type 年)
    qtbot.keyClick(dialog.period_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.code == "2026-03")
    assert dialog.open_button.isEnabled()
    dialog.period_edit.clear()
    qtbot.keyClicks(dialog.period_edit, "soon")
    qtbot.keyClick(dialog.period_edit, Qt.Key.Key_Return)
    assert dialog.plan is None and not dialog.open_button.isEnabled()
    assert "not a period" in dialog.summary.text()
    dialog.reject()
    assert "2026-03" not in {p.code for p in use_cases.list_periods(main_window.ctx.db, main_window.ctx.actor)}


def test_the_roster_names_joiners_and_leavers(main_window, qtbot):
    from datetime import date

    from kpidesk.services.people import use_cases as people

    ctx = main_window.ctx
    baseline = use_cases.plan_period(ctx.db, ctx.actor, "2026-01")
    left_before = sum(1 for line in baseline.lines if line.change.value == "left")
    _departments, _positions, staff = people.staff_lists(ctx.db, ctx.actor)
    leaver = next(s for s in staff if s.active and s.staff_no == "CS001")
    people.mark_left(ctx.db, ctx.actor, leaver.id, date(2025, 12, 31), "个人原因")
    people.add_employee(ctx.db, ctx.actor, staff_no="CS900", name="新同事", department_id=leaver.department_id,
                        position_name=leaver.position or "", hire_date=date(2026, 1, 2))
    dialog = _open_dialog(main_window, qtbot)
    changes = {dialog.roster.item(row, 0).text(): dialog.roster.item(row, 4).text()
               for row in range(dialog.roster.rowCount())}
    assert changes["CS001"] == "left (not appraised)"
    assert changes["CS900"] == "joined"
    assert f"1 joined, {left_before + 1} left" in dialog.summary.text()


def test_an_exemption_given_an_end_on_the_results_page_carries_into_the_new_period(main_window, qtbot, dialogs):
    page = main_window.show_page("results")
    assert page is not None and page.data is not None
    frame = page.data.scores.frame
    employee = int(frame.index[frame["staff_no"] == "CS001"][0])
    index = page.proxy.mapFromSource(page.model.index(page.model.row_of(employee), 1))
    page.table.scrollTo(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center())
    assert page.current_employee() == employee
    dialogs.queue(0, "产假", "2026年2月")
    qtbot.mouseClick(page.exempt_button, Qt.MouseButton.LeftButton)
    assert [e.employee_id for e in page.data.exemptions] == [employee]

    dialog = _open_dialog(main_window, qtbot)
    assert "CS001" in dialog.carried.text() and "2026-02-28" in dialog.carried.text()
    plan = dialog.plan
    assert [(e.staff_no, e.reason) for e in plan.exemptions] == [("CS001", "产假")]


def test_an_end_that_is_not_a_period_is_refused(main_window, qtbot, dialogs):
    page = main_window.show_page("results")
    frame = page.data.scores.frame
    employee = int(frame.index[frame["staff_no"] == "CS001"][0])
    index = page.proxy.mapFromSource(page.model.index(page.model.row_of(employee), 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center())
    dialogs.queue(0, "产假", "next spring")
    qtbot.mouseClick(page.exempt_button, Qt.MouseButton.LeftButton)
    assert "“next spring” is not a period." in dialogs.messages("warning")
    assert page.data.exemptions == [] or all(e.employee_id != employee for e in page.data.exemptions)
