"""The same data on a PostgreSQL server: explicit upgrades, copying an office's file there and back."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kpidesk.cli import main
from kpidesk.errors import KpiDeskError
from kpidesk.services.actor import Actor
from kpidesk.services.demo import build_demo
from kpidesk.services.safety import audit
from kpidesk.services.safety.db_copy import copy_database
from kpidesk.store import models as m
from kpidesk.store.db import open_database
from kpidesk.store.schema_versions import schema_state

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def test_a_client_does_not_create_or_upgrade_a_server_schema(pg_url):
    with pytest.raises(KpiDeskError, match="db upgrade"):
        open_database(pg_url)
    assert main(["--db", pg_url, "db", "upgrade"]) == 0
    db = open_database(pg_url)
    try:
        state = schema_state(db.engine)
        assert state.current == state.head
    finally:
        db.dispose()


def test_a_client_meeting_an_older_server_schema_says_so(pg_url):
    from sqlalchemy.engine import make_url

    from kpidesk.store import migrations_runner
    from kpidesk.store.db import make_engine

    engine, _ = make_engine(make_url(pg_url))
    migrations_runner.upgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(KpiDeskError, match="0001"):
        open_database(pg_url)


def _snapshot(db):
    with db.session() as session:
        people = sorted((e.staff_no, e.name, e.department_id, e.manager_id) for e in session.execute(select(m.Employee)).scalars())
        values = sorted(
            (r.employee_id, r.period_id, r.field_code, r.value) for r in session.execute(select(m.Measurement)).scalars()
        )
        chain = audit.verify_chain(session)
    return people, values, chain.ok


def _scores(db, period):
    """The period's results in the CLI's JSON shape (finalized: from the snapshot; open: computed)."""
    from kpidesk.services.appraisal.scoring import period_scores, score_records

    with db.session() as session:
        return score_records(period_scores(session, period, actor=ADMIN))


def test_db_copy_round_trips_the_demo(tmp_path, pg_url, capsys):
    source = open_database(tmp_path / "office.db")
    build_demo(source, Actor(name="demo"))
    assert main(["db", "copy", "--from", str(tmp_path / "office.db"), "--to", pg_url]) == 0
    assert "verifies" in capsys.readouterr().out
    assert main(["db", "copy", "--from", pg_url, "--to", str(tmp_path / "back.db")]) == 0
    server = open_database(pg_url)
    back = open_database(tmp_path / "back.db")
    try:
        original = _snapshot(source)
        assert original[2] is True
        assert _snapshot(server) == original
        assert _snapshot(back) == original
        for period in ("2025-06", "2025-12"):  # a finalized snapshot, and an open period computed afresh
            assert _scores(server, period) == _scores(source, period)
        with server.write() as session:  # sequences continue after the copied ids
            audit.record(session, "tester", "after.copy")
        with server.session() as session:
            assert audit.verify_chain(session).ok
    finally:
        for db in (source, server, back):
            db.dispose()


def test_copy_refuses_a_target_that_holds_data(tmp_path, pg_url):
    source = open_database(tmp_path / "office.db")
    build_demo(source, Actor(name="demo"))
    target = open_database(pg_url, migrate=True)
    try:
        copy_database(source, target)
        with pytest.raises(KpiDeskError, match="not empty"):
            copy_database(source, target)
    finally:
        source.dispose()
        target.dispose()


def test_concurrent_audit_appends_keep_one_chain(pg_url):
    db = open_database(pg_url, migrate=True)
    errors = []

    def append(n: int) -> None:
        try:
            for i in range(10):
                with db.write() as session:
                    audit.record(session, f"writer{n}", "test.append", new={"i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        with db.session() as session:
            check = audit.verify_chain(session)
        assert check.ok and check.checked == 40
    finally:
        db.dispose()
