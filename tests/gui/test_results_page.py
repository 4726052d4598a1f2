"""The Results & calibration page driven offscreen on the demo database."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from kpidesk.services.safety import audit
from kpidesk.store import models as m


def _results(main_window):
    page = main_window.show_page("results")
    assert page is not None and page.data is not None, "the results did not load"
    return page


def _row(page, staff_no):
    frame = page.data.scores.frame
    employee = int(frame.index[frame["staff_no"] == staff_no][0])
    return employee, page.model.row_of(employee)


def _click(qtbot, page, row, column):
    index = page.proxy.mapFromSource(page.model.index(row, column))
    page.table.scrollTo(index)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _total(page, employee):
    return float(page.data.scores.frame.at[employee, "total"])


def test_clicking_a_score_shows_its_explanation(main_window, qtbot):
    page = _results(main_window)
    employee, row = _row(page, "CS001")
    code = next(c for c, item in page.data.scores.kpis(employee).items() if item["status"] == "ok")
    column = page.model.column_of(code)
    assert page.model.headerData(column, Qt.Orientation.Horizontal) == page.data.kpi_name(code)
    _click(qtbot, page, row, column)
    expected = page.data.scores.explanation_text(employee, code)
    assert expected and expected in page.explanation_text()
    assert page.data.kpi_name(code) in page.explanation_text()
    # the tooltip of the cell says the same
    assert page.model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) == expected


def test_an_adjustment_changes_total_and_grade_and_can_be_undone(main_window, qtbot, dialogs):
    page = _results(main_window)
    frame = page.data.scores.frame
    scale = page.data.scores.grade_scale
    minimums = {band.code: band.minimum for band in scale.bands}
    candidates = []
    for employee_id, row in frame.iterrows():
        code = row["grade_code"]
        if not isinstance(code, str) or code == scale.codes[0]:
            continue
        better = scale.codes[scale.codes.index(code) - 1]
        needed = math.ceil(minimums[better] - row["total"] + 0.5)
        if needed <= 50:
            candidates.append((needed, int(employee_id), better))
    assert candidates, "the demo has nobody one grade below another"
    points, employee, better = min(candidates)
    row = page.model.row_of(employee)
    before = _total(page, employee)
    _click(qtbot, page, row, 1)
    assert page.current_employee() == employee
    dialogs.queue(str(points), "Led the complaint-handling project")
    qtbot.mouseClick(page.adjust_button, Qt.MouseButton.LeftButton)
    assert _total(page, employee) == pytest.approx(before + points, abs=0.011)
    assert page.data.scores.frame.at[employee, "grade_code"] == better
    grade_column = page.model.column_of("grade")
    shown = page.model.index(page.model.row_of(employee), grade_column).data()
    assert shown == scale.label(better)
    assert "Led the complaint-handling project" in page.explanation_text()  # the person's summary, reloaded
    page.stack.undo()
    assert _total(page, employee) == pytest.approx(before, abs=0.011)


def test_recompute_reports_progress(main_window):
    page = _results(main_window)
    steps = []
    task = page.recompute()
    task.progressed.connect(steps.append)  # already finished with the synchronous pool
    assert task.ok and task.last_progress is not None
    assert task.last_progress.done == task.last_progress.total == 5


def _checklist(page, qtbot):
    """Press Finalize… and return the checklist it shows."""
    qtbot.mouseClick(page.finalize_button, Qt.MouseButton.LeftButton)
    dialog = page.finalize_check
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_finalize_locks_the_period_and_reopen_is_audited(main_window, qtbot, dialogs):
    page = _results(main_window)
    check = _checklist(page, qtbot)
    assert "2025-12" in check.windowTitle()
    assert any("measurements" in label.text() for label in check.findChildren(QLabel))
    qtbot.mouseClick(check.finalize_button, Qt.MouseButton.LeftButton)
    assert page.data.status == "finalized"
    assert not page.adjust_button.isEnabled() and page.reopen_button.isEnabled()
    assert main_window.ctx.period_code == "2025-12"

    # data entry refuses typing into the finalized period
    entry = main_window.show_page("data_entry")
    assert entry.model.locked
    index = next(entry.model.index(r, c) for r in range(entry.model.rowCount())
                 for c in range(entry.model.columnCount()) if entry.model.columns[c].kind == "field")
    assert not entry.model.setData(index, "1", Qt.ItemDataRole.EditRole) or entry.model.locked
    assert "finalized" in entry.banner.text()

    # the forms page shows the period read-only, and says why
    forms_page = main_window.show_page("forms")
    assert forms_page.locked and not forms_page.submit_button.isEnabled()
    assert "finalized" in forms_page.banner.text()

    # a form change sent to the service anyway is refused with the lock's message
    from kpidesk.services.forms import responses as forms
    from kpidesk.ui.tasks import Task

    db, actor = main_window.ctx.db, main_window.ctx.actor
    with db.session() as session:
        response = session.execute(select(m.FormResponse).join(m.PeriodRecord, m.PeriodRecord.id ==
                                                                m.FormResponse.period_id)
                                   .where(m.PeriodRecord.code == "2025-12")).scalars().first()
        response_id = response.id

    def reopen_form():
        with db.write() as session:
            forms.reopen_response(session, actor, response_id, "typo")

    Task(main_window, reopen_form).start()
    assert any("finalized" in text for text in dialogs.messages("error"))

    # reopen with a reason; the reason is in the audit log
    page = main_window.show_page("results")
    dialogs.queue("The CSAT import of December was incomplete")
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert page.data.status == "open"
    with db.session() as session:
        entries = audit.list_entries(session, actor, audit.AuditFilter(action="period.reopen"))
    assert entries[0].reason == "The CSAT import of December was incomplete"


def test_appeals_are_answered_before_finalizing(main_window, qtbot, dialogs):
    page = _results(main_window)
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)  # confirmation answered yes by default
    assert page.data.status == "review"
    employee, row = _row(page, "CS004")
    _click(qtbot, page, row, 1)
    dialogs.queue(1, "The survey sample of my calls was too small")
    page.tabs.setCurrentWidget(page.review)
    qtbot.mouseClick(page.review.record_button, Qt.MouseButton.LeftButton)
    assert [r["kind"] for r in page.data.responses] == ["appeal"]
    check = _checklist(page, qtbot)
    texts = [check.entries.item(i).text() for i in range(check.entries.count())]
    assert any("CS004" in t and "appeal not answered" in t for t in texts)
    assert not check.finalize_button.isEnabled()
    check.reject()
    assert page.data.status == "review"
    dialogs.queue("Checked with QA: the sample had 40 calls, the rule's minimum.")
    qtbot.mouseClick(page.review.answer_button, Qt.MouseButton.LeftButton)
    assert page.data.responses[0]["answer"].startswith("Checked with QA")
    check = _checklist(page, qtbot)
    assert check.finalize_button.isEnabled()
    qtbot.mouseClick(check.finalize_button, Qt.MouseButton.LeftButton)
    assert page.data.status == "finalized"


def test_the_checklist_links_to_each_person_and_names_what_it_locks(main_window, qtbot):
    page = _results(main_window)
    check = _checklist(page, qtbot)
    scored = int(page.data.scores.frame["total"].notna().sum())
    assert check.finalize_button.text() == f"Finalize {scored} people"
    assert check.entries.count() == len(check.checklist.entries) > 0, "the demo has something unsettled"
    item = check.entries.item(0)
    entry = check.checklist.entries[0]
    rect = check.entries.visualItemRect(item)
    qtbot.mouseClick(check.entries.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not check.isVisible()
    assert page.current_employee() == entry.employee_id
    assert page.data.status == "open", "following a link finalizes nothing"


def test_reopen_with_an_empty_reason_says_so(main_window, qtbot, dialogs):
    main_window.ctx.set_period("2025-11")
    page = _results(main_window)
    assert page.data.status == "finalized"
    dialogs.queue("   ")
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert "A reason is required: 2025-11 stays finalized." in dialogs.messages("warning")
    assert page.data.status == "finalized"


def test_sign_offs_are_recorded_on_a_finalized_period(main_window, qtbot, dialogs):
    main_window.ctx.set_period("2025-11")
    page = _results(main_window)
    assert page.data.period == "2025-11" and page.data.status == "finalized"
    page.tabs.setCurrentWidget(page.signoffs)
    employee, _row_index = _row(page, "CS001")
    page.signoffs.select_employee(employee)
    dialogs.queue(0, "王芳")
    qtbot.mouseClick(page.signoffs.record_button, Qt.MouseButton.LeftButton)
    rows = {r.employee_id: r for r in page.signoffs.model.rows}
    assert rows[employee].signed("employee").startswith("王芳")


def test_forced_distribution_shows_who_moves_and_applies(main_window, qtbot, dialogs):
    page = _results(main_window)
    page.tabs.setCurrentWidget(page.calibration)
    view = page.calibration
    view.set_quotas([("excellent", 10), ("good", 30), ("fair", 40), ("poor", 20)])
    moves = view.preview()
    assert moves and view.moves_model.rowCount() == len(moves)
    qtbot.mouseClick(view.apply_button, Qt.MouseButton.LeftButton)
    frame = page.data.scores.frame
    for move in moves:
        assert frame.at[move.employee_id, "grade"] == move.forced
    assert view.clear_button.isEnabled()
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert page.data.forced is None


def test_results_models_pass_the_model_tester(main_window, qtmodeltester):
    page = _results(main_window)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    qtmodeltester.check(page.calibration.raters_model)
    qtmodeltester.check(page.calibration.gaps_model)
    qtmodeltester.check(page.signoffs.model)


@pytest.fixture
def in_shanghai(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_finalized_time_is_shown_in_local_time(main_window, qtbot, in_shanghai):
    from datetime import datetime

    with main_window.ctx.db.write() as session:
        record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == "2025-11")).scalar_one()
        record.finalized_at = datetime(2025, 12, 3, 17, 30)  # stored in UTC: 01:30 the next morning in Shanghai
    page = _results(main_window)
    main_window.ctx.set_period("2025-11")
    qtbot.waitUntil(lambda: "2025-12-04 01:30" in page.banner.label.text())
    assert "17:30" not in page.banner.label.text()

    overview = main_window.show_page("overview")
    qtbot.waitUntil(lambda: overview.overview is not None and overview.overview.period == "2025-11")
    assert "2025-12-04" in overview.final_card.detail.text()


def test_a_sign_off_shows_its_local_day(in_shanghai):
    from datetime import datetime
    from types import SimpleNamespace

    from kpidesk.ui.pages.results.review import SignRow

    late_evening_utc = SimpleNamespace(signed_by="王芳", signed_at=datetime(2025, 12, 3, 17, 30))
    row = SignRow(1, "CS001", "王芳", "A", {"employee": late_evening_utc})
    assert row.signed("employee") == "王芳 · 2025-12-04"


def test_the_table_shows_each_results_coverage(main_window):
    from kpidesk.ui.pages.results.data import coverage_text

    page = _results(main_window)
    employee, row = _row(page, "CS001")
    column = page.model.column_of("coverage")
    assert column >= 0 and page.model.headerData(column, Qt.Orientation.Horizontal) == "Coverage"
    expected = float(page.data.scores.frame.at[employee, "coverage"])
    assert page.model.index(row, column).data() == f"{expected * 100:.0f}%"
    assert coverage_text(None) == "—" and coverage_text(float("nan")) == "—"  # snapshots from before coverage


def test_recompute_is_off_on_a_finalized_period_and_says_why(main_window, qtbot):
    page = _results(main_window)
    assert page.recompute_button.isEnabled()  # the open month computes again
    main_window.ctx.set_period("2025-11")
    qtbot.waitUntil(lambda: page.data is not None and page.data.period == "2025-11")
    assert not page.recompute_button.isEnabled()
    assert "reopen" in page.recompute_button.toolTip() or "重新开放" in page.recompute_button.toolTip()


def test_the_table_shows_what_each_grade_means(main_window):
    # 002 (客服评级 table): 良好 → training 较强, staff level 一级客服 (the default mapping)
    page = _results(main_window)
    frame = page.data.scores.frame
    good = frame.index[frame["grade_code"] == "good"]
    assert len(good)
    row = page.model.row_of(int(good[0]))
    training, level = page.model.column_of("training_need"), page.model.column_of("staff_level")
    assert page.model.headerData(training, Qt.Orientation.Horizontal) == "Training need"
    assert page.model.index(row, training).data() == "较强"
    assert page.model.index(row, level).data() == "一级客服"
