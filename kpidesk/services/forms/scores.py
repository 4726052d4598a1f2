"""The form scores of a period: each employee's forms scored from the submitted responses (drafts never
count), combined by rater weights and the shares the employee's template gives each form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain.forms import FormScore, RaterResponse, RaterRole, combine_raters
from kpidesk.domain.statuses import ResponseStatus
from kpidesk.services.actor import Actor, Role
from kpidesk.services.forms.catalogue import FormCache
from kpidesk.services.safety.access import Permission, department_scope, own_employee_scope, results_scope
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m


@dataclass(frozen=True)
class EmployeeFormScore:
    """One form's combined score for one employee, without any rater's name."""

    employee_id: int
    form_key: str
    form_version: int
    form_version_id: int
    share: Decimal
    score: FormScore


def templates_for(session: Session, record: m.PeriodRecord, employees: Iterable[Any]) -> dict[int, m.Template | None]:
    """Each employee's template in the period: the one recorded on their appraisal, else their position's
    current one (``employees``: anything with ``id`` and ``position_id``). Loaded in a few queries: one query per person would make a 500-person period ask a
    thousand times, and each small query hands the interpreter lock around, starving the window."""
    employees = list(employees)
    chosen = dict(session.execute(
        select(m.Appraisal.employee_id, m.Appraisal.template_id).where(
            m.Appraisal.period_id == record.id, m.Appraisal.employee_id.in_([e.id for e in employees]),
            m.Appraisal.template_id.is_not(None))
    ).all())
    by_id: dict[int | None, m.Template] = {t.id: t for t in session.execute(
        select(m.Template).where(m.Template.id.in_(set(chosen.values()))).options(selectinload(m.Template.forms))
    ).scalars()}
    positions = {e.position_id for e in employees if e.id not in chosen and e.position_id is not None}
    current: dict[int | None, m.Template] = {}
    for template in session.execute(
        select(m.Template).where(m.Template.position_id.in_(positions), m.Template.is_current.is_(True))
        .order_by(m.Template.version.desc()).options(selectinload(m.Template.forms))
    ).scalars():
        current.setdefault(template.position_id, template)
    return {
        e.id: by_id.get(chosen[e.id]) if e.id in chosen else current.get(e.position_id)
        for e in employees
    }


def form_scores(
    session: Session, period: str, employee_ids: Iterable[int] | None = None, *, actor: Actor
) -> dict[int, list[EmployeeFormScore]]:
    """:func:`organisation_form_scores` of the people whose results ``actor`` may read."""
    wanted = None if employee_ids is None else set(employee_ids)
    readable = results_scope(session, actor, period_record(session, period))
    if readable is not None:
        wanted = set(readable) if wanted is None else wanted & readable
    return organisation_form_scores(session, period, wanted)


def organisation_form_scores(
    session: Session, period: str, employee_ids: Iterable[int] | None = None
) -> dict[int, list[EmployeeFormScore]]:
    """Per employee, unrestricted (for scoring and checks over the whole organisation), each form of their template scored from the submitted responses (drafts never count).

    Without ``employee_ids``: everyone appraised in the period, on a current template, or rated in it.

    The forms and shares come from the employee's template in the period; an employee whose template
    has no forms is scored on the forms they were rated on, in equal shares. Rater weights are the
    template's when it sets them, else the form's own.
    """
    record = period_record(session, period)
    wanted = None if employee_ids is None else set(employee_ids)
    read = session.info.get(_READ_KEY)  # within ``reusing_form_scores``: record id → (people asked for, scores)
    kept = None if read is None else read.get(record.id)
    if wanted is not None and kept is not None and wanted <= kept[0]:
        return {employee_id: items for employee_id, items in kept[1].items() if employee_id in wanted}
    scores = _scored(session, record, wanted)
    if read is not None and wanted is not None:
        read[record.id] = (wanted, scores)
    return dict(scores)


#: ``session.info`` key of the form scores already worked out inside ``reusing_form_scores``.
_READ_KEY = "kpidesk.form_scores"


@contextmanager
def reusing_form_scores(session: Session) -> Iterator[None]:
    """Within: reading that writes nothing asks for a period's form scores more than once (the results read
    them for the qualitative scores, then for the self/manager gaps, 90 ms each for 5,000 people), so they
    are worked out once and handed out again, for the same people or fewer."""
    session.info[_READ_KEY] = {}
    try:
        yield
    finally:
        session.info.pop(_READ_KEY, None)


def _scored(session: Session, record: m.PeriodRecord, wanted: set[int] | None) -> dict[int, list[EmployeeFormScore]]:
    forms = FormCache(session)
    query = (
        select(m.FormResponse)
        .where(m.FormResponse.period_id == record.id, m.FormResponse.status == ResponseStatus.SUBMITTED)
        .order_by(m.FormResponse.id)
        .options(selectinload(m.FormResponse.ratings))
    )
    if wanted is not None:
        query = query.where(m.FormResponse.employee_id.in_(wanted))
    answers: dict[tuple[int, int], list[RaterResponse]] = {}
    for response in session.execute(query).scalars():
        answers.setdefault((response.employee_id, response.form_version_id), []).append(
            RaterResponse(
                RaterRole(response.rater_role),
                {r.criterion_key: r.level_key for r in response.ratings if r.level_key},
            )
        )
    if wanted is None:
        appraised = select(m.Appraisal.employee_id).where(m.Appraisal.period_id == record.id)
        templated = (
            select(m.Employee.id)
            .join(m.Template, m.Template.position_id == m.Employee.position_id)
            .where(m.Employee.active.is_(True), m.Template.is_current.is_(True))
        )
        responding = select(m.FormResponse.employee_id).where(m.FormResponse.period_id == record.id)
        wanted = {employee_id for employee_id, _v in answers}
        for ids_query in (appraised, templated, responding):
            wanted |= set(session.execute(ids_query).scalars())
    results: dict[int, list[EmployeeFormScore]] = {}
    employees = session.execute(  # the two columns needed, not 5,000 ORM objects
        select(m.Employee.id, m.Employee.position_id).where(m.Employee.id.in_(wanted))).all()
    templates = templates_for(session, record, employees)
    # A form nobody answered scores the same for everyone with the same rater weights: worked out once,
    # not once for each of thousands of people whose forms are still empty.
    unanswered: dict[tuple[int, int | None], FormScore] = {}
    for employee_id in sorted(templates):
        template = templates[employee_id]
        attached = [(tf.form_version_id, tf.share) for tf in template.forms] if template else []
        if not attached:
            answered = sorted({v for e, v in answers if e == employee_id})
            attached = [(v, Decimal(100) / len(answered)) for v in answered] if answered else []
        weights = template.rater_weights if template is not None and template.rater_weights else None
        scored = []
        for form_version_id, share in attached:
            form = forms(form_version_id)
            given = answers.get((employee_id, form_version_id))
            if given:
                combined = combine_raters(form, given, weights)
            else:
                same = (form_version_id, template.id if weights is not None and template is not None else None)
                if same not in unanswered:
                    unanswered[same] = combine_raters(form, [], weights)
                combined = unanswered[same]
            scored.append(
                EmployeeFormScore(
                    employee_id, form.id, form.version, form_version_id, Decimal(share), combined
                )
            )
        results[employee_id] = scored
    return results


def qualitative_scores(
    session: Session, period: str, employee_ids: Iterable[int] | None = None, *, actor: Actor
) -> dict[int, Decimal | None]:
    """Each employee's qualitative score: the forms' scores weighted by their shares on the template.

    A form nobody answered is left out and the other shares re-normalised; None when no form has a score.
    The scoring engine combines the same domain functions itself; this is the figure forms pages show.
    """
    results: dict[int, Decimal | None] = {}
    for employee_id, items in form_scores(session, period, employee_ids, actor=actor).items():
        scored = [item for item in items if item.score.score is not None and item.share > 0]
        total = sum((item.share for item in scored), Decimal(0))
        value = sum((item.share * (item.score.score or Decimal(0)) for item in scored), Decimal(0)) / total if total else None
        results[employee_id] = None if value is None else value.quantize(Decimal("0.0001"))
    return results


def form_score_rows(session: Session, period: str, actor: Actor) -> list[dict[str, Any]]:
    """Plain rows for lists and the command line: one per employee and form, raters only by role.

    Only the employees ``actor`` may read (a head's departments; an employee login never
    sees qualitative detail before the period is finalized, and then only their own).
    """
    record = period_record(session, period)
    people = {e.id: e for e in session.execute(select(m.Employee)).scalars()}
    scope = department_scope(actor, Permission.RESULTS_READ)
    own = own_employee_scope(actor)
    rows = []
    for employee_id, items in organisation_form_scores(session, record.code).items():
        employee = people[employee_id]
        if actor.role is Role.EMPLOYEE:
            if employee_id != own or not record.is_finalized:
                continue
        elif scope is not None and employee.department_id not in scope:
            continue
        for item in items:
            score = item.score
            rows.append(
                {
                    "staff_no": employee.staff_no,
                    "name": employee.name,
                    "form": item.form_key,
                    "version": item.form_version,
                    "share": float(item.share),
                    "score": None if score.score is None else float(score.score),
                    "roles": {
                        r.role.value: None if r.score is None else float(r.score)
                        for r in score.roles
                        if r.raters
                    },
                    "left_out": [f"{r.role.value}:{r.reason}" for r in score.excluded],
                    "disagreements": [d.criterion_id for d in score.disagreements],
                }
            )
    return sorted(rows, key=lambda row: (row["staff_no"], row["form"], row["version"]))
