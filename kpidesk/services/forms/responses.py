"""Qualitative forms in use: pinning form versions, raters' responses, and the scores they give. (long: pinning form versions, responses and their scores are one workflow; a split into catalogue, responses and scores is planned)

A form file is copied into the database (``form_versions``) the first time a template uses it; responses
point at that copy, so editing the file later never changes an appraisal already made. Peers may answer
anonymously: results, listings and the audit trail show them only as "anonymous peer", and the link
from a response to its author is given to administrators alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain.form_parsing import FormProblem
from kpidesk.domain.forms import (
    Form,
    FormScore,
    RaterResponse,
    RaterRole,
    check_response,
    combine_raters,
    form_fingerprint,
    form_from_dict,
    form_to_dict,
)
from kpidesk.errors import NotFound, PermissionDenied, Place, ValidationError
from kpidesk.exchange.form_files import load_form_file, load_forms
from kpidesk.i18n import N_, _
from kpidesk.resources import FORMS_DIR
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal.measurements import ensure_writable, period_record
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import (
    Permission,
    department_scope,
    own_employee_scope,
    require,
    require_for_employee,
    results_scope,
)
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

#: How an anonymous peer is named wherever people can read it (translated when shown).
ANONYMOUS_PEER = N_("anonymous peer")

ROLE_LABELS = {
    RaterRole.SELF: N_("self-assessment"),
    RaterRole.MANAGER: N_("manager assessment"),
    RaterRole.PEER: N_("peer assessment"),
    RaterRole.HR: N_("HR assessment"),
}


def role_label(role: RaterRole | str) -> str:
    return _(ROLE_LABELS[RaterRole(role)])


def problem_error(problems: Iterable[FormProblem]) -> ValidationError:
    """The first error of a form file as an exception (the other problems are in its message count)."""
    errors = [p for p in problems if p.is_error]
    first = errors[0]
    message = first.message(_)
    if first.path:
        message = f"{first.path}: {message}"
    if len(errors) > 1:
        message += " " + _("(and {count} more problems)").format(count=len(errors) - 1)
    return ValidationError(message, Place(file=first.file, row=first.line))


# --- form files and pinned versions --------------------------------------------------------------


@dataclass(frozen=True)
class FormListing:
    """One form file as ``forms list`` shows it, with the versions already stored in the database."""

    key: str
    version: int
    title_zh: str
    title_en: str
    criteria: int
    raters: tuple[str, ...]
    file: str
    stored_versions: tuple[int, ...] = ()
    #: The file's version is stored with different content: HR edited it without raising ``version``.
    changed_without_new_version: bool = False


def find_form(key: str, forms_dir: Path | None = None) -> Form:
    """The form with id ``key`` from the forms folder; a file with errors raises them."""
    directory = Path(forms_dir or FORMS_DIR)
    named = directory / f"{key}.toml"
    if named.is_file():
        form, problems = load_form_file(named)
        if form is not None and form.id == key:
            return form
        if form is None:
            raise problem_error(problems)
    forms, problems = load_forms(directory)
    for form in forms:
        if form.id == key:
            return form
    broken = [p for p in problems if p.is_error and Path(p.file).stem == key]
    if broken:
        raise problem_error(broken)
    raise NotFound(_("There is no form {key} in {folder}.").format(key=key, folder=directory))


def _stored(session: Session, key: str, version: int) -> m.FormVersion | None:
    return session.execute(
        select(m.FormVersion).where(m.FormVersion.form_key == key, m.FormVersion.version == version)
    ).scalar()


def pin_loaded_form(session: Session, form: Form, actor: Actor | None = None) -> m.FormVersion:
    """Store this exact form under its id and version, or return the copy already stored.

    A stored version with other content means the file was edited without raising its version; that is
    refused, because the appraisals made with the stored copy must keep it.
    """
    fingerprint = form_fingerprint(form)
    existing = _stored(session, form.id, form.version)
    if existing is not None:
        if existing.content_hash != fingerprint:
            raise ValidationError(
                _(
                    "Form {key} version {version} was changed after it was stored; raise its version "
                    "number in the file to use the new content."
                ).format(key=form.id, version=form.version)
            )
        return existing
    row = m.FormVersion(
        form_key=form.id,
        version=form.version,
        title_zh=form.title.zh or form.title.en,
        title_en=form.title.en or form.title.zh,
        content=form_to_dict(form),
        content_hash=fingerprint,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor or "system",
        "form.pin",
        entity="form_version",
        entity_id=f"{form.id}@{form.version}",
        new={"hash": fingerprint},
    )
    return row


def pin_form(
    session: Session, key: str, *, forms_dir: Path | None = None, actor: Actor | None = None
) -> m.FormVersion:
    """Copy the form file ``key`` into the database (once per version) and return the stored version."""
    return pin_loaded_form(session, find_form(key, forms_dir), actor)


def attach_form(
    session: Session,
    actor: Actor,
    template_id: int,
    key: str,
    share: Decimal | int | str = 100,
    *,
    forms_dir: Path | None = None,
) -> m.TemplateForm:
    """Attach a form (pinned now) to a template with its share of the qualitative part."""
    require(actor, Permission.LIBRARY_WRITE)
    template = session.get(m.Template, template_id)
    if template is None:
        raise NotFound(_("There is no template {id}.").format(id=template_id))
    share = Decimal(str(share))
    if share <= 0 or share > 100:
        raise ValidationError(_("A form's share must be above 0 and at most 100."))
    version = pin_form(session, key, forms_dir=forms_dir, actor=actor)
    for attached in template.forms:
        if attached.form_version_id == version.id:
            attached.share = share
            break
    else:
        attached = m.TemplateForm(form_version_id=version.id, share=share)
        template.forms.append(attached)
    session.flush()
    audit.record(
        session,
        actor,
        "template.form",
        entity="template",
        entity_id=template.key,
        new={"form": f"{key}@{version.version}", "share": str(share)},
    )
    return attached


class FormCache:
    """Stored forms read back once per use case."""

    def __init__(self, session: Session):
        self.session = session
        self._forms: dict[int, Form] = {}

    def __call__(self, form_version_id: int) -> Form:
        if form_version_id not in self._forms:
            row = self.session.get(m.FormVersion, form_version_id)
            if row is None:
                raise NotFound(_("There is no stored form version {id}.").format(id=form_version_id))
            self._forms[form_version_id] = form_from_dict(row.content)
        return self._forms[form_version_id]


def stored_form(session: Session, form_version_id: int) -> Form:
    """The form exactly as it was pinned (never the current file)."""
    return FormCache(session)(form_version_id)


def latest_form_version(session: Session, key: str) -> m.FormVersion:
    row = (
        session.execute(
            select(m.FormVersion).where(m.FormVersion.form_key == key).order_by(m.FormVersion.version.desc())
        )
        .scalars()
        .first()
    )
    if row is None:
        raise NotFound(_("Form {key} is not used by any template yet.").format(key=key))
    return row


def list_forms(
    forms_dir: Path | None = None, session: Session | None = None
) -> tuple[list[FormListing], list[FormProblem]]:
    """The forms folder as a list, noting for each form the versions stored in the database."""
    directory = Path(forms_dir or FORMS_DIR)
    forms, problems = load_forms(directory)
    stored: dict[str, dict[int, str]] = {}
    if session is not None:
        for key, version, content_hash in session.execute(
            select(m.FormVersion.form_key, m.FormVersion.version, m.FormVersion.content_hash)
        ):
            stored.setdefault(key, {})[version] = content_hash
    listings = []
    for form in forms:
        versions = stored.get(form.id, {})
        changed = form.version in versions and versions[form.version] != form_fingerprint(form)
        listings.append(
            FormListing(
                key=form.id,
                version=form.version,
                title_zh=form.title.zh or form.title.en,
                title_en=form.title.en or form.title.zh,
                criteria=len(form.criteria),
                raters=tuple(role.value for role in form.raters),
                file=str(directory / f"{form.id}.toml"),
                stored_versions=tuple(sorted(versions)),
                changed_without_new_version=changed,
            )
        )
    return sorted(listings, key=lambda item: item.key), problems


def check_form_file(path: Path) -> tuple[Form | None, list[FormProblem]]:
    """Read and check one form file, as ``forms check FILE`` does."""
    return load_form_file(Path(path))


# --- permissions -----------------------------------------------------------------------------------


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


# --- responses -------------------------------------------------------------------------------------


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
    status: str
    levels: dict[str, str | None]
    comments: dict[str, str | None]
    texts: dict[str, str]
    updated_at: datetime
    submitted_at: datetime | None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
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
    )
    return session.execute(query).scalars().first()


def _audit_actor(actor: Actor, response: m.FormResponse) -> str:
    """Who the audit trail names: an anonymous peer acting for themself stays anonymous."""
    if response.anonymous and actor.employee_id is not None and actor.employee_id == response.rater_id:
        return ANONYMOUS_PEER
    return actor.name


def _audit_view(
    response: m.FormResponse, employee: m.Employee, record: m.PeriodRecord, form_key: str
) -> dict:
    rater: Any = ANONYMOUS_PEER if response.anonymous else response.rater_id
    return {
        "period": record.code,
        "employee": employee.staff_no,
        "form": form_key,
        "role": response.rater_role,
        "rater": rater,
        "status": response.status,
        "levels": {r.criterion_key: r.level_key for r in response.ratings},
    }


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
    rater_id = data.rater_id
    if role is RaterRole.SELF:
        if rater_id not in (None, employee.id):
            raise ValidationError(_("A self-assessment is written by the employee themself."))
        rater_id = employee.id
    elif rater_id is not None:
        if rater_id == employee.id:
            raise ValidationError(
                _("{name} cannot give their own {role}.").format(name=employee.name, role=role_label(role))
            )
        if session.get(m.Employee, rater_id) is None:
            raise NotFound(_("There is no employee {id}.").format(id=rater_id))
    data = replace(data, rater_id=rater_id, role=role)
    _ensure_can_rate(session, actor, role, employee, rater_id)
    form = stored_form(session, data.form_version_id)
    if role not in form.raters:
        raise ValidationError(
            _("Form {form} has no {role}.").format(
                form=form.title.pick(_current_language()), role=role_label(role)
            )
        )
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
    form_key = form.id
    old = None
    now = utcnow()
    if response is None:
        anonymous = data.anonymous if data.anonymous is not None else role is RaterRole.PEER
        response = m.FormResponse(
            period_id=record.id,
            employee_id=employee.id,
            form_version_id=data.form_version_id,
            rater_role=role.value,
            rater_id=rater_id,
            anonymous=anonymous,
            status="draft",
        )
        session.add(response)
    else:
        old = _audit_view(response, employee, record, form_key)
        if response.status == "submitted" and not submit:
            raise ValidationError(_("This response was submitted; reopen it before saving it as a draft."))
        if data.anonymous is not None:
            response.anonymous = data.anonymous
    by_criterion = {rating.criterion_key: rating for rating in response.ratings}
    for criterion in form.criteria:
        level, comment = levels.get(criterion.id), comments.get(criterion.id)
        rating = by_criterion.get(criterion.id)
        if level is None and comment is None:
            if rating is not None:
                response.ratings.remove(rating)
            continue
        if rating is None:
            rating = m.FormRating(criterion_key=criterion.id)
            response.ratings.append(rating)
        rating.level_key, rating.comment = level, comment
    response.texts = texts or None
    response.updated_at = now
    if submit:
        response.status = "submitted"
        response.submitted_at = now
    session.flush()
    audit.record(
        session,
        _audit_actor(actor, response),
        "form.submit" if submit else "form.save",
        entity="form_response",
        entity_id=response.id,
        old=old,
        new=_audit_view(response, employee, record, form_key),
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
    if response.status != "submitted":
        return
    response.status = "draft"
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
    actor: Actor | None = None,
) -> list[ResponseView]:
    """The responses of a period (anonymous peers without names), in a stable order.

    With ``actor``, only what they may read: an employee login the responses they wrote themselves, a
    department head those about people in their departments.
    """
    record = period_record(session, period)
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
        query = query.where(m.FormResponse.status == "submitted")
    if actor is not None:
        own = own_employee_scope(actor)
        if actor.role is Role.EMPLOYEE:
            query = query.where(m.FormResponse.rater_id == own)
        else:
            scope = department_scope(actor, Permission.FORMS_READ)
            if scope is not None:
                query = query.where(m.Employee.department_id.in_(scope))
    rows = session.execute(query).all()
    rater_ids = {r.rater_id for r, _e in rows if r.rater_id and not r.anonymous}
    names = dict(
        session.execute(select(m.Employee.id, m.Employee.name).where(m.Employee.id.in_(rater_ids))).all()
    )
    return [_view(response, record, employee, names) for response, employee in rows]


def response_author(session: Session, actor: Actor, response_id: int) -> int | None:
    """Who wrote a response, anonymous or not: for administrators only, and audited."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied(_("Only an administrator may see who wrote an anonymous response."))
    response = _response(session, response_id)
    if response.anonymous:
        audit.record(session, actor, "form.author_read", entity="form_response", entity_id=response.id)
    return response.rater_id


