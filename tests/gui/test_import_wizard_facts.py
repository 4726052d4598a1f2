"""The import wizard shows how each column was matched, takes an unsure guess with one click, and lists the
values that change, old → new."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget, QWizard

from kpidesk.services.actor import Actor

PERIOD = "2025-12"


@pytest.fixture
def window(main_window):
    yield main_window
    try:
        main_window.ctx.language_changed.disconnect()
    except (RuntimeError, TypeError):
        pass


def click_next(qtbot, wizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), f"Next is disabled on {type(wizard.currentPage()).__name__}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_confirm_a_guess_with_one_click_and_see_old_to_new(window, qtbot, tmp_path):
    from kpidesk.services.appraisal import measurements
    from kpidesk.services.people import staff

    with window.ctx.db.session() as session:
        employee = staff.employee_by_staff_no(session, "CS001")
        before = measurements.values_for_period(session, Actor("hr"), PERIOD).get((employee.id, "contacts"))
    path = tmp_path / "质检抽查_2025-12.csv"
    path.write_text(f"工号,接待总数,质检平均分\nCS001,{int(before or 0) + 7},93\n", encoding="utf-8")
    page = window.show_page("data_entry")
    qtbot.waitUntil(lambda: page.sheet is not None)
    wizard = page.open_import_wizard()
    wizard.file_page.path_edit.setText(str(path))
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.sheet_page.isComplete())
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)

    mapping = wizard.mapping_page
    assert mapping.grid.cellWidget(1, 3).text() == "exact"
    assert mapping.combo("质检平均分").currentData() == "(ignored)", "an unsure guess is not taken by itself"
    button = mapping.findChild(QPushButton, "confirmGuess:质检平均分")
    assert button.text().startswith("Use qa_score (guess ")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert mapping.combo("质检平均分").currentData() == "qa_score"
    click_next(qtbot, wizard)

    qtbot.waitUntil(lambda: wizard.preview is not None)
    facts = wizard.preview_page.facts
    columns = facts.findChild(QTableWidget, "previewColumns")
    assert [columns.item(r, 1).text() for r in range(columns.rowCount())] == ["staff_no", "contacts", "qa_score"]
    changes = facts.findChild(QTableWidget, "previewChanges")
    cells = {changes.item(r, 1).text(): (changes.item(r, 3).text(), changes.item(r, 4).text())
             for r in range(changes.rowCount())}
    assert cells["contacts"][1] == str(int(before or 0) + 7)
    assert cells["contacts"][0] == ("—" if before is None else str(int(before)))
    assert cells["qa_score"][1] == "93"
    wizard.reject()
