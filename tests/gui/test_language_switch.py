"""A language switch renders again what the window already shows: Undo/Redo texts, status messages and
the filter labels."""

from __future__ import annotations

import pytest

PERIOD = "2025-12"


@pytest.fixture
def window(main_window):
    yield main_window
    main_window.switch_language("en")


def _edit_a_cell(window, qtbot):
    from PySide6.QtCore import Qt

    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None and page.sheet.period == PERIOD)
    assert page.model.setData(page.cell("CS001", "contacts"), "21", Qt.ItemDataRole.EditRole)
    return page


def test_undo_and_redo_texts_follow_the_language(window, qtbot):
    from kpidesk.i18n import _

    page = _edit_a_cell(window, qtbot)
    name = next(r.name for r in page.model.rows if r.staff_no == "CS001")
    english = window.undo_action.text()
    assert english.startswith("&Undo") and name in english
    window.undo_action.trigger()
    assert window.redo_action.text().startswith("&Redo")

    window.switch_language("zh_CN")
    step = page.stack.redoText()
    assert name in step and "Edit" not in step, step
    assert window.redo_action.text().startswith(_("&Redo")) and step in window.redo_action.text()
    window.redo_action.trigger()
    assert "Edit" not in window.undo_action.text()

    window.switch_language("en")
    assert page.stack.undoText().startswith("Edit ")


def test_the_status_message_is_said_again_in_the_new_language(window, qtbot, dialogs, tmp_path):
    target = tmp_path / "copy.db"
    dialogs.queue(str(target))
    window.save_copy()
    qtbot.waitUntil(lambda: target.exists())
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Copy saved"))
    window.switch_language("zh_CN")
    shown = window.statusBar().currentMessage()
    assert shown and not shown.startswith("Copy saved") and str(target) in shown


def test_filter_labels_follow_the_language(window, qtbot):
    from kpidesk.i18n import _

    results = window.show_page("results")
    entry = window.show_page("data_entry")
    staff = window.show_page("staff")
    qtbot.waitUntil(lambda: results.group_combo.count() > 1 and entry.template_combo.count() > 1)

    def labels():
        return [results.search.placeholderText(), results.flagged_check.text(), results.group_combo.itemText(0),
                entry.template_combo.itemText(0), staff.search.placeholderText()]

    english = labels()
    window.switch_language("zh_CN")
    chinese = labels()
    assert chinese == [_(text) for text in english]
    assert all(zh != en for zh, en in zip(chinese, english, strict=True))
