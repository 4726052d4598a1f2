"""A finalized period's results are read from the rows its snapshot stored, without building a data frame:
what is printed and whom it is shown to must be exactly what the frame of the same rows gives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import scoring
from kpidesk.services.appraisal.scoring import ResultRows
from kpidesk.services.printing.sheets import PrintRequest, gather_documents
from kpidesk.services.safety.access import department_and_descendants
from kpidesk.store import models as m

ADMIN = Actor("admin")
FINAL = "2025-11"


@pytest.fixture
def frame_rows(monkeypatch):
    """Read snapshots as a data frame of their rows, as every reader did before stored rows were read."""
    stored = ResultRows.from_snapshot

    def as_frame(content, scale):
        return ResultRows(stored(content, scale).frame)

    def use() -> None:
        monkeypatch.setattr(ResultRows, "from_snapshot", staticmethod(as_frame))

    return use


def _gathered(db, actor, request):
    with db.session() as session:
        pending = gather_documents(session, actor, request)
        return pending.documents, [(job.kind, job.data) for job in pending.jobs]


def _actors(db):
    """An administrator, the head of one team (who sees part of the office) and an employee."""
    with db.session() as session:
        team = session.execute(select(m.Department).where(m.Department.parent_id.is_not(None))
                               .order_by(m.Department.id.desc())).scalars().first()
        wang = session.execute(select(m.Employee).order_by(m.Employee.staff_no)).scalars().first()
        head = Actor("head", Role.HEAD, department_ids=frozenset(department_and_descendants(session, team.id)))
        everyone = len(gather_documents(session, ADMIN, PrintRequest(FINAL, charts=False)).documents)
        assert 0 < len(gather_documents(session, head, PrintRequest(FINAL, charts=False)).documents) < everyone
        return [ADMIN, head, Actor("wang", Role.EMPLOYEE, employee_id=wang.id)]


@pytest.mark.parametrize("request_", [
    PrintRequest(FINAL),
    PrintRequest(FINAL, summary=True, sheets=False, charts=False),
    PrintRequest(FINAL, year_sheets=True, lang="en"),
], ids=["sheets with charts", "summaries", "year sheets"])
def test_printing_from_stored_rows_gathers_what_the_frame_gave(demo_db, frame_rows, request_):
    actors = _actors(demo_db)
    from_rows = [_gathered(demo_db, actor, request_) for actor in actors]
    assert all(documents for documents, _jobs in from_rows)
    frame_rows()
    assert [_gathered(demo_db, actor, request_) for actor in actors] == from_rows


@pytest.mark.parametrize("read", ["period_scores", "scores_with_kpi_labels", "period_results"])
def test_what_the_window_reads_has_its_frame_built_on_the_workers_thread(demo_db, monkeypatch, read):
    """The window's pages read ``scores.frame`` on the UI thread: a finalized 5,000-person period's frame
    must not be built there."""
    from kpidesk.services.appraisal import use_cases

    got = getattr(use_cases, read)(demo_db, ADMIN, FINAL)
    scores = got[0] if isinstance(got, tuple) else getattr(got, "scores", got)
    assert scores.source == "snapshot"

    def built_late(*_args):
        raise AssertionError("the frame was built where it was first read")

    monkeypatch.setattr(scoring, "frame_from_content", built_late)
    assert len(scores.frame) == len(scores.rows.employee_ids) > 0
    assert scores.loaded is None


def test_the_overview_compares_with_a_finalized_period_without_building_its_frame(demo_db, monkeypatch):
    """The previous month's rows are read as stored: for 5,000 people its frame cost a quarter second."""
    from kpidesk.services.appraisal.use_cases import period_overview

    def built(*_args):
        raise AssertionError("the finalized period's frame was built")

    monkeypatch.setattr(scoring, "frame_from_content", built)
    overview = period_overview(demo_db, ADMIN, "2025-12")
    assert overview.previous_period == FINAL and overview.movers
    assert all(mover.previous_grade for mover in overview.movers)


def test_each_periods_department_medians_are_worked_out_once_for_all_the_sheets(demo_db, monkeypatch):
    """A history on each of 500 sheets walked every row of every period again (2 s of 3.4 s for 100 sheets)."""
    from kpidesk.services.printing import chart_data

    worked_out = []
    medians = chart_data.department_medians

    def counted(totals, tree):
        result = medians(totals, tree)
        worked_out.append(result)
        return result

    monkeypatch.setattr(chart_data, "department_medians", counted)
    for period in (FINAL, "2025-12"):
        with demo_db.session() as session:
            pending = gather_documents(session, ADMIN, PrintRequest(period))
            histories = [job.data for job in pending.jobs if job.kind == "trend"]
            periods = {point.period for history in histories for point in history.points}
        assert len(histories) == len(pending.documents) > 1
        assert len(worked_out) == len(periods)
        worked_out.clear()


def test_a_department_median_is_over_its_teams_totals_and_leaves_out_the_missing():
    from kpidesk.services.appraisal.lookups import DepartmentTree
    from kpidesk.services.printing.chart_data import department_medians

    tree = DepartmentTree({1: "客户关怀部", 2: "一组", 3: "二组", 4: "销售部"}, {1: None, 2: 1, 3: 1, 4: None})
    totals = [(80.0, 2), (90.0, 3), (None, 3), (float("nan"), 1), (70.0, 4), (60.0, None)]
    assert department_medians(totals, tree) == {1: 85.0, 4: 70.0, None: 60.0}


def test_year_sheets_work_out_each_months_department_sizes_once(demo_db, monkeypatch):
    """Each year sheet counted every month's ranked people again, walking every row of every month."""
    from kpidesk.services.printing import sheets

    worked_out: list[tuple[int, str]] = []
    once = sheets.finalized_once

    def counted(session, record, name, work_out):
        def counting(rows):
            worked_out.append((record.id, name))
            return work_out(rows)
        return once(session, record, name, counting)

    monkeypatch.setattr(sheets, "finalized_once", counted)
    open_sizes: list[str] = []
    rows_once = ResultRows.once

    def counted_on_rows(rows, name, work_out):
        def counting(table):
            open_sizes.append(name)
            return work_out(table)
        return rows_once(rows, name, counting)

    monkeypatch.setattr(ResultRows, "once", counted_on_rows)
    with demo_db.session() as session:
        pending = gather_documents(session, ADMIN, PrintRequest(FINAL, year_sheets=True, charts=False))
    months = {row.period for document in pending.documents for row in document.periods}
    assert len(pending.documents) > 1 and len(months) > 1
    assert len(worked_out) == len(set(worked_out)) == len(months) - 1  # every month but the open one, once
    assert open_sizes == ["department sizes"] * 2  # the open month's and the year's, once for all the sheets
