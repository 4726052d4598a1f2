"""Charts to bytes and files, figure reuse, the process pool, and no Qt on the way."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from kpidesk.charts.data import default_grade_bands
from kpidesk.charts.history import employee_history_chart
from kpidesk.charts.pool import CHART_KINDS, ChartJob, chart_function, draw_chart, render_charts
from kpidesk.charts.render import FigureCache, figure_to_png, figure_to_svg, save_figure
from kpidesk.errors import Cancelled


def test_svg_has_text_as_paths_and_no_date(history):
    svg = figure_to_svg(employee_history_chart(history, lang="zh"))
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"<text" not in svg
    assert b"<dc:date>" not in svg
    assert figure_to_svg(employee_history_chart(history, lang="zh")) == svg


def test_png_is_opaque_rgb_at_the_asked_resolution(history):
    from PIL import Image

    png = figure_to_png(employee_history_chart(history, size=(4.0, 3.0)), dpi=100)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB"
    assert image.size == (400, 300)


def test_save_figure_follows_the_suffix(history, tmp_path):
    fig = employee_history_chart(history)
    assert save_figure(fig, tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
    assert save_figure(fig, tmp_path / "h.svg").read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(ValueError, match=".jpg"):
        save_figure(fig, tmp_path / "h.jpg")


def test_a_reused_figure_draws_the_same_chart(history, radar, tmp_path):
    from kpidesk.charts.radar import qualitative_radar_chart

    fresh = figure_to_png(employee_history_chart(history))
    cache = FigureCache()
    qualitative_radar_chart(radar, fig=cache.get("history"))  # something else drawn there first
    reused = employee_history_chart(history, fig=cache.get("history"))
    assert reused is cache.get("history")
    assert figure_to_png(reused) == fresh


def test_every_kind_has_a_function():
    assert set(CHART_KINDS) >= {"trend", "bullet", "radar", "distribution", "ranking", "team-trend", "fishbone"}
    for kind in CHART_KINDS:
        assert callable(chart_function(kind))
    with pytest.raises(ValueError, match="pie"):
        chart_function("pie")


def test_draw_chart_by_kind(distribution):
    fig = draw_chart("distribution", distribution, lang="zh")
    assert "等级分布" in fig.axes[0].get_title(loc="left")


def _jobs(history, count):
    import dataclasses

    return [ChartJob("trend", dataclasses.replace(history, employee=f"员工{i}"), dpi=60) for i in range(count)]


def test_render_here_reports_progress_in_order(history):
    seen = []
    images = render_charts(_jobs(history, 3), processes=1, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert len(set(images)) == 3  # the names differ, so do the images


def test_render_here_can_be_cancelled(history):
    with pytest.raises(Cancelled):
        render_charts(_jobs(history, 3), processes=1, cancelled=lambda: True)


@pytest.mark.slow
def test_process_pool_gives_the_same_images_in_order(history):
    jobs = _jobs(history, 6)
    serial = render_charts(jobs, processes=1)
    seen = []
    pooled = render_charts(jobs, processes=2, batch_size=2, progress=lambda d, t: seen.append(d))
    assert pooled == serial
    assert sorted(seen) == [2, 4, 6]


@pytest.mark.slow
def test_process_pool_stops_when_cancelled(history):
    with pytest.raises(Cancelled):
        render_charts(_jobs(history, 8), processes=2, batch_size=2, cancelled=lambda: True)


def test_grade_bands_follow_the_language():
    assert [b.label for b in default_grade_bands("zh")] == ["优秀", "良好", "一般", "差"]
    assert [b.label for b in default_grade_bands("en")] == ["Excellent", "Good", "Fair", "Poor"]


def test_charts_and_reports_never_load_qt():
    code = (
        "import sys, kpidesk.charts.pool as p, kpidesk.reports.document\n"
        "from kpidesk.reports import samples\n"
        "from kpidesk.charts.render import figure_to_png\n"
        "figure_to_png(p.draw_chart('trend', samples.sample_history(1)))\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6') or 'backend_qt' in m]\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_palette_needs_no_matplotlib():
    code = "import sys, kpidesk.charts.palette as p; print(p.GRADE_COLOURS); raise SystemExit('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "excellent" in result.stdout


@pytest.mark.slow
def test_chart_stream_hands_out_pending_images_in_order(history):
    from PIL import Image

    from kpidesk.charts.pool import ChartStream

    jobs = [dataclasses.replace(job, size=(3.0, 2.0)) for job in _jobs(history, 5)]
    serial = render_charts(jobs, processes=1)
    with ChartStream(jobs, processes=2, batch_size=2) as stream:
        pending = [stream.pending(i) for i in range(len(jobs))]
        assert (pending[0].width, pending[0].height) == (180, 120)  # known before drawing
        images = [p.fetch() for p in reversed(pending)][::-1]
    assert images == serial
    assert Image.open(io.BytesIO(images[0])).size == (180, 120)
    with pytest.raises(ValueError):
        ChartStream([ChartJob("trend", history)])
