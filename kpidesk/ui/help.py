"""The Help menu's windows: the user guide shipped with the program, the log folder and About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from kpidesk.i18n import _, current_language

if TYPE_CHECKING:
    from kpidesk.ui.context import AppContext


class GuideWindow(QDialog):
    """The bundled guide (Markdown, with its screenshots) in the user's language, read inside the app so
    it works offline and from an installed copy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(900, 700)
        self.show_language(current_language())

    def show_language(self, language: str) -> None:
        from kpidesk.resources import guide_file

        self.setWindowTitle(_("KPI Desk user guide"))
        try:
            self.guide = guide_file(language)
        except FileNotFoundError:
            self.guide = None
            self.browser.setPlainText(_("This copy of KPI Desk was installed without its user guide."))
            return
        # a Markdown source resolves the screenshots beside the guide (screenshots/…)
        self.browser.setSource(QUrl.fromLocalFile(str(self.guide)), QTextDocument.ResourceType.MarkdownResource)


def show_user_guide(parent: QWidget, current: GuideWindow | None) -> GuideWindow:
    """Show the guide window (one per main window), in the language in use now."""
    window = current or GuideWindow(parent)
    if current is not None:
        window.show_language(current_language())
    window.show()
    window.raise_()
    return window


def open_log_folder(parent: QWidget, ctx: AppContext) -> None:
    """Show the folder of the log file (created if it does not exist yet) in the file manager."""
    from kpidesk.errors import ValidationError
    from kpidesk.logging_setup import log_file
    from kpidesk.services.safety.startup import writable_folder

    try:
        folder = writable_folder(log_file().parent)
    except ValidationError as exc:  # the folder cannot be created or written
        ctx.dialogs.warning(parent, _("Open log folder"), str(exc))
        return
    ctx.dialogs.open_folder(parent, folder)


def about_text(ctx: AppContext) -> str:
    from kpidesk import __version__

    database = ctx.db.display_name if ctx.db is not None else _("No database is open.")
    return "\n\n".join([
        _("KPI Desk {version} — staff performance appraisal, offline.").format(version=__version__),
        _("Database: {path}").format(path=database),
        _("Licence: MIT, © KPI Desk developers. The bundled font WenQuanYi Micro Hei is under the "
          "Apache License 2.0."),
    ])
