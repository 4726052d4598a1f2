"""The plain data printed documents are built from.

Filled by the services layer (from the live tables, or from the stored snapshot once a period is
finalized) and by tests by hand. Every text is already in the reader's language and every value
already formatted the way the office writes it ("93%", "4分钟"); the reports only lay it out.
Scores stay numbers so the layout can format them consistently. Chart images are PNG bytes, or a
:class:`~kpidesk.charts.pool.PendingImage` while the chart is still being drawn in another process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpidesk.charts.pool import PendingImage


@dataclass(frozen=True)
class KpiRow:
    indicator: str
    weight: float | None  # percent of the sheet: 10 for 10 %
    baseline: str = ""
    target: str = ""
    challenge: str = ""
    actual: str = ""
    score: float | None = None
    weighted_score: float | None = None
    explanation: str = ""  # how the score came about, printed in small type


@dataclass(frozen=True)
class Rating:
    """One rater's view of one criterion: ``rater`` is the column title (自评, 上级评 …)."""

    rater: str
    level: str
    comment: str = ""


@dataclass(frozen=True)
class QualitativeRow:
    criterion: str
    ratings: Sequence[Rating]
    weight: float | None = None
    score: float | None = None


@dataclass(frozen=True)
class AdjustmentRow:
    reason: str
    points: float  # + bonus, − penalty
    category: str = ""


@dataclass(frozen=True)
class ImprovementPlan:
    strengths: Sequence[str] = ()
    areas_to_improve: Sequence[str] = ()
    goals: Sequence[str] = ()

    def is_empty(self) -> bool:
        return not (self.strengths or self.areas_to_improve or self.goals)


@dataclass(frozen=True)
class PayRow:
    """One line of the pay section: what it is, what it rests on, the amount and how it was reached."""

    item: str  # 底薪, 绩效系数 …
    basis: str = ""  # "等级：优秀", "实收金额 190,372.00 · 全额累进"
    amount: str = ""  # already formatted: "8,000.00", "× 1.2"
    explanation: str = ""  # the component's working, e.g. "8,000.00 × 1.2（优秀）= 9,600.00"


@dataclass(frozen=True)
class PaySection:
    """The optional pay part of a period sheet, printed only when HR asks for it."""

    rows: Sequence[PayRow]
    total: str  # the pay total, formatted
    total_basis: str = ""  # the formula the total follows
    note: str = ""  # where the figures come from (frozen with the results, or a draft)
    draft: bool = False  # computed now, not frozen with the finalized results


@dataclass(frozen=True)
class SheetData:
    """One employee's appraisal sheet for one period."""

    organisation: str
    title: str
    period: str
    employee: str
    staff_no: str
    department: str
    position: str
    manager: str
    kpi_rows: Sequence[KpiRow] = ()
    qualitative_rows: Sequence[QualitativeRow] = ()
    adjustments: Sequence[AdjustmentRow] = ()
    quantitative_score: float | None = None
    qualitative_score: float | None = None
    quantitative_share: float | None = None  # percent of the total, e.g. 70
    qualitative_share: float | None = None
    adjustment_total: float | None = None
    total_score: float | None = None
    grade: str = ""
    grade_key: str | None = None  # chooses the grade colour
    training_need: str = ""  # what the grade means for the person (the office's grade consequences)
    staff_level: str = ""
    department_rank: int | None = None
    department_size: int | None = None
    history_chart: bytes | PendingImage | None = None  # PNG
    radar_chart: bytes | PendingImage | None = None  # PNG
    improvement: ImprovementPlan = field(default_factory=ImprovementPlan)
    snapshot_hash: str | None = None
    finalized: bool = False
    finalized_at: datetime | None = None  # the snapshot's finalization time: the file's creation date
    logo: bytes | None = None  # PNG or JPEG
    pay: PaySection | None = None  # printed after the results when present

    @property
    def rank_text(self) -> str:
        if self.department_rank is None:
            return ""
        return f"{self.department_rank} / {self.department_size}" if self.department_size else str(self.department_rank)


@dataclass(frozen=True)
class RankingRow:
    rank: int | None  # None: not ranked (no total)
    staff_no: str
    employee: str
    position: str = ""
    quantitative_score: float | None = None
    qualitative_score: float | None = None
    adjustment_total: float | None = None
    total_score: float | None = None
    grade: str = ""
    grade_key: str | None = None


@dataclass(frozen=True)
class GradeCount:
    grade: str
    count: int
    grade_key: str | None = None
    target_share: float | None = None  # 0–1 under a forced distribution


@dataclass(frozen=True)
class ChartImage:
    caption: str
    png: bytes | PendingImage
    wide: bool = False  # a full-width row instead of half of one


@dataclass(frozen=True)
class DepartmentSummaryData:
    """A department's results for one period, for the department head and HR to sign off."""

    organisation: str
    title: str
    period: str
    department: str
    manager: str
    ranking: Sequence[RankingRow] = ()
    grade_counts: Sequence[GradeCount] = ()
    charts: Sequence[ChartImage] = ()
    average_score: float | None = None
    median_score: float | None = None
    notes: Sequence[str] = ()  # calibration reasons and the like
    snapshot_hash: str | None = None
    finalized: bool = False
    finalized_at: datetime | None = None  # the snapshot's finalization time: the file's creation date
    logo: bytes | None = None


@dataclass(frozen=True)
class YearMonthRow:
    period: str
    total_score: float | None
    grade: str = ""
    grade_key: str | None = None
    department_rank: int | None = None
    department_size: int | None = None
    flags: Sequence[str] = ()  # e.g. "连续三个月第一且优秀"


@dataclass(frozen=True)
class YearSheetData:
    """One employee's year: each period's total and grade, streaks, and the year's roll-up."""

    organisation: str
    title: str
    year: str
    employee: str
    staff_no: str
    department: str
    position: str
    manager: str
    periods: Sequence[YearMonthRow] = ()
    year_score: float | None = None
    year_grade: str = ""
    year_grade_key: str | None = None
    year_rank: int | None = None
    year_rank_size: int | None = None
    streak_flags: Sequence[str] = ()
    trend_chart: bytes | PendingImage | None = None  # PNG
    improvement: ImprovementPlan = field(default_factory=ImprovementPlan)
    snapshot_hash: str | None = None
    finalized: bool = False
    finalized_at: datetime | None = None  # the snapshot's finalization time: the file's creation date
    logo: bytes | None = None
