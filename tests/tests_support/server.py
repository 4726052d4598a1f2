"""Server databases for tests: one migrated template (and one with the demo) per run, cloned per test.

``CREATE DATABASE … TEMPLATE`` copies a database in a few milliseconds, far faster than migrating or
building the demo again for every test.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_templates: dict[str, str] = {}


def server_url() -> str | None:
    return os.environ.get("KPIDESK_TEST_PG_URL") or None


def _admin():
    return create_engine(server_url(), isolation_level="AUTOCOMMIT")


def _url_for(name: str) -> str:
    return make_url(server_url()).set(database=name).render_as_string(hide_password=False)


def _drop(connection, name: str) -> None:
    connection.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
    ), {"name": name})
    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


def _template(kind: str, demo_file: Path | None) -> str:
    if kind in _templates:
        return _templates[kind]
    from kpidesk.store.db import open_database

    name = f"kpidesk_tmpl_{kind}_{os.getpid()}"
    admin = _admin()
    with admin.connect() as connection:
        _drop(connection, name)
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    target = open_database(_url_for(name), migrate=True)
    if demo_file is not None:
        from kpidesk.services.safety.db_copy import copy_database

        source = open_database(demo_file)
        copy_database(source, target)
        source.dispose()
    target.dispose()
    admin.dispose()
    _templates[kind] = name
    return name


@contextmanager
def fresh_database(kind: str = "empty", demo_file: Path | None = None):
    """Yield the URL of a new database cloned from the template of ``kind``; drop it afterwards."""
    template = _template(kind, demo_file)
    name = f"kpidesk_test_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _url_for(name)
    finally:
        with admin.connect() as connection:
            _drop(connection, name)
        admin.dispose()


def drop_templates() -> None:
    if not _templates or not server_url():
        return
    admin = _admin()
    with admin.connect() as connection:
        for name in _templates.values():
            _drop(connection, name)
    admin.dispose()
    _templates.clear()
