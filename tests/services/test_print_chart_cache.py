"""Charts kept in memory between prints: a repeated print draws none again, and an entry only ever serves
the person (the scope) it was drawn for, so a department head never gets another department's chart."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kpidesk.charts import pool
from kpidesk.charts.chart_cache import ChartCache
from kpidesk.errors import NotFound, PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.printing.sheets import PrintRequest
from kpidesk.services.printing.use_cases import print_sheets
from kpidesk.store import models as m

PERIOD = "2025-11"
ADMIN = Actor("admin")


@pytest.fixture
def drawings(monkeypatch) -> list[str]:
    """The kind of every chart actually drawn (not taken from a cache)."""
    drawn: list[str] = []
    draw = pool.render_job

    def counting(job, *caches):
        drawn.append(job.kind)
        return draw(job, *caches)

    monkeypatch.setattr(pool, "render_job", counting)
    return drawn


def _head_of(db, team: str) -> Actor:
    with db.session() as session:
        department_id = session.execute(select(m.Department.id).where(m.Department.name == team)).scalar_one()
    return Actor(f"head of {team}", Role.HEAD, department_ids=frozenset({department_id}))


def _print(db, actor, staff_no: str, cache: ChartCache, out) -> bytes:
    print_sheets(db, actor, PrintRequest(PERIOD, (staff_no,), lang="en"), out, chart_cache=cache, processes=1)
    return out.read_bytes()


def test_a_repeated_print_draws_no_chart_again(demo_db, tmp_path, drawings):
    cache = ChartCache()
    first = _print(demo_db, ADMIN, "CS001", cache, tmp_path / "first.pdf")
    charts = len(drawings)
    assert charts == 2 and cache.drawn == 2 and cache.reused == 0  # the history and the radar
    second = _print(demo_db, ADMIN, "CS001", cache, tmp_path / "second.pdf")
    assert len(drawings) == charts and cache.reused == 2
    assert len(second) == len(first)  # the same charts, laid out the same
    _print(demo_db, ADMIN, "CS002", cache, tmp_path / "other.pdf")
    assert len(drawings) == charts + 2  # another person's charts are drawn for them


def test_a_department_head_never_gets_another_departments_cached_chart(demo_db, tmp_path, drawings):
    cache = ChartCache()
    team_one, team_two = _head_of(demo_db, "一组"), _head_of(demo_db, "二组")
    _print(demo_db, ADMIN, "CS001", cache, tmp_path / "admin-cs001.pdf")  # 一组
    _print(demo_db, ADMIN, "CS004", cache, tmp_path / "admin-cs004.pdf")  # 二组
    assert len(drawings) == 4
    with pytest.raises((PermissionDenied, NotFound)):  # refused before any chart is looked up or drawn
        _print(demo_db, team_two, "CS001", cache, tmp_path / "refused.pdf")
    assert len(drawings) == 4 and not (tmp_path / "refused.pdf").exists()
    # the same person's charts as the administrator's, yet drawn again: entries never cross scopes
    _print(demo_db, team_two, "CS004", cache, tmp_path / "two-cs004.pdf")
    _print(demo_db, team_one, "CS001", cache, tmp_path / "one-cs001.pdf")
    assert len(drawings) == 8 and cache.reused == 0
    scopes = {scope for scope, _digest in cache._images}
    assert len(scopes) == 3 and len(cache) == 8  # two charts a sheet: the admin's two, then one each per head
    shown_to = {}
    for scope, digest in cache._images:
        shown_to.setdefault(digest, set()).add(scope[0])
    assert any(len(people) > 1 for people in shown_to.values())  # the same chart, filed apart per person
    _print(demo_db, team_one, "CS001", cache, tmp_path / "again.pdf")
    assert len(drawings) == 8 and cache.reused == 2  # only their own entries serve them again


def test_an_entry_is_found_only_under_its_scope():
    cache = ChartCache(capacity=2)
    job = pool.ChartJob("trend", ("data",), size=(3.5, 2.6))
    cache.put("head of 一组", job, b"png")
    assert cache.get("head of 一组", job) == b"png"
    assert cache.get("head of 二组", job) is None
    assert cache.get("head of 一组", pool.ChartJob("trend", ("other data",), size=(3.5, 2.6))) is None
    cache.put("a", pool.ChartJob("radar", 1), b"1")
    cache.put("b", pool.ChartJob("radar", 2), b"2")
    assert len(cache) == 2 and cache.get("head of 一组", job) is None  # the least recently used went first
