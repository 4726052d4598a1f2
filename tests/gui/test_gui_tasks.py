"""Background tasks: results come back on the UI thread, progress shows late, Cancel reaches the work."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from kpidesk.errors import Cancelled, ValidationError
from kpidesk.services.actor import Actor
from kpidesk.services.progress import Progress
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import ScriptedDialogs
from kpidesk.ui.tasks import Task, TaskRunner


@pytest.fixture
def threaded_ctx(ui_settings):
    runner = TaskRunner()
    runner.progress_delay_ms = 50
    ctx = AppContext(actor=Actor("tester"), tasks=runner, dialogs=ScriptedDialogs(), settings=ui_settings)
    yield ctx
    ctx.close()


def test_result_arrives_on_the_ui_thread_and_pages_hear_of_the_write(threaded_ctx, qtbot):
    owner = QWidget()
    owner.ctx = threaded_ctx
    qtbot.addWidget(owner)
    seen = {}
    heard = []
    threaded_ctx.changed.connect(heard.append)

    def work(a, b):
        seen["worker"] = threading.current_thread()
        return a + b

    task = Task(owner, work, 2, 3).writes(Changes.STAFF).success(lambda r: seen.setdefault("result", r))
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    assert seen["result"] == 5
    assert seen["worker"] is not threading.main_thread()
    assert heard == [Changes.STAFF]


def test_progress_dialog_appears_late_and_cancel_stops_the_work(threaded_ctx, qtbot):
    owner = _shown_owner(threaded_ctx, qtbot)
    failures = []
    slow = _slow_work(200)

    task = Task(owner, slow).with_progress("Slow work").failure(failures.append)
    task.start()
    qtbot.waitUntil(lambda: task._dialog is not None, timeout=3000)
    dialog = owner.findChild(QProgressDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=3000)
    cancel_button = dialog.findChild(QPushButton)
    with qtbot.waitSignal(task.done, timeout=5000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    assert isinstance(failures[0], Cancelled)
    assert task.result is None and task._dialog is None


def test_generator_work_reports_progress(threaded_ctx, qtbot):
    owner = QWidget()
    owner.ctx = threaded_ctx
    qtbot.addWidget(owner)
    steps = []

    def stepwise():
        for i in range(3):
            yield Progress(i + 1, 3)
        return "ok"

    task = Task(owner, stepwise)
    task.progressed.connect(steps.append)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    assert task.result == "ok" and [p.done for p in steps] == [1, 2, 3]


def test_an_error_without_handler_is_shown_to_the_user(threaded_ctx, qtbot):
    owner = QWidget()
    owner.ctx = threaded_ctx
    qtbot.addWidget(owner)

    def refuse():
        raise ValidationError("weights sum to 95%")

    task = Task(owner, refuse)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    assert threaded_ctx.dialogs.messages("error") == ["weights sum to 95%"]


def _slow_work(steps: int):
    """Work of ``steps`` 10 ms steps that reports each and stops when cancelled."""
    def slow(progress=None, cancel=None):
        for step in range(steps):
            cancel.raise_if_cancelled()
            progress(Progress(step, steps, "working"))
            time.sleep(0.01)
        return "finished"

    return slow


def _shown_owner(threaded_ctx, qtbot) -> QWidget:
    owner = QWidget()
    owner.ctx = threaded_ctx
    qtbot.addWidget(owner)
    owner.resize(200, 100)
    owner.show()
    qtbot.waitExposed(owner)
    return owner


def test_work_held_for_a_paint_starts_after_the_widget_painted(threaded_ctx, qtbot):
    from tests_support.paints import PaintSpy

    owner = _shown_owner(threaded_ctx, qtbot)
    spy = PaintSpy(owner)
    seen_paint_before_work: list[bool] = []
    task = Task(owner, lambda: seen_paint_before_work.append(spy.painted > 0)).after_paint(owner)
    owner.update()
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
        assert threaded_ctx.tasks.busy  # counted as running while held back
        assert threaded_ctx.tasks.write_pool.activeThreadCount() == 0  # not handed to the pool yet
    assert task.ok and seen_paint_before_work == [True]


def test_work_held_for_a_hidden_widget_starts_at_once(threaded_ctx, qtbot):
    owner = _shown_owner(threaded_ctx, qtbot)
    hidden = QWidget(owner)
    hidden.hide()
    go = threading.Event()
    task = Task(owner, go.wait, 5).after_paint(hidden)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
        assert threaded_ctx.tasks.write_pool.activeThreadCount() == 1
        go.set()
    assert task.ok


def test_work_cancelled_while_held_for_a_paint_never_runs(threaded_ctx, qtbot):
    owner = _shown_owner(threaded_ctx, qtbot)
    ran: list[bool] = []
    failures: list[BaseException] = []
    task = Task(owner, lambda: ran.append(True)).after_paint(owner).failure(failures.append)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
        task.cancel()
    assert ran == [] and isinstance(task.error, Cancelled) and failures == [task.error]
    assert not threaded_ctx.tasks.busy


def test_progress_in_the_window_is_a_panel_over_the_owner_and_esc_cancels(threaded_ctx, qtbot):
    owner = _shown_owner(threaded_ctx, qtbot)
    owner.activateWindow()
    qtbot.waitActive(owner)
    failures = []
    slow = _slow_work(300)

    task = Task(owner, slow).with_progress("Slow work", in_window=True).failure(failures.append)
    task.start()
    qtbot.waitUntil(lambda: task._dialog is not None, timeout=3000)
    panel = owner.findChild(QProgressDialog)
    assert panel is not None and panel.isVisible() and not panel.isWindow()  # no window of its own
    assert owner.rect().contains(panel.geometry())
    qtbot.waitUntil(lambda: panel.value() > 0, timeout=3000)
    assert panel.findChild(QPushButton) is not None  # Cancel is there to click as well
    assert QApplication.activeWindow() is owner  # the window kept the activation (its views did not repaint)
    with qtbot.waitSignal(task.done, timeout=5000):
        qtbot.keyClick(owner, Qt.Key.Key_Escape)
    assert isinstance(failures[0], Cancelled)
    assert task._dialog is None
