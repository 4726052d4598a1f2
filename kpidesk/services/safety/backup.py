"""Never lose data: the daily backup, backups before risky actions, retention, restore, and what to do
when a database file cannot be opened.

Nothing here overwrites a file it could not read: a damaged database is moved into the backup folder
untouched before a good backup takes its place, and the file being replaced by a restore is kept as a
backup first.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import struct
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kpidesk.errors import CorruptDatabase, NotFound, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit, witness
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.gates import requires
from kpidesk.store import backups as files
from kpidesk.store import encryption, sqlite
from kpidesk.store.db import Database, DatabaseBusy
from kpidesk.store.encryption import FileKey
from kpidesk.store.locations import (
    backup_folder_for,
    default_backup_folder,
    remember_backup_folder,
)

log = logging.getLogger(__name__)

DAILY = "daily"
#: Tables every KPI Desk database has, whatever its schema version.
CORE_TABLES = frozenset({"alembic_version", "employees", "departments", "periods", "kpis", "audit_log"})


# --------------------------------------------------------------------------- taking backups


def daily_backup(db: Database, *, today: date | None = None) -> Path | None:
    """Back up once a day when the database is opened, then apply retention.

    A failure never stops the open: it becomes a warning on ``db.warnings``.
    """
    if db.path is None or not db.path.exists() or db.backup_dir is None:
        return None
    today = today or date.today()
    if any(b.day == today for b in files.list_backups(db.backup_dir, db.path.stem)):
        return None
    try:
        target = _verified_backup(db.path, db.backup_dir, DAILY, db.key)
        keep_daily, keep_monthly = retention(db)
        files.prune(db.backup_dir, db.path.stem, keep_daily=keep_daily, keep_monthly=keep_monthly, today=today)
    except Exception as exc:  # noqa: BLE001 - a backup problem must not block work
        log.warning("daily backup failed", exc_info=True)
        db.warnings.append(_("The daily backup could not be written: {error}").format(error=exc))
        return None
    return target


def backup_before(db: Database, action: str) -> Path | None:
    """A backup taken just before a migration, restore or bulk import (reason ``pre-<action>``)."""
    if db.path is None or not db.path.exists() or db.backup_dir is None:
        return None
    target = _verified_backup(db.path, db.backup_dir, f"pre-{action}", db.key)
    keep_daily, keep_monthly = retention(db)
    files.prune(db.backup_dir, db.path.stem, keep_daily=keep_daily, keep_monthly=keep_monthly)
    return target


@requires(Permission.BACKUP)
def backup_to(db: Database, actor: Actor, out: Path | None = None) -> Path:
    """``kpidesk backup [--out FILE]``: a checked copy into the backup folder or to ``out``."""
    require(actor, Permission.BACKUP)
    if db.path is None or db.backup_dir is None or not db.path.exists():
        raise ValidationError(_("Only a database file can be backed up here; use the server's own backups."))
    if out is None:
        target = _verified_backup(db.path, db.backup_dir, "manual", db.key)
        keep_daily, keep_monthly = retention(db)
        files.prune(db.backup_dir, db.path.stem, keep_daily=keep_daily, keep_monthly=keep_monthly)
        return target
    out = Path(out).expanduser().resolve()
    if out == db.path.resolve() or out in [s.resolve() for s in sqlite.sidecar_files(db.path)]:
        raise ValidationError(_("A backup cannot overwrite the database itself."))
    if out.is_dir():
        out = out / files.backup_name(db.path.stem, "manual")
    sqlite.online_backup(db.path, out, key=db.key)
    witness.record_backup(db.path, out, db.key)
    _require_sound(out, db.key)
    return out


@requires(Permission.BACKUP)
def change_backup_folder(db: Database, actor: Actor, folder: Path | str | None) -> tuple[Path, int]:
    """Keep this database's backups in ``folder`` from now on (None: the default beside the file) and move
    the backups already taken there, so restore and the damaged-file diagnosis still find them.
    Returns the folder and how many files were moved."""
    require(actor, Permission.BACKUP)
    if db.path is None:
        raise ValidationError(_("Only a database file has a backup folder; use the server's own backups."))
    old = backup_folder_for(db.path)
    new = Path(folder).expanduser().resolve() if folder else default_backup_folder(db.path)
    try:
        new.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=new, prefix=".kpidesk-probe-"):
            pass
    except OSError as exc:
        raise ValidationError(_("Backups cannot be written to {folder}: {error}").format(
            folder=new, error=exc.strerror or exc)) from exc
    moved = 0
    if new.resolve() != old.resolve():
        for backup in files.list_backups(old, db.path.stem, include_damaged=True):
            destination = new / backup.path.name
            if not destination.exists():
                shutil.move(backup.path, destination)
                moved += 1
    remember_backup_folder(db.path, new)
    with db.write() as session:
        audit.record(session, actor, "backup.folder", entity="backup_folder", entity_id=db.path.name,
                     old={"folder": str(old)}, new={"folder": str(new), "moved": moved})
    return new, moved


def retention(db: Database) -> tuple[int, int]:
    from kpidesk.services.safety.settings import load_settings

    try:
        with db.session() as session:
            settings = load_settings(session)
            return settings.keep_daily, settings.keep_monthly
    except Exception:  # noqa: BLE001 - unreadable settings fall back to the defaults
        return 14, 12


def _verified_backup(database: Path, folder: Path, reason: str, key: FileKey | None = None) -> Path:
    """A backup checked after writing; an encrypted database's backup is encrypted with its key."""
    target = files.backup_file(database, folder, reason, key=key)
    try:
        witness.record_backup(database, target, key)
        _require_sound(target, key)
    except CorruptDatabase:
        target.unlink(missing_ok=True)
        raise
    return target


