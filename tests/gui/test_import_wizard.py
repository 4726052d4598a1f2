"""The import wizard on an export with problems: map the columns, skip the bad rows, see the values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QWizard

from kpidesk.services.actor import Actor
from kpidesk.ui.import_wizard.wizard import IGNORED

DATA = Path(__file__).resolve().parents[1] / "data"
PERIOD = "2025-12"


@pytest.fixture
def window(main_window):
    yield main_window
    try:
        main_window.ctx.language_changed.disconnect()
    except (RuntimeError, TypeError):
        pass


@pytest.fixture
def problem_file(tmp_path):
    """The ticket system's October export with an unknown staff number (row 7) and a word for a count (row 9)."""
    from openpyxl import load_workbook

    book = load_workbook(DATA / "ticket_export_2025-10.xlsx")
    sheet = book.active
    assert sheet["A7"].value == "CS003" and sheet["A9"].value == "CS005"
    sheet["A7"] = "CS099"
    sheet["C9"] = "四百多"
    path = tmp_path / "坐席绩效_有问题.xlsx"
    book.save(path)
    return path


def click_next(qtbot, wizard) -> None:
    button = wizard.button(QWizard.WizardButton.CommitButton)
    if not button.isVisible():
        button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), f"Next is disabled on {type(wizard.currentPage()).__name__}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def stored(window, staff_no, code):
    from kpidesk.services.appraisal import measurements
    from kpidesk.services.people import staff

    with window.ctx.db.session() as session:
        employee = staff.employee_by_staff_no(session, staff_no)
        return measurements.values_for_period(session, Actor("hr"), PERIOD).get((employee.id, code))


