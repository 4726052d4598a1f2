"""Stored measurements read in bulk as numbers: per period and field, the people and the values as arrays.

Shared by scoring and the data-entry grid, which read every value of a period (150,000 for a 5,000-person
month) and need floats, not one ORM row or Decimal per value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast as typed

import numpy as np
from sqlalchemy import BigInteger, String, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from kpidesk.store import models as m
from kpidesk.store.types import FixedDecimal

#: Values are stored as integers × this scale (a FixedDecimal): dividing one by it gives the same float as
#: going through the Decimal, as both are exact and the division is correctly rounded.
MEASUREMENT_SCALE = float(10 ** typed(FixedDecimal, m.Measurement.__table__.c.value.type).places)


def stored_columns(session: Session, period_ids: Iterable[int], codes: Iterable[str] | None = None
                   ) -> Iterator[tuple[int, str, np.ndarray, np.ndarray]]:
    """(period id, field code, employee ids, values × scale) of the stored values, one per period and field
    in the order their rows were stored; only ``codes`` when given.

    The database hands over each period's field as two lists of digits, parsed at once: one Python row per
    value cost most of a second for the 385,000 values a 5,000-person December sheet reads."""
    t = m.Measurement
    query = select(
        t.period_id, t.field_code, func.min(t.id),
        func.aggregate_strings(cast(t.employee_id, String), ","),
        func.aggregate_strings(cast(type_coerce(t.value, BigInteger), String), ","),
    ).where(t.period_id.in_(list(period_ids)), t.value.is_not(None)).group_by(t.period_id, t.field_code)
    if codes is not None:
        query = query.where(t.field_code.in_(sorted(set(codes))))
    for period_id, code, _first, employees, values in sorted(session.execute(query), key=lambda row: row[2]):
        # both lists come from the same rows in the same order; the integers are exact as floats below 2**53
        yield (period_id, code, np.array(employees.split(","), dtype=np.int64),
               np.array(values.split(","), dtype=np.int64).astype(np.float64))
