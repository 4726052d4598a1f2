"""The cyclic garbage collector waits while much is made at once: a file imported, heavy modules loaded.

Reading a sheet of 120,000 rows makes some half a million lists, tuples and cells at once; every full pass
of the collector walks all of them again, and the passes come more often the more is made — a fifth of an
import's processor time on the bench workbook (importing matplotlib triggers several full passes as well).
Such work makes no reference cycles worth collecting (what it drops is freed by reference counting), so
the collector waits until the last piece of it running in any thread is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # blocks inside collector_paused(), in every thread
_was_enabled = False  # whether the collector ran before the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection inside (nested and concurrent blocks too); afterwards the collector runs again if it
    ran before the first of them began."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
        _running += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()
