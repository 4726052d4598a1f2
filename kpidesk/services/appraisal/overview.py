"""Where a period stands: data and forms still missing, results, grades, movers and streaks.

The Overview page shows this and links each missing item to the page that fixes it, so the figures are
worked out here once (plain dataclasses, no Qt) and the page only lays them out. The ``page`` of a missing
item is a page key of the desktop app's registry; other front ends may ignore it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import RaterRole
from kpidesk.domain.numbers import float_or_none
from kpidesk.domain.statuses import PeriodStatus, ResponseStatus
from kpidesk.i18n import N_, _, pick
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.lookups import find_period_record
from kpidesk.services.appraisal.scoring import PeriodScores, flag_label, period_scores, resolve_period
from kpidesk.store import models as m

#: KPI statuses that mean someone still has to enter (or import) data.
MISSING_STATUSES = ("missing", "not_computable")
STREAK_FLAGS = ("reward_streak", "improvement_plan", "dismissal_review")
#: Raters whose form is expected from a known person (peers are optional and may stay anonymous).
EXPECTED_ROLES = (RaterRole.SELF, RaterRole.MANAGER, RaterRole.HR)
ROLE_NAMES = {"self": N_("Self-assessments"), "manager": N_("Manager"), "hr": N_("HR"), "peer": N_("Peer")}


@dataclass(frozen=True)
class EmployeeProgress:
    employee_id: int
    staff_no: str
    name: str
    team: str | None
    kpis_expected: int
    kpis_with_data: int
    missing_kpis: tuple[str, ...]  # KPI names in the reader's language
    has_template: bool
    total: float | None

    @property
    def data_complete(self) -> bool:
        return self.has_template and not self.missing_kpis


@dataclass(frozen=True)
class RaterProgress:
    """One rater's forms in the period (all self-assessments share one line)."""

    label: str
    role: str
    rater_id: int | None
    expected: int
    submitted: int
    drafts: int
    pending: tuple[tuple[int, str], ...]  # (employee id, name) still waiting for this rater


@dataclass(frozen=True)
class GradeCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Mover:
    employee_id: int
    staff_no: str
    name: str
    previous_total: float
    total: float
    previous_grade: str | None
    grade: str | None

    @property
    def change(self) -> float:
        return self.total - self.previous_total


@dataclass(frozen=True)
class StreakItem:
    employee_id: int
    staff_no: str
    name: str
    flag: str
    label: str


@dataclass(frozen=True)
class MissingItem:
    kind: str  # template | data | form | result | appeal | signoff
    page: str  # the registry key of the page that fixes it
    text: str
    employee_id: int | None = None


@dataclass
class PeriodOverview:
    period: str
    status: PeriodStatus
    finalized_at: datetime | None
    employees: list[EmployeeProgress]
    raters: list[RaterProgress]
    grades: list[GradeCount]
    movers: list[Mover]
    previous_period: str | None
    streaks: list[StreakItem]
    missing: list[MissingItem] = field(default_factory=list)
    unanswered_appeals: int = 0
    unsigned_sheets: int = 0

    @property
    def appraisees(self) -> int:
        return len(self.employees)

    @property
    def data_complete(self) -> int:
        return sum(1 for e in self.employees if e.data_complete)

    @property
    def forms_expected(self) -> int:
        return sum(r.expected for r in self.raters)

    @property
    def forms_submitted(self) -> int:
        return sum(r.submitted for r in self.raters)

    @property
    def with_result(self) -> int:
        return sum(1 for e in self.employees if e.total is not None)

    @property
    def finalized(self) -> bool:
        return self.status == PeriodStatus.FINALIZED


def kpi_names(session: Session) -> dict[str, str]:
    """KPI code → name in the reader's language."""
    return {code: pick(zh, en) for code, zh, en in session.execute(select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en))}


def employee_progress(scores: PeriodScores, names: dict[str, str]) -> list[EmployeeProgress]:
    rows = scores.rows  # read a column at a time: a row of a 5,000-person frame at a time took a quarter second
    statuses = [rows.column(f"{code}.status") for code in scores.kpi_codes]
    out = []
    for index, (employee_id, staff_no, name, team, flags, total) in enumerate(zip(
            rows.employee_ids, rows.column("staff_no"), rows.column("name"), rows.column("team"),
            rows.column("flags"), rows.column("total"), strict=True)):
        expected = with_data = 0
        missing = []
        for code, column in zip(scores.kpi_codes, statuses, strict=True):
            status = column[index]
            if not isinstance(status, str) or status == "not_due":
                continue
            expected += 1
            if status in MISSING_STATUSES:
                missing.append(names.get(code, code))
            else:
                with_data += 1
        out.append(EmployeeProgress(employee_id, str(staff_no), str(name), team if isinstance(team, str) else None,
                                    expected, with_data, tuple(missing), "no_template" not in tuple(flags or ()),
                                    float_or_none(total)))
    return out


