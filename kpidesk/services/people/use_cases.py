"""What the window and the command line ask of the people package, one call per user action.

Each function takes the ``Database`` handle and the acting user and opens its own unit of work.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kpidesk.errors import NotFound
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.people import staff
from kpidesk.services.safety.access import Permission, employee_scope, require_for_employee
from kpidesk.services.safety.gates import any_login, requires
from kpidesk.store import models as m
from kpidesk.store.db import Database


@requires(Permission.RESULTS_READ)
def staff_no_of(db: Database, actor: Actor, employee_id: int) -> str | None:
    """The staff number of someone whose results the actor may read (None when they no longer exist)."""
    with db.session() as session:
        staff_no = session.execute(select(m.Employee.staff_no).where(m.Employee.id == employee_id)).scalar()
        if staff_no is not None:
            require_for_employee(session, actor, Permission.RESULTS_READ, employee_id)
        return staff_no


@requires(Permission.USERS_MANAGE)
def login_scope(db: Database, actor: Actor, staff_no: str | None,
                department: str | None) -> tuple[int | None, int | None]:
    """The employee id and department id a new login is tied to, from a staff number and a department
    name (or id); either may be absent."""
    with db.session() as session:
        employee_id = staff.employee_by_staff_no(session, staff_no).id if staff_no else None
        department_id = _department_id(session, department) if department else None
    return employee_id, department_id


def _department_id(session, text: str) -> int:
    if text.isdigit() and session.get(m.Department, int(text)) is not None:
        return int(text)
    ids = list(session.execute(select(m.Department.id).where(m.Department.name == text)).scalars())
    if len(ids) != 1:
        raise NotFound(_("No single department named {name}").format(name=text))
    return ids[0]


@requires(Permission.STAFF_READ)
def staff_lists(db: Database, actor: Actor) -> tuple[list[staff.DepartmentRow], list[staff.PositionRow],
                                                       list[staff.EmployeeRow]]:
    """Departments, positions and the employees the actor may see (those who left too), for the Staff page:
    a head their departments' people only."""
    with db.session() as session:
        scope = employee_scope(session, actor, Permission.STAFF_READ)
        employees = [row for row in staff.list_employees(session, include_left=True)
                     if scope is None or row.id in scope]
        return staff.list_departments(session), staff.list_positions(session), employees


@any_login
def positions(db: Database, actor: Actor) -> list[staff.PositionRow]:
    """Every position, for pickers (the Templates page ties a template to one)."""
    del actor  # position names are no secret to any role
    with db.session() as session:
        return staff.list_positions(session)


@requires(Permission.STAFF_READ)
def employee_moves(db: Database, actor: Actor, employee_id: int) -> list[staff.MoveRow]:
    with db.session() as session:
        require_for_employee(session, actor, Permission.STAFF_READ, employee_id)
        return staff.list_moves(session, employee_id)


@requires(Permission.STAFF_WRITE)
def add_department(db: Database, actor: Actor, name: str, parent_id: int | None = None) -> int:
    with db.write() as session:
        return staff.add_department(session, actor, name, parent_id).id


@requires(Permission.STAFF_WRITE)
def add_employee(db: Database, actor: Actor, *, position_name: str = "", department_id: int | None = None,
                 **values) -> int:
    """Add someone; a position typed that does not exist yet is created with them."""
    with db.write() as session:
        position_id = staff.get_or_create_position(session, position_name).id if position_name else None
        return staff.add_employee(session, actor, department_id=department_id, position_id=position_id,
                                  **values).id


@requires(Permission.STAFF_WRITE)
def update_employee(db: Database, actor: Actor, employee_id: int, **changes) -> int:
    with db.write() as session:
        staff.update_employee(session, actor, employee_id, **changes)
    return employee_id


@requires(Permission.STAFF_WRITE)
def transfer_employee(db: Database, actor: Actor, employee_id: int, *, department_id: int | None,
                      position_name: str = "", on: date | None = None, reason: str | None = None) -> int:
    """Move someone; a position typed that does not exist yet is created with the move."""
    with db.write() as session:
        position_id = staff.get_or_create_position(session, position_name).id if position_name else None
        staff.transfer_employee(session, actor, employee_id, department_id=department_id,
                                position_id=position_id, on=on, reason=reason)
    return employee_id


@requires(Permission.STAFF_WRITE)
def undo_transfer(db: Database, actor: Actor, employee_id: int, reason: str | None = None) -> None:
    with db.write() as session:
        staff.undo_transfer(session, actor, employee_id, reason=reason)


@requires(Permission.STAFF_WRITE)
def mark_left(db: Database, actor: Actor, employee_id: int, on: date | None = None,
              reason: str | None = None) -> int:
    with db.write() as session:
        staff.mark_left(session, actor, employee_id, on=on, reason=reason)
    return employee_id


@requires(Permission.STAFF_WRITE)
def reinstate_employee(db: Database, actor: Actor, employee_id: int, reason: str | None = None) -> None:
    with db.write() as session:
        staff.reinstate_employee(session, actor, employee_id, reason=reason)


@any_login
def organisation_settings(db: Database, actor: Actor):
    """The organisation's settings and its grade bands, for the Settings page."""
    from kpidesk.services.people import organisation
    from kpidesk.services.safety.settings import load_settings

    del actor  # every role may read them; saving is checked
    with db.session() as session:
        return load_settings(session), organisation.grade_bands(session)


@requires(Permission.SETTINGS_WRITE)
def save_organisation_settings(db: Database, actor: Actor, settings, bands=None) -> None:
    """Save the organisation's settings and, when given, its grade bands, in one unit of work."""
    from kpidesk.services.people import organisation

    with db.write() as session:
        organisation.save_organisation(session, actor, settings)
        if bands is not None:
            organisation.save_grade_bands(session, actor, bands)
