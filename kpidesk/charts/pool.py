"""Chart kinds by name, and rendering many charts at once across processes.

matplotlib is single-threaded and a chart costs tens of milliseconds, so a batch of a thousand
(two per sheet for 500 sheets) is spread over a process pool — one process per core — each keeping
its own caches: history and radar charts are drawn over a cached frame
(:mod:`kpidesk.charts.frame_cache`), the other kinds into a reused figure. Processes are started with
``spawn`` so a GUI with running threads is never forked.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from kpidesk.errors import Cancelled
from kpidesk.i18n import _

#: Chart kinds as the CLI and the GUI name them, and the functions that draw them.
CHART_KINDS: dict[str, str] = {
    "trend": "kpidesk.charts.history:employee_history_chart",
    "bullet": "kpidesk.charts.attainment:kpi_bullet_chart",
    "radar": "kpidesk.charts.radar:qualitative_radar_chart",
    "distribution": "kpidesk.charts.department:grade_distribution_chart",
    "scores": "kpidesk.charts.department:score_distribution_chart",
    "ranking": "kpidesk.charts.department:ranking_chart",
    "team-trend": "kpidesk.charts.team_trend:team_kpi_trend_chart",
    "fishbone": "kpidesk.charts.fishbone:kpi_fishbone_chart",
}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ChartJob:
    """One chart to render: its kind, its data (from :mod:`kpidesk.charts.data`) and the output."""

    kind: str
    data: Any
    size: tuple[float, float] | None = None
    dpi: int = 150
    lang: str | None = None
    format: str = "png"


def chart_function(kind: str) -> Callable[..., Any]:
    try:
        module, name = CHART_KINDS[kind].split(":")
    except KeyError:
        raise ValueError(f"unknown chart kind {kind!r}; one of {', '.join(CHART_KINDS)}") from None
    return getattr(importlib.import_module(module), name)


def draw_chart(kind: str, data: Any, *, fig=None, size=None, lang: str | None = None):
    """The Figure of chart ``kind`` drawn from ``data``."""
    return chart_function(kind)(data, fig=fig, size=size, lang=lang)


def render_job(job: ChartJob, cache=None, frames=None) -> bytes:
    """Bytes of one chart: over a cached frame when ``frames`` (a :class:`~kpidesk.charts.frame_cache.FrameCache`)
    can draw it that way, else drawn whole, into the cached figure of its kind when ``cache`` is given."""
    from kpidesk.charts.frame_cache import FAST_KINDS
    from kpidesk.charts.render import figure_to_png, figure_to_svg

    if frames is not None and job.kind in FAST_KINDS and job.format == "png" and job.size is not None:
        image = frames.render_png(job.kind, job.data, job.size, job.dpi, job.lang)
        if image is not None:
            return image
    fig = cache.get(job.kind) if cache is not None else None
    fig = draw_chart(job.kind, job.data, fig=fig, size=job.size, lang=job.lang)
    if job.format == "svg":
        return figure_to_svg(fig)
    return figure_to_png(fig, job.dpi, compress_level=1)


_worker_caches = None


def _render_batch(jobs: Sequence[ChartJob]) -> list[bytes]:
    global _worker_caches
    if _worker_caches is None:
        from kpidesk.charts.frame_cache import FrameCache
        from kpidesk.charts.render import FigureCache

        _worker_caches = (FigureCache(), FrameCache())
    return [render_job(job, *_worker_caches) for job in jobs]


def render_charts(
    jobs: Sequence[ChartJob],
    *,
    processes: int | None = None,
    batch_size: int = 20,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[bytes]:
    """Render ``jobs`` in order. ``processes`` defaults to the number of cores; with one process or
    a small batch everything is drawn here (or in the warm process a caller set with
    :func:`kpidesk.charts.chart_process.drawing_in`), which avoids the start-up cost of the pool.
    Inside :func:`kpidesk.charts.chart_cache.serving`, charts drawn before come from that cache."""
    from kpidesk.charts import chart_cache

    jobs = list(jobs)
    cache = chart_cache.active()
    if cache is None:
        return _render_uncached(jobs, processes, batch_size, progress, cancelled)
    images: list[bytes | None] = [cache.get(job) for job in jobs]
    missing = [index for index, image in enumerate(images) if image is None]
    reused = len(jobs) - len(missing)

    def missing_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(reused + done, len(jobs))

    drawn = _render_uncached([jobs[i] for i in missing], processes, batch_size, missing_progress, cancelled,
                             cache.cache.drawing_caches())
    for index, image in zip(missing, drawn, strict=True):
        cache.put(jobs[index], image)
        images[index] = image
    if progress is not None and jobs and not missing:
        progress(len(jobs), len(jobs))
    return [image for image in images if image is not None]


def _render_uncached(jobs: list[ChartJob], processes: int | None, batch_size: int, progress: Progress | None,
                     cancelled: Callable[[], bool] | None, caches: tuple[Any, Any] | None = None) -> list[bytes]:
    workers = processes if processes is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= batch_size:
        return _render_here(jobs, progress, cancelled, caches)

    batches = [jobs[i:i + batch_size] for i in range(0, len(jobs), batch_size)]
    results: list[list[bytes] | None] = [None] * len(batches)
    done = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {pool.submit(_render_batch, batch): i for i, batch in enumerate(batches)}
        try:
            while pending:
                finished, _running = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                if cancelled is not None and cancelled():
                    raise Cancelled(_("Chart rendering was cancelled"))
                for future in finished:
                    index = pending.pop(future)
                    results[index] = future.result()
                    done += len(batches[index])
                    if progress is not None:
                        progress(done, len(jobs))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return [image for batch in results for image in batch or []]


@dataclass(frozen=True)
class PendingImage:
    """A chart still being drawn in another process: its pixel size now, its PNG bytes on demand.

    A page layout only needs the size; the bytes are fetched when the page is drawn, so laying out
    the documents and drawing their charts run at the same time.
    """

    width: int
    height: int
    fetch: Callable[[], bytes]


class ChartStream:
    """Charts rendered in a process pool in the background, handed out as :class:`PendingImage`.

    Jobs need an explicit ``size`` (the pixel size must be known before the chart is drawn). Use as
    a context manager: leaving it cancels what has not started and waits for the workers.
    """

    def __init__(self, jobs: Sequence[ChartJob], *, processes: int | None = None, batch_size: int = 8):
        self.jobs = list(jobs)
        if any(job.size is None for job in self.jobs):
            raise ValueError("charts drawn in the background need an explicit size")
        self.batch_size = batch_size
        workers = max(1, processes if processes is not None else (os.cpu_count() or 1))
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        self._futures = [self._pool.submit(_render_batch, self.jobs[i:i + batch_size])
                         for i in range(0, len(self.jobs), batch_size)]

    def image(self, index: int) -> bytes:
        batch, position = divmod(index, self.batch_size)
        return self._futures[batch].result()[position]

    def pending(self, index: int) -> PendingImage:
        job = self.jobs[index]
        width, height = (int(side * job.dpi) for side in job.size)
        return PendingImage(width, height, lambda: self.image(index))

    def close(self, *, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> ChartStream:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(cancel=kind is not None)


def _render_here(jobs, progress, cancelled, caches: tuple[Any, Any] | None = None) -> list[bytes]:
    """Draw ``jobs`` in this process (in a warm chart process when one is set), with the figure and frame
    ``caches`` given, else with new ones."""
    from kpidesk.charts import chart_process

    helper = chart_process.active()
    if helper is not None and jobs:
        if cancelled is not None and cancelled():
            raise Cancelled(_("Chart rendering was cancelled"))
        images = helper.render(jobs)
        if progress is not None:
            progress(len(jobs), len(jobs))
        return images
    if caches is None:
        from kpidesk.charts.frame_cache import FrameCache
        from kpidesk.charts.render import FigureCache

        caches = (FigureCache(), FrameCache())
    cache, frames = caches
    images = []
    for index, job in enumerate(jobs, start=1):
        if cancelled is not None and cancelled():
            raise Cancelled(_("Chart rendering was cancelled"))
        images.append(render_job(job, cache, frames))
        if progress is not None:
            progress(index, len(jobs))
    return images
