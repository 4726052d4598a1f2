"""Stored times as people read them: the database keeps naive UTC (``utcnow``), people live in local time."""

from __future__ import annotations

from datetime import UTC, datetime

MINUTES = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"


def local_time(stored: datetime) -> datetime:
    """A stored time (naive means UTC) as naive local wall-clock time, for comparing with what people typed."""
    aware = stored if stored.tzinfo is not None else stored.replace(tzinfo=UTC)
    return aware.astimezone().replace(tzinfo=None)


def format_local_time(stored: datetime | str | None, pattern: str = MINUTES) -> str:
    """A stored time in local time with ``pattern`` (minutes by default); "" when there is none.

    Accepts the ISO text some services hand over (JSON-friendly rows) as well as a datetime.
    """
    if stored is None or stored == "":
        return ""
    moment = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return local_time(moment).strftime(pattern)
