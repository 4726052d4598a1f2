"""Someone with the database file rewrites it with sqlite3; ``audit verify`` and ``db check`` must notice
and say what changed. Each attack here is done the way it would be: plain SQL on the file, with the
audit chain head or the snapshot hash recomputed where that hides the change from the file's own checks."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kpidesk.cli import main
from kpidesk.domain.canonical import canonical_json
from kpidesk.services.appraisal.snapshots import content_hash
from kpidesk.services.safety import witness

PERIOD = "2025-11"


def _run(capsys, db: Path, *args: str) -> tuple[int, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def office(_demo_template, tmp_path, capsys) -> Path:
    """The demo office on this computer, with a period reopened and finalized again here (so witnessed)."""
    path = tmp_path / "office.db"
    shutil.copyfile(_demo_template, path)
    assert _run(capsys, path, "period", "reopen", PERIOD, "--reason", "late correction")[0] == 0
    assert _run(capsys, path, "period", "finalize", PERIOD, "--yes")[0] == 0
    return path


def _identity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return json.loads(connection.execute(
            "SELECT value FROM settings WHERE key = 'database_identity'").fetchone()[0])


def _snapshot_hash(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT s.content_hash FROM snapshots s JOIN periods p ON p.id = s.period_id "
            "WHERE p.code = ? AND s.superseded = 0 ORDER BY s.id DESC LIMIT 1", (PERIOD,)).fetchone()[0]


# --------------------------------------------------------------------------- witnesses are written


def test_finalize_reopen_and_backup_are_witnessed_beside_the_file_in_the_user_folder_and_in_the_backup(
        office, capsys):
    beside = _lines(witness.beside_file(office))
    assert [(line["event"], line.get("period")) for line in beside[-2:]] == [("reopen", PERIOD), ("finalize", PERIOD)]
    with sqlite3.connect(office) as connection:  # the witness pins the log up to the finalization's entry
        action, entity_id, digest = connection.execute(
            "SELECT action, entity_id, hash FROM audit_log ORDER BY id LIMIT 1 OFFSET ?",
            (beside[-1]["audit_count"] - 1,)).fetchone()
    assert (action, entity_id, digest) == ("period.finalize", PERIOD, beside[-1]["audit_head"])
    assert beside[-1]["snapshot_hash"] == _snapshot_hash(office) and beside[-1]["at"].endswith("Z")
    local = _lines(witness.local_file(_identity(office)))
    assert local[-1] == beside[-1]

    code, out = _run(capsys, office, "backup")
    assert code == 0
    backup = Path(out.strip().rsplit(" ", 1)[-1])
    assert _lines(witness.beside_file(office))[-1]["event"] == "backup"
    with sqlite3.connect(backup) as connection:
        carried = json.loads(connection.execute("SELECT value FROM settings WHERE key = 'witness'").fetchone()[0])
    assert carried[-1]["event"] == "backup" and carried[-1]["backup"] == backup.name
    assert ("finalize", PERIOD) in [(line["event"], line.get("period")) for line in carried]


def test_an_untouched_witnessed_file_is_sound(office, capsys):
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 0 and "intact" in out and "Note" not in out
    code, out = _run(capsys, office, "db", "check")
    assert code == 0 and "sound" in out


def test_a_copied_file_without_witnesses_here_is_a_notice_not_a_failure(office, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "office.db"
    shutil.copyfile(office, copy)
    shutil.rmtree(witness.local_file(_identity(office)).parent)  # another computer: no user-folder copy
    code, out = _run(capsys, copy, "audit", "verify")
    assert code == 0
    assert "No witness of this database's finalizations was found on this computer" in out


def test_a_copy_on_this_computer_is_not_judged_by_the_later_history_of_the_original(office, tmp_path, capsys):
    copy = tmp_path / "kept" / "office.db"
    copy.parent.mkdir()
    shutil.copyfile(office, copy)  # same identity, so the same user-folder witness file
    assert _run(capsys, office, "period", "reopen", PERIOD, "--reason", "another correction")[0] == 0
    assert _run(capsys, office, "period", "finalize", PERIOD, "--yes")[0] == 0
    code, out = _run(capsys, copy, "audit", "verify")
    assert code == 0, out
    assert "No witness of this database's finalizations was found on this computer" in out


def test_a_restore_starts_the_compared_history_again(office, capsys):
    code, out = _run(capsys, office, "backup")
    backup = out.strip().rsplit(" ", 1)[-1]
    assert _run(capsys, office, "period", "reopen", PERIOD, "--reason", "again")[0] == 0
    assert _run(capsys, office, "restore", backup)[0] == 0  # fewer entries than witnessed, by a restore
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 0, out


# --------------------------------------------------------------------------- attacks


def test_audit_entries_cut_together_with_the_stored_head_are_caught(office, capsys):
    with sqlite3.connect(office) as connection:
        last = connection.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        connection.execute("DELETE FROM audit_log WHERE id > ?", (last - 3,))
        head_id, head_hash = connection.execute(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        connection.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'",
                           (json.dumps({"id": head_id, "hash": head_hash}),))
    for command in (["audit", "verify"], ["db", "check"]):
        code, out = _run(capsys, office, *command)
        assert code == 1
        assert f"The audit log has {last - 3} entries, but had" in out and "entries were removed" in out
        assert "intact" not in out and "sound" not in out


def test_every_audit_entry_deleted_is_caught(office, capsys):
    with sqlite3.connect(office) as connection:
        connection.execute("DELETE FROM audit_log")
        connection.execute("DELETE FROM settings WHERE key = 'audit_head'")
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 1
    assert "The audit log has 0 entries, but had" in out
    assert f"Period {PERIOD} has no audit entry for its status" in out


def test_a_rewritten_chain_with_the_same_length_is_caught(office, capsys):
    """Even rebuilding every hash of the chain does not match the head written outside the file."""
    from kpidesk.services.safety.audit import GENESIS, _entry_hash

    with sqlite3.connect(office) as connection:
        rows = connection.execute(
            "SELECT id, at, actor, action, entity, entity_id, old, new, reason FROM audit_log ORDER BY id").fetchall()
        connection.execute("UPDATE audit_log SET reason = 'nothing to see' WHERE action = 'period.reopen'")
        previous = GENESIS
        for entry_id, at, actor, action, entity, entity_id, old, new, reason in rows:
            reason = "nothing to see" if action == "period.reopen" else reason
            fields = {"at": _iso(at), "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                      "old": json.loads(old) if old else None, "new": json.loads(new) if new else None,
                      "reason": reason}
            digest = _entry_hash(previous, fields)
            connection.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (previous, digest, entry_id))
            previous = digest
        connection.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'",
                           (json.dumps({"id": rows[-1][0], "hash": previous}),))
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 1 and "is not the one witnessed" in out and "rewritten" in out


def _iso(text: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(text).isoformat(timespec="microseconds")


def test_a_finalized_period_flipped_to_open_in_sql_is_named(office, capsys):
    with sqlite3.connect(office) as connection:
        connection.execute("UPDATE periods SET status = 'open' WHERE code = ?", (PERIOD,))
    code, out = _run(capsys, office, "db", "check")
    assert code == 1
    assert f"Period {PERIOD} is open in the database, but its last audited change left it finalized" in out


def test_a_status_flip_then_a_second_finalization_is_refused_named_and_the_old_sheet_no_longer_matches(
        office, capsys, monkeypatch):
    old_hash = _snapshot_hash(office)
    assert _run(capsys, office, "verify-sheet", "--period", PERIOD, "--employee", "CS001", old_hash)[0] == 0
    with sqlite3.connect(office) as connection:
        connection.execute("UPDATE periods SET status = 'open' WHERE code = ?", (PERIOD,))
        connection.execute("DELETE FROM results WHERE period_id = (SELECT id FROM periods WHERE code = ?)", (PERIOD,))
        connection.execute(
            "UPDATE measurements SET value = value * 2 WHERE period_id = (SELECT id FROM periods WHERE code = ?)",
            (PERIOD,))
    code, out = _run(capsys, office, "verify-sheet", "--period", PERIOD, "--employee", "CS001", old_hash)
    assert code == 1 and "no longer finalized" in out
    code, out = _run(capsys, office, "period", "finalize", PERIOD, "--yes")
    assert code != 0 and "never reopened" in out

    from kpidesk.services.appraisal import periods, snapshots

    with monkeypatch.context() as older_build:  # a build that neither refuses nor checks finalizes it again
        older_build.setattr(periods, "audited_hash", lambda session, code: None)
        older_build.setattr(snapshots, "audited_hash", lambda session, code: None)
        assert _run(capsys, office, "period", "finalize", PERIOD, "--yes")[0] == 0
    assert _snapshot_hash(office) != old_hash

    code, out = _run(capsys, office, "verify-sheet", "--period", PERIOD, "--employee", "CS001", old_hash)
    assert code == 1 and "out of date" in out
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 1
    assert f"(period.finalize) finds period {PERIOD} finalized" in out


def test_a_snapshot_rewritten_with_a_recomputed_hash_is_caught(office, capsys):
    with sqlite3.connect(office) as connection:
        snapshot_id, raw = connection.execute(
            "SELECT s.id, s.content FROM snapshots s JOIN periods p ON p.id = s.period_id "
            "WHERE p.code = ? AND s.superseded = 0", (PERIOD,)).fetchone()
        content = json.loads(raw)
        content["rows"][0]["total"] = 99.5
        connection.execute("UPDATE snapshots SET content = ?, content_hash = ? WHERE id = ?",
                           (canonical_json(content), content_hash(content), snapshot_id))
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 1
    assert f"The snapshot of {PERIOD}" in out and "is not the one its finalization recorded in the audit log" in out
    assert f"The finalization of {PERIOD} witnessed at" in out


def test_results_edited_after_finalization_are_caught(office, capsys):
    with sqlite3.connect(office) as connection:
        staff_no = connection.execute(
            "SELECT e.staff_no FROM results r JOIN employees e ON e.id = r.employee_id "
            "JOIN periods p ON p.id = r.period_id WHERE p.code = ? ORDER BY e.staff_no LIMIT 1", (PERIOD,)).fetchone()[0]
        connection.execute(
            "UPDATE results SET total = 1000000, grade_code = 'A' WHERE employee_id = "
            "(SELECT id FROM employees WHERE staff_no = ?) AND period_id = (SELECT id FROM periods WHERE code = ?)",
            (staff_no, PERIOD))
    code, out = _run(capsys, office, "db", "check")
    assert code == 1
    assert f"The stored results of {PERIOD} differ from its finalized snapshot for 1 people (staff numbers " \
           f"{staff_no})" in out


# --------------------------------------------------------------------------- finalized outputs read the snapshot


def _edit_result_and_rename(db: Path) -> tuple[str, str, float]:
    """Rename a person and edit their stored result of PERIOD; returns staff number, finalized name and total."""
    with sqlite3.connect(db) as connection:
        staff_no, name, total = connection.execute(
            "SELECT e.staff_no, e.name, r.total FROM results r JOIN employees e ON e.id = r.employee_id "
            "JOIN periods p ON p.id = r.period_id WHERE p.code = ? ORDER BY e.staff_no LIMIT 1", (PERIOD,)).fetchone()
        connection.execute("UPDATE employees SET name = '改名后' WHERE staff_no = ?", (staff_no,))
        connection.execute(
            "UPDATE results SET total = 1000000 WHERE employee_id = (SELECT id FROM employees WHERE staff_no = ?) "
            "AND period_id = (SELECT id FROM periods WHERE code = ?)", (staff_no, PERIOD))  # 100.0000
    return staff_no, name, total / 10_000  # kept as an integer of ten-thousandths


def test_the_export_of_a_finalized_period_shows_names_and_scores_as_finalized(office, tmp_path, capsys):
    import csv

    staff_no, name, total = _edit_result_and_rename(office)
    out = tmp_path / "results.csv"
    assert _run(capsys, office, "export", "--period", PERIOD, "--out", str(out))[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = {row["Staff no"]: row for row in csv.DictReader(stream)}
    assert rows[staff_no]["Name"] == name
    assert float(rows[staff_no]["Total"]) == pytest.approx(total)


def test_a_year_sheet_reads_finalized_months_from_the_snapshot(office):
    from kpidesk.services.actor import Actor
    from kpidesk.services.printing.sheets import PrintRequest, gather_documents
    from kpidesk.store.db import open_database

    staff_no, _name, total = _edit_result_and_rename(office)
    db = open_database(office)
    try:
        with db.session() as session:
            pending = gather_documents(session, Actor.local_owner(), PrintRequest(
                PERIOD, (staff_no,), year_sheets=True, charts=False, lang="en"))
    finally:
        db.dispose()
    month = next(row for row in pending.documents[0].periods if row.period == PERIOD)
    assert month.total_score == pytest.approx(total)


def test_a_snapshot_replaced_with_a_recomputed_hash_is_never_shown(office, tmp_path, capsys):
    with sqlite3.connect(office) as connection:
        snapshot_id, raw = connection.execute(
            "SELECT s.id, s.content FROM snapshots s JOIN periods p ON p.id = s.period_id "
            "WHERE p.code = ? AND s.superseded = 0", (PERIOD,)).fetchone()
        content = json.loads(raw)
        content["rows"][0]["name"] = "冒名"
        connection.execute("UPDATE snapshots SET content = ?, content_hash = ? WHERE id = ?",
                           (canonical_json(content), content_hash(content), snapshot_id))
    out = tmp_path / "results.csv"
    code, shown = _run(capsys, office, "export", "--period", PERIOD, "--out", str(out))
    assert code != 0 and not out.exists()
    assert f"The stored results of {PERIOD} are not the ones the audit log recorded at finalization" in shown


# --------------------------------------------------------------------------- the witnesses themselves


def _cut_last_entries(db: Path, count: int) -> int:
    """Remove the newest ``count`` audit entries and move the stored head back; returns what is left."""
    with sqlite3.connect(db) as connection:
        last = connection.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        connection.execute("DELETE FROM audit_log WHERE id > ?", (last - count,))
        head_id, head_hash = connection.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        connection.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'",
                           (json.dumps({"id": head_id, "hash": head_hash}),))
        return connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_with_the_witness_beside_the_file_deleted_the_user_folder_copy_still_catches_a_cut(office, capsys):
    witness.beside_file(office).unlink()
    left = _cut_last_entries(office, 2)
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 1
    assert f"The audit log has {left} entries, but had" in out
    assert "is missing; the copy in the user data folder was used" in out


def test_a_rewritten_identity_does_not_escape_the_witnesses_of_this_place(office, capsys):
    witness.beside_file(office).unlink()
    left = _cut_last_entries(office, 2)
    with sqlite3.connect(office) as connection:
        connection.execute("UPDATE settings SET value = ? WHERE key = 'database_identity'", (json.dumps("f" * 32),))
    code, out = _run(capsys, office, "audit", "verify")
    assert code == 1
    assert "witnessed on this computer as another database" in out
    assert f"The audit log has {left} entries, but had" in out


def test_a_finalization_rolled_back_leaves_no_witness(office):
    from kpidesk.services.actor import Actor, Role
    from kpidesk.services.appraisal.periods import finalize_period, reopen_period
    from kpidesk.store.db import open_database

    before = witness.beside_file(office).read_text(encoding="utf-8")
    db = open_database(office)
    try:
        with pytest.raises(RuntimeError), db.write() as session:
            reopen_period(session, Actor("hr", Role.ADMIN), PERIOD, "trying")
            finalize_period(session, Actor("hr", Role.ADMIN), PERIOD)
            raise RuntimeError("the unit of work fails after the finalization")
    finally:
        db.dispose()
    assert witness.beside_file(office).read_text(encoding="utf-8") == before


def test_an_encrypted_database_is_witnessed_and_its_restore_starts_the_history_again(cli_db, tmp_path, capsys):
    from tests_support.memory_keyring import memory_keyring

    from kpidesk.store import encryption

    db = Path(cli_db)
    with memory_keyring():
        assert _run(capsys, db, "db", "encrypt")[0] == 0
        code, out = _run(capsys, db, "backup")
        backup = Path(out.strip().rsplit(" ", 1)[-1])
        key = encryption.remembered_key(db)
        assert key is not None
        with closing(encryption.connect(backup, key, read_only=True)) as connection:
            carried = json.loads(connection.execute("SELECT value FROM settings WHERE key = 'witness'").fetchone()[0])
        assert carried[-1]["event"] == "backup" and carried[-1]["backup"] == backup.name
        assert _lines(witness.beside_file(db))[-1]["backup"] == backup.name

        people = tmp_path / "people.csv"
        people.write_text("工号,姓名\nCS901,新人\n", encoding="utf-8")
        assert _run(capsys, db, "import", str(people), "--kind", "staff")[0] == 0
        assert _run(capsys, db, "backup")[0] == 0  # witnesses the log with the import in it
        assert _run(capsys, db, "restore", str(backup))[0] == 0  # back to fewer entries, by a restore
        assert _lines(witness.beside_file(db))[-1]["event"] == "restore"
        code, out = _run(capsys, db, "audit", "verify")
        assert code == 0, out
