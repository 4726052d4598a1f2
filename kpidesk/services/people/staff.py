"""Departments, positions and employees: add, edit, transfer, mark as left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain.text_rules import check_text
from kpidesk.domain.value_ranges import check_employment_dates
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require, require_for_employee
from kpidesk.store import models as m


@dataclass(frozen=True)
class EmployeeRow:
    """What lists and tables show of an employee (plain data, safe to pass between threads)."""

    id: int
    staff_no: str
    name: str
    department: str | None
    department_id: int | None
    top_department: str | None
    position: str | None
    manager: str | None
    hire_date: date | None
    active: bool
    position_id: int | None = None
    manager_id: int | None = None
    leave_date: date | None = None


@dataclass(frozen=True)
class DepartmentRow:
    """A department or team for trees and pickers; ``staff`` counts its active employees (not sub-teams)."""

    id: int
    name: str
    parent_id: int | None
    head: str | None
    staff: int


@dataclass(frozen=True)
class PositionRow:
    id: int
    name: str
    name_en: str | None


@dataclass(frozen=True)
class MoveRow:
    moved_on: date
    from_department: str | None
    to_department: str | None
    from_position: str | None
    to_position: str | None
    reason: str | None


def get_or_create_department(session: Session, name: str, parent: m.Department | None = None) -> m.Department:
    query = select(m.Department).where(m.Department.name == name)
    query = query.where(m.Department.parent_id == parent.id) if parent else query
    department = session.execute(query).scalars().first()
    if department is None:
        check_text(name, _("department"))
        department = m.Department(name=name, parent_id=parent.id if parent else None)
        session.add(department)
        session.flush()
    return department


def get_or_create_position(session: Session, name: str, name_en: str | None = None) -> m.Position:
    position = session.execute(select(m.Position).where(m.Position.name == name)).scalar()
    if position is None:
        check_text(name, _("position"))
        position = m.Position(name=name, name_en=name_en)
        session.add(position)
        session.flush()
    return position


def employee_by_staff_no(session: Session, staff_no: str) -> m.Employee:
    employee = session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no)).scalar()
    if employee is None:
        raise NotFound(_("No employee with staff number {staff_no}").format(staff_no=staff_no))
    return employee


def add_employee(
    session: Session,
    actor: Actor,
    *,
    staff_no: str,
    name: str,
    department_id: int | None = None,
    position_id: int | None = None,
    manager_id: int | None = None,
    hire_date: date | None = None,
) -> m.Employee:
    require(actor, Permission.STAFF_WRITE, department_id)
    staff_no, name = staff_no.strip(), name.strip()
    check_text(staff_no, _("staff number"))
    check_text(name, _("name"))
    if not staff_no or not name:
        raise ValidationError(_("Staff number and name are required."))
    check_employment_dates(hire_date, None)
    if session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar() is not None:
        raise ValidationError(_("Staff number {staff_no} is already used.").format(staff_no=staff_no))
    employee = m.Employee(
        staff_no=staff_no,
        name=name,
        department_id=department_id,
        position_id=position_id,
        manager_id=manager_id,
        hire_date=hire_date,
    )
    session.add(employee)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ValidationError(_("Staff number {staff_no} is already used.").format(staff_no=staff_no)) from exc
    audit.record(session, actor, "employee.add", entity="employee", entity_id=staff_no, new={"name": name})
    return employee


def update_employee(session: Session, actor: Actor, employee_id: int, **changes) -> m.Employee:
    require_for_employee(session, actor, Permission.STAFF_WRITE, employee_id)
    employee = session.get(m.Employee, employee_id)
    if employee is None:
        raise NotFound(_("The employee no longer exists."))
    allowed = {"name", "manager_id", "hire_date", "staff_no"}
    for key in ("name", "staff_no"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
            check_text(changes[key], _("staff number") if key == "staff_no" else _("name"))
            if not changes[key]:
                raise ValidationError(_("Staff number and name are required."))
    if "staff_no" in changes and changes["staff_no"] != employee.staff_no:
        taken = session.execute(
            select(m.Employee.id).where(m.Employee.staff_no == changes["staff_no"], m.Employee.id != employee.id)
        ).scalar()
        if taken is not None:
            raise ValidationError(_("Staff number {staff_no} is already used.").format(staff_no=changes["staff_no"]))
    if changes.get("manager_id") == employee.id:
        raise ValidationError(_("An employee cannot be their own manager."))
    if "hire_date" in changes:
        check_employment_dates(changes["hire_date"], employee.leave_date)
    old = {}
    for key, value in changes.items():
        if key not in allowed:
            raise ValueError(f"cannot change {key} here")
        old[key] = getattr(employee, key)
        setattr(employee, key, value)
    audit.record(session, actor, "employee.edit", entity="employee", entity_id=employee.staff_no, old=old, new=changes)
    return employee


def transfer_employee(
    session: Session,
    actor: Actor,
    employee_id: int,
    *,
    department_id: int | None,
    position_id: int | None = None,
    on: date | None = None,
    reason: str | None = None,
) -> m.EmployeeMove:
    """Move someone; past appraisals keep the department and position recorded on them."""
    require_for_employee(session, actor, Permission.STAFF_WRITE, employee_id)
    require(actor, Permission.STAFF_WRITE, department_id)
    employee = session.get(m.Employee, employee_id)
    if employee is None:
        raise NotFound(_("The employee no longer exists."))
    move = m.EmployeeMove(
        employee_id=employee.id,
        moved_on=on or date.today(),
        from_department_id=employee.department_id,
        to_department_id=department_id,
        from_position_id=employee.position_id,
        to_position_id=position_id if position_id is not None else employee.position_id,
        reason=reason,
    )
    session.add(move)
    employee.department_id = department_id
    if position_id is not None:
        employee.position_id = position_id
    audit.record(
        session,
        actor,
        "employee.transfer",
        entity="employee",
        entity_id=employee.staff_no,
        old={"department_id": move.from_department_id, "position_id": move.from_position_id},
        new={"department_id": department_id, "position_id": move.to_position_id},
        reason=reason,
    )
    return move


def undo_transfer(session: Session, actor: Actor, employee_id: int, reason: str | None = None) -> None:
    """Take back the employee's latest transfer, as long as nothing has moved them since."""
    require_for_employee(session, actor, Permission.STAFF_WRITE, employee_id)
    employee = session.get(m.Employee, employee_id)
    if employee is None:
        raise NotFound(_("The employee no longer exists."))
    move = session.execute(
        select(m.EmployeeMove).where(m.EmployeeMove.employee_id == employee_id).order_by(m.EmployeeMove.id.desc())
    ).scalars().first()
    if move is None or (employee.department_id, employee.position_id) != (move.to_department_id, move.to_position_id):
        raise ValidationError(_("{name} has been moved or edited since; transfer them back instead.").format(
            name=employee.name))
    require(actor, Permission.STAFF_WRITE, move.from_department_id)
    employee.department_id = move.from_department_id
    employee.position_id = move.from_position_id
    audit.record(
        session, actor, "employee.transfer_undone", entity="employee", entity_id=employee.staff_no,
        old={"department_id": move.to_department_id, "position_id": move.to_position_id},
        new={"department_id": move.from_department_id, "position_id": move.from_position_id}, reason=reason,
    )
    session.delete(move)


