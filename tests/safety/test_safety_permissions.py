"""The permission rules themselves: what each role may do, and a head's department scope."""

from __future__ import annotations

import pytest

from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety.access import (
    ROLE_PERMISSIONS,
    Permission,
    can,
    department_scope,
    only_finalized_results,
    require,
    role_label,
)

P = Permission
ADMIN = Actor("admin", role=Role.ADMIN)
HR = Actor("hr", role=Role.HR)
HEAD = Actor("zhang", role=Role.HEAD, employee_id=10, department_ids=frozenset({1, 2}))
EMPLOYEE = Actor("li", role=Role.EMPLOYEE, employee_id=20)
AUDITOR = Actor("audit", role=Role.AUDITOR)


def test_single_user_mode_actor_may_do_everything():
    system = Actor.local_owner()
    assert all(can(system, p) for p in Permission)


def test_head_is_limited_to_own_departments():
    assert can(HEAD, P.RESULTS_READ, 1) and can(HEAD, P.DATA_WRITE, 2)
    assert not can(HEAD, P.RESULTS_READ, 3)
    assert not can(HEAD, P.RESULTS_READ)  # the whole organisation
    with pytest.raises(PermissionDenied, match="own department"):
        require(HEAD, P.RESULTS_READ, 3)


def test_head_cannot_manage_the_organisation():
    for permission in (P.PERIODS_MANAGE, P.LIBRARY_WRITE, P.USERS_MANAGE, P.SETTINGS_WRITE, P.AUDIT_READ,
                       P.RESTORE, P.BACKUP, P.IMPORT_LIBRARY, P.PAY_READ, P.PAY_MANAGE):
        assert not can(HEAD, permission, 1)


def test_hr_runs_the_whole_organisation_but_not_logins_restore_or_the_database_file():
    kept_from_hr = {P.USERS_MANAGE, P.RESTORE, P.DATABASE_ADMIN}
    for permission in Permission:
        assert can(HR, permission) == (permission not in kept_from_hr), permission
        assert can(HR, permission, 3) == (permission not in kept_from_hr), permission
    assert department_scope(HR) is None and department_scope(HR, P.DATA_WRITE) is None
    with pytest.raises(PermissionDenied, match="HR"):
        require(HR, P.USERS_MANAGE)


def test_only_hr_and_administrators_have_pay_rights():
    for actor in (ADMIN, HR):
        assert can(actor, P.PAY_READ) and can(actor, P.PAY_MANAGE)
    assert can(EMPLOYEE, P.PAY_OWN) and not can(HEAD, P.PAY_OWN) and not can(AUDITOR, P.PAY_OWN)
    for actor in (HEAD, EMPLOYEE, AUDITOR):
        assert not can(actor, P.PAY_READ, 1, employee_id=actor.employee_id)
        assert not can(actor, P.PAY_MANAGE, 1, employee_id=actor.employee_id)


def test_employee_sees_only_their_own_record():
    assert can(EMPLOYEE, P.FORMS_SELF, employee_id=20)
    assert can(EMPLOYEE, P.RESULTS_READ, employee_id=20)
    assert not can(EMPLOYEE, P.RESULTS_READ, employee_id=21)
    assert not can(EMPLOYEE, P.RESULTS_READ, 1)
    assert not can(EMPLOYEE, P.FORMS_WRITE, employee_id=20)  # the manager's assessment
    assert only_finalized_results(EMPLOYEE) and not only_finalized_results(HEAD)


def test_auditor_reads_everything_and_writes_nothing():
    writes = {p for p in Permission if p.value.endswith(("write", "manage", "compute", "adjust", "record"))}
    writes |= {P.RESTORE, P.BACKUP, P.FORMS_SELF, P.IMPORT_LIBRARY}
    withheld = {P.PAY_READ, P.PAY_OWN}  # pay is for HR and administrators, however read-only the look
    withheld.add(P.DATABASE_ADMIN)  # checking, copying and upgrading the file is an administrator's
    for permission in Permission:
        assert can(AUDITOR, permission, 3) == (permission not in writes | withheld), permission


def test_scope_for_lists():
    assert department_scope(ADMIN) is None and department_scope(AUDITOR) is None and department_scope(HR) is None
    assert department_scope(HEAD) == {1, 2}
    assert department_scope(EMPLOYEE) == frozenset()
    assert department_scope(AUDITOR, P.DATA_WRITE) == frozenset()


def test_every_role_is_described():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert {role_label(role) for role in Role} == {
        "administrator", "HR", "department head", "employee", "auditor (read-only)"}
