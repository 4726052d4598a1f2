"""The window knows when the person last typed, clicked or scrolled, so work that only prepares a later click
waits for a pause (and for the work they started) instead of competing with them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kpidesk.ui.user_input import UserInput


@pytest.fixture
def watched(qtbot):
    """A shown window with a text box, its input watched: (window, box, watch, times ``came`` was emitted)."""
    window = QWidget()
    box = QLineEdit(window)
    QVBoxLayout(window).addWidget(box)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    watch = UserInput(window)
    watch.watch(window.windowHandle())
    came: list[None] = []
    watch.came.connect(lambda: came.append(None))
    return window, box, watch, came


def test_typing_clicking_and_scrolling_in_the_window_count_as_input(watched, qtbot):
    window, box, watch, came = watched
    assert watch.paused_ms() == float("inf")  # nothing yet
    box.setFocus()
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_A)
    assert box.text() == "a"  # the key still reaches the widget
    assert len(came) == 1 and watch.paused_ms() < 1000
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(5, 5))
    assert len(came) == 2


def test_repaints_and_resizes_are_not_input(watched, qtbot):
    window, _box, watch, came = watched
    window.resize(window.width() + 40, window.height() + 20)
    window.repaint()
    qtbot.wait(20)
    assert came == [] and watch.paused_ms() == float("inf")


def test_work_waiting_for_a_pause_runs_at_once_without_input_and_after_the_pause_with_it(watched, qtbot):
    window, _box, watch, _came = watched
    ran: list[str] = []
    watch.when_paused(300, lambda: ran.append("first"), window)
    assert ran == ["first"]  # no input for 300 ms: at once
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Shift)
    watch.when_paused(300, lambda: ran.append("second"), window)
    assert ran == ["first"]
    qtbot.wait(150)
    assert ran == ["first"]
    qtbot.waitUntil(lambda: ran == ["first", "second"], timeout=2000)
    assert watch.paused_ms() >= 300


def test_work_waiting_for_a_pause_also_waits_for_the_work_under_way(watched, qtbot):
    window, _box, watch, _came = watched
    busy = [True]
    ran: list[str] = []
    watch.when_paused(50, lambda: ran.append("ran"), window, busy=lambda: busy[0])
    qtbot.wait(200)
    assert ran == []  # paused, but something runs
    busy[0] = False
    qtbot.waitUntil(lambda: ran == ["ran"], timeout=2000)


def test_nothing_runs_for_a_receiver_that_is_gone(watched, qtbot):
    window, _box, watch, _came = watched
    receiver = QWidget()
    ran: list[str] = []
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Shift)
    watch.when_paused(100, lambda: ran.append("ran"), receiver)
    receiver.deleteLater()
    qtbot.wait(300)
    assert ran == []


def test_work_that_ended_starts_the_pause_again(watched, qtbot):
    window, _box, watch, came = watched
    watch.note_activity()  # the window's work ended: the person looks at its result
    assert came == [] and watch.paused_ms() < 1000
    ran: list[str] = []
    watch.when_paused(200, lambda: ran.append("ran"), window)
    assert ran == []
    qtbot.waitUntil(lambda: ran == ["ran"], timeout=2000)
