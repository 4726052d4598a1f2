"""With access control on, the window asks who is working and acts with that person's rights."""

from __future__ import annotations

from kpidesk.services.actor import Role
from kpidesk.services.safety import auth


def _protect(db, actor):
    with db.write() as session:
        auth.enable_access(session, actor, "hr-wang", "correct horse")
        auth.add_user(session, actor, "auditor", "battery staple", Role.AUDITOR)
    path = db.path
    db.dispose()
    return path


def test_a_protected_database_asks_for_a_login_and_uses_that_role(make_window, starter_db, actor, dialogs, qtbot):
    path = _protect(starter_db, actor)
    dialogs.queue(("auditor", "wrong password"), ("auditor", "battery staple"))
    window = make_window(opened_on=path)
    assert window.ctx.db is not None
    assert window.ctx.actor.name == "auditor" and window.ctx.actor.role == Role.AUDITOR
    logins = [a for a in dialogs.asked if a.kind == "credentials"]
    assert len(logins) == 2
    assert logins[1].text != logins[0].text, "the second prompt says why the first failed"


def test_giving_up_the_login_leaves_the_database_closed(make_window, starter_db, actor, dialogs, qtbot):
    path = _protect(starter_db, actor)
    window = make_window(opened_on=path)  # nothing queued: the login is cancelled
    assert window.ctx.db is None
    assert any(a.kind == "credentials" for a in dialogs.asked)


def test_single_user_mode_asks_nothing(main_window, dialogs):
    assert main_window.ctx.db is not None
    assert not any(a.kind == "credentials" for a in dialogs.asked)
    assert main_window.ctx.actor.role == Role.ADMIN


def test_the_pay_page_is_hidden_from_a_login_that_may_not_see_pay(make_window, starter_db, actor, dialogs, qtbot):
    path = _protect(starter_db, actor)
    dialogs.queue(("auditor", "battery staple"))
    window = make_window(opened_on=path)
    assert window.ctx.actor.role == Role.AUDITOR
    pay_row = window.page_keys().index("pay")
    assert window.sidebar.isRowHidden(pay_row) and not window.page_actions[pay_row].isVisible()
    assert not window.sidebar.isRowHidden(window.page_keys().index("results"))


def test_an_employee_sees_no_staff_list_or_data_entry_but_their_own_pay(make_window, starter_db, actor, dialogs,
                                                                        qtbot):
    from kpidesk.services.people import staff

    with starter_db.write() as session:
        department = staff.get_or_create_department(session, "客服部")
        clerk = staff.add_employee(session, actor, staff_no="E1", name="王芳", department_id=department.id)
        clerk_id = clerk.id
    path = _protect(starter_db, actor)
    from kpidesk.store.db import open_database

    reopened = open_database(path)
    with reopened.write() as session:
        auth.add_user(session, actor, "wf", "employee-secret", Role.EMPLOYEE, employee_id=clerk_id)
    reopened.dispose()
    dialogs.queue(("wf", "employee-secret"))
    window = make_window(opened_on=path)
    assert window.ctx.actor.role == Role.EMPLOYEE
    hidden = {key for row, key in enumerate(window.page_keys()) if window.sidebar.isRowHidden(row)}
    assert hidden == {"staff", "data_entry"}


def test_the_pay_page_shows_for_the_local_owner(main_window):
    assert not main_window.sidebar.isRowHidden(main_window.page_keys().index("pay"))
