"""Witnesses of the database kept outside it, so that rewriting the file alone is noticed.

Each finalization, reopening, backup and restore appends one line (the event, the period and its snapshot
hash, the audit log's newest hash and entry count, the UTC time) to ``<database>.witness.jsonl`` beside
the file and to a copy in the user data folder named after the database's identity (a random id kept in
the database). Each backup also carries the lines inside it. Someone who can rewrite the database can
rebuild its audit chain, but not the counts and hashes already written here, unless they rewrite every
witness too. A file with no witness on this computer (copied from elsewhere) is only a notice.

Only database files have witnesses; a server database relies on the server's own protection.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kpidesk.i18n import N_, _
from kpidesk.i18n.times import format_local_time
from kpidesk.store.locations import user_data_folder
from kpidesk.store.models import AuditEntry, Setting

if TYPE_CHECKING:
    from kpidesk.store.encryption import FileKey

log = logging.getLogger(__name__)

IDENTITY_KEY = "database_identity"
EMBEDDED_KEY = "witness"  # the settings row a backup carries its witness lines in
SUFFIX = ".witness.jsonl"
LOCAL_FOLDER = "witnesses"
_PENDING = "pending_witness_lines"

FINALIZE, REOPEN, BACKUP, RESTORE = "finalize", "reopen", "backup", "restore"
EVENT_WORDS = {FINALIZE: N_("finalization"), REOPEN: N_("reopening"), BACKUP: N_("backup"), RESTORE: N_("restore")}


@dataclass(frozen=True)
class WitnessLine:
    event: str
    database: str
    audit_count: int
    audit_head: str | None
    at: str  # ISO UTC time
    period: str | None = None
    snapshot_hash: str | None = None
    backup: str | None = None
    file: str | None = None  # where the database was when the line was written

    @property
    def shown_at(self) -> str:
        """When the line was written, in local time to the second, as messages show it."""
        try:
            return format_local_time(self.at, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return self.at

    def to_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if v is not None or k in ("audit_head",)}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WitnessLine | None:
        try:
            return cls(event=str(data["event"]), database=str(data["database"]),
                       audit_count=int(data["audit_count"]), audit_head=data.get("audit_head"), at=str(data["at"]),
                       period=data.get("period"), snapshot_hash=data.get("snapshot_hash"), backup=data.get("backup"),
                       file=data.get("file"))
        except (KeyError, TypeError, ValueError):
            return None


# --------------------------------------------------------------------------- where witnesses live


def beside_file(database: Path) -> Path:
    return Path(database).with_name(Path(database).name + SUFFIX)


def local_file(identity: str) -> Path:
    return user_data_folder() / LOCAL_FOLDER / f"{identity}.jsonl"


def _database_path(session: Session) -> Path | None:
    bind = session.get_bind()
    url = bind.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _utc_now() -> str:
    """Microseconds, so lines written in the same second (a backup just before a restore) keep their order."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# --------------------------------------------------------------------------- writing


def identity(session: Session, *, create: bool) -> str | None:
    """The database's identity (kept when the file is copied or restored); created on first need."""
    row = session.get(Setting, IDENTITY_KEY)
    if row is not None and isinstance(row.value, str) and row.value:
        return row.value
    if not create:
        return None
    value = uuid.uuid4().hex
    if row is None:
        session.add(Setting(key=IDENTITY_KEY, value=value))
    else:
        row.value = value
    session.flush()
    return value


def note(session: Session, event_name: str, period: str | None = None, snapshot_hash: str | None = None) -> None:
    """Witness the state this unit of work leaves: called right after its audit entry, the line is
    written once the transaction commits (and dropped if it rolls back)."""
    database = _database_path(session)
    if database is None:
        return
    session.flush()
    count = int(session.execute(select(func.count()).select_from(AuditEntry)).scalar() or 0)
    head = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    line = WitnessLine(event_name, identity(session, create=True) or "", count, head, _utc_now(), period,
                       snapshot_hash)
    session.info.setdefault(_PENDING, []).append((database, line))


@event.listens_for(Session, "after_commit")
def _write_pending(session: Session) -> None:
    for database, line in session.info.pop(_PENDING, ()):
        append(database, line)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def append(database: Path, line: WitnessLine) -> None:
    """Add ``line`` to both witness files; a witness that cannot be written is logged, never fatal (the
    change it witnesses has already been committed)."""
    line = dataclasses.replace(line, file=str(Path(database).resolve()))
    for target in (beside_file(database), local_file(line.database)):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as stream:
                stream.write(line.to_json() + "\n")
                stream.flush()
                os.fsync(stream.fileno())
        except OSError:
            log.warning("witness %s could not be written", target, exc_info=True)
    _remember_place(database, line.database)


def _places_file() -> Path:
    return user_data_folder() / LOCAL_FOLDER / "places.json"


