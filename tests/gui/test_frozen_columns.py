"""The frozen first columns over a wide table follow its widths and row heights without per-row work on a
column resize (fitting a 5,000-row table's columns once took a third of a second on the UI thread)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from kpidesk.ui.frozen_columns import FrozenColumns


class CountingModel(QAbstractTableModel):
    """``rows`` × 6 cells; counts how often a view asks how many rows there are."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.row_count_calls = 0

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        self.row_count_calls += 1
        return 0 if parent.isValid() else self.rows

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 6

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return f"{index.row()}:{index.column()}" if role == Qt.ItemDataRole.DisplayRole else None

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


def _frozen_table(qtbot, rows: int = 2000) -> tuple[QTableView, FrozenColumns, CountingModel]:
    table = QTableView()
    qtbot.addWidget(table)
    model = CountingModel(rows)
    table.setModel(model)
    table.verticalHeader().setDefaultSectionSize(27)
    frozen = FrozenColumns(table, 2)
    table.resize(500, 300)
    table.show()
    return table, frozen, model


def test_a_column_resize_reaches_the_frozen_columns_without_row_work(qtbot):
    table, frozen, model = _frozen_table(qtbot)
    model.row_count_calls = 0
    for column in range(model.columnCount()):
        table.setColumnWidth(column, 60 + column * 7)
    assert model.row_count_calls == 0  # no row was visited for a column's width
    assert [frozen.columnWidth(c) for c in (0, 1)] == [table.columnWidth(0), table.columnWidth(1)]
    assert frozen.width() == table.columnWidth(0) + table.columnWidth(1) + 1


def test_moving_a_column_to_the_front_freezes_it(qtbot):
    table, frozen, _model = _frozen_table(qtbot)
    table.horizontalHeader().moveSection(4, 0)
    assert frozen.frozen_columns() == [4, 0]
    assert not frozen.isColumnHidden(4) and frozen.isColumnHidden(1)
    assert frozen.columnWidth(4) == table.columnWidth(4)


def test_row_heights_follow_the_table_also_after_a_reset(qtbot):
    table, frozen, model = _frozen_table(qtbot)
    assert frozen.verticalHeader().defaultSectionSize() == 27
    assert frozen.rowHeight(1500) == table.rowHeight(1500) == 27
    table.setRowHeight(7, 50)
    assert frozen.rowHeight(7) == 50
    table.verticalHeader().setDefaultSectionSize(31)
    model.reset()
    assert frozen.rowHeight(7) == table.rowHeight(7)
    assert frozen.rowHeight(1999) == table.rowHeight(1999) == 31
    assert frozen.visualRect(model.index(1999, 0)).top() == table.visualRect(model.index(1999, 3)).top()



def test_after_a_move_the_newly_frozen_column_follows_its_resizes(qtbot):
    table, frozen, _model = _frozen_table(qtbot)
    table.horizontalHeader().moveSection(4, 0)
    table.setColumnWidth(4, 93)
    table.setColumnWidth(1, 71)  # no longer frozen: the frozen view keeps its width
    assert frozen.columnWidth(4) == 93
    assert frozen.width() == 93 + table.columnWidth(0) + 1