def test_import_a_file_with_problems_and_see_the_values_in_the_grid(window, qtbot, problem_file):
    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None)
    complaints_before = stored(window, "CS001", "complaints")
    window.ctx.dialogs.queue(str(problem_file))
    wizard = page.open_import_wizard()
    qtbot.waitExposed(wizard)

    files = wizard.file_page
    files.browse()
    assert files.path_edit.text() == str(problem_file)
    assert files.period_combo.currentData() == PERIOD
    click_next(qtbot, wizard)

    sheets = wizard.sheet_page
    qtbot.waitUntil(lambda: sheets.isComplete())
    assert sheets.sheets.currentItem().text() == "坐席绩效"
    click_next(qtbot, wizard)

    header = wizard.header_page
    assert header.spin.value() == 4, "the title rows above the header are skipped"
    assert "工号" in header.names.text()
    click_next(qtbot, wizard)

    mapping = wizard.mapping_page
    assert mapping.combo("工号").currentData() == "staff_no"
    assert mapping.combo("接待总数").currentData() == "contacts"
    for label, code in (("平均响应时长", "first_response_time"), ("平均处理时长", "avg_handle_time"),
                        ("满意度", "csat")):
        combo = mapping.combo(label)
        combo.setCurrentIndex(combo.findData(code))
    combo = mapping.combo("投诉数")
    combo.setCurrentIndex(0)  # do not import
    mapping.save_profile.setChecked(True)
    mapping.profile_name.setText("工单系统导出")
    click_next(qtbot, wizard)

    preview = wizard.preview_page
    qtbot.waitUntil(lambda: wizard.preview is not None)
    mismatch = [p.message for p in wizard.preview.problems if p.code == "period_mismatch"]
    assert mismatch == ["the file says 2025-10 (title row 1); you chose 2025-12"]
    assert preview.period_ok.isVisible() and not preview.isComplete()
    preview.period_ok.setChecked(True)  # one click: October's export goes into December on purpose
    qtbot.waitUntil(lambda: wizard.preview is not None and not any(
        p.blocking for p in wizard.preview.problems if p.code == "period_mismatch"))
    assert preview.facts.findChild(QTableWidget, "previewSetAside").item(0, 0).text().startswith(
        "not imported: totals row (row 11)")
    problems = {p.row: p.message for p in wizard.preview.problems if p.code != "period_mismatch"}
    assert set(problems) == {7, 9}
    assert "CS099" in problems[7] and "四百多" in problems[9]
    assert "2 rows" in preview.counts.text() and "1 totals or notes lines" in preview.counts.text()
    assert "投诉数" in preview.counts.text()
    row7 = preview.model.row_of(7)
    assert preview.model.index(row7, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert not preview.isComplete(), "problems block until the rows are skipped"
    preview.skip.setChecked(True)
    click_next(qtbot, wizard)

    confirm = wizard.confirm_page
    assert "2 rows with problems are skipped" in confirm.summary.text()
    click_next(qtbot, wizard)

    run = wizard.run_page
    qtbot.waitUntil(lambda: run.finished)
    assert wizard.result is not None and wizard.result.counts["skipped_rows"] == 2
    assert run.progress.value() == run.progress.maximum()
    assert 'href="row:7"' in run.skipped_links.text() and 'href="row:9"' in run.skipped_links.text()
    run.skipped_links.linkActivated.emit("row:9")
    assert run.skipped_rows.selectionModel().selectedRows()[0].row() == run.skipped_model.row_of(9)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    assert stored(window, "CS001", "contacts") == Decimal("462")
    assert stored(window, "CS001", "first_response_time") == Decimal("112")
    assert stored(window, "CS001", "csat") == Decimal("96.8")
    assert stored(window, "CS004", "csat") == Decimal("91.1")
    qtbot.waitUntil(lambda: page.cell("CS001", "contacts").data() == "462")
    assert page.cell("CS001", "first_response_time").data() == "1 min 52 s"
    assert page.cell("CS001", "csat").data() == "96.8%"
    assert page.cell("CS002", "avg_handle_time").data() == "3 min 30 s"

    from kpidesk.services.imports.registry import load_profile

    with window.ctx.db.session() as session:
        profile = load_profile(session, "工单系统导出")
    assert profile["columns"]["满意度"] == "csat" and profile["header_row"] == 4
    assert stored(window, "CS001", "complaints") == complaints_before, "a column set not to import is left out"

    again = page.open_import_wizard()  # next month's export: the saved profile matches the columns at once
    again.file_page.path_edit.setText(str(problem_file))
    again.file_page.profile_combo.setCurrentIndex(again.file_page.profile_combo.findData("工单系统导出"))
    for _step in range(3):
        click_next(qtbot, again)
        qtbot.waitUntil(lambda: again.currentPage().isComplete())
    assert again.mapping_page.combo("满意度").currentData() == "csat"
    assert again.mapping_page.combo("平均响应时长").currentData() == "first_response_time"
    assert again.mapping_page.combo("投诉数").currentData() == IGNORED
    again.reject()


def test_cancelling_the_import_writes_nothing(window, qtbot, problem_file, monkeypatch):
    from kpidesk.services.imports import data as import_data

    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None)
    before = stored(window, "CS001", "contacts")
    wizard = page.open_import_wizard()
    wizard.file_page.path_edit.setText(str(problem_file))
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.sheet_page.isComplete())
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview is not None)
    wizard.preview_page.period_ok.setChecked(True)  # the October file goes into December on purpose
    qtbot.waitUntil(lambda: wizard.preview is not None)
    wizard.preview_page.skip.setChecked(True)
    click_next(qtbot, wizard)

    original = import_data.write_values

    def cancel_midway(*args, **kwargs):
        wizard.run_page.cancel()  # the user presses Cancel while the values are being written
        return original(*args, **kwargs)

    monkeypatch.setattr(import_data, "write_values", cancel_midway)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    assert "cancelled" in wizard.run_page.status.text()
    assert wizard.result is None
    assert stored(window, "CS001", "contacts") == before


def test_a_file_that_cannot_be_read_says_why(window, qtbot, tmp_path):
    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None)
    wizard = page.open_import_wizard()
    wizard.file_page.path_edit.setText(str(DATA / "webpage.xls"))
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: "web page" in wizard.sheet_page.status.text())
    assert not wizard.sheet_page.isComplete()


def test_wizard_models_pass_the_model_tester(window, qtbot, problem_file, qtmodeltester):
    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None)
    wizard = page.open_import_wizard()
    wizard.file_page.path_edit.setText(str(problem_file))
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.sheet_page.isComplete())
    qtmodeltester.check(wizard.sheet_page.model, force_py=True)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview is not None)
    qtmodeltester.check(wizard.preview_page.model, force_py=True)
    wizard.reject()
