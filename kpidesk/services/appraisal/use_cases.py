"""What the window and the command line ask of a period's appraisal, one call per user action.

Each function takes the ``Database`` handle and the acting user and opens its own unit of work; what
it returns is plain data (no ORM row leaves the session).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.library.kpis import KpiLabel, labels_of_kpis
from kpidesk.services.progress import CancelToken, ProgressCallback, cancelled_by, report
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.services.safety.settings import load_settings
from kpidesk.store import models as m
from kpidesk.store.db import Database


@dataclass(frozen=True)
class PeriodChoice:
    """A period as the window's period picker shows it."""

    code: str
    status: PeriodStatus


@requires(Permission.PERIODS_READ)
def list_periods(db: Database, actor: Actor) -> list[PeriodChoice]:
    """Every period in date order (a month before the quarter that ends with it)."""
    with db.session() as session:
        rows = session.execute(
            select(m.PeriodRecord.code, m.PeriodRecord.status)
            .order_by(m.PeriodRecord.ends_on, m.PeriodRecord.starts_on.desc())
        ).all()
    return [PeriodChoice(code, status) for code, status in rows]


@requires(Permission.RESULTS_READ)
def period_scores(db: Database, actor: Actor, period: str, *, department: str | None = None):
    """The period's results as the actor may see them (a finalized period from its snapshot)."""
    from kpidesk.services.appraisal import scoring

    with db.session() as session:
        scores = scoring.period_scores(session, period, department=department, actor=actor)
    return scores.for_another_thread()


@requires(Permission.RESULTS_READ)
def scores_with_kpi_labels(db: Database, actor: Actor, period: str):
    """The period's results and every KPI's label, read together (charts offer the KPIs scored)."""
    from kpidesk.services.appraisal import scoring

    with db.session() as session:
        scores = scoring.period_scores(session, period, actor=actor)
        labels = labels_of_kpis(session)
    return scores.for_another_thread(), labels


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
    grading_waivers: list[Any] = field(default_factory=list)
    missing_raters: dict[int, str] = field(default_factory=dict)  # employee → forms and raters still missing
    responses: list[dict] = field(default_factory=list)
    signoffs: list[Any] = field(default_factory=list)
    curve: tuple[tuple[str, float], ...] = ()
    forced: Any = None
    grade_consequences: tuple[Any, ...] = ()  # domain.grades.GradeConsequence rows from the settings
    rater_stats: list[Any] = field(default_factory=list)
    gaps: list[Any] = field(default_factory=list)


RESULTS_STEPS = 5


