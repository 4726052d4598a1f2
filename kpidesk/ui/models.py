"""Qt table models over plain data: rows of dataclasses (or tuples) and pandas DataFrames.

Neither model holds a database session; pages fill them from service results and replace the
content with ``set_rows`` / ``set_frame`` (a model reset). Sorting goes through
``QSortFilterProxyModel`` on ``SORT_ROLE``, which carries the raw value (numbers sort as numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from kpidesk.i18n import _

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole row object (for pages acting on a selection)

_Index = QModelIndex | QPersistentModelIndex


def display_value(value: Any, decimals: int = 2) -> str:
    """A cell's text in the current locale: numbers with the locale's separators, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return QLocale().toString(value)
    if isinstance(value, (float, Decimal)):
        number = float(value)
        if math.isnan(number):
            return ""
        locale = QLocale()
        text = locale.toString(number, "f", decimals)
        point = locale.decimalPoint()
        return text.rstrip("0").rstrip(point) if decimals and point in text else text
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def sort_value(value: Any) -> Any:
    """A key that sorts mixed cells sensibly (blanks last, numbers as numbers)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Column:
    """One column of a RowsModel: a title (English source, translated when shown) and how to read a row."""

    title: str
    value: Callable[[Any], Any]
    align_right: bool = False
    tooltip: Callable[[Any], str | None] | None = None
    decimals: int = 2


class RowsModel(QAbstractTableModel):
    """A read-only table of plain rows (dataclasses, tuples …) described by Columns."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = list(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or not (0 <= index.column() < len(self.columns)):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(column.value(row), column.decimals)
        if role == SORT_ROLE:
            return sort_value(column.value(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self.columns[section].title) if 0 <= section < len(self.columns) else None
        return section + 1

    def retranslate(self) -> None:
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)


class DataFrameModel(QAbstractTableModel):
    """A read-only view of a pandas DataFrame (pandas itself is imported by whoever builds the frame)."""

    def __init__(self, frame=None, parent=None, decimals: int = 2) -> None:
        super().__init__(parent)
        self.decimals = decimals
        self._frame = frame
        self._values: list[list[Any]] = []
        self._columns: list[str] = []
        self._index: list[Any] = []
        self._load(frame)

    def _load(self, frame) -> None:
        if frame is None:
            self._values, self._columns, self._index = [], [], []
            return
        self._columns = [str(c) for c in frame.columns]
        self._index = list(frame.index)
        self._values = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]

    @property
    def frame(self):
        return self._frame

    def set_frame(self, frame) -> None:
        self.beginResetModel()
        self._frame = frame
        self._load(frame)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._values)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._values)) or not (0 <= index.column() < len(self._columns)):
            return None
        value = self._values[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(value, self.decimals)
        if role == SORT_ROLE:
            return sort_value(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            horizontal = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return display_value(self._index[section]) if 0 <= section < len(self._index) else None


def _plain(value: Any) -> Any:
    """numpy scalars and pandas missing values as plain Python values."""
    if value is None:
        return None
    if hasattr(value, "item") and callable(value.item) and type(value).__module__.startswith("numpy"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


class SortFilterProxy(QSortFilterProxyModel):
    """Sorts on raw values and filters on a text typed in a search box (case-insensitive, any column)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortLocaleAware(True)

    def lessThan(self, left: _Index, right: _Index) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a == "" and b != "":
            return False
        if b == "" and a != "":
            return True
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)
