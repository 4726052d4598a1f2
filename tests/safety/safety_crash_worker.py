"""Run one write action on a database and kill this very process (SIGKILL, as ``kill -9``) when the
N-th SQL statement of the action starts. Used by test_safety_crash.py; not a test module itself.

usage: python safety_crash_worker.py DB ACTION KILL_AT JOURNAL [FILE]
  ACTION  import | finalize | recompute
  KILL_AT 0 runs to the end and prints the statements as JSON
  JOURNAL wal | delete (delete pretends the file is on a network share)
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from kpidesk.services.actor import Actor

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def main() -> None:
    db_path, action, kill_at, journal = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    data_file = sys.argv[5] if len(sys.argv) > 5 else None
    from sqlalchemy import event

    from kpidesk.services.actor import Actor
    from kpidesk.store import sqlite as sq
    from kpidesk.store.db import open_database

    if journal == "delete":
        sq.looks_like_network_share = lambda _path: True
    db = open_database(Path(db_path))
    state = {"armed": False, "count": 0, "seen": []}

    def trace(statement: str) -> None:
        if not state["armed"]:
            return
        state["count"] += 1
        state["seen"].append(statement.split(None, 1)[0].upper() if statement.strip() else "")
        if state["count"] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(db.engine, "connect", lambda dbapi_connection, _record: dbapi_connection.set_trace_callback(trace))
    db.engine.dispose()  # new connections get the trace
    admin = Actor("hr")
    if action == "import":
        from kpidesk.services.imports import registry as importing

        with db.session() as session:
            preview = importing.preview_import(session, data_file, kind="data", actor=ADMIN)
        state["armed"] = True
        importing.apply_import(db, admin, preview, backup=False)
    elif action == "finalize":
        from kpidesk.services.appraisal.periods import finalize_period

        with db.write() as session:
            state["armed"] = True
            finalize_period(session, admin, "2025-12")
    elif action == "recompute":
        from kpidesk.services.appraisal.scoring import compute_scores

        with db.write() as session:
            state["armed"] = True
            compute_scores(session, admin, "2025-12")
    else:
        raise SystemExit(f"unknown action {action}")
    state["armed"] = False
    db.dispose()
    print(json.dumps(state["seen"]))


if __name__ == "__main__":
    main()
