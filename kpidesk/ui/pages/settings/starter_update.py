"""The Settings box that names the starter library the database was made from and brings it up to the
version this program carries: the differences are shown first and applied only when confirmed. A database
made before libraries recorded their origin is compared with a starter library the user picks."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpidesk.i18n import _
from kpidesk.services.library.starter import available_starters
from kpidesk.services.library.starter_update import StarterUpdate, describe_update
from kpidesk.services.library.use_cases import apply_starter_update, plan_starter_update
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.tasks import Task


class StarterUpdateBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("starterUpdateBox")
        self.library = ""
        self.version = 0
        self.state = QLabel()
        self.state.setObjectName("starterLibrary")
        self.state.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.check_button = QPushButton()
        self.check_button.setObjectName("checkStarterUpdate")
        self.check_button.clicked.connect(self.check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Starter library"))
        self.check_button.setText(_("Check for an update…"))
        self.show_library(self.library, self.version)

    def show_library(self, library: str, version: int) -> None:
        self.library, self.version = library, version
        self.state.setText(_("Made from {name}, version {version}.").format(name=library, version=version)
                           if library else _("The database does not record a starter library; checking compares "
                                             "the library with one you choose."))
        self.check_button.setEnabled(not self.ctx.read_only)

    def check(self) -> None:
        self.message.clear()
        name = self.library or self._choose_library()
        if not name:
            return
        Task(self, plan_starter_update, self.ctx.db, self.ctx.actor, name).success(self._planned) \
            .failure(lambda e: self.message.setText(error_text(e))).start()

    def _choose_library(self) -> str | None:
        names = available_starters()
        index = self.ctx.dialogs.choose(self, _("Update the starter library"),
                                        _("Compare the library with the starter library:"), names)
        return names[index] if index is not None and 0 <= index < len(names) else None

    def _planned(self, plan: StarterUpdate) -> None:
        if plan.up_to_date:
            self.message.setText(_("The library is up to date."))
            return
        text = "\n".join(describe_update(plan)) + "\n\n" + _(
            "Apply these changes? Changed templates get a new version; finalized periods keep their results.")
        if not self.ctx.dialogs.confirm(self, _("Update the starter library"), text, action=_("Update")):
            return
        Task(self, apply_starter_update, self.ctx.db, self.ctx.actor, plan.name) \
            .writes(Changes.KPIS | Changes.TEMPLATES | Changes.FORMS | Changes.RESULTS | Changes.SETTINGS) \
            .success(self._applied).failure(lambda e: self.message.setText(error_text(e))).start()

    def _applied(self, plan: StarterUpdate) -> None:
        self.show_library(plan.name, plan.to_version)
        self.message.setText(_("Updated to version {version}: {count} changes.").format(
            version=plan.to_version, count=len(plan.changes)))
