"""The Settings box "Database": whether the file is encrypted, and converting it either way.

Converting rewrites the whole file, so it runs in the background with progress; the window then adopts
the reopened database, as after opening a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpidesk.i18n import _
from kpidesk.ui.context import AppContext
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.tasks import Task

if TYPE_CHECKING:
    from kpidesk.services.safety.encryption import ConversionResult


class DatabaseBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("databaseBox")
        self.state = QLabel()
        self.state.setObjectName("encryptionState")
        self.state.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("encryptionMessage")
        self.message.setWordWrap(True)
        self.encrypt_button = QPushButton()
        self.encrypt_button.setObjectName("encryptDatabase")
        self.encrypt_button.clicked.connect(self.encrypt)
        self.decrypt_button = QPushButton()
        self.decrypt_button.setObjectName("decryptDatabase")
        self.decrypt_button.clicked.connect(self.decrypt)
        buttons = QHBoxLayout()
        buttons.addWidget(self.encrypt_button)
        buttons.addWidget(self.decrypt_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.task: Task | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Database"))
        self.encrypt_button.setText(_("Encrypt this database…"))
        self.decrypt_button.setText(_("Decrypt…"))
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        is_file = db is not None and db.path is not None
        encrypted = bool(db is not None and db.encrypted)
        if not is_file:
            self.state.setText(_("Not a file database: use the server's own encryption."))
        elif encrypted:
            self.state.setText(_("This database file is encrypted. This computer keeps its key in the system "
                                 "keyring; elsewhere it opens with its passphrase."))
        else:
            self.state.setText(_("This database file is not encrypted: anyone who can read the file can read "
                                 "the appraisals and pay in it."))
        writable = is_file and not self.ctx.read_only
        self.encrypt_button.setEnabled(writable and not encrypted)
        self.decrypt_button.setEnabled(writable and encrypted)

    # -- converting ---------------------------------------------------------------------------------
    def encrypt(self) -> None:
        from kpidesk.services.safety.encryption import keyring_usable, logins_on

        db = self.ctx.db
        if db is None:
            return
        title = _("Encrypt this database")
        passphrase: str | None = None
        if logins_on(db):
            passphrase = self.ctx.dialogs.ask_secret(
                self, title, _("The key is made from your administrator password. Your password:"))
            if passphrase is None:
                return
        elif keyring_usable():
            if not self.ctx.dialogs.confirm(self, title, _(
                    "The file is rewritten encrypted, with a random key kept in this computer's keyring. On "
                    "another computer, or once that keyring is lost, neither the file nor its backups can be "
                    "opened; to open them elsewhere, turn on logins first: the administrator's password then "
                    "opens them. Encrypt now?"), action=_("Encrypt")):
                return
        else:
            passphrase = self.ctx.dialogs.ask_secret(
                self, title, _("This computer has no keyring: choose a passphrase. Without it the database "
                               "cannot be opened again."))
            if passphrase is None:
                return
            if self.ctx.dialogs.ask_secret(self, title, _("The same passphrase again:")) != passphrase:
                self._fail(_("The two passphrases differ; the database was not encrypted."))
                return
        self._convert(_("Encrypting the database…"), "encrypt_database", passphrase)

    def decrypt(self) -> None:
        if self.ctx.db is None:
            return
        if not self.ctx.dialogs.confirm(self, _("Decrypt"), _(
                "The file is rewritten without encryption: anyone who can read it can then read the appraisals "
                "and pay. Backups taken while it was encrypted stay encrypted. Decrypt now?"), action=_("Decrypt"),
                destructive=True):
            return
        self._convert(_("Decrypting the database…"), "decrypt_database", None)

    def _convert(self, label: str, action: str, passphrase: str | None) -> None:
        from kpidesk.services.safety import encryption

        db, actor = self.ctx.db, self.ctx.actor
        self.encrypt_button.setEnabled(False)
        self.decrypt_button.setEnabled(False)
        self.message.clear()

        def work(progress=None) -> ConversionResult:
            if action == "encrypt_database":
                return encryption.encrypt_database(db, actor, passphrase, progress=progress)
            return encryption.decrypt_database(db, actor, progress=progress)

        self.task = Task(self, work).with_progress(label, cancellable=False).success(self._converted) \
            .failure(self._failed).start()

    def _converted(self, result: ConversionResult) -> None:
        self.ctx.set_database(result.db, self.ctx.period_code)
        self.message.setStyleSheet("color: #2e7d32;")
        if result.db.encrypted:
            text = _("The database is encrypted.")
            if result.plain_backups:
                text += " " + _("{count} backups taken before encrypting are not encrypted; delete them from "
                                "{folder} when they are no longer needed.").format(
                    count=result.plain_backups, folder=result.db.backup_dir)
        else:
            text = _("The database is stored without encryption again; backups taken while it was encrypted "
                     "still need its key.")
        self.message.setText(text)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        """A failed conversion leaves the original file, and the open database keeps working on it."""
        self._fail(error_text(error))
        self.refresh()

    def _fail(self, text: str) -> None:
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)
