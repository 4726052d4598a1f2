"""Logging in when the database has access control turned on."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kpidesk.i18n import _


class CredentialsDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, text: str, username: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.user = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(_("User name:"), self.user)
        form.addRow(_("Password:"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(text))
        layout.addLayout(form)
        layout.addWidget(buttons)
        (self.password if username else self.user).setFocus()

    def values(self) -> tuple[str, str]:
        return self.user.text().strip(), self.password.text()


def log_in_if_required(parent: QWidget | None, dialogs, db, current_actor, needs_login: bool):
    """The actor to work as: unchanged in single-user mode; with access control on (``needs_login``, read
    when the database was opened), whoever logs in.

    Returns None when the user gives up (the database must then not be used)."""
    from kpidesk.errors import KpiDeskError
    from kpidesk.services.safety import auth

    if not needs_login:
        return current_actor
    username, note = "", _("This database requires a login.")
    while True:
        answer = dialogs.credentials(parent, _("Log in to KPI Desk"), note, username)
        if answer is None:
            return None
        username, password = answer
        try:
            return auth.log_in(db, username, password)
        except KpiDeskError as exc:  # wrong password, locked for a while, unknown user
            note = str(exc)
