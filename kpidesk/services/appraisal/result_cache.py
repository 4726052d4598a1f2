"""The last computed result of each period, kept so a page can show it at once while it computes it again.

A cached result is only ever what one person was allowed to see in one opened database, so the key is built
here from the database and the acting user, never handed in by the caller: a department head cannot be given
an administrator's rows of the same period. Results stay in memory only: they never reach the disk, so an
encrypted database's scores stay inside the encrypted file. The window clears every cache when another
database is opened or someone else logs in; a write does not clear it, because the page shows a cached result
only marked as being refreshed and replaces it with the fresh computation.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kpidesk.services.actor import Actor
    from kpidesk.store.db import Database

Value = TypeVar("Value")

_opening_numbers = itertools.count(1)
_openings: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_openings_lock = threading.Lock()


@dataclass(frozen=True)
class CacheKey:
    """Which opened database, whose view of it, which period, and in which variant (e.g. the language)."""

    database: str
    scope: tuple[Hashable, ...]
    period: str
    variant: Hashable = None


def database_identity(db: Database) -> str:
    """The database's address (its password hidden) and the number of this opening: the same file opened
    again after a restore is another database as far as a cache is concerned."""
    with _openings_lock:
        number = _openings.get(db.engine)
        if number is None:
            number = _openings[db.engine] = next(_opening_numbers)
    return f"{db.url.render_as_string(hide_password=True)}#{number}"


class ResultCache(Generic[Value]):
    """The ``capacity`` most recently stored results, each under its database, actor scope and period.

    Thread-safe: workers store what they computed while the UI thread reads.
    """

    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[CacheKey, Value] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(db: Database, actor: Actor, period: str, variant: Hashable = None) -> CacheKey:
        return CacheKey(database_identity(db), actor.view_scope, period, variant)

    def get(self, db: Database, actor: Actor, period: str, variant: Hashable = None) -> Value | None:
        """The last result stored for this database, this actor's scope and ``period``, or None."""
        key = self.key(db, actor, period, variant)
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, db: Database, actor: Actor, period: str, value: Value, variant: Hashable = None) -> None:
        key = self.key(db, actor, period, variant)
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
