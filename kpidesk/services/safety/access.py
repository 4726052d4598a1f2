"""Who may do what: permissions per role, the department scope of a department head, and ``require``.

Every public service function is gated by a decorator of :mod:`.gates` and, inside, calls :func:`require`
(or filters by :func:`department_scope`) before it reads or writes a department's appraisal data, so the
same rules hold for the GUI, the command line and any script.
Single-user mode (the default) acts as the operating-system login with every right.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.departments import with_descendants
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound, PermissionDenied
from kpidesk.i18n import N_, _
from kpidesk.services.actor import Actor, Role
from kpidesk.store import models as m


class Permission(StrEnum):
    STAFF_READ = "staff.read"
    STAFF_WRITE = "staff.write"
    DATA_READ = "data.read"
    DATA_WRITE = "data.write"
    FORMS_READ = "forms.read"
    FORMS_WRITE = "forms.write"
    FORMS_SELF = "forms.self"  # one's own self-assessment
    RESULTS_READ = "results.read"
    RESULTS_COMPUTE = "results.compute"
    ADJUST = "results.adjust"  # adjustments, exemptions, calibration
    PRINT = "print"
    SIGNOFF = "signoff.record"
    PERIODS_READ = "periods.read"
    PERIODS_MANAGE = "periods.manage"  # open, finalize, reopen
    LIBRARY_READ = "library.read"  # KPIs, templates, forms, grade scales
    LIBRARY_WRITE = "library.write"
    IMPORT_LIBRARY = "import.library"  # staff lists and KPI tables
    SETTINGS_WRITE = "settings.write"
    AUDIT_READ = "audit.read"
    USERS_MANAGE = "users.manage"
    BACKUP = "backup"
    RESTORE = "restore"
    PAY_READ = "pay.read"  # base pay, pay lines with their base, budgets, the payroll file
    PAY_OWN = "pay.own"  # one's own final pay line
    PAY_MANAGE = "pay.manage"  # pay rules, budgets, bonuses, base pay
    DATABASE_ADMIN = "database.admin"  # check, copy, upgrade or re-initialise the database file


P = Permission

#: What each permission lets one do, as a refusal names it ("… is not allowed to {action}").
ACTIONS: dict[Permission, str] = {
    Permission.STAFF_READ: N_("see the staff list"),
    Permission.STAFF_WRITE: N_("change the staff list"),
    Permission.DATA_READ: N_("see KPI values"),
    Permission.DATA_WRITE: N_("enter or import KPI values"),
    Permission.FORMS_READ: N_("see appraisal forms"),
    Permission.FORMS_WRITE: N_("fill in or import appraisal forms"),
    Permission.FORMS_SELF: N_("fill in a self-assessment"),
    Permission.RESULTS_READ: N_("see appraisal results"),
    Permission.RESULTS_COMPUTE: N_("compute appraisal results"),
    Permission.ADJUST: N_("adjust results or answer appeals"),
    Permission.PRINT: N_("print appraisal sheets"),
    Permission.SIGNOFF: N_("record sign-offs"),
    Permission.PERIODS_READ: N_("see the periods"),
    Permission.PERIODS_MANAGE: N_("open, finalize or reopen periods"),
    Permission.LIBRARY_READ: N_("see the KPI and template library"),
    Permission.LIBRARY_WRITE: N_("change the KPI and template library"),
    Permission.IMPORT_LIBRARY: N_("import staff lists or KPI tables"),
    Permission.SETTINGS_WRITE: N_("change the organisation's settings"),
    Permission.AUDIT_READ: N_("read the audit log"),
    Permission.USERS_MANAGE: N_("manage logins"),
    Permission.BACKUP: N_("make backups"),
    Permission.RESTORE: N_("restore a backup"),
    Permission.PAY_READ: N_("see pay"),
    Permission.PAY_OWN: N_("see their own pay"),
    Permission.PAY_MANAGE: N_("change pay rules, budgets, bonuses or base pay"),
    Permission.DATABASE_ADMIN: N_("check, copy, upgrade or re-create the database file"),
}

#: Permissions limited to the head's departments (or, for an employee, to their own record).
SCOPED = frozenset({
    P.STAFF_READ, P.STAFF_WRITE, P.DATA_READ, P.DATA_WRITE, P.FORMS_READ, P.FORMS_WRITE, P.FORMS_SELF,
    P.RESULTS_READ, P.RESULTS_COMPUTE, P.ADJUST, P.PRINT, P.SIGNOFF,
})

#: Roles whose scoped permissions reach the whole organisation.
ORGANISATION_WIDE = frozenset({Role.ADMIN, Role.HR, Role.AUDITOR})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    # HR runs the appraisal and pay for everyone (typing in or importing collected self-assessments too);
    # logins and restoring a backup stay with administrators, as a restore rolls back the audit trail and
    # the logins themselves.
    Role.HR: frozenset({
        P.STAFF_READ, P.STAFF_WRITE, P.DATA_READ, P.DATA_WRITE, P.FORMS_READ, P.FORMS_WRITE, P.FORMS_SELF,
        P.RESULTS_READ, P.RESULTS_COMPUTE, P.ADJUST, P.PRINT, P.SIGNOFF, P.PERIODS_READ, P.PERIODS_MANAGE,
        P.LIBRARY_READ, P.LIBRARY_WRITE, P.IMPORT_LIBRARY, P.SETTINGS_WRITE, P.AUDIT_READ, P.BACKUP,
        P.PAY_READ, P.PAY_OWN, P.PAY_MANAGE,
    }),
    Role.HEAD: frozenset({
        P.STAFF_READ, P.STAFF_WRITE, P.DATA_READ, P.DATA_WRITE, P.FORMS_READ, P.FORMS_WRITE, P.FORMS_SELF,
        P.RESULTS_READ, P.RESULTS_COMPUTE, P.ADJUST, P.PRINT, P.SIGNOFF, P.PERIODS_READ, P.LIBRARY_READ,
    }),
    Role.EMPLOYEE: frozenset({P.FORMS_SELF, P.RESULTS_READ, P.PRINT, P.PERIODS_READ, P.LIBRARY_READ, P.PAY_OWN}),
    Role.AUDITOR: frozenset({
        P.STAFF_READ, P.DATA_READ, P.FORMS_READ, P.RESULTS_READ, P.PRINT, P.PERIODS_READ, P.LIBRARY_READ,
        P.AUDIT_READ,
    }),
}


def can(actor: Actor, permission: Permission, department_id: int | None = None, *,
        employee_id: int | None = None) -> bool:
    """Whether ``actor`` may use ``permission`` on a department (None: the whole organisation) or,
    for an employee login, on one employee's own record."""
    if permission not in ROLE_PERMISSIONS.get(actor.role, frozenset()):
        return False
    if actor.role in ORGANISATION_WIDE or permission not in SCOPED:
        return True
    if actor.role == Role.HEAD:
        if department_id is not None:
            return department_id in actor.department_ids
        return employee_id is not None and employee_id == actor.employee_id and permission in (P.FORMS_SELF,)
    if actor.role == Role.EMPLOYEE:
        return employee_id is not None and employee_id == actor.employee_id
    return False


