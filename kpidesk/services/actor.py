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
    def system_user(cls) -> Actor:
        try:
            name = getpass.getuser()
        except Exception:  # no login name available (some containers)
            name = "user"
        return cls(name=name, role=Role.ADMIN)
