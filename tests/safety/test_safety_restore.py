"""Restore: only a sound KPI Desk database of a known schema replaces anything, and the replaced file
is always kept."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from kpidesk.errors import CorruptDatabase, KpiDeskError, NotFound
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit, backup
from kpidesk.store.db import DatabaseBusy, open_database

ADMIN = Actor("admin")  # an administrator: every right, audited by name


@pytest.fixture
def good_backup(db_file, tmp_path):
    """A backup holding E001–E003; afterwards the live database gains E004."""
    from kpidesk.services.people import staff

    db = open_database(db_file)
    target = backup.backup_before(db, "import")
    with db.write() as session:
        staff.add_employee(session, Actor("hr"), staff_no="E004", name="赵六")
    db.dispose()
    return target


def test_restore_a_good_backup_keeps_the_replaced_file(db_file, good_backup, staff_numbers):
    result = backup.restore(db_file, good_backup, actor=Actor("hr"))
    assert staff_numbers(db_file) == ["E001", "E002", "E003"]
    assert result.replaced_copy is not None and result.replaced_copy.name.endswith("-pre-restore.db")
    assert staff_numbers(result.replaced_copy) == ["E001", "E002", "E003", "E004"]
    assert result.schema_version
    db = open_database(db_file)
    with db.session() as session:
        last = audit.list_entries(session, Actor("hr"), audit.AuditFilter(limit=1))[0]
        assert audit.verify_chain(session).ok
    db.dispose()
    assert last.action == "database.restore" and last.new["sha256"] == result.checksum


def test_restore_of_a_corrupt_file_changes_nothing(db_file, good_backup, tmp_path, damage_page, staff_numbers):
    bad = tmp_path / "bad.db"
    shutil.copyfile(good_backup, bad)
    damage_page(bad, 3)
    before = db_file.read_bytes()
    with pytest.raises(CorruptDatabase) as caught:
        backup.restore(db_file, bad, actor=ADMIN)
    assert "Nothing was restored" in str(caught.value)
    assert db_file.read_bytes() == before
    assert staff_numbers(db_file)[-1] == "E004"


@pytest.mark.parametrize("content", [b"", b"hello", b"SQLite format 3\x00" + b"\x00" * 50, b"PK\x03\x04" * 300])
def test_restore_refuses_files_that_are_not_databases(db_file, tmp_path, content):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    before = db_file.read_bytes()
    with pytest.raises(KpiDeskError):
        backup.restore(db_file, bad, actor=ADMIN)
    assert db_file.read_bytes() == before


def test_restore_refuses_a_truncated_backup(db_file, good_backup, tmp_path):
    cut = tmp_path / "cut.db"
    data = good_backup.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptDatabase, match="incomplete"):
        backup.restore(db_file, cut, actor=ADMIN)


def test_restore_refuses_another_programs_database(db_file, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (text TEXT)")
    con.commit()
    con.close()
    with pytest.raises(CorruptDatabase, match="not a KPI Desk database"):
        backup.restore(db_file, other, actor=ADMIN)


def test_restore_refuses_an_unknown_schema_version(db_file, good_backup, tmp_path):
    future = tmp_path / "future.db"
    shutil.copyfile(good_backup, future)
    con = sqlite3.connect(future)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(CorruptDatabase, match="does not know"):
        backup.restore(db_file, future, actor=ADMIN)


def test_restore_never_modifies_the_source_file(db_file, good_backup):
    before = good_backup.read_bytes()
    backup.restore(db_file, good_backup, actor=ADMIN)
    assert good_backup.read_bytes() == before


def test_restore_waits_for_and_then_refuses_a_database_in_use(db_file, good_backup, monkeypatch, staff_numbers):
    from kpidesk.store import sqlite as sq

    monkeypatch.setattr(sq, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db_file)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("SELECT count(*) FROM employees").fetchall()  # holds the file open in WAL mode
    try:
        with pytest.raises(DatabaseBusy):
            backup.restore(db_file, good_backup, actor=ADMIN)
    finally:
        other.close()
    assert staff_numbers(db_file)[-1] == "E004"


def test_restore_over_a_damaged_database_sets_it_aside_untouched(db_file, good_backup, damage_page, staff_numbers):
    damage_page(db_file, 3)
    damaged_bytes = db_file.read_bytes()
    result = backup.restore(db_file, good_backup, actor=ADMIN)
    assert result.replaced_copy.name.endswith("-damaged.db")
    assert result.replaced_copy.read_bytes() == damaged_bytes
    assert staff_numbers(db_file) == ["E001", "E002", "E003"]


def test_restore_into_a_missing_file_creates_it(tmp_path, good_backup, staff_numbers):
    target = tmp_path / "new" / "restored.db"
    result = backup.restore(target, good_backup, actor=ADMIN)
    assert result.replaced_copy is None
    assert staff_numbers(target) == ["E001", "E002", "E003"]


def test_restore_newest_needs_a_good_backup(tmp_path):
    with pytest.raises(NotFound):
        backup.restore_newest_good_backup(tmp_path / "none.db", actor=ADMIN)


def test_an_older_schema_is_migrated_after_restore(db_file, good_backup, tmp_path):
    from alembic import command

    from kpidesk.store.migrations_runner import alembic_config, script_directory

    old = tmp_path / "old.db"
    shutil.copyfile(good_backup, old)
    revisions = [r.revision for r in script_directory().walk_revisions()]
    if len(revisions) < 2:
        pytest.skip("only one schema version exists")
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{old}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revisions[1])
    engine.dispose()
    result = backup.restore(db_file, old, actor=ADMIN)
    assert result.schema_version == revisions[1]
    db = open_database(db_file)
    from kpidesk.store.schema_versions import schema_state

    assert schema_state(db.engine).current == revisions[0]
    db.dispose()
