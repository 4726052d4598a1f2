"""The people use cases the window and the command line call: one unit of work each, as the actor given."""

import pytest
from sqlalchemy import select

from kpidesk.errors import NotFound, PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.people import use_cases as people
from kpidesk.store import models as m


def _id(db, staff_no: str) -> int:
    with db.session() as session:
        return session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar_one()


def test_staff_no_of_answers_for_whom_the_actor_may_read(demo_db, actor):
    cs001, cs002 = _id(demo_db, "CS001"), _id(demo_db, "CS002")
    assert people.staff_no_of(demo_db, actor, cs002) == "CS002"
    own = Actor(name="wang", role=Role.EMPLOYEE, employee_id=cs001)
    assert people.staff_no_of(demo_db, own, cs001) == "CS001"
    with pytest.raises(PermissionDenied):
        people.staff_no_of(demo_db, own, cs002)
    assert people.staff_no_of(demo_db, actor, 999_999) is None


def test_login_scope_finds_the_employee_and_the_department(demo_db, actor):
    with demo_db.session() as session:
        department = session.execute(select(m.Department).order_by(m.Department.id)).scalars().first()
        name, department_id = department.name, department.id
    assert people.login_scope(demo_db, actor, "CS001", name) == (_id(demo_db, "CS001"), department_id)
    assert people.login_scope(demo_db, actor, None, str(department_id)) == (None, department_id)
    with pytest.raises(NotFound):
        people.login_scope(demo_db, actor, None, "no such department")
    with pytest.raises(PermissionDenied):  # only who manages logins looks this up
        people.login_scope(demo_db, Actor(name="hr", role=Role.HR), "CS001", None)


def test_staff_writes_are_one_unit_of_work_each_and_checked(db, actor):
    department = people.add_department(db, actor, "客服部")
    employee = people.add_employee(db, actor, staff_no="E1", name="张三", department_id=department,
                                   position_name="坐席")
    departments, positions, employees = people.staff_lists(db, actor)
    assert [d.name for d in departments] == ["客服部"] and [p.name for p in positions] == ["坐席"]
    assert [(e.staff_no, e.position) for e in employees] == [("E1", "坐席")]
    people.update_employee(db, actor, employee, name="张三丰")
    other = people.add_department(db, actor, "质检部")
    people.transfer_employee(db, actor, employee, department_id=other, position_name="质检员")
    assert [move.to_department for move in people.employee_moves(db, actor, employee)] == ["质检部"]
    people.undo_transfer(db, actor, employee)
    people.mark_left(db, actor, employee)
    people.reinstate_employee(db, actor, employee)
    _d, _p, employees = people.staff_lists(db, actor)
    assert [(e.name, e.department, e.active) for e in employees] == [("张三丰", "客服部", True)]
    auditor = Actor(name="auditor", role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        people.update_employee(db, auditor, employee, name="x")
    with pytest.raises(PermissionDenied):
        people.add_employee(db, auditor, staff_no="E2", name="李四")


def test_organisation_settings_are_read_and_saved_together(db, actor):
    from dataclasses import replace

    settings, bands = people.organisation_settings(db, actor)
    renamed = replace(settings, name="星海客服中心")
    with pytest.raises(PermissionDenied):
        people.save_organisation_settings(db, Actor(name="auditor", role=Role.AUDITOR), renamed)
    people.save_organisation_settings(db, actor, renamed)
    assert people.organisation_settings(db, actor) == (renamed, bands)
    relabelled = [replace(bands[0], label_en="Outstanding"), *bands[1:]]
    people.save_organisation_settings(db, actor, renamed, relabelled)
    assert people.organisation_settings(db, actor)[1] == relabelled


def test_positions_are_listed_for_pickers(db, actor):
    department = people.add_department(db, actor, "客服部")
    people.add_employee(db, actor, staff_no="E1", name="张三", department_id=department, position_name="坐席")
    assert [p.name for p in people.positions(db, actor)] == ["坐席"]
