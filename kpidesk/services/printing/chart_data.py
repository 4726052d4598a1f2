"""Chart data from the database: what :mod:`kpidesk.charts` draws, for the GUI, the CLI and the sheets. (long: one reader per chart kind, kept together so the GUI, CLI and sheets draw the same data)

A finalized period is read from its snapshot (through :func:`kpidesk.services.appraisal.scoring.period_scores`
and the snapshot's template and KPI copies), so a chart of a signed period does not move when a
template is edited later. History comes from the stored results of finalized periods, plus the
period asked for when it is still open.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.charts.data import (
    EmployeeHistory,
    GradeBand,
    GradeDistribution,
    HistoryPoint,
    KpiAttainment,
    KpiAttainmentRow,
    KpiBone,
    KpiRib,
    KpiSystem,
    RadarData,
    RadarSeries,
    Ranking,
    RankingEntry,
    TeamKpiTrend,
    TeamScores,
)
from kpidesk.charts.translate import Translate, language_code, translator
from kpidesk.domain.grades import GradeScale
from kpidesk.domain.numbers import float_or_none, int_or_none
from kpidesk.domain.periods import Period
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import N_
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.lookups import DepartmentTree, find_period_record
from kpidesk.services.appraisal.scoring import PeriodScores, period_scores, resolve_period
from kpidesk.services.appraisal.snapshots import finalized_rows
from kpidesk.services.safety import access
from kpidesk.store import models as m

HISTORY_LENGTH = 12

PERSPECTIVE_NAMES = {
    "financial": N_("Financial"),
    "customer": N_("Customer"),
    "process": N_("Internal process"),
    "growth": N_("Learning and growth"),
}
T = TypeVar("T")

RATER_NAMES = {"self": N_("Self rating"), "manager": N_("Manager rating"), "peer": N_("Peer rating"),
               "hr": N_("HR rating")}
RATER_ORDER = ("self", "manager", "peer", "hr")


# --- what a period's sheets were scored with --------------------------------------------------------


@dataclass(frozen=True)
class KpiLine:
    """One KPI of a template as the period used it: levels in stored units (durations in seconds)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    weight: float | None
    baseline: float | None
    target: float | None
    challenge: float | None
    perspective: str | None = None

    def name(self, lang: str) -> str:
        return (self.name_zh or self.name_en) if lang == "zh_CN" else (self.name_en or self.name_zh)


@dataclass
class ScoredPeriod:
    """A period's scores together with the template lines and names they were computed with."""

    scores: PeriodScores
    templates: dict[str, list[KpiLine]]  # template key → its KPI lines in sheet order
    template_names: dict[str, tuple[str, str]]  # template key → (zh, en)
    shares: dict[str, tuple[float | None, float | None]]  # template key → (quantitative, qualitative) %
    snapshot: dict[str, Any] | None = None
    finalized_at: datetime | None = None  # when the snapshot the scores come from was taken

    @property
    def finalized(self) -> bool:
        return self.scores.status == PeriodStatus.FINALIZED

    def lines(self, employee_id: Hashable) -> list[KpiLine]:
        key = self.scores.rows.row(employee_id).get("template")
        return list(self.templates.get(key, [])) if isinstance(key, str) else []

    def template_shares(self, employee_id: Hashable) -> tuple[float | None, float | None]:
        key = self.scores.rows.row(employee_id).get("template")
        return self.shares.get(key, (None, None)) if isinstance(key, str) else (None, None)

    def template_name(self, employee_id: Hashable, lang: str) -> str:
        key = self.scores.rows.row(employee_id).get("template")
        zh, en = self.template_names.get(key, ("", "")) if isinstance(key, str) else ("", "")
        return (zh or en) if lang == "zh_CN" else (en or zh)