def mark_left(session: Session, actor: Actor, employee_id: int, on: date | None = None, reason: str | None = None) -> None:
    """Leaving never deletes anything: the person stays on every past appraisal."""
    require_for_employee(session, actor, Permission.STAFF_WRITE, employee_id)
    employee = session.get(m.Employee, employee_id)
    if employee is None:
        raise NotFound(_("The employee no longer exists."))
    check_employment_dates(employee.hire_date, on or date.today())
    employee.active = False
    employee.leave_date = on or date.today()
    audit.record(session, actor, "employee.leave", entity="employee", entity_id=employee.staff_no,
                 new={"leave_date": employee.leave_date}, reason=reason)


def reinstate_employee(session: Session, actor: Actor, employee_id: int, reason: str | None = None) -> None:
    """Undo a leave: the person is active again (e.g. marked as left by mistake, or rehired)."""
    require_for_employee(session, actor, Permission.STAFF_WRITE, employee_id)
    employee = session.get(m.Employee, employee_id)
    if employee is None:
        raise NotFound(_("The employee no longer exists."))
    old = employee.leave_date
    employee.active = True
    employee.leave_date = None
    audit.record(session, actor, "employee.reinstate", entity="employee", entity_id=employee.staff_no,
                 old={"leave_date": old}, reason=reason)


