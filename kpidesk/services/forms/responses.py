"""Raters' responses to the pinned forms: drafts, submissions, reopening, and who may read them.

Peers may answer anonymously: results, listings and the audit trail show them only as "anonymous peer".
An anonymous draft still knows its rater (so they can come back to it); submitting it writes a new answer
with a random id, no rater and no time, deletes the draft, and notes in ``AnsweredRater`` only that the
rater has answered. From then on nothing in the database says whose answer it is, so it is final.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import Form, RaterRole, check_response
from kpidesk.domain.statuses import ResponseStatus
from kpidesk.domain.text_rules import check_text
from kpidesk.errors import NotFound, PermissionDenied, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor, Role
from kpidesk.services.forms.anonymity import (
    ANONYMOUS_PEER,
    audit_view,
    final_error,
    has_answered,
    is_final,
    random_ids,
    submit_anonymously,
)
from kpidesk.services.forms.catalogue import role_label, stored_form
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import (
    Permission,
    department_scope,
    own_employee_scope,
    require_for_employee,
)
from kpidesk.services.safety.period_lock import ensure_writable, period_record
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

# --- raters and permissions ------------------------------------------------------------------------


#: The rater rule a role missing from the form breaks; reported on the role, not on the rater.
ROLE_NOT_ON_FORM = "role_not_on_form"


@dataclass(frozen=True)
class RaterProblem:
    """One rater rule broken; ``code`` names the rule (``role_not_on_form``, ``self_rater``, ``rates_self``)."""

    code: str
    message: str


@dataclass(frozen=True)
class RaterCheck:
    """Who a rating is from once the rules are applied, and the rules it breaks (in that order)."""

    rater_id: int | None
    problems: tuple[RaterProblem, ...] = ()


def validate_rater(form: Form, role: RaterRole, employee: m.Employee | None, rater_id: int | None) -> RaterCheck:
    """The rater rules every way of rating shares (typed in, or read from a filled sheet): the form must
    ask for this role; a self-assessment is the employee's own, whoever is named; nobody gives their own
    manager, peer or HR rating. Without a known employee only the form is checked."""
    problems = []
    if role not in form.raters:
        problems.append(RaterProblem(ROLE_NOT_ON_FORM, _("Form {form} has no {role}.").format(
            form=form.title.pick(_current_language()), role=role_label(role))))
    if employee is None:
        return RaterCheck(rater_id, tuple(problems))
    if role is RaterRole.SELF:
        if rater_id not in (None, employee.id):
            problems.append(RaterProblem("self_rater", _("A self-assessment is written by the employee themself.")))
        rater_id = employee.id
    elif rater_id == employee.id:
        problems.append(RaterProblem("rates_self", _("{name} cannot give their own {role}.").format(
            name=employee.name, role=role_label(role))))
    return RaterCheck(rater_id, tuple(problems))


def _ensure_can_rate(
    session: Session, actor: Actor, role: RaterRole, employee: m.Employee, rater_id: int | None
) -> None:
    """Self-assessments need the right to one's own form, other ratings the right to write forms for the
    employee's department; an employee may also fill the peer rows sent to them."""
    if actor.role is Role.EMPLOYEE and role is RaterRole.PEER and rater_id is not None:
        if actor.employee_id == rater_id:
            return
    permission = Permission.FORMS_SELF if role is RaterRole.SELF else Permission.FORMS_WRITE
    require_for_employee(session, actor, permission, employee.id)


@dataclass(frozen=True)
class ResponseInput:
    """What a rater wrote: levels and comments by criterion id, free texts by section id."""

    period: str
    employee_id: int
    form_version_id: int
    role: RaterRole | str
    levels: Mapping[str, str | None]
    comments: Mapping[str, str | None] = field(default_factory=dict)
    texts: Mapping[str, str | None] = field(default_factory=dict)
    rater_id: int | None = None
    #: None means the default: anonymous for peers, named for everyone else.
    anonymous: bool | None = None


