"""Qt's own file dialog shows modified dates in the program's language, not the system's "C" format."""

from __future__ import annotations

import pytest


@pytest.fixture
def chinese_locale():
    from kpidesk.ui.qt_language import apply_qt_language

    apply_qt_language("zh_CN")
    yield
    apply_qt_language("en")


def test_dates_in_the_file_dialog_follow_the_program_locale(qtbot, tmp_path, chinese_locale):
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QFileDialog, QFileSystemModel

    from kpidesk.ui.file_dialogs import MODIFIED_COLUMN, file_dialog

    existing = tmp_path / "2025-11-sheets.pdf"
    existing.write_bytes(b"%PDF-")
    dialog = file_dialog(None, "Save PDF", str(tmp_path / "2025-12-sheets.pdf"), "PDF (*.pdf)", save=True)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selectedFiles() == [str(tmp_path / "2025-12-sheets.pdf")]  # starts in the folder, name filled in
    model = dialog.findChild(QFileSystemModel)
    qtbot.waitUntil(lambda: model.index(str(existing)).isValid() and model.lastModified(model.index(str(existing))).isValid())
    source = model.index(str(existing)).siblingAtColumn(MODIFIED_COLUMN)
    shown = dialog.proxyModel().mapFromSource(source).data()
    assert shown == QLocale().toString(model.lastModified(source), QLocale.FormatType.ShortFormat)
    assert shown.startswith(str(model.lastModified(source).date().year()) + "/"), shown  # 2026/12/6 …, not "6 12 2026"
    dialog.reject()


def test_the_folder_dialog_uses_the_same_dates(qtbot, tmp_path):
    from kpidesk.ui.file_dialogs import LocalDates, folder_dialog

    dialog = folder_dialog(None, "Backups", str(tmp_path))
    qtbot.addWidget(dialog)
    assert isinstance(dialog.proxyModel(), LocalDates)
    assert dialog.directory().absolutePath() == str(tmp_path)
