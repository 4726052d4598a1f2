"""The Settings box that shows where the office keeps its own forms and opens that folder.

Program folders are read-only on installed systems, so an edited or added form lives in the user data
folder; one with the id of a bundled form replaces it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.forms.catalogue import own_forms_folder
from kpidesk.services.safety.startup import writable_folder
from kpidesk.ui.context import AppContext


class FormsFolderBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("formsFolderBox")
        self.folder = QLabel(str(own_forms_folder()))
        self.folder.setObjectName("formsFolder")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.folder_label = QLabel()
        self.open_button = QPushButton()
        self.open_button.setObjectName("openFormsFolder")
        self.open_button.clicked.connect(self.open_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QFormLayout(self)
        layout.addRow(self.folder_label, self.folder)
        layout.addRow("", buttons)
        layout.addRow(self.note)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Forms"))
        self.folder_label.setText(_("Own forms folder"))
        self.open_button.setText(_("Open forms folder"))
        self.note.setText(_("Put edited or new form files (.toml) here; a form with the id of a bundled form "
                            "replaces it. Check them with: kpidesk forms check"))

    def open_folder(self) -> None:
        """Create the folder on first use, then show it in the system's file manager."""
        folder = own_forms_folder()
        try:
            writable_folder(folder)
        except ValidationError as exc:  # the folder cannot be created or written
            self.ctx.dialogs.warning(self, _("Forms"), str(exc))
            return
        self.ctx.dialogs.open_folder(self, folder)
