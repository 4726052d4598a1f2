"""History & charts: every chart kind draws into the embedded canvas, hover names values, export works."""

from __future__ import annotations

import pytest
from matplotlib.backend_bases import MouseEvent

from kpidesk.services.actor import Actor
from kpidesk.ui.pages.history.page import CHARTS

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def _history(main_window):
    page = main_window.show_page("history")
    assert page is not None and page.choices is not None, "the chart choices did not load"
    return page


def test_an_employee_trend_is_drawn_with_hover_values(main_window, qtbot):
    page = _history(main_window)
    page.choose("trend", employee="CS001")
    assert page.shown_kind == "trend" and not page.banner.isVisible()
    # hover over the last point: the hover line names the period and the total (layout settled and any
    # redraw after a resize done first, so the line and its pixel position are the ones the canvas uses)
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    qtbot.waitUntil(lambda: not page.chart._redraw.isActive())
    page.chart.canvas.draw()
    ax = page.chart.figure.axes[0]
    last = page.chart_data.points[-1]
    line = next(line for line in ax.lines if len(line.get_xdata()) > 3 and line.get_ydata()[-1] == last.total)
    points = len(page.chart_data.points)
    assert points >= 10 and len(line.get_xdata()) == points
    x, y = line.get_xdata()[-1], line.get_ydata()[-1]
    px, py = ax.transData.transform((x, y))
    with qtbot.waitSignal(page.chart.hovered) as hovered:
        MouseEvent("motion_notify_event", page.chart.canvas, px, py)._process()
    text = hovered.args[0]
    assert page.chart_data.points[-1].period in text
    assert f"{page.chart_data.points[-1].total:g}"[:4] in text.replace(",", "")


def test_the_range_limits_the_periods_shown(main_window):
    page = _history(main_window)
    page.choose("trend", employee="CS001")
    page.range_spin.setValue(4)
    page._timer.stop()
    page.draw()
    assert len(page.chart_data.points) == 4


@pytest.mark.parametrize("kind", [code for code, _title, _needs in CHARTS])
def test_every_chart_kind_draws(main_window, kind):
    page = _history(main_window)
    page.choose(kind, employee="CS001", kpi="csat")
    assert page.shown_kind == kind, page.banner.label.text()
    assert page.chart.figure.axes or page.chart.figure.texts


def test_a_department_chart_and_its_export(main_window, dialogs, tmp_path):
    page = _history(main_window)
    page.choose("distribution", group="一组")
    assert page.chart_data.department == "一组"
    from kpidesk.services.appraisal.scoring import period_scores

    with main_window.ctx.db.session() as session:
        frame = period_scores(session, "2025-12", actor=ADMIN).frame
    graded = frame[(frame["team"] == "一组") & frame["grade_code"].notna()]
    assert sum(page.chart_data.counts.values()) == len(graded) > 0
    # hovering the first bar names the grade and its count
    page.chart.canvas.draw()
    ax = page.chart.figure.axes[0]
    bar = next(p for p in ax.patches if p.get_height() > 0)
    centre = bar.get_window_extent().get_points().mean(axis=0)
    MouseEvent("motion_notify_event", page.chart.canvas, *centre)._process()
    assert page.chart.hover_label.text() == f"{page.chart_data.bands[0].label}: {int(bar.get_height())}"
    dialogs.queue(str(tmp_path / "distribution.png"), str(tmp_path / "distribution.svg"))
    png = page.export()
    svg = page.export()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]


def test_a_link_to_an_employee_shows_their_trend(main_window):
    from kpidesk.services.people.use_cases import staff_no_of

    page = _history(main_window)
    page.choose("ranking")
    employee_id = next(i for i in range(1, 100) if staff_no_of(main_window.ctx.db, main_window.ctx.actor, i) == "CS004")
    page.focus_employee(employee_id)
    assert page.kind_combo.currentData() == "trend" and page.employee_combo.currentData() == "CS004"
    page.focus_employee(999_999)  # someone no longer there: nothing changes
    assert page.employee_combo.currentData() == "CS004"


def test_history_opens_on_someone_with_a_result(make_window, demo_db, qtbot):
    from kpidesk.services.appraisal.use_cases import period_scores
    from kpidesk.services.people import use_cases as people

    path = demo_db.path
    demo_db.dispose()
    window = make_window(opened_on=path)
    ctx = window.ctx
    # someone new with no template sorts first: the page must not open on them
    people.add_employee(ctx.db, ctx.actor, staff_no="AA001", name="无模板", position_name="实习生")
    page = _history(window)
    frame = period_scores(ctx.db, ctx.actor, ctx.period_code).frame.set_index("staff_no")
    first = page.choices.employees[0][0]
    chosen = page.employee_combo.currentData()
    assert chosen != first or frame.loc[first, "total"] == frame.loc[first, "total"]
    assert frame.loc[chosen, "total"] == frame.loc[chosen, "total"], "opened on someone without a result"


def test_history_opens_on_the_last_person_chosen(main_window, ui_settings):
    ui_settings.setValue("history/employee", "CS003")
    page = _history(main_window)
    assert page.employee_combo.currentData() == "CS003"
