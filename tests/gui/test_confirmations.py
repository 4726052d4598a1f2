"""Confirmations name what their buttons do ("Discard changes", "Move to review") instead of Yes/No."""

from __future__ import annotations

import inspect

import pytest


def _answer_with(qtbot, button_text: str, seen: list[str]) -> None:
    """Once the message box is up, note its button texts and click the one reading ``button_text``."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.extend(button.text() for button in box.buttons())
        next(button for button in box.buttons() if button.text() == button_text).click()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, click)


@pytest.mark.parametrize(("clicked", "expected"), [("Discard changes", True), ("Keep editing", False)])
def test_the_buttons_are_the_verbs(qtbot, clicked, expected):
    from PySide6.QtWidgets import QWidget

    from kpidesk.ui.dialogs import Dialogs

    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    _answer_with(qtbot, clicked, seen)
    answer = Dialogs().confirm(parent, "Unsaved changes", "Discard the changes to this template?",
                               action="Discard changes", cancel="Keep editing", destructive=True)
    assert answer is expected
    assert sorted(seen) == ["Discard changes", "Keep editing"]


def test_cancel_is_the_other_button_unless_named(qtbot):
    from PySide6.QtWidgets import QWidget

    from kpidesk.ui.dialogs import Dialogs

    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    _answer_with(qtbot, "Cancel", seen)
    assert Dialogs().confirm(parent, "Import staff list", "Import these staff?", action="Import") is False
    assert sorted(seen) == ["Cancel", "Import"]


def test_every_confirmation_must_name_its_action():
    from kpidesk.ui.dialogs import Dialogs, ScriptedDialogs

    for dialogs in (Dialogs, ScriptedDialogs):
        action = inspect.signature(dialogs.confirm).parameters["action"]
        assert action.default is inspect.Parameter.empty
        assert action.kind is inspect.Parameter.KEYWORD_ONLY


def test_moving_to_review_asks_with_the_verb(main_window, qtbot, dialogs):
    page = main_window.show_page("results")
    dialogs.queue(False)
    page.review_button.click()
    asked = [a for a in dialogs.asked if a.kind == "confirm"]
    assert [a.action for a in asked] == ["Move to review"]


def test_leaving_an_edited_template_asks_to_discard_changes(main_window, qtbot, dialogs):
    page = main_window.show_page("templates")
    page.editor.name_en.setText("Changed")
    page.editor.name_en.textEdited.emit("Changed")
    assert page.editor.dirty
    dialogs.queue(False)
    page.new_template()
    asked = [a for a in dialogs.asked if a.kind == "confirm"]
    assert [a.action for a in asked] == ["Discard changes"]
    assert page.editor.dirty  # kept editing


def test_staff_dialogs_accept_with_their_verb(main_window, qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    page = main_window.show_page("staff")
    page.table.selectRow(0)
    for dialog, verb in ((page.mark_left(), "Mark as left"), (page.transfer_employee(), "Transfer")):
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == verb
        dialog.reject()


def test_a_reason_asked_last_is_accepted_with_the_verb(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QWidget

    from kpidesk.ui.dialogs import Dialogs

    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        box = dialog.findChild(QDialogButtonBox)
        seen.extend(button.text() for button in box.buttons())
        dialog.setTextValue("  a late correction  ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    reason = Dialogs().ask_text(parent, "Reopen 2025-11", "Why must the finalized period change?", action="Reopen")
    assert reason == "a late correction"
    assert sorted(seen) == ["Cancel", "Reopen"]


def test_reopening_a_period_asks_the_reason_with_the_verb(main_window, qtbot, dialogs):
    main_window.ctx.set_period("2025-11")
    page = main_window.show_page("results")
    assert page.data.status == "finalized"
    dialogs.queue("   ")
    page.reopen_button.click()
    assert [a.action for a in dialogs.asked if a.kind == "text"] == ["Reopen"]
