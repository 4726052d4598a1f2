"""The plain data each chart is drawn from.

The services layer fills these from the database (or a finalized snapshot); the GUI, the CLI and
the printed sheets only pass them on. Tabular inputs with one row per employee and period are
pandas frames; everything else is a small frozen dataclass. Labels arrive already in the reader's
language — the charts translate only their own words (axis titles, legends, empty states).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kpidesk.charts.translate import translator

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class GradeBand:
    """One grade of the scale: ``lower`` is inclusive, ``upper`` exclusive (None for the top grade).

    ``key`` chooses the colour (``excellent``, ``good``, ``fair``, ``poor`` or an office's own key).
    """

    key: str
    label: str
    lower: float
    upper: float | None = None


def default_grade_bands(lang: str | None = None) -> tuple[GradeBand, ...]:
    """The handbook scale: Excellent ≥ 95, Good 85–95, Fair 70–85, Poor < 70, best first."""
    _ = translator(lang)
    return (
        GradeBand("excellent", _("Excellent"), 95.0, None),
        GradeBand("good", _("Good"), 85.0, 95.0),
        GradeBand("fair", _("Fair"), 70.0, 85.0),
        GradeBand("poor", _("Poor"), 0.0, 70.0),
    )


def band_for(score: float, bands: Sequence[GradeBand]) -> GradeBand | None:
    """The band ``score`` falls in (lower bound inclusive)."""
    for band in bands:
        if score >= band.lower and (band.upper is None or score < band.upper):
            return band
    return None


# --- one employee -------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPoint:
    period: str
    total: float | None
    grade_key: str | None = None
    grade_label: str | None = None
    department_median: float | None = None


@dataclass(frozen=True)
class EmployeeHistory:
    """Total score per period, oldest first."""

    employee: str
    points: Sequence[HistoryPoint]
    bands: Sequence[GradeBand] = field(default_factory=default_grade_bands)
    title: str | None = None
    show_median: bool = True


@dataclass(frozen=True)
class KpiAttainmentRow:
    """One KPI of a sheet: the actual value against its three target levels.

    ``direction`` is ``higher``, ``lower`` or ``band`` (for a band KPI the values are deviations and
    the levels are tolerances, so smaller magnitudes are better).
    """

    kpi: str
    actual: float | None
    baseline: float | None = None
    target: float | None = None
    challenge: float | None = None
    unit: str = ""
    direction: str = "higher"


@dataclass(frozen=True)
class KpiAttainment:
    employee: str
    period: str
    rows: Sequence[KpiAttainmentRow]
    title: str | None = None


@dataclass(frozen=True)
class RadarSeries:
    """One rater's levels, one value per criterion (None when the criterion was not rated).

    ``role`` (``self``, ``manager``, ``peer``, ``hr``) chooses the colour.
    """

    label: str
    values: Sequence[float | None]
    role: str = "manager"


@dataclass(frozen=True)
class RadarData:
    criteria: Sequence[str]
    series: Sequence[RadarSeries]
    scale_max: float = 4.0
    scale_labels: Sequence[str] = ()  # labels of the levels 1..scale_max, e.g. 差 一般 良好 优秀
    title: str | None = None


# --- one department -----------------------------------------------------------------------


@dataclass(frozen=True)
class GradeDistribution:
    """How many employees got each grade; ``target_share`` (0–1 per band key) draws a forced distribution."""

    department: str
    period: str
    counts: Mapping[str, int]
    bands: Sequence[GradeBand] = field(default_factory=default_grade_bands)
    target_share: Mapping[str, float] | None = None
    title: str | None = None


@dataclass(frozen=True)
class TeamScores:
    """Totals of a department. ``scores`` columns: ``team``, ``employee``, ``score`` and optionally ``grade_key``."""

    department: str
    period: str
    scores: pd.DataFrame
    bands: Sequence[GradeBand] = field(default_factory=default_grade_bands)
    title: str | None = None


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    employee: str
    score: float
    grade_key: str | None = None
    grade_label: str | None = None


@dataclass(frozen=True)
class Ranking:
    department: str
    period: str
    entries: Sequence[RankingEntry]
    title: str | None = None


@dataclass(frozen=True)
class TeamKpiTrend:
    """One KPI over periods for a team. ``values`` columns: ``period``, ``employee``, ``value``.

    ``periods`` fixes the order on the x axis; by default the period codes sorted.
    """

    kpi: str
    values: pd.DataFrame
    unit: str = ""
    direction: str = "higher"
    target: float | None = None
    periods: Sequence[str] | None = None
    title: str | None = None


# --- a template ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRib:
    name: str
    weight: float | None = None  # percent of the sheet, e.g. 10 for 10 %


@dataclass(frozen=True)
class KpiBone:
    """A perspective or category of the template and the KPIs under it. ``key`` chooses the colour."""

    name: str
    ribs: Sequence[KpiRib]
    weight: float | None = None
    key: str = ""


@dataclass(frozen=True)
class KpiSystem:
    """A template drawn as a fishbone: the goal at the head, perspectives as bones, KPIs as ribs."""

    goal: str
    bones: Sequence[KpiBone]
    title: str | None = None


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Fail early, naming the missing columns, instead of with a KeyError deep inside matplotlib."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {', '.join(missing)}")
