"""The kept results of a period: found again only for the same opened database, the same view of it (role,
departments, person) and the same period and variant; bounded; emptied by ``clear``."""

from __future__ import annotations

import threading

import pytest

from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal.result_cache import ResultCache, database_identity
from kpidesk.store.db import open_database

ADMIN = Actor("boss", Role.ADMIN)
HEAD_SALES = Actor("li", Role.HEAD, department_ids=frozenset({1}))
HEAD_SERVICE = Actor("li", Role.HEAD, department_ids=frozenset({2}))


@pytest.fixture
def two_databases(tmp_path):
    first, second = open_database(tmp_path / "a.db"), open_database(tmp_path / "b.db")
    yield first, second
    first.dispose()
    second.dispose()


def test_a_result_is_found_again_by_the_same_view_of_the_same_database(two_databases):
    db, _other = two_databases
    cache: ResultCache[str] = ResultCache()
    cache.put(db, ADMIN, "2025-06", "admin rows", "en")
    assert cache.get(db, ADMIN, "2025-06", "en") == "admin rows"
    assert cache.get(db, Actor("boss", Role.ADMIN), "2025-06", "en") == "admin rows"  # equal actors share it


def test_another_scope_never_gets_a_kept_result(two_databases):
    db, _other = two_databases
    cache: ResultCache[str] = ResultCache()
    cache.put(db, ADMIN, "2025-06", "admin rows")
    cache.put(db, HEAD_SALES, "2025-06", "sales rows")
    assert cache.get(db, HEAD_SALES, "2025-06") == "sales rows"
    assert cache.get(db, HEAD_SERVICE, "2025-06") is None  # same login name, other departments
    assert cache.get(db, Actor("boss", Role.AUDITOR), "2025-06") is None  # same name, other role
    assert cache.get(db, Actor("wang", Role.EMPLOYEE, employee_id=7), "2025-06") is None
    assert cache.get(db, Actor("zhao", Role.ADMIN), "2025-06") is None  # another person, same rights


def test_another_database_period_or_variant_never_gets_it(two_databases):
    db, other = two_databases
    cache: ResultCache[str] = ResultCache()
    cache.put(db, ADMIN, "2025-06", "rows", "zh_CN")
    assert cache.get(other, ADMIN, "2025-06", "zh_CN") is None
    assert cache.get(db, ADMIN, "2025-07", "zh_CN") is None
    assert cache.get(db, ADMIN, "2025-06", "en") is None


def test_the_same_file_opened_again_is_another_database(tmp_path):
    first = open_database(tmp_path / "a.db")
    cache: ResultCache[str] = ResultCache()
    cache.put(first, ADMIN, "2025-06", "rows")
    first.dispose()
    again = open_database(tmp_path / "a.db")  # e.g. after a restore replaced the file
    try:
        assert database_identity(again) != database_identity(first)
        assert cache.get(again, ADMIN, "2025-06") is None
    finally:
        again.dispose()


def test_the_identity_hides_a_server_password(two_databases):
    db, _other = two_databases
    db_with_password = type(db)(url=db.url.set(password="s3cret"), engine=db.engine)
    assert "s3cret" not in database_identity(db_with_password)


def test_the_scope_names_role_departments_and_person():
    assert HEAD_SALES.view_scope == ("li", "head", None, (1,))
    assert Actor("li", Role.HEAD, department_ids=frozenset({3, 1})).view_scope == ("li", "head", None, (1, 3))


def test_the_oldest_result_goes_first_and_clear_empties_it(two_databases):
    db, _other = two_databases
    cache: ResultCache[str] = ResultCache(capacity=2)
    cache.put(db, ADMIN, "2025-04", "april")
    cache.put(db, ADMIN, "2025-05", "may")
    assert cache.get(db, ADMIN, "2025-04") == "april"  # used: now the newest
    cache.put(db, ADMIN, "2025-06", "june")
    assert cache.get(db, ADMIN, "2025-05") is None
    assert cache.get(db, ADMIN, "2025-04") == "april" and cache.get(db, ADMIN, "2025-06") == "june"
    assert len(cache) == 2
    cache.clear()
    assert len(cache) == 0 and cache.get(db, ADMIN, "2025-06") is None


def test_workers_may_store_while_the_window_reads(two_databases):
    db, _other = two_databases
    cache: ResultCache[int] = ResultCache(capacity=4)

    def store(start: int) -> None:
        for number in range(start, start + 200):
            cache.put(db, ADMIN, f"p{number % 6}", number)
            cache.get(db, ADMIN, f"p{(number + 1) % 6}")

    threads = [threading.Thread(target=store, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 4