def _require_sound(path: Path, key: FileKey | None = None) -> None:
    check = sqlite.check_file(path, key=key)
    if not check.ok:
        raise CorruptDatabase(
            _("The backup {path} failed its check ({detail}); the database itself may be damaged.").format(
                path=path, detail=check.detail or check.kind
            )
        )


def list_backups(database: Path) -> list[files.BackupFile]:
    return files.list_backups(backup_folder_for(Path(database)), Path(database).stem)


# --------------------------------------------------------------------------- checking files


@dataclass(frozen=True)
class FileVerdict:
    """Whether a file can be used as a KPI Desk database, and its schema version if so."""

    ok: bool
    kind: str  # ok | missing | empty | encrypted | not_database | truncated | damaged | locked | not_kpidesk | unknown_schema
    detail: str
    schema_version: str | None = None


def known_key(path: Path, passphrase: str | None = None) -> FileKey | None:
    """The key of an encrypted file (from ``passphrase``, else this computer's keyring); None for a plain
    file or when no key is known."""
    path = Path(path)
    if not encryption.looks_encrypted(path):
        return None
    if passphrase:
        return encryption.derive(passphrase, encryption.file_salt(path))
    return encryption.remembered_key(path)


def examine(path: Path, *, timeout: float = 1.0, key: FileKey | None = None, quick: bool = False) -> FileVerdict:
    """Look at a file without changing it: SQLite header and size, readability, ``PRAGMA integrity_check``
    (``quick_check`` with ``quick``), the KPI Desk tables and a schema version this program knows. An
    encrypted file is read with ``key``, else with the key this computer keeps for it."""
    from kpidesk.store.schema_versions import is_known

    key = key or known_key(Path(path))
    if key is None and encryption.looks_encrypted(Path(path)):
        return FileVerdict(False, "encrypted", "")
    check = sqlite.check_file(Path(path), timeout=timeout, key=key,
                              integrity="quick_check" if quick else "integrity_check")
    if not check.ok:
        return FileVerdict(False, check.kind, check.detail)
    missing = CORE_TABLES - check.tables
    if missing:
        return FileVerdict(False, "not_kpidesk", ", ".join(sorted(missing)))
    version = check.schema_version
    if not is_known(version):
        return FileVerdict(False, "unknown_schema", str(version), version)
    return FileVerdict(True, "ok", "", version)


def verdict_message(path: Path, verdict: FileVerdict) -> str:
    messages = {
        "missing": _("{path} does not exist."),
        "empty": _("{path} is empty."),
        "not_database": _("{path} is not a database file."),
        "encrypted": _("{path} is encrypted (or damaged), and this computer does not keep its key; give its "
                       "passphrase."),
        "truncated": _("{path} is incomplete (cut short, perhaps by an interrupted copy)."),
        "damaged": _("{path} is damaged and fails the integrity check."),
        "locked": _("{path} is locked by another program; close that program and try again."),
        "not_kpidesk": _("{path} is a database, but not a KPI Desk database."),
        "unknown_schema": _("{path} was written by a version of KPI Desk this program does not know."),
        "wal_removed": _(
            "The file {path}-wal, which holds the latest changes of {path}, was removed while a program still "
            "had the database open. The database is not damaged and should not be restored: close every KPI "
            "Desk window (closing writes the changes back into the file), then open it again."
        ),
    }
    text = messages.get(verdict.kind, _("{path} cannot be used."))
    return text.format(path=path)


# --------------------------------------------------------------------------- on open


