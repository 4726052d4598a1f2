"""What the window and the command line ask of a period's appraisal, one call per user action.

Each function takes the ``Database`` handle and the acting user and opens its own unit of work; what
it returns is plain data (no ORM row leaves the session).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.library.use_cases import KpiLabel, labels_of_kpis
from kpidesk.services.progress import CancelToken, ProgressCallback, report
from kpidesk.services.safety.access import Permission, require
from kpidesk.store import models as m
from kpidesk.store.db import Database


@dataclass(frozen=True)
class PeriodChoice:
    """A period as the window's period picker shows it."""

    code: str
    status: str  # open | review | finalized


def list_periods(db: Database, actor: Actor) -> list[PeriodChoice]:
    """Every period in date order (a month before the quarter that ends with it)."""
    require(actor, Permission.PERIODS_READ)
    with db.session() as session:
        rows = session.execute(
            select(m.PeriodRecord.code, m.PeriodRecord.status)
            .order_by(m.PeriodRecord.ends_on, m.PeriodRecord.starts_on.desc())
        ).all()
    return [PeriodChoice(code, status) for code, status in rows]


def period_scores(db: Database, actor: Actor, period: str, *, department: str | None = None):
    """The period's results as the actor may see them (a finalized period from its snapshot)."""
    from kpidesk.services.appraisal import scoring

    with db.session() as session:
        scores = scoring.period_scores(session, period, department=department, actor=actor)
    return replace(scores, loaded=None)  # ORM rows stay with the session


def scores_with_kpi_labels(db: Database, actor: Actor, period: str):
    """The period's results and every KPI's label, read together (charts offer the KPIs scored)."""
    from kpidesk.services.appraisal import scoring

    with db.session() as session:
        scores = scoring.period_scores(session, period, actor=actor)
        labels = labels_of_kpis(session)
    return replace(scores, loaded=None), labels


@dataclass
class PeriodResults:
    """Everything the Results page shows of a period, as plain values."""

    scores: Any  # PeriodScores, without its ORM rows
    kpis: dict[str, KpiLabel]
    opened: bool = False  # whether the period exists (it may be one not opened yet)
    finalized_at: datetime | None = None
    finalized_by: str | None = None
    adjustments: list[Any] = field(default_factory=list)
    exemptions: list[Any] = field(default_factory=list)
    responses: list[dict] = field(default_factory=list)
    signoffs: list[Any] = field(default_factory=list)
    curve: tuple[tuple[str, float], ...] = ()
    forced: Any = None
    rater_stats: list[Any] = field(default_factory=list)
    gaps: list[Any] = field(default_factory=list)


RESULTS_STEPS = 5


def period_results(db: Database, actor: Actor, period: str, *, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> PeriodResults:
    """Compute (or read the snapshot of) ``period`` with its adjustments, responses, sign-offs and
    calibration figures, reporting each step and checking ``cancel`` between them."""
    from kpidesk.services.appraisal import adjustments, calibration, periods, scoring, signoffs
    from kpidesk.services.appraisal.scoring_inputs import find_period_record

    token = cancel or CancelToken()
    report(progress, 0, RESULTS_STEPS, _("Reading the period…"))
    with db.session() as session:
        record = find_period_record(session, period)
        report(progress, 1, RESULTS_STEPS, _("Computing scores…"))
        scores = replace(scoring.period_scores(session, period, actor=actor), loaded=None)
        token.raise_if_cancelled()
        report(progress, 2, RESULTS_STEPS, _("Preparing the table…"))
        data = PeriodResults(scores=scores, kpis=labels_of_kpis(session), opened=record is not None)
        token.raise_if_cancelled()
        report(progress, 3, RESULTS_STEPS, _("Reading adjustments and appeals…"))
        if record is not None:
            data.finalized_at, data.finalized_by = record.finalized_at, record.finalized_by
            data.adjustments = adjustments.list_adjustments(session, actor, period)
            data.exemptions = adjustments.list_exemptions(session, actor, period)
            data.responses = periods.list_responses(session, period, actor)
            data.signoffs = signoffs.list_signoffs(session, actor, period)
        token.raise_if_cancelled()
        report(progress, 4, RESULTS_STEPS, _("Calibration figures…"))
        data.curve = calibration.target_curve(session, scores.grade_scale)
        data.forced = calibration.forced_setting(session)
        if record is not None:
            ids = {int(i) for i in scores.frame.index}
            data.rater_stats = calibration.rater_statistics(session, period, ids)
            data.gaps = calibration.self_manager_gaps(session, period, ids)
    return data
