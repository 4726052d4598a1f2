"""Who is acting: the role and the person behind every service call."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from enum import StrEnum


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
    def local_owner(cls) -> Actor:
        """Who acts while logins are off (single-user mode): the operating-system login, with every right,
        so the audit trail still names the person at the keyboard."""
        try:
            name = getpass.getuser()
        except Exception:  # no login name available (some containers)
            name = "user"
        return cls(name=name, role=Role.ADMIN)

    @property
    def view_scope(self) -> tuple[str, str, int | None, tuple[int, ...]]:
        """What decides what this person may see: who they are (some reads follow the person, such as their
        own forms), their role, their own employee record and their departments. Whatever is cached from
        their reads is filed under it, so nobody is handed what was read for a wider or another view."""
        return (self.name, str(self.role), self.employee_id, tuple(sorted(self.department_ids)))


PROGRAM_ACTOR = Actor(name="system", role=Role.ADMIN)
"""The program itself, for audited work nobody asked for at that moment (a scheduled job, say), instead of
leaving the actor out. Every right; the audit trail names it "system". Today the demo, backups and
restores all run for the person who asked, so only tests use it; search for it to find every use."""
