"""This computer's choice of backup folder for each database file, stored as JSON beside the user's
configuration. A machine setting, not the database's: the folder must be known when the database itself
cannot be read. Its shape is declared once here; whatever else the file holds is ignored with a warning.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

log = logging.getLogger(__name__)

#: The version written into the file; a file from a newer version is read as far as its fields are known.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class BackupFolderSettings:
    """Every key of the backup-folder file, with its default."""

    version: int = FORMAT_VERSION
    #: Database file (absolute path) → the folder its backups go to (absolute path). A database not
    #: listed keeps its backups in the default folder beside it.
    folders: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise ValueError(f"version must be a positive whole number, not {self.version!r}")
        if not isinstance(self.folders, Mapping):
            raise ValueError("folders must map database files to folders")
        for database, folder in self.folders.items():
            for path in (database, folder):
                if not isinstance(path, str) or not Path(path).is_absolute():
                    raise ValueError(f"not an absolute path: {path!r}")
        object.__setattr__(self, "folders", MappingProxyType(dict(self.folders)))

    def folder_for(self, database: str) -> Path | None:
        chosen = self.folders.get(database)
        return Path(chosen) if chosen else None

    def with_folder(self, database: str, folder: str | None) -> BackupFolderSettings:
        """These settings with ``database``'s folder set, or forgotten when ``folder`` is None."""
        folders = dict(self.folders)
        if folder is None:
            folders.pop(database, None)
        else:
            folders[database] = folder
        return BackupFolderSettings(FORMAT_VERSION, folders)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "folders": dict(self.folders)}


def _from_json(data: Any) -> BackupFolderSettings:
    """The settings a decoded file holds; raises ValueError for content of another shape."""
    if not isinstance(data, dict):
        raise ValueError("the file does not hold an object")
    known = {f.name for f in fields(BackupFolderSettings)}
    if "folders" not in data and all(isinstance(v, str) for v in data.values()):
        data = {"folders": data}  # the first files were the bare map of database → folder
    unknown = sorted(set(data) - known)
    if unknown:
        log.warning("backup folder settings: ignoring unknown keys %s", ", ".join(unknown))
    return BackupFolderSettings(**{key: value for key, value in data.items() if key in known})


def load_backup_folder_settings(path: Path) -> BackupFolderSettings:
    """The settings stored at ``path``; the defaults when there is no file, or (with a logged warning)
    when it cannot be read or is damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return BackupFolderSettings()
    except OSError as exc:
        log.warning("backup folder settings %s cannot be read (%s); using the defaults", path, exc)
        return BackupFolderSettings()
    try:
        return _from_json(json.loads(text))
    except (ValueError, TypeError) as exc:
        log.warning("backup folder settings %s are damaged (%s); using the defaults", path, exc)
        return BackupFolderSettings()


def save_backup_folder_settings(path: Path, settings: BackupFolderSettings) -> None:
    """Write the settings whole: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(settings.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)
