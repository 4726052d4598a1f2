"""Printing helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from typing import Any

from kpidesk.domain.text_rules import show_controls


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
