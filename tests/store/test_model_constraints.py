from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kpidesk.errors import ValidationError
from kpidesk.services.people import staff
from kpidesk.store import models as m


def test_staff_number_is_unique_in_the_database(db):
    from kpidesk.errors import ConflictError

    with pytest.raises(ConflictError):  # the database's unique constraint, reported as a conflict
        with db.write() as session:
            session.add_all([m.Employee(staff_no="A1", name="甲"), m.Employee(staff_no="A1", name="乙")])
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(m.Employee)).scalar() == 0


def test_staff_service_refuses_a_duplicate_staff_number_with_a_message(db, actor):
    with db.write() as session:
        staff.add_employee(session, actor, staff_no="CS001", name="王芳")
    with pytest.raises(ValidationError, match="CS001"):
        with db.write() as session:
            staff.add_employee(session, actor, staff_no="CS001", name="张伟")


def test_weights_are_stored_exactly(db):
    with db.write() as session:
        template = m.Template(key="t", name_zh="表", name_en="T")
        for code in ("a", "b", "c"):
            session.add(m.Kpi(code=code, name_zh=code, name_en=code, unit="percent", direction="higher"))
        session.flush()
        kpis = session.execute(select(m.Kpi).order_by(m.Kpi.code)).scalars().all()
        for kpi, weight in zip(kpis, ["33.33", "33.33", "33.34"], strict=True):
            template.items.append(m.TemplateItem(kpi_id=kpi.id, weight=Decimal(weight)))
        session.add(template)
    with db.session() as session:
        weights = session.execute(select(m.TemplateItem.weight)).scalars().all()
    assert all(isinstance(w, Decimal) for w in weights)
    assert sum(weights) == Decimal(100)
    assert sum(weights, Decimal(0)) == Decimal("100.0000")


def test_an_employee_who_leaves_keeps_all_appraisal_history(demo_db, actor):
    with demo_db.session() as session:
        employee = session.execute(select(m.Employee).where(m.Employee.staff_no == "CS001")).scalar_one()
        before = session.execute(
            select(func.count()).select_from(m.Measurement).where(m.Measurement.employee_id == employee.id)
        ).scalar()
    assert before > 0
    with demo_db.write() as session:
        staff.mark_left(session, actor, employee.id, on=date(2025, 12, 31))
    with demo_db.session() as session:
        after = session.execute(
            select(func.count()).select_from(m.Measurement).where(m.Measurement.employee_id == employee.id)
        ).scalar()
        assert session.get(m.Employee, employee.id).active is False
    assert after == before


def test_deleting_an_employee_with_history_is_refused(demo_db):
    with pytest.raises(IntegrityError):
        with demo_db.write() as session:
            employee = session.execute(select(m.Employee).where(m.Employee.staff_no == "CS001")).scalar_one()
            session.delete(employee)
    with demo_db.session() as session:
        assert session.execute(select(m.Employee).where(m.Employee.staff_no == "CS001")).scalar_one()


def test_transfer_records_the_move_and_keeps_the_old_department(db, actor):
    with db.write() as session:
        a = staff.get_or_create_department(session, "一组")
        b = staff.get_or_create_department(session, "二组")
        employee = staff.add_employee(session, actor, staff_no="X1", name="甲", department_id=a.id)
        staff.transfer_employee(session, actor, employee.id, department_id=b.id, reason="调岗")
    with db.session() as session:
        move = session.execute(select(m.EmployeeMove)).scalar_one()
        assert (move.from_department_id, move.to_department_id) == (a.id, b.id)
        assert session.get(m.Employee, employee.id).department_id == b.id


@pytest.mark.sqlite_only
def test_sqlite_pragmas_protect_the_data(db):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_statuses_are_read_back_as_their_enums_and_a_misspelt_one_is_refused(db):
    from kpidesk.domain.statuses import PeriodStatus

    with db.write() as session:
        session.add(m.PeriodRecord(code="2025-01", kind="month", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 31)))
    with db.session() as session:
        status = session.execute(select(m.PeriodRecord.status)).scalar_one()
    assert status is PeriodStatus.OPEN

    with pytest.raises(IntegrityError, match="ck_periods_status"):
        with db.write() as session:
            session.execute(select(m.PeriodRecord)).scalar_one().status = "finalised"
    with db.session() as session:
        assert session.execute(select(m.PeriodRecord.status)).scalar_one() is PeriodStatus.OPEN
