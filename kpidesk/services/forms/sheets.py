"""Offline forms, the way out: fillable sheets, one per reviewer (who rates whom), or one blank sheet.

Filled sheets come back in through :mod:`kpidesk.services.forms.sheet_import`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import Form, RaterRole, form_fingerprint
from kpidesk.errors import NotFound
from kpidesk.exchange import form_sheets as sheets
from kpidesk.i18n import _, current_language
from kpidesk.services.actor import Actor, Role
from kpidesk.services.forms.anonymity import answered_raters
from kpidesk.services.forms.catalogue import FormCache, latest_form_version
from kpidesk.services.forms.scores import templates_for
from kpidesk.services.safety.access import Permission, employee_scope
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m

# --- who rates whom -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """One rating to be given: ``rater_id`` rates ``employee_id`` in ``role``."""

    employee_id: int
    role: RaterRole
    rater_id: int | None
    anonymous: bool = False


def employees_using_form(session: Session, period: str, form_key: str) -> list[m.Employee]:
    """Active employees whose template for the period includes the form (everyone active if none does)."""
    record = period_record(session, period)
    active = list(
        session.execute(
            select(m.Employee).where(m.Employee.active.is_(True)).order_by(m.Employee.staff_no)
        ).scalars()
    )
    templates = templates_for(session, record, active)
    using = [e for e in active if (template := templates[e.id]) is not None
             and any(tf.form_version.form_key == form_key for tf in template.forms)]
    return using or active


def default_assignments(
    session: Session,
    period: str,
    form: Form,
    employees: Iterable[m.Employee],
    *,
    peers_per_employee: int = 4,
    upward: bool = False,
) -> list[Assignment]:
    """Self and manager for everyone; peers (same team, anonymous) and an upward review by direct reports
    when the form has peer raters and ``upward`` is asked for."""
    employees = list(employees)
    result: list[Assignment] = []
    for employee in employees:
        if RaterRole.SELF in form.raters:
            result.append(Assignment(employee.id, RaterRole.SELF, employee.id))
        if RaterRole.MANAGER in form.raters and employee.manager_id:
            result.append(Assignment(employee.id, RaterRole.MANAGER, employee.manager_id))
        if RaterRole.PEER not in form.raters:
            continue
        team = [
            other
            for other in employees
            if other.id != employee.id
            and other.department_id == employee.department_id
            and other.id != employee.manager_id
        ]
        for peer in team[:peers_per_employee]:
            result.append(Assignment(employee.id, RaterRole.PEER, peer.id, anonymous=True))
        if upward:
            reports = [other for other in employees if other.manager_id == employee.id]
            for report in reports:
                result.append(Assignment(employee.id, RaterRole.PEER, report.id, anonymous=True))
    return result


# --- export -------------------------------------------------------------------------------------------


def _safe_file_part(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r'[\\/:*?"<>|\s\x00-\x1f\x7f-\x9f]+', "_", text).strip("_") or "x"  # no control characters


def responses_by_rater(
    session: Session, record: m.PeriodRecord, form_version_id: int
) -> dict[tuple, m.FormResponse]:
    """A period's responses to one form version by (employee, role, rater): what a sheet line fills in."""
    rows = session.execute(
        select(m.FormResponse).where(
            m.FormResponse.period_id == record.id, m.FormResponse.form_version_id == form_version_id
        )
    ).scalars()
    return {(r.employee_id, r.rater_role, r.rater_id): r for r in rows}


def _sheet_row(
    employee: m.Employee, assignment: Assignment, rater: m.Employee | None, response: m.FormResponse | None
) -> sheets.SheetRow:
    levels = comments = texts = {}
    if response is not None:
        levels = {r.criterion_key: r.level_key for r in response.ratings if r.level_key}
        comments = {r.criterion_key: r.comment for r in response.ratings if r.comment}
        texts = dict(response.texts or {})
    return sheets.SheetRow(
        staff_no=employee.staff_no,
        name=employee.name,
        role=assignment.role,
        rater_staff_no=rater.staff_no if rater else "",
        rater_name=rater.name if rater else "",
        anonymous=assignment.anonymous,
        levels=levels,
        comments=comments,
        texts=texts,
    )


