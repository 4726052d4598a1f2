"""The window and encrypted files: Settings › Database converts the open file in the background, and a file
whose key this computer does not keep is opened after asking for its passphrase."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from tests_support.memory_keyring import memory_keyring

from kpidesk.services.safety import encryption as encryption_service

SQLITE_HEADER = b"SQLite format 3\x00"


@pytest.fixture(autouse=True)
def keyring_in_memory():
    with memory_keyring() as backend:
        yield backend


@pytest.fixture
def threaded_window(qtbot, ui_settings, dialogs, starter_db):
    """A window whose tasks run on real worker threads, on the starter database."""
    from kpidesk.ui.app import build_window
    from kpidesk.ui.tasks import TaskRunner

    path = starter_db.path
    starter_db.dispose()
    runner = TaskRunner()
    window = build_window(ui_settings, tasks=runner, dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    qtbot.waitUntil(lambda: window.ctx.db is not None, timeout=20000)
    yield window
    window.ctx.close()


def test_settings_encrypts_and_decrypts_the_open_database_off_the_ui_thread(threaded_window, qtbot, monkeypatch):
    window = threaded_window
    box = window.show_page("settings").database_box
    path = Path(window.ctx.db.path)
    assert "not encrypted" in box.state.text()
    assert box.encrypt_button.isEnabled() and not box.decrypt_button.isEnabled()

    threads = []
    real_encrypt = encryption_service.encrypt_database

    def recording_encrypt(*args, **kwargs):
        threads.append(threading.current_thread())
        return real_encrypt(*args, **kwargs)

    monkeypatch.setattr(encryption_service, "encrypt_database", recording_encrypt)
    qtbot.mouseClick(box.encrypt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.task is not None and box.task.finished, timeout=30000)

    assert box.task.ok, box.message.text()
    assert threads and threads[0] is not threading.main_thread()
    assert box.task.last_progress is not None and box.task.last_progress.total == 4
    assert not path.read_bytes().startswith(SQLITE_HEADER)
    assert window.ctx.db.encrypted
    assert "is encrypted" in box.state.text() and "The database is encrypted." in box.message.text()
    assert box.decrypt_button.isEnabled() and not box.encrypt_button.isEnabled()

    qtbot.mouseClick(box.decrypt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.task.finished, timeout=30000)
    assert box.task.ok, box.message.text()
    assert path.read_bytes().startswith(SQLITE_HEADER)
    assert not window.ctx.db.encrypted and "not encrypted" in box.state.text()


def test_declining_the_warning_leaves_the_file_as_it_is(starter_window, dialogs, qtbot):
    box = starter_window.show_page("settings").database_box
    path = Path(starter_window.ctx.db.path)
    dialogs.queue(False)
    qtbot.mouseClick(box.encrypt_button, Qt.MouseButton.LeftButton)
    assert any(a.kind == "confirm" and "keyring" in a.text for a in dialogs.asked)
    assert path.read_bytes().startswith(SQLITE_HEADER)
    assert box.task is None


def _encrypted_elsewhere(starter_db, actor, keyring_in_memory) -> Path:
    """A file encrypted with a passphrase on another computer: this one keeps no key for it."""
    path = Path(starter_db.path)
    result = encryption_service.encrypt_database(starter_db, actor, "correct horse")
    result.db.dispose()
    keyring_in_memory.secrets.clear()
    return path


def test_opening_an_encrypted_file_asks_for_its_passphrase(make_window, starter_db, actor, dialogs, qtbot,
                                                           keyring_in_memory):
    path = _encrypted_elsewhere(starter_db, actor, keyring_in_memory)
    dialogs.queue("battery staple", "correct horse")
    window = make_window(opened_on=path)

    assert [a.kind for a in dialogs.asked] == ["secret", "error", "secret"]
    assert path.name in dialogs.asked[0].text
    assert "The passphrase does not open" in dialogs.asked[1].text
    assert window.ctx.db is not None and window.ctx.db.encrypted


def test_cancelling_the_passphrase_leaves_no_database_open(make_window, starter_db, actor, dialogs, qtbot,
                                                           keyring_in_memory):
    path = _encrypted_elsewhere(starter_db, actor, keyring_in_memory)
    window = make_window(opened_on=path)
    assert [a.kind for a in dialogs.asked] == ["secret"]
    assert window.ctx.db is None


def test_with_logins_on_the_administrators_password_is_the_key(make_window, starter_db, actor, dialogs, qtbot,
                                                               keyring_in_memory):
    from kpidesk.services.safety import auth

    with starter_db.write() as session:
        auth.enable_access(session, actor, "hr-wang", "correct horse")
    path = Path(starter_db.path)
    starter_db.dispose()
    dialogs.queue(("hr-wang", "correct horse"))
    window = make_window(opened_on=path)
    box = window.show_page("settings").database_box

    dialogs.queue("not my password")
    qtbot.mouseClick(box.encrypt_button, Qt.MouseButton.LeftButton)
    assert "not the password of hr-wang" in box.message.text()
    assert path.read_bytes().startswith(SQLITE_HEADER)

    dialogs.queue("correct horse")
    qtbot.mouseClick(box.encrypt_button, Qt.MouseButton.LeftButton)
    assert window.ctx.db.encrypted and not path.read_bytes().startswith(SQLITE_HEADER)
    secrets = [a for a in dialogs.asked if a.kind == "secret"]
    assert len(secrets) == 2 and "administrator password" in secrets[0].text

    window.ctx.close()
    keyring_in_memory.secrets.clear()  # another computer: the password opens it
    from kpidesk.store.db import open_database

    reopened = open_database(path, passphrase="correct horse")
    assert reopened.encrypted
    reopened.dispose()
