"""Settings shows the office's own forms folder and opens it (created on first use)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kpidesk.store.locations import user_forms_folder


def test_settings_shows_and_opens_the_own_forms_folder(open_window, qtbot, dialogs):
    page = open_window.show_page("settings")
    box = page.forms_folder_box
    assert box.folder.text() == str(user_forms_folder())
    assert box.open_button.text() == "Open forms folder"
    assert not user_forms_folder().exists()
    qtbot.mouseClick(box.open_button, Qt.MouseButton.LeftButton)
    assert user_forms_folder().is_dir()
    assert [(a.kind, a.text) for a in dialogs.asked] == [("open_folder", str(user_forms_folder()))]


def test_the_forms_box_speaks_chinese(open_window):
    page = open_window.show_page("settings")
    open_window.switch_language("zh_CN")
    try:
        assert page.forms_folder_box.open_button.text() == "打开表单文件夹"
    finally:
        open_window.switch_language("en")
