"""What the Results page shows, loaded in a worker: the scores, the table frame and the period's side data.

``load_results`` runs off the UI thread (it reports progress and checks the cancel token between steps)
and returns a ``ResultsData`` of plain values and pandas frames; no ORM row and no session crosses back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.i18n import N_, _
from kpidesk.services.collector import collector_paused
from kpidesk.services.progress import CancelToken, ProgressCallback, report

if TYPE_CHECKING:  # pandas and the scoring service are loaded by the worker, not on the UI thread
    from collections.abc import Sequence

    import pandas as pd

    from kpidesk.domain.grades import GradeConsequence
    from kpidesk.services.appraisal.scoring import PeriodScores

#: The result columns, before and after the KPI scores, with their English titles.
LEAD_COLUMNS = (
    ("staff_no", N_("Staff no.")),
    ("name", N_("Name")),
    ("team", N_("Team")),
    ("total", N_("Total")),
    ("grade", N_("Grade")),
    ("rank_department", N_("Rank (department)")),
    ("quantitative", N_("Quantitative")),
    ("qualitative", N_("Qualitative")),
    ("adjustments", N_("Adjustments")),
)
TRAIL_COLUMNS = (("rank_organisation", N_("Rank (organisation)")), ("position", N_("Position")))
#: What the grade means for the person, from the organisation's grade consequences (Settings).
CONSEQUENCE_COLUMNS = (("training_need", N_("Training need")), ("staff_level", N_("Staff level")))


@dataclass(frozen=True)
class KpiInfo:
    code: str
    name: str
    unit: str


@dataclass
class ResultsData:
    period: str
    status: PeriodStatus
    scores: PeriodScores
    table: pd.DataFrame  # the display frame, indexed by employee id
    column_keys: list[str]  # per table column: a KPI code, a total column name or a person column name
    kpis: dict[str, KpiInfo]
    adjustments: list[Any] = field(default_factory=list)  # services.adjustments.AdjustmentRow
    exemptions: list[Any] = field(default_factory=list)  # services.adjustments.ExemptionRow
    grading_waivers: list[Any] = field(default_factory=list)  # services.adjustments.GradingWaiverRow
    missing_raters: dict[int, str] = field(default_factory=dict)  # employee → forms and raters still missing
    responses: list[dict] = field(default_factory=list)  # acknowledgements and appeals
    signoffs: list[Any] = field(default_factory=list)  # services.signoffs.SignOffRow
    curve: tuple[tuple[str, float], ...] = ()
    forced: Any = None  # the organisation's ForcedDistribution, or None
    rater_stats: list[Any] = field(default_factory=list)
    gaps: list[Any] = field(default_factory=list)
    finalized_at: datetime | None = None
    finalized_by: str | None = None
    loaded_at: datetime = field(default_factory=datetime.now)
    cells: list[list[Any]] | None = None  # ``table``'s values as plain Python, prepared in the worker
    #: per department, team or position name (None: everyone), the KPI codes someone in it is appraised on
    kpis_in_use: dict[str | None, frozenset[str]] | None = None
    #: per KPI code, each row's status, and each row's grade code: as the table model holds them, listed
    #: in the worker (listing 30 categorical columns of 5,000 rows took the UI thread 10–20 ms)
    statuses: dict[str, list[Any]] | None = None
    grade_codes: list[Any] | None = None

    def same_table(self, other: ResultsData) -> bool:
        """Whether ``other`` shows exactly these rows, columns and scores (a refresh that changed nothing)."""
        return (self.period == other.period and self.column_keys == other.column_keys
                and self.table.equals(other.table) and self.scores.frame.equals(other.scores.frame))

    @property
    def editable(self) -> bool:
        return self.status in (PeriodStatus.OPEN, PeriodStatus.REVIEW)

    def kpi_name(self, code: str) -> str:
        info = self.kpis.get(code)
        return info.name if info else code

    def person(self, employee_id: int) -> str:
        frame = self.scores.frame
        if employee_id not in frame.index:
            return ""
        return f"{frame.at[employee_id, 'name']} ({frame.at[employee_id, 'staff_no']})"

    def kpi_codes_of(self, employee_id: int) -> list[str]:
        """The KPIs on the person's template (any status)."""
        return list(self.scores.kpis(employee_id)) if employee_id in self.scores.frame.index else []


def results_table(scores: PeriodScores, kpis: dict[str, KpiInfo],
                  consequences: Sequence[GradeConsequence] = ()) -> tuple[pd.DataFrame, list[str]]:
    """One row per employee: person, total, grade and its parts, each KPI's score, then the rest, what the
    grade means (training need, staff level; left out when the office maps no grade) and the flags."""
    import pandas as pd

    from kpidesk.domain.grades import consequence_of
    from kpidesk.services.appraisal.scoring import flag_label

    frame = scores.frame
    data: dict[str, Any] = {}
    keys: list[str] = []
    for key, title in LEAD_COLUMNS:
        data[_(title)] = frame[key]
        keys.append(key)
    for code in scores.kpi_codes:
        info = kpis.get(code)
        title = info.name if info else code
        data[title if title not in data else f"{title} ({code})"] = frame[f"{code}.score"]
        keys.append(code)
    for key, title in TRAIL_COLUMNS:
        data[_(title)] = frame[key]
        keys.append(key)
    if consequences:
        rows = [consequence_of(consequences, code) for code in frame["grade_code"]]
        for key, title in CONSEQUENCE_COLUMNS:
            data[_(title)] = pd.Series([getattr(row, key) if row else "" for row in rows], index=frame.index,
                                       dtype=object)
            keys.append(key)
    data[_("Coverage")] = pd.Series([coverage_text(value) for value in frame.get(
        "coverage", pd.Series(None, index=frame.index, dtype=object))], index=frame.index, dtype=object)
    keys.append("coverage")
    data[_("Flags")] = pd.Series([", ".join(flag_label(f) for f in flags or ()) for flags in frame["flags"]],
                                 index=frame.index, dtype=object)
    keys.append("flags")
    table = pd.DataFrame(data, index=frame.index)
    return table, keys


