"""Where a database's schema stands against the migrations this program ships, without loading Alembic.

Opening a file that is already up to date is the common case, and importing Alembic (with Mako and Pygments
behind it) would cost a noticeable share of the start-up for nothing; Alembic is loaded only when a file
must be upgraded. The revision chain is read from the scripts' own ``revision``/``down_revision`` lines, and
a test proves it agrees with Alembic's view of the same folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from kpidesk.errors import CorruptDatabase

VERSIONS_DIR = Path(__file__).with_name("migrations") / "versions"
VERSION_TABLE = "alembic_version"

_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(None|['\"]([^'\"]+)['\"])\s*$", re.M)


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: bool

    @property
    def behind(self) -> bool:
        return self.known and self.current is not None and self.current != self.head

    @property
    def too_new(self) -> bool:
        return self.current is not None and not self.known


@cache
def revision_chain() -> tuple[str, ...]:
    """Every revision from the first to the head (the migrations form one straight line)."""
    parent_of: dict[str, str | None] = {}
    for script in sorted(VERSIONS_DIR.glob("*.py")):
        found = {name: ident for name, _value, ident in _ASSIGNMENT.findall(script.read_text(encoding="utf-8"))}
        if "revision" in found:
            parent_of[found["revision"]] = found.get("down_revision") or None
    child_of = {parent: child for child, parent in parent_of.items()}
    if len(child_of) != len(parent_of):
        raise RuntimeError("the migration scripts do not form a single line")
    chain, current = [], child_of.get(None)
    while current is not None:
        chain.append(current)
        current = child_of.get(current)
    if len(chain) != len(parent_of):
        raise RuntimeError("the migration scripts do not form a single line")
    return tuple(chain)


def head_revision() -> str:
    return revision_chain()[-1]


def is_known(revision: str | None) -> bool:
    return revision is not None and revision in revision_chain()


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database; None for a database no migration has touched."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise CorruptDatabase(f"{VERSION_TABLE} holds several revisions: {', '.join(rows)}")
    return rows[0] if rows else None


def schema_state(engine: Engine) -> SchemaState:
    current = current_revision(engine)
    return SchemaState(current=current, head=head_revision(), known=current is None or is_known(current))
