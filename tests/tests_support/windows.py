"""The main window on a database file, its workers given by the test (to hold work pending)."""

from __future__ import annotations


def window_on_file(qtbot, ui_settings, dialogs, path, *, database_work=None, rendering=None):
    """Shown and opened on ``path``; each pool not given runs its work at once, inside ``start()``."""
    from kpidesk.ui.app import build_window
    from kpidesk.ui.tasks import SynchronousPool, TaskRunner

    tasks = TaskRunner(database_work or SynchronousPool(), rendering or SynchronousPool())
    window = build_window(ui_settings, tasks=tasks, dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    return window


def window_on_demo(qtbot, ui_settings, dialogs, demo_db, *, database_work=None, rendering=None):
    """:func:`window_on_file` on the demo database's file (its own connections closed first)."""
    path = demo_db.path
    demo_db.dispose()
    return window_on_file(qtbot, ui_settings, dialogs, path, database_work=database_work, rendering=rendering)
