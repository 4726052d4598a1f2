"""Offline forms: fillable sheets out (one per reviewer, or one blank sheet), filled sheets back in. (long: writing fillable sheets and reading them back share the layout; the row checks are to become one validator)

Import goes through the same preview as every other import (:mod:`kpidesk.services.imports.registry`): the
preview reads and checks every row without writing; applying it writes all rows in one unit of work.
Rows with every criterion rated are submitted; rows only partly rated are kept as drafts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import Form, RaterRole, form_fingerprint
from kpidesk.errors import NotFound, ValidationError
from kpidesk.exchange import form_sheets as sheets
from kpidesk.i18n import _, current_language
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.measurements import ensure_writable, period_record
from kpidesk.services.forms.responses import (
    ANONYMOUS_PEER,
    FormCache,
    ResponseInput,
    latest_form_version,
    role_label,
    save_response,
    templates_for,
)
from kpidesk.services.imports.registry import ImportPreview, ImportProblem, ImportResult, ensure_importable
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, employee_scope
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
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "x"


def _existing(session: Session, record: m.PeriodRecord, form_version_id: int) -> dict[tuple, m.FormResponse]:
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
    actor: Actor | None = None,
) -> list[Path]:
    """Write fillable sheets for a form: one per reviewer (their rows only) or one with every row.

    Rows already answered in the database are filled in, so a sheet can also be sent back for changes.
    Returns the files written, named ``<form>_<period>_<reviewer>.xlsx``.
    """
    record = period_record(session, period)
    version = latest_form_version(session, form_key)
    form = FormCache(session)(version.id)
    employees = employees_using_form(session, record.code, form_key)
    scope = None if actor is None else employee_scope(session, actor, Permission.FORMS_WRITE, period_id=record.id)
    if scope is not None:  # with ``actor``: only the people whose forms they may handle
        employees = [e for e in employees if e.id in scope]
    if assignments is None:
        assignments = default_assignments(session, record.code, form, employees, upward=upward)
    assignments = [a for a in assignments if scope is None or a.employee_id in scope]
    people: dict[int | None, m.Employee] = {e.id: e for e in session.execute(select(m.Employee)).scalars()}
    existing = _existing(session, record, version.id)
    groups: dict[int | None, list[sheets.SheetRow]] = {}
    for assignment in assignments:
        employee, rater = people.get(assignment.employee_id), people.get(assignment.rater_id)
        if employee is None:
            raise NotFound(_("There is no employee {id}.").format(id=assignment.employee_id))
        response = existing.get((assignment.employee_id, assignment.role.value, assignment.rater_id))
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
    *, actor: Actor | None = None,
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
    scope = None if actor is None else employee_scope(session, actor, Permission.FORMS_WRITE, period_id=record.id)
    if scope is not None:  # with ``actor``: only the people whose forms they may handle
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


# --- import -------------------------------------------------------------------------------------------


@dataclass
class FormRowPlan:
    """One row of a filled sheet, checked and ready to save."""

    row: int
    employee_id: int
    staff_no: str
    role: RaterRole
    rater_id: int | None
    anonymous: bool
    levels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    submit: bool = True
    replaces: int | None = None


def _level_value(value: object) -> object:
    """Numbers stay numbers; ``85分`` / ``85 points`` become 85."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:分|points?|pts?)?", text, flags=re.I)
        return match.group(1) if match else text
    return value


def _choose_form(session: Session, sheet: sheets.FilledSheet, form_key: str | None) -> m.FormVersion:
    key = form_key or sheet.meta.get("form")
    if not key:
        raise ValidationError(
            _(
                "The sheet does not say which form it is; name the form (for example --form customer_service_staff)."
            ),
            sheet.place(),
        )
    if form_key is None and sheet.meta.get("version", "").isdigit():
        row = session.execute(
            select(m.FormVersion).where(
                m.FormVersion.form_key == key, m.FormVersion.version == int(sheet.meta["version"])
            )
        ).scalar()
        if row is not None:
            return row
    return latest_form_version(session, key)