def load_scored_period(
    session: Session, period: str | Period, *, department: str | None = None, actor: Actor
) -> ScoredPeriod:
    """The scores people may see, with the KPI lines of the templates they were scored on — from the
    snapshot once the period is finalized, from the template versions used otherwise."""
    from kpidesk.services.appraisal.snapshots import checked_snapshot

    scores = period_scores(session, period, department=department, actor=actor)
    perspectives = dict(session.execute(select(m.Kpi.code, m.Kpi.perspective)).all())
    if scores.source == "snapshot":
        record = find_period_record(session, scores.period.code)
        stored = checked_snapshot(session, record) if record is not None else None
        snapshot = stored.content if stored is not None else {}
        kpis = snapshot.get("kpis", {})
        templates, names, shares = {}, {}, {}
        for key, template in snapshot.get("templates", {}).items():
            names[key] = (template.get("name_zh", ""), template.get("name_en", ""))
            shares[key] = (float_or_none(template.get("quantitative_share")), float_or_none(template.get("qualitative_share")))
            templates[key] = [
                KpiLine(item["code"], kpis.get(item["code"], {}).get("name_zh", item["code"]),
                        kpis.get(item["code"], {}).get("name_en", item["code"]), item.get("unit", "number"),
                        item.get("direction", "higher"), float_or_none(item.get("weight")), float_or_none(item.get("baseline")),
                        float_or_none(item.get("target")), float_or_none(item.get("challenge")), perspectives.get(item["code"]))
                for item in template.get("items", [])
            ]
        return ScoredPeriod(scores, templates, names, shares, snapshot,
                            record.finalized_at if record is not None else None)
    templates, names, shares = {}, {}, {}
    used = {(k, int(v)) for k, v in zip(scores.rows.column("template"), scores.rows.column("template_version"),
                                        strict=True)
            if isinstance(k, str) and int_or_none(v) is not None}
    for key, version in sorted(used):
        row = session.execute(select(m.Template).where(m.Template.key == key, m.Template.version == version)).scalar()
        if row is None:
            continue
        names[key] = (row.name_zh, row.name_en)
        shares[key] = (float_or_none(row.quantitative_share), float_or_none(row.qualitative_share))
        templates[key] = [
            KpiLine(item.kpi.code, item.kpi.name_zh, item.kpi.name_en, item.kpi.unit, item.kpi.direction,
                    float_or_none(item.weight), float_or_none(item.baseline), float_or_none(item.target), float_or_none(item.challenge),
                    item.kpi.perspective)
            for item in row.items
        ]
    return ScoredPeriod(scores, templates, names, shares, None)


# --- units on charts ---------------------------------------------------------------------------------


def display_scale(unit: str, values: Iterable[float | None], _: Translate) -> tuple[float, str]:
    """How to show stored values of ``unit`` on an axis: a divisor and the unit label (durations in
    seconds become minutes or hours, whichever reads better)."""
    if unit == "percent":
        return 1.0, "%"
    if unit == "permille":
        return 1.0, "‰"
    if unit == "duration":
        known = [abs(v) for v in values if v is not None]
        typical = statistics.median(known) if known else 0
        if typical >= 7200:
            return 3600.0, _("h")
        if typical >= 120:
            return 60.0, _("min")
        return 1.0, _("s")
    if unit == "hours":
        return 1.0, _("h")
    if unit == "currency":
        return 1.0, "¥"
    return 1.0, ""


def grade_bands(scale: GradeScale, lang: str) -> tuple[GradeBand, ...]:
    """The period's grade scale as chart bands, best first."""
    bands = []
    upper = None
    for band in scale.bands:
        label = scale.label(band.code, lang) or band.code
        lower = band.minimum if band.minimum is not None else 0.0
        bands.append(GradeBand(band.code, label, float(lower), upper))
        upper = float(lower)
    return tuple(bands)


# --- one employee --------------------------------------------------------------------------------------


def find_employee(session: Session, staff_no: str) -> m.Employee:
    employee = session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no.strip())).scalar()
    if employee is None:
        _ = translator()
        raise NotFound(_("No employee with staff number {staff_no}").format(staff_no=staff_no))
    return employee


