"""The backup-folder file has one declared shape; damaged or unknown content falls back to the defaults
with a logged warning instead of stopping the program or losing the database's backups."""

from __future__ import annotations

import json
import logging

import pytest

from kpidesk.store import locations
from kpidesk.store.backup_folder_settings import (
    BackupFolderSettings,
    load_backup_folder_settings,
    save_backup_folder_settings,
)


@pytest.fixture
def settings_file(tmp_path, monkeypatch):
    path = tmp_path / "config" / "backup-folders.json"
    monkeypatch.setattr(locations, "_backup_choices_file", lambda: path)
    return path


def test_saved_settings_read_back_the_same(tmp_path):
    path = tmp_path / "backup-folders.json"
    settings = BackupFolderSettings().with_folder(str(tmp_path / "a.db"), str(tmp_path / "elsewhere"))
    save_backup_folder_settings(path, settings)
    assert load_backup_folder_settings(path) == settings
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    assert load_backup_folder_settings(path).folder_for(str(tmp_path / "a.db")) == tmp_path / "elsewhere"


def test_no_file_means_the_defaults(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert load_backup_folder_settings(tmp_path / "none.json") == BackupFolderSettings()
    assert not caplog.records


def test_the_first_files_bare_map_is_still_read(tmp_path):
    path = tmp_path / "backup-folders.json"
    path.write_text(json.dumps({str(tmp_path / "a.db"): str(tmp_path / "b")}), encoding="utf-8")
    assert load_backup_folder_settings(path).folder_for(str(tmp_path / "a.db")) == tmp_path / "b"


@pytest.mark.parametrize("content", [
    "{not json",
    "[1, 2]",
    json.dumps({"version": 1, "folders": {"relative.db": "/backups"}}),
    json.dumps({"version": 1, "folders": ["/a.db"]}),
    json.dumps({"version": "one", "folders": {}}),
    json.dumps({"/a.db": 3}),
])
def test_damaged_content_falls_back_to_the_defaults_with_a_warning(tmp_path, caplog, content):
    path = tmp_path / "backup-folders.json"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kpidesk.store.backup_folder_settings"):
        assert load_backup_folder_settings(path) == BackupFolderSettings()
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


def test_unknown_keys_are_ignored_with_a_warning(tmp_path, caplog):
    path = tmp_path / "backup-folders.json"
    folders = {str(tmp_path / "a.db"): str(tmp_path / "b")}
    path.write_text(json.dumps({"version": 1, "folders": folders, "colour": "blue"}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kpidesk.store.backup_folder_settings"):
        settings = load_backup_folder_settings(path)
    assert dict(settings.folders) == folders
    assert any("colour" in record.getMessage() for record in caplog.records)


def test_a_chosen_folder_is_remembered_and_forgotten(settings_file, tmp_path):
    database = tmp_path / "office.db"
    assert locations.backup_folder_for(database) == tmp_path / "backups"
    locations.remember_backup_folder(database, tmp_path / "safe")
    assert locations.backup_folder_for(database) == (tmp_path / "safe").resolve()
    locations.remember_backup_folder(database, None)
    assert locations.backup_folder_for(database) == tmp_path / "backups"
    assert json.loads(settings_file.read_text(encoding="utf-8")) == {"version": 1, "folders": {}}


def test_a_damaged_file_keeps_backups_beside_the_database_and_is_replaced_whole(settings_file, tmp_path):
    database = tmp_path / "office.db"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("\x00garbage", encoding="utf-8")
    assert locations.backup_folder_for(database) == tmp_path / "backups"
    locations.remember_backup_folder(database, tmp_path / "safe")
    assert load_backup_folder_settings(settings_file).folder_for(str(database.resolve())) == (tmp_path / "safe").resolve()
