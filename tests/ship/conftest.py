"""The real main window as a new profile starts it: the test's own settings file, synchronous tasks and
scripted dialogs (HOME and the XDG folders are already empty, see tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def dialogs():
    from kpidesk.ui.dialogs import ScriptedDialogs

    return ScriptedDialogs()


@pytest.fixture
def new_window(qtbot, tmp_path, dialogs):
    from PySide6.QtCore import QSettings

    from kpidesk.ui.app import build_window
    from kpidesk.ui.tasks import TaskRunner

    runner = TaskRunner.synchronous()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = build_window(settings, tasks=runner, dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    yield window
    window.ctx.close()
    runner.shutdown()


@pytest.fixture
def open_window(new_window, qtbot, tmp_path):
    """The new window after the welcome's starter choice: a database with the starter library is open."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(new_window.welcome.starter_button, Qt.MouseButton.LeftButton)
    assert new_window.ctx.db is not None
    return new_window
