"""Every person's KPI cells of a period for the data entry page, kept as columns of numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pandas as pd

from kpidesk.domain.numbers import float_or_none
from kpidesk.domain.scoring import round_half_up
from kpidesk.services.appraisal.scoring import PeriodScores, ResultRows


class KpiGrid:
    """Every person's KPI values, scores and statuses as columns, read one cell at a time, with each
    explanation rendered only when asked: a 5,000-person grid holds 150,000 KPI cells and a screen shows a
    few hundred. A cell reads as :meth:`PeriodScores.kpis` gives it (value to 4, score to 2 places)."""

    def __init__(self, scores: PeriodScores) -> None:
        frame = scores.frame
        self._row_of = {int(employee_id): row for row, employee_id in enumerate(frame.index)}
        self._columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for code in scores.kpi_codes:
            statuses = frame[f"{code}.status"].to_numpy(dtype=object)
            present = np.fromiter((isinstance(status, str) for status in statuses), dtype=bool, count=len(statuses))
            self._columns[code] = (_rounded(frame[f"{code}.value"], 4), _rounded(frame[f"{code}.score"], 2),
                                   statuses, present)
        self.size = int(sum(column[3].sum() for column in self._columns.values()))
        self._scores = replace(scores, rows=ResultRows(frame), loaded=None)  # no database or stored rows kept

    def cell(self, employee_id: int, code: str) -> tuple[float | None, float | None, str] | None:
        """(value, score, status) of one KPI of one person, or None when it is not on their template."""
        row, column = self._row_of.get(employee_id), self._columns.get(code)
        if row is None or column is None or not column[3][row]:
            return None
        values, scores, statuses, _present_ = column
        return float_or_none(values[row]), float_or_none(scores[row]), str(statuses[row])

    def keys(self) -> Iterator[tuple[int, str]]:
        employees = list(self._row_of)
        for code, column in self._columns.items():
            for row in np.flatnonzero(column[3]):
                yield employees[row], code

    def explanation_text(self, employee_id: int, code: str) -> str | None:
        if self.cell(employee_id, code) is None:
            return None
        return self._scores.explanation_text(employee_id, code)


def _rounded(column: pd.Series, digits: int) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return round_half_up(numbers, digits)
