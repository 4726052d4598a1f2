"""Appraisal forms: keyboard-only filling, required comments, drafts, side by side, the period lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kpidesk.services.actor import Actor

ADMIN = Actor("admin")  # an administrator: every right, audited by name

NEW_PERIOD = "2026-01"


@pytest.fixture
def window(main_window):
    yield main_window
    try:
        main_window.ctx.language_changed.disconnect()
    except (RuntimeError, TypeError):
        pass


def open_new_month(window) -> None:
    """A new month: its appraisals exist, nobody has rated anyone yet."""
    from kpidesk.services.appraisal.periods import open_period
    from kpidesk.ui.context import Changes

    with window.ctx.db.write() as session:
        open_period(session, window.ctx.actor, NEW_PERIOD)
    window.ctx.notify(Changes.PERIODS)
    window.ctx.set_period(NEW_PERIOD)


@pytest.fixture
def forms(window, qtbot):
    open_new_month(window)
    page = window.show_page("forms")
    qtbot.waitUntil(lambda: page.snapshot is not None and page.snapshot.period == NEW_PERIOD)
    window.activateWindow()
    page.choose("CS001", "manager")
    assert page.form is not None and page.form.id == "customer_service_staff"
    return page


def responses(window, staff_no: str, role: str, period: str = NEW_PERIOD):
    from kpidesk.services.forms import responses as forms_service
    from kpidesk.services.people import staff

    with window.ctx.db.session() as session:
        employee = staff.employee_by_staff_no(session, staff_no)
        return [r for r in forms_service.responses_for(session, period, employee_id=employee.id, actor=ADMIN) if r.role == role]


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(focused(), QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def test_fill_and_submit_a_manager_form_by_keyboard_only(forms, window, qtbot):
    page = forms
    qtbot.waitUntil(lambda: focused() is page.criteria[0].chooser)
    # digits pick a level; an arrow from nothing picks the best level and the next one steps down
    keys = [["2"], ["1"], ["2"], [Qt.Key.Key_Right, Qt.Key.Key_Down], ["2"], ["3"], ["2"], ["2"]]
    comments = {1: "独立处理疑难工单并带教新人。"}
    for number, strokes in enumerate(keys):
        assert focused() is page.criteria[number].chooser
        for key in strokes:
            press(qtbot, key)
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is page.criteria[number].comment
        if number in comments:
            type_text(qtbot, comments[number])
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.sections["strengths"]
    type_text(qtbot, "回访及时，客户评价好。")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    expected = dict(zip([c.id for c in page.form.criteria],
                        ["good", "excellent", "good", "good", "good", "fair", "good", "good"], strict=True))
    assert page.current_levels() == expected
    assert page.message.text() == ""
    stored = responses(window, "CS001", "manager")
    assert len(stored) == 1 and stored[0].status == "submitted"
    assert stored[0].levels == expected
    assert stored[0].comments[page.form.criteria[1].id] == comments[1]
    assert stored[0].texts["strengths"] == "回访及时，客户评价好。"
    assert stored[0].rater == "李强"
    assert page.submitted and page.banner.isVisible() and page.reopen_button.isVisible()
    assert not page.submit_button.isEnabled()
    assert page.employee_combo.currentText().endswith("✓")


def test_a_missing_required_comment_blocks_submission(forms, window, qtbot):
    page = forms
    qtbot.waitUntil(lambda: focused() is page.criteria[0].chooser)
    for number, widget in enumerate(page.criteria):
        widget.chooser.setFocus()
        press(qtbot, "1" if number == 0 else "2")  # the best level needs an example
    assert page.criteria[0].comment.property("missing") is True
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert "needs a comment" in page.message.text()
    assert page.form.criteria[0].title.en in page.message.text()
    assert focused() is page.criteria[0].comment, "the cursor goes where the comment is missing"
    assert not any(r.status == "submitted" for r in responses(window, "CS001", "manager"))

    type_text(qtbot, "主动组织组内经验分享会。")
    assert page.criteria[0].comment.property("missing") is False
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text() == ""
    assert [r.status for r in responses(window, "CS001", "manager")] == ["submitted"]


def test_drafts_are_saved_automatically(forms, window, qtbot):
    page = forms
    page.criteria[0].chooser.setFocus()
    press(qtbot, "3")
    assert "Editing" in page.status.text()
    qtbot.waitUntil(lambda: bool(responses(window, "CS001", "manager")), timeout=5000)
    draft = responses(window, "CS001", "manager")[0]
    assert draft.status == "draft" and draft.levels == {page.form.criteria[0].id: "fair"}
    assert "Draft saved" in page.status.text()

    page.criteria[1].chooser.setFocus()
    press(qtbot, "4")
    page.choose("CS002", "manager")  # moving on saves what is pending at once
    assert responses(window, "CS001", "manager")[0].levels[page.snapshot.forms[
        draft.form_version_id].criteria[1].id] == "poor"
    assert page.current_levels() == {c.id: None for c in page.form.criteria}
    page.choose("CS001", "manager")
    assert page.criteria[0].level == "fair" and page.criteria[1].level == "poor"


def test_self_and_manager_side_by_side_mark_wide_gaps(window, qtbot):
    page = window.show_page("forms")
    qtbot.waitUntil(lambda: page.snapshot is not None and page.snapshot.period == "2025-12")
    page.choose("CS004", "manager")  # 陈静: the manager rated communication Excellent, she rated it Fair
    assert page.submitted
    flagged = [page.form.criteria[row].id for row in page.comparison.flagged_rows()]
    assert flagged == ["communication"]
    assert page.criterion("communication").flagged
    assert "2 levels apart" in page.criterion("communication").other.text()
    assert not page.criterion("teamwork").flagged
    row = [c.id for c in page.form.criteria].index("communication")
    assert page.comparison.index(row, 3).data() == "⚠ 2"
    assert page.comparison.index(row, 1).data() == "Fair" and page.comparison.index(row, 2).data() == "Excellent"
    page.comparison_view.clicked.emit(page.comparison.index(row, 0))
    assert focused() is page.criterion("communication").chooser


def test_reopening_a_submitted_form_asks_why(window, qtbot):
    page = window.show_page("forms")
    qtbot.waitUntil(lambda: page.snapshot is not None)
    page.choose("CS004", "manager")
    window.ctx.dialogs.queue("补充了新的客户表扬记录")
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert not page.read_only and page.submit_button.isEnabled()
    assert responses(window, "CS004", "manager", "2025-12")[0].status == "draft"

    from sqlalchemy import select

    from kpidesk.store import models as m

    with window.ctx.db.session() as session:
        reasons = session.execute(select(m.AuditEntry.reason).where(m.AuditEntry.action == "form.reopen")).scalars()
        assert "补充了新的客户表扬记录" in list(reasons)


def test_a_finalized_period_shows_its_forms_read_only(window, qtbot):
    window.ctx.set_period("2025-11")
    page = window.show_page("forms")
    qtbot.waitUntil(lambda: page.snapshot is not None and page.snapshot.period == "2025-11")
    page.choose("CS002", "manager")
    assert page.locked and page.banner.isVisible() and "finalized" in page.banner.text()
    assert not page.reopen_button.isVisible() and not page.submit_button.isEnabled()
    before = page.criteria[0].level
    page.criteria[0].chooser.setFocus()
    press(qtbot, "4" if before != "poor" else "1")
    assert page.criteria[0].level == before
    assert page.criteria[0].comment.isReadOnly()


def test_comparison_model_passes_the_model_tester(window, qtbot, qtmodeltester):
    page = window.show_page("forms")
    qtbot.waitUntil(lambda: page.snapshot is not None)
    page.choose("CS004", "manager")
    qtmodeltester.check(page.comparison, force_py=True)


def test_chinese_labels_and_anchors(window, qtbot):
    window.switch_language("zh_CN")
    page = window.show_page("forms")
    qtbot.waitUntil(lambda: page.snapshot is not None)
    page.choose("CS004", "manager")
    assert page.title.text() == "考核表单"
    card = page.criterion("complaint_handling").chooser.cards[0]
    assert "优秀" in card.title.text() and "快速高效" in card.anchor.text()
