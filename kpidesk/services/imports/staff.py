"""Importing a staff list: new people are added, known staff numbers updated, departments, teams and
positions that do not exist yet are created (the preview lists them). A department change is recorded
as a transfer, so past appraisals keep the department they had.

An optional base-pay column (底薪, 基本工资 …) sets each person's base pay, to the cent; a blank cell leaves
the stored base pay as it is. Base pay is sensitive: it is written only for someone allowed to manage pay
(``pay.manage``); for anyone else the preview warns that the column will be ignored. Importing a staff
list at all needs ``import.library`` (HR and administrators)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.text_rules import control_character_message, line_breaches
from kpidesk.domain.value_ranges import leave_before_hire, leave_before_hire_message
from kpidesk.errors import Cancelled
from kpidesk.exchange.money_cells import parse_money_cells
from kpidesk.exchange.readers import read_table
from kpidesk.exchange.values import (
    Problem,
    display_value,
    parse_dates,
    parse_keys,
    parse_text,
    problem_message,
)
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.import_preview import ImportPreview, ImportProblem, ImportResult, ensure_importable
from kpidesk.services.imports.kind_check import staff_list_kind_problems
from kpidesk.services.people import staff
from kpidesk.services.progress import CancelToken, ProgressCallback, report
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, can, require
from kpidesk.services.safety.gates import requires
from kpidesk.store import models as m

_LEFT_WORDS = {"离职", "已离职", "left", "inactive", "停用"}

#: ``preview.extra["base_pay"]``: the file has no base-pay column, its amounts will be written, or ignored.
BASE_PAY_ABSENT, BASE_PAY_WRITTEN, BASE_PAY_IGNORED = None, "write", "ignored"


def may_write_base_pay(actor: Actor) -> bool:
    """Base pay is written only for someone allowed to manage pay."""
    return can(actor, Permission.PAY_MANAGE)


def preview_staff_import(
    session: Session,
    path: str | Path,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    header_row: int | None = None,
    actor: Actor,
) -> ImportPreview:
    """Read and check a staff list; ``actor`` decides whether a base-pay column is read or ignored."""
    table_ = read_table(path, kind="staff", sheet=sheet, overrides=overrides, header_row=header_row)
    problems: list[ImportProblem] = staff_list_kind_problems(table_)

    cells, place = table_.field_cells_or_blank, table_.place_of

    keys = parse_keys(cells("staff_no"))
    frame = pd.DataFrame({
        "row": table_.rows,
        "staff_no": keys.values,
        "name": parse_text(cells("name")),
        "department": parse_text(cells("department")),
        "team": parse_text(cells("team")),
        "position": parse_text(cells("position")),
        "manager": parse_text(cells("manager")),
        "status": parse_text(cells("status")),
    }, index=table_.rows)
    for field in ("hire_date", "leave_date"):
        parsed = parse_dates(cells(field))
        frame[field] = parsed.values
        for row in parsed.problems.index[parsed.problem_mask]:
            problems.append(ImportProblem(place(row, field), problem_message(parsed.problems[row],
                                                                             cells(field)[row]), "bad_date"))
    for row in frame.index[list(map(leave_before_hire, frame["hire_date"], frame["leave_date"]))]:
        problems.append(ImportProblem(place(row, "leave_date"), leave_before_hire_message(
            frame.at[row, "hire_date"], frame.at[row, "leave_date"]), "bad_date"))
    for field in ("staff_no", "name", "department", "team", "position", "manager"):
        for row, char in line_breaches(frame[field]):
            problems.append(ImportProblem(place(row, field), control_character_message(char), "control_character"))
    base_pay = _base_pay_column(table_, actor, problems)
    frame["base_pay"] = base_pay.values if base_pay is not None else None
    for row in frame.index[frame["staff_no"].isna()]:
        problems.append(ImportProblem(place(row, "staff_no"), _("no staff number"), "missing_staff"))
    for row in frame.index[frame["name"].isna() & frame["staff_no"].notna()]:
        problems.append(ImportProblem(place(row, "name"), _("no name"), "missing_name"))
    duplicated = frame["staff_no"].notna() & frame.duplicated("staff_no", keep="first")
    for row in frame.index[duplicated]:
        first = frame.index[(frame["staff_no"] == frame.at[row, "staff_no"]) & ~duplicated][0]
        problems.append(ImportProblem(place(row, "staff_no"), _(
            "duplicate: staff number {staff_no} is already on row {row}").format(
                staff_no=frame.at[row, "staff_no"], row=first), "duplicate"))

    existing = {e.staff_no: e for e in session.execute(select(m.Employee)).scalars()}
    known_names = {e.name: e.staff_no for e in existing.values()}
    file_names = dict(zip(frame["name"], frame["staff_no"], strict=True))
    for row, manager in frame["manager"].items():
        if manager and manager not in existing and manager not in frame["staff_no"].values \
                and manager not in known_names and manager not in file_names:
            problems.append(ImportProblem(place(row, "manager"), _(
                "manager {name} is neither in the file nor in the database; left empty").format(name=manager),
                "unknown_manager", blocking=False))

    departments = {(d.name, d.parent_id) for d in session.execute(select(m.Department)).scalars()}
    top_names = {name for name, parent in departments if parent is None}
    all_names = {name for name, _p in departments}
    new_departments = sorted({d for d in frame["department"].dropna() if d not in top_names})
    new_teams = sorted({f"{d}/{t}" for d, t in zip(frame["department"], frame["team"], strict=True)
                        if t and (t not in all_names or d in new_departments)})
    positions = set(session.execute(select(m.Position.name)).scalars())
    new_positions = sorted({p for p in frame["position"].dropna() if p not in positions})
    is_new = ~frame["staff_no"].isin(existing.keys())
    counts = {"rows": len(frame), "new": int((is_new & frame["staff_no"].notna()).sum()),
              "updated": int((~is_new).sum()), "new_departments": len(new_departments) + len(new_teams),
              "new_positions": len(new_positions), "problems": len(problems)}
    base_pay_state = BASE_PAY_ABSENT if table_.column_for("base_pay") is None else (
        BASE_PAY_WRITTEN if base_pay is not None else BASE_PAY_IGNORED)
    notes = []
    if base_pay_state == BASE_PAY_WRITTEN:
        changes = _base_pay_changes(frame, existing)
        counts["base_pay"] = len(changes)
        notes.append(_("base pay: {count} change(s)").format(count=len(changes)))
    if new_departments or new_teams:
        notes.append(_("new departments: {names}").format(names=", ".join(new_departments + new_teams)))
    if new_positions:
        notes.append(_("new positions: {names}").format(names=", ".join(new_positions)))
    problems.sort(key=lambda p: p.place.row or 0)
    return ImportPreview(
        kind="staff", file=table_.file, sheet=table_.sheet, checksum=table_.checksum, header_row=table_.header_row,
        mapping=dict(table_.mapping), rows=frame.reset_index(drop=True), problems=problems, counts=counts,
        notes=notes, ignored_columns=table_.unmapped, skipped_lines=list(table_.skipped), path=Path(path),
        extra={"new_departments": new_departments + new_teams, "new_positions": new_positions,
               "base_pay": base_pay_state},
    )


def _base_pay_column(table_, actor: Actor, problems: list[ImportProblem]):
    """The parsed base-pay column, or None when the file has none or ``actor`` may not write base pay
    (then a warning says the column is ignored). Bad amounts are added to ``problems``."""
    column = table_.column_for("base_pay")
    if column is None:
        return None
    if not may_write_base_pay(actor):
        problems.append(ImportProblem(table_.place(column=column), _(
            "the base pay column is ignored: {user} may not change pay").format(user=actor.name),
            "base_pay_ignored", blocking=False))
        return None
    cells = table_.field_cells("base_pay")
    parsed = parse_money_cells(cells)
    for row in parsed.problems.index[parsed.problem_mask]:
        problem = parsed.problems[row]
        if problem == Problem.NEGATIVE.value:
            message = _("base pay cannot be negative: “{value}”").format(value=display_value(cells[row]))
        elif problem == Problem.NOT_A_NUMBER.value:
            message = _("“{value}” is not an amount").format(value=display_value(cells[row]))
        else:
            message = problem_message(problem, cells[row])
        problems.append(ImportProblem(table_.place_of(row, "base_pay"), message, "bad_base_pay"))
    return parsed


def _base_pay_changes(frame: pd.DataFrame, existing: Mapping[str, m.Employee]) -> list[str]:
    """Staff numbers whose base pay the import would set or change."""
    changed = []
    for staff_no, amount in zip(frame["staff_no"], frame["base_pay"], strict=True):
        if not isinstance(staff_no, str) or not isinstance(amount, Decimal):
            continue
        known = existing.get(staff_no)
        if known is None or known.base_pay != amount:
            changed.append(staff_no)
    return changed


@requires(Permission.IMPORT_LIBRARY)
def apply_staff_import(
    db,
    actor: Actor,
    preview: ImportPreview,
    *,
    skip_problem_rows: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    backup: bool = True,
) -> ImportResult:
    """Create and update employees in one transaction. Base pay is written only when the preview read it
    and ``actor`` may manage pay; the one audit entry of the import counts and lists its base-pay changes."""
    require(actor, Permission.IMPORT_LIBRARY)
    ensure_importable(preview, skip_problem_rows)
    rows = preview.rows
    if skip_problem_rows and preview.problem_rows:
        rows = rows[~rows["row"].isin(preview.problem_rows)]
    rows = rows[rows["staff_no"].notna()]
    if backup:
        from kpidesk.store.db import backup_now

        backup_now(db, reason="pre-import")
    counts = {"added": 0, "updated": 0, "transferred": 0, "left": 0, "unchanged": 0}
    base_pay_state = preview.extra.get("base_pay")
    write_base_pay = base_pay_state == BASE_PAY_WRITTEN and may_write_base_pay(actor)
    if base_pay_state == BASE_PAY_WRITTEN and not write_base_pay:
        counts["base_pay_ignored"] = int(rows["base_pay"].notna().sum())
    base_pay_changes: list[dict[str, str | None]] = []
    with db.write() as session:
        people = {e.staff_no: e for e in session.execute(select(m.Employee)).scalars()}
        for n, record in enumerate(rows.to_dict("records")):
            if cancel is not None and n % 200 == 0 and cancel.cancelled:
                raise Cancelled(_("Cancelled; nothing was changed."))
            department = _department(session, record["department"], record["team"])
            position = staff.get_or_create_position(session, record["position"]) if record["position"] else None
            employee = people.get(record["staff_no"])
            if employee is None:
                employee = m.Employee(staff_no=record["staff_no"], name=record["name"],
                                      department_id=department.id if department else None,
                                      position_id=position.id if position else None,
                                      hire_date=record["hire_date"])
                session.add(employee)
                people[employee.staff_no] = employee
                counts["added"] += 1
                if write_base_pay:
                    _set_base_pay(employee, record.get("base_pay"), base_pay_changes)
            else:
                changed = False
                if department is not None and not record["team"] and employee.department is not None \
                        and employee.department.top_level().id == department.id:
                    department = None  # no team column: staying in a team of that department is no move
                if department is not None and employee.department_id != department.id:
                    staff.transfer_employee(session, actor, employee.id, department_id=department.id,
                                            position_id=position.id if position else None,
                                            reason=_("staff list import"))
                    counts["transferred"] += 1
                    changed = True
                elif position is not None and employee.position_id != position.id:
                    employee.position_id = position.id
                    changed = True
                for attr in ("name", "hire_date"):
                    if record[attr] is not None and getattr(employee, attr) != record[attr]:
                        setattr(employee, attr, record[attr])
                        changed = True
                if write_base_pay and _set_base_pay(employee, record.get("base_pay"), base_pay_changes):
                    changed = True
                counts["updated" if changed else "unchanged"] += 1
            leaving = record.get("leave_date") or (
                (record.get("status") or "").strip().lower() in _LEFT_WORDS)
            if leaving and employee.active:
                employee.active = False
                employee.leave_date = record.get("leave_date") or employee.leave_date
                counts["left"] += 1
            report(progress, n + 1, len(rows), _("Importing staff"))
        session.flush()
        by_name = {e.name: e for e in people.values()}
        for record in rows.to_dict("records"):
            manager_key = record["manager"]
            if not manager_key:
                continue
            manager = people.get(manager_key) or by_name.get(manager_key)
            employee = people[record["staff_no"]]
            if manager is not None and manager is not employee and employee.manager_id != manager.id:
                employee.manager_id = manager.id
        session.flush()
        if write_base_pay:
            counts["base_pay"] = len(base_pay_changes)
        new: dict[str, Any] = {"file": preview.file, "sheet": preview.sheet, "checksum": preview.checksum, "counts": counts}
        if base_pay_changes:
            new["base_pay"] = base_pay_changes
        entry = audit.record(session, actor, "import.staff", entity="file", entity_id=preview.file, new=new)
        audit_id = entry.id
    return ImportResult("staff", preview.file, preview.checksum, counts, audit_id)


def _set_base_pay(employee: m.Employee, amount: Decimal | None, changes: list[dict[str, str | None]]) -> bool:
    """Set one person's base pay from the file (blank leaves it), noting the change as set_base_pay does."""
    if not isinstance(amount, Decimal) or employee.base_pay == amount:
        return False
    changes.append({"staff_no": employee.staff_no, "old": None if employee.base_pay is None else str(employee.base_pay),
                    "new": str(amount)})
    employee.base_pay = amount
    return True


def _department(session: Session, name: str | None, team: str | None) -> m.Department | None:
    if not name:
        return None
    top = session.execute(
        select(m.Department).where(m.Department.name == name, m.Department.parent_id.is_(None))
    ).scalars().first()
    if top is None:
        top = staff.get_or_create_department(session, name)
    if not team:
        return top
    return staff.get_or_create_department(session, team, parent=top)