@requires(Permission.RESULTS_READ)
def period_results(db: Database, actor: Actor, period: str, *, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> PeriodResults:
    """Compute (or read the snapshot of) ``period`` with its adjustments, responses, sign-offs and
    calibration figures, reporting each step and checking ``cancel`` between them."""
    from kpidesk.services.appraisal import adjustments, calibration, periods, scoring, signoffs
    from kpidesk.services.appraisal.lookups import find_period_record
    from kpidesk.services.forms.scores import reusing_form_scores

    token = cancel or CancelToken()
    report(progress, 0, RESULTS_STEPS, _("Reading the period…"))
    # it writes nothing; the scores' step stops between its own reads once cancelled
    with db.session() as session, reusing_form_scores(session), cancelled_by(token):
        record = find_period_record(session, period)
        report(progress, 1, RESULTS_STEPS, _("Computing scores…"))
        computed = scoring.period_scores(session, period, actor=actor)
        scores = computed.for_another_thread()
        token.raise_if_cancelled()
        report(progress, 2, RESULTS_STEPS, _("Preparing the table…"))
        data = PeriodResults(scores=scores, kpis=labels_of_kpis(session), opened=record is not None)
        token.raise_if_cancelled()
        report(progress, 3, RESULTS_STEPS, _("Reading adjustments and appeals…"))
        if record is not None:
            data.finalized_at, data.finalized_by = record.finalized_at, record.finalized_by
            data.adjustments = adjustments.list_adjustments(session, actor, period)
            data.exemptions = adjustments.list_exemptions(session, actor, period)
            data.grading_waivers = adjustments.list_grading_waivers(session, actor, period)
            if computed.loaded is not None:
                from kpidesk.services.appraisal.period_review import missing_raters

                data.missing_raters = missing_raters(session, computed.loaded.qualitative)
            data.responses = periods.list_responses(session, period, actor)
            data.signoffs = signoffs.list_signoffs(session, actor, period)
        token.raise_if_cancelled()
        report(progress, 4, RESULTS_STEPS, _("Calibration figures…"))
        data.curve = calibration.target_curve(session, scores.grade_scale)
        data.forced = calibration.forced_setting(session)
        data.grade_consequences = load_settings(session).grade_consequences
        if record is not None:
            ids = {int(i) for i in scores.frame.index}
            data.rater_stats = calibration.rater_statistics(session, period, ids)
            data.gaps = calibration.self_manager_gaps(session, period, ids)
    return data


# --- the period workflow -----------------------------------------------------------------------------


@requires(Permission.PERIODS_READ)
def period_list(db: Database, actor: Actor) -> list:
    """Every period with its counts, finalization and snapshot (``periods.PeriodInfo``), start-date order."""
    from kpidesk.services.appraisal import periods

    with db.session() as session:
        return periods.list_periods(session, actor)


@requires(Permission.PERIODS_MANAGE)
def open_period(db: Database, actor: Actor, period: str) -> str:
    """Open a period for data; returns its code."""
    from kpidesk.services.appraisal import periods

    with db.write() as session:
        return periods.open_period(session, actor, period).code


@requires(Permission.PERIODS_READ)
def propose_next_period(db: Database, actor: Actor) -> str:
    """The code of the period that follows the organisation's rhythm (what "New period…" offers)."""
    from kpidesk.services.appraisal import next_period

    with db.session() as session:
        return next_period.propose_next_period(session).code


@requires(Permission.PERIODS_MANAGE)
def plan_period(db: Database, actor: Actor, period: str):
    """What opening ``period`` would do (``next_period.PeriodPlan``), without writing anything."""
    from kpidesk.services.appraisal import next_period

    with db.session() as session:
        return next_period.plan_period(session, period)


@requires(Permission.PERIODS_MANAGE)
def start_review(db: Database, actor: Actor, period: str) -> str:
    from kpidesk.services.appraisal import periods

    with db.write() as session:
        return periods.start_review(session, actor, period).code


@requires(Permission.PERIODS_MANAGE)
def lock_summary(db: Database, actor: Actor, period: str):
    """What finalizing would lock: the appeals still open and the counts the confirmation shows."""
    from kpidesk.services.appraisal import period_review

    with db.session() as session:
        return period_review.lock_summary(session, actor, period)


@requires(Permission.PERIODS_MANAGE)
def finalize_checklist(db: Database, actor: Actor, period: str):
    """What to settle before finalizing (``period_review.FinalizeChecklist``)."""
    from kpidesk.services.appraisal import period_review

    with db.session() as session:
        return period_review.finalize_checklist(session, actor, period)


@requires(Permission.PERIODS_MANAGE)
def reopen_period(db: Database, actor: Actor, period: str, reason: str) -> str:
    from kpidesk.services.appraisal import periods

    with db.write() as session:
        return periods.reopen_period(session, actor, period, reason).code


@requires(Permission.ADJUST)
def record_response(db: Database, actor: Actor, period: str, staff_no: str, kind: str,
                    text: str | None = None) -> int:
    """An acknowledgement or an appeal; returns its id."""
    from kpidesk.services.appraisal import periods

    with db.write() as session:
        return periods.record_response(session, actor, period, staff_no, kind, text).id


@requires(Permission.ADJUST)
def answer_appeal(db: Database, actor: Actor, appeal_id: int, answer: str) -> int:
    from kpidesk.services.appraisal import periods

    with db.write() as session:
        return periods.answer_appeal(session, actor, appeal_id, answer).id


@requires(Permission.PERIODS_READ)
def list_responses(db: Database, actor: Actor, period: str) -> list[dict]:
    from kpidesk.services.appraisal import periods

    with db.session() as session:
        return periods.list_responses(session, period, actor)


# --- adjustments, exemptions, calibration and sign-offs ----------------------------------------------


@requires(Permission.ADJUST)
def add_adjustment(db: Database, actor: Actor, period: str, employee_id: int, points, reason: str) -> int:
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        return adjustments.add_adjustment(session, actor, period, employee_id, points, reason).id


@requires(Permission.ADJUST)
def remove_adjustment(db: Database, actor: Actor, adjustment_id: int, reason: str | None = None) -> None:
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        adjustments.remove_adjustment(session, actor, adjustment_id, reason)


@requires(Permission.ADJUST)
def add_exemption(db: Database, actor: Actor, period: str, employee_id: int, kpi_code: str, reason: str,
                  ends_on: date | None = None) -> int:
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        return adjustments.add_exemption(session, actor, period, employee_id, kpi_code, reason, ends_on).id


@requires(Permission.ADJUST)
def remove_exemption(db: Database, actor: Actor, exemption_id: int, reason: str | None = None) -> None:
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        adjustments.remove_exemption(session, actor, exemption_id, reason)


@requires(Permission.ADJUST)
def add_grading_waiver(db: Database, actor: Actor, period: str, employee_id: int, reason: str) -> int:
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        return adjustments.add_grading_waiver(session, actor, period, employee_id, reason).id


@requires(Permission.ADJUST)
def remove_grading_waiver(db: Database, actor: Actor, waiver_id: int, reason: str | None = None) -> None:
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        adjustments.remove_grading_waiver(session, actor, waiver_id, reason)


@requires(Permission.ADJUST)
def grade_despite_insufficient_data(db: Database, actor: Actor, period: str, staff_no: str, reason: str, *,
                                    withdraw: bool = False) -> None:
    """By staff number (the command line's way): grade the person despite too little data, or, with
    ``withdraw``, take that decision back (the reason then says why)."""
    from kpidesk.services.appraisal import adjustments

    with db.write() as session:
        employee_id = _employee_id(session, staff_no)
        if not withdraw:
            adjustments.add_grading_waiver(session, actor, period, employee_id, reason)
            return
        waivers = adjustments.list_grading_waivers(session, actor, period, employee_id)
        if not waivers:
            raise NotFound(_("{staff_no} is not graded despite too little data in {period}.").format(
                staff_no=staff_no, period=period))
        adjustments.remove_grading_waiver(session, actor, waivers[0].id, reason)


def _employee_id(session, staff_no: str) -> int:
    found = session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar()
    if found is None:
        raise NotFound(_("No employee with staff number {staff_no}").format(staff_no=staff_no))
    return found


@requires(Permission.SETTINGS_WRITE)
def apply_forced(db: Database, actor: Actor, period: str, quotas, scope: str = "department") -> None:
    from kpidesk.services.appraisal import calibration

    with db.write() as session:
        calibration.apply_forced(session, actor, period, quotas, scope)


@requires(Permission.SETTINGS_WRITE)
def clear_forced(db: Database, actor: Actor, period: str) -> None:
    from kpidesk.services.appraisal import calibration

    with db.write() as session:
        calibration.clear_forced(session, actor, period)


@requires(Permission.SIGNOFF)
def record_signoff(db: Database, actor: Actor, period: str, employee_id: int, role: str, signed_by: str):
    """Record a signature on a finalized sheet; returns the ``SignOffRow``."""
    from kpidesk.services.appraisal import signoffs

    with db.write() as session:
        return signoffs.record_signoff(session, actor, period, employee_id, role, signed_by)


@requires(Permission.SIGNOFF)
def remove_signoff(db: Database, actor: Actor, signoff_id: int, reason: str) -> None:
    from kpidesk.services.appraisal import signoffs

    with db.write() as session:
        signoffs.remove_signoff(session, actor, signoff_id, reason)


# --- overview and data entry ---------------------------------------------------------------------------


@requires(Permission.RESULTS_READ)
def period_overview(db: Database, actor: Actor, period: str):
    """The Overview page's figures of a period, as the actor may see them."""
    from kpidesk.services.appraisal import overview

    with db.session() as session:
        return overview.period_overview(session, period, actor)


@requires(Permission.DATA_READ)
def entry_sheet(db: Database, actor: Actor, period: str):
    """The data-entry grid of a period: appraisees × the columns their templates need, values and lock."""
    from kpidesk.services.appraisal import measurements

    with db.session() as session:
        return measurements.entry_sheet(session, actor, period)


# --- the Forms page -------------------------------------------------------------------------------------


@dataclass
class PeriodForms:
    """What the Forms page fills in for a period: who is appraised with which forms, their names, the forms
    themselves and the responses the actor may see (here rather than in forms, as it joins the roster and
    the people)."""

    period: str
    status: PeriodStatus
    roster: list  # RosterEntry with forms
    names: dict[int, str]
    forms: dict[int, Any]  # form version id → Form
    responses: list  # ResponseView


@requires(Permission.FORMS_READ, Permission.FORMS_SELF)
def period_forms(db: Database, actor: Actor, period: str) -> PeriodForms:
    from kpidesk.services.appraisal import measurements
    from kpidesk.services.forms.catalogue import stored_form
    from kpidesk.services.forms.responses import responses_for
    from kpidesk.services.people import staff
    from kpidesk.services.safety.period_lock import period_record

    with db.session() as session:
        record = period_record(session, period)
        roster = [r for r in measurements.appraisal_roster(session, period) if r.forms]
        names = {row.id: row.name for row in staff.list_employees(session, include_left=True)}
        versions = {ref.form_version_id for entry in roster for ref in entry.forms}
        forms = {version: stored_form(session, version) for version in versions}
        responses = responses_for(session, period, actor=actor)
    return PeriodForms(record.code, record.status, roster, names, forms, responses)