def kpis_in_use_by_group(scores: PeriodScores) -> dict[str | None, frozenset[str]]:
    """Which KPIs anyone is appraised on (a status of its own), for everyone and for each department, team
    and position, so the page hides empty KPI columns without visiting every row on the UI thread. Done in
    a few array passes: a loop per group and KPI held the interpreter lock for tens of milliseconds."""
    import numpy as np
    import pandas as pd

    frame = scores.frame
    codes = list(scores.kpi_codes)
    used = np.array([[isinstance(value, str) for value in frame[f"{code}.status"]] for code in codes],
                    dtype=bool).reshape(len(codes), len(frame)).T
    found: dict[str | None, set[str]] = {None: {codes[k] for k in np.flatnonzero(used.any(axis=0))}}
    for column in ("department", "team", "position"):
        names = [value if isinstance(value, str) else None for value in frame[column]]
        groups, labels = pd.factorize(pd.Series(names, dtype=object), use_na_sentinel=True)
        per_group = np.zeros((len(labels), len(codes)), dtype=bool)
        named = groups >= 0
        np.logical_or.at(per_group, groups[named], used[named])
        for name, row in zip(labels, per_group, strict=True):
            found.setdefault(name, set()).update(codes[k] for k in np.flatnonzero(row))
    return {name: frozenset(kpis) for name, kpis in found.items()}


def coverage_text(value) -> str:
    """The share of the template a result rests on, as a percentage; "—" for snapshots from before coverage."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    return "—" if number != number else f"{number * 100:.0f}%"


def row_statuses(scores: PeriodScores) -> dict[str, list[Any]]:
    """Each KPI's status per row of the scores frame (None where the person is not appraised on it)."""
    frame = scores.frame
    return {code: list(frame[f"{code}.status"]) for code in scores.kpi_codes}


def plain_cells(table: pd.DataFrame) -> list[list[Any]]:
    """The table's values as the table model holds them (``models._plain`` of each), built here to keep them
    off the UI thread. Column by column: numbers are listed by numpy and only their gaps replaced, text is
    kept as it is, and only other values go through the conversion one by one (all 180,000 cells of a
    5,000-person table one by one took the worker 0.15 s)."""
    from kpidesk.ui.models import _plain  # the table model's own conversion, so both hold the same values

    columns = [_plain_column(table.iloc[:, position], _plain) for position in range(table.shape[1])]
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _row in range(len(table))]


def _plain_column(column: pd.Series, plain) -> list[Any]:
    import numpy as np

    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind == "f":
        return [None if value != value else value for value in column.to_numpy().tolist()]  # NaN: a gap
    if kind in ("i", "u", "b"):
        return column.to_numpy().tolist()
    if kind == "O":
        return [value if type(value) is str else plain(value) for value in column]
    return [plain(value) for value in column]


_charts_loaded = False


def warm_up_charts() -> None:
    """Load matplotlib and the chart font in a worker, so the calibration chart never loads them on the UI
    thread; run after the table is shown, since the table needs none of it."""
    global _charts_loaded
    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        from kpidesk.ui.pages.history.chart_canvas import warm_up

        warm_up()
    _charts_loaded = True


def charts_loaded() -> bool:
    """Whether ``warm_up_charts`` has finished: drawing a chart on the UI thread before that would load
    matplotlib there, a stall of most of a second (a module still being loaded by the worker counts as
    not loaded)."""
    return _charts_loaded


def load_results(db, actor, period: str, *, progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None) -> ResultsData:
    """Compute (or read the snapshot of) ``period`` and gather what the page's tabs show."""
    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        import kpidesk.services.appraisal.use_cases  # noqa: F401  (its modules are frozen out of collections)
    with collector_paused():  # its many new objects would start full collections that stall the UI thread
        data = _load_results(db, actor, period, progress, cancel)
    with quiet_imports():
        # the page's own modules, loaded here once (after the computation, when the window has long finished
        # opening): compiling them took the UI thread some 40 ms when the page was first opened
        import kpidesk.ui.pages.results.page  # noqa: F401
    return data


def _load_results(db, actor, period: str, progress: ProgressCallback | None,
                  cancel: CancelToken | None) -> ResultsData:
    from kpidesk.services.appraisal.use_cases import RESULTS_STEPS, period_results

    read = period_results(db, actor, period, progress=progress, cancel=cancel)
    kpis = {code: KpiInfo(label.code, label.name, label.unit) for code, label in read.kpis.items()}
    table, keys = results_table(read.scores, kpis, read.grade_consequences)
    data = ResultsData(period=read.scores.period.code, status=read.scores.status, scores=read.scores, table=table,
                       column_keys=keys, kpis=kpis, adjustments=read.adjustments, exemptions=read.exemptions,
                       grading_waivers=read.grading_waivers, missing_raters=read.missing_raters,
                       responses=read.responses, signoffs=read.signoffs, curve=read.curve, forced=read.forced,
                       rater_stats=read.rater_stats, gaps=read.gaps, finalized_at=read.finalized_at,
                       finalized_by=read.finalized_by, cells=plain_cells(table),
                       kpis_in_use=kpis_in_use_by_group(read.scores), statuses=row_statuses(read.scores),
                       grade_codes=list(read.scores.frame["grade_code"]))
    steps = RESULTS_STEPS
    report(progress, steps, steps, _("Done"))
    return data