@dataclass(frozen=True)
class ResponseView:
    """A response as people may see it: an anonymous peer has no name and no rater id here."""

    id: int
    period: str
    employee_id: int
    employee_name: str
    form_key: str
    form_version: int
    form_version_id: int
    role: str
    rater: str
    rater_id: int | None
    anonymous: bool
    status: ResponseStatus
    levels: dict[str, str | None]
    comments: dict[str, str | None]
    texts: dict[str, str]
    updated_at: datetime | None  # None on a submitted anonymous answer, which keeps no time
    submitted_at: datetime | None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    check_text(text, _("comment"), multiline=True)
    return text or None


def _issues_error(form: Form, issues) -> ValidationError:
    titles = {c.id: c.title.pick(_current_language()) for c in form.criteria}
    messages = []
    for issue in issues:
        params = dict(issue.params)
        if "criterion" in params:
            params["criterion"] = titles.get(params["criterion"], params["criterion"])
        if "level" in params and params["level"] in form.scale.ids:
            params["level"] = form.scale.level(params["level"]).label.pick(_current_language())
        messages.append(_(issue.template).format(**params))
    return ValidationError("; ".join(messages))


def _current_language() -> str:
    from kpidesk.i18n import current_language

    return current_language()


def _find_existing(session: Session, record: m.PeriodRecord, data: ResponseInput, role: RaterRole):
    if role is RaterRole.PEER and data.rater_id is None:
        return None
    query = select(m.FormResponse).where(
        m.FormResponse.period_id == record.id,
        m.FormResponse.employee_id == data.employee_id,
        m.FormResponse.form_version_id == data.form_version_id,
        m.FormResponse.rater_role == role.value,
    )
    query = query.where(
        m.FormResponse.rater_id.is_(None)
        if data.rater_id is None
        else m.FormResponse.rater_id == data.rater_id
    ).where(or_(m.FormResponse.anonymous.is_(False), m.FormResponse.status == ResponseStatus.DRAFT))
    return session.execute(query).scalars().first()


def _audit_actor(actor: Actor, response: m.FormResponse) -> str:
    """Who the audit trail names: an anonymous peer acting for themself stays anonymous."""
    if response.anonymous and actor.employee_id is not None and actor.employee_id == response.rater_id:
        return ANONYMOUS_PEER
    return actor.name


