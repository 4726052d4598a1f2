"""The results table: a DataFrameModel that knows which column is which KPI, explains scores in tooltips,
tints the grade, and a proxy that filters by team/department and by a search text."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from kpidesk.i18n import N_, _
from kpidesk.ui.models import SORT_ROLE, DataFrameModel, SortFilterProxy
from kpidesk.ui.pages.results.data import ResultsData
from kpidesk.ui.pages.results.widgets import grade_colour

_Index = QModelIndex | QPersistentModelIndex
EMPLOYEE_ROLE = Qt.ItemDataRole.UserRole + 20
KEY_ROLE = Qt.ItemDataRole.UserRole + 21
_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.TextAlignmentRole,
    SORT_ROLE, EMPLOYEE_ROLE, KEY_ROLE,
})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_MUTED = QColor("#78909c")


@cache
def _italic() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


STATUS_TEXT = {"missing": N_("no data"), "exempt": N_("exempt"), "not_computable": N_("not computable"),
               "not_due": N_("not due")}


class ResultsModel(DataFrameModel):
    """Rows are employees (the frame's index), columns are ``data.column_keys``."""

    def __init__(self, parent=None) -> None:
        super().__init__(None, parent)
        self.data_: ResultsData | None = None
        self._statuses: dict[str, list[Any]] = {}
        self._grade_codes: list[Any] = []
        self._kinds: list[str] = []
        self._column_statuses: list[list[Any] | None] = []

    def set_results(self, data: ResultsData | None) -> None:
        self.data_ = data
        if data is None:
            self._statuses, self._grade_codes, self._kinds, self._column_statuses = {}, [], [], []
            self.set_frame(None)
            return
        frame = data.scores.frame
        self._statuses = data.statuses if data.statuses is not None else \
            {code: list(frame[f"{code}.status"]) for code in data.scores.kpi_codes}
        self._grade_codes = data.grade_codes if data.grade_codes is not None else list(frame["grade_code"])
        self._kinds = ["kpi" if key in self._statuses else key for key in data.column_keys]
        self._column_statuses = [self._statuses.get(key) for key in data.column_keys]
        self.set_frame(data.table)

    def adopt_equal(self, data: ResultsData) -> None:
        """Take a fresh result whose table equals the shown one (``ResultsData.same_table``) without a reset,
        so the view keeps its scroll position, sort and selection; tooltips read the fresh scores."""
        self.data_ = data
        self._frame = data.table

    def _load(self, frame) -> None:
        data = getattr(self, "data_", None)  # None while the base class is being set up
        if data is not None and frame is data.table and data.cells is not None:
            self._columns = [str(c) for c in frame.columns]
            self._index = list(frame.index)
            self._values = data.cells
            return
        super()._load(frame)

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
        """Called for every role of every cell a view paints or measures, so it returns early."""
        if role not in _ROLES:
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._values) and 0 <= column < len(self._kinds)):
            return None
        kind = self._kinds[column]
        if role == EMPLOYEE_ROLE:
            return self.employee_id(row)
        if role == KEY_ROLE:
            return self.key(column)
        if kind == "kpi":
            status = self._column_statuses[column][row]
            status = status if isinstance(status, str) else None
            if role == Qt.ItemDataRole.DisplayRole and status in STATUS_TEXT and self._values[row][column] is None:
                return _(STATUS_TEXT[status])
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.explanation(row, column) or None
            if role == Qt.ItemDataRole.FontRole:
                return _italic() if status not in (None, "ok") else None
            if role == Qt.ItemDataRole.ForegroundRole:
                return _MUTED if status not in (None, "ok") else None
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT
        elif kind == "grade" and role == Qt.ItemDataRole.BackgroundRole:
            code = self._grade_codes[row]
            if isinstance(code, str):
                codes = self.data_.scores.grade_scale.codes
                colour = grade_colour(code, codes.index(code) if code in codes else 0)
                colour.setAlpha(48)
                return colour
            return None
        if role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.ToolTipRole):
            return None
        return super().data(index, role)


class ResultsProxy(SortFilterProxy):
    """Search text over every column, and a team, department or position chosen in a combo box."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.group: str | None = None
        self.flagged_only = False
        self.searching = False  # a search text is set (the page searches with setFilterFixedString)

    def set_group(self, group: str | None) -> None:
        """Filters again only when the group changes: each pass asks Python about every row (5,000 on a
        big office), and a reload sets the same group again after the model reset has filtered already."""
        if (group or None) == self.group:
            return
        self.beginFilterChange()
        self.group = group or None
        self.endFilterChange()

    def set_flagged_only(self, flagged: bool) -> None:
        if flagged == self.flagged_only:
            return
        self.beginFilterChange()
        self.flagged_only = flagged
        self.endFilterChange()

    def setFilterFixedString(self, text: str) -> None:  # noqa: N802 (Qt's spelling)
        self.searching = bool(text)
        super().setFilterFixedString(text)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        if self.group is None and not self.flagged_only and not self.searching:
            return True  # asked for each of 5,000 rows at every reset of the model: nothing to look at
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
