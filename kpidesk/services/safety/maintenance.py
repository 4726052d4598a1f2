"""Checks a user can run on their database."""

from __future__ import annotations

from kpidesk.i18n import _
from kpidesk.services.safety.audit import verify_chain
from kpidesk.store import sqlite
from kpidesk.store.db import Database
from kpidesk.store.schema_versions import schema_state


def check_database(db: Database) -> list[str]:
    """Integrity, foreign keys, schema version and the audit chain; [] when all is well."""
    problems: list[str] = []
    if db.path is not None:
        problems += [_("Integrity: {detail}").format(detail=p) for p in sqlite.integrity_problems(db.path, db.key)]
        with db.engine.connect() as connection:
            for row in sqlite.foreign_key_problems(connection):
                problems.append(_("Dangling reference: {row}").format(row=tuple(row)))
    state = schema_state(db.engine)
    if state.too_new:
        problems.append(_("The schema {version} is newer than this program knows.").format(version=state.current))
    elif state.current != state.head:
        problems.append(_("The schema {version} is not up to date.").format(version=state.current))
    with db.session() as session:
        chain = verify_chain(session)
    if not chain.ok:
        problems.append(_("Audit log entry {id} has been altered or removed.").format(id=chain.first_broken_id))
    return problems
