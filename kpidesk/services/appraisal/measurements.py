"""Raw measurements typed in (data entry) or set by the demo, checked against the period's lock; what the
data-entry grid reads. Bulk imports are written by :mod:`.imported_values`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import repeat

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.periods import parse_period
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import ConflictError, ValidationError
from kpidesk.i18n import _
from kpidesk.i18n.times import format_local_time
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.stored_values import MEASUREMENT_SCALE, stored_columns
from kpidesk.services.progress import check_cancelled
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, employee_scope, require_for_employees
from kpidesk.services.safety.gates import requires
from kpidesk.services.safety.period_lock import ensure_writable, period_record
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow


@dataclass(frozen=True)
class ValueChange:
    employee_id: int
    field_code: str
    value: Decimal | None  # None clears the value
    expected_version: int | None = None  # the version the editor showed; None skips the check


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
    """Upsert values; each change is audited with its old value unless ``audit_each`` is off (bulk). Values
    of anyone outside the actor's departments refuse the whole call."""
    record = period_record(session, period)
    ensure_writable(record)
    known = known_field_codes(session)
    changes = list(changes)
    require_for_employees(session, actor, Permission.DATA_WRITE, {c.employee_id for c in changes})
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
        elif change.expected_version is not None and row.version != change.expected_version:
            raise _conflict(session, row)
        elif old == change.value:
            continue
        else:
            row.value = change.value
            row.updated_at = now
            row.updated_by = actor.name
            row.source_file = row.source_sheet = row.source_row = row.source_checksum = None
        written += 1
        if audit_each:
            audit.record(
                session, actor, "value.set", entity="measurement",
                entity_id=f"{record.code}/{change.employee_id}/{change.field_code}",
                old=None if old is None else str(old), new=None if change.value is None else str(change.value),
            )
    session.flush()  # a writer racing us between read and write surfaces as ConflictError from db.write()
    return written


def _conflict(session: Session, row: m.Measurement) -> ConflictError:
    employee = session.get(m.Employee, row.employee_id)
    return ConflictError(
        _("{name}'s {field} was changed by {who} at {time}; reload to see it, then enter your value again.").format(
            name=employee.name if employee else row.employee_id, field=row.field_code,
            who=row.updated_by or "?", time=format_local_time(row.updated_at),
        )
    )


def values_for_period(session: Session, actor: Actor, period: str) -> dict[tuple[int, str], Decimal | None]:
    """The period's stored values of the people whose data ``actor`` may read."""
    record = period_record(session, period)
    return _readable_values(session, actor, record, m.Measurement.value)


def _readable_values(session: Session, actor: Actor, record: m.PeriodRecord, value_column) -> dict:
    """(employee, field) → ``value_column`` of the period's stored values ``actor`` may read."""
    scope = employee_scope(session, actor, Permission.DATA_READ, period_id=record.id)
    rows = session.execute(select(m.Measurement.employee_id, m.Measurement.field_code, value_column).where(
        m.Measurement.period_id == record.id))
    return {(employee_id, field_code): value for employee_id, field_code, value in rows
            if scope is None or employee_id in scope}


def _entry_values(session: Session, actor: Actor, record: m.PeriodRecord) -> dict[tuple[int, str], float]:
    """The readable values as floats (the grid shows floats; 150,000 Decimals for a 5,000-person month cost
    more than everything else the grid reads)."""
    scope = employee_scope(session, actor, Permission.DATA_READ, period_id=record.id)
    readable = None if scope is None else np.fromiter(scope, dtype=np.int64, count=len(scope))
    values: dict[tuple[int, str], float] = {}
    for _period, code, ids, scaled in stored_columns(session, [record.id]):
        if readable is not None:
            kept = np.isin(ids, readable)
            ids, scaled = ids[kept], scaled[kept]
        keys = zip(ids.tolist(), repeat(code, len(ids)), strict=True)
        values.update(zip(keys, (scaled / MEASUREMENT_SCALE).tolist(), strict=True))
    return values


# --------------------------------------------------------------------------- reading for data entry


