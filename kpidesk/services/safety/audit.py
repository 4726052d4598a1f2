"""The audit trail: one hash-chained entry per change, so an edited or deleted entry is detectable.

Each entry stores the hash of the one before it; the newest entry's id and hash are also kept as the
``audit_head`` setting, so removing entries from the end is noticed too. The chain detects edits made
outside KPI Desk; it is not a signature (someone able to rewrite the whole file can rebuild it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.i18n.times import local_time
from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission, require
from kpidesk.store import postgres
from kpidesk.store.models import AuditEntry, Setting
from kpidesk.store.models.base import utcnow

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def _entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "old": entry.old,
        "new": entry.new,
        "reason": entry.reason,
    }


def record(
    session: Session,
    actor: Actor | str,
    action: str,
    *,
    entity: str | None = None,
    entity_id: Any = None,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append an entry inside the caller's unit of work (so it commits or vanishes with the change)."""
    postgres.advisory_xact_lock(session.connection(), postgres.AUDIT_CHAIN_LOCK)  # one appender at a time
    last = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    entry = AuditEntry(
        at=utcnow(),
        actor=actor.name if isinstance(actor, Actor) else actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        old=_jsonable(old),
        new=_jsonable(new),
        reason=reason,
        prev_hash=last or GENESIS,
        hash="",
    )
    entry.hash = _entry_hash(entry.prev_hash, _hashed_fields(entry))
    session.add(entry)
    session.flush()
    _move_head(session, entry)
    return entry


def record_import(
    session: Session, actor: Actor | str, *, kind: str, file: str | Path, checksum: str,
    counts: dict[str, int], period: str | None = None, reason: str | None = None,
) -> AuditEntry:
    """A bulk import is one entry: the file, its checksum and how many rows did what."""
    return record(
        session, actor, f"import.{kind}", entity="import", entity_id=Path(file).name,
        new={"file": str(file), "sha256": checksum, "counts": dict(counts), "period": period}, reason=reason,
    )


def _move_head(session: Session, entry: AuditEntry) -> None:
    head = session.get(Setting, HEAD_KEY)
    value = {"id": entry.id, "hash": entry.hash}
    if head is None:
        session.add(Setting(key=HEAD_KEY, value=value))
    else:
        head.value = value


def _jsonable(value: Any) -> Any:
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str | None = None


def verify_chain(session: Session) -> ChainCheck:
    """Walk the log in order; name the first entry whose hash or link does not match."""
    prev = GENESIS
    count = 0
    last_id = None
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if entry.prev_hash != prev:
            return ChainCheck(False, count, entry.id, "link")
        if _entry_hash(entry.prev_hash, _hashed_fields(entry)) != entry.hash:
            return ChainCheck(False, count, entry.id, "content")
        prev, last_id = entry.hash, entry.id
    head = session.get(Setting, HEAD_KEY)
    if head is not None and isinstance(head.value, dict):
        head_id, head_hash = head.value.get("id"), head.value.get("hash")
        if last_id is None or head_id != last_id or head_hash != prev:
            broken = head_id if isinstance(head_id, int) and (last_id is None or head_id > last_id) else last_id
            return ChainCheck(False, count, broken, "missing")
    return ChainCheck(True, count)


def verify(session: Session, actor: Actor) -> ChainCheck:
    """:func:`verify_chain` for a user allowed to read the log."""
    require(actor, Permission.AUDIT_READ)
    return verify_chain(session)


def describe_check(check: ChainCheck) -> str:
    if check.ok:
        return _("The audit log is intact ({count} entries).").format(count=check.checked)
    if check.problem == "missing":
        return _("Audit log entries have been removed; the log should end at entry {id}.").format(
            id=check.first_broken_id)
    if check.problem == "link":
        return _("Audit log entry {id} does not follow the entry before it: an entry was removed or "
                 "inserted there.").format(id=check.first_broken_id)
    return _("Audit log entry {id} has been altered.").format(id=check.first_broken_id)


# --------------------------------------------------------------------------- viewing and exporting


