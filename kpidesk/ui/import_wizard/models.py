"""Table models of the import wizard: a sheet's raw cells, and the rows of the table being imported.

Both hold plain lists (made from the exchange layer's grids and tables), never a session.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from kpidesk.exchange.readers import column_letter
from kpidesk.exchange.values import display_value
from kpidesk.i18n import _

_Index = QModelIndex | QPersistentModelIndex

HEADER_TINT = QColor(30, 136, 229, 70)
PROBLEM_ROW_TINT = QColor(229, 57, 53, 45)
PROBLEM_CELL_TINT = QColor(229, 57, 53, 110)


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return display_value(value)


class RawSheetModel(QAbstractTableModel):
    """The first rows of a sheet as Excel shows them (row numbers, column letters), header row marked."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[list[object]] = []
        self.width = 0
        self.header_row: int | None = None  # Excel row number

    def set_rows(self, rows: Sequence[Sequence[object]], header_row: int | None = None) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.width = max((len(r) for r in self.rows), default=0)
        self.header_row = header_row
        self.endResetModel()

    def set_header_row(self, header_row: int | None) -> None:
        self.header_row = header_row
        if self.rows and self.width:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.width - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.rows) - 1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.width

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or not (0 <= index.column() < self.width):
            return None
        is_header = self.header_row == index.row() + 1
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.rows[index.row()]
            return cell_text(row[index.column()]) if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.BackgroundRole and is_header:
            return QBrush(HEADER_TINT)
        if role == Qt.ItemDataRole.FontRole and is_header:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section) if 0 <= section < self.width else None
        if not 0 <= section < len(self.rows):
            return None
        return str(section + 1) + ("  ▶" if self.header_row == section + 1 else "")


class SourceRowsModel(QAbstractTableModel):
    """Data rows of the table to import, numbered as in Excel; rows and cells with problems tinted."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.labels: list[str] = []
        self.row_numbers: list[int] = []
        self.cells: list[list[object]] = []
        self.row_problems: dict[int, list[str]] = {}  # Excel row → messages
        self.cell_problems: dict[tuple[int, str], list[str]] = {}  # (Excel row, column display) → messages
        self.displays: list[str] = []  # "E (满意度)" per column, as problems name it

    def set_table(self, frame, columns, problems=(), only_rows: Sequence[int] | None = None) -> None:
        """``frame``/``columns`` from a SheetTable; ``problems`` are ImportProblems to mark."""
        self.beginResetModel()
        self.labels = [c.label for c in columns]
        self.headers = [c.header or c.letter for c in columns]
        self.displays = [c.display for c in columns]
        rows = list(frame.index) if only_rows is None else [r for r in only_rows if r in frame.index]
        self.row_numbers = [int(r) for r in rows]
        self.cells = [[frame.at[r, label] for label in self.labels] for r in rows]
        self.row_problems, self.cell_problems = {}, {}
        for problem in problems:
            if problem.row is None:
                continue
            self.row_problems.setdefault(problem.row, []).append(problem.message)
            if problem.place.column:
                self.cell_problems.setdefault((problem.row, problem.place.column), []).append(problem.message)
        self.endResetModel()

    def row_of(self, excel_row: int) -> int:
        try:
            return self.row_numbers.index(excel_row)
        except ValueError:
            return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.labels)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.cells)) or not (0 <= index.column() < len(self.labels)):
            return None
        excel_row = self.row_numbers[index.row()]
        cell_messages = self.cell_problems.get((excel_row, self.displays[index.column()]))
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self.cells[index.row()][index.column()])
        if role == Qt.ItemDataRole.BackgroundRole:
            if cell_messages:
                return QBrush(PROBLEM_CELL_TINT)
            if excel_row in self.row_problems:
                return QBrush(PROBLEM_ROW_TINT)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            messages = cell_messages or self.row_problems.get(excel_row)
            return "\n".join(messages) if messages else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.headers):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.displays[section]
            return None
        if not 0 <= section < len(self.row_numbers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            number = self.row_numbers[section]
            return f"{number} ⚠" if number in self.row_problems else str(number)
        if role == Qt.ItemDataRole.ToolTipRole and self.row_numbers[section] in self.row_problems:
            return _("Row {row}: {problems}").format(
                row=self.row_numbers[section], problems="; ".join(self.row_problems[self.row_numbers[section]]))
        return None