def require(actor: Actor, permission: Permission, department_id: int | None = None, *,
            employee_id: int | None = None) -> None:
    """Raise :class:`PermissionDenied` unless :func:`can` allows it."""
    if not can(actor, permission, department_id, employee_id=employee_id):
        raise PermissionDenied(denied_message(actor, permission, department_id))


def denied_message(actor: Actor, permission: Permission, department_id: int | None = None) -> str:
    if actor.role == Role.HEAD and permission in SCOPED and permission in ROLE_PERMISSIONS[Role.HEAD]:
        return _("{user} may only work on their own department and its sub-departments.").format(user=actor.name)
    if actor.role == Role.EMPLOYEE and permission in ROLE_PERMISSIONS[Role.EMPLOYEE]:
        return _("{user} may only see their own appraisal.").format(user=actor.name)
    return _("{user} ({role}) is not allowed to {action}.").format(
        user=actor.name, role=role_label(actor.role), action=_(ACTIONS[permission]))


def require_for_employee(session: Session, actor: Actor, permission: Permission, employee_id: int,
                         *, department_id: int | None = None) -> None:
    """:func:`require` for one employee's record: an employee login only for themselves; otherwise by the
    department recorded on the appraisal (when the caller passes it) or the employee's current one."""
    if actor.role == Role.EMPLOYEE or can(actor, permission, None, employee_id=employee_id):
        require(actor, permission, None, employee_id=employee_id)
        return
    if department_id is None:
        employee = session.get(m.Employee, employee_id)
        if employee is None:
            raise NotFound(_("The employee no longer exists."))
        department_id = employee.department_id
    require(actor, permission, department_id, employee_id=employee_id)


