"""Everything PostgreSQL-specific lives here (advisory locks, sequence repair)."""

from __future__ import annotations

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

#: advisory lock keys, one per thing that must be serialised across clients
AUDIT_CHAIN_LOCK = 7_311_001


def is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def advisory_xact_lock(connection: Connection, key: int) -> None:
    """Held until the transaction ends; a no-op on other databases."""
    if is_postgres(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def reset_sequence(connection: Connection, table: Table) -> None:
    """After rows were inserted with explicit ids, make the id sequence continue after the largest."""
    if not is_postgres(connection) or "id" not in table.c:
        return
    connection.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        )
    )
