"""Every chart kind, in both languages and at the printed sizes: no text sticks out of the figure
and no two labels overlap."""

from __future__ import annotations

import dataclasses

import pytest

from kpidesk.charts.data import default_grade_bands
from kpidesk.charts.pool import CHART_KINDS, draw_chart
from kpidesk.charts.sizes import PRINT_BESIDE_RESULT
from kpidesk.charts.style import PRINT_HALF_WIDTH, chart_style

#: the sizes the sheets print at; the other kinds are drawn at their own default size
SIZES = {"trend": PRINT_HALF_WIDTH, "radar": PRINT_HALF_WIDTH, "distribution": PRINT_HALF_WIDTH,
         "scores": PRINT_HALF_WIDTH, "ranking": (7.0, 5.6)}
#: the kinds drawn small beside a period sheet's result, in their compact layout
BESIDE_RESULT = [("trend", PRINT_BESIDE_RESULT), ("radar", PRINT_BESIDE_RESULT)]
CASES = [(kind, SIZES.get(kind)) for kind in sorted(CHART_KINDS)] + BESIDE_RESULT


def _data(kind: str, request, lang: str):
    fixture = {"trend": "history", "bullet": "attainment", "radar": "radar", "distribution": "distribution",
               "scores": "team_scores", "ranking": "ranking", "team-trend": "team_trend",
               "fishbone": "kpi_system"}[kind]
    data = request.getfixturevalue(fixture)
    if hasattr(data, "bands"):  # grade labels in the sheet's language ("Excellent" is the long one)
        data = dataclasses.replace(data, bands=default_grade_bands(lang))
    if kind == "radar" and lang == "en":
        data = dataclasses.replace(data, scale_labels=("Poor", "Fair", "Good", "Excellent"))
    return data