# --- scores ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeFormScore:
    """One form's combined score for one employee, without any rater's name."""

    employee_id: int
    form_key: str
    form_version: int
    form_version_id: int
    share: Decimal
    score: FormScore


def templates_for(session: Session, record: m.PeriodRecord, employees: Iterable[m.Employee]) -> dict[int, m.Template | None]:
    """Each employee's template in the period: the one recorded on their appraisal, else their position's
    current one. Loaded in a few queries: one query per person would make a 500-person period ask a
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
    session: Session, period: str, employee_ids: Iterable[int] | None = None, *, actor: Actor | None = None
) -> dict[int, list[EmployeeFormScore]]:
    """Per employee, each form of their template scored from the submitted responses (drafts never count).

    Without ``employee_ids``: everyone appraised in the period, on a current template, or rated in it.

    The forms and shares come from the employee's template in the period; an employee whose template
    has no forms is scored on the forms they were rated on, in equal shares. Rater weights are the
    template's when it sets them, else the form's own.
    """
    record = period_record(session, period)
    forms = FormCache(session)
    query = (
        select(m.FormResponse)
        .where(m.FormResponse.period_id == record.id, m.FormResponse.status == "submitted")
        .order_by(m.FormResponse.id)
        .options(selectinload(m.FormResponse.ratings))
    )
    wanted = None if employee_ids is None else set(employee_ids)
    readable = None if actor is None else results_scope(session, actor, record)
    if readable is not None:  # with ``actor``: only the people whose results they may read
        wanted = set(readable) if wanted is None else wanted & readable
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
    employees = session.execute(select(m.Employee).where(m.Employee.id.in_(wanted))).scalars().all()
    templates = templates_for(session, record, employees)
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
            combined = combine_raters(form, answers.get((employee_id, form_version_id), []), weights)
            scored.append(
                EmployeeFormScore(
                    employee_id, form.id, form.version, form_version_id, Decimal(share), combined
                )
            )
        results[employee_id] = scored
    return results


def qualitative_scores(
    session: Session, period: str, employee_ids: Iterable[int] | None = None, *, actor: Actor | None = None
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


def form_score_rows(session: Session, period: str, actor: Actor | None = None) -> list[dict[str, Any]]:
    """Plain rows for lists and the command line: one per employee and form, raters only by role.

    With ``actor``, only the employees they may read (a head's departments; an employee login never
    sees qualitative detail before the period is finalized, and then only their own).
    """
    record = period_record(session, period)
    people = {e.id: e for e in session.execute(select(m.Employee)).scalars()}
    scope = None if actor is None else department_scope(actor, Permission.RESULTS_READ)
    own = None if actor is None else own_employee_scope(actor)
    rows = []
    for employee_id, items in form_scores(session, record.code).items():
        employee = people[employee_id]
        if actor is not None and actor.role is Role.EMPLOYEE:
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
