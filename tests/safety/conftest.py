"""Fixtures for the data-safety tests: cheap password hashing and helpers that damage files on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """argon2 with tiny costs so login tests run fast; the algorithm and the code path are the same."""
    from kpidesk.services.safety import auth

    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr(auth, "hasher", lambda: cheap)
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)


@pytest.fixture
def db_file(tmp_path):
    """A migrated database file with two departments, three employees and one audited change; closed."""
    from kpidesk.services.actor import Actor
    from kpidesk.services.people import staff
    from kpidesk.store.db import open_database

    path = tmp_path / "office" / "kpidesk.db"
    path.parent.mkdir()
    database = open_database(path)
    actor = Actor(name="hr")
    with database.write() as session:
        service = staff.get_or_create_department(session, "客服部")
        sales = staff.get_or_create_department(session, "销售部")
        staff.add_employee(session, actor, staff_no="E001", name="张三", department_id=service.id)
        staff.add_employee(session, actor, staff_no="E002", name="李四", department_id=service.id)
        staff.add_employee(session, actor, staff_no="E003", name="王五", department_id=sales.id)
    database.dispose()
    return path


@pytest.fixture
def staff_numbers():
    return read_staff_numbers


@pytest.fixture
def damage_page():
    return overwrite_page


def read_staff_numbers(path: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT staff_no FROM employees ORDER BY staff_no")]
    finally:
        con.close()


def overwrite_page(path: Path, page: int = 3) -> None:
    """Overwrite one whole page with garbage (the header stays valid)."""
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[(page - 1) * size: page * size] = b"\xff" * size
    path.write_bytes(bytes(data))
