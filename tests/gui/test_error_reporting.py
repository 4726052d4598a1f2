"""An exception nothing catches, raised inside a Qt slot, reaches the log with its traceback and the user
through the error dialog naming the log file; Qt's own messages reach the log as well."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import Qt, qCritical, qWarning
from PySide6.QtWidgets import QPushButton

from kpidesk.logging_setup import log_file
from kpidesk.ui.app import install_error_reporting


@pytest.fixture
def reporting(main_window):
    restore = install_error_reporting(main_window)
    yield main_window
    restore()


def _log_text() -> str:
    for handler in logging.getLogger("kpidesk").handlers:
        handler.flush()
    return log_file().read_text(encoding="utf-8")


def _explode_on_click() -> None:
    raise ZeroDivisionError("the slot failed on purpose")


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown_with_the_log_path(reporting, dialogs, qtbot):
    button = QPushButton("Explode", reporting)
    button.clicked.connect(_explode_on_click)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    errors = dialogs.messages("error")
    assert len(errors) == 1
    assert "the slot failed on purpose" in errors[0] and str(log_file()) in errors[0]
    text = _log_text()
    assert "Uncaught exception" in text and "Traceback (most recent call last)" in text
    assert "_explode_on_click" in text and "ZeroDivisionError: the slot failed on purpose" in text


@pytest.mark.qt_no_exception_capture
def test_a_dialog_that_fails_is_logged_and_not_retried(reporting, dialogs, qtbot):
    attempts = []

    def failing_dialog(*args, **kwargs):
        attempts.append(args)
        raise RuntimeError("the dialog failed too")

    dialogs.error = failing_dialog
    button = QPushButton("Explode", reporting)
    button.clicked.connect(_explode_on_click)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(attempts) == 1
    text = _log_text()
    assert "ZeroDivisionError: the slot failed on purpose" in text
    assert "The error could not be shown" in text and "RuntimeError: the dialog failed too" in text


def test_an_exception_in_a_worker_thread_is_logged(reporting, dialogs):
    worker = threading.Thread(target=_explode_on_click, name="report-worker")
    worker.start()
    worker.join()
    text = _log_text()
    assert "Uncaught exception in thread report-worker" in text and "ZeroDivisionError" in text
    assert dialogs.messages("error") == []


def test_an_exception_reported_off_the_main_thread_is_logged_without_a_dialog(reporting, dialogs):
    def report_from_worker() -> None:
        try:
            raise ValueError("raised off the main thread")
        except ValueError:
            sys.excepthook(*sys.exc_info())

    worker = threading.Thread(target=report_from_worker)
    worker.start()
    worker.join()
    assert "ValueError: raised off the main thread" in _log_text()
    assert dialogs.messages("error") == []


def test_qt_warnings_are_logged_and_critical_messages_also_shown(reporting, dialogs):
    qWarning("a Qt warning for the log")
    assert dialogs.messages("error") == []
    qCritical("a critical Qt message")
    text = _log_text()
    assert "WARNING kpidesk.qt: a Qt warning for the log" in text
    assert "ERROR kpidesk.qt: a critical Qt message" in text and "Python stack when Qt reported it" in text
    assert "a critical Qt message" in dialogs.messages("error")[0]


def test_restoring_puts_the_previous_hooks_back(main_window):
    before = sys.excepthook, threading.excepthook
    restore = install_error_reporting(main_window)
    assert sys.excepthook is not before[0]
    restore()
    assert (sys.excepthook, threading.excepthook) == before
