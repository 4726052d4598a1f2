"""The Results page shows the last result of a period at once, marked "Refreshing…", while it computes it
again, and never shows a result kept for another login or another database.

The window's database tasks run in a pool the test holds, so what the page shows while its computation is
still pending can be looked at; every frame the table is given is recorded, so a wrong one cannot slip by
between two assertions.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select
from tests_support.pools import HeldPool
from tests_support.windows import window_on_file

from kpidesk.i18n import _
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import use_cases as appraisal
from kpidesk.store import models as m
from kpidesk.store.db import open_database
from kpidesk.ui.context import Changes


@pytest.fixture
def held():
    return HeldPool()


@pytest.fixture
def window_on(qtbot, ui_settings, dialogs, held):
    """``window_on(path)``: the main window on the database at ``path``, its database tasks in ``held``."""
    windows = []

    def open_window(path):
        window = window_on_file(qtbot, ui_settings, dialogs, path, database_work=held)
        windows.append(window)
        assert window.ctx.db is not None
        return window

    yield open_window
    for window in windows:
        window.ctx.close()


class Shown:
    """Every set of staff numbers and names the results table was given, in order."""

    def __init__(self, page) -> None:
        self.page = page
        self.frames: list[list[tuple[str, str]]] = []
        page.model.modelReset.connect(self._record)

    def _record(self) -> None:
        data = self.page.model.data_
        frame = data.scores.frame if data is not None else None
        self.frames.append([] if frame is None else list(zip(frame["staff_no"], frame["name"], strict=True)))

    def staff(self) -> set[str]:
        return {staff_no for frame in self.frames for staff_no, _name in frame}

    def names(self) -> set[str]:
        return {name for frame in self.frames for _staff_no, name in frame}


def _results(window):
    page = window.show_page("results")
    assert page is not None and page.data is not None and not page.refreshing
    return page


def _total(page, staff_no: str) -> float:
    frame = page.data.scores.frame
    return float(frame.loc[frame["staff_no"] == staff_no, "total"].iloc[0])


def _refreshing_shown(page) -> bool:
    return page.refreshing and page.refreshing_label.isVisible() and page.refreshing_label.text() == _("Refreshing…")


def test_a_write_shows_the_kept_result_marked_refreshing_then_the_fresh_one(window_on, demo_db, held):
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    page = _results(window)
    assert not page.refreshing_label.isVisible()
    before = _total(page, "CS001")
    rows = page.model.rowCount()
    employee = int(page.data.scores.frame.index[page.data.scores.frame["staff_no"] == "CS001"][0])
    appraisal.add_adjustment(window.ctx.db, window.ctx.actor, page.data.period, employee, "3", "Mentored two hires")
    held.held = True
    window.ctx.notify(Changes.RESULTS)
    assert page.model.rowCount() == rows  # never blank: the last result stays, marked as being refreshed
    assert _refreshing_shown(page)
    assert _total(page, "CS001") == pytest.approx(before)
    held.release()
    assert not page.refreshing and not page.refreshing_label.isVisible()
    assert _total(page, "CS001") == pytest.approx(before + 3, abs=0.011)

    with window.ctx.db.session() as session:  # a raw value cleared on Data entry: the total moves again
        period_id = session.execute(select(m.PeriodRecord.id).where(m.PeriodRecord.code == page.data.period)).scalar_one()
        fields = list(session.execute(select(m.Measurement.field_code).where(
            m.Measurement.employee_id == employee, m.Measurement.period_id == period_id)).scalars())
    assert fields
    from kpidesk.services.appraisal import measurements

    with window.ctx.db.write() as session:
        measurements.set_values(session, window.ctx.actor, page.data.period,
                                [measurements.ValueChange(employee, code, None) for code in fields])
    adjusted = _total(page, "CS001")
    held.held = True
    window.ctx.notify(Changes.MEASUREMENTS)
    assert _refreshing_shown(page) and _total(page, "CS001") == pytest.approx(adjusted)
    held.release()
    assert not page.refreshing
    assert _total(page, "CS001") != pytest.approx(adjusted)


def test_a_head_never_gets_the_result_an_administrator_just_viewed(window_on, demo_db, held, qtbot):
    with demo_db.session() as session:
        own = session.execute(select(m.Employee.department_id).where(m.Employee.staff_no == "CS001")).scalar_one()
        theirs = set(session.execute(select(m.Employee.staff_no).where(m.Employee.department_id == own)).scalars())
        others = set(session.execute(select(m.Employee.staff_no).where(m.Employee.department_id != own)).scalars())
    path = demo_db.path
    demo_db.dispose()
    assert theirs and others
    window = window_on(path)
    admin = window.ctx.actor
    page = _results(window)
    others &= set(page.data.scores.frame["staff_no"])  # appraised people of other departments, seen by the admin
    assert others
    period = page.data.period
    shown = Shown(page)
    head = Actor("zhou", Role.HEAD, department_ids=frozenset({own}))

    held.held = True
    window.ctx.actor = head  # another login in the same window, on the same period
    assert page.model.rowCount() == 0  # the administrator's rows left the screen at once
    assert page.results_cache.get(window.ctx.db, admin, period, window.ctx.language) is None
    qtbot.waitUntil(lambda: bool(held.waiting))  # the page asked for the head's own result
    assert page.model.rowCount() == 0 and not page.refreshing  # nothing kept for the head yet: nothing shown
    held.release()
    assert set(page.data.scores.frame["staff_no"]) <= theirs
    assert shown.staff() and not shown.staff() & others

    # with the administrator's result kept, a lookup with the head's scope still finds nothing
    window.ctx.actor = admin
    qtbot.waitUntil(lambda: page.data is not None and others <= set(page.data.scores.frame["staff_no"]))
    assert page.results_cache.get(window.ctx.db, admin, period, window.ctx.language) is page.data
    assert page.results_cache.get(window.ctx.db, head, period, window.ctx.language) is None


def test_a_switched_database_never_shows_the_rows_kept_for_the_old_one(window_on, demo_db, held, tmp_path):
    path = demo_db.path
    demo_db.dispose()
    other = tmp_path / "other.db"
    shutil.copyfile(path, other)
    renamed = open_database(other)
    with renamed.write() as session:
        for employee in session.execute(select(m.Employee)).scalars():
            employee.name = f"Other {employee.staff_no}"
    renamed.dispose()

    window = window_on(path)
    page = _results(window)
    old_names = set(page.data.scores.frame["name"])
    period = page.data.period
    shown = Shown(page)
    held.held = True
    window.open_path(other)
    held.release()  # the file opens; the page clears at once and computes the other database's period
    assert window.ctx.db.path == other and window.ctx.period_code == period
    assert page.data is not None and not page.refreshing
    assert all(name.startswith("Other ") for name in page.data.scores.frame["name"])
    assert shown.frames[0] == []  # the first thing shown after the switch was an empty table
    assert not shown.names() & old_names


def test_going_back_to_a_period_shows_its_kept_result_at_once(window_on, demo_db, held):
    with demo_db.session() as session:
        codes = list(session.execute(select(m.PeriodRecord.code).order_by(m.PeriodRecord.code)).scalars())
    path = demo_db.path
    demo_db.dispose()
    assert len(codes) >= 2
    window = window_on(path)
    page = _results(window)
    first = page.data.period
    second = next(code for code in reversed(codes) if code != first)
    window.ctx.set_period(second)
    assert page.data.period == second and not page.refreshing
    kept = page.results_cache.get(window.ctx.db, window.ctx.actor, first, window.ctx.language)
    assert kept is not None and kept.period == first
    held.held = True
    window.ctx.set_period(first)
    assert page.data is kept and page.model.rowCount() == len(kept.table)  # shown before any computation ran
    assert _refreshing_shown(page) and held.waiting
    held.release()
    assert page.data is not kept and page.data.period == first and not page.refreshing


def test_the_context_empties_registered_caches_on_a_new_database_or_login(qtbot, ui_settings, dialogs, sync_tasks,
                                                                          tmp_path):
    from kpidesk.ui.context import AppContext

    ctx = AppContext(actor=Actor("boss", Role.ADMIN), tasks=sync_tasks, dialogs=dialogs, settings=ui_settings)
    emptied: list[str] = []
    ctx.on_forget(lambda: emptied.append("results"))
    ctx.actor = Actor("boss", Role.ADMIN)  # the same person again: nothing to forget
    assert emptied == []
    with qtbot.waitSignal(ctx.actor_changed):
        ctx.actor = Actor("zhou", Role.HEAD, department_ids=frozenset({1}))
    assert emptied == ["results"]
    db = open_database(tmp_path / "new.db")
    ctx.set_database(db)
    assert emptied == ["results", "results"]
    ctx.close()
    assert len(emptied) == 3


def test_a_refresh_that_changes_nothing_leaves_the_table_as_it_is(window_on, demo_db):
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    page = _results(window)
    frame = page.data.scores.frame
    employee = int(frame.index[frame["staff_no"] == "CS002"][0])
    page.focus_employee(employee)
    page.table.verticalScrollBar().setValue(page.table.verticalScrollBar().maximum())
    scrolled = page.table.verticalScrollBar().value()
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    shown = page.data
    window.ctx.notify(Changes.FORMS)  # a write elsewhere that moved none of these results
    assert page.data is not shown and not page.refreshing  # computed again …
    assert resets == []  # … and taken without resetting the table:
    assert page.current_employee() == employee and page.table.verticalScrollBar().value() == scrolled
    assert page.model.data_ is page.data  # tooltips and explanations read the fresh result
    assert page.model.index(page.model.row_of(employee), 0).data() == "CS002"


def _kept(ctx):
    return ctx.kept_results.get(ctx.db, ctx.actor, ctx.period_code, ctx.language)


def test_the_first_click_on_results_finds_the_period_computed_ahead(window_on, demo_db, held, qtbot):
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    assert window.current_page_key() != "results" and "results" not in window.pages
    qtbot.waitUntil(lambda: _kept(window.ctx) is not None)  # computed while the window idled
    kept = _kept(window.ctx)
    held.held = True
    page = window.show_page("results")
    assert page.data is kept and page.model.rowCount() == len(kept.table) > 0  # filled before computing
    assert _refreshing_shown(page) and held.waiting  # … and computed again, as after any reopening
    held.release()
    assert page.data is not kept and not page.refreshing


def test_a_result_computed_ahead_for_a_login_that_has_gone_is_dropped(window_on, demo_db, held):
    from kpidesk.ui.pages.results.ahead import compute_results_ahead

    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    ctx = window.ctx
    ctx.kept_results.clear()
    held.held = True
    assert compute_results_ahead(ctx, window) is not None and held.waiting  # under way …
    admin = ctx.actor
    head = Actor("zhou", Role.HEAD, department_ids=frozenset({1}))
    ctx.actor = head  # … when someone else logs in
    held.release()
    assert ctx.kept_results.get(ctx.db, head, ctx.period_code, ctx.language) is None
    assert ctx.kept_results.get(ctx.db, admin, ctx.period_code, ctx.language) is None
    ctx.actor = admin
    held.release()
    assert compute_results_ahead(ctx, window) is not None  # the same call for the one still logged in keeps it
    assert _kept(ctx) is not None and compute_results_ahead(ctx, window) is None  # kept: nothing to compute


def _ahead_waiting(window, held, qtbot):
    """Hold the database pool and wait until the window has queued its computation ahead there."""
    held.held = True
    window.ctx.kept_results.clear()
    window._results_ahead = True
    window._on_busy_changed(False)
    qtbot.waitUntil(lambda: window.results_ahead is not None and bool(held.waiting))
    return window.results_ahead


def test_the_computation_ahead_starts_after_the_page_on_screen_is_filled(window_on, demo_db, held, qtbot):
    path = demo_db.path
    demo_db.dispose()
    started: list[str] = []
    start = held.start

    def record(runnable) -> None:
        started.append("ahead" if type(runnable).__module__.endswith(".ahead") else "task")
        start(runnable)

    held.start = record
    window = window_on(path)  # opened, and the page on screen loaded, all at once
    page = window.pages[window.current_page_key()]
    assert page.is_current() and not window.ctx.tasks.busy
    assert "ahead" not in started and _kept(window.ctx) is None  # nothing computed ahead in the same turn
    qtbot.waitUntil(lambda: _kept(window.ctx) is not None)
    assert started[-1] == "ahead" and started.count("ahead") == 1


def test_the_computation_ahead_never_makes_the_window_busy(window_on, demo_db, held, qtbot):
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    busy: list[bool] = []
    window.ctx.tasks.busy_changed.connect(busy.append)
    ahead = _ahead_waiting(window, held, qtbot)
    assert not window.ctx.tasks.busy and busy == []  # under way, yet nobody waits for it
    held.release()
    assert ahead.finished and not ahead.cancelled and _kept(window.ctx) is not None
    assert busy == [] and window.results_ahead is None


def test_work_the_user_starts_stops_the_computation_ahead_which_resumes_once_idle(window_on, demo_db, held, qtbot):
    from kpidesk.ui.tasks import Task

    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    ahead = _ahead_waiting(window, held, qtbot)
    done: list[int] = []
    Task(window, lambda: 42).success(done.append).start()  # the user asks for something
    assert ahead.token.cancelled
    held.release()  # the computation ahead gives way at once; the user's work runs
    assert done == [42] and ahead.cancelled and _kept(window.ctx) is None
    qtbot.waitUntil(lambda: _kept(window.ctx) is not None)  # started again once the window idled
    assert window.results_ahead is None


def test_closing_the_window_stops_the_computation_ahead(window_on, demo_db, held, qtbot):
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    ahead = _ahead_waiting(window, held, qtbot)
    window.close()
    assert ahead.token.cancelled and window.ctx.db is None


def _window_to_compute_ahead(window_on, demo_db, monkeypatch, pause_ms: int):
    """The window on the demo, nothing kept, the current period due to be computed ahead after a pause of
    ``pause_ms``."""
    import kpidesk.ui.main_window as main_window

    monkeypatch.setattr(main_window, "RESULTS_AHEAD_PAUSE_MS", pause_ms)
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    window.ctx.kept_results.clear()
    window._results_ahead = True
    return window


def test_the_computation_ahead_waits_while_the_person_types_and_starts_once_they_pause(
        window_on, demo_db, qtbot, monkeypatch):
    import time

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = _window_to_compute_ahead(window_on, demo_db, monkeypatch, 400)
    typing_until = time.monotonic() + 1.0
    while time.monotonic() < typing_until:  # a key every 100 ms for a second, well after the window idled
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_Shift)
        window._on_busy_changed(False)
        qtbot.wait(100)
        assert _kept(window.ctx) is None and window.results_ahead is None
    qtbot.waitUntil(lambda: _kept(window.ctx) is not None, timeout=5000)
    assert window.ctx.user_input.paused_ms() >= 400


def test_input_stops_the_computation_ahead_which_resumes_after_a_pause(window_on, demo_db, held, qtbot, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    import kpidesk.ui.main_window as main_window

    monkeypatch.setattr(main_window, "RESULTS_AHEAD_PAUSE_MS", 200)
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    ahead = _ahead_waiting(window, held, qtbot)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Shift)  # the person goes on
    assert ahead.token.cancelled
    held.release()
    assert ahead.cancelled and _kept(window.ctx) is None
    qtbot.waitUntil(lambda: _kept(window.ctx) is not None, timeout=5000)  # computed again once they paused


def test_the_chart_modules_load_once_the_table_is_shown_and_no_work_runs(window_on, demo_db, held, qtbot, monkeypatch):
    from kpidesk.ui.pages.results import page as results_page
    from kpidesk.ui.tasks import Task

    loads: list[bool] = []
    monkeypatch.setattr(results_page, "_charts_warmed", False)
    monkeypatch.setattr(results_page, "CHARTS_WARM_PAUSE_MS", 50)
    monkeypatch.setattr(results_page, "warm_up_charts", lambda: loads.append(True))
    path = demo_db.path
    demo_db.dispose()
    window = window_on(path)
    page = window.show_page("results")
    qtbot.waitUntil(lambda: page.data is not None and not page.refreshing)
    held.held = True
    Task(window, lambda: 1).start()  # the person's work, under way
    qtbot.wait(500)
    assert loads == []
    held.release()
    qtbot.waitUntil(lambda: loads == [True], timeout=3000)


def test_a_result_coming_back_into_view_is_painted_before_it_is_computed_again(
        qtbot, ui_settings, dialogs, demo_db, monkeypatch):
    """With the window's real worker threads: the worker waits for the table's paint."""
    from tests_support.paints import PaintSpy

    from kpidesk.ui.app import build_window
    from kpidesk.ui.pages.results import page as results_page

    path = demo_db.path
    demo_db.dispose()
    window = build_window(ui_settings, dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    qtbot.waitUntil(lambda: window.ctx.db is not None and not window.ctx.tasks.busy, timeout=10000)
    page = window.show_page("results")
    qtbot.waitUntil(lambda: page.data is not None and not page.refreshing and not window.ctx.tasks.busy,
                    timeout=10000)
    window.show_page("settings")
    window.ctx.notify(Changes.MEASUREMENTS)  # a value typed meanwhile: the page computes again when shown
    spy = PaintSpy(page.table.viewport())
    painted_when_computed: list[bool] = []
    load = results_page.load_results

    def recorded(*args, **kwargs):
        painted_when_computed.append(spy.painted > 0)
        return load(*args, **kwargs)

    monkeypatch.setattr(results_page, "load_results", recorded)
    shown = page.data
    window.show_page("results")
    assert page.data is shown and page.refreshing  # the result it held, marked as being refreshed …
    qtbot.waitUntil(lambda: not page.refreshing and not window.ctx.tasks.busy, timeout=10000)
    assert painted_when_computed == [True]  # … painted before the worker started computing it again
    window.close()


def test_the_computation_ahead_waits_for_a_pause_after_the_work_the_person_started(
        window_on, demo_db, held, qtbot, monkeypatch):
    import time

    from kpidesk.ui.tasks import Task

    window = _window_to_compute_ahead(window_on, demo_db, monkeypatch, 600)
    Task(window, lambda: 1).start()  # the person's work, ended at once
    ended = time.monotonic()
    qtbot.wait(300)
    assert window.results_ahead is None and _kept(window.ctx) is None  # they are looking at its result
    qtbot.waitUntil(lambda: _kept(window.ctx) is not None, timeout=5000)
    assert time.monotonic() - ended >= 0.6
