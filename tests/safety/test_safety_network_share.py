"""A database on a network share: a warning that points to the server option, and the rollback journal
instead of WAL (WAL needs shared memory that network file systems do not provide)."""

from __future__ import annotations

import sqlite3

from kpidesk.store import sqlite as sq
from kpidesk.store.db import open_database


def _journal(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()


def test_local_files_use_wal(tmp_path):
    db = open_database(tmp_path / "local.db")
    assert sq.journal_mode(db.engine) == "wal" and not db.warnings
    db.dispose()


def test_network_share_falls_back_to_the_rollback_journal(tmp_path, monkeypatch):
    monkeypatch.setattr(sq, "looks_like_network_share", lambda path: True)
    db = open_database(tmp_path / "shared.db")
    assert sq.journal_mode(db.engine) == "delete"
    assert any("network share" in w and "server" in w for w in db.warnings)
    with db.write() as session:
        from kpidesk.services.actor import Actor
        from kpidesk.services.people import staff

        staff.add_employee(session, Actor("hr"), staff_no="E1", name="张三")
    db.dispose()
    assert not (tmp_path / "shared.db-wal").exists()
    assert _journal(tmp_path / "shared.db") == "delete"


def test_a_wal_file_moved_to_a_share_leaves_wal(tmp_path, monkeypatch):
    path = tmp_path / "moved.db"
    open_database(path).dispose()
    assert _journal(path) == "wal"
    monkeypatch.setattr(sq, "looks_like_network_share", lambda p: True)
    db = open_database(path)
    assert sq.journal_mode(db.engine) == "delete"
    db.dispose()
    assert _journal(path) == "delete"


def test_unc_paths_count_as_network_shares(tmp_path):
    from pathlib import PureWindowsPath

    assert sq.looks_like_network_share(PureWindowsPath(r"\\fileserver\hr\kpidesk.db"))
    assert not sq.looks_like_network_share(tmp_path / "local.db")
