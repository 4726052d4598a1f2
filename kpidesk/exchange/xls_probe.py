"""Legacy .xls files are opened once in a child process before this one reads them.

The .xls reader trusts counts and lengths written in the file: a damaged file can ask it for a terabyte,
and the failed allocation aborts the whole process (no exception reaches Python). Unlike .xlsx there is
no zip directory to measure first, so a child opens the file and reads every sheet under a memory cap;
only when it succeeds does the real read happen here. The cost (a fraction of a second) is paid only
for the legacy format.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kpidesk.errors import Place, ValidationError
from kpidesk.i18n import _

#: Address space of the child: a valid .xls (at most 65,536 × 256 cells) reads in far less.
PROBE_MEMORY_BYTES = 3 * 1024**3
PROBE_SECONDS = 120

_PROBE = """
import sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
except (ImportError, ValueError, OSError):
    pass
from python_calamine import CalamineWorkbook
try:
    book = CalamineWorkbook.from_path(sys.argv[1])
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
except Exception:
    sys.exit(3)  # an ordinary error: the caller's own read reports it
"""


def probe_xls(path: Path, file: str) -> None:
    """Raise a ValidationError when reading ``path`` would crash or exhaust memory."""
    if getattr(sys, "frozen", False):  # a frozen build has no interpreter to run the child with
        return
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path), str(PROBE_MEMORY_BYTES)],
            capture_output=True, timeout=PROBE_SECONDS, env={**os.environ, "RUST_BACKTRACE": "0"},
        )
    except subprocess.TimeoutExpired:
        raise ValidationError(_("the file takes too long to read; it is damaged or not a spreadsheet"),
                              Place(file=file)) from None
    if done.returncode not in (0, 3):
        raise ValidationError(_("the file is damaged or not a spreadsheet"), Place(file=file))
