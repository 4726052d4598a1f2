"""Who is appraised in a period.

Everyone active at the period's end; people who joined or left during the period are included when they
were active at least ``min_days`` (15 by default) of it, and flagged ``joined`` / ``left``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kpidesk.domain.periods import Period

if TYPE_CHECKING:  # loaded when eligibility is computed, not for its constants
    import numpy as np

MIN_DAYS = 15


@dataclass(frozen=True)
class Eligibility:
    included: np.ndarray  # bool per person
    joined: np.ndarray  # bool: started after the period's first day
    left: np.ndarray  # bool: left before the period's last day
    active_days: np.ndarray  # days active within the period

    def flags(self, index: int) -> tuple[str, ...]:
        return tuple(name for name, mask in (("joined", self.joined), ("left", self.left)) if mask[index])


def _days(values: Sequence[date | None], fill: date) -> np.ndarray:
    import numpy as np

    return np.array([np.datetime64(v or fill, "D") for v in values], dtype="datetime64[D]")


def appraisal_eligibility(
    period: Period,
    hired_on: Sequence[date | None],
    left_on: Sequence[date | None],
    min_days: int = MIN_DAYS,
) -> Eligibility:
    """``left_on`` is the last working day (None while employed); ``hired_on`` None means long before."""
    import numpy as np

    start = np.datetime64(period.start, "D")
    end = np.datetime64(period.end, "D")
    hired = _days(hired_on, date(1900, 1, 1))
    left = _days(left_on, date(2999, 12, 31))
    first = np.maximum(hired, start)
    last = np.minimum(left, end)
    active_days = np.maximum((last - first).astype(int) + 1, 0)
    joined = (hired > start) & (hired <= end)
    gone = (left < end) & (left >= start)
    at_end = (hired <= end) & (left >= end)
    partial = (joined | gone) & (active_days >= min_days)
    included = (at_end & ~joined) | partial
    return Eligibility(included, joined & included, gone & included, active_days)
