"""The chart process of a short print: charts sent ahead while a sheet is still gathered come back with the
ones asked for at the end, each image to the job it was drawn for."""

from __future__ import annotations

import io

import pytest

from kpidesk.charts import chart_process
from kpidesk.charts.chart_process import ChartProcess, draw_ahead, drawing_in
from kpidesk.charts.pool import ChartJob
from kpidesk.charts.sizes import PRINT_HALF_WIDTH


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size


@pytest.fixture(scope="module")
def process():
    with ChartProcess() as started:
        yield started


def test_charts_sent_ahead_come_back_in_the_order_asked(process, history, radar):
    trend = ChartJob("trend", history, size=PRINT_HALF_WIDTH, lang="zh")
    radar_job = ChartJob("radar", radar, size=PRINT_HALF_WIDTH, lang="zh")
    wide = ChartJob("trend", history, size=(6.0, 2.0), dpi=50, lang="zh")
    alone = process.render([trend, radar_job, wide])
    with drawing_in(process):
        draw_ahead(wide)
        draw_ahead(trend)
    images = process.render([trend, radar_job, wide])
    assert images == alone
    assert _size(images[2]) == (300, 100) and _size(images[0]) != (300, 100)


def test_a_chart_sent_ahead_but_not_asked_for_is_left_out(process, history, radar):
    trend = ChartJob("trend", history, size=PRINT_HALF_WIDTH, lang="zh")
    small = ChartJob("radar", radar, size=(2.0, 2.0), dpi=50, lang="zh")
    process.send_ahead(small)
    [image] = process.render([trend])
    assert _size(image) != (100, 100)
    [again] = process.render([small])  # the next print is not handed the image left over
    assert _size(again) == (100, 100)


def test_drawing_ahead_outside_a_chart_process_does_nothing(history):
    assert chart_process.active() is None
    draw_ahead(ChartJob("trend", history, size=PRINT_HALF_WIDTH))  # nothing to send it to, nothing raised


def test_a_chart_that_cannot_be_drawn_raises_in_the_asking_process(process, history):
    broken = ChartJob("no-such-kind", history, size=PRINT_HALF_WIDTH)
    process.send_ahead(broken)
    with pytest.raises(Exception, match="no-such-kind"):
        process.render([broken])
