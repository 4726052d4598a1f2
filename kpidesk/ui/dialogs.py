"""Every modal question the app asks goes through one helper, so tests can answer it.

Pages call ``self.ctx.dialogs.confirm(self, title, text, action=...)`` and friends instead of QMessageBox or
QFileDialog directly. ``ScriptedDialogs`` (used by the GUI tests) returns queued answers and records
what was asked, instead of blocking in ``exec()``.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

from kpidesk.errors import KpiDeskError
from kpidesk.i18n import _

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    """What the user reads for an error: our own messages as they are, anything else in one line."""
    if isinstance(error, KpiDeskError):
        return str(error)
    from kpidesk.logging_setup import log_file

    return _("Something went wrong: {error} (details in {log})").format(error=error, log=log_file())


class Dialogs:
    """The real dialogs (Qt's message boxes, input and file dialogs), imported when first used."""

    def confirm(self, parent: QWidget | None, title: str, text: str, *, action: str, cancel: str | None = None,
                destructive: bool = False) -> bool:
        """Ask before doing something; the buttons name what they do (``action``, say "Discard changes",
        and ``cancel``, "Cancel" unless given), since Yes/No made people reread the question."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.NoButton, parent)
        accept = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        reject = box.addButton(cancel or _("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reject if destructive else accept)
        box.setEscapeButton(reject)
        box.exec()
        return box.clickedButton() is accept

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, title, text)

    def error(self, parent: QWidget | None, error: BaseException | str, title: str | None = None) -> None:
        from PySide6.QtWidgets import QMessageBox

        text = error if isinstance(error, str) else error_text(error)
        QMessageBox.critical(parent, title or _("KPI Desk"), text)

    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "",
                 *, required: bool = False, action: str | None = None) -> str | None:
        """A line of text (a reason, a name); None when cancelled or, if required, left empty. ``action``
        names the accepting button ("Reopen") when the text is the last step before something happens."""
        from PySide6.QtWidgets import QInputDialog

        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(default)
        if action:
            dialog.setOkButtonText(action)
            dialog.setCancelButtonText(_("Cancel"))
        if not dialog.exec():
            return None
        text = dialog.textValue().strip()
        return None if required and not text else text

    def ask_secret(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A passphrase or password, typed hidden; None when cancelled or left empty."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def credentials(self, parent: QWidget | None, title: str, text: str, username: str = "") -> tuple[str, str] | None:
        """A user name and a password (typed hidden); None when cancelled."""
        from kpidesk.ui.login import CredentialsDialog

        dialog = CredentialsDialog(parent, title, text, username)
        return dialog.values() if dialog.exec() else None

    def choose(self, parent: QWidget | None, title: str, label: str, options: list[str], current: int = 0) -> int | None:
        """The index of the option picked, or None."""
        from PySide6.QtWidgets import QInputDialog

        item, ok = QInputDialog.getItem(parent, title, label, options, current, False)
        return options.index(item) if ok and item in options else None

    def open_file(self, parent: QWidget | None, caption: str, filters: str = "", folder: str = "") -> str | None:
        from kpidesk.ui.file_dialogs import file_dialog

        dialog = file_dialog(parent, caption, folder, filters, save=False)
        return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else None

    def save_file(self, parent: QWidget | None, caption: str, filters: str = "", suggested: str = "") -> str | None:
        from kpidesk.ui.file_dialogs import file_dialog

        dialog = file_dialog(parent, caption, suggested, filters, save=True)
        return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else None

    def choose_folder(self, parent: QWidget | None, caption: str, folder: str = "") -> str | None:
        from kpidesk.ui.file_dialogs import folder_dialog

        dialog = folder_dialog(parent, caption, folder)
        return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else None

    def open_folder(self, parent: QWidget | None, folder: Path | str) -> None:
        """Show ``folder`` in the system's file manager."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def open_document(self, parent: QWidget | None, path: Path | str) -> None:
        """Open ``path`` in the program the system uses for its kind (a PDF reader for a PDF)."""
        self.open_folder(parent, path)

    def print_setup(self, parent: QWidget | None, printer: QPrinter, *, pages: int = 0, current_page: bool = False) -> bool:
        """The system print dialog on ``printer`` (printer, pages, copies); False when cancelled.
        ``pages`` bounds the page range; ``current_page`` offers "current page" (the one previewed)."""
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

        dialog = QPrintDialog(printer, parent)
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOption(option.PrintPageRange, pages > 1)
        dialog.setOption(option.PrintCurrentPage, current_page)
        dialog.setOption(option.PrintCollateCopies, True)
        dialog.setOption(option.PrintSelection, False)
        if pages > 0:
            dialog.setMinMax(1, pages)
        return dialog.exec() == QPrintDialog.DialogCode.Accepted


@dataclass
class Asked:
    kind: str
    title: str
    text: str
    action: str = ""  # a confirmation's accepting button
    offered: str = ""  # the file name or folder a file dialog starts with


@dataclass
class ScriptedDialogs(Dialogs):
    """Answers from queues; with nothing queued, confirmations say yes and other questions cancel.

    ``asked`` lists every question and message in order, so a test can assert what the user saw.
    """

    answers: deque = field(default_factory=deque)
    asked: list[Asked] = field(default_factory=list)

    def queue(self, *answers: Any) -> ScriptedDialogs:
        self.answers.extend(answers)
        return self

    def _next(self, default: Any) -> Any:
        return self.answers.popleft() if self.answers else default

    def messages(self, kind: str | None = None) -> list[str]:
        return [a.text for a in self.asked if kind is None or a.kind == kind]

    def confirm(self, parent, title, text, *, action, cancel=None, destructive=False) -> bool:
        self.asked.append(Asked("confirm", title, text, action))
        return bool(self._next(True))

    def info(self, parent, title, text) -> None:
        self.asked.append(Asked("info", title, text))

    def warning(self, parent, title, text) -> None:
        self.asked.append(Asked("warning", title, text))

    def error(self, parent, error, title=None) -> None:
        text = error if isinstance(error, str) else error_text(error)
        self.asked.append(Asked("error", title or "", text))

    def ask_text(self, parent, title, label, default="", *, required=False, action=None):
        self.asked.append(Asked("text", title, label, action or ""))
        return self._next(None)

    def choose(self, parent, title, label, options, current=0):
        self.asked.append(Asked("choose", title, label))
        return self._next(None)

    def ask_secret(self, parent, title, label):
        self.asked.append(Asked("secret", title, label))
        return self._next(None)

    def credentials(self, parent, title, text, username=""):
        self.asked.append(Asked("credentials", title, text))
        return self._next(None)

    def open_file(self, parent, caption, filters="", folder=""):
        self.asked.append(Asked("open_file", caption, filters))
        return self._next(None)

    def save_file(self, parent, caption, filters="", suggested=""):
        self.asked.append(Asked("save_file", caption, filters, offered=suggested))
        return self._next(None)

    def choose_folder(self, parent, caption, folder=""):
        self.asked.append(Asked("choose_folder", caption, folder))
        return self._next(None)

    def open_folder(self, parent, folder) -> None:
        self.asked.append(Asked("open_folder", "", str(folder)))

    def open_document(self, parent, path) -> None:
        self.asked.append(Asked("open_document", "", str(path)))

    def print_setup(self, parent, printer, *, pages=0, current_page=False) -> bool:
        """Answers True or False, or a callable that sets the printer up as a user would and returns one."""
        self.asked.append(Asked("print_setup", printer.docName(), str(pages)))
        answer = self._next(False)
        return bool(answer(printer)) if callable(answer) else bool(answer)
