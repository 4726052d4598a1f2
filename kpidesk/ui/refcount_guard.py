"""Keep ``True``, ``False`` and ``None`` alive under a PySide6 reference-count bug.

With PySide6 6.12 on CPython 3.11, every delivery of a ``bool`` to a Python slot (a button's
``clicked(bool)``, an action's ``triggered(bool)``, a check box's ``toggled`` …) drops one reference
to ``True`` or ``False`` that was never taken. These singletons start with only a few hundred
references, so after some hundreds of clicks the interpreter aborts with "bool_dealloc: deallocating
True or False". CPython 3.12 made these objects immortal, which hides the bug there; on older
versions we give them a margin of references large enough for any session instead.
"""

from __future__ import annotations

import ctypes
import platform
import sys

MARGIN = 1 << 40


def guard_singletons() -> bool:
    """Add a large reference margin to True, False and None on CPython < 3.12; True if applied."""
    if platform.python_implementation() != "CPython" or sys.version_info >= (3, 12):
        return False
    for obj in (True, False, None):
        refcount = ctypes.c_ssize_t.from_address(id(obj))
        if refcount.value < MARGIN // 2:
            refcount.value += MARGIN
    return True