def preview_forms_import(
    session: Session,
    path: str | Path,
    *,
    period: str | None = None,
    form_key: str | None = None,
    display_name: str | None = None,
) -> ImportPreview:
    """Read a filled form sheet and check every row, writing nothing."""
    sheet = sheets.read_form_sheet(path, display_name)
    period = period or sheet.meta.get("period")
    if not period:
        raise ValidationError(_("Name the period the forms belong to (--period)."), sheet.place())
    record = period_record(session, period)
    ensure_writable(record)
    version = _choose_form(session, sheet, form_key)
    form = FormCache(session)(version.id)
    columns, unmatched = sheet.columns_for(form)
    problems: list[ImportProblem] = []

    def problem(row: int | None, column: int | None, message: str, code: str, blocking: bool = True) -> None:
        problems.append(ImportProblem(sheet.place(row, column), message, code, blocking))

    if sheet.meta.get("period") and sheet.meta["period"] != record.code:
        problem(
            None,
            None,
            _("The sheet was made for period {sheet}, not {period}.").format(
                sheet=sheet.meta["period"], period=record.code
            ),
            "period_mismatch",
        )
    if (
        sheet.meta.get("hash")
        and sheet.meta.get("version") == str(form.version)
        and sheet.meta["hash"] != form_fingerprint(form)
    ):
        problem(
            None,
            None,
            _("The sheet was made from another copy of form {form} version {version}.").format(
                form=form.id, version=form.version
            ),
            "form_changed",
            blocking=False,
        )
    if sheets.KEY_STAFF_NO not in columns:
        problem(
            sheet.header_row,
            None,
            _("The sheet has no staff number column (工号 / Staff no)."),
            "no_staff_column",
        )
    criteria_columns = [c.id for c in form.criteria if sheets.LEVEL + c.id in columns]
    if not criteria_columns:
        problem(
            sheet.header_row,
            None,
            _("No column matches a criterion of form {form}.").format(form=form.id),
            "no_criteria",
        )
    missing = [c.title.pick(current_language()) for c in form.criteria if c.id not in criteria_columns]
    notes = []
    if missing and criteria_columns:
        notes.append(_("Columns missing for: {criteria}").format(criteria=", ".join(missing)))

    people = {e.staff_no: e for e in session.execute(select(m.Employee)).scalars()}
    existing = _existing(session, record, version.id)
    plans: list[FormRowPlan] = []
    seen: dict[tuple, int] = {}
    labels = ", ".join(f"{lv.label.zh}/{lv.label.en}/{lv.points.normalize():f}" for lv in form.scale.levels)

    def cell(row: sheets.FilledRow, key: str) -> object:
        index = columns.get(key)
        return None if index is None else row.cells.get(index)

    for row in sheet.rows:
        before = len([p for p in problems if p.blocking])
        staff_text = cell(row, sheets.KEY_STAFF_NO)
        level_cells = {cid: cell(row, sheets.LEVEL + cid) for cid in criteria_columns}
        if staff_text is None and all(v is None for v in level_cells.values()):
            continue  # a note or an empty line
        staff_no = str(staff_text).strip() if staff_text is not None else ""
        if isinstance(staff_text, float) and staff_text.is_integer():
            staff_no = str(int(staff_text))
        employee = people.get(staff_no)
        if employee is None:
            problem(
                row.row,
                columns.get(sheets.KEY_STAFF_NO),
                _("Unknown staff number {staff_no}.").format(staff_no=staff_no or "—"),
                "unknown_employee",
            )
        role = sheets.role_from_text(cell(row, sheets.KEY_ROLE))
        if role is None:
            problem(
                row.row,
                columns.get(sheets.KEY_ROLE),
                _("Unknown rater role {value}; write 自评/self, 上级/manager, 同事/peer or 人事/HR.").format(
                    value=cell(row, sheets.KEY_ROLE) or "—"
                ),
                "unknown_role",
            )
        elif role not in form.raters:
            problem(
                row.row,
                columns.get(sheets.KEY_ROLE),
                _("Form {form} has no {role}.").format(
                    form=form.title.pick(current_language()), role=role_label(role)
                ),
                "role_not_on_form",
            )
        rater_text = cell(row, sheets.KEY_RATER)
        rater = None
        if rater_text is not None:
            rater_no = (
                str(int(rater_text))
                if isinstance(rater_text, float) and rater_text.is_integer()
                else str(rater_text).strip()
            )
            rater = people.get(rater_no)
            if rater is None:
                problem(
                    row.row,
                    columns.get(sheets.KEY_RATER),
                    _("Unknown staff number {staff_no}.").format(staff_no=rater_no),
                    "unknown_rater",
                )
        if role is RaterRole.SELF and employee is not None:
            if rater is not None and rater.id != employee.id:
                problem(
                    row.row,
                    columns.get(sheets.KEY_RATER),
                    _("A self-assessment is written by the employee themself."),
                    "self_rater",
                )
            rater = employee
        elif role is RaterRole.MANAGER and rater is None and employee is not None and employee.manager_id:
            rater = session.get(m.Employee, employee.manager_id)
        if (
            role not in (None, RaterRole.SELF)
            and rater is not None
            and employee is not None
            and rater.id == employee.id
        ):
            problem(
                row.row,
                columns.get(sheets.KEY_RATER),
                _("{name} cannot give their own {role}.").format(name=employee.name, role=role_label(role)),
                "rates_self",
            )
        anonymous_cell = cell(row, sheets.KEY_ANONYMOUS)
        anonymous = sheets.yes_no(anonymous_cell)
        if anonymous is None:
            if anonymous_cell is not None:
                problem(
                    row.row,
                    columns.get(sheets.KEY_ANONYMOUS),
                    _("Write 是/yes or 否/no, not {value}.").format(value=anonymous_cell),
                    "bad_anonymous",
                )
            anonymous = role is RaterRole.PEER

        levels: dict[str, str] = {}
        comments: dict[str, str] = {}
        for criterion in form.criteria:
            raw = level_cells.get(criterion.id)
            comment = cell(row, sheets.COMMENT + criterion.id)
            if comment is not None:
                comments[criterion.id] = str(comment).strip()
            if raw is None:
                continue
            level = sheets.level_from_text(form, _level_value(raw))
            if level is None:
                problem(
                    row.row,
                    columns.get(sheets.LEVEL + criterion.id),
                    _("{value} is not a level of this form; use one of {levels}.").format(
                        value=raw, levels=labels
                    ),
                    "unknown_level",
                )
                continue
            levels[criterion.id] = level.id
        complete = len(levels) == len(form.criteria)
        for criterion_id, level_id in levels.items():
            if complete and form.requires_comment(criterion_id, level_id) and not comments.get(criterion_id):
                column = columns.get(sheets.COMMENT + criterion_id, columns.get(sheets.LEVEL + criterion_id))
                title = form.criterion(criterion_id).title.pick(current_language())
                label = form.scale.level(level_id).label.pick(current_language())
                problem(
                    row.row,
                    column,
                    _('"{criterion}" rated "{level}" needs a comment').format(criterion=title, level=label),
                    "comment_required",
                )
        texts = {}
        for section in form.sections:
            value = cell(row, sheets.TEXT + section.id)
            if value is not None and str(value).strip():
                if role is not None and section.raters and role not in section.raters:
                    continue
                texts[section.id] = str(value).strip()
        if not levels and len([p for p in problems if p.blocking]) == before:
            continue  # a row sent out but not answered
        if employee is not None and role is not None:
            identity = (employee.id, role.value, rater.id if rater else None)
            if rater is not None or role is not RaterRole.PEER:
                if identity in seen:
                    problem(
                        row.row,
                        None,
                        _("This rater's line for {name} is repeated (first at row {first}).").format(
                            name=employee.name, first=seen[identity]
                        ),
                        "duplicate",
                    )
                seen.setdefault(identity, row.row)
        if len([p for p in problems if p.blocking]) > before or employee is None or role is None:
            continue
        if not complete:
            problem(
                row.row,
                None,
                _("Not every criterion is rated; the line is saved as a draft."),
                "draft",
                blocking=False,
            )
        replaced = None
        if rater is not None or role is not RaterRole.PEER:  # an unnamed peer always adds a response
            replaced = existing.get((employee.id, role.value, rater.id if rater else None))
        if replaced is not None and replaced.status == "submitted" and not complete:
            problem(
                row.row,
                None,
                _("A submitted response cannot be replaced by an incomplete one."),
                "incomplete_over_submitted",
            )
            continue
        plans.append(
            FormRowPlan(
                row=row.row,
                employee_id=employee.id,
                staff_no=employee.staff_no,
                role=role,
                rater_id=rater.id if rater else None,
                anonymous=anonymous,
                levels=levels,
                comments=comments,
                texts=texts,
                submit=complete,
                replaces=replaced.id if replaced is not None else None,
            )
        )

    frame = pd.DataFrame(
        [
            {
                "row": p.row,
                "staff_no": p.staff_no,
                "role": p.role.value,
                "rater": _(ANONYMOUS_PEER) if p.anonymous else (p.rater_id or ""),
                "status": "submitted" if p.submit else "draft",
                **{c.id: p.levels.get(c.id) for c in form.criteria},
            }
            for p in plans
        ]
    )
    counts = {
        "rows": len(plans),
        "submitted": sum(p.submit for p in plans),
        "drafts": sum(not p.submit for p in plans),
        "replacing": sum(p.replaces is not None for p in plans),
    }
    return ImportPreview(
        kind="forms",
        file=sheet.file,
        sheet=sheet.sheet,
        checksum=sheet.checksum,
        header_row=sheet.header_row,
        mapping={key: sheet.headers.get(index, key).replace("\n", " / ") for key, index in columns.items()},
        rows=frame,
        problems=problems,
        counts=counts,
        notes=notes,
        ignored_columns=[text.replace("\n", " / ") for text in unmatched],
        path=Path(path),
        extra={"period": record.code, "form_version_id": version.id, "form": form.id, "plans": plans},
    )


