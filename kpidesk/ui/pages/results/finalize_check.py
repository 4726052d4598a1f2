"""The check before finalizing: who would be locked with something unsettled, each a link to the person.

Replaces a bare Yes/No: people with no template, no result, too little data, incomplete or disagreeing
forms and open appeals are listed, and the button says how many results it locks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import _
from kpidesk.services.appraisal.period_review import FinalizeChecklist, LockSummary


class FinalizeCheckDialog(QDialog):
    """Accepting it means "finalize"; ``person_chosen`` asks the page to show one person (and closes)."""

    person_chosen = Signal(int)

    def __init__(self, summary: LockSummary, checklist: FinalizeChecklist, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("finalizeCheck")
        self.checklist = checklist
        self.setWindowTitle(_("Finalize {period}?").format(period=checklist.period))
        self.resize(560, 420)
        locks = QLabel(_("Finalizing {period} locks:").format(period=checklist.period) + "\n• "
                       + "\n• ".join(summary.lines()))
        locks.setWordWrap(True)
        self.heading = QLabel()
        self.heading.setObjectName("finalizeCheckHeading")
        self.heading.setWordWrap(True)
        self.entries = QListWidget()
        self.entries.setObjectName("finalizeCheckEntries")
        for entry in checklist.entries:
            item = QListWidgetItem(entry.text())
            item.setData(Qt.ItemDataRole.UserRole, entry.employee_id)
            item.setToolTip(_("Show this person"))
            self.entries.addItem(item)
        self.entries.itemActivated.connect(self._show_person)
        self.entries.itemClicked.connect(self._show_person)
        if checklist.empty:
            self.heading.setText(_("Nothing is unsettled."))
            self.entries.hide()
        elif checklist.blocking:
            self.heading.setText(_("Answer every appeal before finalizing. Click a person to see them."))
        else:
            self.heading.setText(_("Still unsettled ({count}); click a person to see them:").format(
                count=len(checklist.entries)))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.finalize_button = QPushButton(_("Finalize {count} people").format(count=checklist.employees))
        self.finalize_button.setObjectName("finalizeCheckConfirm")
        self.finalize_button.setAutoDefault(False)
        self.finalize_button.setEnabled(not checklist.blocking)
        self.buttons.addButton(self.finalize_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(_("Data entry, forms, adjustments and exemptions of the period become read-only; "
                        "changing anything afterwards needs reopening the period with a reason."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(locks)
        layout.addWidget(self.heading)
        layout.addWidget(self.entries, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    def _show_person(self, item: QListWidgetItem) -> None:
        self.person_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        self.reject()
