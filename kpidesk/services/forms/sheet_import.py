"""Offline forms, the way back in: a filled sheet checked line by line, then saved as responses.

Import goes through the same preview as every other import (:mod:`kpidesk.services.import_preview`): the
preview reads and checks every row without writing; applying it writes all rows in one unit of work.
Rows with every criterion rated are submitted; rows only partly rated are kept as drafts. Each line is
held to the rater rules of a response typed in (:func:`kpidesk.services.forms.responses.validate_rater`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import Form, RaterRole, form_fingerprint
from kpidesk.domain.statuses import ResponseStatus
from kpidesk.errors import ValidationError
from kpidesk.exchange import form_sheets as sheets
from kpidesk.i18n import _, current_language
from kpidesk.services.actor import Actor
from kpidesk.services.forms.anonymity import ANONYMOUS_PEER, answered_raters
from kpidesk.services.forms.catalogue import FormCache, latest_form_version
from kpidesk.services.forms.responses import (
    ROLE_NOT_ON_FORM,
    RaterCheck,
    ResponseInput,
    save_response,
    validate_rater,
)
from kpidesk.services.forms.sheets import responses_by_rater
from kpidesk.services.import_preview import ImportPreview, ImportProblem, ImportResult, ensure_importable
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.services.safety.period_lock import ensure_writable, period_record
from kpidesk.store import models as m


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
        other_kind = sheets.looks_like_another_kind(sheet.headers.values())
        if other_kind:
            raise ValidationError(other_kind, sheet.place())
        raise ValidationError(
            _("The sheet does not say which form it is; choose the form (for example customer_service_staff)."),
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


@dataclass
class _SheetCheck:
    """What checking a filled sheet needs at every row, and the problems found so far."""

    session: Session
    sheet: sheets.FilledSheet
    form: Form
    columns: dict[str, int]
    criteria_columns: list[str]
    people: dict[str, m.Employee]
    existing: dict[tuple, m.FormResponse]
    answered: set[tuple[int, str, int]]  # (employee, role, rater) of anonymous answers already submitted
    problems: list[ImportProblem] = field(default_factory=list)
    first_rows: dict[tuple, int] = field(default_factory=dict)  # rater line -> first row it is on

    def problem(self, row: int | None, column: int | None, message: str, code: str, blocking: bool = True) -> None:
        self.problems.append(ImportProblem(self.sheet.place(row, column), message, code, blocking))

    def column(self, key: str) -> int | None:
        return self.columns.get(key)

    def cell(self, row: sheets.FilledRow, key: str) -> object:
        index = self.columns.get(key)
        return None if index is None else row.cells.get(index)

    @property
    def blocking(self) -> int:
        return sum(p.blocking for p in self.problems)


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
        raise ValidationError(_("Choose the period the forms belong to."), sheet.place())
    record = period_record(session, period)
    ensure_writable(record)
    version = _choose_form(session, sheet, form_key)
    form = FormCache(session)(version.id)
    columns, unmatched = sheet.columns_for(form)
    check = _SheetCheck(
        session=session,
        sheet=sheet,
        form=form,
        columns=columns,
        criteria_columns=[c.id for c in form.criteria if sheets.LEVEL + c.id in columns],
        people={e.staff_no: e for e in session.execute(select(m.Employee)).scalars()},
        existing=responses_by_rater(session, record, version.id),
        answered=answered_raters(session, record, version.id),
    )
    if not check.criteria_columns and (other_kind := sheets.looks_like_another_kind(sheet.headers.values())):
        raise ValidationError(other_kind, sheet.place())  # a whole other file: its rows are no form lines
    notes = _check_sheet(check, record)
    plans = [plan for row in sheet.rows if (plan := _check_row(check, row)) is not None]
    return ImportPreview(
        kind="forms",
        file=sheet.file,
        sheet=sheet.sheet,
        checksum=sheet.checksum,
        header_row=sheet.header_row,
        mapping={key: sheet.headers.get(index, key).replace("\n", " / ") for key, index in columns.items()},
        rows=_plans_frame(form, plans),
        problems=check.problems,
        counts={
            "rows": len(plans),
            "submitted": sum(p.submit for p in plans),
            "drafts": sum(not p.submit for p in plans),
            "replacing": sum(p.replaces is not None for p in plans),
        },
        notes=notes,
        ignored_columns=[text.replace("\n", " / ") for text in unmatched],
        skipped_lines=list(sheet.skipped),
        path=Path(path),
        extra={"period": record.code, "form_version_id": version.id, "form": form.id, "plans": plans},
    )


def _check_sheet(check: _SheetCheck, record: m.PeriodRecord) -> list[str]:
    """Problems of the sheet as a whole (period, form copy, columns); returns notes for the preview."""
    sheet, form = check.sheet, check.form
    if sheet.meta.get("period") and sheet.meta["period"] != record.code:
        check.problem(
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
        check.problem(
            None,
            None,
            _("The sheet was made from another copy of form {form} version {version}.").format(
                form=form.id, version=form.version
            ),
            "form_changed",
            blocking=False,
        )
    if sheets.KEY_STAFF_NO not in check.columns:
        check.problem(
            sheet.header_row,
            None,
            _("The sheet has no staff number column (工号 / Staff no)."),
            "no_staff_column",
        )
    if not check.criteria_columns:
        check.problem(
            sheet.header_row,
            None,
            _("No column matches a criterion of form {form}.").format(form=form.id),
            "no_criteria",
        )
    missing = [c.title.pick(current_language()) for c in form.criteria if c.id not in check.criteria_columns]
    if missing and check.criteria_columns:
        return [_("Columns missing for: {criteria}").format(criteria=", ".join(missing))]
    return []


def _check_row(check: _SheetCheck, row: sheets.FilledRow) -> FormRowPlan | None:
    """Check one line of a filled sheet: the plan to save it, or None when it is empty, unanswered or has
    a blocking problem (the problems are added to ``check``)."""
    before = check.blocking
    staff_text = check.cell(row, sheets.KEY_STAFF_NO)
    level_cells = {cid: check.cell(row, sheets.LEVEL + cid) for cid in check.criteria_columns}
    if staff_text is None and all(v is None for v in level_cells.values()):
        return None  # a note or an empty line
    employee = _row_employee(check, row, staff_text)
    role, rater_id = _row_rater(check, row, employee)
    anonymous = _row_anonymous(check, row, role)
    levels, comments = _row_ratings(check, row, level_cells)
    complete = len(levels) == len(check.form.criteria)
    if complete:
        _check_comments(check, row, levels, comments)
    texts = _row_texts(check, row, role)
    if not levels and check.blocking == before:
        return None  # a row sent out but not answered
    if employee is not None and role is not None:
        _check_repeated(check, row, employee, role, rater_id)
        if anonymous and (employee.id, role.value, rater_id) in check.answered:
            check.problem(row.row, None, _("This rater has already submitted an anonymous answer for {name}; "
                                           "it is final.").format(name=employee.name), "already_answered")
    if check.blocking > before or employee is None or role is None:
        return None
    if not complete:
        check.problem(row.row, None, _("Not every criterion is rated; the line is saved as a draft."), "draft",
                      blocking=False)
    replaced = None
    if rater_id is not None or role is not RaterRole.PEER:  # an unnamed peer always adds a response
        replaced = check.existing.get((employee.id, role.value, rater_id))
    if replaced is not None and replaced.status == ResponseStatus.SUBMITTED and not complete:
        check.problem(row.row, None, _("A submitted response cannot be replaced by an incomplete one."),
                      "incomplete_over_submitted")
        return None
    return FormRowPlan(
        row=row.row,
        employee_id=employee.id,
        staff_no=employee.staff_no,
        role=role,
        rater_id=rater_id,
        anonymous=anonymous,
        levels=levels,
        comments=comments,
        texts=texts,
        submit=complete,
        replaces=replaced.id if replaced is not None else None,
    )


def _staff_no(value: object) -> str:
    """A staff number as typed; Excel turns ``1001`` into ``1001.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_employee(check: _SheetCheck, row: sheets.FilledRow, staff_text: object) -> m.Employee | None:
    staff_no = _staff_no(staff_text) if staff_text is not None else ""
    employee = check.people.get(staff_no)
    if employee is None:
        check.problem(
            row.row,
            check.column(sheets.KEY_STAFF_NO),
            _("Unknown staff number {staff_no}.").format(staff_no=staff_no or "—"),
            "unknown_employee",
        )
    return employee


