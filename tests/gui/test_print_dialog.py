"""Printing from the Print page: generated in the worker, the (scripted) system print dialog, every page drawn on
the printer — here a PDF printer — with the page range and copies chosen; and the pay section offered only to
those who may see pay."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from kpidesk.services.actor import Actor, Role
from kpidesk.store import models as m
from kpidesk.ui.context import AppContext
from kpidesk.ui.pages import page_entry


def _print_page(main_window):
    page = main_window.show_page("print")
    assert page is not None and page.choices is not None, "the print choices did not load"
    return page


def _to_pdf(out: Path, *, accept: bool = True, pages: str = "", copies: int = 1):
    """The user's choices in the print dialog: a PDF printer writing ``out``, maybe a page range and copies."""

    def choose(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(100)  # a coarse printer keeps the test quick
        if pages:
            first, _dash, last = pages.partition("-")
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(int(first), int(last or first))
        printer.setCopyCount(copies)
        return accept

    return choose


def _page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def test_print_generates_then_prints_every_page(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.choose_employees(["CS001", "CS002"])
    assert page.print_button.isEnabled()
    out = tmp_path / "printed.pdf"
    dialogs.queue(_to_pdf(out))
    with qtbot.waitSignal(page.finished, timeout=60000) as finished:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    outcome = finished.args[0]
    assert outcome.documents == 2
    generated = page._preview_file()
    assert out.is_file() and out.read_bytes()[:5] == b"%PDF-"
    assert _page_count(out) == _page_count(generated) == outcome.pages >= 2
    assert all(len(printed.images) == 1 for printed in PdfReader(str(out)).pages)  # each page drawn as its image
    asked = [a for a in dialogs.asked if a.kind == "print_setup"]
    assert len(asked) == 1 and asked[0].text == str(outcome.pages)  # the dialog knew how many pages there are
    assert page.preview_widget.page_count == outcome.pages  # what was printed is what the preview shows
    assert "Sent" in page.status.text() and str(out) in page.status.text()
    labels = {p.label for p in page.progress_seen}
    assert "Sending the pages to the printer" in labels  # the spooling reported its progress
    assert page.progress.value() == page.progress.maximum() > 0
    assert not page.cancel_button.isEnabled() and page.print_button.isEnabled()


def test_page_range_and_copies_reuse_the_generated_file(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.choose_employees(["CS003", "CS004"])  # two one-page sheets
    first = tmp_path / "all.pdf"
    dialogs.queue(_to_pdf(first))
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    pages = _page_count(first)
    assert pages >= 2
    generated = page._preview_file().stat().st_mtime_ns
    second = tmp_path / "page2-twice.pdf"
    dialogs.queue(_to_pdf(second, pages="2", copies=2))
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert _page_count(second) == 2  # page 2, twice: a PDF printer makes no copies of its own
    assert page._preview_file().stat().st_mtime_ns == generated  # printed again without generating again


def test_cancelling_the_print_dialog_prints_nothing(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.choose_employees(["CS001"])
    out = tmp_path / "never.pdf"
    dialogs.queue(_to_pdf(out, accept=False))
    with qtbot.waitSignal(page.finished, timeout=60000) as finished:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert type(finished.args[0]).__name__ == "Cancelled"
    assert [a.kind for a in dialogs.asked] == ["print_setup"]
    assert not out.exists()
    assert "nothing was sent" in page.status.text()


def test_ctrl_p_prints_from_the_page(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    assert page.print_shortcut.key() == QKeySequence(QKeySequence.StandardKey.Print)
    page.choose_employees(["CS001"])
    out = tmp_path / "shortcut.pdf"
    dialogs.queue(_to_pdf(out))
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.keyClick(page.employee_list, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert out.is_file() and _page_count(out) >= 1


# --- the pay section choice -------------------------------------------------------------------------------


def _page_for(qtbot, db, actor, sync_tasks, dialogs, ui_settings, period="2025-10"):
    ctx = AppContext(actor=actor, tasks=sync_tasks, dialogs=dialogs, settings=ui_settings)
    ctx.db = db
    ctx.period_code = period
    page = page_entry("print").load()(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.choices is not None, timeout=20000)
    return page


@pytest.fixture
def head(demo_db):
    with demo_db.session() as session:
        departments = frozenset(session.execute(select(m.Department.id)).scalars())
    return Actor("zhou", Role.HEAD, department_ids=departments)


def test_pay_choice_is_hidden_from_a_head(qtbot, demo_db, head, sync_tasks, dialogs, ui_settings):
    page = _page_for(qtbot, demo_db, head, sync_tasks, dialogs, ui_settings)
    assert page.choices.employees  # the head sees the department's people
    assert page.pay_check.isHidden() and not page.pay_check.isVisible()
    page.pay_check.setChecked(True)  # even if it were ticked somehow, nothing asks for pay
    assert page.request().pay is False


def test_pay_choice_is_offered_to_an_administrator_and_reaches_the_sheet(qtbot, demo_db, sync_tasks, dialogs,
                                                                        ui_settings):
    page = _page_for(qtbot, demo_db, Actor("boss", Role.ADMIN), sync_tasks, dialogs, ui_settings)
    assert page.pay_check.isVisible() and not page.pay_check.isChecked()
    assert page.request().pay is False
    page.choose_employees(["CS001"])
    page.pay_check.setChecked(True)
    assert page.request().pay is True
    page.year_radio.setChecked(True)  # year sheets carry no pay
    assert not page.pay_check.isEnabled() and page.request().pay is False
    page.period_radio.setChecked(True)
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    text = "".join(p.extract_text() or "" for p in PdfReader(str(page._preview_file())).pages)
    assert "Pay item" in text and "Base pay" in text


# --- translations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["kpidesk/ui/pages/print/page.py", "kpidesk/ui/pages/print/spool.py"])
def test_print_page_strings_have_their_chinese(module):
    from babel.messages.extract import extract_from_file
    from tests_support.repo import REPO_ROOT

    from kpidesk.i18n.compile import merged_catalog
    from kpidesk.resources import TRANSLATIONS_DIR

    catalog = merged_catalog(TRANSLATIONS_DIR / "zh_CN")
    messages = [message for _line, message, _comments, _context in
                extract_from_file("python", str(REPO_ROOT / module), keywords={"_": None, "N_": None})]
    assert messages
    missing = [message for message in messages if not (catalog.get(message) and catalog.get(message).string)]
    assert missing == []
