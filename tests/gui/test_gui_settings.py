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
    assert dialog.windowTitle() == "新增员工" and dialog.ok_button().text() == "确定"  # Qt's own texts too
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