def save_response(
    session: Session,
    actor: Actor,
    data: ResponseInput,
    *,
    submit: bool = False,
    response_id: int | None = None,
) -> int:
    """Save a rater's answers as a draft, or submit them (every criterion rated, required comments given).

    The same rater's earlier response for the employee, form and period is updated. Nothing in a
    finalized period can change. Returns the response id.
    """
    record = period_record(session, data.period)
    ensure_writable(record)
    try:
        role = RaterRole(data.role)
    except ValueError:
        raise ValidationError(
            _("Unknown rater role {role}; use self, manager, peer or hr.").format(role=data.role)
        ) from None
    employee = session.get(m.Employee, data.employee_id)
    if employee is None:
        raise NotFound(_("There is no employee {id}.").format(id=data.employee_id))
    form = stored_form(session, data.form_version_id)
    rater = validate_rater(form, role, employee, data.rater_id)
    if rater.problems:
        raise ValidationError(rater.problems[0].message)
    rater_id = rater.rater_id
    if role is not RaterRole.SELF and rater_id is not None and session.get(m.Employee, rater_id) is None:
        raise NotFound(_("There is no employee {id}.").format(id=rater_id))
    data = replace(data, rater_id=rater_id, role=role)
    _ensure_can_rate(session, actor, role, employee, rater_id)
    levels = {key: _clean(value) for key, value in data.levels.items()}
    comments = {key: _clean(value) for key, value in data.comments.items()}
    issues = check_response(form, levels, comments, complete=submit)
    if issues:
        raise _issues_error(form, issues)
    sections = {s.id for s in form.sections_for(role)}
    texts = {key: text for key, value in data.texts.items() if (text := _clean(value))}
    unknown = sorted(set(texts) - sections)
    if unknown:
        raise ValidationError(
            _("Form {form} has no text section {section} for this rater.").format(
                form=form.id, section=", ".join(unknown)
            )
        )

    response = (
        session.get(m.FormResponse, response_id)
        if response_id
        else _find_existing(session, record, data, role)
    )
    if response_id and (
        response is None or response.period_id != record.id or response.employee_id != employee.id
    ):
        raise NotFound(_("There is no response {id} for this employee and period.").format(id=response_id))
    if response is not None and is_final(response):
        raise final_error()
    anonymous = (data.anonymous if data.anonymous is not None
                 else response.anonymous if response is not None else role is RaterRole.PEER)
    if anonymous and rater_id is not None and has_answered(
            session, record.id, employee.id, data.form_version_id, role, rater_id):
        raise ValidationError(_("This rater has already submitted an anonymous answer for {name}; "
                                "it is final.").format(name=employee.name))
    if anonymous and submit:
        return submit_anonymously(session, record, employee, form, data.form_version_id, role, rater_id,
                                   (levels, comments, texts), draft=response)
    form_key = form.id
    old = None
    now = utcnow()
    rating_ids = random_ids(session, m.FormRating)
    if response is None:
        response = m.FormResponse(
            id=next(random_ids(session, m.FormResponse)),
            period_id=record.id,
            employee_id=employee.id,
            form_version_id=data.form_version_id,
            rater_role=role.value,
            rater_id=rater_id,
            anonymous=anonymous,
            status=ResponseStatus.DRAFT,
            updated_at=now,
        )
        session.add(response)
    else:
        old = audit_view(response, employee, record, form_key)
        if response.status == ResponseStatus.SUBMITTED and not submit:
            raise ValidationError(_("This response was submitted; reopen it before saving it as a draft."))
        response.anonymous = anonymous
    by_criterion = {rating.criterion_key: rating for rating in response.ratings}
    for criterion in form.criteria:
        level, comment = levels.get(criterion.id), comments.get(criterion.id)
        rating = by_criterion.get(criterion.id)
        if level is None and comment is None:
            if rating is not None:
                response.ratings.remove(rating)
            continue
        if rating is None:
            rating = m.FormRating(id=next(rating_ids), criterion_key=criterion.id)
            response.ratings.append(rating)
        rating.level_key, rating.comment = level, comment
    response.texts = texts or None
    response.updated_at = now
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
    session.flush()
    audit.record(
        session,
        _audit_actor(actor, response),
        "form.submit" if submit else "form.save",
        entity="form_response",
        entity_id=response.id,
        old=old,
        new=audit_view(response, employee, record, form_key),
    )
    return response.id


def _response(session: Session, response_id: int) -> m.FormResponse:
    response = session.get(m.FormResponse, response_id)
    if response is None:
        raise NotFound(_("There is no response {id}.").format(id=response_id))
    return response


def submit_response(session: Session, actor: Actor, response_id: int) -> None:
    """Submit a saved draft as it stands (it must be complete)."""
    response = _response(session, response_id)
    record = session.get_one(m.PeriodRecord, response.period_id)
    save_response(
        session,
        actor,
        ResponseInput(
            period=record.code,
            employee_id=response.employee_id,
            form_version_id=response.form_version_id,
            role=response.rater_role,
            rater_id=response.rater_id,
            anonymous=response.anonymous,
            levels={r.criterion_key: r.level_key for r in response.ratings},
            comments={r.criterion_key: r.comment for r in response.ratings},
            texts=dict(response.texts or {}),
        ),
        submit=True,
        response_id=response.id,
    )


def reopen_response(session: Session, actor: Actor, response_id: int, reason: str) -> None:
    """Turn a submitted response back into a draft (not in a finalized period); the reason is audited."""
    if not (reason or "").strip():
        raise ValidationError(_("Reopening a submitted response needs a reason."))
    response = _response(session, response_id)
    record = session.get_one(m.PeriodRecord, response.period_id)
    ensure_writable(record)
    employee = session.get_one(m.Employee, response.employee_id)
    _ensure_can_rate(session, actor, RaterRole(response.rater_role), employee, response.rater_id)
    if is_final(response):
        raise final_error()
    if response.status != ResponseStatus.SUBMITTED:
        return
    response.status = ResponseStatus.DRAFT
    response.submitted_at = None
    response.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        _audit_actor(actor, response),
        "form.reopen",
        entity="form_response",
        entity_id=response.id,
        reason=reason.strip(),
    )


