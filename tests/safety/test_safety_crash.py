"""kill -9 in the middle of an import, a recompute or a finalize leaves the database exactly as it was
before the action (or, killed after the commit, exactly as after it), and always sound.

A worker process runs the action and kills itself with SIGKILL when a chosen SQL statement starts; the
points are spread over the whole action, including the COMMIT itself. Both journal modes are covered:
WAL (local files) and the rollback journal (used on network shares).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("safety_crash_worker.py")


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, as a normal open (which recovers any journal) sees it."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        con.close()


def run(path: Path, action: str, kill_at: int, journal: str, data_file: Path | None) -> subprocess.CompletedProcess:
    command = [sys.executable, str(WORKER), str(path), action, str(kill_at), journal]
    if data_file is not None:
        command.append(str(data_file))
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, _demo_template):
    """The demo database (Dec 2025 open with data) and a data file changing every value of December."""
    folder = tmp_path_factory.mktemp("crash")
    base = folder / "base.db"
    shutil.copyfile(_demo_template, base)
    from kpidesk.store.db import open_database

    open_database(base).dispose()  # at the schema head, as the worker will open it
    con = sqlite3.connect(base)
    rows = con.execute(
        "SELECT e.staff_no, p.code, m.field_code, m.value FROM measurements m "
        "JOIN employees e ON e.id = m.employee_id JOIN periods p ON p.id = m.period_id "
        "WHERE p.code = '2025-12' ORDER BY p.code, e.staff_no, m.field_code").fetchall()
    con.close()
    data = folder / "changes.csv"
    lines = ["工号,考核周期,指标,数值"] + [f"{s},{p},{f},{_less(v)}" for s, p, f, v in rows]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(rows) > 100
    return base, data


def _less(scaled: int) -> str:
    """One less than the stored value (values are kept scaled by 10**6), never below zero."""
    value = scaled / 1_000_000
    return f"{max(value - 1, 0):g}"


def kill_points(statements: list[str]) -> list[int]:
    total = len(statements)
    commits = [i + 1 for i, s in enumerate(statements) if s == "COMMIT"]
    assert commits, statements[-5:]
    points = {2, total // 3, (2 * total) // 3, commits[-1] - 1, commits[-1]}
    return sorted(p for p in points if 1 <= p <= total)


@pytest.mark.parametrize(("action", "journal"), [
    ("import", "wal"), ("import", "delete"), ("finalize", "wal"), ("finalize", "delete"), ("recompute", "wal"),
])
def test_kill_9_leaves_the_database_as_before(prepared, tmp_path, action, journal):
    base, data = prepared
    data_file = data if action == "import" else None
    reference = tmp_path / "reference.db"
    shutil.copyfile(base, reference)
    before = dump(reference)
    finished = run(reference, action, 0, journal, data_file)
    assert finished.returncode == 0, finished.stderr
    statements = json.loads(finished.stdout.strip().splitlines()[-1])
    after = dump(reference)
    if action != "recompute":
        assert after != before  # the action does change something
    points = kill_points(statements)
    assert len(points) >= 4
    for point in points:
        target = tmp_path / f"killed-{point}.db"
        shutil.copyfile(base, target)
        result = run(target, action, point, journal, data_file)
        assert result.returncode == -signal.SIGKILL, (point, result.stderr[-2000:])
        assert dump(target) == before, f"killed at statement {point} of {len(statements)} ({statements[point - 1]})"
        from kpidesk.store.db import open_database

        database = open_database(target)  # and KPI Desk opens it normally afterwards
        database.dispose()
