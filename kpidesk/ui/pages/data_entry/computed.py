"""The computed side of the data-entry grid (KPI values and scores, totals, grades), made by a worker.

The KPI cells stay in the scoring service's columns and become a ``KpiCell`` only when the view asks for
one, their explanation only when a tooltip shows it: a 5,000-person period has 150,000 KPI cells, and
making an object and an explanation for each took the worker tens of seconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kpidesk.services.collector import collector_paused
from kpidesk.services.progress import CancelToken, cancelled_by

Key = tuple[int, str]  # (employee id, KPI code)


@dataclass(frozen=True)
class KpiCell:
    value: float | None
    score: float | None
    status: str | None
    explanation: str | None = None


class KpiCells(Mapping[Key, KpiCell]):
    """(employee id, KPI code) → :class:`KpiCell`, read from a ``KpiGrid`` one cell at a time."""

    def __init__(self, grid) -> None:
        self.grid = grid

    def __getitem__(self, key: Key) -> KpiCell:
        found = self.grid.cell(*key)
        if found is None:
            raise KeyError(key)
        return KpiCell(*found)

    def __iter__(self) -> Iterator[Key]:
        return self.grid.keys()

    def __len__(self) -> int:
        return self.grid.size

    def explanation(self, key: Key) -> str | None:
        return self.grid.explanation_text(*key)


@dataclass(frozen=True)
class Computed:
    """The computed side of the grid, as plain data made by a worker."""

    period: str
    kpis: Mapping[Key, KpiCell] = field(default_factory=dict)
    totals: dict[int, tuple[float | None, str | None]] = field(default_factory=dict)

    def explanation(self, key: Key) -> str | None:
        """How a KPI cell's score came about, rendered in the current language when first asked for."""
        if isinstance(self.kpis, KpiCells):
            return self.kpis.explanation(key)
        cell = self.kpis.get(key)
        return cell.explanation if cell is not None else None


@collector_paused()
def compute_grid_scores(db, actor, period: str, *, cancel: CancelToken | None = None) -> Computed:
    """The period's KPI values, scores, totals and grades as plain data (runs in a worker; no full
    collection starts meanwhile, which would hold the interpreter lock the UI thread waits for). Once
    ``cancel`` is cancelled (a newer edit wants its own computation) the reading stops between its reads."""
    import numpy as np
    import pandas as pd

    from kpidesk.services.appraisal.kpi_grid import KpiGrid
    from kpidesk.services.appraisal.use_cases import period_scores

    with cancelled_by(cancel):
        scores = period_scores(db, actor, period)
    frame = scores.frame
    totals_column = pd.to_numeric(frame["total"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    grades = frame["grade"] if "grade" in frame else pd.Series([None] * len(frame), index=frame.index)
    totals = {
        int(employee_id): (None if np.isnan(total) else float(total), grade if isinstance(grade, str) else None)
        for employee_id, total, grade in zip(frame.index, totals_column, grades, strict=True)
    }
    return Computed(period, KpiCells(KpiGrid(scores)), totals)
