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

from kpidesk.services.progress import check_cancelled
from kpidesk.store import models as m
from kpidesk.store.types import FixedDecimal

#: Values are stored as integers × this scale (a FixedDecimal): dividing one by it gives the same float as
#: going through the Decimal, as both are exact and the division is correctly rounded.
MEASUREMENT_SCALE = float(10 ** typed(FixedDecimal, m.Measurement.__table__.c.value.type).places)

#: Between the field codes of one period's list: a control character no code can hold (codes are names).
CODE_SEPARATOR = "\x1f"


def stored_columns(session: Session, period_ids: Iterable[int], codes: Iterable[str] | None = None
                   ) -> Iterator[tuple[int, str, np.ndarray, np.ndarray]]:
    """(period id, field code, employee ids, values × scale) of the stored values, one per period and field,
    each period's fields in the order their first rows were stored; only ``codes`` when given.

    The database hands over each period as three lists (codes, people, digits), split into fields here:
    one Python row per value cost most of a second for the 385,000 values a 5,000-person December sheet
    reads, and grouping by field in the database (a sort of every row) cost more than the split."""
    t = m.Measurement
    wanted = None if codes is None else sorted(set(codes))
    for period_id in period_ids:
        check_cancelled()  # a December sheet reads twelve months, some 30 ms each for 5,000 people
        query = select(
            func.aggregate_strings(t.field_code, CODE_SEPARATOR),
            func.aggregate_strings(cast(t.employee_id, String), ","),
            func.aggregate_strings(cast(type_coerce(t.value, BigInteger), String), ","),
        ).where(t.period_id == period_id, t.value.is_not(None))
        if wanted is not None:
            query = query.where(t.field_code.in_(wanted))
        field_codes, employees, values = session.execute(query).one()
        if not field_codes:
            continue
        # the three lists come from the same rows in the same order; the integers are exact as floats below 2**53
        row_codes = field_codes.split(CODE_SEPARATOR)
        ids = _integers(employees, len(row_codes))
        scaled = _integers(values, len(row_codes)).astype(np.float64)
        yield from _split_by_field(period_id, row_codes, ids, scaled)


def _integers(text: str, count: int) -> np.ndarray:
    """The integers of a comma-separated list the database wrote, parsed in one pass (five times faster than
    splitting the text first); anything but ``count`` integers is refused rather than cut short."""
    numbers = np.fromstring(text, dtype=np.int64, sep=",")
    if len(numbers) != count:
        raise ValueError(f"expected {count} stored integers, read {len(numbers)}")
    return numbers


def _split_by_field(period_id: int, row_codes: list[str], ids: np.ndarray, scaled: np.ndarray
                    ) -> Iterator[tuple[int, str, np.ndarray, np.ndarray]]:
    """One period's rows as one array per field, fields in the order they first appear."""
    numbers: dict[str, int] = {}  # code → its number, in the order codes first appear
    keys = np.fromiter((numbers.setdefault(code, len(numbers)) for code in row_codes), dtype=np.int64,
                       count=len(row_codes))
    rows = np.argsort(keys, kind="stable")  # by field, each field's rows still in stored order
    for code, chunk in zip(numbers, np.split(rows, np.flatnonzero(np.diff(keys[rows])) + 1), strict=True):
        yield period_id, code, ids[chunk], scaled[chunk]
