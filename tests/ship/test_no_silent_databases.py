"""Only init, demo, restore and db copy --to create a database file; every other command refuses a
``--db`` or ``KPIDESK_DB`` path that does not exist, naming it and pointing at ``kpidesk init``."""

from __future__ import annotations

import pytest

from kpidesk.cli import main


@pytest.mark.parametrize("command", [["info"], ["db", "check"], ["db", "upgrade"], ["period", "list"],
                                     ["forms", "list"], ["backup"], ["audit", "verify"],
                                     ["score", "--period", "2025-01"]])
def test_a_mistyped_path_is_refused_and_not_created(tmp_path, capsys, command):
    missing = tmp_path / "typo.db"
    assert main(["--db", str(missing), *command]) == 3
    err = capsys.readouterr().err
    assert str(missing) in err and "kpidesk --db" in err and "init" in err
    assert not missing.exists()


def test_kpidesk_db_naming_a_missing_file_is_refused(tmp_path, capsys, monkeypatch):
    missing = tmp_path / "elsewhere" / "office.db"
    monkeypatch.setenv("KPIDESK_DB", str(missing))
    assert main(["info"]) == 3
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()


def test_the_refusal_is_translated(tmp_path, capsys):
    assert main(["--lang", "zh", "--db", str(tmp_path / "typo.db"), "info"]) == 3
    assert "没有数据库" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["init"], ["demo"]])
def test_init_and_demo_create_the_file(tmp_path, command):
    target = tmp_path / "new.db"
    assert main(["--db", str(target), *command]) == 0
    assert target.is_file()


def test_db_copy_creates_only_the_target(tmp_path, capsys):
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    assert main(["--db", str(source), "init"]) == 0
    assert main(["db", "copy", "--from", str(source), "--to", str(target)]) == 0
    assert target.is_file()
    assert main(["db", "copy", "--from", str(tmp_path / "typo.db"), "--to", str(tmp_path / "c.db")]) == 3
    assert str(tmp_path / "typo.db") in capsys.readouterr().err
    assert not (tmp_path / "c.db").exists()


def test_restore_may_recreate_a_missing_file_from_its_backup(tmp_path, capsys):
    database = tmp_path / "office.db"
    assert main(["--db", str(database), "init"]) == 0
    assert main(["--db", str(database), "backup", "--out", str(tmp_path / "copy.db")]) == 0
    database.unlink()
    assert main(["--db", str(database), "restore", str(tmp_path / "copy.db")]) == 0, capsys.readouterr()
    assert database.is_file()
    assert main(["--db", str(database), "info"]) == 0


def test_server_urls_are_not_checked_as_files(capsys):
    from kpidesk.cli import require_existing_database

    require_existing_database("postgresql+psycopg://nobody@127.0.0.1:1/none")  # no error: not a file
