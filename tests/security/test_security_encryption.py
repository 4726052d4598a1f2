"""Encryption at rest: a converted file holds no readable data, opens transparently on this computer, opens
elsewhere only with its passphrase (the administrator's password with logins on), and backs up encrypted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests_support.memory_keyring import memory_keyring

from kpidesk.cli import main
from kpidesk.store import encryption
from kpidesk.store.locations import backup_folder_for


@pytest.fixture(autouse=True)
def keyring_in_memory():
    with memory_keyring() as backend:
        yield backend


def _readable_as_plain_sqlite(path: Path) -> bool:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()


def _staff_count(cli_db: str, capsys, *extra: str) -> int:
    import json

    assert main(["--db", cli_db, *extra, "info", "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)["counts"]["employees"]


def test_encrypt_hides_the_data_and_opens_transparently_here(cli_db, capsys, keyring_in_memory):
    before = _staff_count(cli_db, capsys)
    name_bytes = "客服".encode()
    assert name_bytes in Path(cli_db).read_bytes()

    assert main(["--db", cli_db, "db", "encrypt"]) == 0
    said = capsys.readouterr().out
    assert "random key kept in this computer's keyring" in said

    raw = Path(cli_db).read_bytes()
    assert not raw.startswith(b"SQLite format 3") and name_bytes not in raw
    assert not _readable_as_plain_sqlite(Path(cli_db))
    assert not Path(cli_db + ".converting").exists()
    assert keyring_in_memory.secrets, "the key is kept in the keyring"
    assert _staff_count(cli_db, capsys) == before  # no passphrase asked: the keyring holds the key


def test_backups_of_an_encrypted_database_are_encrypted(cli_db, tmp_path, capsys):
    assert main(["--db", cli_db, "db", "encrypt"]) == 0
    out = tmp_path / "copy.db"
    assert main(["--db", cli_db, "backup", "--out", str(out)]) == 0
    assert main(["--db", cli_db, "backup"]) == 0
    capsys.readouterr()
    folder = backup_folder_for(Path(cli_db))
    manual = [p for p in folder.glob("*-manual.db")]
    assert manual
    for backup in [out, *manual]:
        assert not _readable_as_plain_sqlite(backup)
        key = encryption.remembered_key(backup)  # the same salt, so the same key
        assert key is not None
        encryption.check_key(backup, key)
    assert _staff_count(str(out), capsys) == _staff_count(cli_db, capsys)


def test_decrypt_gives_back_a_plain_file(cli_db, capsys):
    before = _staff_count(cli_db, capsys)
    assert main(["--db", cli_db, "db", "encrypt"]) == 0
    assert main(["--db", cli_db, "db", "decrypt"]) == 0
    assert Path(cli_db).read_bytes().startswith(b"SQLite format 3\x00")
    assert _readable_as_plain_sqlite(Path(cli_db))
    capsys.readouterr()
    assert _staff_count(cli_db, capsys) == before
    assert main(["--db", cli_db, "audit", "list", "--action", "database"]) == 0
    listing = capsys.readouterr().out
    assert "database.encrypt" in listing and "database.decrypt" in listing


def test_a_copy_elsewhere_needs_the_passphrase_and_a_wrong_one_is_named(cli_db, tmp_path, capsys,
                                                                       keyring_in_memory):
    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse battery staple\n", encoding="utf-8")
    assert main(["--db", cli_db, "db", "encrypt", "--passphrase-file", str(secret)]) == 0
    assert "passphrase given" in capsys.readouterr().out
    keyring_in_memory.secrets.clear()  # another computer: no key kept

    assert main(["--db", cli_db, "info"]) == 1
    err = capsys.readouterr().err
    assert "is encrypted" in err and "passphrase" in err

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("battery horse\n", encoding="utf-8")
    assert main(["--db", cli_db, "--passphrase-file", str(wrong), "info"]) == 1
    err = capsys.readouterr().err
    assert "The passphrase does not open" in err and "file is not a database" not in err

    assert _staff_count(cli_db, capsys, "--passphrase-file", str(secret)) > 0


def test_a_wrong_passphrase_message_is_translated(cli_db, tmp_path, capsys, keyring_in_memory):
    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse\n", encoding="utf-8")
    assert main(["--db", cli_db, "db", "encrypt", "--passphrase-file", str(secret)]) == 0
    keyring_in_memory.secrets.clear()
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "zh", "--db", cli_db, "--passphrase-file", str(wrong), "info"]) == 1
    err = capsys.readouterr().err
    assert "口令" in err and "The passphrase" not in err


def test_with_logins_on_the_key_is_the_administrators_password(cli_db, capsys, monkeypatch, keyring_in_memory,
                                                               tmp_path):
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "admin-secret")
    assert main(["--db", cli_db, "users", "enable-access", "--admin", "boss"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "hr-secret")
    assert main(["--db", cli_db, "--user", "boss", "users", "add", "hu", "--role", "hr"]) == 0
    capsys.readouterr()

    monkeypatch.setenv("KPIDESK_PASSWORD", "hr-secret")
    assert main(["--db", cli_db, "--user", "hu", "db", "encrypt"]) == 1  # HR may not
    assert "not allowed" in capsys.readouterr().err
    assert Path(cli_db).read_bytes().startswith(b"SQLite format 3\x00")

    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    assert main(["--db", cli_db, "--user", "boss", "db", "encrypt"]) == 0
    assert "administrator's password" in capsys.readouterr().out
    keyring_in_memory.secrets.clear()  # another computer
    password = tmp_path / "password.txt"
    password.write_text("admin-secret\n", encoding="utf-8")
    assert main(["--db", cli_db, "--passphrase-file", str(password), "--user", "boss", "info"]) == 0


def test_a_copy_that_fails_verification_leaves_the_original(cli_db, capsys, monkeypatch):
    from kpidesk.errors import CorruptDatabase

    def refuse(*args, **kwargs):
        raise CorruptDatabase("the converted copy does not hold the same rows")

    monkeypatch.setattr(encryption, "_verify_copy", refuse)
    assert main(["--db", cli_db, "db", "encrypt"]) == 1
    assert "does not hold the same rows" in capsys.readouterr().err
    assert Path(cli_db).read_bytes().startswith(b"SQLite format 3\x00")
    assert not Path(cli_db + ".converting").exists()
    monkeypatch.undo()
    assert _staff_count(cli_db, capsys) > 0


def test_a_file_of_text_is_still_not_a_database(tmp_path):
    from kpidesk.errors import CorruptDatabase, KeyNeeded
    from kpidesk.store.db import open_database

    text_file = tmp_path / "notes.db"
    text_file.write_text("meeting notes", encoding="utf-8")
    with pytest.raises(CorruptDatabase) as raised:
        open_database(text_file)
    assert not isinstance(raised.value, KeyNeeded)
    assert "is not a KPI Desk database file" in str(raised.value)


def test_restore_brings_back_an_encrypted_backup_still_encrypted(cli_db, tmp_path, capsys):
    assert main(["--db", cli_db, "db", "encrypt"]) == 0
    capsys.readouterr()
    before = _staff_count(cli_db, capsys)
    assert main(["--db", cli_db, "backup"]) == 0
    capsys.readouterr()
    people = tmp_path / "people.csv"
    people.write_text("工号,姓名\nCS901,新人\n", encoding="utf-8")
    assert main(["--db", cli_db, "import", str(people), "--kind", "staff"]) == 0
    capsys.readouterr()
    assert _staff_count(cli_db, capsys) == before + 1

    assert main(["--db", cli_db, "restore", "--newest"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert not Path(cli_db).read_bytes().startswith(b"SQLite format 3")
    assert _staff_count(cli_db, capsys) == before


def test_restore_on_another_computer_takes_the_passphrase(cli_db, tmp_path, capsys, keyring_in_memory):
    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse battery staple\n", encoding="utf-8")
    assert main(["--db", cli_db, "db", "encrypt", "--passphrase-file", str(secret)]) == 0
    saved = tmp_path / "saved.db"
    assert main(["--db", cli_db, "backup", "--out", str(saved)]) == 0
    capsys.readouterr()
    before = _staff_count(cli_db, capsys)
    keyring_in_memory.secrets.clear()
    other = str(tmp_path / "elsewhere" / "k.db")

    assert main(["--db", other, "restore", str(saved)]) == 1
    assert "does not keep its key" in capsys.readouterr().err
    assert main(["--db", other, "--passphrase-file", str(secret), "restore", str(saved)]) == 0
    capsys.readouterr()
    assert _staff_count(other, capsys) == before  # the key is kept now, so it opens without asking


def test_an_encrypted_backup_restores_over_a_decrypted_database(cli_db, tmp_path, capsys):
    assert main(["--db", cli_db, "db", "encrypt"]) == 0
    saved = tmp_path / "saved.db"
    assert main(["--db", cli_db, "backup", "--out", str(saved)]) == 0
    assert main(["--db", cli_db, "db", "decrypt"]) == 0
    capsys.readouterr()
    before = _staff_count(cli_db, capsys)

    assert main(["--db", cli_db, "restore", str(saved)]) == 0, capsys.readouterr().err
    said = capsys.readouterr().out
    assert "The replaced file is kept" in said
    assert not Path(cli_db).read_bytes().startswith(b"SQLite format 3")
    assert _staff_count(cli_db, capsys) == before
    kept = [p for p in backup_folder_for(Path(cli_db)).glob("*-pre-restore.db")]
    assert kept and all(p.read_bytes().startswith(b"SQLite format 3") for p in kept)  # the plain one


def test_db_check_and_info_read_an_encrypted_file(cli_db, capsys):
    assert main(["--db", cli_db, "db", "encrypt"]) == 0
    capsys.readouterr()
    assert main(["--db", cli_db, "db", "check"]) == 0
    assert "The database is sound." in capsys.readouterr().out
    assert main(["--db", cli_db, "info"]) == 0
    assert "The database file is encrypted." in capsys.readouterr().out
    assert main(["--db", cli_db, "db", "decrypt"]) == 0
    capsys.readouterr()
    assert main(["--db", cli_db, "info"]) == 0
    assert "encrypted" not in capsys.readouterr().out


def test_an_encrypted_file_of_an_older_schema_is_upgraded_and_its_backup_encrypted(tmp_path):
    from sqlalchemy import create_engine

    from kpidesk.store import migrations_runner, schema_versions
    from kpidesk.store import sqlite as sqlite_helpers
    from kpidesk.store.db import open_database

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    sqlite_helpers.configure(engine)
    migrations_runner.upgrade(engine, "0001")
    engine.dispose()
    key = encryption.new_key("old secret")
    encryption.convert_in_place(path, current=None, wanted=key)
    encryption.remember_key(key)

    db = open_database(path)  # Alembic runs through the SQLCipher engine
    state = schema_versions.schema_state(db.engine)
    db.dispose()
    assert db.encrypted and state.current == state.head != "0001"
    assert not path.read_bytes().startswith(b"SQLite format 3")
    backups = list((tmp_path / "backups").glob("*pre-migration*.db"))
    assert len(backups) == 1 and not _readable_as_plain_sqlite(backups[0])
    con = encryption.connect(backups[0], key, read_only=True)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    finally:
        con.close()


def test_at_a_terminal_the_passphrase_is_asked_for(cli_db, tmp_path, capsys, monkeypatch, keyring_in_memory):
    import getpass
    import sys

    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse\n", encoding="utf-8")
    assert main(["--db", cli_db, "db", "encrypt", "--passphrase-file", str(secret)]) == 0
    keyring_in_memory.secrets.clear()
    capsys.readouterr()
    asked = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or "correct horse")
    assert _staff_count(cli_db, capsys) > 0
    assert len(asked) == 1 and "Passphrase" in asked[0]
