"""Where each key of a TOML document is written, so messages can name a line.

``tomllib`` gives no positions for a document that parses. This scanner walks the text once and records the
line of every table header, key assignment and array element under its full key path; entries of an array
of tables carry their index (``("criteria", 1, "anchors", "good", "zh")``). It trusts the text to be valid
TOML (run it only after ``tomllib`` accepted the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _skip_quoted(text: str, pos: int) -> int:
    """The position after the one-line string that starts at ``pos``."""
    quote = text[pos]
    end = pos + 1
    while end < len(text):
        if quote == '"' and text[end] == "\\":
            end += 2
            continue
        if text[end] == quote:
            return end + 1
        end += 1
    return end


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """Read a quoted key starting at ``pos``; return its value and the position after it."""
    import tomllib  # loaded with the first form file read, not by every program that imports the forms

    end = _skip_quoted(text, pos)
    return tomllib.loads(f"k = {text[pos:end]}")["k"], end


def _read_keys(text: str, pos: int) -> tuple[list[str], int]:
    """Read a dotted key (bare or quoted parts) from ``pos``; return its parts and the position after it."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] in "\"'":
            part, pos = _read_quoted(text, pos)
        else:
            match = _BARE_KEY.match(text, pos)
            if not match:
                return parts, pos
            part, pos = match.group(0), match.end()
        parts.append(part)
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


@dataclass
class _ValueScan:
    """What is still open at the end of a line: a multi-line string, brackets, the outer array's element."""

    string_end: str | None = None
    depth: int = 0
    array_path: KeyPath | None = None
    element: int = 0
    element_started: bool = False
    lines: dict[KeyPath, int] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.string_end is not None or self.depth > 0

    def scan(self, text: str, pos: int, line: int) -> None:
        while pos < len(text):
            if self.string_end:
                pos = self._skip_multiline(text, pos)
                continue
            char = text[pos]
            if char == "#":
                return
            if self.depth == 1 and self.array_path is not None and not self.element_started:
                if char not in " \t,]\r\n":
                    self.lines.setdefault(self.array_path + (self.element,), line)
                    self.element_started = True
            if text.startswith('"""', pos) or text.startswith("'''", pos):
                self.string_end = text[pos : pos + 3]
                pos += 3
            elif char in "\"'":
                pos = _skip_quoted(text, pos)
            elif char in "[{":
                self.depth += 1
                pos += 1
            elif char in "]}":
                self.depth -= 1
                pos += 1
            elif char == "," and self.depth == 1:
                self.element += 1
                self.element_started = False
                pos += 1
            else:
                pos += 1

    def _skip_multiline(self, text: str, pos: int) -> int:
        end = self.string_end or ""
        while pos < len(text):
            if end == '"""' and text[pos] == "\\":
                pos += 2
                continue
            if text.startswith(end, pos):
                pos += 3
                while pos < len(text) and text[pos] == end[0]:
                    pos += 1
                self.string_end = None
                return pos
            pos += 1
        return pos


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path written in ``text`` to its (1-based) line; the first line wins."""
    lines: dict[KeyPath, int] = {}
    arrays: dict[KeyPath, int] = {}
    table: KeyPath = ()
    value = _ValueScan(lines=lines)

    def resolve(parts: list[str]) -> KeyPath:
        resolved: list[str | int] = []
        for part in parts:
            resolved.append(part)
            if tuple(resolved) in arrays:
                resolved.append(arrays[tuple(resolved)])
        return tuple(resolved)

    for number, raw in enumerate(text.splitlines(), start=1):
        if value.open:
            value.scan(raw, 0, number)
            continue
        stripped = raw.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(stripped)
        if stripped.startswith("[["):
            parts, _ = _read_keys(raw, indent + 2)
            parent = resolve(parts[:-1])
            array = parent + (parts[-1],)
            arrays[array] = arrays.get(array, -1) + 1
            lines.setdefault(array, number)
            table = array + (arrays[array],)
            lines.setdefault(table, number)
        elif stripped.startswith("["):
            parts, _ = _read_keys(raw, indent + 1)
            table = resolve(parts)
            lines.setdefault(table, number)
        else:
            parts, pos = _read_keys(raw, indent)
            path = table + tuple(parts)
            for size in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:size], number)
            value.array_path, value.element, value.element_started = path, 0, False
            value.scan(raw, raw.index("=", pos) + 1, number)
            if not value.open:
                value.array_path = None
    return lines


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of the first key written under it, or of its nearest written parent."""
    current = tuple(path)
    while current:
        if current in lines:
            return lines[current]
        below = [line for key, line in lines.items() if key[: len(current)] == current]
        if below:
            return min(below)
        current = current[:-1]
    return None
