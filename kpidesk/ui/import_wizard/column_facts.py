"""What the import wizard shows of how a file was understood: each column's match and its confidence (with
a one-click confirmation of an unsure guess), the lines set aside, and the values that change."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from kpidesk.i18n import _


def match_cell(match, combo: QComboBox) -> QWidget:
    """How a column was matched; an unsure guess is a button that takes the guess with one click."""
    if match is None or match.how is None:
        return QLabel("—")
    if match.confirmed:
        return QLabel(match.how_text)
    button = QPushButton(_("Use {field} ({how})").format(field=match.field, how=match.how_text))
    button.setObjectName(f"confirmGuess:{match.column}")

    def confirm() -> None:
        combo.setCurrentIndex(max(combo.findData(match.field), 0))
        button.setEnabled(False)

    button.clicked.connect(confirm)
    return button


def _table(name: str, headers: list[str], rows: list[list[str]]) -> QTableWidget:
    grid = QTableWidget(len(rows), len(headers))
    grid.setObjectName(name)
    grid.setHorizontalHeaderLabels(headers)
    grid.verticalHeader().setVisible(False)
    grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            grid.setItem(r, c, QTableWidgetItem(text))
    grid.resizeColumnsToContents()
    return grid


class PreviewFacts(QTabWidget):
    """Tabs under the preview's rows: columns, lines set aside, changed and new values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewFacts")

    def show_preview(self, preview) -> None:
        while self.count():
            self.removeTab(0)
        columns = preview.extra.get("columns") or []
        if columns:
            rows = [[c.column, c.field or _("not imported"), c.how_text, ", ".join(c.samples)] for c in columns]
            self.addTab(_table("previewColumns", [_("Column"), _("Field"), _("Matched"), _("Examples")], rows),
                        _("Columns ({count})").format(count=len(columns)))
        skipped = preview.skipped_lines
        self.addTab(_table("previewSetAside", [_("Not imported")], [[line.describe()] for line in skipped]),
                    _("Set aside ({count})").format(count=len(skipped)))
        changes = preview.extra.get("changes")
        if changes is not None:
            rows = [[f"{c.staff_no} {c.name}", c.field, c.period, c.old_text, c.new_text]
                    for c in [*changes.changed, *changes.new]]
            self.addTab(_table("previewChanges", [_("Person"), _("Field"), _("Period"), _("Old"), _("New")], rows),
                        _("Changes: {changed} changed, {new} new").format(changed=changes.changed_total,
                                                                          new=changes.new_total))