def _texts(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(fig)
    with chart_style():  # as figure_to_png draws it
        canvas.draw()
    renderer = canvas.get_renderer()
    undrawn = set()  # labels of ticks outside the axis limits: matplotlib keeps them but skips them
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            drawn = {id(label) for tick in axis._update_ticks() for label in (tick.label1, tick.label2)
                     if ax.axison and axis.get_visible()}
            undrawn |= {id(label) for tick in ticks for label in (tick.label1, tick.label2)} - drawn
    for text in fig.findobj(Text):
        if id(text) in undrawn or not text.get_visible() or not str(text.get_text()).strip():
            continue
        yield text, text.get_window_extent(renderer)


def _outside(fig, placed) -> list[tuple]:
    """The texts of ``placed`` (text, box) that stick out of the figure by more than a pixel."""
    bounds = fig.bbox
    return [(t.get_text(), round(b.x0), round(b.y0), round(b.x1), round(b.y1)) for t, b in placed
            if b.x0 < bounds.x0 - 1 or b.y0 < bounds.y0 - 1 or b.x1 > bounds.x1 + 1 or b.y1 > bounds.y1 + 1]


def _clashes(placed) -> list[tuple[str, str]]:
    """The pairs of texts of ``placed`` (text, box) that overlap by more than two pixels each way."""
    placed = list({id(t): (t, b) for t, b in placed}.values())
    return [(text.get_text(), other.get_text()) for index, (text, box) in enumerate(placed)
            for other, other_box in placed[index + 1:]
            if min(box.x1, other_box.x1) - max(box.x0, other_box.x0) > 2
            and min(box.y1, other_box.y1) - max(box.y0, other_box.y0) > 2]


def _assert_texts_apart_and_inside(fig) -> None:
    placed = list(_texts(fig))
    outside, clashes = _outside(fig, placed), _clashes(placed)
    assert not outside, outside
    assert not clashes, clashes


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize(("kind", "size"), CASES)
def test_no_text_extends_past_the_figure(kind, size, lang, request):
    fig = draw_chart(kind, _data(kind, request, lang), size=size, lang=lang)
    outside = _outside(fig, _texts(fig))
    assert not outside, f"{kind}/{lang}: {outside} outside {fig.bbox.bounds}"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize(("kind", "size"), CASES)
def test_no_two_labels_overlap(kind, size, lang, request):
    fig = draw_chart(kind, _data(kind, request, lang), size=size, lang=lang)
    clashes = _clashes(_texts(fig))
    assert not clashes, f"{kind}/{lang}: {clashes}"


@pytest.mark.parametrize("size", [PRINT_HALF_WIDTH, PRINT_BESIDE_RESULT])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_radar_of_eight_criteria_keeps_its_labels_apart_and_inside(lang, size):
    from kpidesk.reports.samples import sample_radar

    data = sample_radar(3)
    if lang == "en":
        data = dataclasses.replace(data, scale_labels=("Poor", "Fair", "Good", "Excellent"))
    fig = draw_chart("radar", data, size=size, lang=lang)
    _assert_texts_apart_and_inside(fig)


@pytest.mark.parametrize("size", [PRINT_HALF_WIDTH, PRINT_BESIDE_RESULT])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_criteria_names_stay_outside_the_ring_of_the_radar(lang, size):
    """A name beside the ring is set away from it: centred on its spoke, a wide one ran over the polygons of
    a criterion rated at the top of the scale."""
    import math

    from kpidesk.reports.samples import sample_radar

    fig = draw_chart("radar", sample_radar(3), size=size, lang=lang)
    ax = fig.axes[0]
    names = {str(label.get_text()) for label in ax.get_xticklabels()}
    box = dict(_texts(fig))  # draws the figure, so the axes' position below is final
    ring = ax.get_window_extent()
    centre_x, centre_y, radius = (ring.x0 + ring.x1) / 2, (ring.y0 + ring.y1) / 2, min(ring.width, ring.height) / 2
    inside = []
    for text, extent in box.items():
        if str(text.get_text()) not in names:
            continue
        dx = max(extent.x0 - centre_x, 0.0, centre_x - extent.x1)
        dy = max(extent.y0 - centre_y, 0.0, centre_y - extent.y1)
        if math.hypot(dx, dy) < radius - 1:
            inside.append(text.get_text())
    assert len(names) == 8 and not inside, inside


@pytest.mark.parametrize("size", [PRINT_HALF_WIDTH, PRINT_BESIDE_RESULT])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_grade_names_at_both_ends_of_a_long_history_stay_over_the_plot(lang, size):
    """The grade names of the first and last points of a year read inside the plot: centred on the point
    they ran over the score ticks on the left and past the axis on the right."""
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint

    bands = default_grade_bands(lang)
    excellent = next(band for band in bands if band.key == "excellent")
    good = next(band for band in bands if band.key == "good")
    points = [HistoryPoint(f"2025-{month:02d}", 104.0 if month in (1, 12) else 90.0,
                           "excellent" if month in (1, 12) else "good",
                           excellent.label if month in (1, 12) else good.label, 88.0)
              for month in range(1, 13)]
    fig = draw_chart("trend", EmployeeHistory("王芳", points, bands), size=size, lang=lang)
    placed = dict(_texts(fig))
    plot = fig.axes[0].get_window_extent()
    ends = [box for text, box in placed.items() if text in fig.axes[0].texts and hasattr(text, "xy")
            and str(text.get_text()) == excellent.label]  # the points' names, not the band's
    assert len(ends) == 2
    assert all(plot.x0 <= box.x0 and box.x1 <= plot.x1 for box in ends), [box.bounds for box in ends]


@pytest.mark.parametrize("months", [(2025, 1, 12), (2024, 9, 13), (2025, 4, 5)])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_history_beside_the_result_names_its_periods_apart_and_inside(months, lang):
    """At the sheet's size the periods of up to a year (and across a new year) are named without touching
    each other or leaving the chart; the year is named under the first period and the first of a new year."""
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint

    first_year, first_month, count = months
    codes = [f"{first_year + (first_month - 1 + i) // 12}-{(first_month - 1 + i) % 12 + 1:02d}" for i in range(count)]
    bands = default_grade_bands(lang)
    # fair, good, excellent in turn: every point named, one above the other
    points = [HistoryPoint(code, 80.0 + (i % 3) * 8, bands[2 - i % 3].key, bands[2 - i % 3].label, 86.0)
              for i, code in enumerate(codes)]
    fig = draw_chart("trend", EmployeeHistory("王芳", points, bands), size=PRINT_BESIDE_RESULT, lang=lang)
    _assert_texts_apart_and_inside(fig)
    named = [str(label.get_text()) for label in fig.axes[0].get_xticklabels() if label.get_text()]
    years = [name.split("\n")[1] for name in named if "\n" in name]
    assert years == sorted({code[:4] for code in codes}) and named[-1].split("\n")[0] == codes[-1][5:]


def test_short_period_labels():
    from kpidesk.charts.history import short_period_labels

    assert short_period_labels(["2025-01", "2025-02", "2025-03"]) == ["01\n2025", "02", "03"]
    year = [f"2025-{m:02d}" for m in range(1, 13)]
    assert short_period_labels(year) == ["01\n2025", "", "03", "", "05", "", "07", "", "09", "", "", "12"]
    across = ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]
    assert short_period_labels(across) == ["11\n2024", "", "01\n2025", "", "03", "", "05", "", "07"]
    assert short_period_labels(["2023", "2024"]) == ["2023", "2024"]
    assert short_period_labels(["2025-Q1", "2025-Q2"]) == ["Q1\n2025", "Q2"]


