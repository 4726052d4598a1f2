"""A small database with staff and an open month."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpidesk.cli import main
from kpidesk.store import models as m
from kpidesk.store.db import open_database

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def cli_db(tmp_path, capsys):
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init", "--starter", "customer-service"]) == 0
    assert main(["--db", path, "import", str(DATA / "staff_list.xlsx"), "--kind", "staff"]) == 0
    db = open_database(path)
    with db.write() as session:
        session.add(m.PeriodRecord(code="2025-10", kind="month", starts_on=dt.date(2025, 10, 1),
                                   ends_on=dt.date(2025, 10, 31), status="open"))
    db.dispose()
    capsys.readouterr()
    return path