def rater_progress(session: Session, record: m.PeriodRecord, employee_ids: set[int]) -> list[RaterProgress]:
    """Expected forms (self, manager, HR for every form on each appraisee's template) against responses."""
    from kpidesk.domain.forms import form_from_dict

    people = {e.id: e for e in session.execute(select(m.Employee).where(m.Employee.id.in_(employee_ids))).scalars()}
    appraisals = session.execute(select(m.Appraisal.employee_id, m.Appraisal.template_id).where(
        m.Appraisal.period_id == record.id, m.Appraisal.employee_id.in_(employee_ids))).all()
    template_ids = {t for _e, t in appraisals if t is not None}
    forms_of: dict[int, list[int]] = defaultdict(list)
    for template_id, version_id in session.execute(select(m.TemplateForm.template_id, m.TemplateForm.form_version_id)
                                                   .where(m.TemplateForm.template_id.in_(template_ids))):
        forms_of[template_id].append(version_id)
    template_weights: dict[int, dict[str, Any] | None] = dict(session.execute(select(m.Template.id, m.Template.rater_weights).where(
        m.Template.id.in_(template_ids))).all())
    forms = {
        v.id: form_from_dict(v.content)
        for v in session.execute(select(m.FormVersion).where(
            m.FormVersion.id.in_({v for vs in forms_of.values() for v in vs}))).scalars()
    }

    def expected_roles(template_id: int, version_id: int) -> list[RaterRole]:
        """Roles that count towards the score (weight above 0: the template's weights, else the form's)."""
        form = forms.get(version_id)
        if form is None:
            return []
        weights = template_weights.get(template_id) or {}
        return [role for role in form.raters if role in EXPECTED_ROLES
                and float(weights.get(role.value, form.rater_weights.get(role, 0)) or 0) > 0]

    status: dict[tuple[int, int, str], str] = {}
    for employee_id, version_id, role, state in session.execute(
        select(m.FormResponse.employee_id, m.FormResponse.form_version_id, m.FormResponse.rater_role,
               m.FormResponse.status).where(m.FormResponse.period_id == record.id)
    ):
        key = (employee_id, version_id, role)
        if status.get(key) != ResponseStatus.SUBMITTED:
            status[key] = state

    groups: dict[tuple[str, int | None], dict] = {}
    for employee_id, appraised_with in appraisals:
        person = people.get(employee_id)
        if person is None or appraised_with is None:
            continue
        for version_id in forms_of.get(appraised_with, []):
            for role in expected_roles(appraised_with, version_id):
                rater_id = person.manager_id if role is RaterRole.MANAGER else None
                group = groups.setdefault((role.value, rater_id),
                                          {"expected": 0, "submitted": 0, "drafts": 0, "pending": {}})
                group["expected"] += 1
                answered = status.get((employee_id, version_id, role.value))
                if answered == ResponseStatus.SUBMITTED:
                    group["submitted"] += 1
                else:
                    group["drafts"] += answered == ResponseStatus.DRAFT
                    group["pending"][employee_id] = person.name
    manager_names = dict(session.execute(select(m.Employee.id, m.Employee.name).where(
        m.Employee.id.in_({r for _role, r in groups if r is not None}))).all()) if groups else {}
    out = []
    for (role, rater_id), g in groups.items():
        if role == "manager":
            label = manager_names.get(rater_id) if rater_id else _("Manager not set")
        else:
            label = _(ROLE_NAMES[role])
        out.append(RaterProgress(label or "", role, rater_id, g["expected"], g["submitted"], g["drafts"],
                                 tuple(g["pending"].items())))
    order = {"manager": 0, "self": 1, "hr": 2}
    return sorted(out, key=lambda r: (order.get(r.role, 9), r.label))


def grade_counts(scores: PeriodScores) -> list[GradeCount]:
    counts = Counter(scores.rows.column("grade_code"))
    return [GradeCount(code, scores.grade_scale.label(code) or code, counts.get(code, 0))
            for code in scores.grade_scale.codes]


