"""Backup files of a database: naming, listing, writing with SQLite's online backup API, and retention.

A backup is ``<database stem>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.db`` in the backup folder beside the
database. Files that do not follow the pattern (the user's own copies) are never listed or deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kpidesk.errors import KpiDeskError
from kpidesk.i18n import _
from kpidesk.store import sqlite

if TYPE_CHECKING:  # SQLCipher and the key code load only for an encrypted file
    from kpidesk.store.encryption import FileKey

#: Reason of a file set aside because it was damaged; kept as evidence, never pruned or restored from.
DAMAGED = "damaged"

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9][a-z0-9-]*)\.db$")
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime  # local time, as in the name
    reason: str

    @property
    def day(self) -> date:
        return self.taken_at.date()

    @property
    def month(self) -> tuple[int, int]:
        return self.taken_at.year, self.taken_at.month


def backup_name(stem: str, reason: str, at: datetime | None = None) -> str:
    reason = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    return f"{stem}-{(at or datetime.now()).strftime(_STAMP)}-{reason}.db"


def parse_backup_name(path: Path) -> BackupFile | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match["stamp"], _STAMP)
    except ValueError:
        return None
    return BackupFile(path=path, taken_at=taken_at, reason=match["reason"])


def list_backups(folder: Path, stem: str, *, include_damaged: bool = False) -> list[BackupFile]:
    """Backups of the database called ``stem``, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{glob_escape(stem)}-*.db"):
        parsed = parse_backup_name(path)
        named = _NAME.match(path.name)
        if parsed is None or named is None or named["stem"] != stem:
            continue
        if parsed.reason == DAMAGED and not include_damaged:
            continue
        found.append(parsed)
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


class BackupFolderUnusable(KpiDeskError):
    """The backup folder cannot take files: something else sits at its path, or it cannot be created."""


def ensure_backup_folder(folder: Path) -> None:
    """Create the backup folder if needed; say plainly what is wrong when that cannot be done."""
    if folder.exists() and not folder.is_dir():
        raise BackupFolderUnusable(_(
            "The backup folder {folder} is a file, not a folder, so no backup can be written and nothing was "
            "changed. Rename or move that file; the next backup creates the folder again."
        ).format(folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupFolderUnusable(_(
            "The backup folder {folder} cannot be created ({error}), so no backup can be written and nothing "
            "was changed."
        ).format(folder=folder, error=exc.strerror or exc)) from None


def backup_file(database: Path, folder: Path, reason: str, *, key: FileKey | None = None) -> Path:
    """A backup of an encrypted database (``key`` given) is encrypted with the same key."""
    ensure_backup_folder(folder)
    target = folder / backup_name(database.stem, reason)
    sqlite.online_backup(database, target, key=key)
    return target


def set_aside(database: Path, folder: Path) -> Path:
    """Move a file that cannot be used (and its journal files) into the backup folder, untouched."""
    ensure_backup_folder(folder)
    target = folder / backup_name(database.stem, DAMAGED)
    database.replace(target)
    for sidecar in sqlite.sidecar_files(database):
        if sidecar.exists():
            sidecar.replace(target.with_name(target.name + sidecar.name[len(database.name):]))
    return target


def backups_to_prune(
    backups: Iterable[BackupFile], *, keep_daily: int, keep_monthly: int, today: date | None = None
) -> list[BackupFile]:
    """Which backups retention removes: everything from today stays; then the newest backup of each of
    the last ``keep_daily`` days that have backups, and the newest of each of the last ``keep_monthly``
    months. Damaged files are never pruned."""
    today = today or date.today()
    ordered = sorted(backups, key=lambda b: (b.taken_at, b.path.name), reverse=True)
    keep: set[Path] = {b.path for b in ordered if b.day >= today or b.reason == DAMAGED}
    newest_per_day: dict[date, BackupFile] = {}
    newest_per_month: dict[tuple[int, int], BackupFile] = {}
    for backup in ordered:
        if backup.reason == DAMAGED:
            continue
        newest_per_day.setdefault(backup.day, backup)
        newest_per_month.setdefault(backup.month, backup)
    for day in sorted(newest_per_day, reverse=True)[: max(keep_daily, 0)]:
        keep.add(newest_per_day[day].path)
    for month in sorted(newest_per_month, reverse=True)[: max(keep_monthly, 0)]:
        keep.add(newest_per_month[month].path)
    return [b for b in ordered if b.path not in keep]


def prune(folder: Path, stem: str, *, keep_daily: int, keep_monthly: int, today: date | None = None) -> list[Path]:
    removed = []
    for backup in backups_to_prune(
        list_backups(folder, stem), keep_daily=keep_daily, keep_monthly=keep_monthly, today=today
    ):
        try:
            backup.path.unlink()
        except OSError:
            continue
        for sidecar in sqlite.sidecar_files(backup.path):
            sidecar.unlink(missing_ok=True)
        removed.append(backup.path)
    return removed
