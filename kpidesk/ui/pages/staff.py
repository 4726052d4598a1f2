"""Staff page (being built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from kpidesk.i18n import _
from kpidesk.ui.pages.base import Page


class StaffPage(Page):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(_("Staff"))
