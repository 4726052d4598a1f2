"""The shell: first start, opening the demo, pages, status bar, language, geometry."""

from __future__ import annotations

from kpidesk.services.actor import Actor
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
    assert window.ctx.actor == Actor.local_owner()  # logins are off: the person at the keyboard acts
    assert window.ctx.period_code == "2025-12"
    assert "demo-first.db" in window.database_status.text()
    assert "2025-12" in window.period_status.text()
    assert window.period_combo.count() == 12


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_pages_are_built_on_first_show_and_remembered(main_window, ui_settings):
    keys = ["staff", "templates", "settings"]
    assert set(keys) <= {entry.key for entry in PAGES}
    assert not set(keys) & set(main_window.pages)  # nothing is built before it is shown
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


def test_the_last_page_and_period_are_restored(make_window, demo_db, ui_settings, qtbot):
    path = demo_db.path
    demo_db.dispose()
    ui_settings.setValue("window/last_page", "templates")
    ui_settings.setValue("window/last_period", "2025-06")
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.sidebar.setFocus()  # focus alone must not overwrite the remembered page
    window.open_path(path)
    assert window.current_page_key() == "templates"
    assert window.stack.currentWidget() is window.pages["templates"]
    assert window.ctx.period_code == "2025-06" and window.period_combo.currentData() == "2025-06"
    assert str(path) in window.recent_files()


def test_no_heavy_library_is_loaded_before_the_first_paint():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from kpidesk.ui.app import build_window, make_application\n"
        "app = make_application([])\n"
        "window = build_window(QSettings(sys.argv[1], QSettings.Format.IniFormat))\n"
        "window.show(); app.processEvents()\n"
        "print(','.join(m for m in ('sqlalchemy', 'pandas', 'matplotlib', 'reportlab', 'numpy') if m in sys.modules))\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-c", code, f"{folder}/ui.ini"], capture_output=True, text=True,
                                timeout=120, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "", "HOME": folder})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""


def test_standard_shortcuts_are_installed_after_the_first_paint(painted_window):
    from PySide6.QtGui import QAction, QKeySequence

    window = painted_window
    assert window.new_action.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.page_actions[0].shortcut() == QKeySequence("Ctrl+1")
    # Ctrl+S saves inside the editors; the backup copy must not take it
    assert window.save_copy_action.shortcut() == QKeySequence("Ctrl+Shift+S")
    taken = [a.text() for a in window.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+S")]
    assert taken == []


def test_opening_another_database_loads_the_shown_page_once(main_window, tmp_path, monkeypatch):
    import shutil

    from kpidesk.ui.pages.overview.page import OverviewPage

    page = main_window.show_page("overview")
    assert page.overview is not None and page.is_current()
    copy = tmp_path / "another.db"
    shutil.copy(main_window.ctx.db.path, copy)
    loads = []
    original = OverviewPage.refresh
    monkeypatch.setattr(OverviewPage, "refresh", lambda self: (loads.append(self.ctx.db.path), original(self)))

    main_window.open_path(copy)  # a new database and its period: two signals, one load

    assert loads == [copy]
    assert page.is_current() and page.overview.period == main_window.ctx.period_code


def test_the_first_pages_modules_load_while_the_database_opens(make_window, demo_db, ui_settings, qtbot):
    path = demo_db.path
    demo_db.dispose()
    ui_settings.setValue("window/last_page", "overview")
    window = make_window()
    assert window._first_page_modules() == ("kpidesk.ui.pages.overview.page", "kpidesk.services.appraisal.overview")
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    assert window.current_page_key() == "overview" and window.pages["overview"].overview is not None


def test_first_start_offers_the_e_commerce_starter_library(make_window, qtbot, tmp_path, monkeypatch):
    from sqlalchemy import select

    from kpidesk.store import models as m
    from kpidesk.ui import opening

    monkeypatch.setattr(opening, "default_database_path", lambda: tmp_path / "shop.db")
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.start()
    welcome = window.welcome
    assert welcome is not None and welcome.starter_button.isVisible() and welcome.ecommerce_button.isVisible()
    qtbot.mouseClick(welcome.ecommerce_button, qtbot_left())
    qtbot.waitUntil(lambda: window.ctx.db is not None, timeout=20000)
    assert window.ctx.db.path == tmp_path / "shop.db"
    with window.ctx.db.session() as session:
        keys = set(session.execute(select(m.Template.key)).scalars())
    assert keys == {"ecommerce_csr"}
