"""``kpidesk verify-sheet``: the hash printed on a sheet is checked against the stored snapshot."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.printing.verification import period_snapshot_hash, verify_sheet

PERIOD = "2025-10"
ADMIN = Actor("hr")


@pytest.fixture
def printed(demo_db):
    with demo_db.session() as session:
        return period_snapshot_hash(session, PERIOD)


def _check(db, staff_no, digest, actor=ADMIN):
    with db.session() as session:
        return verify_sheet(session, actor, PERIOD, staff_no, digest)


def test_the_printed_hash_matches(demo_db, printed):
    result = _check(demo_db, "CS001", printed)
    assert result.ok and "CS001" in result.message


def test_a_shortened_or_spaced_hash_is_accepted_but_not_a_tiny_one(demo_db, printed):
    spaced = " ".join(printed[i:i + 4] for i in range(0, 16, 4))
    assert _check(demo_db, "CS001", spaced.upper()).ok
    with pytest.raises(ValidationError):
        _check(demo_db, "CS001", printed[:8])


def test_another_hash_does_not_match(demo_db, printed):
    result = _check(demo_db, "CS001", "f" * 64)
    assert not result.ok and "does not match" in result.message


def test_altered_stored_results_are_detected(demo_db, printed):
    con = sqlite3.connect(demo_db.path)
    content = json.loads(con.execute("SELECT content FROM snapshots WHERE content_hash = ?", (printed,)).fetchone()[0])
    content["rows"][0]["total"] = 99.5  # someone edits a total in the file
    con.execute("UPDATE snapshots SET content = ? WHERE content_hash = ?",
                (json.dumps(content, ensure_ascii=False, sort_keys=True), printed))
    con.commit()
    con.close()
    result = _check(demo_db, "CS001", printed)
    assert not result.ok and "altered" in result.message


def test_an_employee_not_appraised_is_named(demo_db, printed):
    result = _check(demo_db, "CS010", printed)  # left in September
    assert not result.ok and "CS010" in result.message


def test_a_sheet_from_before_a_reopening_is_out_of_date(demo_db, printed):
    from decimal import Decimal

    from kpidesk.services.appraisal import measurements, periods
    from kpidesk.services.people.staff import employee_by_staff_no

    with demo_db.write() as session:
        periods.reopen_period(session, ADMIN, PERIOD, "更正数据")
        employee = employee_by_staff_no(session, "CS001")
        measurements.set_values(session, ADMIN, PERIOD, [measurements.ValueChange(employee.id, "csat", Decimal(70))])
        periods.finalize_period(session, ADMIN, PERIOD)
    old = _check(demo_db, "CS001", printed)
    assert not old.ok and old.superseded and "out of date" in old.message
    with demo_db.session() as session:
        assert _check(demo_db, "CS001", period_snapshot_hash(session, PERIOD)).ok


def test_a_head_cannot_probe_another_departments_sheet(demo_db, printed):
    with demo_db.session() as session:
        from kpidesk.services.people.staff import employee_by_staff_no

        team = employee_by_staff_no(session, "CS007").department_id
    head = Actor("lq", role=Role.HEAD, department_ids=frozenset({team}))
    assert _check(demo_db, "CS001", printed, head).ok
    with pytest.raises(PermissionDenied):
        _check(demo_db, "CS008", printed, head)


def test_cli_verify_sheet(demo_db, printed, capsys):
    from kpidesk.cli import main

    path = str(demo_db.path)
    demo_db.dispose()
    assert main(["--db", path, "verify-sheet", "--period", PERIOD, "--employee", "CS001", printed]) == 0
    assert "matches" in capsys.readouterr().out
    assert main(["--db", path, "verify-sheet", "--period", PERIOD, "--employee", "CS001", "a" * 64]) == 1
