"""Calibration (校准): is the period's grade distribution plausible, and are the raters consistent?

Before finalizing, the manager compares the grades with the target curve, looks at each rater's average and
spread (a lenient rater lifts everyone they rate), checks where self and manager ratings are far apart, and
may apply a forced distribution. Forced distribution is an organisation setting (it applies to every period
computed afterwards until it is cleared), so applying it is audited and needs the settings permission.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import Form, RaterRole, form_from_dict, rater_score
from kpidesk.domain.grades import DEFAULT_SCALE, ForcedDistribution, GradeScale, forced_grades
from kpidesk.domain.numbers import float_or_none, int_or_none
from kpidesk.domain.scoring import Flag
from kpidesk.domain.statuses import ResponseStatus
from kpidesk.i18n import N_, _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import PeriodScores
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.period_lock import ensure_writable, period_record
from kpidesk.services.safety.settings import load_settings, update_settings
from kpidesk.store import models as m

#: The curve shown when the organisation has not set one: a few excellent, most good or fair, a few poor.
DEFAULT_CURVE = (("excellent", 20.0), ("good", 40.0), ("fair", 30.0), ("poor", 10.0))
ANONYMOUS_PEERS = N_("Anonymous peers")
INSUFFICIENT = str(Flag.INSUFFICIENT_DATA)
ROLE_LABELS = {"self": N_("Self"), "manager": N_("Manager"), "peer": N_("Peer"), "hr": N_("HR")}


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


# --- distribution ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionRow:
    code: str
    label: str
    count: int
    share: float  # 0–100 of the people with a grade
    target: float | None  # 0–100, None when there is no curve for this grade
    expected: float | None  # target × people


def forced_setting(session: Session) -> ForcedDistribution | None:
    return load_settings(session).forced_distribution


def target_curve(session: Session, scale: GradeScale) -> tuple[tuple[str, float], ...]:
    """The organisation's forced-distribution quotas, else the default curve (equal shares for an own scale)."""
    forced = forced_setting(session)
    if forced is not None:
        return forced.quotas
    if scale.codes == DEFAULT_SCALE.codes:
        return DEFAULT_CURVE
    share = round(100.0 / len(scale.codes), 4)
    quotas = [(code, share) for code in scale.codes]
    quotas[-1] = (scale.codes[-1], round(100.0 - share * (len(scale.codes) - 1), 4))
    return tuple(quotas)


def distribution(scores: PeriodScores, curve: Sequence[tuple[str, float]]) -> list[DistributionRow]:
    counts = scores.frame["grade_code"].value_counts()
    graded = int(counts.sum())
    targets = dict(curve)
    rows = []
    for code in scores.grade_scale.codes:
        count = int(counts.get(code, 0))
        target = targets.get(code)
        rows.append(DistributionRow(code, scores.grade_scale.label(code) or code, count,
                                    100.0 * count / graded if graded else 0.0, target,
                                    None if target is None else graded * target / 100.0))
    return rows


# --- forced distribution ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeMove:
    employee_id: int
    staff_no: str
    name: str
    department: str | None
    total: float
    rank: int | None
    by_score: str | None  # grade label from the total alone
    current: str | None  # grade label shown now
    forced: str | None  # grade label under the proposed distribution
    coverage: float | None = None  # 0–1 share of the template the total rests on (None: not recorded)

    @property
    def moved(self) -> bool:
        return self.forced != self.current


def preview_forced(scores: PeriodScores, quotas: Sequence[tuple[str, float]], scope: str = "department") -> list[GradeMove]:
    """Who would get which grade under ``quotas``: every person whose forced grade differs from the grade
    by score or from the grade shown now, best total first."""
    plan = ForcedDistribution(tuple((str(c), float(q)) for c, q in quotas), scope)
    frame = scores.frame
    totals = frame["total"].to_numpy(dtype=float)
    # a result resting on too little data takes no grade and no place under the quotas, as in scoring
    ungraded = np.array([INSUFFICIENT in (flags or ()) for flags in frame["flags"]], dtype=bool)
    departments = frame["department"].astype(str).to_numpy()
    forced = forced_grades(plan, np.where(ungraded, np.nan, totals), departments)
    scale = scores.grade_scale
    out = []
    for (employee_id, row), new in zip(frame.iterrows(), forced, strict=True):
        total = float(row["total"])
        if math.isnan(total) or INSUFFICIENT in (row["flags"] or ()):
            continue
        if new == row["grade_computed"] and new == row["grade_code"]:
            continue
        rank = row["rank_department"]
        out.append(GradeMove(int(employee_id), str(row["staff_no"]), str(row["name"]), row["department"], total,
                             int_or_none(rank),
                             scale.label(row["grade_computed"]), scale.label(row["grade_code"]),
                             scale.label(new), float_or_none(row.get("coverage"))))
    return sorted(out, key=lambda mv: (-mv.total, mv.staff_no))


