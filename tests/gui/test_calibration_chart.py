"""The calibration tab, opened before the chart modules were loaded ahead, has a worker load them and draws
its chart afterwards: loading matplotlib on the UI thread froze the window for most of a second."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from PySide6.QtCore import Qt
from tests_support.pools import HeldPool
from tests_support.windows import window_on_demo

from kpidesk.i18n import _


def _results(window):
    page = window.show_page("results")
    assert page is not None and page.data is not None
    return page


def _control_chart_modules(monkeypatch, page, load=None) -> SimpleNamespace:
    """Whether the chart modules count as loaded, as the page's own loading says and nothing else (a worker
    of an earlier test still loading them must not count here). Patched in the modules the page and its
    calibration view were built from, before the calibration tab is first shown."""
    calibration_module = sys.modules[type(page.calibration).__module__]
    page_module = sys.modules[type(page).__module__]
    state = SimpleNamespace(loaded=False, loads=0)

    def load_for_real() -> None:
        calibration_module.results_data.warm_up_charts()
        state.loads += 1
        state.loaded = True

    monkeypatch.setattr(calibration_module.results_data, "charts_loaded", lambda: state.loaded)
    monkeypatch.setattr(page_module, "warm_up_charts", load or load_for_real)
    return state


def _open_calibration(page, qtbot):
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(page.tabs.indexOf(page.calibration)).center())
    assert page.tabs.currentWidget() is page.calibration
    return page.calibration


def test_loading_the_chart_modules_marks_them_loaded(monkeypatch):
    from kpidesk.ui.pages.results import data as results_data

    monkeypatch.setattr(results_data, "_charts_loaded", False)
    assert not results_data.charts_loaded()
    results_data.warm_up_charts()
    assert results_data.charts_loaded()


def test_the_chart_waits_for_a_worker_to_load_the_chart_modules(qtbot, ui_settings, dialogs, demo_db, monkeypatch):
    rendering = HeldPool()
    window = window_on_demo(qtbot, ui_settings, dialogs, demo_db, rendering=rendering)
    page = _results(window)
    chart_modules = _control_chart_modules(monkeypatch, page)
    rendering.held = True
    view = _open_calibration(page, qtbot)
    assert view.chart is None and view.chart_waiting.isVisible()
    assert view.chart_waiting.text() == _("Drawing the chart…")
    assert view.raters_model.rowCount() > 0  # the tables do not wait for the chart
    assert rendering.waiting, "no worker was asked to load the chart modules"
    rendering.release()
    qtbot.waitUntil(lambda: view.chart is not None)
    assert chart_modules.loads >= 1
    assert not view.chart_waiting.isVisible()
    qtbot.waitUntil(view.chart.isVisible)  # a widget put into a shown layout shows at the next event turn
    assert view.chart.figure.axes, "the grade distribution was not drawn"


def test_once_loaded_the_chart_is_drawn_at_once(qtbot, ui_settings, dialogs, demo_db, monkeypatch):
    window = window_on_demo(qtbot, ui_settings, dialogs, demo_db, rendering=HeldPool())
    page = _results(window)
    _control_chart_modules(monkeypatch, page).loaded = True
    view = _open_calibration(page, qtbot)
    assert view.chart is not None and not view.chart_waiting.isVisible()
    assert view.chart.figure.axes


def test_a_chart_that_cannot_be_loaded_says_so_in_its_place(qtbot, ui_settings, dialogs, demo_db, monkeypatch):
    def broken() -> None:
        raise OSError("font file unreadable")

    window = window_on_demo(qtbot, ui_settings, dialogs, demo_db, rendering=HeldPool())
    page = _results(window)
    _control_chart_modules(monkeypatch, page, load=broken)
    view = _open_calibration(page, qtbot)
    assert view.chart is None
    assert view.chart_waiting.isVisible()
    assert "font file unreadable" in view.chart_waiting.text()
    assert dialogs.messages("error") == []  # said in place, not in a dialog over the tab
