"""Empty KPI columns of the Results table are hidden from what the worker found about each department,
team and position, exactly as a look at every shown row would hide them."""

from __future__ import annotations


def _results(main_window):
    page = main_window.show_page("results")
    assert page is not None and page.data is not None, "the results did not load"
    return page


def _hidden_by_rows(page) -> set[str]:
    """KPI columns none of the rows the table shows has a status in (a scan of every row)."""
    model, proxy = page.model, page.proxy
    rows = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
    return {model.key(column) for column in range(model.columnCount())
            if model.is_kpi(column) and all(model.status(row, column) is None for row in rows)}


def _hidden(page) -> set[str]:
    model = page.model
    return {model.key(column) for column in range(model.columnCount())
            if model.is_kpi(column) and page.table.isColumnHidden(column)}


def test_each_group_hides_the_kpi_columns_none_of_its_people_has(main_window):
    page = _results(main_window)
    assert page.data.kpis_in_use is not None  # found in the worker
    hid_some = False
    for index in range(page.group_combo.count()):
        page.group_combo.setCurrentIndex(index)
        assert _hidden(page) == _hidden_by_rows(page), page.group_combo.currentText()
        hid_some = hid_some or bool(_hidden(page))
        shown = [page.model.key(c) for c in range(page.model.columnCount())
                 if page.model.is_kpi(c) and not page.table.isColumnHidden(c)]
        assert shown, "every KPI column is hidden"
    assert hid_some, "no group leaves a KPI out: the test shows nothing"


def test_a_search_hides_by_the_rows_it_leaves(main_window):
    page = _results(main_window)
    page.search.setText("CS001")
    page.group_combo.setCurrentIndex(1)
    page.group_combo.setCurrentIndex(0)
    assert page.proxy.rowCount() >= 1
    assert _hidden(page) == _hidden_by_rows(page)


def test_choosing_the_same_group_again_does_not_filter_again(main_window):
    page = _results(main_window)
    page.group_combo.setCurrentIndex(1)
    group = page.group_combo.currentData()
    shown = page.proxy.rowCount()
    asked: list[int] = []
    accepts = page.proxy.filterAcceptsRow
    page.proxy.filterAcceptsRow = lambda row, parent: asked.append(row) or accepts(row, parent)
    page.proxy.set_group(group)
    page.proxy.set_flagged_only(False)
    assert asked == [] and page.proxy.rowCount() == shown
    page.proxy.set_group(None)
    assert page.proxy.rowCount() == page.model.rowCount()


def test_the_table_model_takes_the_statuses_and_grades_the_worker_listed(main_window):
    page = _results(main_window)
    data = page.data
    frame = data.scores.frame

    def texts(values) -> list:
        return [value if isinstance(value, str) else None for value in values]

    assert data.statuses is not None and data.grade_codes is not None  # listed in the worker
    assert {code: texts(values) for code, values in data.statuses.items()} == \
        {code: texts(frame[f"{code}.status"]) for code in data.scores.kpi_codes}
    assert texts(data.grade_codes) == texts(frame["grade_code"])
    page.model.set_results(data)
    assert page.model._statuses is data.statuses and page.model._grade_codes is data.grade_codes


def test_plain_cells_hold_what_the_table_model_would_make_of_each_value():
    import numpy as np
    import pandas as pd

    from kpidesk.ui.models import _plain
    from kpidesk.ui.pages.results.data import plain_cells

    frame = pd.DataFrame({
        "score": [1.5, np.nan, -0.0], "rank": [1, 2, 3], "team": ["一组", None, np.nan],
        "status": pd.Categorical(["ok", None, "ok"]), "day": pd.to_datetime(["2025-01-01", None, "2025-02-03"]),
        "flagged": [True, False, True], "mixed": pd.Series([np.float64(2.5), np.int64(3), pd.NA], dtype=object).values,
        "count": pd.array([1, None, 3], dtype="Int64"),
    }, index=[7, 8, 9])
    expected = [[_plain(value) for value in row] for row in frame.itertuples(index=False, name=None)]
    cells = plain_cells(frame)
    assert cells == expected
    assert [[type(value) for value in row] for row in cells] == [[type(value) for value in row] for row in expected]
    assert plain_cells(frame.iloc[:, :0]) == [[], [], []]


def test_a_search_filters_the_rows_and_clearing_it_shows_all_again(main_window):
    page = _results(main_window)
    everyone = page.model.rowCount()
    page.search.setText("CS001")
    assert page.proxy.searching and 1 <= page.proxy.rowCount() < everyone
    page.search.clear()
    assert not page.proxy.searching and page.proxy.rowCount() == everyone
