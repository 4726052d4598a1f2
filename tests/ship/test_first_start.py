"""A new profile: the real main window with an empty HOME, each welcome choice clicked, ending with an open
database; a location that cannot be written is named and another one chosen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kpidesk.store.locations import default_database_path, user_data_folder
from kpidesk.ui import opening


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_profile_starts_empty():
    assert not user_data_folder().exists()


def test_starter_library_on_a_new_profile(new_window, qtbot):
    assert not user_data_folder().exists()
    welcome = new_window.welcome
    assert welcome is not None and welcome.isVisible()
    click(qtbot, welcome.starter_button)
    assert new_window.ctx.db is not None, new_window.ctx.dialogs.messages()
    assert new_window.ctx.db.path == default_database_path()
    assert default_database_path().is_file()
    assert "kpidesk.db" in new_window.database_status.text()


@pytest.mark.slow
def test_demo_on_a_new_profile(new_window, qtbot):
    click(qtbot, new_window.welcome.demo_button)
    assert new_window.ctx.db is not None, new_window.ctx.dialogs.messages()
    assert new_window.ctx.db.path == opening.demo_database_path()
    assert new_window.period_combo.count() == 12


def test_existing_file_on_a_new_profile(new_window, qtbot, tmp_path, dialogs):
    from kpidesk.cli import main

    existing = tmp_path / "copied from the office" / "office.db"
    existing.parent.mkdir()
    assert main(["--db", str(existing), "init", "--starter", "customer-service"]) == 0
    dialogs.queue(str(existing))
    click(qtbot, new_window.welcome.open_button)
    assert [a.kind for a in dialogs.asked] == ["open_file"]
    assert new_window.ctx.db is not None and new_window.ctx.db.path == existing


@pytest.fixture
def data_folder_under_a_file(tmp_path, monkeypatch):
    """The user data folder would have to be made inside a regular file: no one can write there, root
    included (permissions do not stop root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    return blocker


def test_an_unwritable_location_is_named_and_another_chosen(data_folder_under_a_file, new_window, qtbot,
                                                             tmp_path, dialogs):
    elsewhere = tmp_path / "somewhere new" / "kpidesk.db"
    dialogs.queue(str(elsewhere))
    click(qtbot, new_window.welcome.starter_button)
    (warning,) = dialogs.messages("warning")
    assert str(user_data_folder()) in warning and "Choose another location" in warning
    assert [a.kind for a in dialogs.asked] == ["warning", "save_file"]
    assert new_window.ctx.db is not None and new_window.ctx.db.path == elsewhere


def test_cancelling_the_other_location_returns_to_the_welcome(data_folder_under_a_file, new_window, qtbot,
                                                              dialogs):
    click(qtbot, new_window.welcome.demo_button)
    assert [a.kind for a in dialogs.asked] == ["warning", "save_file"]
    assert new_window.ctx.db is None
    assert new_window.welcome.isVisible()


def test_the_cli_names_the_unwritable_folder(data_folder_under_a_file, capsys):
    from kpidesk.cli import main

    target = data_folder_under_a_file / "sub" / "office.db"
    assert main(["--db", str(target), "init"]) == 3
    assert str(target.parent) in capsys.readouterr().err


def test_folders_are_created_for_a_chosen_path(tmp_path):
    from kpidesk.cli import main

    target = tmp_path / "new" / "deeper" / "office.db"
    assert main(["--db", str(target), "init"]) == 0
    assert target.is_file()
