"""Printing: appraisal sheets, department summaries and year sheets from the database, as PDF. (long: gathers every document kind's data for the PDFs in one pass over the period)

The data is gathered in one read-only session (a finalized period from its snapshot, so a sheet
printed a year later shows what was signed), the charts are drawn in a process pool, and the
documents are laid out by :mod:`kpidesk.reports`. Progress goes through the usual callback and a
cancel token is honoured between charts and between documents; nothing is left at the target
after a cancel. Period sheets carry a pay section only when the request asks for it, and only for
someone who may see pay (see :mod:`kpidesk.services.pay.sheet_section`).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.charts.chart_process import draw_ahead
from kpidesk.charts.pool import ChartJob, PendingImage
from kpidesk.charts.sizes import (
    PRINT_BESIDE_RESULT,
    PRINT_BESIDE_RESULT_DPI,
    PRINT_FULL_WIDTH,
    PRINT_HALF_WIDTH,
)
from kpidesk.charts.translate import Translate, language_code, translator
from kpidesk.domain.grades import GradeConsequence, consequence_of
from kpidesk.domain.numbers import bool_or_none, float_or_none, int_or_none
from kpidesk.domain.periods import Period, PeriodKind
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound, PermissionDenied, ValidationError
from kpidesk.reports.sheet_data import (
    AdjustmentRow,
    ChartImage,
    DepartmentSummaryData,
    GradeCount,
    ImprovementPlan,
    KpiRow,
    PaySection,
    QualitativeRow,
    RankingRow,
    Rating,
    SheetData,
    YearMonthRow,
    YearSheetData,
)
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal.lookups import DepartmentTree
from kpidesk.services.appraisal.scoring import FLAG_LABELS, resolve_period
from kpidesk.services.appraisal.snapshots import finalized_rows
from kpidesk.services.printing.chart_data import (
    RATER_NAMES,
    KpiLine,
    QualitativeDetail,
    ScoredPeriod,
    employee_history,
    finalized_once,
    find_employee,
    grade_bands,
    grade_distribution,
    load_scored_period,
    qualitative_detail,
    qualitative_radar,
    ranking,
    team_scores,
)
from kpidesk.services.progress import CancelToken, ProgressCallback, report
from kpidesk.services.safety import access
from kpidesk.services.safety.settings import load_settings
from kpidesk.store import models as m
from kpidesk.store.db import Database

if TYPE_CHECKING:  # pay is loaded only for a print that carries it
    from kpidesk.services.pay.sheet_section import PayPrint

#: Fewer charts than this are drawn here: starting the worker processes would cost more than it saves.
POOL_FROM_CHARTS = 40

#: Result flags worth a line on a year sheet.
STREAK_FLAGS = ("reward_streak", "improvement_plan", "dismissal_review")


@dataclass(frozen=True)
class PrintRequest:
    """What to print. Without employees or a department: everyone ``actor`` may see in the period."""

    period: str
    staff_nos: tuple[str, ...] = ()
    department: str | None = None
    sheets: bool = True  # one document per employee (a period sheet, or a year sheet with year_sheets)
    summary: bool = False  # a department summary in front of the sheets
    year_sheets: bool = False  # year sheets (for the year of ``period``) instead of period sheets
    charts: bool = True
    lang: str | None = None
    split: bool = False  # one file per document in the folder ``out``
    pay: bool = False  # a pay section on each period sheet (HR and administrators only)


@dataclass
class PrintOutcome:
    paths: list[Path]
    documents: int
    pages: int | None  # in the combined file; None in split mode
    finalized: bool
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    """Documents gathered from the database, waiting for their chart images."""

    documents: list[Any]
    jobs: list[ChartJob]
    slots: list[tuple[int, str]]  # for each job: (document index, field or "chart:<caption>")
    finalized: bool


# --- values as an office writes them ---------------------------------------------------------------


def format_level(value: float | None, unit: str, lang: str, *, band: bool = False) -> str:
    """A stored value in its unit ("93%", "4.5分钟"); band levels are tolerances (±4%)."""
    from kpidesk.domain.explanations import _Renderer  # the same wording as the score explanations

    if value is None:
        return ""
    text = _Renderer(lang).value(value, unit)
    return f"±{text}" if band else text


def _grade(scored: ScoredPeriod, code: Any, lang: str) -> str:
    if not isinstance(code, str):
        return ""
    try:
        return scored.scores.grade_scale.label(code, lang) or code
    except KeyError:
        return code


# --- one employee's sheet --------------------------------------------------------------------------


def _counted_weights(kpis: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The template weight of each KPI the quantitative score counted (those with data, or counted as 0)."""
    return {code: float(item["weight"]) for code, item in kpis.items()
            if item["weighted"] is not None and item["weight"] is not None and item["status"] != "not_due"}


