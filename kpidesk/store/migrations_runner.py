"""Running Alembic from the application: upgrading a schema safely (``schema_versions`` says whether one must)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from kpidesk.errors import CorruptDatabase
from kpidesk.store import sqlite

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade with foreign keys off (SQLite table rebuilds would otherwise cascade-delete child rows),
    then prove nothing dangles with ``PRAGMA foreign_key_check``."""
    config = alembic_config()
    with engine.connect() as connection:
        if sqlite.is_sqlite(engine):
            connection.commit()
            sqlite.set_foreign_keys(connection.connection.dbapi_connection, False)
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if sqlite.is_sqlite(engine):
                problems = sqlite.foreign_key_problems(connection)
                if problems:
                    raise CorruptDatabase(f"foreign key check failed after upgrade: {problems[:5]}")
        finally:
            if sqlite.is_sqlite(engine):
                connection.commit()
                sqlite.set_foreign_keys(connection.connection.dbapi_connection, True)