def require_for_employees(session: Session, actor: Actor, permission: Permission,
                          employee_ids: Iterable[int]) -> None:
    """Refuse the whole request, naming the people and their departments, when any of ``employee_ids``
    lies outside the actor's scope for ``permission`` (by their current department): a head importing a
    file that holds another department's people writes nothing at all."""
    allowed = employee_scope(session, actor, permission)
    if allowed is None:
        return
    outside = sorted(set(employee_ids) - allowed)
    if not outside:
        return
    rows = session.execute(
        select(m.Employee.staff_no, m.Employee.name, m.Department.name)
        .outerjoin(m.Department, m.Department.id == m.Employee.department_id)
        .where(m.Employee.id.in_(outside[:MAX_NAMED + 1])).order_by(m.Employee.staff_no)
    ).all()
    people = [f"{staff_no} {name} ({department or '—'})" for staff_no, name, department in rows[:MAX_NAMED]]
    if len(outside) > MAX_NAMED:
        people.append(_("and {count} more").format(count=len(outside) - MAX_NAMED))
    raise PermissionDenied(_("{user} may not work on people outside their own departments: {people}. "
                             "Nothing was written.").format(user=actor.name, people="; ".join(people)))


#: How many people a refusal names before it only counts the rest.
MAX_NAMED = 5


def department_scope(actor: Actor, permission: Permission = P.RESULTS_READ) -> frozenset[int] | None:
    """Departments whose rows a list may show: None for all, a set for a head, empty for anyone else
    (an employee's lists are limited by :func:`own_employee_scope` instead)."""
    if permission not in ROLE_PERMISSIONS.get(actor.role, frozenset()):
        return frozenset()
    if actor.role in ORGANISATION_WIDE or permission not in SCOPED:
        return None
    if actor.role == Role.HEAD:
        return actor.department_ids
    return frozenset()


def employee_scope(session: Session, actor: Actor, permission: Permission = P.RESULTS_READ,
                   *, period_id: int | None = None) -> frozenset[int] | None:
    """Employees whose rows ``actor`` may see: None for everyone; an employee login only themselves; a
    head the people in their departments — in the period's appraisals when ``period_id`` is given
    (where someone was appraised then), otherwise by their current department."""
    from sqlalchemy import select

    if actor.role == Role.EMPLOYEE:
        allowed = can(actor, permission, employee_id=actor.employee_id)
        return frozenset({actor.employee_id}) if allowed and actor.employee_id is not None else frozenset()
    departments = department_scope(actor, permission)
    if departments is None:
        return None
    if not departments:
        return frozenset()
    placed: dict[int, int | None] = dict(session.execute(select(m.Employee.id, m.Employee.department_id)).all())
    if period_id is not None:
        placed.update(session.execute(
            select(m.Appraisal.employee_id, m.Appraisal.department_id).where(m.Appraisal.period_id == period_id)
        ).all())
    return frozenset(e for e, d in placed.items() if d in departments)


def results_scope(session: Session, actor: Actor, record: m.PeriodRecord) -> frozenset[int] | None:
    """Employees whose results of the period ``record`` the actor may read (None: everyone). An employee
    sees their own only once the results are released (review or finalized)."""
    if actor.role == Role.EMPLOYEE and record.status not in (PeriodStatus.REVIEW, PeriodStatus.FINALIZED):
        raise PermissionDenied(_("Results of {period} are not released yet.").format(period=record.code))
    return employee_scope(session, actor, P.RESULTS_READ, period_id=record.id)


def forms_scope(session: Session, actor: Actor, record: m.PeriodRecord) -> frozenset[int] | None:
    """Employees whose form responses of the period the actor may read: a head their departments', an
    employee their own (their self-assessment), everyone for administrators, HR and auditors."""
    if actor.role == Role.EMPLOYEE:
        return employee_scope(session, actor, P.FORMS_SELF, period_id=record.id)
    return employee_scope(session, actor, P.FORMS_READ, period_id=record.id)


def own_employee_scope(actor: Actor) -> int | None:
    """The one employee an employee login may see; None for other roles."""
    return actor.employee_id if actor.role == Role.EMPLOYEE else None


def only_finalized_results(actor: Actor) -> bool:
    """Employees see their results only once the period is finalized."""
    return actor.role == Role.EMPLOYEE


def role_label(role: Role | str) -> str:
    labels = {
        Role.ADMIN: _("administrator"),
        Role.HR: _("HR"),
        Role.HEAD: _("department head"),
        Role.EMPLOYEE: _("employee"),
        Role.AUDITOR: _("auditor (read-only)"),
    }
    return labels.get(Role(role), str(role))


def department_and_descendants(session: Session, department_id: int) -> set[int]:
    """A department and every department below it: the scope of its head."""
    parents: dict[int, int | None] = dict(session.execute(select(m.Department.id, m.Department.parent_id)).all())
    return with_descendants(parents, [department_id])


def may_somewhere(actor: Actor, permission: Permission) -> bool:
    """Whether the actor may use ``permission`` on at least part of the organisation: a department head
    on their own departments counts (``can`` without a department asks about the whole organisation)."""
    if can(actor, permission):
        return True
    if actor.department_ids:
        return any(can(actor, permission, department) for department in actor.department_ids)
    return actor.employee_id is not None and can(actor, permission, employee_id=actor.employee_id)