@dataclass(frozen=True)
class EntryField:
    """A column people type into: a raw field, or a KPI that is entered directly (no formula)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: str  # "field" | "kpi"
    bounded_rate: bool  # a rate that cannot leave 0–100 %


@dataclass(frozen=True)
class EntryKpi:
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    formula: str | None


@dataclass(frozen=True)
class FormRef:
    form_version_id: int
    form_key: str
    version: int
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class RosterEntry:
    """One person appraised in a period, with what their template asks for."""

    employee_id: int
    staff_no: str
    name: str
    manager_id: int | None
    template_key: str | None
    template_name_zh: str | None
    template_name_en: str | None
    fields: tuple[str, ...]  # entry columns their template needs, in template order
    kpis: tuple[str, ...]  # KPI codes on their template
    forms: tuple[FormRef, ...]
    department: str = ""  # the department or team they are appraised in, for finding people by team


@dataclass(frozen=True)
class EntrySheet:
    """Everything the data-entry grid shows for one period, as plain data."""

    period: str
    status: PeriodStatus
    finalized_at: datetime | None
    finalized_by: str | None
    fields: tuple[EntryField, ...]
    kpis: tuple[EntryKpi, ...]
    rows: tuple[RosterEntry, ...]
    values: dict[tuple[int, str], float]  # the stored decimals as the nearest floats
    without_template: tuple[str, ...] = ()  # appraisees left out: no template and no values

    @property
    def locked(self) -> bool:
        return self.status == PeriodStatus.FINALIZED


def _template_needs(template: m.Template, known_fields: set[str]) -> tuple[list[str], list[str]]:
    """The entry columns (raw fields read by formulas, or directly entered KPIs) and KPI codes of a template."""
    from kpidesk.domain.formulas import FormulaError, parse_formula

    fields: dict[str, None] = {}
    kpis = []
    for item in template.items:
        kpi = item.kpi
        kpis.append(kpi.code)
        if not kpi.formula:
            fields.setdefault(kpi.code, None)
            continue
        try:
            names = parse_formula(kpi.formula).fields
        except FormulaError:
            names = ()
        for name in names:
            if name in known_fields or name == kpi.code:  # its own code: the KPI is typed in, or derived
                fields.setdefault(name, None)
    return list(fields), kpis


def appraisal_roster(session: Session, period: str) -> list[RosterEntry]:
    """Who is appraised in ``period`` (as scoring sees it), with their template's columns and forms."""
    from kpidesk.services.appraisal.scoring_inputs import appraisees, current_templates

    record = period_record(session, period)
    by_key, for_position = current_templates(session)
    raw_fields = set(session.execute(select(m.RawField.code)).scalars())
    needs = {key: _template_needs(row, raw_fields) for key, row in by_key.items()}
    managers = dict(session.execute(select(m.Employee.id, m.Employee.manager_id)).all())
    departments: dict[int, str] = {row.id: row.name for row in session.execute(
        select(m.Department.id, m.Department.name))}
    # once per template, not per person: 5,000 people read the same few forms' attributes 10,000 times
    forms_of = {key: tuple(FormRef(tf.form_version_id, tf.form_version.form_key, tf.form_version.version,
                                   tf.form_version.title_zh, tf.form_version.title_en) for tf in row.forms)
                for key, row in by_key.items()}
    roster = []
    for person in appraisees(session, parse_period(record.code), record, for_position):
        template = by_key.get(person.template_key) if person.template_key else None
        fields, kpis = needs.get(person.template_key or "", ([], [])) if template is not None else ([], [])
        forms = forms_of.get(person.template_key or "", ()) if template is not None else ()
        roster.append(RosterEntry(
            person.employee_id, person.staff_no, person.name, managers.get(person.employee_id),
            person.template_key, template.name_zh if template else None, template.name_en if template else None,
            tuple(fields), tuple(kpis), forms,
            departments.get(person.department_id, "") if person.department_id is not None else "",
        ))
    return roster


def entry_sheet(session: Session, actor: Actor, period: str) -> EntrySheet:
    """The period's grid: appraisees × the columns their templates need, the stored values and the lock;
    only the people whose data ``actor`` may read."""
    record = period_record(session, period)
    values = _entry_values(session, actor, record)
    check_cancelled()  # a sheet moved past stops here, before its roster is read
    with_values = {employee_id for employee_id, _code in values}
    scope = employee_scope(session, actor, Permission.DATA_READ, period_id=record.id)
    roster, left_out = [], []
    for entry in appraisal_roster(session, record.code):
        if scope is not None and entry.employee_id not in scope:
            continue
        if entry.template_key is None and entry.employee_id not in with_values:
            left_out.append(entry.name)
        else:
            roster.append(entry)
    raw = {row.code: row for row in session.execute(select(m.RawField).order_by(m.RawField.id)).scalars()}
    kpis = {row.code: row for row in session.execute(select(m.Kpi).order_by(m.Kpi.id)).scalars()}

    order: dict[str, None] = {}
    for entry in roster:
        for code in entry.fields:
            order.setdefault(code, None)
    extra = sorted({code for _e, code in values} - set(order), key=lambda c: (c not in raw, c))
    for code in extra:
        if code in raw or code in kpis:
            order.setdefault(code, None)

    columns = []
    for code in order:
        if code in raw:
            row = raw[code]
            columns.append(EntryField(code, row.name_zh, row.name_en, row.unit, "field", row.unit == "percent"))
        elif code in kpis:
            kpi = kpis[code]
            columns.append(EntryField(code, kpi.name_zh, kpi.name_en, kpi.unit, "kpi",
                                      kpi.unit == "percent" and kpi.direction != "band"))
    kpi_order: dict[str, None] = {}
    for entry in roster:
        for code in entry.kpis:
            kpi_order.setdefault(code, None)
    kpi_columns = tuple(
        EntryKpi(code, kpis[code].name_zh, kpis[code].name_en, kpis[code].unit, kpis[code].direction,
                 kpis[code].formula)
        for code in kpi_order if code in kpis
    )
    return EntrySheet(record.code, record.status, record.finalized_at, record.finalized_by, tuple(columns),
                      kpi_columns, tuple(roster), values, tuple(left_out))


@requires(Permission.DATA_WRITE)
def save_values(db, actor: Actor, period: str, changes: Iterable[ValueChange]) -> int:
    """Write typed values in one unit of work (the data-entry grid's writes)."""
    with db.write() as session:
        return set_values(session, actor, period, list(changes))