@dataclass(frozen=True)
class OpenProblem:
    """Why a database cannot be opened, and the newest backup that passes every check (if any)."""

    path: Path
    kind: str
    detail: str
    good_backup: Path | None

    @property
    def message(self) -> str:
        text = verdict_message(self.path, FileVerdict(False, self.kind, self.detail))
        if self.good_backup is not None:
            taken = files.parse_backup_name(self.good_backup)
            when = taken.taken_at.strftime("%Y-%m-%d %H:%M") if taken else ""
            text += " " + _(
                "The newest good backup is {backup} ({when}); restore it with: kpidesk restore --newest"
            ).format(backup=self.good_backup, when=when)
        elif self.kind not in ("locked", "wal_removed"):
            text += " " + _("No good backup was found in {folder}.").format(folder=backup_folder_for(self.path))
        return text


class DatabaseProblem(CorruptDatabase):
    """Raised by :func:`kpidesk.services.safety.database.open_checked`; ``problem`` carries what the UI
    needs to offer a restore."""

    def __init__(self, problem: OpenProblem):
        super().__init__(problem.message)
        self.problem = problem


def diagnose(path: Path) -> OpenProblem | None:
    """None when ``path`` can be opened (or does not exist yet and will be created); else the problem.

    A database from a newer KPI Desk is not a problem here: it opens read-only. The file is looked at with
    SQLite's quick check, run at every opening; that each index matches its table is checked on the daily
    backup, a full check of the copy (which fails, naming the database, when the copy's source is damaged).
    """
    path = Path(path)
    verdict = examine(path, quick=True)
    if verdict.ok or verdict.kind in ("missing", "empty", "unknown_schema"):
        return None
    if verdict.kind == "damaged" and _wal_removed_under_a_writer(path):
        return OpenProblem(path, "wal_removed", verdict.detail, None)  # a restore would lose the changes
    return OpenProblem(path, verdict.kind, verdict.detail, newest_good_backup(path))


def _wal_removed_under_a_writer(path: Path) -> bool:
    """The shared-memory index counts committed frames that the log no longer holds: the signature of a
    ``-wal`` deleted while a connection was open, which makes a sound file look damaged.

    The index header (SQLite's WalIndexHdr, native byte order) has ``isInit`` at byte 12, the page size
    at 14 and ``mxFrame``, the committed frames, at 16; each frame is 24 bytes plus a page, after a
    32-byte log header."""
    wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
    try:
        with shm.open("rb") as stream:
            header = stream.read(20)
        wal_size = wal.stat().st_size if wal.exists() else 0
    except OSError:
        return False
    if len(header) < 20 or header[12] != 1:
        return False
    page_size, frames = struct.unpack("=HI", header[14:20])
    page_size = 65536 if page_size == 1 else page_size
    return frames > 0 and wal_size < 32 + frames * (24 + page_size)


def newest_good_backup(path: Path) -> Path | None:
    """The newest backup of ``path`` that passes every check of :func:`examine`."""
    for backup in list_backups(path):
        if examine(backup.path).ok:
            return backup.path
    return None


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    source: Path
    replaced_copy: Path | None  # where the file that was replaced is kept
    schema_version: str
    checksum: str


