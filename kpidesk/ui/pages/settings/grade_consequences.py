"""The Settings box that maps each grade to a training need and a staff level, printed beside the grade on
results and sheets. The handbooks' table is the default; an office writes its own words or clears the rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.grades import GradeConsequence
from kpidesk.i18n import N_, _
from kpidesk.ui.widgets import tool_button

COLUMNS = (N_("Grade code"), N_("Training need"), N_("Staff level"))


class GradeConsequencesBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradeConsequencesBox")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("gradeConsequences")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        self.add_button = tool_button("add")
        self.remove_button = tool_button("delete")
        self.add_button.clicked.connect(lambda: self.append(GradeConsequence("")))
        self.remove_button.clicked.connect(self.remove_current)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("What a grade means"))
        self.table.setHorizontalHeaderLabels([_(title) for title in COLUMNS])
        self.add_button.setText(_("Add row"))
        self.remove_button.setText(_("Remove"))
        self.note.setText(_("Shown beside the grade on the Results page and printed on the appraisal sheet. "
                            "A grade without a row shows nothing."))

    def show_rows(self, rows: Sequence[GradeConsequence]) -> None:
        self.table.setRowCount(0)
        for row in rows:
            self.append(row)

    def append(self, row: GradeConsequence) -> None:
        at = self.table.rowCount()
        self.table.insertRow(at)
        for column, text in enumerate((row.grade, row.training_need, row.staff_level)):
            self.table.setItem(at, column, QTableWidgetItem(text))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def rows(self) -> tuple[GradeConsequence, ...]:
        """The table as typed; rows left wholly empty are dropped."""
        found = []
        for row in range(self.table.rowCount()):
            texts = [(self.table.item(row, c).text().strip() if self.table.item(row, c) else "")
                     for c in range(len(COLUMNS))]
            if any(texts):
                found.append(GradeConsequence(*texts))
        return tuple(found)
