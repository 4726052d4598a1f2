"""The results table: a DataFrameModel that knows which column is which KPI, explains scores in tooltips,
tints the grade, and a proxy that filters by team/department and by a search text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from kpidesk.i18n import N_, _
from kpidesk.ui.models import DataFrameModel, SortFilterProxy
from kpidesk.ui.pages.results_data import ResultsData
from kpidesk.ui.pages.results_widgets import grade_colour

_Index = QModelIndex | QPersistentModelIndex
EMPLOYEE_ROLE = Qt.ItemDataRole.UserRole + 20
KEY_ROLE = Qt.ItemDataRole.UserRole + 21
STATUS_TEXT = {"missing": N_("no data"), "exempt": N_("exempt"), "not_computable": N_("not computable"),
               "not_due": N_("not due")}


class ResultsModel(DataFrameModel):
    """Rows are employees (the frame's index), columns are ``data.column_keys``."""

    def __init__(self, parent=None) -> None:
        super().__init__(None, parent)
        self.data_: ResultsData | None = None
        self._statuses: dict[str, list[Any]] = {}
        self._grade_codes: list[Any] = []

    def set_results(self, data: ResultsData | None) -> None:
        self.data_ = data
        if data is None:
            self._statuses, self._grade_codes = {}, []
            self.set_frame(None)
            return
        frame = data.scores.frame
        self._statuses = {code: list(frame[f"{code}.status"]) for code in data.scores.kpi_codes}
        self._grade_codes = list(frame["grade_code"])
        self.set_frame(data.table)

    # -- lookups ---------------------------------------------------------------------------------------
    def employee_id(self, row: int) -> int | None:
        return int(self._index[row]) if 0 <= row < len(self._index) else None

    def row_of(self, employee_id: int) -> int:
        try:
            return self._index.index(employee_id)
        except ValueError:
            return -1

    def key(self, column: int) -> str | None:
        keys = self.data_.column_keys if self.data_ else []
        return keys[column] if 0 <= column < len(keys) else None

    def is_kpi(self, column: int) -> bool:
        return self.key(column) in self._statuses

    def column_of(self, key: str) -> int:
        keys = self.data_.column_keys if self.data_ else []
        return keys.index(key) if key in keys else -1

    def status(self, row: int, column: int) -> str | None:
        values = self._statuses.get(self.key(column) or "")
        value = values[row] if values is not None and 0 <= row < len(values) else None
        return value if isinstance(value, str) else None

    def explanation(self, row: int, column: int) -> str | None:
        if self.data_ is None or not self.is_kpi(column):
            return None
        employee = self.employee_id(row)
        if employee is None or self.status(row, column) is None:
            return None
        return self.data_.scores.explanation_text(employee, self.key(column))

    # -- Qt ------------------------------------------------------------------------------------------
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.rowCount()) or not (0 <= index.column() < self.columnCount()):
            return None
        row, column = index.row(), index.column()
        if role == EMPLOYEE_ROLE:
            return self.employee_id(row)
        if role == KEY_ROLE:
            return self.key(column)
        kpi = self.is_kpi(column)
        status = self.status(row, column) if kpi else None
        if role == Qt.ItemDataRole.DisplayRole and kpi and status in STATUS_TEXT and self._values[row][column] is None:
            return _(STATUS_TEXT[status])
        if role == Qt.ItemDataRole.ToolTipRole and kpi:
            return self.explanation(row, column) or None
        if role == Qt.ItemDataRole.FontRole and kpi and status not in (None, "ok"):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and kpi and status not in (None, "ok"):
            return QColor("#78909c")
        if role == Qt.ItemDataRole.BackgroundRole and self.key(column) == "grade":
            code = self._grade_codes[row] if row < len(self._grade_codes) else None
            if isinstance(code, str):
                colour = grade_colour(code, self.data_.scores.grade_scale.codes.index(code)
                                      if code in self.data_.scores.grade_scale.codes else 0)
                colour.setAlpha(48)
                return colour
        if role == Qt.ItemDataRole.TextAlignmentRole and kpi:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class ResultsProxy(SortFilterProxy):
    """Search text over every column, and a team, department or position chosen in a combo box."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.group: str | None = None
        self.flagged_only = False

    def set_group(self, group: str | None) -> None:
        self.beginFilterChange()
        self.group = group or None
        self.endFilterChange()

    def set_flagged_only(self, flagged: bool) -> None:
        self.beginFilterChange()
        self.flagged_only = flagged
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, ResultsModel) or model.data_ is None:
            return super().filterAcceptsRow(source_row, source_parent)
        frame = model.data_.scores.frame
        employee = model.employee_id(source_row)
        if self.group is not None and employee is not None:
            if self.group not in (frame.at[employee, "team"], frame.at[employee, "department"],
                                  frame.at[employee, "position"]):
                return False
        if self.flagged_only and employee is not None and not frame.at[employee, "flags"]:
            return False
        return super().filterAcceptsRow(source_row, source_parent)
