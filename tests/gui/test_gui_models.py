"""The Qt models pass pytest-qt's model tester and sort numbers as numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from PySide6.QtCore import Qt

from kpidesk.ui.models import Column, DataFrameModel, RowsModel, SortFilterProxy
from kpidesk.ui.pages.templates.items import DraftItem, TemplateItemsModel


@dataclass(frozen=True)
class Row:
    name: str
    score: Decimal | None
    day: date | None


ROWS = [Row("王芳", Decimal("9.5"), date(2025, 1, 3)), Row("张伟", Decimal("10"), None), Row("刘洋", None, date(2024, 5, 1))]


def test_rows_model_passes_the_model_tester(qtmodeltester):
    model = RowsModel([Column("Name", lambda r: r.name), Column("Score", lambda r: r.score, align_right=True),
                       Column("Day", lambda r: r.day)], ROWS)
    qtmodeltester.check(model)
    model.set_rows(ROWS[:1])
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "2025-01-03"


def test_proxy_sorts_numbers_numerically_and_blanks_last(qtmodeltester):
    model = RowsModel([Column("Name", lambda r: r.name), Column("Score", lambda r: r.score)], ROWS)
    proxy = SortFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["王芳", "张伟", "刘洋"]  # 9.5 < 10, blank last
    proxy.setFilterFixedString("张")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)


def test_dataframe_model_passes_the_model_tester(qtmodeltester):
    frame = pd.DataFrame({"工号": ["CS001", "CS002"], "得分": [91.256, float("nan")], "人数": [3, 4]})
    model = DataFrameModel(frame)
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "91.26" and model.index(1, 1).data() == ""
    assert model.headerData(0, Qt.Orientation.Horizontal) == "工号"
    model.set_frame(frame.iloc[:1])
    qtmodeltester.check(model)
    assert model.rowCount() == 1


def test_template_items_model_passes_the_model_tester(qtmodeltester):
    model = TemplateItemsModel()
    model.set_items([
        DraftItem(1, "fcr", "一次解决率", "First contact resolution", "percent", "higher", Decimal(60),
                  Decimal(80), Decimal(87), Decimal(92)),
        DraftItem(2, "csat", "客户满意度", "Customer satisfaction", "score", "higher", Decimal(40)),
    ])
    qtmodeltester.check(model)
    assert model.setData(model.index(1, 1), "３５％")
    assert model.total_weight() == 95
    assert not model.setData(model.index(1, 1), "-3")
    assert not model.setData(model.index(0, 0), "renamed")  # the KPI column is not editable
    model.move(1, -1)
    assert model.item(0).code == "csat"
    qtmodeltester.check(model)


def test_table_remembers_column_widths(qtbot, ui_settings):
    from kpidesk.ui.widgets import Table

    def make():
        table = Table(ui_settings, "people")
        qtbot.addWidget(table)
        model = RowsModel([Column("Name", lambda r: r.name), Column("Score", lambda r: r.score),
                           Column("Day", lambda r: r.day)], ROWS, parent=table)
        table.setModel(model)
        table.restore_columns()
        return table

    first = make()
    first.horizontalHeader().resizeSection(1, 237)
    first.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    second = make()
    assert second.horizontalHeader().sectionSize(1) == 237
    assert second.horizontalHeader().sortIndicatorSection() == 1


def test_table_without_saved_columns_fits_them_to_contents_with_a_margin(qtbot, ui_settings):
    from kpidesk.ui.widgets import Table

    table = Table(ui_settings, "fitted")
    qtbot.addWidget(table)
    rows = ROWS + [Row("A name long enough to need more than the usual width of a column", 7, ROWS[0].day)]
    model = RowsModel([Column("Name", lambda r: r.name), Column("Score", lambda r: r.score),
                       Column("Day", lambda r: r.day)], rows, parent=table)
    table.setModel(model)
    reference = Table(ui_settings, "reference")  # Qt's own fit of the same kind of table, before margin and limits
    qtbot.addWidget(reference)
    reference.setModel(model)
    reference.resizeColumnsToContents()
    table.restore_columns()
    header = table.horizontalHeader()
    for column in range(header.count() - 1):
        assert header.sectionSize(column) == min(max(reference.columnWidth(column) + 16, 70), 320)
    assert header.sectionSize(0) == 320  # the long name is capped
