"""Shared fixtures. The environment is set before anything imports Qt or matplotlib."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture
def actor():
    from kpidesk.services.context import Actor, Role

    return Actor(name="tester", role=Role.ADMIN)


@pytest.fixture
def db(tmp_path):
    """A fresh, migrated, empty database file."""
    from kpidesk.store.db import open_database

    database = open_database(tmp_path / "kpidesk.db")
    yield database
    database.dispose()


@pytest.fixture
def starter_db(db, actor):
    """A database with the customer-service starter library installed."""
    from kpidesk.services.starter import install_starter

    with db.write() as session:
        install_starter(session, actor, "customer-service")
    return db


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    from kpidesk.services.context import Actor
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
def demo_db(_demo_template, tmp_path):
    """A copy of the demo database, built once per test session."""
    from kpidesk.store.db import open_database

    target = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, target)
    database = open_database(target)
    yield database
    database.dispose()