@requires(Permission.RESTORE)
def restore(db_path: str | Path, file: str | Path, *, actor: Actor,
            passphrase: str | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with ``file`` after checking ``file`` is a sound KPI Desk
    database of a known schema version. The replaced file is kept in the backup folder (a sound one as a
    ``pre-restore`` backup, a damaged one moved there untouched). Close every connection to ``db_path``
    first; another program still using it makes the restore fail without changing anything.

    An encrypted backup is read with the key this computer keeps for it, or the one ``passphrase`` gives
    (which is then kept, so the restored database opens).
    """
    db_path, file = Path(db_path).expanduser().resolve(), Path(file).expanduser().resolve()
    if not file.exists():
        raise NotFound(_("{path} does not exist.").format(path=file))
    if file == db_path:
        raise ValidationError(_("A database cannot be restored from itself."))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    folder = backup_folder_for(db_path)
    with tempfile.TemporaryDirectory(dir=db_path.parent, prefix=".kpidesk-restore-") as work:
        file_key = known_key(file, passphrase)
        candidate = _checked_candidate(file, Path(work), file_key)
        verdict = examine(candidate, key=file_key)
        checksum = _sha256(candidate)
        current_key = known_key(db_path)
        current = examine(db_path, timeout=sqlite.BUSY_TIMEOUT_MS / 1000, key=current_key)
        if current.kind == "locked":
            raise DatabaseBusy(verdict_message(db_path, current))
        replaced: Path | None = None
        if current.ok or current.kind in ("not_kpidesk", "unknown_schema"):  # a sound SQLite file
            replaced = _verified_backup(db_path, folder, "pre-restore", current_key)
            _record_restore(candidate, db_path, file, replaced, checksum, actor, file_key)
            if file_key is not None:
                _remember(file_key)
            try:
                if current_key == file_key:
                    sqlite.replace_contents(candidate, db_path, key=file_key)
                else:  # encrypted differently: the page copy cannot cross keys, so the checked file moves in
                    _swap_in(candidate, db_path)
            except sqlite.FileBusy as exc:
                raise DatabaseBusy(
                    _("{path} is in use by another program (or another KPI Desk window); close it and try again.")
                    .format(path=db_path)
                ) from exc
        else:
            if current.kind == "missing":
                for sidecar in sqlite.sidecar_files(db_path):  # journals without their database
                    sidecar.unlink(missing_ok=True)
            else:
                replaced = files.set_aside(db_path, folder)
            _record_restore(candidate, db_path, file, replaced, checksum, actor, file_key)
            if file_key is not None:
                _remember(file_key)
            candidate.replace(db_path)
    after = examine(db_path, key=file_key)
    if not after.ok:  # should not happen: the candidate was checked; say so rather than hide it
        raise CorruptDatabase(verdict_message(db_path, after))
    witness.record_restore(db_path, file_key)
    return RestoreResult(db_path, file, replaced, verdict.schema_version or "", checksum)


@requires(Permission.RESTORE)
def restore_newest_good_backup(db_path: str | Path, *, actor: Actor) -> RestoreResult:
    """What the "restore the newest good backup" button and ``kpidesk restore --newest`` do."""
    backup = newest_good_backup(Path(db_path))
    if backup is None:
        raise NotFound(_("No good backup was found in {folder}.").format(folder=backup_folder_for(Path(db_path))))
    return restore(db_path, backup, actor=actor)


def _remember(key: FileKey) -> None:
    encryption.remember_key(key)


def _swap_in(candidate: Path, db_path: Path) -> None:
    """Put a checked copy in the database's place. The database must be closed everywhere: its journals
    are removed, as they belong to the file being replaced (which is kept as the pre-restore backup)."""
    probe = sqlite.check_file(db_path, timeout=0.2, integrity=None, key=known_key(db_path))
    if probe.kind == "locked":
        raise sqlite.FileBusy(probe.detail)
    for sidecar in sqlite.sidecar_files(db_path):
        sidecar.unlink(missing_ok=True)
    candidate.replace(db_path)


def _checked_candidate(file: Path, work: Path, key: FileKey | None = None) -> Path:
    """Copy ``file`` (with its WAL, if any) into ``work``, fold the WAL in, and check the copy: the
    user's file is only ever read."""
    candidate = work / "candidate.db"
    try:
        shutil.copyfile(file, candidate)
        wal = file.with_name(file.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, candidate.with_name(candidate.name + "-wal"))
    except OSError as exc:
        raise ValidationError(_("{path} cannot be read: {error}").format(path=file, error=exc.strerror or exc)) from exc
    verdict = examine(candidate, key=key)
    if not verdict.ok:
        raise CorruptDatabase(_("Nothing was restored: {reason}").format(reason=verdict_message(file, verdict)))
    try:
        sqlite.make_self_contained(candidate, key)
    except Exception as exc:  # noqa: BLE001 - any failure here means the file is not usable
        raise CorruptDatabase(_("Nothing was restored: {reason}").format(reason=str(exc))) from exc
    if not examine(candidate, key=key).ok:
        raise CorruptDatabase(_("Nothing was restored: {reason}").format(
            reason=verdict_message(file, FileVerdict(False, "damaged", ""))))
    return candidate


def _record_restore(candidate: Path, db_path: Path, source: Path, replaced: Path | None, checksum: str,
                    actor: Actor, key: FileKey | None = None) -> None:
    """Write the restore's audit entry into the checked copy before it takes the database's place, so
    that the restored file and its record arrive together: a restore stopped half-way leaves either the
    old file or the new one with its entry, never the new one without."""
    from kpidesk.services.safety import audit
    from kpidesk.store.db import open_database

    db = open_database(candidate, key=key)  # an older schema is upgraded here, as opening the restored file would
    try:
        if db.schema_too_new:
            return
        with db.write() as session:
            audit.record(
                session, actor, "database.restore", entity="database",
                entity_id=db_path.name,
                new={"source": str(source), "sha256": checksum, "replaced_copy": str(replaced) if replaced else None},
            )
    finally:
        db.dispose()
    sqlite.make_self_contained(candidate, key)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_backups(database: Path) -> list[dict]:
    """Rows for a backups list: file, when, why, size."""
    rows = []
    for backup in list_backups(database):
        rows.append({
            "file": str(backup.path),
            "taken_at": backup.taken_at.isoformat(sep=" ", timespec="seconds"),
            "reason": backup.reason,
            "size": backup.path.stat().st_size if backup.path.exists() else None,
        })
    return rows
