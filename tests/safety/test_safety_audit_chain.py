"""The audit log: tampering is detected and named; listing, filtering and export."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from tests_support.dbs import db_target, run_sql

from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety import audit

HR = Actor("hr")


@pytest.fixture
def logged(db):
    with db.write() as session:
        for n in range(6):
            audit.record(session, HR if n % 2 else "张经理", "value.set", entity="measurement",
                         entity_id=f"2025-03/{n}/csat", old=str(80 + n), new=str(90 + n),
                         reason="复核" if n == 3 else None)
        audit.record_import(session, HR, kind="data", file="/tmp/ticket_export.xlsx", checksum="ab" * 32,
                            counts={"inserted": 120, "updated": 3, "skipped": 0}, period="2025-03")
    return db


def _verify(db):
    with db.session() as session:
        return audit.verify_chain(session)


def _sql(db, statement, **params):
    run_sql(db, statement, **params)


def test_an_untouched_log_verifies(logged):
    check = _verify(logged)
    assert check.ok and check.checked == 7


def test_an_edited_value_names_the_entry(logged):
    _sql(logged, "UPDATE audit_log SET new = '\"99\"' WHERE id = 3")
    check = _verify(logged)
    assert not check.ok and check.first_broken_id == 3 and check.problem == "content"
    assert "3" in audit.describe_check(check)


def test_an_edited_actor_or_time_is_detected(logged):
    _sql(logged, "UPDATE audit_log SET actor = 'someone' WHERE id = 5")
    assert _verify(logged).first_broken_id == 5


def test_a_deleted_entry_breaks_the_link_of_the_next(logged):
    _sql(logged, "DELETE FROM audit_log WHERE id = 4")
    check = _verify(logged)
    assert not check.ok and check.first_broken_id == 5 and check.problem == "link"


def test_removing_the_newest_entries_is_detected(logged):
    _sql(logged, "DELETE FROM audit_log WHERE id >= 6")
    check = _verify(logged)
    assert not check.ok and check.problem == "missing" and check.first_broken_id == 7


def test_a_recomputed_hash_without_the_chain_is_still_caught(logged):
    """Rewriting one entry and its own hash breaks the next entry's link."""
    with logged.session() as session:
        from kpidesk.store.models import AuditEntry

        entry = session.get(AuditEntry, 2)
        entry.reason = "forged"
        forged = audit._entry_hash(entry.prev_hash, audit._hashed_fields(entry))
    _sql(logged, "UPDATE audit_log SET reason = 'forged', hash = :forged WHERE id = 2", forged=forged)
    check = _verify(logged)
    assert check.first_broken_id == 3 and check.problem == "link"


def test_cli_audit_verify_fails_on_tampering(logged, capsys):
    from kpidesk.cli import main

    path = db_target(logged)
    logged.dispose()
    assert main(["--db", path, "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    _sql(logged, "UPDATE audit_log SET old = '\"1\"' WHERE id = 2")
    assert main(["--db", path, "audit", "verify"]) == 1
    assert "entry 2" in capsys.readouterr().out


def test_a_change_and_its_audit_entry_commit_or_vanish_together(db):
    with pytest.raises(RuntimeError), db.write() as session:
        audit.record(session, HR, "value.set", entity="measurement", entity_id="x")
        raise RuntimeError("crash in the middle")
    assert _verify(db).checked == 0 and _verify(db).ok


def test_filters(logged):
    with logged.session() as session:
        everything = audit.list_entries(session, HR)
        assert [r.id for r in everything] == [7, 6, 5, 4, 3, 2, 1]
        assert {r.actor for r in audit.list_entries(session, HR, audit.AuditFilter(actor="张经理"))} == {"张经理"}
        imports = audit.list_entries(session, HR, audit.AuditFilter(action="import"))
        assert len(imports) == 1 and imports[0].new["counts"]["inserted"] == 120
        assert imports[0].new["sha256"] == "ab" * 32 and imports[0].entity_id == "ticket_export.xlsx"
        assert [r.id for r in audit.list_entries(session, HR, audit.AuditFilter(text="复核"))] == [4]
        assert [r.id for r in audit.list_entries(session, HR, audit.AuditFilter(entity_id="2025-03/0/csat"))] == [1]
        today = date.today()
        assert len(audit.list_entries(session, HR, audit.AuditFilter(since=today, until=today))) == 7
        assert audit.list_entries(session, HR, audit.AuditFilter(until=today - timedelta(days=1))) == []
        page = audit.list_entries(session, HR, audit.AuditFilter(newest_first=False, limit=2, offset=2))
        assert [r.id for r in page] == [3, 4]
        assert audit.count_entries(session, HR, audit.AuditFilter(action="value")) == 6


def test_only_administrators_and_auditors_read_the_log(logged):
    with logged.session() as session:
        assert audit.list_entries(session, Actor("a", role=Role.AUDITOR))
        for role in (Role.HEAD, Role.EMPLOYEE):
            with pytest.raises(PermissionDenied):
                audit.list_entries(session, Actor("x", role=role, employee_id=1, department_ids=frozenset({1})))
            with pytest.raises(PermissionDenied):
                audit.verify(session, Actor("x", role=role, employee_id=1, department_ids=frozenset({1})))


def test_export_csv_neutralises_formulas(db, tmp_path):
    with db.write() as session:
        audit.record(session, HR, "value.set", entity="measurement", entity_id="=HYPERLINK(\"http://x\")",
                     new="+1", reason="@SUM(A1)")
    out = tmp_path / "audit.csv"
    with db.session() as session:
        audit.export_entries(session, HR, out)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][5].startswith("'=") and rows[1][7].startswith("'+") and rows[1][8].startswith("'@")


def test_export_xlsx_has_every_entry(logged, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "audit.xlsx"
    with logged.session() as session:
        audit.export_entries(session, HR, out)
    sheet = load_workbook(out).worksheets[0]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [1, 2, 3, 4, 5, 6, 7]


def test_export_refuses_other_formats(logged, tmp_path):
    with logged.session() as session, pytest.raises(ValidationError):
        audit.export_entries(session, HR, tmp_path / "audit.pdf")


def test_cli_audit_list_and_export(logged, tmp_path, capsys):
    import json

    from kpidesk.cli import main

    path = db_target(logged)
    logged.dispose()
    assert main(["--db", path, "audit", "list", "--action", "import", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["action"] for d in data] == ["import.data"]
    assert main(["--db", path, "audit", "list", "--by", "张经理"]) == 0
    out = capsys.readouterr().out
    assert "张经理" in out and "value.set" in out
    assert main(["--db", path, "audit", "export", str(tmp_path / "a.csv"), "--action", "value"]) == 0
    lines = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 6
