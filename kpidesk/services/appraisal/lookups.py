"""The department tree and the period records: what every appraisal service looks up before anything else.

Kept apart from the scoring inputs, which load the numerical libraries, so that a sheet of a finalized
period is gathered and printed without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.departments import with_descendants
from kpidesk.store import models as m


@dataclass
class DepartmentTree:
    """Names and the top-level department of every department (teams are child departments)."""

    names: dict[int | None, str]
    parents: dict[int, int | None]

    @classmethod
    def load(cls, session: Session) -> DepartmentTree:
        rows = session.execute(select(m.Department.id, m.Department.name, m.Department.parent_id)).all()
        return cls({r.id: r.name for r in rows}, {r.id: r.parent_id for r in rows})

    def top(self, department_id: int | None) -> int | None:
        seen = set()
        while department_id is not None and self.parents.get(department_id) is not None and department_id not in seen:
            seen.add(department_id)
            department_id = self.parents[department_id]
        return department_id

    def team(self, department_id: int | None) -> int | None:
        """The employee's own department when it is a team (has a parent), else None."""
        if department_id is None or self.parents.get(department_id) is None:
            return None
        return department_id

    def with_descendants(self, department_ids: Iterable[int]) -> set[int]:
        return with_descendants(self.parents, department_ids)


def find_period_record(session: Session, code: str) -> m.PeriodRecord | None:
    return session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == code)).scalar()
