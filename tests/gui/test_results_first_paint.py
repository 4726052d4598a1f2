"""Opening the Results page on a large kept result: the page paints empty first and fills in a later turn, so
building the page, filling the table and painting it never happen in one long turn of the event loop; a
small one is shown in the turn that shows the page (never blank).

The window runs its tasks in real threads here (a test's synchronous pool shows the kept result at once).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject

from kpidesk.ui.pages.results.data import load_results


class PaintRows(QObject):
    """Records how many rows the table model held at each paint of the table's viewport."""

    def __init__(self, model, parent: QObject) -> None:
        super().__init__(parent)
        self.model = model
        self.rows: list[int] = []

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rows.append(self.model.rowCount())
        return False


@pytest.fixture
def threaded_window(qtbot, ui_settings, dialogs, demo_db):
    from kpidesk.ui.app import build_window
    from kpidesk.ui.tasks import TaskRunner

    path = demo_db.path
    demo_db.dispose()
    window = build_window(ui_settings, tasks=TaskRunner(), dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)  # in a worker here
    qtbot.waitUntil(lambda: window.ctx.db is not None, timeout=20000)
    qtbot.waitUntil(lambda: window.ctx.period_code is not None and not window.ctx.tasks.busy, timeout=20000)
    yield window
    window.ctx.tasks.shutdown()
    window.ctx.close()


@pytest.fixture
def large_from(monkeypatch):
    """Every result counts as large (the demo office is small)."""
    monkeypatch.setattr("kpidesk.ui.pages.results.page.FILL_AFTER_PAINT_ROWS", 1)



def _kept_current_period(ctx):
    """The current period's results, computed now and kept as the window keeps them."""
    kept = load_results(ctx.db, ctx.actor, ctx.period_code)
    ctx.kept_results.put(ctx.db, ctx.actor, ctx.period_code, kept, ctx.language)
    return kept

def test_a_small_kept_result_is_in_the_table_when_the_page_shows(threaded_window, qtbot):
    ctx = threaded_window.ctx
    kept = _kept_current_period(ctx)
    page = threaded_window.show_page("results")
    assert page.data is kept and page.model.rowCount() == len(kept.scores.frame) and page.refreshing
    qtbot.waitUntil(lambda: not page.refreshing and not ctx.tasks.busy, timeout=20000)


def test_a_kept_result_fills_the_table_after_its_first_paint_then_is_refreshed(threaded_window, qtbot, large_from):
    ctx = threaded_window.ctx
    kept = _kept_current_period(ctx)
    page = threaded_window.page("results")
    spy = PaintRows(page.model, page)
    page.table.viewport().installEventFilter(spy)
    shown = []
    page.model.modelReset.connect(lambda: shown.append(page.model.data_))

    threaded_window.show_page("results")
    assert page.data is None and page.model.rowCount() == 0  # nothing filled in the turn that shows the page
    qtbot.waitUntil(lambda: page.data is kept, timeout=5000)
    assert spy.rows and spy.rows[0] == 0  # the empty table was painted before the fill
    assert page.refreshing and page.model.rowCount() == len(kept.scores.frame)
    qtbot.waitUntil(lambda: page.data is not kept and not page.refreshing and not ctx.tasks.busy, timeout=20000)
    assert page.data.same_table(kept) and shown[0] is kept


def test_a_kept_result_waiting_for_a_paint_is_dropped_when_a_newer_load_came(threaded_window, qtbot, large_from):
    ctx = threaded_window.ctx
    kept = _kept_current_period(ctx)
    page = threaded_window.page("results")
    shown = []
    page.model.modelReset.connect(lambda: shown.append(page.model.data_))

    threaded_window.show_page("results")
    ctx.kept_results.clear()
    page.load()  # a change came before the first paint: the kept result is no longer the newest load's
    qtbot.waitUntil(lambda: page.data is not None and not ctx.tasks.busy, timeout=20000)
    qtbot.wait(200)  # longer than a paint is ever waited for
    assert all(data is not kept for data in shown) and page.data is not kept
