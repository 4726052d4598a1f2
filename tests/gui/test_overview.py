"""The Overview page on the demo: progress cards, missing items that open the page fixing them, movers."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _overview(main_window):
    page = main_window.show_page("overview")
    assert page is not None and page.overview is not None, "the overview did not load"
    return page


def test_cards_show_the_period_progress(main_window):
    page = _overview(main_window)
    assert page.overview.period == "2025-12"
    assert page.data_card.figure.text() == "12 / 12"  # the head is appraised too
    assert page.results_card.figure.text() == "12 / 12"
    submitted = page.overview.forms_submitted
    assert page.forms_card.figure.text() == f"{submitted} / {submitted}"
    assert page.final_card.figure.text() == "No"
    assert sum(bar.count for bar in page.grade_bars.bars) == 12
    assert page.movers_model.rowCount() == 5
    assert any("孙悦" in page.streak_list.item(i).text() for i in range(page.streak_list.count()))


def test_a_missing_item_opens_the_page_that_fixes_it(main_window, qtbot):
    from kpidesk.services.people.staff import add_employee, get_or_create_position
    from kpidesk.ui.context import Changes

    page = _overview(main_window)
    with main_window.ctx.db.write() as session:  # a newcomer whose position has no template yet
        position = get_or_create_position(session, "实习生", "Intern")
        add_employee(session, main_window.ctx.actor, staff_no="CS099", name="吴新", position_id=position.id)
    main_window.ctx.notify(Changes.STAFF)
    qtbot.waitUntil(lambda: any("吴新" in page.missing_list.item(i).text() for i in range(page.missing_list.count())))
    items = [page.missing_list.item(i) for i in range(page.missing_list.count())]
    template_item = next(item for item in items if "吴新" in item.text())
    with qtbot.waitSignal(page.navigate_requested) as blocker:
        rect = page.missing_list.visualItemRect(template_item)
        qtbot.mouseClick(page.missing_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0] == "templates"
    assert main_window.current_page_key() == "templates"


def test_a_card_opens_its_page(main_window, qtbot):
    page = _overview(main_window)
    qtbot.mouseClick(page.data_card, Qt.MouseButton.LeftButton)
    assert main_window.current_page_key() == "data_entry"


def test_switching_to_a_finalized_period_shows_it_locked(main_window):
    page = _overview(main_window)
    main_window.ctx.set_period("2025-11")
    assert page.overview.period == "2025-11"
    assert page.final_card.figure.text() == "Yes"
    texts = [page.missing_list.item(i).text() for i in range(page.missing_list.count())]
    assert any("not fully signed" in text for text in texts)


def test_overview_models_pass_the_model_tester(main_window, qtmodeltester):
    page = _overview(main_window)
    qtmodeltester.check(page.movers_model)
    qtmodeltester.check(page.raters_model)


def test_unsigned_sheets_open_the_sign_offs_tab(main_window, qtbot):
    page = _overview(main_window)
    main_window.ctx.set_period("2025-11")
    items = [page.missing_list.item(i) for i in range(page.missing_list.count())]
    unsigned = next(item for item in items if "not fully signed" in item.text())
    rect = page.missing_list.visualItemRect(unsigned)
    qtbot.mouseClick(page.missing_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert main_window.current_page_key() == "results"
    results = main_window.show_page("results")
    assert results.tabs.currentWidget() is results.signoffs
