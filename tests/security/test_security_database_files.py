"""Files around the database: a backup folder replaced by a file is named for what it is."""

from __future__ import annotations

from pathlib import Path

from kpidesk.cli import main
from kpidesk.services.actor import Actor
from kpidesk.store.locations import backup_folder_for

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def test_a_backup_folder_that_is_a_file_is_named_and_blocks_nothing_silently(cli_db, tmp_path, capsys):
    folder = backup_folder_for(Path(cli_db))
    if folder.exists():
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    folder.write_text("not a folder")
    people = tmp_path / "people.csv"
    people.write_text("工号,姓名\nCS901,新人\n", encoding="utf-8")

    code = main(["--db", cli_db, "import", str(people), "--kind", "staff"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"The backup folder {folder} is a file, not a folder" in err and "unexpected error" not in err
    assert main(["--db", cli_db, "backup"]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err

    folder.unlink()
    assert main(["--db", cli_db, "import", str(people), "--kind", "staff"]) == 0
    assert folder.is_dir() and any(folder.iterdir())


def test_a_restore_stopped_right_after_the_swap_keeps_its_log_entry(cli_db, tmp_path, capsys, monkeypatch):
    """The restore's audit entry travels inside the restored file: stopping the program the moment the
    file is swapped (a stand-in for kill -9) no longer leaves a restored database without its record."""
    import pytest
    from sqlalchemy import select

    from kpidesk.services.safety import backup
    from kpidesk.store import models as m
    from kpidesk.store import sqlite
    from kpidesk.store.db import open_database

    copy = tmp_path / "copy.db"
    assert main(["--db", cli_db, "backup", "--out", str(copy)]) == 0
    real_replace = sqlite.replace_contents

    def swap_then_die(source, destination, **kwargs):
        real_replace(source, destination, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(sqlite, "replace_contents", swap_then_die)
    with pytest.raises(KeyboardInterrupt):
        backup.restore(cli_db, copy, actor=ADMIN)

    db = open_database(cli_db)
    try:
        with db.session() as session:
            last = session.execute(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).scalars().first()
            assert last.action == "database.restore"
    finally:
        db.dispose()
    capsys.readouterr()
    assert main(["--db", cli_db, "audit", "verify"]) == 0


def test_a_wal_removed_under_a_live_writer_is_diagnosed_and_its_changes_kept(cli_db, capsys):
    import os

    from kpidesk.services.actor import Actor
    from kpidesk.services.people import staff
    from kpidesk.services.safety.backup import diagnose
    from kpidesk.store.db import open_database

    path = Path(cli_db)
    writer = open_database(path)
    try:
        with writer.write() as session:
            staff.add_employee(session, Actor(name="hr"), staff_no="W1", name="甲")
        os.unlink(path.with_name(path.name + "-wal"))

        problem = diagnose(path)
        assert problem is not None and problem.kind == "wal_removed" and problem.good_backup is None
        assert main(["--db", cli_db, "info"]) == 1
        err = capsys.readouterr().err
        assert f"{path}-wal" in err and "should not be restored" in err and "restore --newest" not in err
    finally:
        writer.dispose()  # closing the writer folds its changes back into the file

    assert diagnose(path) is None
    assert main(["--db", cli_db, "info"]) == 0
    db = open_database(path)
    try:
        with db.session() as session:
            assert staff.employee_by_staff_no(session, "W1").name == "甲"
    finally:
        db.dispose()
