"""A spreadsheet dropped anywhere on the main window opens the import wizard with that file chosen.

Widgets that take drops themselves (text fields) keep them; everywhere else Qt hands the drop up to the
main window, where this event filter catches it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject

#: The files the import wizard reads.
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"})


def dropped_spreadsheet(mime: QMimeData | None) -> str | None:
    """The path of the one local spreadsheet being dragged, or None."""
    if mime is None or not mime.hasUrls():
        return None
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if len(files) != 1 or Path(files[0]).suffix.lower() not in SPREADSHEET_SUFFIXES:
        return None
    return files[0] if Path(files[0]).is_file() else None


class ImportFileDrops(QObject):
    """Installed on the main window: accepts a dragged spreadsheet and opens the import wizard with it."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            path = dropped_spreadsheet(event.mimeData()) if self.window.ctx.db is not None else None
            if path is None:
                return False
            event.acceptProposedAction()
            if kind == QEvent.Type.Drop:
                self.open_with(path)
            return True
        return False

    def open_with(self, path: str):
        """Show the data-entry page and open its import wizard on ``path``; returns the wizard."""
        self.window.show_page("data_entry")
        page = self.window.page("data_entry")
        if page is None:
            return None
        wizard = page.open_import_wizard()
        wizard.file_page.path_edit.setText(path)
        return wizard
