"""Reading and poking a test database the same way on SQLite and on a server."""

from __future__ import annotations

from sqlalchemy import inspect, text


def db_target(db) -> str:
    """What to pass as ``--db`` for this database: its file, or its server URL."""
    return str(db.path) if db.path is not None else db.url.render_as_string(hide_password=False)


def run_sql(db, statement: str, **params) -> None:
    """Change rows behind the program's back (to simulate tampering), in one committed transaction."""
    with db.engine.begin() as connection:
        connection.execute(text(statement), params)


def all_rows(db) -> dict[str, list[str]]:
    """Every row of every table, to compare database content before and after."""
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        return {t: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{t}"')))) for t in tables}


def opened_copy(template, folder):
    """A database opened on a fresh copy of the file ``template`` in ``folder`` (the test disposes of it):
    tests sharing one slow-to-build file each change only their own copy."""
    import shutil
    from pathlib import Path

    from kpidesk.store.db import open_database

    copy = Path(folder) / "office.db"
    shutil.copyfile(template, copy)
    return open_database(copy)
