"""Departments as a tree: teams are departments with a parent, and a head's scope reaches every one below."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def with_descendants(parents: Mapping[int, int | None], department_ids: Iterable[int]) -> set[int]:
    """``department_ids`` and every department below them, given each department's parent (a loop in the
    stored parents ends the walk instead of running forever)."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = list(department_ids)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found
