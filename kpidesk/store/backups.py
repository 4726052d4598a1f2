"""Backups of the database file into its backup folder, using SQLite's online backup API."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kpidesk.store import sqlite

if TYPE_CHECKING:
    from kpidesk.store.db import Database


def backup_now(db: Database, reason: str = "manual", folder: Path | None = None) -> Path | None:
    """Write ``<name>-<timestamp>-<reason>.db`` into the backup folder; None for non-file databases."""
    if db.path is None or not db.path.exists():
        return None
    folder = folder or db.backup_dir
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db.path.stem}-{stamp}-{reason}.db"
    sqlite.online_backup(db.path, target)
    return target
