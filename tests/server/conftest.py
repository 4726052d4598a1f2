"""A fresh PostgreSQL database per test, on the server named by KPIDESK_TEST_PG_URL (started by .ci/run).

Without that variable these tests are skipped locally; CI always sets it, and fails if the server is missing.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("KPIDESK_TEST_PG_URL")


@pytest.fixture
def pg_url():
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must provide KPIDESK_TEST_PG_URL (see .ci/run)")
        pytest.skip("no PostgreSQL server (set KPIDESK_TEST_PG_URL, e.g. with tools/pg_test_server.sh)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"kpidesk_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
        ), {"name": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()
