"""A file that cannot be opened gets a clear message naming the newest good backup, and is never
overwritten."""

from __future__ import annotations

import sqlite3

import pytest

from kpidesk.services.actor import Actor
from kpidesk.services.safety import backup, database
from kpidesk.store.db import open_database

ADMIN = Actor("admin")  # an administrator: every right, audited by name


@pytest.fixture
def with_backup(db_file):
    db = open_database(db_file)
    older = backup.backup_before(db, "import")
    newer = backup.backup_before(db, "migration")
    db.dispose()
    return db_file, older, newer


def test_a_sound_file_has_no_problem(db_file):
    assert backup.diagnose(db_file) is None


def test_a_missing_file_is_no_problem_it_will_be_created(tmp_path):
    assert backup.diagnose(tmp_path / "new.db") is None


def _assert_refused_and_untouched(path, kind, newest):
    before = path.read_bytes()
    with pytest.raises(backup.DatabaseProblem) as caught:
        database.open_checked(path)
    problem = caught.value.problem
    assert problem.kind == kind
    assert problem.good_backup == newest
    assert str(newest) in str(caught.value) and "kpidesk restore --newest" in str(caught.value)
    assert path.read_bytes() == before


def test_not_a_database(with_backup):
    path, _older, newer = with_backup
    path.write_bytes(b"Name,Score\nZhang,90\n")
    _assert_refused_and_untouched(path, "not_database", newer)


def test_truncated(with_backup):
    path, _older, newer = with_backup
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])
    _assert_refused_and_untouched(path, "truncated", newer)


def test_failing_integrity(with_backup, damage_page):
    path, _older, newer = with_backup
    damage_page(path, 3)
    _assert_refused_and_untouched(path, "damaged", newer)


def test_locked_by_another_program(with_backup):
    path, _older, newer = with_backup
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _assert_refused_and_untouched(path, "locked", newer)
        problem = backup.diagnose(path)
        assert "locked by another program" in problem.message
    finally:
        holder.rollback()
        holder.close()


def test_a_damaged_newer_backup_is_skipped(with_backup, damage_page):
    path, older, newer = with_backup
    damage_page(newer, 3)
    path.write_bytes(b"junk" * 100)
    assert backup.diagnose(path).good_backup == older


def test_no_backup_says_so(tmp_path):
    path = tmp_path / "k.db"
    path.write_bytes(b"junk" * 100)
    problem = backup.diagnose(path)
    assert problem.good_backup is None and "No good backup" in problem.message


def test_offer_then_restore_recovers_and_keeps_the_broken_file(with_backup, staff_numbers):
    path, _older, newer = with_backup
    path.write_bytes(b"junk" * 100)
    result = backup.restore_newest_good_backup(path, actor=ADMIN)
    assert result.source == newer
    assert result.replaced_copy.read_bytes() == b"junk" * 100
    assert staff_numbers(path) == ["E001", "E002", "E003"]
    db = database.open_checked(path)
    db.dispose()


def _index_out_of_step(path) -> None:
    """An index whose pages are sound but whose entries no longer match its table: only SQLite's full check
    reads the one against the other."""
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE INDEX ix_names_checked ON employees (name)")
        con.commit()
        con.execute("PRAGMA writable_schema=ON")
        con.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_names_checked ON employees (staff_no)' "
                    "WHERE name = 'ix_names_checked'")
        con.commit()
    finally:
        con.close()


def test_opening_looks_quickly_and_the_day_s_first_backup_looks_fully(db_file):
    _index_out_of_step(db_file)
    assert backup.examine(db_file, quick=True).ok  # every page and record is sound
    assert not backup.examine(db_file).ok  # the full check finds the index out of step
    assert backup.diagnose(db_file) is None  # opening does not wait for the full check (4× as long) …
    db = database.open_checked(db_file)
    try:  # … the day's first backup is checked fully, and the warning shown on opening names the database
        assert any("may be damaged" in warning for warning in db.warnings)
        assert backup.list_backups(db_file) == []  # and the failed copy is not kept as a good backup
    finally:
        db.dispose()
