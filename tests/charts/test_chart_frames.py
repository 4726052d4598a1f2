"""Charts drawn over a cached frame are pixel for pixel the charts drawn whole."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image

from kpidesk.charts.frame_cache import FrameCache
from kpidesk.charts.history import employee_history_chart
from kpidesk.charts.radar import qualitative_radar_chart
from kpidesk.charts.render import figure_to_png
from kpidesk.charts.sizes import PRINT_BESIDE_RESULT
from kpidesk.reports.samples import sample_history, sample_radar

SIZE = (3.5, 2.6)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("size", [SIZE, PRINT_BESIDE_RESULT])
def test_history_and_radar_over_a_frame_match_the_whole_drawing(size):
    frames = FrameCache()
    cases = [("trend", sample_history(i, months=12 if size is PRINT_BESIDE_RESULT else 10), employee_history_chart)
             for i in range(8)]
    cases += [("trend", dataclasses.replace(sample_history(3), show_median=False), employee_history_chart)]
    cases += [("radar", sample_radar(i), qualitative_radar_chart) for i in range(6)]
    for kind, data, draw in cases:
        fast = frames.render_png(kind, data, size, 100, "zh")
        whole = figure_to_png(draw(data, size=size, lang="zh"), 100)
        assert np.array_equal(_pixels(fast), _pixels(whole)), (kind, data)
    assert 2 <= len(frames._frames) < len(cases)  # frames were shared between charts


def test_charts_without_a_frame_are_left_to_the_whole_drawing(history, radar):
    frames = FrameCache()
    empty = dataclasses.replace(history, points=[])
    assert frames.render_png("trend", empty, SIZE, 100, "zh") is None
    two = dataclasses.replace(radar, criteria=radar.criteria[:2])
    assert frames.render_png("radar", two, SIZE, 100, "zh") is None
    with pytest.raises(ValueError):
        frames.render_png("ranking", history, SIZE, 100, "zh")


def test_render_job_uses_frames_and_falls_back(history):
    from kpidesk.charts.pool import ChartJob, render_job

    frames = FrameCache()
    job = ChartJob("trend", history, size=SIZE, dpi=100, lang="zh")
    assert _pixels(render_job(job, frames=frames)).shape == (260, 350, 3)
    assert len(frames._frames) == 1
    empty = ChartJob("trend", dataclasses.replace(history, points=[]), size=SIZE, dpi=100)
    assert render_job(empty, frames=frames)[:4] == b"\x89PNG"  # drawn whole: the empty state


def test_grade_labels_are_drawn_only_for_points_on_the_axes():
    from matplotlib.text import Annotation

    history = sample_history(2)
    points = list(history.points)
    points[-1] = dataclasses.replace(points[-1], total=-20.0, grade_label="差")  # below the axes, which start at 0
    fig = employee_history_chart(dataclasses.replace(history, points=points), size=SIZE, lang="zh")
    labels = [text.get_text() for text in fig.axes[0].texts if isinstance(text, Annotation)]
    assert labels and len(labels) <= len(points) - 1
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert all(low <= text.xy[1] <= high for text in ax.texts if isinstance(text, Annotation))
    assert low == 0


@pytest.mark.parametrize("size", [SIZE, PRINT_BESIDE_RESULT])
def test_a_median_known_for_one_period_only_is_drawn(size):
    """A first period's median has no neighbour to draw a line to: it is marked, not left out (the legend
    names it). Two medians in the same frame must then give two pictures."""
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint

    def picture(median: float) -> np.ndarray:
        history = EmployeeHistory("王芳", [HistoryPoint("2025-11", 91.0, "good", "良好", median)])
        return _pixels(figure_to_png(employee_history_chart(history, size=size, lang="zh"), 100))

    assert not np.array_equal(picture(76.0), picture(77.0))
