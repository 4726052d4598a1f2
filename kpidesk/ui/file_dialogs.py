"""File dialogs whose dates read in the program's language.

Qt's own (non-native) file dialog, used where the system offers none, formats the modified dates with
the system locale; on a computer without one (the "C" locale) that gave "6 12 2026". A proxy over its
model formats them with the program's locale instead. Native dialogs ignore the proxy and show the
system's own format.
"""

from __future__ import annotations

from PySide6.QtCore import QIdentityProxyModel, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QWidget

#: QFileSystemModel's columns: name, size, type, date modified
MODIFIED_COLUMN = 3


class LocalDates(QIdentityProxyModel):
    """Shows the "date modified" column in the program's locale (QLocale's default)."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        source = self.sourceModel()
        if role == Qt.ItemDataRole.DisplayRole and index.column() == MODIFIED_COLUMN and \
                isinstance(source, QFileSystemModel):
            modified = source.lastModified(self.mapToSource(index))
            return QLocale().toString(modified, QLocale.FormatType.ShortFormat)
        return super().data(index, role)


def file_dialog(parent: QWidget | None, caption: str, start: str, filters: str, *, save: bool) -> QFileDialog:
    """An open or save dialog starting at ``start`` (a folder, or a suggested file path)."""
    dialog = QFileDialog(parent, caption, start, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    dialog.setProxyModel(LocalDates(dialog))
    return dialog


def folder_dialog(parent: QWidget | None, caption: str, folder: str) -> QFileDialog:
    """A dialog choosing an existing folder, starting at ``folder``."""
    dialog = QFileDialog(parent, caption, folder)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.setProxyModel(LocalDates(dialog))
    return dialog
