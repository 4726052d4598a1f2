"""Where the database, its backups and the office's own forms live unless the user says otherwise.

Every folder is created when first needed, so a new profile starts from nothing; a place that cannot be
written is reported by name (:class:`UnwritableLocation`) so the user can choose another.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path
from sqlalchemy.engine import URL, make_url

from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.store.backup_folder_settings import (
    BackupFolderSettings,
    load_backup_folder_settings,
    save_backup_folder_settings,
)

APP_NAME = "KPI Desk"
DEFAULT_FILENAME = "kpidesk.db"
USER_FORMS_FOLDER = "forms"


class UnwritableLocation(ValidationError):
    """A folder KPI Desk needs cannot be created or written; ``folder`` names it."""

    def __init__(self, folder: Path, reason: str):
        super().__init__(_("KPI Desk cannot write to {folder} ({reason}). Choose another location.").format(
            folder=folder, reason=reason))
        self.folder = folder


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents) if needed and make sure files can be written in it."""
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UnwritableLocation(folder, _("a file of that name is in the way")) from None
    except NotADirectoryError:
        raise UnwritableLocation(folder, _("part of the path is a file, not a folder")) from None
    except OSError as exc:
        raise UnwritableLocation(folder, exc.strerror or str(exc)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UnwritableLocation(folder, _("permission denied"))
    return folder


def user_data_folder() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    return user_data_folder() / DEFAULT_FILENAME


def user_forms_folder() -> Path:
    """Forms the office adds or edits; one with the id of a bundled form replaces it. Program folders are
    read-only on installed systems, so this lives with the user's data."""
    return user_data_folder() / USER_FORMS_FOLDER


def resolve_url(target: str | os.PathLike[str] | None = None) -> URL:
    """``--db`` value, else ``KPIDESK_DB``, else the default file; a full SQLAlchemy URL passes through.
    The folder of a database file is created here, for the default and a chosen path alike."""
    raw = os.fspath(target) if target is not None else os.environ.get("KPIDESK_DB") or None
    if raw is not None and "://" in raw:
        return make_url(raw)
    path = default_database_path() if raw is None else Path(raw).expanduser().resolve()
    prepare_folder(path.parent)
    return URL.create("sqlite+pysqlite", database=str(path))


def default_backup_folder(database_path: Path) -> Path:
    return database_path.parent / "backups"


def _backup_choices_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "backup-folders.json"


def _backup_choices() -> BackupFolderSettings:
    """The folders chosen on this computer, by database file."""
    return load_backup_folder_settings(_backup_choices_file())


def _key(database_path: Path) -> str:
    return str(Path(database_path).expanduser().resolve())


def backup_folder_for(database_path: Path) -> Path:
    return _backup_choices().folder_for(_key(database_path)) or default_backup_folder(database_path)


def remember_backup_folder(database_path: Path, folder: Path | None) -> None:
    """Use ``folder`` for this database's backups from now on (None: the default beside the file)."""
    key = _key(database_path)
    if folder is not None and Path(folder).resolve() == default_backup_folder(Path(key)).resolve():
        folder = None
    chosen = None if folder is None else str(Path(folder).expanduser().resolve())
    target = _backup_choices_file()
    prepare_folder(target.parent)
    save_backup_folder_settings(target, _backup_choices().with_folder(key, chosen))