def _effective_weight(code: str, weight: float | None, counted: dict[str, float]) -> float | None:
    """The percentage the KPI's score counted with, when it differs from its template weight."""
    if weight is None or not counted:
        return None
    effective = round(counted[code] / sum(counted.values()) * 100, 1) if code in counted else 0.0
    return None if abs(effective - float(weight)) < 0.05 else effective


def _left_out(scored: ScoredPeriod, employee_id: Hashable, lang: str) -> list[str]:
    """``KPI: why`` for each KPI on the template that did not count this period (not-due ones aside)."""
    names = {line.code: line.name(lang) for line in scored.lines(employee_id)}
    out = []
    for code, item in scored.scores.kpis(employee_id).items():
        if item["weighted"] is not None or item["status"] in ("ok", "not_due"):
            continue
        why = scored.scores.explanation_text(employee_id, code, lang) or item["status"]
        out.append(f"{names.get(code, code)}（{why}）" if lang == "zh_CN" else f"{names.get(code, code)} ({why})")
    return out


def _percent(share: float) -> str:
    return f"{round(share * 100, 1):g}%"


def _composition(row: Any, template_shares: tuple[float | None, float | None], _: Translate, lang: str) -> str:
    """The composition the total rests on in words; "—" for a result finalized before coverage was kept."""
    coverage = float_or_none(row.get("coverage"))
    if coverage is None:
        return "—"
    quantitative_share, qualitative_share = template_shares
    parts = [_("KPIs with data carry {share} of the KPI weight due this period").format(
        share=_percent(float_or_none(row.get("kpi_coverage")) or 0.0))]
    if qualitative_share:
        if bool_or_none(row.get("qualitative_included")):
            parts.append(_("qualitative part included"))
        elif float_or_none(row.get("qualitative")) is not None:
            parts.append(_("qualitative part incomplete, not counted as covered"))
        else:
            parts.append(_("no qualitative part"))
    parts.append(_("the total rests on {share} of the template").format(share=_percent(coverage)))
    return ("；" if lang == "zh_CN" else "; ").join(parts)


