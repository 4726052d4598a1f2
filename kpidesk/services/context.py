"""Who is acting, and a progress/cancel protocol that long operations share with the UI and CLI."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from kpidesk.errors import Cancelled
from kpidesk.i18n import _


class Role(StrEnum):
    ADMIN = "admin"  # administrator: everything, including logins, backups and restore
    HR = "hr"  # HR officer: the whole organisation's appraisal and pay, not logins or restore
    HEAD = "head"  # department head: own department and sub-departments
    EMPLOYEE = "employee"  # own self-assessment and own finalized results
    AUDITOR = "auditor"  # read-only


@dataclass(frozen=True)
class Actor:
    """The acting user. In single-user mode it is the operating-system login with full rights."""

    name: str
    role: Role = Role.ADMIN
    employee_id: int | None = None
    department_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def system_user(cls) -> Actor:
        try:
            name = getpass.getuser()
        except Exception:  # no login name available (some containers)
            name = "user"
        return cls(name=name, role=Role.ADMIN)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str = ""


ProgressCallback = Callable[[Progress], None]


class CancelToken:
    """Checked by long operations between chunks; the UI's Cancel button sets it."""

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def raise_if_cancelled(self) -> None:
        if self._cancelled:
            raise Cancelled(_("Cancelled; nothing was changed."))


def report(progress: ProgressCallback | None, done: int, total: int, label: str = "") -> None:
    if progress is not None:
        progress(Progress(done, total, label))
