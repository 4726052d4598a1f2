"""Shared fixtures. The environment is set before anything imports Qt or matplotlib."""

from __future__ import annotations

import os
import shutil
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("KPIDESK_LANG", "en")

import pytest  # noqa: E402

try:  # hypothesis: no deadline (CI timing is noisy), fewer examples on CI
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", deadline=None, max_examples=60)
    hypothesis_settings.register_profile("dev", deadline=None)
    hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")
except ImportError:  # pragma: no cover
    pass


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """No test touches the real user's data, config or log folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("KPIDESK_LOG", str(home / "kpidesk.log"))
    monkeypatch.delenv("KPIDESK_DB", raising=False)
    from kpidesk.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _no_dangling_threads():
    """A test that leaves threads running is a bug (a worker not joined, a timer not stopped)."""
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.daemon and t is not threading.current_thread()
    ]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture(autouse=True)
def _print_workers_stopped():
    """A Print page's warm worker lives until its page closes; a test window nobody closed would leave its
    child running (and holding memory) for the rest of the session, so each is told to leave here."""
    yield
    process = sys.modules.get("kpidesk.ui.pages.print.process")
    if process is not None:
        for worker in list(process._running):
            worker.stop()


@pytest.fixture
def actor():
    from kpidesk.services.actor import Actor, Role

    return Actor(name="tester", role=Role.ADMIN)


#: Suites that also run against PostgreSQL when KPIDESK_TEST_PG_URL names a server (CI starts one).
SERVER_SUITES = (
    "tests/store/",
    "tests/security/test_security_anonymity",
    "tests/services/test_import_",
    "tests/services/test_scoring_",
    "tests/services/test_periods_",
    "tests/services/test_measurements_",
    "tests/services/test_adjustments_",
    "tests/safety/test_safety_audit_chain",
    "tests/safety/test_safety_role_matrix",
    "tests/safety/test_safety_permissions",
    "tests/safety/test_safety_finalized_immutable",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about the SQLite file itself")


def pytest_generate_tests(metafunc):
    """Run the server suites on both backends: every test there gets a `backend` of sqlite and postgresql."""
    from tests_support.server import server_url

    if not server_url() or "backend" not in metafunc.fixturenames:  # a module may bring its own db fixture
        return
    path = metafunc.definition.path.as_posix()
    if not any(f"/{suite}" in path for suite in SERVER_SUITES):
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db(backend, tmp_path):
    """A fresh, migrated, empty database: a file, or a new server database for the postgresql backend."""
    from kpidesk.store.db import open_database

    if backend == "postgresql":
        from tests_support.server import fresh_database

        with fresh_database("empty") as url:
            database = open_database(url)
            yield database
            database.dispose()
        return
    database = open_database(tmp_path / "kpidesk.db")
    yield database
    database.dispose()


@pytest.fixture
def starter_db(db, actor):
    """A database with the customer-service starter library installed."""
    from kpidesk.services.library.starter import install_starter

    with db.write() as session:
        install_starter(session, actor, "customer-service")
    return db


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    from kpidesk.services.actor import Actor
    from kpidesk.services.demo import build_demo
    from kpidesk.store.db import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    build_demo(database, Actor(name="demo"))
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def demo_db(backend, _demo_template, tmp_path):
    """A copy of the demo database, built once per test session (and once on the server)."""
    from kpidesk.store.db import open_database

    if backend == "postgresql":
        from tests_support.server import fresh_database

        with fresh_database("demo", demo_file=_demo_template) as url:
            database = open_database(url)
            yield database
            database.dispose()
        return
    target = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, target)
    database = open_database(target)
    yield database
    database.dispose()


def pytest_sessionfinish(session, exitstatus):
    from tests_support.server import drop_templates

    drop_templates()


@pytest.fixture
def cli_db(tmp_path, capsys):
    """A database made through the command line: the starter library, the staff list of tests/data and an
    open 2025-10."""
    import datetime as dt
    from pathlib import Path

    from kpidesk.cli import main
    from kpidesk.store import models as m
    from kpidesk.store.db import open_database

    path = str(tmp_path / "k.db")
    staff_list = Path(__file__).resolve().parent / "data" / "staff_list.xlsx"
    assert main(["--db", path, "init", "--starter", "customer-service"]) == 0
    assert main(["--db", path, "import", str(staff_list), "--kind", "staff"]) == 0
    db = open_database(path)
    with db.write() as session:
        session.add(m.PeriodRecord(code="2025-10", kind="month", starts_on=dt.date(2025, 10, 1),
                                   ends_on=dt.date(2025, 10, 31), status="open"))
    db.dispose()
    capsys.readouterr()
    return path
