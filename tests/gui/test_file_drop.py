"""Dropping a spreadsheet anywhere on the main window opens the import wizard with the file chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


@pytest.fixture
def window(main_window):
    yield main_window
    try:
        main_window.ctx.language_changed.disconnect()
    except (RuntimeError, TypeError):
        pass


def drag(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def test_dropping_an_export_opens_the_import_wizard_with_it(window, qtbot):
    mime = drag(REAL / "agent_report_2025-11.xlsx")
    point = QPoint(window.width() // 2, window.height() // 2)
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    page = window.page("data_entry")
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    assert page.wizard.file_page.path_edit.text() == str(REAL / "agent_report_2025-11.xlsx")
    assert page.wizard.file_page.isComplete()
    page.wizard.reject()


def test_other_files_are_not_taken(window, tmp_path):
    other = tmp_path / "photo.png"
    other.write_bytes(b"\x89PNG")
    mime = drag(other)  # the event does not own its mime data: keep it alive
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()
