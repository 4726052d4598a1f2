"""Sign-offs: finalized periods only, one current signature per role, permission checked, audited."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import periods, signoffs
from kpidesk.services.safety import audit
from kpidesk.store import models as m


def _employee(session, staff_no):
    return session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no)).scalar_one()


def test_a_signoff_is_recorded_listed_and_audited(demo_db, actor):
    with demo_db.write() as session:
        wang = _employee(session, "CS001")
        row = signoffs.record_signoff(session, actor, "2025-11", wang.id, "employee", "王芳")
    assert row.current and row.role == "employee" and row.signed_by == "王芳"
    with demo_db.session() as session:
        rows = signoffs.list_signoffs(session, actor, "2025-11")
        entries = audit.list_entries(session, actor, audit.AuditFilter(action="signoff"))
    assert [(r.staff_no, r.role) for r in rows] == [("CS001", "employee")]
    assert signoffs.signed_roles(rows) == {wang.id: {"employee"}}
    assert entries[0].action == "signoff.record" and entries[0].new["signed_by"] == "王芳"


def test_open_periods_are_not_signed(demo_db, actor):
    with demo_db.write() as session, pytest.raises(ValidationError, match="finalized"):
        signoffs.record_signoff(session, actor, "2025-12", _employee(session, "CS001").id, "manager", "李强")


def test_the_same_role_signs_once_and_needs_a_name_and_a_real_date(demo_db, actor):
    with demo_db.write() as session:
        wang = _employee(session, "CS001").id
        signoffs.record_signoff(session, actor, "2025-11", wang, "manager", "李强")
        with pytest.raises(ValidationError, match="already signed"):
            signoffs.record_signoff(session, actor, "2025-11", wang, "manager", "李强")
        with pytest.raises(ValidationError):
            signoffs.record_signoff(session, actor, "2025-11", wang, "hr", "  ")
        with pytest.raises(ValidationError, match="future"):
            signoffs.record_signoff(session, actor, "2025-11", wang, "hr", "人事", date.today() + timedelta(days=2))
        with pytest.raises(ValidationError):
            signoffs.record_signoff(session, actor, "2025-11", wang, "ceo", "周杰")


def test_reopening_makes_old_signatures_stale(demo_db, actor):
    with demo_db.write() as session:
        wang = _employee(session, "CS001").id
        signoffs.record_signoff(session, actor, "2025-11", wang, "employee", "王芳")
        periods.reopen_period(session, actor, "2025-11", "wrong data")
    with demo_db.session() as session:
        assert [r.current for r in signoffs.list_signoffs(session, actor, "2025-11")] == [False]


def test_a_head_signs_only_in_their_departments(demo_db):
    with demo_db.write() as session:
        wang = _employee(session, "CS001")
        other = wang.department_id + 1000
        head = Actor(name="head", role=Role.HEAD, department_ids=frozenset({other}))
        with pytest.raises(PermissionDenied):
            signoffs.record_signoff(session, head, "2025-11", wang.id, "manager", "李强")
        own_head = Actor(name="head", role=Role.HEAD, department_ids=frozenset({wang.department_id}))
        signoffs.record_signoff(session, own_head, "2025-11", wang.id, "manager", "李强")
        auditor = Actor(name="auditor", role=Role.AUDITOR)
        with pytest.raises(PermissionDenied):
            signoffs.record_signoff(session, auditor, "2025-11", wang.id, "hr", "人事")


def test_removing_a_signoff_needs_a_reason(demo_db, actor):
    with demo_db.write() as session:
        row = signoffs.record_signoff(session, actor, "2025-11", _employee(session, "CS002").id, "hr", "人事")
        with pytest.raises(ValidationError):
            signoffs.remove_signoff(session, actor, row.id, "")
        signoffs.remove_signoff(session, actor, row.id, "recorded for the wrong person")
    with demo_db.session() as session:
        assert signoffs.list_signoffs(session, actor, "2025-11") == []
        entry = audit.list_entries(session, actor, audit.AuditFilter(action="signoff.remove"))[0]
    assert entry.reason == "recorded for the wrong person"
