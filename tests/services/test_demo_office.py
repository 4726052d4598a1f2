"""The generated office behind ``kpidesk demo --size N``: its size, its year of data and its repeatability."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from sqlalchemy import select

from kpidesk.errors import ValidationError
from kpidesk.services.demo_office import build_office, office_field_codes
from kpidesk.store import models as m
from kpidesk.store.db import open_database


def _fingerprint(db) -> str:
    digest = hashlib.sha256()
    with db.session() as session:
        rows = session.execute(
            select(m.Employee.staff_no, m.Employee.manager_id, m.PeriodRecord.code, m.Measurement.field_code,
                   m.Measurement.value)
            .join(m.Employee, m.Employee.id == m.Measurement.employee_id)
            .join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            .order_by(m.Employee.staff_no, m.PeriodRecord.code, m.Measurement.field_code))
        for row in rows:
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_fifty_people_get_a_year_of_values_in_every_field(db, actor):
    counts = build_office(db, actor, 50)
    assert counts["employees"] == 50 and counts["periods"] == 12
    codes = office_field_codes()
    assert len(codes) >= 30
    with db.session() as session:
        known = set(session.execute(select(m.RawField.code)).scalars()) | set(session.execute(select(m.Kpi.code)).scalars())
        per_person_month = Counter(session.execute(
            select(m.Measurement.employee_id, m.Measurement.period_id)).all())
        fields = set(session.execute(select(m.Measurement.field_code).distinct()).scalars())
        people = session.execute(select(m.Employee)).scalars().all()
        appraised = session.execute(select(m.Appraisal.template_id)).scalars().all()
    assert set(codes) <= known and fields == set(codes)
    assert len(per_person_month) == 50 * 12 and set(per_person_month.values()) == {len(codes)}
    assert sum(person.manager_id is None for person in people) == 1  # only the head of the department
    assert len(appraised) == 50 * 12 and None not in appraised  # every position has a starter template


def test_the_same_size_gives_the_same_office(tmp_path, actor):
    first, second = open_database(tmp_path / "a.db"), open_database(tmp_path / "b.db")
    build_office(first, actor, 20)
    build_office(second, actor, 20)
    assert _fingerprint(first) == _fingerprint(second)
    first.dispose()
    second.dispose()


def test_the_office_needs_an_empty_database_and_someone_in_it(db, actor):
    with pytest.raises(ValidationError):
        build_office(db, actor, 0)
    build_office(db, actor, 3)
    with pytest.raises(ValidationError):
        build_office(db, actor, 3)
