"""Moving an office's database between SQLite and a server, in one transaction, verified afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, delete, func, select, update

from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.progress import ProgressCallback, report
from kpidesk.services.safety.audit import verify_chain
from kpidesk.services.safety.witness import IDENTITY_KEY
from kpidesk.store import postgres
from kpidesk.store.db import Database
from kpidesk.store.models import Base, Setting

CHUNK = 5000


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]
    audit_entries: int


def _deferred_columns(table: Table, done: set[str]) -> list[str]:
    """Foreign keys to this table itself or to a table not copied yet: filled in after all inserts."""
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table.name == table.name or fk.column.table.name not in done
    ]


def _row_counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def _only_an_identity(db: Database) -> bool:
    counts = _row_counts(db)
    if any(count for name, count in counts.items() if name != Setting.__tablename__):
        return False
    with db.session() as session:
        return set(session.execute(select(Setting.key)).scalars()) <= {IDENTITY_KEY}


def copy_database(source: Database, target: Database, progress: ProgressCallback | None = None) -> CopyReport:
    """Copy every table; the target must be empty and at the same schema version. A new database holds only
    its identity (migration 0009_database_identity), which gives way to the source's: it is the same office's data."""
    if any(_row_counts(target).values()) and not _only_an_identity(target):
        raise ValidationError(_("The target database is not empty; nothing was copied."))
    tables = Base.metadata.sorted_tables
    expected = _row_counts(source)
    done: set[str] = set()
    fixups: list[tuple[Table, list[str], list[dict]]] = []
    with source.session() as reader, target.write() as writer:
        connection = writer.connection()
        connection.execute(delete(Setting).where(Setting.key == IDENTITY_KEY))
        for index, table in enumerate(tables):
            report(progress, index, len(tables), table.name)
            deferred = _deferred_columns(table, done)
            rows = [dict(r._mapping) for r in reader.execute(select(table).order_by(*table.primary_key.columns))]
            later = [{"_id": r["id"], **{c: r[c] for c in deferred}} for r in rows if any(r[c] is not None for c in deferred)]
            for start in range(0, len(rows), CHUNK):
                chunk = [{**r, **{c: None for c in deferred}} for r in rows[start:start + CHUNK]]
                connection.execute(table.insert(), chunk)
            if later:
                fixups.append((table, deferred, later))
            postgres.reset_sequence(connection, table)
            done.add(table.name)
        for table, columns, rows in fixups:
            from sqlalchemy import bindparam

            statement = update(table).where(table.c.id == bindparam("_id")).values(
                {c: bindparam(c) for c in columns}
            )
            connection.execute(statement, rows)
        report(progress, len(tables), len(tables), _("Verifying"))
    copied = _row_counts(target)
    if copied != expected:
        raise ValidationError(_("Row counts differ after the copy: {diff}").format(
            diff={k: (expected[k], copied.get(k)) for k in expected if expected[k] != copied.get(k)}))
    with target.session() as session:
        chain = verify_chain(session)
    if not chain.ok:
        raise ValidationError(_("The audit chain does not verify after the copy (entry {id}).").format(id=chain.first_broken_id))
    return CopyReport(counts=copied, audit_entries=chain.checked)
