"""Moving through periods on Data entry (say, with the arrow keys in the period box) reads only the sheet
of the period the person stops at: a read for a period they have moved past stops between its reads, so
the one they want does not wait behind it (half a second each for a 5,000-person office). Likewise the
scores computed after an edit give way to those after the next edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from tests_support.pools import HeldPool
from tests_support.windows import window_on_demo


def test_a_sheet_read_for_a_period_passed_by_stops_and_the_last_one_is_shown(
        qtbot, ui_settings, dialogs, demo_db, monkeypatch):
    from kpidesk.ui.pages.data_entry import model

    finished: list[str] = []
    warnings = model.rate_warnings

    def read_to_the_end(sheet):  # the last thing a sheet's read does
        finished.append(sheet.period)
        return warnings(sheet)

    monkeypatch.setattr(model, "rate_warnings", read_to_the_end)
    database_work = HeldPool()
    window = window_on_demo(qtbot, ui_settings, dialogs, demo_db, database_work=database_work)
    window.ctx.set_period("2025-10")
    page = window.show_page("data_entry")
    assert page.sheet is not None and page.sheet.period == "2025-10"
    finished.clear()

    database_work.held = True
    combo = window.period_combo
    combo.setFocus()
    start = combo.currentIndex()
    for _key in range(2):  # two periods on, a key press each
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == start + 2
    shown = window.ctx.period_code
    assert shown != "2025-10"
    database_work.release()
    qtbot.waitUntil(lambda: page.sheet is not None and page.sheet.period == shown)
    assert finished == [shown]  # the read for the period in between gave way
    assert dialogs.messages("error") == []  # and said nothing
    assert page.model.rowCount() > 0


def test_scores_computed_after_an_older_edit_give_way_to_the_newer_computation(
        qtbot, ui_settings, dialogs, demo_db, monkeypatch):
    from kpidesk.domain import scoring as engine

    scored: list[object] = []
    score = engine.score_period

    def counted(data):
        scored.append(data)
        return score(data)

    rendering = HeldPool()
    window = window_on_demo(qtbot, ui_settings, dialogs, demo_db, rendering=rendering)
    window.ctx.set_period("2025-12")
    page = window.show_page("data_entry")
    rendering.release()
    qtbot.waitUntil(lambda: bool(page.model.computed.totals))
    monkeypatch.setattr(engine, "score_period", counted)

    rendering.held = True
    page.compute()  # after one edit
    page.compute()  # after the next, before the first computation ran
    rendering.release()
    assert len(scored) == 1  # the first stopped before scoring
    assert page.model.computed.totals and dialogs.messages("error") == []
    assert "could not be computed" not in page.message.text()  # the computation given up says nothing