def _places() -> dict[str, str]:
    try:
        data = json.loads(_places_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember_place(database: Path, database_identity: str) -> None:
    """Which identity was witnessed at each file path on this computer: a file replaced by a rewritten one
    with a new identity is then still compared with the old witnesses."""
    places = _places()
    key = str(Path(database).resolve())
    if places.get(key) == database_identity:
        return
    places[key] = database_identity
    try:
        target = _places_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(places, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        log.warning("witness places could not be written", exc_info=True)


def _connect(path: Path, key: FileKey | None, *, read_only: bool) -> Any:
    """A plain SQLite connection, or a SQLCipher one for an encrypted file."""
    if key is not None:
        from kpidesk.store import encryption

        return encryption.connect(path, key, read_only=read_only)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True) if read_only else sqlite3.connect(path)


def _file_state(path: Path, key: FileKey | None) -> tuple[str | None, int, str | None]:
    """Identity, audit entry count and newest hash of a database file."""
    with closing(_connect(path, key, read_only=True)) as connection:
        row = connection.execute("SELECT value FROM settings WHERE key = ?", (IDENTITY_KEY,)).fetchone()
        count = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        head = connection.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (json.loads(row[0]) if row and row[0] else None), int(count), (head[0] if head else None)


def record_backup(database: Path, backup: Path, key: FileKey | None = None) -> None:
    """Witness a backup just written (``key``: the encrypted database's) and put every witness line of the
    database into it. A witness that cannot be written is logged: it never stops a backup."""
    try:
        database_identity, count, head = _file_state(backup, key)
    except Exception:  # noqa: BLE001 - SQLite or SQLCipher errors alike
        log.warning("backup %s could not be witnessed", backup, exc_info=True)
        return
    if not database_identity:
        return  # a file from before identities (migration 0009_database_identity) that was never upgraded
    line = WitnessLine(BACKUP, database_identity, count, head, _utc_now(), backup=backup.name,
                       file=str(Path(database).resolve()))
    lines = [*read_lines(database, database_identity), line]
    carried = json.dumps([json.loads(x.to_json()) for x in lines], ensure_ascii=False)
    try:
        with closing(_connect(backup, key, read_only=False)) as connection, connection:
            connection.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (EMBEDDED_KEY, carried))
    except Exception:  # noqa: BLE001 - as above
        log.warning("witness lines could not be written into %s", backup, exc_info=True)
    append(database, line)


def record_restore(database: Path, key: FileKey | None = None) -> None:
    """After a restore the audit log is the backup's: a restore line starts the history compared from now."""
    try:
        database_identity, count, head = _file_state(database, key)
    except Exception:  # noqa: BLE001 - SQLite or SQLCipher errors alike
        log.warning("restore of %s could not be witnessed", database, exc_info=True)
        return
    if database_identity:
        append(database, WitnessLine(RESTORE, database_identity, count, head, _utc_now()))


# --------------------------------------------------------------------------- reading and comparing


def _parse(path: Path) -> list[WitnessLine] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        log.warning("witness %s could not be read", path, exc_info=True)
        return None
    lines = []
    for raw in text.splitlines():
        try:
            parsed = WitnessLine.from_dict(json.loads(raw))
        except ValueError:
            parsed = None
        if parsed is not None:
            lines.append(parsed)
    return lines


def read_lines(database: Path, database_identity: str) -> list[WitnessLine]:
    """The witness lines of this database from both files, oldest first, without repeats. The user-folder
    copy counts only for the file at this place: a copy of the database elsewhere on this computer shares
    its identity but not its later history."""
    here = str(Path(database).resolve())
    local = [line for line in _parse(local_file(database_identity)) or [] if line.file == here]
    found = [*(_parse(beside_file(database)) or []), *local]
    unique = {line.to_json(): line for line in found if line.database == database_identity}
    return sorted(unique.values(), key=lambda line: line.at)


@dataclass(frozen=True)
class WitnessReport:
    """What the witnesses say: ``problems`` are disagreements, ``notices`` are only worth knowing."""

    problems: list[str]
    notices: list[str]
    finalizations: list[WitnessLine]  # witnessed finalizations since the last restore, oldest first


def compare(session: Session) -> WitnessReport:
    """Compare the audit log with the witnesses of this database on this computer."""
    database = _database_path(session)
    if database is None:
        return WitnessReport([], [], [])
    own = identity(session, create=False)
    remembered = _places().get(str(database.resolve()))
    problems: list[str] = []
    notices: list[str] = []
    identities = [i for i in dict.fromkeys([own, remembered]) if i]
    if remembered and own != remembered:
        problems.append(_("This file was witnessed on this computer as another database: it has been replaced "
                          "or its identity rewritten. It is compared with the earlier witnesses."))
    lines = sorted((line for i in identities for line in read_lines(database, i)), key=lambda line: line.at)
    if not any(line.event != BACKUP for line in lines) and session.execute(
            select(AuditEntry.id).where(AuditEntry.action == "period.finalize").limit(1)).first() is not None:
        notices.append(_("No witness of this database's finalizations was found on this computer (a copied "
                         "file, or finalized before witnesses were kept); the file is checked against itself."))
    if not lines:
        return WitnessReport(problems, notices, [])
    if _parse(beside_file(database)) is None:
        notices.append(_("The witness file {path} is missing; the copy in the user data folder was used.").format(
            path=beside_file(database)))
    restores = [i for i, line in enumerate(lines) if line.event == RESTORE]
    if restores:
        lines = lines[restores[-1]:]
    hashes = list(session.execute(select(AuditEntry.hash).order_by(AuditEntry.id)).scalars())
    problems += _chain_against(lines, hashes)
    return WitnessReport(problems, notices, [line for line in lines if line.event == FINALIZE])


def _chain_against(lines: Iterable[WitnessLine], hashes: list[str]) -> list[str]:
    for line in lines:
        if len(hashes) < line.audit_count:
            return [_("The audit log has {count} entries, but had {witnessed} at {at} (witnessed at the {event} "
                      "of {what}): entries were removed.").format(
                count=len(hashes), witnessed=line.audit_count, at=line.shown_at,
                event=_(EVENT_WORDS[line.event]) if line.event in EVENT_WORDS else line.event,
                what=line.period or line.backup or "—")]
        if line.audit_count and hashes[line.audit_count - 1] != line.audit_head:
            return [_("Audit log entry number {number} is not the one witnessed at {at}: the log was rewritten "
                      "up to there.").format(number=line.audit_count, at=line.shown_at)]
    return []