def _shares_used(row: Any, template_shares: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    """The shares the total was actually blended with: a part that is missing gives the other all of it."""
    has_quantitative = float_or_none(row["quantitative"]) is not None
    has_qualitative = float_or_none(row["qualitative"]) is not None
    if has_quantitative and not has_qualitative:
        return 100.0, None
    if has_qualitative and not has_quantitative:
        return None, 100.0
    return template_shares


def _kpi_rows(scored: ScoredPeriod, employee_id: Hashable, lang: str) -> list[KpiRow]:
    kpis = scored.scores.kpis(employee_id)
    counted_weights = _counted_weights(kpis)
    rows = []
    lines: list[KpiLine] = scored.lines(employee_id)
    for line in lines:
        item = kpis.get(line.code)
        if item is None:
            continue
        band = line.direction == "band"
        counted = item["status"] == "ok"
        explanation = scored.scores.explanation_text(employee_id, line.code, lang) or ""
        weight = item["weight"] if item["weight"] is not None else line.weight
        rows.append(KpiRow(
            indicator=line.name(lang),
            weight=weight,
            baseline=format_level(line.baseline, line.unit, lang, band=band),
            target=format_level(line.target, line.unit, lang, band=band),
            challenge=format_level(line.challenge, line.unit, lang, band=band),
            actual=format_level(item["value"], line.unit, lang),
            score=item["score"] if counted else None,
            weighted_score=item["weighted"] if counted else None,
            explanation=explanation,
            effective_weight=_effective_weight(line.code, weight, counted_weights),
        ))
    return rows


def _qualitative_rows(detail: QualitativeDetail, _: Translate, lang: str) -> list[QualitativeRow]:
    separator = "、" if lang == "zh_CN" else ", "
    rows = []
    for criterion in detail.criteria:
        ratings = []
        for role in detail.roles:
            levels = criterion.levels.get(role, [])
            comments = criterion.comments.get(role, [])
            ratings.append(Rating(_(RATER_NAMES[role]), separator.join(levels) or "—", "\n".join(comments)))
        rows.append(QualitativeRow(criterion.title, ratings, criterion.weight))
    return rows


def _improvement(detail: QualitativeDetail) -> ImprovementPlan:
    """The manager's strengths, areas to improve and goals (the employee's own where the manager wrote none)."""
    texts: dict[str, str] = {}
    for role in ("self", "hr", "manager"):  # later roles win; anonymous peers' texts are not printed
        texts.update(detail.texts.get(role, {}))

    def items(key: str) -> tuple[str, ...]:
        return tuple(line.strip(" ;；") for line in texts.get(key, "").splitlines() if line.strip(" ;；"))

    return ImprovementPlan(items("strengths"), items("improvements"), items("goals"))


def _adjustments(session: Session, scored: ScoredPeriod, employee_id: int) -> list[AdjustmentRow]:
    if scored.snapshot is not None:
        stored = scored.snapshot.get("adjustments", {}).get(str(employee_id), [])
        return [AdjustmentRow(a.get("reason", ""), float(a.get("points", 0))) for a in stored]
    record = session.execute(
        select(m.PeriodRecord).where(m.PeriodRecord.code == scored.scores.period.code)).scalar()
    if record is None:
        return []
    rows = session.execute(select(m.Adjustment).where(
        m.Adjustment.period_id == record.id, m.Adjustment.employee_id == employee_id).order_by(m.Adjustment.id)
    ).scalars()
    return [AdjustmentRow(a.reason, float(a.points)) for a in rows]


@dataclass(frozen=True)
class _Context:
    session: Session
    actor: Actor
    lang: str
    _: Translate
    organisation: str
    charts: bool
    pay: PayPrint | None = None  # set when the sheets carry a pay section
    grade_consequences: tuple[GradeConsequence, ...] = ()



def _pay_section(pay: PayPrint, employee_id: int, staff_no: str) -> PaySection:
    """The pay section of one sheet; the pay code is loaded only by a print that carries pay."""
    from kpidesk.services.pay.sheet_section import pay_section

    return pay_section(pay, employee_id, staff_no)


def _chart(jobs: list[tuple[str, ChartJob]], slot: str, job: ChartJob) -> None:
    jobs.append((slot, job))
    draw_ahead(job)


def _beside_result(kind: str, data: Any, lang: str) -> ChartJob:
    """A chart drawn at the size it prints beside the sheet's result, so its text prints at its own size."""
    return ChartJob(kind, data, size=PRINT_BESIDE_RESULT, dpi=PRINT_BESIDE_RESULT_DPI, lang=lang)


def _sheet(ctx: _Context, scored: ScoredPeriod, employee_id: int, department_sizes: dict[Any, int],
           jobs: list[tuple[str, ChartJob]]) -> SheetData:
    _ = ctx._
    row = scored.scores.rows.row(employee_id)
    employee = ctx.session.get(m.Employee, employee_id)
    show_forms = not (ctx.actor.role is Role.EMPLOYEE and not scored.finalized)
    detail = (qualitative_detail(ctx.session, scored.scores.period.code, employee_id, lang=ctx.lang) if show_forms
              else QualitativeDetail([], [], [], {}))
    if ctx.charts:  # each sent to a chart process as soon as it is known, to be drawn while the rest is read
        if detail.criteria and detail.roles:
            _chart(jobs, "radar_chart", _beside_result("radar", qualitative_radar(detail, lang=ctx.lang), ctx.lang))
        _chart(jobs, "history_chart",
               _beside_result("trend", employee_history(ctx.session, employee_id, scored, lang=ctx.lang), ctx.lang))
    department = " · ".join(str(p) for p in (row["department"], row["team"]) if isinstance(p, str))
    template_shares = scored.template_shares(employee_id)
    quantitative_share, qualitative_share = _shares_used(row, template_shares)
    adjustments = _adjustments(ctx.session, scored, employee_id)
    title = scored.template_name(employee_id, ctx.lang) or _("Performance appraisal sheet")
    consequence = consequence_of(ctx.grade_consequences, row["grade_code"])
    return SheetData(
        organisation=ctx.organisation,
        title=title,
        period=scored.scores.period.code,
        employee=str(row["name"]),
        staff_no=str(row["staff_no"]),
        department=department,
        position=str(row["position"]) if isinstance(row["position"], str) else "",
        manager=_manager_name(ctx.session, employee),
        kpi_rows=_kpi_rows(scored, employee_id, ctx.lang),
        qualitative_rows=_qualitative_rows(detail, _, ctx.lang),
        adjustments=adjustments,
        quantitative_score=float_or_none(row["quantitative"]),
        qualitative_score=float_or_none(row["qualitative"]),
        quantitative_share=quantitative_share,
        qualitative_share=qualitative_share,
        adjustment_total=float_or_none(row["adjustments"]),
        total_score=float_or_none(row["total"]),
        grade=_grade(scored, row["grade_code"], ctx.lang),
        grade_key=row["grade_code"] if isinstance(row["grade_code"], str) else None,
        training_need=consequence.training_need if consequence else "",
        staff_level=consequence.staff_level if consequence else "",
        department_rank=int_or_none(row["rank_department"]),
        department_size=department_sizes.get(row["department"]),
        improvement=_improvement(detail),
        snapshot_hash=scored.scores.snapshot_hash if scored.finalized else None,
        finalized=scored.finalized,
        finalized_at=scored.finalized_at if scored.finalized else None,
        pay=_pay_section(ctx.pay, employee_id, str(row["staff_no"])) if ctx.pay is not None else None,
        left_out=_left_out(scored, employee_id, ctx.lang),
        composition=_composition(row, template_shares, _, ctx.lang),
    )


def _manager_name(session: Session, employee: m.Employee | None) -> str:
    if employee is None:
        return ""
    if employee.manager is not None:
        return employee.manager.name
    department = employee.department
    if department is not None and department.head is not None and department.head.id != employee.id:
        return department.head.name
    return ""


# --- whom to print -------------------------------------------------------------------------------------


def _selected(ctx: _Context, scored: ScoredPeriod, staff_nos: Sequence[str]) -> list[int]:
    rows = scored.scores.rows
    if not staff_nos:
        return rows.employee_ids
    chosen = []
    for staff_no in staff_nos:
        employee = find_employee(ctx.session, staff_no)
        if employee.id not in rows:
            raise NotFound(ctx._("{name} ({staff_no}) has no appraisal in {period} that you may see").format(
                name=employee.name, staff_no=employee.staff_no, period=scored.scores.period.code))
        chosen.append(employee.id)
    return chosen


def _check_print(ctx: _Context, scored: ScoredPeriod, employee_ids: Sequence[int]) -> None:
    rows = scored.scores.rows
    for employee_id in employee_ids:
        access.require_for_employee(ctx.session, ctx.actor, access.Permission.PRINT, employee_id,
                                    department_id=int_or_none(rows.row(employee_id)["department_id"]))


def _department_sizes(scored: ScoredPeriod) -> dict[Any, int]:
    """How many ranked people each department has (by name), worked out once for all the sheets."""
    return scored.scores.rows.once("department sizes", lambda rows: dict(Counter(
        department for department, rank in zip(rows.column("department"), rows.column("rank_department"), strict=True)
        if isinstance(department, str) and int_or_none(rank) is not None)))


# --- department summary --------------------------------------------------------------------------------


def _summary(ctx: _Context, scored: ScoredPeriod, department: str | None,
             jobs: list[tuple[str, ChartJob]]) -> DepartmentSummaryData:
    from kpidesk.services.appraisal.calibration import forced_setting

    _ = ctx._
    results = scored.scores.rows
    lang = ctx.lang
    rows = []
    for row in map(results.row, results.employee_ids):
        rows.append(RankingRow(
            int_or_none(row["rank_department"]), str(row["staff_no"]), str(row["name"]),
            str(row["position"]) if isinstance(row["position"], str) else "", float_or_none(row["quantitative"]),
            float_or_none(row["qualitative"]), float_or_none(row["adjustments"]), float_or_none(row["total"]),
            _grade(scored, row["grade_code"], lang), row["grade_code"] if isinstance(row["grade_code"], str) else None,
        ))
    forced = forced_setting(ctx.session)
    quotas = {} if forced is None else {code: share / 100.0 for code, share in forced.quotas}
    counts = Counter(results.column("grade_code"))
    grade_counts = [GradeCount(band.label, counts.get(band.key, 0), band.key, quotas.get(band.key))
                    for band in grade_bands(scored.scores.grade_scale, lang)]
    totals = [t for t in map(float_or_none, results.column("total")) if t is not None]
    name = department or next((d for d in results.column("department") if isinstance(d, str)), "")
    head = ctx.session.execute(select(m.Department).where(m.Department.name == name)).scalar() if name else None
    notes = []
    for employee_id in results.employee_ids:
        for adjustment in _adjustments(ctx.session, scored, employee_id):
            notes.append(ctx._("{name}: {points} points, {reason}").format(
                name=results.row(employee_id)["name"], points=f"{adjustment.points:+g}".replace("-", "−"),
                reason=adjustment.reason))
    if ctx.charts and totals:
        jobs.append(("chart:", ChartJob("distribution", grade_distribution(ctx.session, scored, department, lang=lang),
                                        size=PRINT_HALF_WIDTH, lang=lang)))
        jobs.append(("chart:", ChartJob("scores", team_scores(scored, department, lang=lang),
                                        size=PRINT_HALF_WIDTH, lang=lang)))
        height = min(9.0, 1.0 + 0.24 * len(totals))
        jobs.append(("chart:wide", ChartJob("ranking", ranking(scored, department, lang=lang),
                                            size=(PRINT_FULL_WIDTH[0], max(2.6, height)), lang=lang)))
    return DepartmentSummaryData(
        organisation=ctx.organisation,
        title=_("Department appraisal summary"),
        period=scored.scores.period.code,
        department=name,
        manager=head.head.name if head is not None and head.head is not None else "",
        ranking=rows,
        grade_counts=grade_counts,
        average_score=round(sum(totals) / len(totals), 2) if totals else None,
        median_score=round(statistics.median(totals), 2) if totals else None,
        notes=notes,
        snapshot_hash=scored.scores.snapshot_hash if scored.finalized else None,
        finalized=scored.finalized,
        finalized_at=scored.finalized_at if scored.finalized else None,
    )


# --- year sheets -----------------------------------------------------------------------------------------


def _year_sheet(ctx: _Context, year: int, employee_id: int, jobs: list[tuple[str, ChartJob]],
                year_scored: ScoredPeriod | None, month_scores: dict[str, ScoredPeriod], scale) -> YearSheetData:
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint

    _ = ctx._
    session = ctx.session
    employee = session.get_one(m.Employee, employee_id)
    months = [Period(year, PeriodKind.MONTH, i) for i in range(1, 13)]
    records = {r.code: r for r in session.execute(
        select(m.PeriodRecord).where(m.PeriodRecord.code.in_([p.code for p in months]))).scalars()}
    rows, points, streaks = [], [], []
    tree = DepartmentTree.load(session)
    for month in months:
        record = records.get(month.code)
        if record is None:
            continue
        finalized_month = finalized_rows(session, record) if record.is_finalized else {}
        result = finalized_month.get(employee_id)
        scored = month_scores.get(month.code)
        if result is not None:
            total, code = float_or_none(result.get("total")), result.get("grade_code")
            rank, flags = int_or_none(result.get("rank_department")), result.get("flags")
            size: int | None = _finalized_sizes(session, record, tree).get(
                tree.top(int_or_none(result.get("department_id"))), 0)
        elif scored is not None and employee_id in scored.scores.rows:
            row = scored.scores.rows.row(employee_id)
            total, code = float_or_none(row["total"]), row["grade_code"] if isinstance(row["grade_code"], str) else None
            rank, flags = int_or_none(row["rank_department"]), list(row["flags"] or ())
            size = _department_sizes(scored).get(row["department"])
        else:
            continue
        label = _grade_label_any(scale, code, ctx.lang)
        flag_texts = [_(FLAG_LABELS[f]) for f in (flags or ()) if f in STREAK_FLAGS]
        rows.append(YearMonthRow(month.code, total, label, code, rank, size, flag_texts))
        points.append(HistoryPoint(month.code, total, code, label))
        streaks += [f"{month.code}: {text}" for text in flag_texts]
    year_total = year_code = year_rank = year_size = None
    finalized, snapshot, finalized_at = False, None, None
    if year_scored is not None and employee_id in year_scored.scores.rows:
        row = year_scored.scores.rows.row(employee_id)
        year_total, year_code = float_or_none(row["total"]), row["grade_code"] if isinstance(row["grade_code"], str) else None
        year_rank, year_size = int_or_none(row["rank_department"]), _department_sizes(year_scored).get(row["department"])
        finalized = year_scored.finalized
        snapshot = year_scored.scores.snapshot_hash if finalized else None
        finalized_at = year_scored.finalized_at if finalized else None
        scale = year_scored.scores.grade_scale
    elif rows:
        known = [r.total_score for r in rows if r.total_score is not None]
        year_total = round(sum(known) / len(known), 2) if known else None
    if year_code is None and year_total is not None and scale is not None:
        year_code = scale.grade_one(year_total)
    bands = grade_bands(scale, ctx.lang) if scale is not None else ()
    if ctx.charts and points:
        history = EmployeeHistory(employee.name, points, bands, show_median=False) if bands else \
            EmployeeHistory(employee.name, points, show_median=False)
        jobs.append(("trend_chart", ChartJob("trend", history, size=(PRINT_FULL_WIDTH[0], 2.4), lang=ctx.lang)))
    top = tree.top(employee.department_id)
    team = tree.team(employee.department_id)
    department = " · ".join(tree.names[d] for d in (top, team) if d is not None and d in tree.names)
    return YearSheetData(
        organisation=ctx.organisation, title=_("Annual appraisal sheet"), year=str(year), employee=employee.name,
        staff_no=employee.staff_no, department=department,
        position=employee.position.name if employee.position is not None else "",
        manager=_manager_name(session, employee), periods=rows, year_score=year_total,
        year_grade=(scale.label(year_code, ctx.lang) if scale is not None and year_code else "") or "",
        year_grade_key=year_code, year_rank=year_rank, year_rank_size=year_size, streak_flags=streaks,
        snapshot_hash=snapshot, finalized=finalized, finalized_at=finalized_at,
    )


def _finalized_sizes(session: Session, record: m.PeriodRecord, tree: DepartmentTree) -> dict[int | None, int]:
    """How many ranked people a finalized month had in each top-level department (from its finalized rows)."""
    return finalized_once(session, record, "department sizes", lambda rows: dict(Counter(
        tree.top(int_or_none(row.get("department_id"))) for row in rows.values()
        if row.get("rank_department") is not None)))


def _grade_label_any(scale, code: str | None, lang: str) -> str:
    if not code:
        return ""
    if scale is not None:
        try:
            return scale.label(code, lang) or code
        except KeyError:
            pass
    return code


# --- putting it together ---------------------------------------------------------------------------------


def gather_documents(session: Session, actor: Actor, request: PrintRequest) -> _Pending:
    """Everything to print as plain data, with the charts still to draw."""
    lang = language_code(request.lang)
    _ = translator(request.lang)
    period = resolve_period(request.period)
    if request.pay:
        from kpidesk.services.pay import payroll as pay  # loaded only when pay is printed

        pay.require_pay(actor)
    settings = load_settings(session)
    ctx = _Context(session, actor, lang, _, settings.name, request.charts,
                   grade_consequences=settings.grade_consequences)
    scored = load_scored_period(session, period, department=request.department, actor=actor)
    chosen = _selected(ctx, scored, request.staff_nos)
    if not chosen:
        raise NotFound(_("Nobody to print in {period}").format(period=period.code))
    _check_print(ctx, scored, chosen)
    documents: list[Any] = []
    slots: list[tuple[int, str]] = []
    jobs: list[ChartJob] = []

    def add(document: Any, pending: list[tuple[str, ChartJob]]) -> None:
        documents.append(document)
        for slot, job in pending:
            slots.append((len(documents) - 1, slot))
            jobs.append(job)

    if request.summary:
        subset = scored if not request.staff_nos else _subset(scored, chosen)
        if request.department:
            groups = [(request.department, subset)]
        else:  # one summary per top-level department
            rows = subset.scores.rows
            department_of = dict(zip(rows.employee_ids, rows.column("department"), strict=True))
            names = sorted({d for d in department_of.values() if isinstance(d, str)})
            groups = [(name, _subset(subset, [e for e, d in department_of.items() if d == name])) for name in names]
        for name, group in groups:
            summary_jobs: list[tuple[str, ChartJob]] = []
            add(_summary(ctx, group, name, summary_jobs), summary_jobs)
    if request.sheets and request.year_sheets:
        year = period.year
        month_scores = _month_scores(session, actor, year)
        try:
            year_scored = load_scored_period(session, Period(year, PeriodKind.YEAR), actor=actor)
        except (NotFound, PermissionDenied):  # no year result yet, or not one released to an employee
            year_scored = None
        for employee_id in chosen:
            pending: list[tuple[str, ChartJob]] = []
            add(_year_sheet(ctx, year, employee_id, pending, year_scored, month_scores,
                            scored.scores.grade_scale), pending)
    elif request.sheets:
        if request.pay:
            from kpidesk.services.pay.payroll import period_pay
            from kpidesk.services.pay.sheet_section import pay_print

            ctx = dataclasses.replace(ctx, pay=pay_print(session, period_pay(session, actor, period), lang, _,
                                                         scored.scores.grade_scale))
        sizes = _department_sizes(scored)
        for employee_id in chosen:
            pending = []
            add(_sheet(ctx, scored, employee_id, sizes, pending), pending)
    if not documents:
        raise ValidationError(_("Nothing to print: ask for sheets, year sheets or a summary"))
    return _Pending(documents, jobs, slots, scored.finalized)


def _subset(scored: ScoredPeriod, employee_ids: Sequence[int]) -> ScoredPeriod:
    return dataclasses.replace(scored, scores=scored.scores.restricted_to(employee_ids))


def _month_scores(session: Session, actor: Actor, year: int) -> dict[str, ScoredPeriod]:
    """The open months of ``year`` that ``actor`` may see (finalized months are read from their snapshots); an
    employee's year sheet leaves out the months whose results are not released yet."""
    codes = [Period(year, PeriodKind.MONTH, i).code for i in range(1, 13)]
    scored = {}
    for record in session.execute(select(m.PeriodRecord).where(
            m.PeriodRecord.code.in_(codes), m.PeriodRecord.status != PeriodStatus.FINALIZED)).scalars():
        try:
            scored[record.code] = load_scored_period(session, record.code, actor=actor)
        except (NotFound, PermissionDenied):
            continue
    return scored


def attach_charts(pending: _Pending, images: Sequence[bytes | PendingImage]) -> list[Any]:
    """The documents with their chart images filled in."""
    documents = list(pending.documents)
    charts: dict[int, list[ChartImage]] = {}
    for (index, slot), image in zip(pending.slots, images, strict=True):
        if slot.startswith("chart:"):
            charts.setdefault(index, []).append(ChartImage("", image, wide=slot == "chart:wide"))
        else:
            documents[index] = dataclasses.replace(documents[index], **{slot: image})
    for index, images_of in charts.items():
        documents[index] = dataclasses.replace(documents[index], charts=tuple(images_of))
    return documents


def organisation_language(db: Database) -> str | None:
    """The language the organisation prints in; None leaves it to the computer."""
    from kpidesk.services.safety.settings import load_settings

    with db.session() as session:
        return load_settings(session).document_language or None


def print_documents(
    db: Database,
    actor: Actor,
    request: PrintRequest,
    out: str | Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    processes: int | None = None,
) -> PrintOutcome:
    """Gather, draw and lay out; ``out`` is a file (or a folder in split mode).

    With more than one process the charts are drawn in a process pool while the documents are
    laid out (a page waits only for its own charts); with ``processes=1`` they are drawn first,
    here. Progress: reading the data, then the charts (when drawn first), then the documents.
    """
    from kpidesk.charts.pool import ChartStream, render_charts

    if request.lang is None:
        request = replace(request, lang=organisation_language(db))
    _ = translator(request.lang)
    cancelled = (lambda: cancel.cancelled) if cancel is not None else None
    report(progress, 0, 1, _("Reading the results"))
    with db.session() as session:
        pending = gather_documents(session, actor, request)
    if cancel is not None:
        cancel.raise_if_cancelled()
    workers = processes if processes is not None else (os.cpu_count() or 1)
    if workers > 1 and len(pending.jobs) >= POOL_FROM_CHARTS:
        with ChartStream(pending.jobs, processes=workers) as stream:
            documents = attach_charts(pending, [stream.pending(i) for i in range(len(pending.jobs))])
            return _lay_out(documents, pending, request, out, progress, cancelled, 0, len(pending.documents))
    total = len(pending.jobs) + len(pending.documents)
    images: list[bytes] = []
    if pending.jobs:
        label = _("Drawing charts")
        images = render_charts(pending.jobs, processes=1, cancelled=cancelled,
                               progress=lambda done, _total: report(progress, done, total, label))
    return _lay_out(attach_charts(pending, images), pending, request, out, progress, cancelled,
                    len(pending.jobs), total)


def _lay_out(documents: list[Any], pending: _Pending, request: PrintRequest, out: str | Path,
             progress: ProgressCallback | None, cancelled, offset: int, total: int) -> PrintOutcome:
    from kpidesk.reports.document import render_documents, render_split

    label = translator(request.lang)("Laying out the documents")

    def layout_progress(done: int, _total: int) -> None:
        report(progress, offset + done, total, label)

    target = Path(out)
    if request.split:
        paths = render_split(documents, target, lang=request.lang, progress=layout_progress, cancelled=cancelled)
        return PrintOutcome(paths, len(documents), None, pending.finalized)
    pages = render_documents(documents, target, lang=request.lang, progress=layout_progress, cancelled=cancelled)
    return PrintOutcome([target], len(documents), pages, pending.finalized)
