"""Opening the database for use (after a look at the file, then the daily backup), and what ``kpidesk info``
reports about it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kpidesk.services.safety.backup import DatabaseProblem, daily_backup, diagnose
from kpidesk.services.safety.gates import touches_no_appraisal_data
from kpidesk.store import models as m
from kpidesk.store.db import Database, open_database
from kpidesk.store.encryption import looks_encrypted
from kpidesk.store.locations import resolve_url
from kpidesk.store.schema_versions import schema_state


def open_for_use(target: str | Path | None = None, *, passphrase: str | None = None) -> Database:
    """Open (creating and migrating as needed) and take the daily backup. ``passphrase`` opens an encrypted
    file whose key this computer does not keep."""
    db = open_database(target, passphrase=passphrase)
    daily_backup(db)
    return db


def open_checked(target: str | Path | None = None, *, passphrase: str | None = None) -> Database:
    """Open for use like :func:`open_for_use`, but look at the file first:
    a file that cannot be used raises :class:`DatabaseProblem` naming the newest good backup.
    An encrypted file cannot be looked at without its key; opening it proves the key and reads it."""
    url = resolve_url(target)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        problem = None if looks_encrypted(path) else diagnose(path)
        if problem is not None:
            raise DatabaseProblem(problem)
    return open_for_use(target, passphrase=passphrase)


@touches_no_appraisal_data
def has_data(db: Database) -> bool:
    with db.session() as session:
        return any(
            session.execute(select(func.count()).select_from(model)).scalar()
            for model in (m.Employee, m.Kpi, m.PeriodRecord)
        )


def info(db: Database) -> dict[str, Any]:
    counts = {}
    with db.session() as session:
        for label, model in (
            ("departments", m.Department),
            ("positions", m.Position),
            ("employees", m.Employee),
            ("kpis", m.Kpi),
            ("raw_fields", m.RawField),
            ("templates", m.Template),
            ("periods", m.PeriodRecord),
            ("measurements", m.Measurement),
            ("form_responses", m.FormResponse),
            ("adjustments", m.Adjustment),
            ("audit_entries", m.AuditEntry),
        ):
            counts[label] = session.execute(select(func.count()).select_from(model)).scalar()
        periods = [
            {"code": code, "status": status}
            for code, status in session.execute(
                select(m.PeriodRecord.code, m.PeriodRecord.status).order_by(m.PeriodRecord.starts_on, m.PeriodRecord.code)
            )
        ]
    state = schema_state(db.engine)
    return {
        "path": db.display_name,
        "schema_version": state.current,
        "schema_head": state.head,
        "read_only": db.schema_too_new,
        "encrypted": db.encrypted,
        "counts": counts,
        "periods": periods,
    }
