"""Choosing where a database's backups are kept: remembered on this computer, existing backups moved along."""

from __future__ import annotations

import pytest

from kpidesk.cli import main as cli_main
from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety import backup
from kpidesk.services.safety.audit import AuditFilter, list_entries
from kpidesk.services.safety.database import open_for_use
from kpidesk.store import backups as files
from kpidesk.store.db import open_database


def test_chosen_folder_takes_the_existing_backups_and_every_later_one(db_file, tmp_path):
    db = open_for_use(db_file)  # the daily backup, beside the file
    old_folder = db_file.parent / "backups"
    taken = files.list_backups(old_folder, "kpidesk")
    assert len(taken) == 1
    chosen = tmp_path / "elsewhere" / "备份"

    folder, moved = backup.change_backup_folder(db, Actor("hr"), chosen)

    assert folder == chosen.resolve() and moved == 1
    assert files.list_backups(old_folder, "kpidesk") == []
    assert [b.path.name for b in files.list_backups(chosen, "kpidesk")] == [taken[0].path.name]
    later = backup.backup_before(db, "import")
    assert later.parent == chosen.resolve()
    with db.session() as session:
        entry = list_entries(session, Actor("admin"), AuditFilter(action="backup.folder"))[0]
    assert entry.new["folder"] == str(chosen.resolve()) and entry.new["moved"] == 1
    db.dispose()

    reopened = open_database(db_file)  # remembered for this database on this computer
    assert reopened.backup_dir == chosen.resolve()
    assert [b.path for b in backup.list_backups(db_file)][-1].parent == chosen.resolve()
    reopened.dispose()


def test_back_to_the_default_folder(db_file, tmp_path):
    db = open_for_use(db_file)
    backup.change_backup_folder(db, Actor("hr"), tmp_path / "away")
    folder, moved = backup.change_backup_folder(db, Actor("hr"), None)
    assert folder == db_file.parent / "backups" and moved == 1
    assert db.backup_dir == db_file.parent / "backups"
    db.dispose()


def test_unwritable_folder_is_refused_and_nothing_moves(db_file, tmp_path):
    db = open_for_use(db_file)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ValidationError, match="a-file"):
        backup.change_backup_folder(db, Actor("hr"), blocker / "backups")
    assert db.backup_dir == db_file.parent / "backups"
    assert len(files.list_backups(db_file.parent / "backups", "kpidesk")) == 1
    db.dispose()


def test_only_roles_allowed_to_back_up_may_move_backups(db_file, tmp_path):
    db = open_for_use(db_file)
    with pytest.raises(PermissionDenied):
        backup.change_backup_folder(db, Actor("viewer", role=Role.AUDITOR), tmp_path / "x")
    db.dispose()


def test_cli_moves_the_backup_folder(db_file, tmp_path, capsys):
    open_for_use(db_file).dispose()
    target = tmp_path / "cli-backups"
    assert cli_main(["--db", str(db_file), "backup", "--folder", str(target)]) == 0
    assert str(target.resolve()) in capsys.readouterr().out
    assert len(files.list_backups(target, "kpidesk")) == 1
