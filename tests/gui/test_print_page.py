"""The Print page: a PDF generated in a worker with progress, previewed as page images, saved, cancelled."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt


def _print_page(main_window):
    page = main_window.show_page("print")
    assert page is not None and page.choices is not None, "the print choices did not load"
    return page


def test_saving_sheets_writes_the_pdf_and_advances_the_progress_bar(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.choose_employees(["CS001", "CS002", "CS004"])
    target = tmp_path / "sheets.pdf"
    dialogs.queue(str(target))
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert target.is_file() and target.read_bytes()[:5] == b"%PDF-"
    assert page.outcome.documents == 3
    assert len(PdfReader(str(target)).pages) == page.outcome.pages >= 3
    # the progress bar advanced to its end, through several steps
    assert len(page.progress_seen) > 3
    assert page.progress.value() == page.progress.maximum() > 0
    assert str(target) in page.status.text()


def test_preview_shows_page_images_and_saving_copies_the_previewed_file(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.group_radio.setChecked(True)
    page.group_combo.setCurrentIndex(page.group_combo.findData("二组"))
    page.summary_check.setChecked(True)
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    preview = page.preview_widget
    assert preview.page_count >= 2
    assert "(s)" not in page.status.text()  # counts read as words, not "1 document(s)"
    assert " documents · " in page.status.text() or " document · " in page.status.text(), page.status.text()
    assert not preview.image.pixmap().isNull() and preview.image.pixmap().width() > 300
    qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
    assert preview.page == 1 and "2" in preview.page_label.text()
    previewed = page._preview_file().read_bytes()
    target = tmp_path / "team2.pdf"
    dialogs.queue(str(target))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == previewed


def test_one_file_per_employee(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.choose_employees(["CS001", "CS009"])
    page.split_radio.setChecked(True)
    dialogs.queue(str(tmp_path / "out"))
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    files = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(files) == 2 and all("CS001" in f.name or "CS009" in f.name for f in files)


def test_cancel_leaves_no_file(main_window, qtbot, dialogs, tmp_path):
    page = _print_page(main_window)
    page.everyone_radio.setChecked(True)
    target = tmp_path / "cancelled.pdf"
    dialogs.queue(str(target))
    cancelled_at = []

    def cancel_once(progress):
        if not cancelled_at and progress.done >= 1:
            cancelled_at.append(progress)
            page.cancel()

    page.bridge.progressed.connect(cancel_once)
    with qtbot.waitSignal(page.finished, timeout=60000) as finished:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert cancelled_at
    assert type(finished.args[0]).__name__ == "Cancelled"
    assert not target.exists()
    assert "no file" in page.status.text()


def test_a_link_to_an_employee_chooses_them(main_window):
    from kpidesk.services.people.use_cases import staff_no_of

    page = _print_page(main_window)
    employee_id = next(i for i in range(1, 100) if staff_no_of(main_window.ctx.db, main_window.ctx.actor, i) == "CS002")
    page.focus_employee(employee_id)
    assert page.chosen_staff() == ["CS002"] and page.chosen_radio.isChecked()


def test_counts_read_as_words_in_both_languages():
    from kpidesk.i18n import set_language
    from kpidesk.ui.pages.print.page import counts_text

    assert counts_text(1, 1) == "1 document · 1 page"
    assert counts_text(3, 7) == "3 documents · 7 pages"
    set_language("zh_CN")
    try:
        assert counts_text(3, 7) == "3 份文档 · 共 7 页"
    finally:
        set_language("en")


def test_a_first_pdf_is_offered_in_documents_and_opens_after_saving(main_window, qtbot, dialogs, tmp_path):
    from PySide6.QtCore import QStandardPaths

    page = _print_page(main_window)
    page.choose_employees(["CS001"])
    assert not page.open_pdf_button.isEnabled()
    target = tmp_path / "one.pdf"
    dialogs.queue(str(target))
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    offered = next(a.offered for a in dialogs.asked if a.kind == "save_file")
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert offered.startswith(documents) and offered.endswith("CS001.pdf"), offered
    assert page.open_pdf_button.isEnabled() and page.open_pdf_button.text() == "Open PDF"
    qtbot.mouseClick(page.open_pdf_button, Qt.MouseButton.LeftButton)
    assert [a.offered or a.text for a in dialogs.asked if a.kind == "open_document"] == [str(target)]


def test_the_preview_zooms(main_window, qtbot):
    page = _print_page(main_window)
    page.choose_employees(["CS001"])
    with qtbot.waitSignal(page.finished, timeout=60000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    preview = page.preview_widget
    assert preview.zoom is None  # fits the width at first
    preview.set_zoom(1.0)
    actual = preview.image.pixmap().width() / preview.image.pixmap().devicePixelRatio()
    assert abs(actual - 595 * preview.logicalDpiX() / 72) < 3  # A4 is 595 points wide
    preview.set_zoom(2.0)
    assert preview.image.pixmap().width() / preview.image.pixmap().devicePixelRatio() == pytest.approx(2 * actual, abs=3)
    assert preview.zoom_combo.currentText() == "200%"
