"""Import profiles found without being named: next month's export of the same system reuses the columns
someone mapped or confirmed this month.

A profile remembers the file-name pattern (digits stand for any digits, so ``坐席月报_2025-11.xlsx`` and
``坐席月报_2025-12.xlsx`` share one) and the set of headers. A file whose name fits the pattern, or whose
headers are nearly the same set, gets the profile's columns. A profile named by the user wins over this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.exchange.header_dictionary import BY_HAND, GUESS, PROFILE
from kpidesk.services.import_preview import ImportPreview
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

#: How much two header sets must overlap (shared / all) for a profile to fit a file named differently.
HEADERS_ALIKE = 0.8
AUTO_PREFIX = "auto: "


def file_pattern(name: str) -> str:
    """A file name with every run of digits made ``#``: ``survey_2025-11.csv`` → ``survey_#-#.csv``."""
    return re.sub(r"\d+", "#", Path(name).name.lower())


def _overlap(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def find_profile(session: Session, kind: str, file_name: str, headers: list[str]) -> tuple[str, dict] | None:
    """The remembered profile that fits a file (name and columns), or None. A matching file-name pattern
    with the same headers beats headers alone."""
    pattern = file_pattern(file_name)
    best: tuple[float, str, dict] | None = None
    for profile in session.execute(select(m.ImportProfile).where(m.ImportProfile.kind == kind)).scalars():
        mapping = profile.mapping or {}
        known = mapping.get("headers")
        if not known:
            continue
        alike = _overlap(known, headers)
        score = alike + (1.0 if mapping.get("file_pattern") == pattern else 0.0)
        if alike >= HEADERS_ALIKE and (best is None or score > best[0]):
            best = (score, profile.name, dict(mapping.get("columns", {})))
    return None if best is None else (best[1], best[2])


def remember_columns(session: Session, preview: ImportPreview) -> str | None:
    """After an import, keep the columns mapped by hand or confirmed from a guess, so the same export next
    month needs neither; returns the profile's name (None when nothing needed remembering)."""
    columns = preview.extra.get("columns") or []
    chosen = {c.column: c.field for c in columns if c.how in (BY_HAND, GUESS, PROFILE)}
    if not any(c.how in (BY_HAND, GUESS) for c in columns):
        return None
    name = preview.extra.get("profile") or AUTO_PREFIX + file_pattern(preview.file)
    mapping: dict[str, Any] = {"columns": chosen, "file_pattern": file_pattern(preview.file),
                               "headers": [c.column for c in columns]}
    profile = session.execute(select(m.ImportProfile).where(m.ImportProfile.name == name)).scalar()
    if profile is None:
        session.add(m.ImportProfile(name=name, kind=preview.kind, mapping=mapping, updated_at=utcnow()))
    else:
        merged = {**dict((profile.mapping or {}).get("columns", {})), **chosen}
        profile.kind, profile.mapping, profile.updated_at = preview.kind, {**mapping, "columns": merged}, utcnow()
    session.flush()
    return name