def apply_forms_import(
    db, actor: Actor, preview: ImportPreview, *, skip_problem_rows: bool = False
) -> ImportResult:
    """Save every checked row of the preview in one unit of work (all rows or none)."""
    ensure_importable(preview, skip_problem_rows)
    period = preview.extra["period"]
    form_version_id = preview.extra["form_version_id"]
    blocked_rows = set(preview.problem_rows)
    plans = [p for p in preview.extra["plans"] if p.row not in blocked_rows]
    with db.write() as session:
        ensure_writable(period_record(session, period))
        for plan in plans:
            save_response(
                session,
                actor,
                ResponseInput(
                    period=period,
                    employee_id=plan.employee_id,
                    form_version_id=form_version_id,
                    role=plan.role,
                    levels=plan.levels,
                    comments=plan.comments,
                    texts=plan.texts,
                    rater_id=plan.rater_id,
                    anonymous=plan.anonymous,
                ),
                submit=plan.submit,
                response_id=plan.replaces,
            )
        entry = audit.record(
            session,
            actor,
            "import.forms",
            entity="file",
            entity_id=preview.file,
            new={
                "checksum": preview.checksum,
                "form": preview.extra["form"],
                "period": period,
                "rows": len(plans),
            },
        )
    counts = dict(preview.counts, saved=len(plans))
    return ImportResult("forms", preview.file, preview.checksum, counts, entry.id)


def import_filled_forms(
    db,
    actor: Actor,
    path: str | Path,
    *,
    period: str | None = None,
    form_key: str | None = None,
    skip_problem_rows: bool = False,
) -> ImportResult:
    """Preview and apply in one call (for scripts and the demo)."""
    with db.session() as session:
        preview = preview_forms_import(session, path, period=period, form_key=form_key)
    return apply_forms_import(db, actor, preview, skip_problem_rows=skip_problem_rows)