def employee_history(
    session: Session, employee_id: int, scored: ScoredPeriod, *, lang: str | None = None,
    length: int = HISTORY_LENGTH,
) -> EmployeeHistory:
    """Totals of the finalized periods of the same kind up to this one (the last ``length``), with the
    department's median in each; the period itself from its scores while it is still open."""
    language = language_code(lang)
    scores = scored.scores
    period = scores.period
    records = session.execute(
        select(m.PeriodRecord).where(m.PeriodRecord.kind == period.kind.value, m.PeriodRecord.starts_on <= period.start)
        .order_by(m.PeriodRecord.starts_on.desc()).limit(length)
    ).scalars().all()
    records = list(reversed(records))
    tree = DepartmentTree.load(session)
    scale = scores.grade_scale
    points = []
    for record in records:
        row: Mapping[str, Any] | None
        if record.code == period.code and employee_id in scores.rows and not scored.finalized:
            row = scores.rows.row(employee_id)
            medians = scores.rows.once("department medians", lambda rows: department_medians(
                zip(rows.column("total"), rows.column("department_id"), strict=True), tree))
        else:
            finalized = finalized_rows(session, record) if record.status == PeriodStatus.FINALIZED else {}
            row = finalized.get(int(employee_id))
            if row is None:
                continue
            medians = finalized_once(session, record, "department medians", lambda rows: department_medians(
                ((r.get("total"), r.get("department_id")) for r in rows.values()), tree))
        total, code = float_or_none(row.get("total")), row.get("grade_code")
        label = _grade_label(scale, code, language)
        points.append(HistoryPoint(record.code, total, code if isinstance(code, str) else None, label,
                                   medians.get(tree.top(int_or_none(row.get("department_id"))))))
    name = scores.rows.row(employee_id)["name"] if employee_id in scores.rows else ""
    return EmployeeHistory(str(name), points, grade_bands(scale, language))


def department_medians(totals: Iterable[tuple[Any, Any]], tree: DepartmentTree) -> dict[int | None, float]:
    """The median total of each top-level department, from (total, department id) pairs; a department
    without any total has none."""
    by_department: dict[int | None, list[float]] = {}
    for total, department_id in totals:
        number = float_or_none(total)
        if number is not None:
            by_department.setdefault(tree.top(int_or_none(department_id)), []).append(number)
    return {department: statistics.median(numbers) for department, numbers in by_department.items()}


def finalized_once(session: Session, record: m.PeriodRecord, name: str,
                   work_out: Callable[[dict[int, dict[str, Any]]], T]) -> T:
    """A figure of a finalized period's rows (department medians, sizes) worked out once per session, as the
    rows are read once (:func:`finalized_rows`): each of 500 sheets asked it again, walking every row."""
    figures = session.info.setdefault("finalized_figures", {})
    if (record.id, name) not in figures:
        figures[record.id, name] = work_out(finalized_rows(session, record))
    return figures[record.id, name]


def _grade_label(scale: GradeScale, code: Any, lang: str) -> str | None:
    if not isinstance(code, str):
        return None
    try:
        return scale.label(code, lang)
    except KeyError:
        return code


def kpi_attainment(scored: ScoredPeriod, employee_id: Hashable, *, lang: str | None = None) -> KpiAttainment:
    """Each KPI of the employee's sheet: actual against baseline, target and challenge, in display units."""
    language = language_code(lang)
    _ = translator(lang)
    kpis = scored.scores.kpis(employee_id)
    rows = []
    for line in scored.lines(employee_id):
        item = kpis.get(line.code)
        if item is None:
            continue
        actual = item["value"]
        divisor, unit = display_scale(line.unit, [line.target, line.baseline, actual], _)

        def shown(value: float | None, divisor: float = divisor) -> float | None:
            return None if value is None else value / divisor

        rows.append(KpiAttainmentRow(line.name(language), shown(actual), shown(line.baseline), shown(line.target),
                                     shown(line.challenge), unit, line.direction))
    return KpiAttainment(str(scored.scores.rows.row(employee_id)["name"]), scored.scores.period.code, rows)


@dataclass(frozen=True)
class RatedCriterion:
    """One criterion of a qualitative form with each rater role's level(s) and comments."""

    title: str
    weight: float | None
    levels: dict[str, list[str]]  # role → level labels (several for peers)
    points: dict[str, float]  # role → mean position on the scale, 1 = lowest level
    comments: dict[str, list[str]]  # role → comments


@dataclass(frozen=True)
class QualitativeDetail:
    criteria: list[RatedCriterion]
    roles: list[str]  # rater roles that answered, in RATER_ORDER
    scale_labels: list[str]  # lowest level first
    texts: dict[str, dict[str, str]]  # role → section id → text (strengths, improvements, goals)


