"""Saving a value someone else changed since it was shown is refused, naming who and when."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.errors import ConflictError, LockedPeriodError
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal import measurements
from kpidesk.store import models as m


def _cell(db, staff_no="CS002", field="contacts"):
    with db.session() as session:
        return session.execute(
            select(m.Measurement).join(m.Employee, m.Employee.id == m.Measurement.employee_id)
            .join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            .where(m.Employee.staff_no == staff_no, m.Measurement.field_code == field, m.PeriodRecord.code == "2025-12")
        ).scalar_one()


def test_a_stale_edit_is_refused_and_names_who_changed_it(demo_db):
    cell = _cell(demo_db)
    shown = cell.version
    with demo_db.write() as session:
        measurements.set_values(session, Actor(name="zhao"), "2025-12",
                                [measurements.ValueChange(cell.employee_id, "contacts", Decimal(400), shown)])
    with pytest.raises(ConflictError, match="zhao"):
        with demo_db.write() as session:
            measurements.set_values(session, Actor(name="li"), "2025-12",
                                    [measurements.ValueChange(cell.employee_id, "contacts", Decimal(401), shown)])
    after = _cell(demo_db)
    assert after.value == Decimal(400) and after.version == shown + 1


def test_each_saved_change_bumps_the_version(demo_db):
    cell = _cell(demo_db)
    for value in (10, 11):
        current = _cell(demo_db).version
        with demo_db.write() as session:
            measurements.set_values(session, Actor(name="a"), "2025-12",
                                    [measurements.ValueChange(cell.employee_id, "contacts", Decimal(value), current)])
    assert _cell(demo_db).version == cell.version + 2


def test_values_of_a_finalized_period_cannot_change(demo_db):
    with demo_db.session() as session:
        employee_id = session.execute(select(m.Employee.id).where(m.Employee.staff_no == "CS002")).scalar_one()
    with pytest.raises(LockedPeriodError):
        with demo_db.write() as session:
            measurements.set_values(session, Actor(name="a"), "2025-06",
                                    [measurements.ValueChange(employee_id, "contacts", Decimal(1))])
