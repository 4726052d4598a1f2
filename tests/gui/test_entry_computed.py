"""The data-entry grid on a large period: computed cells read lazily, and the load-time rate check."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kpidesk.services.actor import Actor

PERIOD = "2025-12"


def test_kpi_grid_reads_each_cell_as_the_period_scores_give_it(demo_db, actor):
    from kpidesk.services.appraisal.kpi_grid import KpiGrid
    from kpidesk.services.appraisal.scoring import period_scores

    with demo_db.session() as session:
        scores = period_scores(session, PERIOD, actor=actor)
    grid = KpiGrid(scores)
    expected = {(int(employee_id), code): item for employee_id in scores.frame.index
                for code, item in scores.kpis(employee_id).items()}
    assert set(grid.keys()) == set(expected) and grid.size == len(expected)
    for (employee_id, code), item in expected.items():
        assert grid.cell(employee_id, code) == (item["value"], item["score"], item["status"])
        assert grid.explanation_text(employee_id, code) == scores.explanation_text(employee_id, code)
    assert grid.cell(-1, "fcr") is None and grid.cell(next(iter(expected))[0], "no_such_kpi") is None


def test_computed_cells_are_made_when_read_and_explained_in_their_tooltip(demo_db, actor):
    from kpidesk.ui.pages.data_entry.computed import KpiCell, KpiCells, compute_grid_scores

    computed = compute_grid_scores(demo_db, actor, PERIOD)
    assert isinstance(computed.kpis, KpiCells)
    key = next(iter(computed.kpis))
    cell = computed.kpis[key]
    assert isinstance(cell, KpiCell) and cell.status and cell.explanation is None
    assert computed.explanation(key)
    assert all(isinstance(total, float) for total, _grade in computed.totals.values() if total is not None)
    with pytest.raises(KeyError):
        computed.kpis[(-1, key[1])]


def _sheet_with_impossible_rates(demo_db):
    from kpidesk.services.appraisal.measurements import entry_sheet

    with demo_db.session() as session:
        sheet = entry_sheet(session, Actor("hr"), PERIOD)
    values = dict(sheet.values)
    for number, row in enumerate(sheet.rows):
        if "first_contact_resolved" in row.fields and number % 2:
            values[(row.employee_id, "first_contact_resolved")] = values[(row.employee_id, "contacts")] * 2
    return replace(sheet, values=values)


def test_loading_flags_the_same_rates_as_checking_row_by_row(demo_db, qtbot):
    from kpidesk.ui.pages.data_entry.model import EntryModel

    model = EntryModel()
    model.set_sheet(_sheet_with_impossible_rates(demo_db))
    at_load = {employee: dict(issues) for employee, issues in model.rate_warnings.items()}
    assert at_load and all("outside 0–100%" in text for issues in at_load.values() for text in issues.values())
    model.rate_warnings.clear()
    for row in range(model.rowCount()):
        model._check_rates(row, emit=False)
    assert model.rate_warnings == at_load


def test_the_entry_sheet_carries_the_stored_values_as_their_nearest_floats(demo_db, actor):
    from kpidesk.services.appraisal.measurements import entry_sheet, values_for_period

    with demo_db.session() as session:
        sheet = entry_sheet(session, actor, PERIOD)
        stored = values_for_period(session, actor, PERIOD)
    expected = {key: float(value) for key, value in stored.items() if value is not None}
    assert sheet.values == expected and all(type(value) is float for value in sheet.values.values())


def test_the_worker_reads_the_sheet_with_its_rate_warnings(demo_db, actor, qtbot):
    from kpidesk.ui.pages.data_entry.model import EntryModel, load_entry_sheet, rate_warnings

    sheet, warnings = load_entry_sheet(demo_db, actor, PERIOD)
    assert warnings == rate_warnings(sheet)
    impossible = _sheet_with_impossible_rates(demo_db)
    model = EntryModel()
    model.set_sheet(impossible, warnings=rate_warnings(impossible))
    assert model.rate_warnings and model.rate_warnings == rate_warnings(impossible)


def test_the_grid_fits_its_columns_from_a_sample_of_rows(qtbot):
    from kpidesk.ui.pages.data_entry.page import FIT_SAMPLE_ROWS, EntryView

    view = EntryView()
    qtbot.addWidget(view)
    assert view.horizontalHeader().resizeContentsPrecision() == FIT_SAMPLE_ROWS <= 40
