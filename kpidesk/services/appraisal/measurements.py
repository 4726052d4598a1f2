"""(long: single edits, bulk imports and the lock checks share one validation path) Raw measurements typed in (data entry), set by the demo or imported in bulk: checked against the period's
lock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import repeat
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    String,
    bindparam,
    column,
    insert,
    literal,
    literal_column,
    null,
    select,
    table,
    update,
)
from sqlalchemy.orm import Session, object_session

from kpidesk.domain.periods import parse_period
from kpidesk.errors import ConflictError, LockedPeriodError, NotFound, Place, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.progress import CancelToken, ProgressCallback, report
from kpidesk.services.safety import audit
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow


@dataclass(frozen=True)
class ValueChange:
    employee_id: int
    field_code: str
    value: Decimal | None  # None clears the value
    expected_version: int | None = None  # the version the editor showed; None skips the check


def period_record(session: Session, period: str) -> m.PeriodRecord:
    code = parse_period(period).code
    record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == code)).scalar()
    if record is None:
        raise NotFound(_("Period {period} has not been opened.").format(period=code))
    return record


def ensure_writable(record: m.PeriodRecord) -> None:
    """Refuse writes to a finalized period. Inside a write, the period row is re-read under a shared lock
    (FOR SHARE on a server), so finalizing, which locks it exclusively, cannot slip in between."""
    session = object_session(record)
    if session is not None and session.in_transaction():
        session.refresh(record, with_for_update={"read": True})
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
            who=row.updated_by or "?", time=row.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    )


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


@dataclass(frozen=True)
class EntrySheet:
    """Everything the data-entry grid shows for one period, as plain data."""

    period: str
    status: str  # open | review | finalized
    finalized_at: datetime | None
    finalized_by: str | None
    fields: tuple[EntryField, ...]
    kpis: tuple[EntryKpi, ...]
    rows: tuple[RosterEntry, ...]
    values: dict[tuple[int, str], Decimal]
    without_template: tuple[str, ...] = ()  # appraisees left out: no template and no values

    @property
    def locked(self) -> bool:
        return self.status == "finalized"


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
            if name in known_fields:
                fields.setdefault(name, None)
    return list(fields), kpis


def appraisal_roster(session: Session, period: str) -> list[RosterEntry]:
    """Who is appraised in ``period`` (as scoring sees it), with their template's columns and forms."""
    from kpidesk.services.appraisal.scoring_inputs import appraisees, current_templates

    record = period_record(session, period)
    by_key, _for_position = current_templates(session)
    raw_fields = set(session.execute(select(m.RawField.code)).scalars())
    needs = {key: _template_needs(row, raw_fields) for key, row in by_key.items()}
    managers = dict(session.execute(select(m.Employee.id, m.Employee.manager_id)).all())
    roster = []
    for person in appraisees(session, parse_period(record.code), record):
        template = by_key.get(person.template_key) if person.template_key else None
        fields, kpis = needs.get(person.template_key or "", ([], [])) if template is not None else ([], [])
        forms = tuple(
            FormRef(tf.form_version_id, tf.form_version.form_key, tf.form_version.version,
                    tf.form_version.title_zh, tf.form_version.title_en)
            for tf in (template.forms if template is not None else [])
        )
        roster.append(RosterEntry(
            person.employee_id, person.staff_no, person.name, managers.get(person.employee_id),
            person.template_key, template.name_zh if template else None, template.name_en if template else None,
            tuple(fields), tuple(kpis), forms,
        ))
    return roster


def entry_sheet(session: Session, period: str) -> EntrySheet:
    """The period's grid: appraisees × the columns their templates need, the stored values and the lock."""
    record = period_record(session, period)
    values = {key: value for key, value in values_for_period(session, record.code).items() if value is not None}
    with_values = {employee_id for employee_id, _code in values}
    roster, left_out = [], []
    for entry in appraisal_roster(session, record.code):
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


def save_values(db, actor: Actor, period: str, changes: Iterable[ValueChange]) -> int:
    """Write typed values in one unit of work (the data-entry grid's writes)."""
    with db.write() as session:
        return set_values(session, actor, period, list(changes))


# --------------------------------------------------------------------------- bulk writes (imports)

# The measurements table as Core sees it: plain integer columns, so bulk rows skip per-value conversion.
_MEASUREMENTS = table(
    "measurements",
    column("id", Integer),
    column("employee_id", Integer),
    column("period_id", Integer),
    column("field_code", String),
    column("value", BigInteger),
    column("source_file", String),
    column("source_sheet", String),
    column("source_row", Integer),
    column("source_checksum", String),
    column("updated_at", DateTime),
    column("updated_by", String),
    column("version", Integer),
)

