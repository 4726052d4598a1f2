"""What the window and the command line ask of printing and charts, one call per user action; each
function takes the ``Database`` handle and the acting user and opens its own unit of work.
"""

from __future__ import annotations

from typing import Any

from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store.db import Database


@requires(Permission.RESULTS_READ)
def chart(db: Database, actor: Actor, kind: str, period: str, *, employee: str | None = None,
          department: str | None = None, kpi: str | None = None, lang: str | None = None,
          length: int | None = None) -> Any:
    """The data of one chart, read as ``actor`` may see it. ``length`` (periods shown) applies to the
    trends; without it they show the chart's default span."""
    from kpidesk.services.printing import chart_data as charts
    from kpidesk.services.safety import access

    with db.session() as session:
        if length is None:
            return charts.chart_data(session, actor, kind, period, employee=employee, department=department,
                                     kpi=kpi, lang=lang)
        if kind == "team-trend":
            return charts.team_kpi_trend(session, period, kpi or "", department=department, actor=actor,
                                         lang=lang, length=length)
        if kind == "trend" and employee:
            person = charts.find_employee(session, employee)
            scored = charts.load_scored_period(session, period, actor=actor)
            if person.id not in scored.scores.rows:
                return charts.chart_data(session, actor, kind, period, employee=employee, lang=lang)  # says why
            access.require_for_employee(session, actor, access.Permission.RESULTS_READ, person.id)
            return charts.employee_history(session, person.id, scored, lang=lang, length=length)
        return charts.chart_data(session, actor, kind, period, employee=employee, department=department, kpi=kpi,
                                 lang=lang)


@requires(Permission.RESULTS_READ)
def verify_printed_sheet(db: Database, actor: Actor, period: str, staff_no: str, printed_hash: str):
    """Whether a printed sheet's hash matches the period's stored results."""
    from kpidesk.services.printing.verification import verify_sheet

    with db.session() as session:
        return verify_sheet(session, actor, period, staff_no, printed_hash)


@requires(Permission.PRINT)
def print_sheets(db: Database, actor: Actor, request, out, *, progress=None, cancel=None,
                 processes: int | None = None, chart_cache=None, chart_process=None):
    """Write the sheets, summary or year sheets of ``request`` as the actor may see them (see
    ``sheets.print_documents``); returns the ``PrintOutcome``.

    ``chart_cache`` (a :class:`~kpidesk.charts.chart_cache.ChartCache`) keeps the charts drawn for a
    later print, filed under what this actor may see; ``chart_process`` (a warm
    :class:`~kpidesk.charts.chart_process.ChartProcess`) draws a few charts while the layout is
    prepared here."""
    from contextlib import ExitStack

    from kpidesk.charts import chart_cache as cached_charts
    from kpidesk.charts.chart_process import drawing_in
    from kpidesk.services.printing.sheets import print_documents

    with ExitStack() as stack:
        if chart_cache is not None:
            stack.enter_context(cached_charts.serving(chart_cache, actor.view_scope))
        if chart_process is not None:
            chart_process.meanwhile.append(_prepare_layout)
            stack.enter_context(drawing_in(chart_process))
        else:
            _prepare_layout()
        return print_documents(db, actor, request, out, progress=progress, cancel=cancel, processes=processes)


@requires(Permission.PRINT)
def warm_printing(db: Database, actor: Actor) -> None:
    """Import and set up everything a print needs (the report fonts, matplotlib and a first chart), so
    that the next print spends its time on the documents alone. Reads nothing from the database."""
    from kpidesk.charts.chart_process import warm_up
    from kpidesk.services.printing import sheets  # noqa: F401 - imported now rather than at the first print

    _prepare_layout()
    warm_up()


def _prepare_layout() -> None:
    """Import the layout modules and register the report font (the first costs most of a short print).
    The font's tables are some hundred thousand new lists and tuples at once, which made the collector walk
    everything loaded several times over: 70 ms of reading them from the cache instead of 20 ms."""
    from kpidesk.services.collector import collector_paused

    with collector_paused():
        from kpidesk.reports.document import render_documents  # noqa: F401 - its import cost paid now
        from kpidesk.reports.fonts import register_pdf_font

        register_pdf_font()
