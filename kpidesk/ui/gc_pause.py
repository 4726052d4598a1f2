"""Keep the garbage collector's full passes short, so a worker thread never freezes the window.

A full collection walks every tracked object; with pandas, SQLAlchemy and matplotlib loaded a pass takes
150–200 ms here, and it holds the interpreter lock in whichever thread triggers it — a worker thread's
collection stalls the UI thread just as long. Objects that exist once modules are imported (classes,
functions, caches) live as long as the process, so they are moved out of the collector's way with
``gc.freeze()``. Freezing again only after new modules were imported keeps the data of a page (freed by
reference counting anyway) from piling up in the frozen set.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kpidesk.services.collector import collector_paused

_lock = threading.Lock()
_modules_at_freeze = 0


@contextmanager
def quiet_imports() -> Iterator[None]:
    """No collection while heavy modules load (importing matplotlib would trigger several full passes);
    what they created is frozen afterwards."""
    with collector_paused():
        try:
            yield
        finally:
            freeze_new_modules()


def freeze_new_modules() -> bool:
    """``gc.freeze()`` when modules were imported since the last call; True if it froze."""
    global _modules_at_freeze
    with _lock:
        loaded = len(sys.modules)
        if loaded <= _modules_at_freeze:
            return False
        gc.freeze()
        _modules_at_freeze = loaded
        return True