def qualitative_detail(session: Session, period: str, employee_id: int, *, lang: str | None = None) -> QualitativeDetail:
    """The submitted responses about one employee, criterion by criterion; peers stay anonymous (their
    levels and comments are listed without names), and anonymous peers of a form are left out until the
    form's minimum of peers have answered, as in the score: one or two answers could be told apart."""
    from kpidesk.services.forms.catalogue import stored_form
    from kpidesk.services.forms.responses import submitted_responses_about

    language = language_code(lang)
    responses = submitted_responses_about(session, period, employee_id)
    anonymous_count: dict[int, int] = {}
    for response in responses:
        if response.anonymous:
            anonymous_count[response.form_version_id] = anonymous_count.get(response.form_version_id, 0) + 1
    too_few = {version for version, count in anonymous_count.items()
               if count < stored_form(session, version).min_peers}
    responses = [r for r in responses if not (r.anonymous and r.form_version_id in too_few)]
    criteria: dict[tuple[int, str], RatedCriterion] = {}
    order: list[tuple[int, str]] = []
    roles: set[str] = set()
    texts: dict[str, dict[str, str]] = {}
    scale_labels: list[str] = []
    forms: dict[int, Any] = {}
    for response in responses:
        form = forms.get(response.form_version_id)
        if form is None:
            form = forms[response.form_version_id] = stored_form(session, response.form_version_id)
            if not scale_labels:
                scale_labels = [level.label.pick(language) for level in reversed(form.scale.levels)]
            for criterion in form.criteria:
                key = (response.form_version_id, criterion.id)
                order.append(key)
                criteria[key] = RatedCriterion(criterion.title.pick(language), float(criterion.weight), {}, {}, {})
        role = response.role
        roles.add(role)
        for criterion_id, level_id in response.levels.items():
            rated = criteria.get((response.form_version_id, criterion_id))
            if rated is None or not level_id:
                continue
            try:
                level = form.scale.level(level_id)
            except KeyError:
                continue
            rated.levels.setdefault(role, []).append(level.label.pick(language))
            position = len(form.scale.levels) - form.scale.rank(level_id)
            count = len(rated.levels[role])
            rated.points[role] = (rated.points.get(role, 0.0) * (count - 1) + position) / count
        for criterion_id, comment in response.comments.items():
            rated = criteria.get((response.form_version_id, criterion_id))
            if rated is not None and comment and comment.strip():
                rated.comments.setdefault(role, []).append(comment.strip())
        for section, text in (response.texts or {}).items():
            if text and text.strip():
                texts.setdefault(role, {})[section] = text.strip()
    return QualitativeDetail([criteria[k] for k in order], [r for r in RATER_ORDER if r in roles], scale_labels, texts)


def qualitative_radar(detail: QualitativeDetail, *, lang: str | None = None) -> RadarData:
    """Self against manager (and peers, HR when they rated) on each criterion, on the form's scale."""
    _ = translator(lang)
    series = [
        RadarSeries(_(RATER_NAMES[role]), [c.points.get(role) for c in detail.criteria], role)
        for role in detail.roles
    ]
    return RadarData([c.title for c in detail.criteria], series, float(len(detail.scale_labels) or 4),
                     detail.scale_labels)


# --- a department ------------------------------------------------------------------------------------


def _department_label(scored: ScoredPeriod, department: str | None, _: Translate) -> str:
    if department:
        return department
    names = {n for n in scored.scores.rows.column("department") if isinstance(n, str)}
    return next(iter(names)) if len(names) == 1 else _("All departments")


def grade_distribution(session: Session, scored: ScoredPeriod, department: str | None = None, *,
                       lang: str | None = None) -> GradeDistribution:
    """Employees per grade; the forced-distribution quotas as targets when the organisation set them."""
    from kpidesk.services.appraisal.calibration import forced_setting

    language = language_code(lang)
    counts = dict(Counter(code for code in scored.scores.rows.column("grade_code") if isinstance(code, str)))
    forced = forced_setting(session)
    targets = None if forced is None else {code: share / 100.0 for code, share in forced.quotas}
    return GradeDistribution(_department_label(scored, department, translator(lang)), scored.scores.period.code,
                             counts, grade_bands(scored.scores.grade_scale, language), targets)