def _row_rater(
    check: _SheetCheck, row: sheets.FilledRow, employee: m.Employee | None
) -> tuple[RaterRole | None, int | None]:
    """The line's rater role and rater, checked by the same rules as a response typed in
    (:func:`validate_rater`); a manager line naming nobody is the employee's manager's."""
    role = sheets.role_from_text(check.cell(row, sheets.KEY_ROLE))
    rater_text = check.cell(row, sheets.KEY_RATER)
    rater_no = None if rater_text is None else _staff_no(rater_text)
    rater = None if rater_no is None else check.people.get(rater_no)
    if role is RaterRole.MANAGER and rater is None and employee is not None and employee.manager_id:
        rater = check.session.get(m.Employee, employee.manager_id)
    rules = RaterCheck(rater.id if rater else None)
    if role is None:
        check.problem(
            row.row,
            check.column(sheets.KEY_ROLE),
            _("Unknown rater role {value}; write 自评/self, 上级/manager, 同事/peer or 人事/HR.").format(
                value=check.cell(row, sheets.KEY_ROLE) or "—"
            ),
            "unknown_role",
        )
    else:
        rules = validate_rater(check.form, role, employee, rules.rater_id)
    for problem in rules.problems:
        if problem.code == ROLE_NOT_ON_FORM:
            check.problem(row.row, check.column(sheets.KEY_ROLE), problem.message, problem.code)
    if rater_no is not None and check.people.get(rater_no) is None:
        check.problem(
            row.row,
            check.column(sheets.KEY_RATER),
            _("Unknown staff number {staff_no}.").format(staff_no=rater_no),
            "unknown_rater",
        )
    for problem in rules.problems:
        if problem.code != ROLE_NOT_ON_FORM:
            check.problem(row.row, check.column(sheets.KEY_RATER), problem.message, problem.code)
    return role, rules.rater_id