INSERT, UPDATE, RETAG, KEEP = "insert", "update", "retag", "keep"


@dataclass(frozen=True)
class ImportedValues:
    """Values read from one file, as parallel lists: the key, the value as stored (× 10⁶) and its row."""

    employee_ids: list[int]
    period_ids: list[int]
    field_codes: list[str]
    scaled_values: list[int]  # Measurement.value is FixedDecimal(6): the value × 10⁶
    source_rows: list[int]

    def __len__(self) -> int:
        return len(self.employee_ids)


@dataclass(frozen=True)
class ValueChanges:
    """What writing :class:`ImportedValues` would do: an action per value, and the stored row's id."""

    actions: list[str]  # INSERT, UPDATE (the value differs), RETAG (same value, other file) or KEEP
    stored_ids: list[int | None]
    all_new: bool = False  # nothing stored yet for these keys: every action is INSERT

    def count(self, action: str) -> int:
        return self.actions.count(action)


def compare_with_stored(session: Session, values: ImportedValues, checksum: str | None = None) -> ValueChanges:
    """Compare values with those stored for the same employee, period and field. With ``checksum``, an
    equal value stored from another file is to be re-tagged with this file as its source."""
    if not len(values):
        return ValueChanges([], [])
    stored = _stored_values(session, sorted(set(values.period_ids)), checksum)
    if not stored:
        return ValueChanges([INSERT] * len(values), [None] * len(values), all_new=True)
    actions: list[str] = []
    ids: list[int | None] = []
    keys = zip(values.employee_ids, values.period_ids, values.field_codes, strict=True)
    for key, value in zip(keys, values.scaled_values, strict=True):
        found = stored.get(key)
        if found is None:
            actions.append(INSERT)
            ids.append(None)
            continue
        stored_id, stored_value, same_source = found
        ids.append(stored_id)
        if stored_value != value:
            actions.append(UPDATE)
        else:
            actions.append(KEEP if checksum is None or same_source else RETAG)
    return ValueChanges(actions, ids)


def _stored_values(session: Session, period_ids: list[int], checksum: str | None
                   ) -> dict[tuple[int, int, str], tuple[int, int | None, bool]]:
    """(employee, period, field) → (id, value × 10⁶, stored from the file with ``checksum``)."""
    t = _MEASUREMENTS
    same_source = (t.c.source_checksum == checksum) if checksum is not None else literal(True)
    statement = select(t.c.employee_id, t.c.period_id, t.c.field_code, t.c.id, t.c.value, same_source).where(
        t.c.period_id.in_(period_ids))
    rows = _BulkWriter(session).fetchall(statement)
    return {(e, p, f): (i, v, bool(s)) for e, p, f, i, v, s in rows}


