"""Settings page: organisation settings and grade scale saved through the services; language switch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from kpidesk.services.people import organisation as org_service
from kpidesk.services.safety.settings import load_settings


@pytest.fixture
def page(main_window):
    return main_window.show_page("settings")


def _stored(window):
    with window.ctx.db.session() as session:
        return load_settings(session), org_service.grade_bands(session)


def test_settings_show_what_the_database_holds(page):
    assert page.organisation_name.text() == "示例客服中心"
    assert page.quantitative.value() == 70 and page.qualitative.value() == 30
    assert page.grades.rowCount() == 4 and page.grades.item(0, 1).text() == "优秀"
    assert page.backup_folder.text().endswith("backups")


def test_save_organisation_settings_and_a_logo(page, main_window, dialogs, qtbot, tmp_path):
    logo = tmp_path / "logo.png"
    image = QImage(900, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f6fb2"))
    assert image.save(str(logo))
    page.organisation_name.setText("客服中心（华东）")
    page.quantitative.setValue(60)
    assert page.qualitative.value() == 40
    page.rater_spins["manager"].setValue(60)
    page.rater_spins["self"].setValue(20)
    page.rater_spins["peer"].setValue(20)
    dialogs.queue(str(logo))
    qtbot.mouseClick(page.choose_logo_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Settings saved."
    organisation, _bands = _stored(main_window)
    assert organisation.name == "客服中心（华东）"
    assert (organisation.quantitative_share, organisation.qualitative_share) == (60, 40)
    assert organisation.rater_weights == {"manager": 60, "self": 20, "peer": 20, "hr": 0}
    assert organisation.logo.startswith(b"\x89PNG")
    stored = QImage.fromData(organisation.logo)
    assert max(stored.width(), stored.height()) == 320  # scaled down before storing


def test_rater_weights_must_sum_to_100(page, main_window, qtbot):
    page.rater_spins["peer"].setValue(10)
    assert "110%" in page.rater_sum.text()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "110%" in page.message.text()
    organisation, _bands = _stored(main_window)
    assert organisation.rater_weights["peer"] == 0


def test_edit_the_grade_scale(page, main_window, qtbot):
    page.grades.item(0, 3).setText("90")
    page.grades.item(1, 3).setText("80")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    _organisation, bands = _stored(main_window)
    assert [(b.code, int(b.lower_bound)) for b in bands] == [("excellent", 90), ("good", 80), ("fair", 70), ("poor", 0)]
    page.grades.item(3, 3).setText("10")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "start at 0" in page.message.text()


def test_switching_language_changes_the_labels(page, main_window):
    assert page.title.text() == "Settings" and page.save_button.text() == "Save settings"
    page.language.setCurrentIndex(page.language.findData("zh_CN"))
    assert page.title.text() == "设置" and page.save_button.text() == "保存设置"
    assert main_window.file_menu.title() == "文件(&F)"
    assert main_window.sidebar.item(main_window.page_keys().index("staff")).text() == "员工"
    staff = main_window.show_page("staff")
    assert staff.add_button.text() == "新增…"
    dialog = staff.add_employee()
    assert dialog.windowTitle() == "新增员工" and dialog.ok_button().text() == "新增员工"  # the verb
    assert dialog.buttons.button(dialog.buttons.StandardButton.Cancel).text() == "取消"  # Qt's own texts too
    dialog.reject()
    assert staff.model.headerData(1, Qt.Orientation.Horizontal) == "姓名"
    assert main_window.ctx.settings.value("language") == "zh_CN"
    page.language.setCurrentIndex(page.language.findData("en"))
    assert staff.add_button.text() == "Add…" and main_window.file_menu.title() == "&File"


def test_change_the_backup_folder_and_go_back_to_the_default(page, main_window, dialogs, qtbot, tmp_path):
    from kpidesk.store import backups as files

    db = main_window.ctx.db
    default = db.path.parent / "backups"
    before = files.list_backups(default, db.path.stem)
    assert before, "opening took the daily backup"
    chosen = tmp_path / "U盘" / "备份"
    dialogs.queue(str(chosen))
    qtbot.mouseClick(page.change_folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.backup_folder.text() == str(chosen.resolve()))
    assert str(len(before)) in page.message.text()
    assert [b.path.name for b in files.list_backups(chosen, db.path.stem)] == [b.path.name for b in before]
    assert db.backup_dir == chosen.resolve()

    qtbot.mouseClick(page.default_folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.backup_folder.text() == str(default))
    assert len(files.list_backups(default, db.path.stem)) == len(before)


def test_a_folder_that_cannot_hold_backups_is_refused_with_its_name(page, main_window, dialogs, qtbot, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    dialogs.queue(str(blocker / "backups"))
    qtbot.mouseClick(page.change_folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not-a-folder" in page.message.text())
    assert page.backup_folder.text().endswith("backups")
    assert main_window.ctx.db.backup_dir == main_window.ctx.db.path.parent / "backups"


def test_the_document_language_is_an_organisation_setting_the_print_page_follows(page, main_window, qtbot):
    combo = page.document_language
    assert combo.currentData() == ""  # each computer's program language, until chosen
    combo.setCurrentIndex(combo.findData("zh_CN"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Settings saved."
    organisation, _bands = _stored(main_window)
    assert organisation.document_language == "zh_CN"
    printing = main_window.show_page("print")
    qtbot.waitUntil(lambda: printing.choices is not None and printing.choices.document_language == "zh_CN")
    printing.choose_employees(["CS001"])
    assert printing.request().lang == "zh_CN"  # the window is in English; the sheets follow the organisation


def test_grade_consequences_are_edited_and_saved(page, main_window, qtbot):
    from kpidesk.domain.grades import GradeConsequence

    box = page.consequences_box
    assert box.table.rowCount() == 4
    assert [box.table.item(1, c).text() for c in range(3)] == ["good", "较强", "一级客服"]
    box.table.item(1, 2).setText("二级客服")
    box.table.setCurrentCell(3, 0)
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Settings saved."
    organisation, _bands = _stored(main_window)
    assert organisation.grade_consequences == (
        GradeConsequence("excellent", "无", "资深客服"), GradeConsequence("good", "较强", "二级客服"),
        GradeConsequence("fair", "强", "初级客服"))


def test_a_grade_named_twice_is_refused(page, main_window, qtbot):
    box = page.consequences_box
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    box.table.item(4, 0).setText("good")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "only once" in page.message.text()
    organisation, _bands = _stored(main_window)
    assert len(organisation.grade_consequences) == 4


def test_the_starter_library_is_updated_after_confirming(make_window, db, actor, tmp_path, qtbot, dialogs):
    from tests_support.older_starter import install_older

    older = install_older(db, actor, tmp_path)
    path = db.path
    db.dispose()
    window = make_window(opened_on=path)
    box = window.show_page("settings").starter_box
    assert box.state.text() == f"Made from customer-service, version {older}."
    dialogs.queue(False)  # first look, then decline
    qtbot.mouseClick(box.check_button, Qt.MouseButton.LeftButton)
    asked = dialogs.asked[-1].text
    assert "changed template csr" in asked and "new template specialist" in asked
    organisation, _bands = _stored(window)
    assert organisation.starter_version == older
    dialogs.queue(True)
    qtbot.mouseClick(box.check_button, Qt.MouseButton.LeftButton)
    organisation, _bands = _stored(window)
    assert organisation.starter_version == older + 1
    assert box.message.text() == f"Updated to version {older + 1}: 4 changes."
    qtbot.mouseClick(box.check_button, Qt.MouseButton.LeftButton)
    assert box.message.text() == "The library is up to date."


def test_a_grade_the_scale_does_not_have_is_refused(page, main_window, qtbot):
    box = page.consequences_box
    box.table.item(3, 0).setText("terrible")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "terrible" in page.message.text() and "Settings saved." not in page.message.text()
    organisation, _bands = _stored(main_window)
    assert organisation.grade_consequences[3].grade == "poor"


def test_a_database_without_a_recorded_library_is_compared_with_a_chosen_one(make_window, db, actor, tmp_path,
                                                                            qtbot, dialogs):
    from tests_support.older_starter import install_older

    from kpidesk.services.library.starter import available_starters
    from kpidesk.services.safety.settings import update_settings

    older = install_older(db, actor, tmp_path)
    with db.write() as session:  # as made before libraries recorded where they came from
        update_settings(session, actor, starter_library="", starter_version=0)
    path = db.path
    db.dispose()
    window = make_window(opened_on=path)
    box = window.show_page("settings").starter_box
    assert "does not record" in box.state.text() and box.check_button.isEnabled()
    dialogs.queue(available_starters().index("customer-service"), True)
    qtbot.mouseClick(box.check_button, Qt.MouseButton.LeftButton)
    assert [a.kind for a in dialogs.asked[-2:]] == ["choose", "confirm"]
    organisation, _bands = _stored(window)
    assert (organisation.starter_library, organisation.starter_version) == ("customer-service", older + 1)


def test_minimum_coverage_to_grade_is_shown_and_saved(page, main_window, qtbot):
    assert page.min_coverage.value() == 80  # a new database grades only results resting on 80 %
    page.min_coverage.setFocus()
    page.min_coverage.selectAll()
    qtbot.keyClicks(page.min_coverage, "65")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Settings saved."
    organisation, _bands = _stored(main_window)
    assert organisation.min_coverage_to_grade == 65
    page.min_coverage.setValue(0)
    assert page.min_coverage.text() == "Off"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert _stored(main_window)[0].min_coverage_to_grade == 0
