"""Help › User guide shows the bundled guide in the user's language, Help › Open log folder opens the log
folder, Help › About names the version, the database and the licence; the menu speaks Chinese."""

from __future__ import annotations

from kpidesk import __version__
from kpidesk.logging_setup import log_file
from kpidesk.resources import guide_file


def help_actions(window):
    return [a for a in window.help_menu.actions() if not a.isSeparator()]


def test_the_help_menu_lists_guide_log_folder_and_about(new_window):
    assert [a.text() for a in help_actions(new_window)] == ["User &guide", "Open &log folder", "&About KPI Desk"]


def test_the_user_guide_opens_in_english_with_its_screenshots(new_window, qtbot):
    new_window.guide_action.trigger()
    guide = new_window.guide_window
    qtbot.waitExposed(guide)
    assert guide.guide == guide_file("en") and guide.guide.is_file()
    text = guide.browser.toPlainText()
    assert "first appraisal cycle" in text.lower()
    staff_png = guide.browser.document().resource(3, guide.browser.source().resolved("screenshots/staff.png"))
    assert staff_png is not None and not staff_png.isNull()  # the images load from beside the guide


def test_the_user_guide_follows_the_language(new_window, qtbot):
    new_window.switch_language("zh_CN")
    try:
        new_window.guide_action.trigger()
        guide = new_window.guide_window
        assert guide.guide == guide_file("zh")
        assert "第一个考核周期" in guide.browser.toPlainText()
        assert guide.windowTitle() == "KPI Desk 使用指南"
        assert [a.text() for a in help_actions(new_window)] == ["使用指南(&G)", "打开日志文件夹(&L)", "关于 KPI Desk(&A)"]
    finally:
        new_window.switch_language("en")
    new_window.guide_action.trigger()  # the same window, now in English
    assert new_window.guide_window.guide == guide_file("en")


def test_open_log_folder_creates_and_opens_it(new_window, dialogs, tmp_path, monkeypatch):
    monkeypatch.setenv("KPIDESK_LOG", str(tmp_path / "no logs yet" / "kpidesk.log"))
    assert not log_file().parent.exists()
    new_window.log_folder_action.trigger()
    assert log_file().parent.is_dir()
    assert [(a.kind, a.text) for a in dialogs.asked] == [("open_folder", str(log_file().parent))]


def test_about_names_version_database_and_licence(open_window, dialogs):
    open_window.about_action.trigger()
    (about,) = dialogs.messages("info")
    assert __version__ in about
    assert str(open_window.ctx.db.path) in about
    assert "MIT" in about


def test_a_build_without_the_guide_says_so(new_window, monkeypatch):
    from kpidesk import resources

    def missing(_language):
        raise FileNotFoundError("kpidesk/_bundled/guide")

    monkeypatch.setattr(resources, "guide_file", missing)
    new_window.guide_action.trigger()
    assert new_window.guide_window.guide is None
    assert "without its user guide" in new_window.guide_window.browser.toPlainText()
