"""Several department heads on one server: different cells both land; the same cell never silently overwrites."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.errors import ConflictError, LockedPeriodError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import measurements
from kpidesk.services.demo import build_demo
from kpidesk.services.safety.db_copy import copy_database
from kpidesk.store import models as m
from kpidesk.store.db import open_database


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("office") / "office.db"
    db = open_database(path)
    build_demo(db, Actor(name="demo"))
    db.dispose()
    return path


@pytest.fixture
def server(pg_url, demo_file):
    source = open_database(demo_file)
    target = open_database(pg_url, migrate=True)
    copy_database(source, target)
    source.dispose()
    yield target
    target.dispose()


def _people(db):
    with db.session() as session:
        return {e.staff_no: e for e in session.execute(select(m.Employee)).scalars()}


def _version(db, employee_id, field="contacts"):
    with db.session() as session:
        return session.execute(
            select(m.Measurement.version).join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            .where(m.Measurement.employee_id == employee_id, m.Measurement.field_code == field,
                   m.PeriodRecord.code == "2025-12")
        ).scalar_one()


def _run_together(*jobs):
    """Start every job at once (a barrier), collect what each raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def wrap(i, job):
        barrier.wait()
        try:
            job()
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=wrap, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _head(people, staff_no):
    team = people[staff_no].department_id
    return Actor(name=f"head-{staff_no}", role=Role.HEAD, department_ids=frozenset({team}))


def test_two_heads_entering_data_for_different_departments_both_succeed(server):
    people = _people(server)
    a, b = people["CS001"], people["CS004"]  # 一组 and 二组

    def enter(employee, actor, value):
        def job():
            with server.write() as session:
                measurements.set_values(session, actor, "2025-12", [
                    measurements.ValueChange(employee.id, "contacts", Decimal(value), _version(server, employee.id))
                ])
        return job

    outcomes = _run_together(enter(a, _head(people, "CS001"), 501), enter(b, _head(people, "CS004"), 502))
    assert outcomes == [None, None]
    with server.session() as session:
        values = measurements.values_for_period(session, Actor(name="hr"), "2025-12")
    assert values[(a.id, "contacts")] == Decimal("501") and values[(b.id, "contacts")] == Decimal("502")


def test_two_people_editing_the_same_cell_get_a_conflict_not_an_overwrite(server):
    people = _people(server)
    employee = people["CS002"]
    seen = _version(server, employee.id)
    admin = Actor(name="hr")

    def enter(value):
        def job():
            with server.write() as session:
                measurements.set_values(session, admin, "2025-12", [
                    measurements.ValueChange(employee.id, "contacts", Decimal(value), seen)
                ])
        return job

    outcomes = _run_together(enter(111), enter(222))
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(conflicts) == 1 and outcomes.count(None) == 1, outcomes
    assert "changed" in str(conflicts[0])
    with server.session() as session:
        stored = measurements.values_for_period(session, Actor(name="hr"), "2025-12")[(employee.id, "contacts")]
    winner = 111 if outcomes[0] is None else 222
    assert stored == Decimal(winner)
    assert _version(server, employee.id) == seen + 1


def test_a_write_racing_finalize_either_lands_before_it_or_is_refused(server):
    from kpidesk.services.appraisal.periods import finalize_period

    people = _people(server)
    employee = people["CS005"]
    admin = Actor(name="hr")

    def write():
        with server.write() as session:
            measurements.set_values(session, admin, "2025-12", [
                measurements.ValueChange(employee.id, "contacts", Decimal(333))
            ])

    def finalize():
        with server.write() as session:
            finalize_period(session, admin, "2025-12")

    outcomes = _run_together(write, finalize)
    assert outcomes[1] is None
    with server.session() as session:
        snapshot = session.execute(select(m.Snapshot).join(m.PeriodRecord).where(m.PeriodRecord.code == "2025-12")).scalar_one()
        stored = measurements.values_for_period(session, Actor(name="hr"), "2025-12")[(employee.id, "contacts")]
    used = snapshot.content
    if outcomes[0] is None:  # the write went first: the snapshot must contain it
        assert stored == Decimal(333)
        assert "333" in str(used)
    else:
        assert isinstance(outcomes[0], LockedPeriodError)
        assert stored != Decimal(333)
