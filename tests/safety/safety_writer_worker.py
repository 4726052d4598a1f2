"""A second copy of KPI Desk holding a write transaction open. Used by test_safety_two_writers.py.

usage: python safety_writer_worker.py DB JOURNAL
Prints "ready" once it holds the write lock with an uncommitted change (a new employee W001), then
waits for one line on stdin: "commit" or "rollback".
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    from kpidesk.services.actor import Actor
    from kpidesk.services.people import staff
    from kpidesk.store import sqlite as sq
    from kpidesk.store.db import open_database

    if sys.argv[2] == "delete":
        sq.looks_like_network_share = lambda _path: True
    db = open_database(Path(sys.argv[1]))
    session_cm = db.write()
    session = session_cm.__enter__()
    staff.add_employee(session, Actor("other"), staff_no="W001", name="另一台电脑")
    session.flush()
    print("ready", flush=True)
    answer = sys.stdin.readline().strip()
    if answer == "commit":
        session_cm.__exit__(None, None, None)
    else:
        session_cm.__exit__(RuntimeError, RuntimeError("rollback"), None)
    db.dispose()
    print("done", flush=True)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError:
        print("done", flush=True)
