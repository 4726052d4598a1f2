"""Spare every later import PySide6's source scan.

Once PySide6 is loaded it hooks ``__import__`` and, for each new module, reads the module's whole source
to see whether it mentions PySide6 (the answer only matters to modules that opt into ``from __feature__
import ...``, which KPI Desk never does). With pandas, SQLAlchemy and matplotlib imported after the window
is up, that scan costs about a quarter of their import time and holds the interpreter lock in the worker
that imports them. Answering "no" up front keeps the default behaviour for every module; a module that
does use ``__feature__`` still registers itself through that import.
"""

from __future__ import annotations


def skip_pyside_source_scan() -> bool:
    """True when the scan was switched off (False on a PySide6 without it: nothing to do)."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_no_features
    return True


def _uses_no_features(_module) -> bool:
    return False
