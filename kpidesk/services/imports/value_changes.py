"""What a data import changes, value by value: old → new per person and field, and the values it adds.

The preview keeps the first :data:`SHOWN` of each with their totals, so a file of 100,000 values still
previews quickly; blank cells never clear a stored value, so no value becomes empty through an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.services.appraisal.imported_values import INSERT, UPDATE, ValueChanges
from kpidesk.store import models as m

SHOWN = 200
VALUE_SCALE = 10**6
CHANGED, NEW = "changed", "new"


@dataclass(frozen=True)
class ValueChange:
    """One value the import writes: who, which field and period, the stored value (None: none yet), the
    new one, and the Excel row it comes from."""

    kind: str  # CHANGED or NEW
    staff_no: str
    name: str
    field: str
    period: str
    old: Decimal | None
    new: Decimal
    row: int

    @property
    def old_text(self) -> str:
        return "—" if self.old is None else _plain(self.old)

    @property
    def new_text(self) -> str:
        return _plain(self.new)

    def describe(self) -> str:
        """``RF101 周敏 · contacts 2025-11: 400 → 412`` (a new value: ``— → 412``)."""
        return f"{self.staff_no} {self.name} · {self.field} {self.period}: {self.old_text} → {self.new_text}"


@dataclass(frozen=True)
class ChangeList:
    """The first changed and new values, and how many there are of each."""

    changed: list[ValueChange]
    new: list[ValueChange]
    changed_total: int
    new_total: int


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def list_changes(session: Session, rows: pd.DataFrame, changes: ValueChanges) -> ChangeList:
    """The first :data:`SHOWN` changed and new values of a data preview's ``rows``, with their totals."""
    if changes.all_new:  # every action is INSERT: no need to look at 100,000 of them
        updated, inserted = np.empty(0, dtype=np.int64), np.arange(len(changes.actions))
    else:
        actions = np.asarray(changes.actions, dtype=object)
        updated = np.flatnonzero(actions == UPDATE)
        inserted = np.flatnonzero(actions == INSERT)
    shown_updates, shown_inserts = updated[:SHOWN], inserted[:SHOWN]
    stored_ids = [changes.stored_ids[i] for i in shown_updates]
    old_values = dict(session.execute(select(m.Measurement.id, m.Measurement.value)
                                      .where(m.Measurement.id.in_(stored_ids))).all()) if stored_ids else {}
    wanted = set(rows["employee_id"].to_numpy()[np.concatenate([shown_updates, shown_inserts])].tolist())
    people = {i: (s, n) for i, s, n in session.execute(
        select(m.Employee.id, m.Employee.staff_no, m.Employee.name).where(m.Employee.id.in_(wanted)))} if wanted else {}

    def lines(positions: np.ndarray, kind: str) -> list[ValueChange]:
        picked = rows.iloc[positions]  # one selection, not one row lookup per line
        columns = (picked[name].tolist() for name in ("employee_id", "value_scaled", "field_code", "period", "row"))
        out = []
        for position, employee, scaled, field_code, period, row in zip(positions.tolist(), *columns, strict=True):
            staff_no, name = people.get(int(employee), ("?", ""))
            old = old_values.get(changes.stored_ids[position]) if kind == CHANGED else None
            out.append(ValueChange(kind, staff_no, name, str(field_code), str(period),
                                   None if old is None else Decimal(old), Decimal(int(scaled)) / VALUE_SCALE, int(row)))
        return out

    return ChangeList(
        changed=lines(shown_updates, CHANGED), new=lines(shown_inserts, NEW),
        changed_total=len(updated), new_total=len(inserted),
    )
