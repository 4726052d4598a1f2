"""The first-start dialog: start from one of the starter libraries, open the demo, or open an existing file."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCommandLinkButton, QDialog, QLabel, QVBoxLayout, QWidget

from kpidesk.i18n import _

STARTER, ECOMMERCE, DEMO, OPEN = "starter", "ecommerce", "demo", "open"
#: The starter library each starting choice installs.
STARTER_LIBRARIES = {STARTER: "customer-service", ECOMMERCE: "ecommerce-service"}


class WelcomeDialog(QDialog):
    """Non-blocking (shown with ``open()``); ``chosen`` carries STARTER, ECOMMERCE, DEMO or OPEN."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.heading = QLabel()
        self.heading.setObjectName("welcomeHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        self.starter_button = QCommandLinkButton()
        self.ecommerce_button = QCommandLinkButton()
        self.demo_button = QCommandLinkButton()
        self.open_button = QCommandLinkButton()
        for button, choice in ((self.starter_button, STARTER), (self.ecommerce_button, ECOMMERCE),
                               (self.demo_button, DEMO), (self.open_button, OPEN)):
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
            layout.addWidget(button)
        self.starter_button.setDefault(True)
        self.retranslate()
        self.setMinimumWidth(520)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Welcome to KPI Desk"))
        self.heading.setText(_("Welcome to KPI Desk"))
        self.intro.setText(_("There is no appraisal database yet. How would you like to begin?"))
        self.starter_button.setText(_("Start with the customer-service starter library"))
        self.starter_button.setDescription(
            _("A new database with KPIs, forms and templates for customer-service positions, ready to adapt.")
        )
        self.ecommerce_button.setText(_("Start with the e-commerce customer-service starter library"))
        self.ecommerce_button.setDescription(
            _("KPIs for online shop agents (conversion, order value, replies, sales) with tiered commission.")
        )
        self.demo_button.setText(_("Open the demo"))
        self.demo_button.setDescription(_("A customer care department with a year of data, to look around safely."))
        self.open_button.setText(_("Open an existing file…"))
        self.open_button.setDescription(_("A KPI Desk database copied from another computer or a shared folder."))

    def _choose(self, choice: str) -> None:
        self.accept()
        self.chosen.emit(choice)
