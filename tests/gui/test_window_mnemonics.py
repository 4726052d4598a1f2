"""An "&" in a page title is printed, not eaten as a mnemonic; form labels with a mnemonic have
the field they jump to."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def test_view_menu_shows_the_ampersand_of_page_titles(main_window):
    titles = [main_window.sidebar.item(i).text() for i in range(main_window.sidebar.count())]
    assert any("&" in title for title in titles)  # "KPIs & templates"
    for action, title in zip(main_window.page_actions, titles, strict=False):
        assert action.text() == title.replace("&", "&&")
        assert action in main_window.view_menu.actions()


def test_the_import_wizard_file_label_jumps_to_the_path(main_window, qtbot):
    page = main_window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None)
    wizard = page.open_import_wizard()
    qtbot.waitExposed(wizard)
    files = wizard.file_page
    labels = [label for label in files.findChildren(QLabel) if "&" in label.text()]
    assert labels
    for label in labels:
        assert label.buddy() is not None, label.text()
    file_label = next(label for label in labels if label.buddy() is files.path_edit)
    assert file_label.text().endswith((":", "："))
    wizard.reject()


def test_the_window_title_names_the_app_once_in_the_current_language(main_window):
    from PySide6.QtWidgets import QApplication

    from kpidesk.i18n import _

    title = main_window.windowTitle()
    assert "KPI Desk" not in title  # Qt adds the display name to the title itself
    assert main_window.ctx.db is None or title == main_window.ctx.db.path.name
    assert QApplication.applicationDisplayName() == _("KPI Desk")


def test_undo_and_redo_follow_a_language_switch(main_window, qtbot):
    from PySide6.QtGui import QUndoCommand, QUndoStack

    stack = main_window.undo_group.activeStack()
    if stack is None:
        stack = QUndoStack(main_window.undo_group)
        main_window.undo_group.setActiveStack(stack)
    stack.push(QUndoCommand("step one"))
    assert main_window.undo_action.isEnabled()
    assert main_window.undo_action.text() == "&Undo step one"
    try:
        main_window.switch_language("zh_CN")
        qtbot.waitUntil(lambda: main_window.undo_action.text().startswith("撤销"))
        assert main_window.undo_action.text().endswith("step one")
        stack.undo()
        assert main_window.redo_action.text().startswith("重做") and main_window.redo_action.isEnabled()
    finally:
        main_window.switch_language("en")


def test_toolbar_tooltips_name_their_shortcut_in_the_current_language(painted_window, qtbot):
    from PySide6.QtGui import QKeySequence

    window = painted_window
    native = QKeySequence.SequenceFormat.NativeText
    undo_keys = QKeySequence(QKeySequence.StandardKey.Undo).toString(native)
    assert window.undo_action.toolTip() == f"Undo ({undo_keys})"
    assert window.page_actions[0].toolTip().endswith(f"({QKeySequence('Ctrl+1').toString(native)})")
    try:
        window.switch_language("zh_CN")
        qtbot.waitUntil(lambda: window.undo_action.toolTip() == f"撤销 ({undo_keys})")
    finally:
        window.switch_language("en")


def test_the_selected_sidebar_icon_is_drawn_white(main_window):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    item_icon = main_window.sidebar.item(0).icon()
    selected = item_icon.pixmap(QSize(22, 22), QIcon.Mode.Selected).toImage()
    inked = [selected.pixelColor(x, y) for x in range(selected.width()) for y in range(selected.height())
             if selected.pixelColor(x, y).alpha() > 200]
    assert inked, "the selected icon is empty"
    assert all(c.red() > 200 and c.green() > 200 and c.blue() > 200 for c in inked)  # white on the blue row
