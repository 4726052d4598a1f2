"""This computer's preferences: every QSettings key declared once, read back with its type through an INI
file, unreadable values giving the default and wrong writes refused with the key's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from kpidesk.ui import machine_settings as machine


@pytest.fixture
def ini(tmp_path):
    return str(tmp_path / "machine.ini")


def _reopened(path: str) -> QSettings:
    return QSettings(path, QSettings.Format.IniFormat)


def test_every_key_is_declared_once():
    keys = [setting.key for setting in machine.ALL]
    assert len(keys) == len(set(keys)) >= 16
    assert {"language", "window/last_page", "database/recent", "history/range", "print/folder"} <= set(keys)


def test_no_window_or_page_reads_qsettings_by_a_string_key():
    """Keys written as literals elsewhere would escape the registry's types and defaults."""
    root = Path(machine.__file__).parent
    raw_access = re.compile(r"settings\.(value|setValue|remove)\(")
    offenders = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.py") if path.name != "machine_settings.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if raw_access.search(line)]
    assert offenders == []


def test_an_empty_file_gives_every_default(ini):
    settings = _reopened(ini)
    for setting in machine.ALL:
        assert setting.read(settings) == setting.default, setting.key
    assert machine.table_columns("kpis").read(settings) is None


def test_values_come_back_with_their_types_after_the_file_is_reopened(ini):
    settings = _reopened(ini)
    machine.HISTORY_RANGE.write(settings, 7)
    machine.LANGUAGE.write(settings, "zh_CN")
    machine.RECENT_DATABASES.write(settings, ("/data/only.kpidesk",))
    machine.DATA_ENTRY_COLUMN_WIDTHS.write(settings, {"field:calls": 120})
    machine.WINDOW_STATE.write(settings, QByteArray(b"\x01\x02"))
    machine.LAST_PERIOD.write(settings, "2025-06")
    settings.sync()
    again = _reopened(ini)
    assert machine.HISTORY_RANGE.read(again) == 7  # an INI file stores it as text
    assert machine.LANGUAGE.read(again) == "zh_CN"
    assert machine.RECENT_DATABASES.read(again) == ("/data/only.kpidesk",)  # a one-item list comes back as text
    assert machine.DATA_ENTRY_COLUMN_WIDTHS.read(again) == {"field:calls": 120}
    assert machine.WINDOW_STATE.read(again) == QByteArray(b"\x01\x02")
    assert machine.LAST_PERIOD.read(again) == "2025-06"


def test_a_value_that_cannot_be_read_gives_the_default(ini):
    settings = _reopened(ini)
    settings.setValue("history/range", "many")
    settings.setValue("language", "fr")
    settings.setValue("data_entry/column_widths", "{not json")
    settings.setValue("window/geometry", "text, not bytes")
    assert machine.HISTORY_RANGE.read(settings) == 12
    assert machine.LANGUAGE.read(settings) == "system"
    assert machine.DATA_ENTRY_COLUMN_WIDTHS.read(settings) == {}
    assert machine.WINDOW_GEOMETRY.read(settings) is None


def test_changing_a_default_that_was_read_leaves_the_default_alone(ini):
    settings = _reopened(ini)
    machine.DATA_ENTRY_COLUMN_WIDTHS.read(settings)["field:calls"] = 150
    assert machine.DATA_ENTRY_COLUMN_WIDTHS.read(settings) == {}


def test_a_wrong_value_is_refused_where_it_is_written(ini):
    settings = _reopened(ini)
    with pytest.raises(ValueError, match="setting language: 'fr' is not one of system, zh_CN, en"):
        machine.LANGUAGE.write(settings, "fr")
    with pytest.raises(ValueError, match="setting history/range: expected a whole number"):
        machine.HISTORY_RANGE.write(settings, 2.5)  # type: ignore[arg-type]
    assert settings.value("language") is None and settings.value("history/range") is None


def test_the_window_remembers_its_page_and_recent_files_through_the_registry(main_window, demo_db, ui_settings):
    window = main_window
    window.show_page("history")
    assert machine.LAST_PAGE.read(ui_settings) == "history"
    assert machine.RECENT_DATABASES.read(ui_settings)[0] == str(demo_db.path)
    assert machine.LAST_DATABASE.read(ui_settings) == str(demo_db.path)
    window.save_geometry()
    assert machine.WINDOW_GEOMETRY.read(_reopened(ui_settings.fileName())) is not None
