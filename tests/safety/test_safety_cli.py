"""The command line: backup, restore, users, and logins with --user and KPIDESK_PASSWORD."""

from __future__ import annotations

import pytest

from kpidesk.cli import main


@pytest.fixture
def office_db(db_file, monkeypatch, capsys):
    """Access control on with an administrator and a head of 客服部."""
    path = str(db_file)
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "admin-secret")
    assert main(["--db", path, "users", "enable-access", "--admin", "boss"]) == 0
    out = capsys.readouterr().out
    assert "Recovery code" in out
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "head-secret")
    assert main(["--db", path, "--user", "boss", "users", "add", "zhang", "--role", "head",
                 "--department", "客服部"]) == 0
    capsys.readouterr()
    return path


def test_backup_and_restore(db_file, tmp_path, capsys, staff_numbers):
    path = str(db_file)
    out = tmp_path / "saved.db"
    assert main(["--db", path, "backup", "--out", str(out)]) == 0
    assert staff_numbers(out) == ["E001", "E002", "E003"]
    assert main(["--db", path, "backup"]) == 0
    assert main(["--db", path, "backup", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "manual" in listing and "daily" in listing
    db_file.write_bytes(b"not a database any more")
    assert main(["--db", path, "info"]) == 1
    assert main(["--db", path, "restore", "--newest"]) == 0
    said = capsys.readouterr().out
    assert "Restored" in said and "damaged" in said
    assert staff_numbers(db_file) == ["E001", "E002", "E003"]


def test_restore_of_a_bad_file_exits_with_one_line(db_file, tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"junk")
    before = db_file.read_bytes()
    assert main(["--db", str(db_file), "restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Nothing was restored" in err
    assert db_file.read_bytes() == before


def test_our_commands_name_the_newest_good_backup_on_a_broken_file(db_file, capsys):
    assert main(["--db", str(db_file), "backup"]) == 0
    db_file.write_bytes(b"x" * 4096)
    assert main(["--db", str(db_file), "audit", "list"]) == 1
    assert "kpidesk restore --newest" in capsys.readouterr().err


def test_commands_need_a_login_once_access_is_on(office_db, monkeypatch, capsys):
    monkeypatch.delenv("KPIDESK_PASSWORD")
    assert main(["--db", office_db, "audit", "list"]) == 1
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("KPIDESK_PASSWORD", "wrong-password")
    assert main(["--db", office_db, "--user", "boss", "audit", "list"]) == 1
    assert "wrong password" in capsys.readouterr().err
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    assert main(["--db", office_db, "--user", "boss", "users", "list"]) == 0
    out = capsys.readouterr().out
    assert "zhang" in out and "department head" in out and "Access control: on" in out


def test_a_head_cannot_use_administrator_commands(office_db, monkeypatch, capsys):
    monkeypatch.setenv("KPIDESK_PASSWORD", "head-secret")
    for command in (["users", "list"], ["audit", "list"], ["backup"], ["restore", "--newest"],
                    ["users", "add", "x", "--role", "admin"]):
        assert main(["--db", office_db, "--user", "zhang", *command]) == 1, command
        err = capsys.readouterr().err
        assert "not allowed" in err and "Traceback" not in err


def test_a_head_changes_their_own_password_but_nobody_elses(office_db, monkeypatch, capsys):
    monkeypatch.setenv("KPIDESK_PASSWORD", "head-secret")
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "head-secret-new")
    assert main(["--db", office_db, "--user", "zhang", "users", "passwd", "boss"]) == 1
    assert main(["--db", office_db, "--user", "zhang", "users", "passwd", "zhang"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "head-secret-new")
    assert main(["--db", office_db, "--user", "zhang", "info"]) == 0


def test_passwd_and_disable_access(office_db, monkeypatch, capsys):
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "head-secret-2")
    assert main(["--db", office_db, "--user", "boss", "users", "passwd", "zhang"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "head-secret-2")
    assert main(["--db", office_db, "--user", "zhang", "info"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    assert main(["--db", office_db, "--user", "boss", "users", "disable-access"]) == 0
    monkeypatch.delenv("KPIDESK_PASSWORD")
    assert main(["--db", office_db, "users", "list"]) == 0
    assert "single-user" in capsys.readouterr().out


def test_recover_resets_the_admin_password(db_file, monkeypatch, capsys):
    path = str(db_file)
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "admin-secret")
    assert main(["--db", path, "users", "enable-access"]) == 0
    code = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    monkeypatch.setenv("KPIDESK_RECOVERY_CODE", code)
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "forgotten-no-more")
    assert main(["--db", path, "users", "recover", "admin"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "forgotten-no-more")
    assert main(["--db", path, "--user", "admin", "users", "list"]) == 0


def test_short_new_password_is_an_input_error(db_file, monkeypatch, capsys):
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "short")
    assert main(["--db", str(db_file), "users", "enable-access"]) == 3
    assert "at least 8" in capsys.readouterr().err