def movers(scores: PeriodScores, previous: PeriodScores | None, limit: int = 5) -> list[Mover]:
    """The largest changes of total against the previous period, biggest first."""
    if previous is None:
        return []
    rows, before = scores.rows, previous.rows
    out = []
    for employee_id, staff_no, name, total, grade in zip(
            rows.employee_ids, rows.column("staff_no"), rows.column("name"), rows.column("total"),
            rows.column("grade"), strict=True):
        now = float_or_none(total)
        if now is None or employee_id not in before:
            continue
        earlier = before.row(employee_id)
        old = float_or_none(earlier["total"])
        if old is None:
            continue
        out.append(Mover(employee_id, str(staff_no), str(name), old, now, earlier["grade"], grade))
    out.sort(key=lambda mv: (-abs(mv.change), mv.staff_no))
    return [mv for mv in out if abs(mv.change) >= 0.005][:limit]


def streaks(scores: PeriodScores) -> list[StreakItem]:
    rows = scores.rows
    return [StreakItem(employee_id, str(staff_no), str(name), flag, flag_label(flag))
            for employee_id, staff_no, name, flags in zip(rows.employee_ids, rows.column("staff_no"),
                                                          rows.column("name"), rows.column("flags"), strict=True)
            for flag in flags or () if flag in STREAK_FLAGS]


def _previous_scores(session: Session, scores: PeriodScores, actor: Actor) -> PeriodScores | None:
    previous = scores.period.previous()
    if find_period_record(session, previous.code) is None:
        return None
    try:
        return period_scores(session, previous, actor=actor)
    except Exception:  # a previous period that cannot be computed only means no movers are shown
        return None


def period_overview(session: Session, period: str, actor: Actor) -> PeriodOverview:
    """Everything the Overview page shows for ``period``, limited to what ``actor`` may read."""
    from kpidesk.services.appraisal import periods, signoffs

    target = resolve_period(period)
    scores = period_scores(session, target, actor=actor)
    names = kpi_names(session)
    employees = employee_progress(scores, names)
    record = find_period_record(session, target.code)
    ids = {e.employee_id for e in employees}
    raters = rater_progress(session, record, ids) if record is not None else []
    previous = _previous_scores(session, scores, actor)
    overview = PeriodOverview(
        period=target.code, status=scores.status, finalized_at=record.finalized_at if record else None,
        employees=employees, raters=raters, grades=grade_counts(scores), movers=movers(scores, previous),
        previous_period=previous.period.code if previous is not None else None, streaks=streaks(scores),
    )
    if record is not None:
        responses = periods.list_responses(session, target.code, actor)
        overview.unanswered_appeals = sum(1 for r in responses if r["kind"] == "appeal" and not r["answer"])
        if record.status == PeriodStatus.FINALIZED:
            signed = signoffs.signed_roles(signoffs.list_signoffs(session, actor, target.code))
            overview.unsigned_sheets = sum(1 for e in employees if e.total is not None
                                           and len(signed.get(e.employee_id, ())) < len(signoffs.ROLES))
    overview.missing = missing_items(overview)
    return overview


def missing_items(overview: PeriodOverview) -> list[MissingItem]:
    """What still stands between the period and finalized, signed sheets — each with the page that fixes it."""
    items: list[MissingItem] = []
    if not overview.finalized:
        for e in overview.employees:
            if not e.has_template:
                items.append(MissingItem("template", "templates", _("{name} has no appraisal template").format(
                    name=e.name), e.employee_id))
            elif e.missing_kpis:
                items.append(MissingItem("data", "data_entry", _("{name}: no data for {kpis}").format(
                    name=e.name, kpis=", ".join(e.missing_kpis)), e.employee_id))
        for r in overview.raters:
            if r.pending:
                names = ", ".join(name for _id, name in r.pending[:6]) + ("…" if len(r.pending) > 6 else "")
                items.append(MissingItem("form", "forms", _("{rater}: {count} form(s) not submitted ({names})").format(
                    rater=r.label, count=len(r.pending), names=names), r.pending[0][0]))
        for e in overview.employees:
            if e.has_template and e.total is None:
                items.append(MissingItem("result", "results", _("{name} has no result yet").format(name=e.name),
                                         e.employee_id))
    if overview.unanswered_appeals:
        items.append(MissingItem("appeal", "results", _("{count} appeal(s) not answered").format(
            count=overview.unanswered_appeals)))
    if overview.finalized and overview.unsigned_sheets:
        items.append(MissingItem("signoff", "results#signoffs", _("{count} sheet(s) not fully signed").format(
            count=overview.unsigned_sheets)))
    return items