def apply_forced(session: Session, actor: Actor, period: str, quotas: Sequence[tuple[str, float]],
                 scope: str = "department") -> None:
    """Store the quotas as the organisation's forced distribution (audited); ``period`` must be writable."""
    require(actor, Permission.SETTINGS_WRITE)
    ensure_writable(period_record(session, period))
    plan = ForcedDistribution(tuple((str(c), float(q)) for c, q in quotas), scope)
    update_settings(session, actor, forced_distribution=plan)


def clear_forced(session: Session, actor: Actor, period: str) -> None:
    """Grades follow the totals again."""
    require(actor, Permission.SETTINGS_WRITE)
    ensure_writable(period_record(session, period))
    update_settings(session, actor, forced_distribution=None)


# --- raters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaterStats:
    """One rater's submitted ratings in the period: how generous (mean against their role's mean) and how
    differentiating (spread) they are. Scores are on the forms' points scale."""

    label: str
    role: str
    rater_id: int | None
    responses: int
    mean: float
    spread: float  # standard deviation across the people they rated (0 with one response)
    lowest: float
    highest: float
    leniency: float  # mean minus the mean of all raters of the same role


def _submitted(session: Session, record: m.PeriodRecord, employee_ids: set[int] | None):
    query = (select(m.FormResponse).where(m.FormResponse.period_id == record.id,
                                          m.FormResponse.status == ResponseStatus.SUBMITTED).order_by(m.FormResponse.id))
    if employee_ids is not None:
        query = query.where(m.FormResponse.employee_id.in_(employee_ids))
    return list(session.execute(query).scalars())


def rater_statistics(session: Session, period: str, employee_ids: set[int] | None = None) -> list[RaterStats]:
    """Per rater (self-assessments together, anonymous peers together), the scores they gave."""
    record = period_record(session, period)
    forms: dict[int, Form] = {}
    scores: dict[tuple[str, int | None], list[float]] = defaultdict(list)
    for response in _submitted(session, record, employee_ids):
        form = forms.get(response.form_version_id)
        if form is None:
            form = forms[response.form_version_id] = form_from_dict(response.form_version.content)
        value = rater_score(form, {r.criterion_key: r.level_key for r in response.ratings if r.level_key})
        if value is None:
            continue
        role = response.rater_role
        rater = None if response.anonymous or role == RaterRole.SELF else response.rater_id
        scores[(role, rater)].append(float(value))
    names = dict(session.execute(select(m.Employee.id, m.Employee.name).where(
        m.Employee.id.in_({r for _role, r in scores if r is not None}))).all()) if scores else {}
    by_role: dict[str, list[float]] = defaultdict(list)
    for (role, _rater), values in scores.items():
        by_role[role].extend(values)
    role_means = {role: statistics.fmean(values) for role, values in by_role.items()}
    out = []
    for (role, rater), values in scores.items():
        if role == RaterRole.SELF:
            label = _("Self-assessments")
        elif rater is None:
            label = _(ANONYMOUS_PEERS) if role == RaterRole.PEER else role_label(role)
        else:
            label = f"{names.get(rater, '?')} ({role_label(role)})"
        mean = statistics.fmean(values)
        out.append(RaterStats(label, role, rater, len(values), round(mean, 2),
                              round(statistics.pstdev(values), 2) if len(values) > 1 else 0.0,
                              round(min(values), 2), round(max(values), 2), round(mean - role_means[role], 2)))
    order = {"manager": 0, "hr": 1, "peer": 2, "self": 3}
    return sorted(out, key=lambda s: (order.get(s.role, 9), -s.mean, s.label))


@dataclass(frozen=True)
class RatingGap:
    """Self against manager on one form: the score gap and the criteria two or more levels apart."""

    employee_id: int
    staff_no: str
    name: str
    form: str
    self_score: float
    manager_score: float
    criteria_apart: int

    @property
    def gap(self) -> float:
        return round(self.self_score - self.manager_score, 2)


def self_manager_gaps(session: Session, period: str, employee_ids: set[int] | None = None) -> list[RatingGap]:
    """Everyone with both a self-assessment and a manager rating, largest gap first."""
    from kpidesk.i18n import pick
    from kpidesk.services.forms.scores import organisation_form_scores

    period_record(session, period)
    # plain rows: loading every employee as an ORM object took a 5,000-person office's Results 40 ms
    people = {e.id: e for e in session.execute(select(m.Employee.id, m.Employee.staff_no, m.Employee.name))}
    titles = {v.id: pick(v.title_zh, v.title_en)
              for v in session.execute(select(m.FormVersion.id, m.FormVersion.title_zh, m.FormVersion.title_en))}
    out = []
    for employee_id, items in organisation_form_scores(session, period, employee_ids).items():
        person = people.get(employee_id)
        if person is None:
            continue
        for item in items:
            try:
                own, manager = item.score.role(RaterRole.SELF), item.score.role(RaterRole.MANAGER)
            except KeyError:
                continue
            if own.score is None or manager.score is None:
                continue
            out.append(RatingGap(employee_id, person.staff_no, person.name, titles.get(item.form_version_id, item.form_key),
                                 float(own.score), float(manager.score), len(item.score.disagreements)))
    return sorted(out, key=lambda g: (-abs(g.gap), -g.criteria_apart, g.staff_no))