def write_imported_values(
    session: Session,
    actor: Actor,
    values: ImportedValues,
    *,
    file: str,
    sheet: str | None,
    checksum: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    chunk_rows: int = 10_000,
) -> dict[str, int]:
    """Upsert imported values inside the caller's transaction, with their source (file, sheet, row,
    checksum): new values are inserted, changed values updated, equal values left alone (an equal value
    from another file only takes this file as its source). Refuses finalized periods. Returns the counts
    of inserted, updated, source_updated and unchanged values."""
    period_ids = sorted(set(values.period_ids))
    locked = session.execute(
        select(m.PeriodRecord.code).where(m.PeriodRecord.id.in_(period_ids), m.PeriodRecord.status == "finalized")
    ).scalars().all()
    if locked:
        raise LockedPeriodError(
            _("Period {period} is finalized; reopen it (with a reason) to change anything.").format(period=locked[0]),
            Place(file=file),
        )
    changes = compare_with_stored(session, values, checksum)
    if changes.all_new:
        inserts, updates = None, []  # None: every value, no need to pick them out
    else:
        inserts = [i for i, action in enumerate(changes.actions) if action == INSERT]
        updates = [i for i, action in enumerate(changes.actions) if action in (UPDATE, RETAG)]
    bulk = _BulkWriter(session)
    source = {
        "source_file": file[:260], "source_sheet": None if sheet is None else sheet[:120],
        "source_checksum": checksum, "updated_at": bulk.datetime_value(utcnow()), "updated_by": actor.name,
    }
    t = _MEASUREMENTS
    insert_statement = insert(t).values(
        employee_id=bindparam("employee_id"), period_id=bindparam("period_id"), field_code=bindparam("field_code"),
        value=bindparam("value"), source_row=bindparam("source_row"), version=bulk.constant("version", 1),
        **{name: bulk.constant(name, value) for name, value in source.items()},
    )
    update_statement = update(t).where(t.c.id == bindparam("b_id")).values(
        value=bindparam("b_value"), source_row=bindparam("b_row"), version=t.c.version + 1,
        **{name: bulk.constant(f"b_{name}", value) for name, value in source.items()},
    )
    insert_columns: dict[str, Any] = {  # column → a sequence of values, one per row
        "employee_id": values.employee_ids, "period_id": values.period_ids, "field_code": values.field_codes,
        "value": values.scaled_values, "source_row": values.source_rows,
    }
    update_columns: dict[str, Any] = {"b_id": changes.stored_ids, "b_value": values.scaled_values, "b_row": values.source_rows}
    steps = [(insert_statement, insert_columns, inserts), (update_statement, update_columns, updates)]
    total = (len(values) if inserts is None else len(inserts)) + len(updates)
    done = 0
    report(progress, 0, total, _("Writing values"))
    for statement, columns, picked in steps:
        size = len(values) if picked is None else len(picked)
        for start in range(0, size, chunk_rows):
            if cancel is not None:
                cancel.raise_if_cancelled()
            stop = min(start + chunk_rows, size)
            if picked is None:
                chunk = {name: column_[start:stop] for name, column_ in columns.items()}
            else:
                chosen = picked[start:stop]
                chunk = {name: [column_[i] for i in chosen] for name, column_ in columns.items()}
            bulk.executemany(statement, chunk)
            done += stop - start
            report(progress, done, total, _("Writing values"))
    if cancel is not None:
        cancel.raise_if_cancelled()
    return {
        "inserted": len(values) if inserts is None else len(inserts),
        "updated": changes.count(UPDATE),
        "source_updated": changes.count(RETAG),
        "unchanged": changes.count(KEEP),
    }


class _BulkWriter:
    """Runs Core statements for many rows straight through the DBAPI cursor of the session's own
    connection (same transaction). The SQL and its parameter style come from SQLAlchemy's compiler for
    the connected dialect, so nothing here is specific to one database."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self._datetime = DateTime().dialect_impl(self.dialect).bind_processor(self.dialect)

    def datetime_value(self, value: datetime):
        """A timestamp as the dialect binds it (converted once, not once per row)."""
        return self._datetime(value) if self._datetime else value

    def _cursor(self):
        return self.connection.connection.dbapi_connection.cursor()

    def fetchall(self, statement) -> list[tuple]:
        compiled = statement.compile(dialect=self.dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.params
        bound = tuple(params[name] for name in compiled.positiontup) if compiled.positional else params
        cursor = self._cursor()
        try:
            cursor.execute(str(compiled), bound)
            return cursor.fetchall()
        finally:
            cursor.close()

    def constant(self, name: str, value: object):
        """A value that is the same for every row. Plain text and whole numbers are written into the SQL
        (quoted by the dialect) rather than bound again for each of many rows; anything else is bound."""
        if value is None:
            return null()
        if type(value) is int:
            return literal_column(str(value))
        if isinstance(value, str) and value.isprintable() and not any(c in value for c in "%\\"):
            render = String().literal_processor(self.dialect)
            if render is not None:
                return literal_column(render(value))
        return bindparam(name, value)

    def executemany(self, statement, columns: dict[str, list]) -> None:
        """``columns`` maps bound parameter names to one value per row; other bound parameters keep the
        value they were given (such as the 1 of "version + 1")."""
        size = len(next(iter(columns.values()), []))
        if not size:
            return
        compiled = statement.compile(dialect=self.dialect)
        fixed = compiled.params
        names = compiled.positiontup if compiled.positional else list(fixed)
        series = [columns[name] if name in columns else repeat(fixed[name], size) for name in names]
        rows: list[tuple[Any, ...]] | list[dict[str, Any]]
        if compiled.positional:
            rows = list(zip(*series, strict=False))
        else:
            rows = [dict(zip(names, values, strict=True)) for values in zip(*series, strict=False)]
        cursor = self._cursor()
        try:
            cursor.executemany(str(compiled), rows)
        finally:
            cursor.close()
