"""Who the acting user is. Single-user mode (the default) acts as the operating-system login."""

from __future__ import annotations

from kpidesk.services.context import Actor


def actor_for_cli(db, username: str | None) -> Actor:
    """The CLI's actor; with access control off every command runs as the system user."""
    return Actor.system_user() if not username else Actor(name=username)