def export_form_sheets(
    session: Session,
    period: str,
    form_key: str,
    folder: str | Path,
    *,
    assignments: Iterable[Assignment] | None = None,
    per_reviewer: bool = True,
    upward: bool = False,
    actor: Actor,
) -> list[Path]:
    """Write fillable sheets for a form: one per reviewer (their rows only) or one with every row.

    Rows already answered in the database are filled in, so a sheet can also be sent back for changes; an
    anonymous peer's draft only in the sheet exported by that peer's own login, so a sheet made by anyone
    else never shows a rater's name beside their anonymous answers. Anonymous answers already submitted
    are final and get no row. An employee login gets only their own sheet (the ratings they give).
    Returns the files written, named ``<form>_<period>_<reviewer>.xlsx``.
    """
    record = period_record(session, period)
    version = latest_form_version(session, form_key)
    form = FormCache(session)(version.id)
    employees = employees_using_form(session, record.code, form_key)
    employee_login = actor.role is Role.EMPLOYEE
    own_sheet = actor.employee_id if employee_login else None
    scope = None
    if not employee_login:  # only the people whose forms they may handle
        scope = employee_scope(session, actor, Permission.FORMS_WRITE, period_id=record.id)
    if scope is not None:
        employees = [e for e in employees if e.id in scope]
    if assignments is None:
        assignments = default_assignments(session, record.code, form, employees, upward=upward)
    answered = answered_raters(session, record, version.id)
    assignments = [
        a for a in assignments
        if (scope is None or a.employee_id in scope)
        and (not employee_login or (own_sheet is not None and a.rater_id == own_sheet))
        and not (a.anonymous and (a.employee_id, a.role.value, a.rater_id) in answered)
    ]
    reader = actor.employee_id
    people: dict[int | None, m.Employee] = {e.id: e for e in session.execute(select(m.Employee)).scalars()}
    existing = responses_by_rater(session, record, version.id)
    groups: dict[int | None, list[sheets.SheetRow]] = {}
    for assignment in assignments:
        employee, rater = people.get(assignment.employee_id), people.get(assignment.rater_id)
        if employee is None:
            raise NotFound(_("There is no employee {id}.").format(id=assignment.employee_id))
        response = existing.get((assignment.employee_id, assignment.role.value, assignment.rater_id))
        if response is not None and response.anonymous and (reader is None or assignment.rater_id != reader):
            response = None  # someone else's anonymous draft: the sheet would put their name beside it
        key = assignment.rater_id if per_reviewer else None
        groups.setdefault(key, []).append(_sheet_row(employee, assignment, rater, response))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fingerprint = form_fingerprint(form)
    written = []
    for rater_id, rows in sorted(
        groups.items(), key=lambda item: people[item[0]].staff_no if item[0] else ""
    ):
        rater = people.get(rater_id)
        reviewer = f"{rater.staff_no} {rater.name}" if rater else ""
        suffix = _safe_file_part(f"{rater.staff_no}_{rater.name}") if rater else "all"
        path = folder / f"{form.id}_{record.code}_{suffix}.xlsx"
        spec = sheets.FormSheetSpec(form, record.code, rows, current_language(), reviewer, fingerprint)
        written.append(sheets.write_form_sheet(path, spec))
    return written


def export_blank_form_sheet(
    session: Session, period: str, form_key: str, path: str | Path, employee_ids: Iterable[int] | None = None,
    *, actor: Actor,
) -> Path:
    """One sheet with a self and a manager row per employee (peers add their own rows), for paper."""
    record = period_record(session, period)
    version = latest_form_version(session, form_key)
    form = FormCache(session)(version.id)
    if employee_ids is None:
        employees = employees_using_form(session, record.code, form_key)
    else:
        wanted = set(employee_ids)
        employees = [
            e
            for e in session.execute(select(m.Employee).order_by(m.Employee.staff_no)).scalars()
            if e.id in wanted
        ]
    scope = employee_scope(session, actor, Permission.FORMS_WRITE, period_id=record.id)
    if scope is not None:  # only the people whose forms ``actor`` may handle
        employees = [e for e in employees if e.id in scope]
    rows = []
    people: dict[int | None, m.Employee] = {e.id: e for e in session.execute(select(m.Employee)).scalars()}
    for employee in employees:
        for role in form.raters:
            rater = (
                employee
                if role is RaterRole.SELF
                else people.get(employee.manager_id)
                if role is RaterRole.MANAGER
                else None
            )
            assignment = Assignment(employee.id, role, rater.id if rater else None, role is RaterRole.PEER)
            rows.append(_sheet_row(employee, assignment, rater, None))
    spec = sheets.FormSheetSpec(form, record.code, rows, current_language(), "", form_fingerprint(form))
    return sheets.write_form_sheet(Path(path), spec)