def team_scores(scored: ScoredPeriod, department: str | None = None, *, lang: str | None = None) -> TeamScores:
    import pandas as pd

    _ = translator(lang)
    rows = scored.scores.rows
    teams = [t if isinstance(t, str) else (d if isinstance(d, str) else _("No team"))
             for t, d in zip(rows.column("team"), rows.column("department"), strict=True)]
    data = pd.DataFrame({"team": teams, "employee": rows.column("name"),
                         "score": [float_or_none(t) for t in rows.column("total")],
                         "grade_key": [c if isinstance(c, str) else None for c in rows.column("grade_code")]})
    return TeamScores(_department_label(scored, department, _), scored.scores.period.code, data,
                      grade_bands(scored.scores.grade_scale, language_code(lang)))


def ranking(scored: ScoredPeriod, department: str | None = None, *, lang: str | None = None) -> Ranking:
    language = language_code(lang)
    rows = scored.scores.rows
    departments = {d for d in rows.column("department") if isinstance(d, str)}
    rank_column = "rank_department" if department or len(departments) <= 1 else "rank_organisation"
    entries = []
    for row in map(rows.row, rows.employee_ids):
        total = float_or_none(row["total"])
        if total is None:
            continue
        code = row["grade_code"] if isinstance(row["grade_code"], str) else None
        entries.append(RankingEntry(int_or_none(row[rank_column]) or 0, str(row["name"]), total, code,
                                    _grade_label(scored.scores.grade_scale, code, language)))
    return Ranking(_department_label(scored, department, translator(lang)), scored.scores.period.code, entries)


def team_kpi_trend(session: Session, period: str | Period, kpi_code: str, *, department: str | None = None,
                   actor: Actor, lang: str | None = None,
                   length: int = HISTORY_LENGTH) -> TeamKpiTrend:
    """One KPI over the last ``length`` periods of the same kind, one line per employee."""
    import pandas as pd

    language = language_code(lang)
    _ = translator(lang)
    target = resolve_period(period)
    kpi = session.execute(select(m.Kpi).where(m.Kpi.code == kpi_code)).scalar()
    if kpi is None:
        raise NotFound(_("No KPI with code {code}").format(code=kpi_code))
    periods = [target]
    while len(periods) < length:
        periods.insert(0, periods[0].previous())
    rows: list[dict[str, Any]] = []
    levels: list[float | None] = []
    for current in periods:
        try:
            scored = load_scored_period(session, current, department=department, actor=actor)
        except NotFound:
            continue
        column = f"{kpi_code}.value"
        if column not in scored.scores.frame.columns:
            continue
        for _employee, row in scored.scores.frame.iterrows():
            value = float_or_none(row[column])
            if value is not None:
                rows.append({"period": current.code, "employee": str(row["name"]), "value": value})
        if current == target:
            levels = [line.target for lines in scored.templates.values() for line in lines if line.code == kpi_code]
    values = [r["value"] for r in rows]
    divisor, unit = display_scale(kpi.unit, values, _)
    frame = pd.DataFrame(rows, columns=["period", "employee", "value"])
    frame["value"] = frame["value"] / divisor
    goal = next((t for t in levels if t is not None), None)
    name = (kpi.name_zh or kpi.name_en) if language == "zh_CN" else (kpi.name_en or kpi.name_zh)
    return TeamKpiTrend(name, frame, unit, kpi.direction, None if goal is None else goal / divisor,
                        [p.code for p in periods])


def kpi_system(scored: ScoredPeriod, template_key: str, goal: str, *, lang: str | None = None) -> KpiSystem:
    """A template as a fishbone: one bone per balanced-scorecard perspective, its KPIs with weights."""
    language = language_code(lang)
    _ = translator(lang)
    bones: dict[str, list[KpiRib]] = {}
    for line in scored.templates.get(template_key, []):
        bones.setdefault(line.perspective or "", []).append(KpiRib(line.name(language), line.weight))
    ordered = [key for key in PERSPECTIVE_NAMES if key in bones] + [k for k in bones if k not in PERSPECTIVE_NAMES]
    return KpiSystem(goal, [
        KpiBone(_(PERSPECTIVE_NAMES[key]) if key in PERSPECTIVE_NAMES else (key or _("Other")), bones[key],
                sum(r.weight or 0 for r in bones[key]) or None, key)
        for key in ordered
    ])