@dataclass(frozen=True)
class AuditRow:
    """One entry as lists and exports show it (plain data)."""

    id: int
    at: datetime  # UTC
    actor: str
    action: str
    entity: str | None
    entity_id: str | None
    old: Any
    new: Any
    reason: str | None

    @property
    def local_time(self) -> datetime:
        return local_time(self.at)


@dataclass(frozen=True)
class AuditFilter:
    """What to show: dates are local calendar days (inclusive), ``action`` matches a prefix
    (``value`` finds ``value.set``), ``text`` searches entity ids, values and reasons."""

    since: date | datetime | None = None
    until: date | datetime | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    text: str | None = None
    newest_first: bool = True
    limit: int | None = None
    offset: int = 0


def list_entries(session: Session, actor: Actor, filters: AuditFilter | None = None) -> list[AuditRow]:
    """Entries matching ``filters`` (auditors and administrators only)."""
    require(actor, Permission.AUDIT_READ)
    filters = filters or AuditFilter()
    query = _filtered(select(AuditEntry), filters)
    query = query.order_by(AuditEntry.id.desc() if filters.newest_first else AuditEntry.id)
    if filters.offset:
        query = query.offset(filters.offset)
    if filters.limit is not None:
        query = query.limit(filters.limit)
    return [_row(e) for e in session.execute(query).scalars()]


def count_entries(session: Session, actor: Actor, filters: AuditFilter | None = None) -> int:
    require(actor, Permission.AUDIT_READ)
    query = _filtered(select(func.count()).select_from(AuditEntry), filters or AuditFilter())
    return int(session.execute(query).scalar() or 0)


def export_entries(session: Session, actor: Actor, path: str | Path, filters: AuditFilter | None = None) -> Path:
    """Write the matching entries to ``.csv`` or ``.xlsx`` (text neutralised against spreadsheet formulas)."""
    from kpidesk.exchange.writers import SheetSpec, write_csv, write_xlsx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(_("Export the audit log to a .csv or .xlsx file."))
    filters = filters or AuditFilter(newest_first=False)
    frame = entries_frame(list_entries(session, actor, filters))
    if suffix == ".csv":
        return write_csv(path, frame)
    return write_xlsx(path, [SheetSpec(title=_("Audit log"), frame=frame, freeze_columns=2)])


def entries_frame(rows: list[AuditRow]):
    import pandas as pd

    columns = [_("No."), _("Time"), _("User"), _("Action"), _("Item"), _("Item id"), _("Old value"),
               _("New value"), _("Reason")]
    return pd.DataFrame(
        [[r.id, r.local_time.isoformat(sep=" ", timespec="seconds"), r.actor, r.action, r.entity, r.entity_id,
          _as_text(r.old), _as_text(r.new), r.reason] for r in rows],
        columns=columns,
    )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _filtered(query, filters: AuditFilter):
    if filters.since is not None:
        query = query.where(AuditEntry.at >= _utc_bound(filters.since, start=True))
    if filters.until is not None:
        query = query.where(AuditEntry.at < _utc_bound(filters.until, start=False))
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor)
    if filters.action:
        action = filters.action.rstrip(".")
        query = query.where(or_(AuditEntry.action == action, AuditEntry.action.startswith(action + ".")))
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.entity_id:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.text:
        needle = f"%{filters.text}%"
        query = query.where(or_(
            AuditEntry.entity_id.like(needle), AuditEntry.reason.like(needle),
            cast(AuditEntry.old, String).like(needle), cast(AuditEntry.new, String).like(needle),
        ))
    return query


def _utc_bound(value: date | datetime, *, start: bool) -> datetime:
    """A local day (or moment) as the naive UTC time stored in the log; ``until`` days are inclusive."""
    if not isinstance(value, datetime):
        value = datetime.combine(value if start else value + timedelta(days=1), time.min)
    local = value if value.tzinfo else value.astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.id, entry.at, entry.actor, entry.action, entry.entity, entry.entity_id, entry.old,
                    entry.new, entry.reason)
