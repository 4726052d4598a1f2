"""Where the database and its backups live unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path
from sqlalchemy.engine import URL, make_url

APP_NAME = "KPI Desk"
DEFAULT_FILENAME = "kpidesk.db"


def default_database_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILENAME


def resolve_url(target: str | os.PathLike[str] | None = None) -> URL:
    """``--db`` value, else ``KPIDESK_DB``, else the default file; a full SQLAlchemy URL passes through."""
    raw = os.fspath(target) if target is not None else os.environ.get("KPIDESK_DB") or None
    if raw is None:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return URL.create("sqlite+pysqlite", database=str(path))
    if "://" in raw:
        return make_url(raw)
    return URL.create("sqlite+pysqlite", database=str(Path(raw).expanduser().resolve()))


def backup_folder_for(database_path: Path) -> Path:
    return database_path.parent / "backups"
