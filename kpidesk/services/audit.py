"""The audit trail: one hash-chained entry per change, so an edited or deleted entry is detectable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.services.context import Actor
from kpidesk.store.models import AuditEntry
from kpidesk.store.models.base import utcnow

GENESIS = "0" * 64


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
    return entry


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
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if entry.prev_hash != prev:
            return ChainCheck(False, count, entry.id, "link")
        if _entry_hash(entry.prev_hash, _hashed_fields(entry)) != entry.hash:
            return ChainCheck(False, count, entry.id, "content")
        prev = entry.hash
    return ChainCheck(True, count)
