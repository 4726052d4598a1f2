"""At the default window size (1180×760), in both languages, table columns are at least as wide as their
header text and the Settings page does not scroll sideways."""

from __future__ import annotations

import pytest

DEFAULT_SIZE = (1180, 760)

#: page key → object names of the tables whose columns must show their whole header
TABLES = {
    "templates": ["templateItems"],
    "settings": ["gradeTable"],
    "overview": ["raterForms", "movers"],
    "results": ["resultsTable"],
    "forms": ["comparison"],
    "data_entry": ["entryGrid"],
}


#: tables that must show all their columns without scrolling sideways
WHOLE = {"overview/raterForms", "overview/movers", "forms/comparison"}


def _clipped_columns(view) -> list[str]:
    """Headers of visible columns narrower than their header text needs."""
    header = view.horizontalHeader()
    model = view.model()
    clipped = []
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        needed = header.sectionSizeFromContents(column).width()
        if header.sectionSize(column) < needed - 1:
            clipped.append(str(model.headerData(column, header.orientation())))
    return clipped


@pytest.fixture
def default_window(main_window, app_fonts, qtbot):
    main_window.resize(*DEFAULT_SIZE)
    qtbot.wait(10)
    yield main_window
    main_window.switch_language("en")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_columns_show_their_headers_at_the_default_size(default_window, qtbot, language):
    from PySide6.QtWidgets import QAbstractItemView

    window = default_window
    window.switch_language(language)
    problems = {}
    for key, names in TABLES.items():
        page = window.show_page(key)
        qtbot.wait(20)
        for name in names:
            view = page.findChild(QAbstractItemView, name)
            assert view is not None, f"{key}: no table {name}"
            assert view.model().columnCount() > 0, f"{key}: {name} is empty"
            if clipped := _clipped_columns(view):
                problems[f"{key}/{name}"] = clipped
            if f"{key}/{name}" in WHOLE and view.horizontalScrollBar().maximum() > 0:
                problems[f"{key}/{name}"] = "scrolls sideways"
        if window.width() > DEFAULT_SIZE[0]:
            problems[key] = f"the window grew to {window.width()} px"
            window.resize(*DEFAULT_SIZE)
    assert problems == {}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_sidebar_shows_whole_page_titles(default_window, qtbot, language):
    """Beside the widest page the sidebar keeps its titles whole (it was squeezed to "Overv…")."""
    window = default_window
    window.switch_language(language)
    window.show_page("templates")
    qtbot.wait(20)
    sidebar = window.sidebar
    assert sidebar.minimumWidth() >= sidebar.sizeHintForColumn(0)
    assert sidebar.viewport().width() >= sidebar.sizeHintForColumn(0)
    assert window.width() <= DEFAULT_SIZE[0]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_settings_do_not_scroll_sideways(default_window, qtbot, language):
    from PySide6.QtWidgets import QScrollArea

    window = default_window
    window.switch_language(language)
    page = window.show_page("settings")
    qtbot.wait(20)
    scroll = page.findChild(QScrollArea, "settingsScroll")
    content = scroll.widget()
    assert content.minimumSizeHint().width() <= scroll.viewport().width()
    assert content.width() <= scroll.viewport().width()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_form_comparison_shows_whole_criterion_names(default_window, qtbot, language):
    """The self/manager comparison beside a form wraps long criterion names rather than cutting them."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QAbstractItemView

    window = default_window
    window.switch_language(language)
    page = window.show_page("forms")
    qtbot.wait(20)
    view = page.findChild(QAbstractItemView, "comparison")
    model = view.model()
    assert model.rowCount() > 0
    width = view.columnWidth(0) - 8  # the cell's text margins
    metrics = view.fontMetrics()
    for row in range(model.rowCount()):
        text = str(model.index(row, 0).data())
        needed = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
        assert needed <= view.rowHeight(row), f"{text!r} is cut"
        assert max(metrics.horizontalAdvance(word) for word in text.split()) <= width


def test_results_keep_staff_number_and_name_in_view_when_scrolled_sideways(default_window, qtbot):
    from PySide6.QtWidgets import QTableView

    page = default_window.show_page("results")
    qtbot.wait(20)
    table = page.table
    frozen = page.findChild(QTableView, "resultsTableFrozen")
    model = table.model()
    heads = [model.headerData(column, table.horizontalHeader().orientation())
             for column in frozen.frozen_columns()]
    assert heads == ["Staff no.", "Name"]
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    qtbot.wait(20)
    assert table.horizontalScrollBar().value() > 0, "the table is narrow enough not to scroll"
    assert frozen.isVisible()
    assert frozen.width() >= table.columnWidth(0) + table.columnWidth(1)
    # the overlay shows the same rows as the scrolled table, at the same heights
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value()
    row = model.rowCount() - 1
    assert frozen.visualRect(model.index(row, 0)).top() == table.visualRect(model.index(row, 2)).top()
    assert frozen.indexAt(frozen.visualRect(model.index(row, 0)).center()).row() == row
    assert str(model.index(row, 0).data()).startswith("CS")
    # a cell reached with the keys while under the frozen columns is scrolled out from under them
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    beside = next(c for c in range(2, model.columnCount()) if not table.isColumnHidden(c))
    table.setCurrentIndex(model.index(0, beside))
    assert table.columnViewportPosition(beside) >= frozen.width() - 1
    # widths follow the table's
    table.setColumnWidth(1, table.columnWidth(1) + 30)
    assert frozen.columnWidth(1) == table.columnWidth(1)


def test_data_entry_keeps_the_person_in_the_row_header(default_window, qtbot):
    """The grid names each person in its row header, which stays put while the KPI columns scroll."""
    page = default_window.show_page("data_entry")
    qtbot.wait(20)
    view = page.view
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
    assert view.verticalHeader().isVisible()
    assert str(view.model().headerData(0, view.verticalHeader().orientation())).startswith("CS")
