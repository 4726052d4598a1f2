"""GUI fixtures: settings in tmp_path, tasks run synchronously, dialogs answered by the test."""

from __future__ import annotations

import pytest


@pytest.fixture
def ui_settings(tmp_path):
    """A QSettings file of the test's own (never the user's real preferences)."""
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "kpidesk-ui.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


@pytest.fixture
def app_fonts(qapp):
    """The application font as the app sets it up (bundled CJK font behind the Latin UI font), so Chinese
    texts are measured with real glyphs; restored after the test."""
    from PySide6.QtGui import QFont

    from kpidesk.ui.app import register_cjk_font

    before = QFont(qapp.font())
    assert register_cjk_font(qapp) is not None
    yield qapp
    qapp.setFont(before)


@pytest.fixture
def dialogs():
    from kpidesk.ui.dialogs import ScriptedDialogs

    return ScriptedDialogs()


@pytest.fixture
def sync_tasks():
    from kpidesk.ui.tasks import TaskRunner

    runner = TaskRunner.synchronous()
    yield runner
    runner.shutdown()


@pytest.fixture
def make_window(qtbot, ui_settings, dialogs, sync_tasks):
    """Build a main window (not yet started, unless opened on a database) with test settings, synchronous tasks
    and scripted dialogs."""
    from kpidesk.ui.app import build_window

    windows = []

    def factory(opened_on=None):
        """With ``opened_on`` (a database path) the window is shown and that database opened in it."""
        window = build_window(ui_settings, tasks=sync_tasks, dialogs=dialogs)
        qtbot.addWidget(window)
        windows.append(window)
        if opened_on is not None:
            window.show()
            qtbot.waitExposed(window)
            window.open_path(opened_on)
        return window

    yield factory
    for window in windows:
        window.ctx.close()


@pytest.fixture
def painted_window(make_window, qtbot):
    """A main window shown, painted and past what waits for its first paint; no database open."""
    window = make_window()
    painted = []
    window.first_painted.connect(lambda: painted.append(True))
    window.show()
    qtbot.waitUntil(lambda: bool(painted))
    return window


def _adopt_database(window, path):
    window.open_path(path)
    assert window.ctx.db is not None, "the database did not open"
    return window


@pytest.fixture
def main_window(make_window, demo_db, qtbot):
    """The main window, shown, on a copy of the demo database."""
    path = demo_db.path
    demo_db.dispose()
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    _adopt_database(window, path)
    return window


@pytest.fixture
def starter_window(make_window, starter_db, qtbot):
    """The main window on a database holding only the starter library."""
    path = starter_db.path
    starter_db.dispose()
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    return _adopt_database(window, path)
