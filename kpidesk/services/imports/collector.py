"""The cyclic garbage collector waits while a file is imported.

Reading a sheet of 120,000 rows makes some half a million lists, tuples and cells at once; every full pass
of the collector walks all of them again, and the passes come more often the more is made — a fifth of an
import's processor time on the bench workbook. An import makes no reference cycles worth collecting (what
it drops is freed by reference counting), so the collector waits until the last import running is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # imports inside collector_paused()
_was_enabled = False  # whether the collector ran before the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection inside (nested and concurrent imports too); afterwards the collector runs again if it
    ran before."""
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
