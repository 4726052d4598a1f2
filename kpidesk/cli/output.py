"""Printing helpers shared by the commands."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from kpidesk.domain.text_rules import show_controls
from kpidesk.errors import Place, ValidationError
from kpidesk.i18n import _


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """A plain aligned table; East Asian characters count as two columns wide."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    cells = [[show_controls(str(h), keep_lines=False) for h in headers]] + [
        ["" if v is None else show_controls(str(v), keep_lines=False) for v in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(text + " " * (widths[i] - width(text)) for i, text in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def check_out(path: str | Path, *, folder: bool = False) -> Path:
    """The one rule for ``--out``, applied before any work is done: the parent folder must exist and take
    new files; a file target may not be an existing folder. A folder target (``pdf --split``, ``forms
    export``) may exist or be created by the command, but only inside an existing folder."""
    path = Path(path).expanduser()
    place = Place(file=str(path))
    if folder and path.exists() and not path.is_dir():
        raise ValidationError(_("{path} is a file; --out here takes a folder").format(path=path), place)
    if not folder and path.is_dir():
        raise ValidationError(_("{path} is a folder; give --out a file name").format(path=path), place)
    parent = path if folder and path.is_dir() else (path.parent if str(path.parent) else Path("."))
    if not parent.exists():
        raise ValidationError(_("the folder {folder} does not exist").format(folder=parent), place)
    if not parent.is_dir():
        raise ValidationError(_("{folder} is not a folder").format(folder=parent), place)
    try:  # a real probe: permissions, read-only disks and special folders all answer the same way
        handle, probe = tempfile.mkstemp(prefix=".kpidesk-", dir=parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise ValidationError(
            _("cannot write in {folder}: {error}").format(folder=parent, error=exc.strerror or exc), place
        ) from None
    return path
