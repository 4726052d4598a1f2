"""Raw measurements typed in (data entry) or set by the demo: checked against the period's lock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.periods import parse_period
from kpidesk.errors import LockedPeriodError, NotFound, ValidationError
from kpidesk.i18n import _
from kpidesk.services import audit
from kpidesk.services.context import Actor
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow


@dataclass(frozen=True)
class ValueChange:
    employee_id: int
    field_code: str
    value: Decimal | None  # None clears the value


def period_record(session: Session, period: str) -> m.PeriodRecord:
    code = parse_period(period).code
    record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == code)).scalar()
    if record is None:
        raise NotFound(_("Period {period} has not been opened.").format(period=code))
    return record


def ensure_writable(record: m.PeriodRecord) -> None:
    if record.status == "finalized":
        raise LockedPeriodError(
            _("Period {period} is finalized; reopen it (with a reason) to change anything.").format(period=record.code)
        )


def known_field_codes(session: Session) -> set[str]:
    return set(session.execute(select(m.RawField.code)).scalars()) | set(session.execute(select(m.Kpi.code)).scalars())


def set_values(
    session: Session,
    actor: Actor,
    period: str,
    changes: Iterable[ValueChange],
    *,
    audit_each: bool = True,
) -> int:
    """Upsert values; each change is audited with its old value unless ``audit_each`` is off (bulk)."""
    record = period_record(session, period)
    ensure_writable(record)
    known = known_field_codes(session)
    changes = list(changes)
    unknown = sorted({c.field_code for c in changes} - known)
    if unknown:
        raise ValidationError(_("Unknown field or KPI: {codes}").format(codes=", ".join(unknown)))
    existing = {
        (row.employee_id, row.field_code): row
        for row in session.execute(
            select(m.Measurement).where(
                m.Measurement.period_id == record.id,
                m.Measurement.employee_id.in_({c.employee_id for c in changes}),
            )
        ).scalars()
    }
    now = utcnow()
    written = 0
    for change in changes:
        row = existing.get((change.employee_id, change.field_code))
        old = row.value if row is not None else None
        if row is None:
            if change.value is None:
                continue
            row = m.Measurement(
                employee_id=change.employee_id, period_id=record.id, field_code=change.field_code,
                value=change.value, updated_at=now, updated_by=actor.name,
            )
            session.add(row)
            existing[(change.employee_id, change.field_code)] = row
        elif old == change.value:
            continue
        else:
            row.value = change.value
            row.updated_at = now
            row.updated_by = actor.name
            row.version += 1
            row.source_file = row.source_sheet = row.source_row = row.source_checksum = None
        written += 1
        if audit_each:
            audit.record(
                session, actor, "value.set", entity="measurement",
                entity_id=f"{record.code}/{change.employee_id}/{change.field_code}",
                old=None if old is None else str(old), new=None if change.value is None else str(change.value),
            )
    session.flush()
    return written


def values_for_period(session: Session, period: str) -> dict[tuple[int, str], Decimal | None]:
    record = period_record(session, period)
    return {
        (employee_id, field_code): value
        for employee_id, field_code, value in session.execute(
            select(m.Measurement.employee_id, m.Measurement.field_code, m.Measurement.value).where(
                m.Measurement.period_id == record.id
            )
        )
    }