def _view(
    response: m.FormResponse, record: m.PeriodRecord, employee: m.Employee, names: Mapping[int, str]
) -> ResponseView:
    version = response.form_version
    if response.anonymous:
        rater, rater_id = _(ANONYMOUS_PEER), None
    else:
        rater = names.get(response.rater_id, "") if response.rater_id else role_label(response.rater_role)
        rater_id = response.rater_id
    return ResponseView(
        id=response.id,
        period=record.code,
        employee_id=employee.id,
        employee_name=employee.name,
        form_key=version.form_key,
        form_version=version.version,
        form_version_id=version.id,
        role=response.rater_role,
        rater=rater,
        rater_id=rater_id,
        anonymous=response.anonymous,
        status=response.status,
        levels={r.criterion_key: r.level_key for r in response.ratings},
        comments={r.criterion_key: r.comment for r in response.ratings},
        texts=dict(response.texts or {}),
        updated_at=response.updated_at,
        submitted_at=response.submitted_at,
    )


def responses_for(
    session: Session,
    period: str,
    *,
    employee_id: int | None = None,
    form_key: str | None = None,
    submitted_only: bool = False,
    actor: Actor,
) -> list[ResponseView]:
    """The responses of a period (anonymous peers without names), in a stable order, as far as ``actor``
    may read them: an employee login the responses they wrote themselves, a department head those about
    people in their departments.
    """
    record = period_record(session, period)
    query = _responses_query(record, employee_id, form_key, submitted_only)
    own = own_employee_scope(actor)
    if actor.role is Role.EMPLOYEE:
        query = query.where(m.FormResponse.rater_id == own)
    else:
        scope = department_scope(actor, Permission.FORMS_READ)
        if scope is not None:
            query = query.where(m.Employee.department_id.in_(scope))
    return _views(session, record, query)


def submitted_responses_about(session: Session, period: str, employee_id: int) -> list[ResponseView]:
    """Every submitted response about one employee, unrestricted: for the appraisal sheet, whose caller has
    already checked that its reader may see that employee's results."""
    record = period_record(session, period)
    return _views(session, record, _responses_query(record, employee_id, None, True))


def _responses_query(record: m.PeriodRecord, employee_id: int | None, form_key: str | None, submitted_only: bool):
    query = (
        select(m.FormResponse, m.Employee)
        .join(m.Employee, m.Employee.id == m.FormResponse.employee_id)
        .join(m.FormVersion, m.FormVersion.id == m.FormResponse.form_version_id)
        .where(m.FormResponse.period_id == record.id)
        .order_by(m.Employee.staff_no, m.FormVersion.form_key, m.FormResponse.rater_role, m.FormResponse.id)
    )
    if employee_id is not None:
        query = query.where(m.FormResponse.employee_id == employee_id)
    if form_key is not None:
        query = query.where(m.FormVersion.form_key == form_key)
    if submitted_only:
        query = query.where(m.FormResponse.status == ResponseStatus.SUBMITTED)
    return query


def _views(session: Session, record: m.PeriodRecord, query) -> list[ResponseView]:
    rows = session.execute(query).all()
    rater_ids = {r.rater_id for r, _e in rows if r.rater_id and not r.anonymous}
    names = dict(
        session.execute(select(m.Employee.id, m.Employee.name).where(m.Employee.id.in_(rater_ids))).all()
    )
    return [_view(response, record, employee, names) for response, employee in rows]


def response_author(session: Session, actor: Actor, response_id: int) -> int | None:
    """Who wrote a response: for administrators only, and audited when it is anonymous. A submitted
    anonymous answer has no author any more (None); only its draft had one."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied(_("Only an administrator may see who wrote an anonymous response."))
    response = _response(session, response_id)
    if response.anonymous:
        audit.record(session, actor, "form.author_read", entity="form_response", entity_id=response.id)
    return response.rater_id