def add_department(session: Session, actor: Actor, name: str, parent_id: int | None = None) -> m.Department:
    require(actor, Permission.STAFF_WRITE, parent_id)
    name = name.strip()
    check_text(name, _("department"))
    if not name:
        raise ValidationError(_("A department needs a name."))
    same_parent = m.Department.parent_id.is_(None) if parent_id is None else m.Department.parent_id == parent_id
    clash = session.execute(select(m.Department.id).where(m.Department.name == name, same_parent)).scalar()
    if clash is not None:
        raise ValidationError(_("There is already a department called {name} here.").format(name=name))
    department = m.Department(name=name, parent_id=parent_id)
    session.add(department)
    session.flush()
    audit.record(session, actor, "department.add", entity="department", entity_id=department.id,
                 new={"name": name, "parent_id": parent_id})
    return department


def list_departments(session: Session) -> list[DepartmentRow]:
    """Departments ordered so that parents come before their teams."""
    counts = dict(
        session.execute(
            select(m.Employee.department_id, func.count()).where(m.Employee.active).group_by(m.Employee.department_id)
        ).all()
    )
    heads: dict[int | None, str] = dict(session.execute(select(m.Employee.id, m.Employee.name)).all())
    rows = [
        DepartmentRow(d.id, d.name, d.parent_id, heads.get(d.head_id), counts.get(d.id, 0))
        for d in session.execute(select(m.Department).order_by(m.Department.name)).scalars()
    ]
    by_parent: dict[int | None, list[DepartmentRow]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    ordered: list[DepartmentRow] = []

    def walk(parent: int | None) -> None:
        for row in by_parent.get(parent, []):
            ordered.append(row)
            walk(row.id)

    walk(None)
    return ordered


def list_positions(session: Session) -> list[PositionRow]:
    return [PositionRow(p.id, p.name, p.name_en)
            for p in session.execute(select(m.Position).order_by(m.Position.name)).scalars()]


def list_moves(session: Session, employee_id: int) -> list[MoveRow]:
    """An employee's transfers, oldest first, with department and position names."""
    departments: dict[int | None, str] = dict(session.execute(select(m.Department.id, m.Department.name)).all())
    positions: dict[int | None, str] = dict(session.execute(select(m.Position.id, m.Position.name)).all())
    moves = session.execute(
        select(m.EmployeeMove).where(m.EmployeeMove.employee_id == employee_id).order_by(m.EmployeeMove.moved_on, m.EmployeeMove.id)
    ).scalars()
    return [
        MoveRow(mv.moved_on, departments.get(mv.from_department_id), departments.get(mv.to_department_id),
                positions.get(mv.from_position_id), positions.get(mv.to_position_id), mv.reason)
        for mv in moves
    ]


def list_employees(session: Session, *, include_left: bool = False, department_ids: set[int] | None = None) -> list[EmployeeRow]:
    departments: dict[int | None, m.Department] = {d.id: d for d in session.execute(select(m.Department)).scalars()}
    query = select(m.Employee).options(selectinload(m.Employee.position), selectinload(m.Employee.manager))
    query = query.order_by(m.Employee.staff_no)
    if not include_left:
        query = query.where(m.Employee.active)
    if department_ids is not None:
        query = query.where(m.Employee.department_id.in_(department_ids))
    rows = []
    for e in session.execute(query).scalars():
        dep = departments.get(e.department_id)
        rows.append(
            EmployeeRow(
                id=e.id,
                staff_no=e.staff_no,
                name=e.name,
                department=dep.name if dep else None,
                department_id=e.department_id,
                top_department=dep.top_level().name if dep else None,
                position=e.position.name if e.position else None,
                manager=e.manager.name if e.manager else None,
                hire_date=e.hire_date,
                active=e.active,
                position_id=e.position_id,
                manager_id=e.manager_id,
                leave_date=e.leave_date,
            )
        )
    return rows
