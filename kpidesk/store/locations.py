"""Where the database and its backups live unless the user says otherwise."""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path
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


def default_backup_folder(database_path: Path) -> Path:
    return database_path.parent / "backups"


def _backup_choices_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "backup-folders.json"


def _backup_choices() -> dict[str, str]:
    """The folders chosen on this computer, by database file. A machine setting, not the database's:
    the folder must be known when the database itself cannot be read."""
    try:
        choices = json.loads(_backup_choices_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in choices.items()} if isinstance(choices, dict) else {}


def _key(database_path: Path) -> str:
    return str(Path(database_path).expanduser().resolve())


def backup_folder_for(database_path: Path) -> Path:
    chosen = _backup_choices().get(_key(database_path))
    return Path(chosen) if chosen else default_backup_folder(database_path)


def remember_backup_folder(database_path: Path, folder: Path | None) -> None:
    """Use ``folder`` for this database's backups from now on (None: the default beside the file)."""
    choices = _backup_choices()
    key = _key(database_path)
    if folder is None or Path(folder).resolve() == default_backup_folder(Path(key)).resolve():
        choices.pop(key, None)
    else:
        choices[key] = str(Path(folder).expanduser().resolve())
    target = _backup_choices_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(choices, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, target)