@pytest.mark.parametrize("size", [PRINT_HALF_WIDTH, PRINT_BESIDE_RESULT])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_ratings_of_two_criteria_drawn_as_bars_keep_their_text_apart_and_inside(lang, size):
    from kpidesk.charts.data import RadarData, RadarSeries

    if lang == "en":
        criteria, raters = ["Teamwork & knowledge sharing", "Professional knowledge & skills"], \
            ["Self rating", "Manager rating", "Peer rating"]
        levels = ("Poor", "Fair", "Good", "Excellent")
    else:
        criteria, raters, levels = ["团队协作与知识分享", "专业知识与技能"], ["自评", "上级评", "同事评"], ("差", "一般", "良好", "优秀")
    series = [RadarSeries(name, values, role) for name, values, role
              in zip(raters, ([4, 3], [3, 2], [3, 3]), ("self", "manager", "peer"), strict=True)]
    fig = draw_chart("radar", RadarData(criteria, series, 4.0, levels), size=size, lang=lang)
    _assert_texts_apart_and_inside(fig)


@pytest.mark.parametrize("size", [PRINT_HALF_WIDTH, PRINT_BESIDE_RESULT])
def test_the_grade_name_of_a_dip_goes_under_its_point(size):
    """Above the lowest point of a dip the line runs through its name; under it the name reads clear."""
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint

    bands = default_grade_bands("en")
    fair, poor = bands[2], bands[3]
    totals = [79.0, 79.0, 56.0, 79.0, 79.0]
    points = [HistoryPoint(f"2025-{i + 1:02d}", total, (poor if total < 70 else fair).key,
                           (poor if total < 70 else fair).label, 88.0) for i, total in enumerate(totals)]
    fig = draw_chart("trend", EmployeeHistory("王芳", points, bands), size=size, lang="en")
    placed = dict(_texts(fig))
    ax = fig.axes[0]
    dip_y = ax.transData.transform((2, 56.0))[1]
    (dip,) = [box for text, box in placed.items() if hasattr(text, "xy") and str(text.get_text()) == poor.label]
    (first,) = [box for text, box in placed.items() if hasattr(text, "xy") and tuple(text.xy) == (0, 79.0)]
    assert dip.y1 < dip_y and first.y0 > ax.transData.transform((0, 79.0))[1]


@pytest.mark.parametrize("size", [PRINT_HALF_WIDTH, PRINT_BESIDE_RESULT])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_grade_names_of_a_grade_changing_every_month_stay_apart(lang, size):
    """A person going from Excellent to Good and back every month: the names that would run into one another
    are left out (each point keeps its grade's colour), the latest period always keeps its name."""
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint

    bands = default_grade_bands(lang)
    excellent, good, fair = bands[0], bands[1], bands[2]
    totals = [95.8, 93.1, 96.6, 92.2, 94.0, 97.9, 79.1, 96.6, 77.4, 101.8, 92.0]
    points = []
    for month, total in enumerate(totals, start=1):
        band = excellent if total >= 95 else good if total >= 85 else fair
        points.append(HistoryPoint(f"2025-{month:02d}", total, band.key, band.label, 88.0))
    fig = draw_chart("trend", EmployeeHistory("刘洋", points, bands), size=size, lang=lang)
    grade_names = [(text, box) for text, box in _texts(fig) if hasattr(text, "xy")]
    assert not _outside(fig, grade_names) and not _clashes(grade_names), _clashes(grade_names)
    names = {tuple(text.xy): str(text.get_text()) for text in fig.axes[0].texts if hasattr(text, "xy")}
    assert names.get((10, 92.0)) == good.label and len(names) >= 5, names
