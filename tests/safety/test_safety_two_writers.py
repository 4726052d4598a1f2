"""Two copies of KPI Desk on one file: both read; a write waits for the busy timeout and then fails with a
clear message; a write that starts while the other commits goes through; nothing is ever corrupted."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kpidesk.services.actor import Actor
from kpidesk.services.people import staff
from kpidesk.store import sqlite as sq
from kpidesk.store.db import DatabaseBusy, open_database

WORKER = Path(__file__).with_name("safety_writer_worker.py")


@pytest.fixture(params=["wal", "delete"])
def journal(request, monkeypatch):
    if request.param == "delete":
        monkeypatch.setattr(sq, "looks_like_network_share", lambda _path: True)
    return request.param


@pytest.fixture
def other_writer(db_file, journal):
    """Another process holding the write lock with an uncommitted new employee."""
    process = subprocess.Popen([sys.executable, str(WORKER), str(db_file), journal], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready", process.stderr.read()

    def finish(answer: str) -> None:
        process.stdin.write(answer + "\n")
        process.stdin.flush()

    yield process, finish
    if process.poll() is None:
        finish("rollback")
        process.wait(timeout=30)


def _staff_nos(db) -> list[str]:
    with db.session() as session:
        return [e.staff_no for e in staff.list_employees(session)]


def test_both_copies_can_read_while_one_writes(db_file, other_writer, journal):
    db = open_database(db_file)
    try:
        assert _staff_nos(db) == ["E001", "E002", "E003"]  # the other's change is not visible yet
    finally:
        db.dispose()


def test_a_write_waits_for_the_busy_timeout_then_fails_clearly(db_file, other_writer, monkeypatch, journal):
    monkeypatch.setattr(sq, "BUSY_TIMEOUT_MS", 700)
    db = open_database(db_file)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as caught, db.write() as session:
            staff.add_employee(session, Actor("me"), staff_no="M001", name="我")
        waited = time.monotonic() - started
        assert waited >= 0.6
        assert "another program" in str(caught.value)
    finally:
        db.dispose()
    process, finish = other_writer
    finish("commit")
    process.wait(timeout=30)
    assert sq.check_file(db_file).ok
    db = open_database(db_file)
    assert _staff_nos(db) == ["E001", "E002", "E003", "W001"]
    db.dispose()


def test_a_write_that_reads_first_waits_and_then_succeeds(db_file, other_writer, monkeypatch, journal):
    """BEGIN IMMEDIATE: the lock is taken before the read, so the other's commit cannot invalidate it."""
    monkeypatch.setattr(sq, "BUSY_TIMEOUT_MS", 10_000)
    process, finish = other_writer
    db = open_database(db_file)
    timer = threading.Timer(0.5, finish, args=("commit",))
    try:
        timer.start()
        with db.write() as session:
            seen = [e.staff_no for e in staff.list_employees(session)]
            staff.add_employee(session, Actor("me"), staff_no=f"M{len(seen):03}", name="我")
        assert seen == ["E001", "E002", "E003", "W001"]  # read after the other committed
        assert _staff_nos(db) == ["E001", "E002", "E003", "M004", "W001"]
    finally:
        timer.join()
        db.dispose()
    process.wait(timeout=30)
    assert sq.check_file(db_file).ok
