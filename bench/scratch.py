"""A throw-away folder for one bench run.

A bench's office database and private home take hundreds of megabytes; removing them when the run ends
keeps repeated runs from filling the disk.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def scratch_folder(prefix: str) -> Path:
    """A new folder under the system's temporary folder, removed with everything in it when Python exits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