def _row_anonymous(check: _SheetCheck, row: sheets.FilledRow, role: RaterRole | None) -> bool:
    value = check.cell(row, sheets.KEY_ANONYMOUS)
    anonymous = sheets.yes_no(value)
    if anonymous is not None:
        return anonymous
    if value is not None:
        check.problem(
            row.row,
            check.column(sheets.KEY_ANONYMOUS),
            _("Write 是/yes or 否/no, not {value}.").format(value=value),
            "bad_anonymous",
        )
    return role is RaterRole.PEER


def _row_ratings(
    check: _SheetCheck, row: sheets.FilledRow, level_cells: dict[str, object]
) -> tuple[dict[str, str], dict[str, str]]:
    """The levels (by criterion) the line gives, and its comments."""
    form = check.form
    levels: dict[str, str] = {}
    comments: dict[str, str] = {}
    for criterion in form.criteria:
        raw = level_cells.get(criterion.id)
        comment = check.cell(row, sheets.COMMENT + criterion.id)
        if comment is not None:
            comments[criterion.id] = str(comment).strip()
        if raw is None:
            continue
        level = sheets.level_from_text(form, _level_value(raw))
        if level is None:
            labels = ", ".join(f"{lv.label.zh}/{lv.label.en}/{lv.points.normalize():f}" for lv in form.scale.levels)
            check.problem(
                row.row,
                check.column(sheets.LEVEL + criterion.id),
                _("{value} is not a level of this form; use one of {levels}.").format(value=raw, levels=labels),
                "unknown_level",
            )
            continue
        levels[criterion.id] = level.id
    return levels, comments


def _check_comments(
    check: _SheetCheck, row: sheets.FilledRow, levels: dict[str, str], comments: dict[str, str]
) -> None:
    """A complete line needs the comments its levels ask for."""
    form = check.form
    for criterion_id, level_id in levels.items():
        if form.requires_comment(criterion_id, level_id) and not comments.get(criterion_id):
            column = check.columns.get(sheets.COMMENT + criterion_id, check.columns.get(sheets.LEVEL + criterion_id))
            title = form.criterion(criterion_id).title.pick(current_language())
            label = form.scale.level(level_id).label.pick(current_language())
            check.problem(
                row.row,
                column,
                _('"{criterion}" rated "{level}" needs a comment').format(criterion=title, level=label),
                "comment_required",
            )


def _row_texts(check: _SheetCheck, row: sheets.FilledRow, role: RaterRole | None) -> dict[str, str]:
    """The free texts of the sections this rater writes."""
    texts = {}
    for section in check.form.sections:
        value = check.cell(row, sheets.TEXT + section.id)
        if value is not None and str(value).strip():
            if role is not None and section.raters and role not in section.raters:
                continue
            texts[section.id] = str(value).strip()
    return texts


def _check_repeated(
    check: _SheetCheck, row: sheets.FilledRow, employee: m.Employee, role: RaterRole, rater_id: int | None
) -> None:
    """The same rater's line for the same person twice (unnamed peers may repeat)."""
    if rater_id is None and role is RaterRole.PEER:
        return
    identity = (employee.id, role.value, rater_id)
    if identity in check.first_rows:
        check.problem(
            row.row,
            None,
            _("This rater's line for {name} is repeated (first at row {first}).").format(
                name=employee.name, first=check.first_rows[identity]
            ),
            "duplicate",
        )
    check.first_rows.setdefault(identity, row.row)


def _plans_frame(form: Form, plans: list[FormRowPlan]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "row": p.row,
                "staff_no": p.staff_no,
                "role": p.role.value,
                "rater": _(ANONYMOUS_PEER) if p.anonymous else (p.rater_id or ""),
                "status": ResponseStatus.SUBMITTED if p.submit else ResponseStatus.DRAFT,
                **{c.id: p.levels.get(c.id) for c in form.criteria},
            }
            for p in plans
        ]
    )


@requires(Permission.FORMS_WRITE, Permission.FORMS_SELF)
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
