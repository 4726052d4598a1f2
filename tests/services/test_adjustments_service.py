from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.errors import LockedPeriodError, PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import adjustments
from kpidesk.services.appraisal.scoring import compute_period
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def _employee(db, staff_no):
    with db.session() as session:
        return session.execute(select(m.Employee).where(m.Employee.staff_no == staff_no)).scalar_one()


def _total(db, staff_no, period="2025-12"):
    with db.session() as session:
        frame = compute_period(session, period, actor=ADMIN)
    row = frame[frame["staff_no"] == staff_no].iloc[0]
    return row["total"], row["adjustments"]


def test_an_adjustment_moves_the_total_and_is_audited(demo_db, actor):
    employee = _employee(demo_db, "CS002")
    before, _ = _total(demo_db, "CS002")
    with demo_db.write() as session:
        adjustments.add_adjustment(session, actor, "2025-12", employee.id, "2.5", "客户书面表扬")
    after, points = _total(demo_db, "CS002")
    assert float(points) == pytest.approx(2.5)
    assert float(after) == pytest.approx(min(120.0, float(before) + 2.5), abs=0.01)
    with demo_db.session() as session:
        entry = session.execute(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).scalars().first()
        listed = adjustments.list_adjustments(session, actor, "2025-12", employee.id)
    assert entry.action == "adjustment.add" and entry.reason == "客户书面表扬"
    assert [a.points for a in listed] == [Decimal("2.5000")]


@pytest.mark.parametrize("points, reason", [("2", "  "), ("abc", "表扬"), ("0", "表扬"), ("80", "表扬")])
def test_bad_adjustments_are_refused_with_a_message(demo_db, actor, points, reason):
    employee = _employee(demo_db, "CS002")
    with pytest.raises(ValidationError):
        with demo_db.write() as session:
            adjustments.add_adjustment(session, actor, "2025-12", employee.id, points, reason)
    with demo_db.session() as session:
        assert adjustments.list_adjustments(session, actor, "2025-12", employee.id) == []


def test_finalized_periods_refuse_adjustments_and_exemptions(demo_db, actor):
    employee = _employee(demo_db, "CS002")
    with demo_db.session() as session:
        status = session.execute(select(m.PeriodRecord.status).where(m.PeriodRecord.code == "2025-11")).scalar()
    if status != "finalized":
        from kpidesk.services.appraisal.periods import finalize_period

        with demo_db.write() as session:
            finalize_period(session, actor, "2025-11")
    with pytest.raises(LockedPeriodError):
        with demo_db.write() as session:
            adjustments.add_adjustment(session, actor, "2025-11", employee.id, "1", "迟到补记")
    with pytest.raises(LockedPeriodError):
        with demo_db.write() as session:
            adjustments.add_exemption(session, actor, "2025-11", employee.id, "fcr", "系统故障")


def test_an_exemption_takes_the_kpi_out_of_the_score(demo_db, actor):
    employee = _employee(demo_db, "CS002")
    with demo_db.write() as session:
        adjustments.add_exemption(session, actor, "2025-12", employee.id, "first_response_time", "话务量异常")
    with demo_db.session() as session:
        frame = compute_period(session, "2025-12", actor=ADMIN)
        listed = adjustments.list_exemptions(session, actor, "2025-12")
    row = frame[frame["staff_no"] == "CS002"].iloc[0]
    assert row["first_response_time.status"] == "exempt"
    assert [(e.kpi_code, e.reason) for e in listed] == [("first_response_time", "话务量异常")]
    with pytest.raises(ValidationError):
        with demo_db.write() as session:
            adjustments.add_exemption(session, actor, "2025-12", employee.id, "first_response_time", "again")


def test_removing_an_adjustment_is_audited_with_the_old_value(demo_db, actor):
    employee = _employee(demo_db, "CS002")
    with demo_db.write() as session:
        row = adjustments.add_adjustment(session, actor, "2025-12", employee.id, "-3", "迟到")
    with demo_db.write() as session:
        adjustments.remove_adjustment(session, actor, row.id, reason="录入错误")
    with demo_db.session() as session:
        entry = session.execute(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).scalars().first()
        assert adjustments.list_adjustments(session, actor, "2025-12", employee.id) == []
    assert entry.action == "adjustment.remove" and entry.old["points"] == "-3.0000"


def test_a_head_cannot_adjust_another_departments_employee(demo_db):
    employee = _employee(demo_db, "CS002")
    stranger = Actor(name="head", role=Role.HEAD, department_ids=frozenset({99999}))
    with pytest.raises(PermissionDenied):
        with demo_db.write() as session:
            adjustments.add_adjustment(session, stranger, "2025-12", employee.id, "1", "试图")


def test_lists_leave_out_people_a_head_may_not_see(demo_db, actor):
    mine, other = _employee(demo_db, "CS002"), _employee(demo_db, "CS004")
    with demo_db.write() as session:
        adjustments.add_adjustment(session, actor, "2025-12", mine.id, "1", "表扬")
        adjustments.add_adjustment(session, actor, "2025-12", other.id, "-1", "迟到")
        adjustments.add_exemption(session, actor, "2025-12", other.id, "fcr", "系统故障")
    head = Actor(name="li", role=Role.HEAD, department_ids=frozenset({mine.department_id}))
    with demo_db.session() as session:
        listed = adjustments.list_adjustments(session, head, "2025-12")
        exempt = adjustments.list_exemptions(session, head, "2025-12")
    assert [a.employee_id for a in listed] == [mine.id]
    assert exempt == []
