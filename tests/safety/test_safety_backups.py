"""Automatic and manual backups: once a day, checked copies, retention of 14 daily + 12 monthly."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety import backup
from kpidesk.services.safety.database import open_for_use
from kpidesk.store import backups as files
from kpidesk.store import sqlite as sq


def test_opening_takes_one_backup_a_day(db_file, staff_numbers):
    folder = db_file.parent / "backups"
    db = open_for_use(db_file)
    db.dispose()
    db = open_for_use(db_file)
    db.dispose()
    daily = [b for b in files.list_backups(folder, "kpidesk") if b.reason == "daily"]
    assert len(daily) == 1
    assert staff_numbers(daily[0].path) == ["E001", "E002", "E003"]
    assert sq.check_file(daily[0].path).ok


def test_a_new_day_takes_a_new_backup(db_file):
    db = open_for_use(db_file)
    first = backup.daily_backup(db, today=date.today() + timedelta(days=1))
    db.dispose()
    assert first is not None and first.exists()


def test_backup_copies_are_single_self_contained_files(db_file):
    db = open_for_use(db_file)
    target = backup.backup_before(db, "import")
    db.dispose()
    con = sqlite3.connect(target)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    assert target.name.endswith("-pre-import.db")


def test_backup_while_another_program_is_writing_is_consistent(db_file):
    db = open_for_use(db_file)
    writer = sqlite3.connect(db_file, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE employees SET name = 'half-done' WHERE staff_no = 'E001'")
    target = backup.backup_to(db, Actor("hr"))
    writer.rollback()
    writer.close()
    db.dispose()
    con = sqlite3.connect(target)
    assert con.execute("SELECT name FROM employees WHERE staff_no='E001'").fetchone()[0] == "张三"
    con.close()


def test_backup_out_writes_the_named_file_and_refuses_the_database_itself(db_file, tmp_path, staff_numbers):
    db = open_for_use(db_file)
    out = backup.backup_to(db, Actor("hr"), tmp_path / "copy.db")
    assert staff_numbers(out) == ["E001", "E002", "E003"]
    with pytest.raises(ValidationError):
        backup.backup_to(db, Actor("hr"), db_file)
    db.dispose()


def test_only_an_administrator_may_take_a_backup(db_file):
    db = open_for_use(db_file)
    try:
        with pytest.raises(PermissionDenied):
            backup.backup_to(db, Actor("head", role=Role.HEAD, department_ids=frozenset({1})))
    finally:
        db.dispose()


def test_a_failing_backup_warns_but_does_not_block_the_open(db_file, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files.sqlite, "online_backup", broken)
    db = open_for_use(db_file)
    db.dispose()
    assert any("disk full" in w for w in db.warnings)


def _fake(folder: Path, when: datetime, reason: str = "daily") -> files.BackupFile:
    return files.BackupFile(folder / files.backup_name("kpidesk", reason, when), when, reason)


def test_retention_keeps_today_14_days_and_12_months(tmp_path):
    today = date(2025, 12, 31)
    made = []
    start = datetime(2024, 1, 1, 9)
    for n in range((datetime(2025, 12, 31, 9) - start).days + 1):  # two years of daily backups
        made.append(_fake(tmp_path, start + timedelta(days=n)))
    made.append(_fake(tmp_path, datetime(2025, 12, 31, 8), "pre-import"))  # today, earlier
    made.append(_fake(tmp_path, datetime(2024, 3, 3, 8), files.DAMAGED))
    removed = {b.path for b in files.backups_to_prune(made, keep_daily=14, keep_monthly=12, today=today)}
    kept = [b for b in made if b.path not in removed]
    days = sorted({b.day for b in kept if b.reason == "daily"})
    assert {b.reason for b in kept} == {"daily", "pre-import", files.DAMAGED}
    assert days[-14:] == [date(2025, 12, 31) - timedelta(days=n) for n in range(13, -1, -1)]
    months = {(b.taken_at.year, b.taken_at.month) for b in kept if b.reason == "daily"}
    assert len(months) == 12 and min(months) == (2025, 1)
    assert len(kept) == 14 + 11 + 1 + 1  # Dec is both a daily and a monthly slot


def test_prune_deletes_files_but_never_foreign_ones(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for n in range(5):
        (folder / files.backup_name("kpidesk", "daily", datetime(2025, 1, 1 + n))).write_bytes(b"x")
    (folder / "my own copy.db").write_bytes(b"x")
    (folder / files.backup_name("other", "daily", datetime(2025, 1, 1))).write_bytes(b"x")
    removed = files.prune(folder, "kpidesk", keep_daily=2, keep_monthly=0, today=date(2025, 2, 1))
    assert len(removed) == 3
    assert (folder / "my own copy.db").exists()
    assert len(files.list_backups(folder, "other")) == 1
    assert len(files.list_backups(folder, "kpidesk")) == 2


def test_retention_follows_the_organisation_settings(db_file):
    from kpidesk.services.safety.settings import update_settings

    folder = db_file.parent / "backups"
    folder.mkdir()
    for day in range(1, 6):
        source = folder / files.backup_name("kpidesk", "daily", datetime(2020, 1, day, 9))
        source.write_bytes(b"old")
    db = open_for_use(db_file)  # today's daily backup, then retention with the defaults: all five stay
    assert len(files.list_backups(folder, "kpidesk")) == 6
    with db.write() as session:
        update_settings(session, Actor("hr"), keep_daily=2, keep_monthly=0)
    backup.backup_before(db, "import")
    db.dispose()
    kept = files.list_backups(folder, "kpidesk")
    # everything from today, plus the newest of the 2 most recent days with backups (today and 5 Jan 2020)
    assert {b.taken_at.date() for b in kept} == {date.today(), date(2020, 1, 5)}
    assert len(kept) == 3