# --- by name, for the command line and the GUI --------------------------------------------------------


CHART_KINDS = ("trend", "bullet", "radar", "distribution", "scores", "ranking", "team-trend", "fishbone")


def chart_data(
    session: Session, actor: Actor, kind: str, period: str, *, employee: str | None = None,
    department: str | None = None, kpi: str | None = None, lang: str | None = None,
) -> Any:
    """The data of chart ``kind`` (one of :data:`CHART_KINDS`) for an employee (staff number) or a
    department, checked against what ``actor`` may read."""
    _ = translator(lang)
    if kind not in CHART_KINDS:
        raise ValidationError(_("Unknown chart {kind}; choose one of {kinds}").format(
            kind=kind, kinds=", ".join(CHART_KINDS)))
    if kind in ("trend", "bullet", "radar"):
        if not employee:
            raise ValidationError(_("This chart is about one employee: give --employee STAFF_NO"))
        person = find_employee(session, employee)
        scored = load_scored_period(session, period, actor=actor)
        if person.id not in scored.scores.rows:
            raise NotFound(_("{name} ({staff_no}) has no appraisal in {period} that you may see").format(
                name=person.name, staff_no=person.staff_no, period=scored.scores.period.code))
        access.require_for_employee(session, actor, access.Permission.RESULTS_READ, person.id,
                                    department_id=int_or_none(scored.scores.rows.row(person.id)["department_id"]))
        if kind == "trend":
            return employee_history(session, person.id, scored, lang=lang)
        if kind == "bullet":
            return kpi_attainment(scored, person.id, lang=lang)
        return qualitative_radar(qualitative_detail(session, scored.scores.period.code, person.id, lang=lang),
                                 lang=lang)
    if kind == "team-trend":
        if not kpi:
            raise ValidationError(_("The team trend is about one KPI: give --kpi CODE"))
        return team_kpi_trend(session, period, kpi, department=department, actor=actor, lang=lang)
    scored = load_scored_period(session, period, department=department, actor=actor)
    if kind == "fishbone":
        return _fishbone(session, scored, employee, department, lang)
    if not scored.scores.rows:
        raise NotFound(_("Nobody to show in {period}").format(period=scored.scores.period.code))
    if kind == "distribution":
        return grade_distribution(session, scored, department, lang=lang)
    if kind == "scores":
        return team_scores(scored, department, lang=lang)
    return ranking(scored, department, lang=lang)


def _fishbone(session: Session, scored: ScoredPeriod, employee: str | None, department: str | None,
              lang: str | None) -> KpiSystem:
    _ = translator(lang)
    language = language_code(lang)
    rows = scored.scores.rows
    if employee:
        person = find_employee(session, employee)
        if person.id not in rows:
            raise NotFound(_("{name} ({staff_no}) has no appraisal in {period} that you may see").format(
                name=person.name, staff_no=person.staff_no, period=scored.scores.period.code))
        key = rows.row(person.id)["template"]
    else:
        keys = [k for k in rows.column("template") if isinstance(k, str)]
        if not keys:
            raise NotFound(_("Nobody to show in {period}").format(period=scored.scores.period.code))
        key = max(sorted(set(keys)), key=keys.count)  # the template most of them are appraised on
    zh, en = scored.template_names.get(key, (key, key))
    template_name = (zh or en) if language == "zh_CN" else (en or zh)
    unit = department or _department_label(scored, None, _)
    return kpi_system(scored, key, f"{unit}\n{template_name}", lang=lang)


def chart_bytes(kind: str, data: Any, suffix: str, *, lang: str | None = None) -> bytes:
    """Render chart ``kind`` to PNG or SVG bytes."""
    from kpidesk.charts.pool import draw_chart
    from kpidesk.charts.render import figure_to_png, figure_to_svg

    fig = draw_chart(kind, data, lang=lang)
    if suffix == ".svg":
        return figure_to_svg(fig)
    if suffix == ".png":
        return figure_to_png(fig)
    _ = translator(lang)
    raise ValidationError(_("Charts are written as .png or .svg, not {suffix}").format(suffix=suffix or "?"))
