"""Everything SQLite-specific lives here (pragmas, BEGIN IMMEDIATE, online backup, integrity check).

The rest of the code base stays dialect-neutral so the same queries run on a server database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "kpidesk_write"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def looks_like_network_share(path: Path) -> bool:
    """UNC paths and common network mounts: SQLite's locking (and WAL) is unreliable there."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    resolved = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and parts[2] in {"cifs", "smbfs", "nfs", "nfs4", "smb3"}:
            if resolved.startswith(parts[1].rstrip("/") + "/"):
                return True
    return False


def configure(engine: Engine, *, wal: bool = True) -> None:
    """Pragmas for the user's data, and explicit BEGINs so write transactions can take the lock first."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def set_foreign_keys(dbapi_connection, enabled: bool) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    cursor.close()


def foreign_key_problems(connection) -> list[tuple]:
    return list(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def integrity_problems(path: Path) -> list[str]:
    """Run ``PRAGMA integrity_check`` on a file opened read-only; [] means it is sound."""
    uri = f"file:{path}?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def online_backup(source: Path, destination: Path) -> None:
    """Copy a live database with SQLite's online backup API (consistent even while others write)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(destination.suffix + ".part")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(tmp)
    try:
        src.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    tmp.replace(destination)


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
