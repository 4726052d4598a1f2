"""The shell: first start, opening the demo, pages, status bar, language, geometry."""

from __future__ import annotations

from kpidesk.ui.pages import PAGES


def test_first_start_offers_welcome_and_opens_the_demo(make_window, qtbot, tmp_path, monkeypatch):
    from kpidesk.ui import opening

    monkeypatch.setattr(opening, "demo_database_path", lambda: tmp_path / "demo-first.db")
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.start()
    welcome = window.welcome
    assert welcome is not None and welcome.isVisible()
    qtbot.mouseClick(welcome.demo_button, qtbot_left())
    assert not welcome.isVisible()
    assert window.ctx.db is not None and window.ctx.db.path == tmp_path / "demo-first.db"
    assert window.ctx.period_code == "2025-12"
    assert "demo-first.db" in window.database_status.text()
    assert "2025-12" in window.period_status.text()
    assert window.period_combo.count() == 12


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_pages_are_built_on_first_show_and_remembered(main_window, ui_settings):
    keys = [entry.key for entry in PAGES]
    for key in keys:
        main_window.show_page(key)
        assert main_window.stack.currentWidget() is main_window.pages[key]
    assert ui_settings.value("window/last_page") == keys[-1]


def test_language_switch_relabels_menus_and_sidebar(main_window):
    assert main_window.file_menu.title() == "&File"
    main_window.switch_language("zh_CN")
    assert main_window.file_menu.title() != "&File"
    assert main_window.sidebar.item(0).text() != PAGES[0].title
    main_window.switch_language("en")
    assert main_window.file_menu.title() == "&File"
    assert main_window.sidebar.item(0).text() == PAGES[0].title
