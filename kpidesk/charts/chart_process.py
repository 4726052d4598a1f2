"""A process that draws a few charts for this one, started before the charts are known.

A command printing one sheet spends most of its time importing: the database layer to read the results,
matplotlib to draw two charts, reportlab to lay out the page. Started first, this process imports matplotlib
and the chart modules while the command reads the database; the command sends each chart as soon as its data
is read (:func:`draw_ahead`), so it is drawn while the rest of the sheet is gathered, prepares the layout
while the last is drawn (``meanwhile``) and takes the images. On two cores the charts cost the command almost
nothing. No warm-up chart is drawn here: it would cost more than it spares the first real one, whose frames
depend on its data. A batch of many charts goes to the pool instead
(:func:`kpidesk.charts.pool.render_charts`). Started with ``spawn``, like the pool, so a process with running
threads is never forked.
"""
from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from kpidesk.errors import KpiDeskError
from kpidesk.i18n import _

#: Longest wait (seconds) for the process to be gone once it was ended.
CLOSE_SECONDS = 5


class ChartProcess:
    """One drawing process; use as a context manager (leaving it stops the process)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="kpidesk-charts", daemon=True)
        self._process.start()
        child.close()
        self.meanwhile: list[Callable[[], Any]] = []  # run while the charts are drawn, once each
        self._sent: list[list[Any]] = []  # the lists of jobs sent whose images are still to be received

    def send_ahead(self, job: Any) -> None:
        """Start drawing ``job`` now, while the rest of its document is gathered; a later :meth:`render`
        asking for this same job takes its image."""
        self._send([job])

    def render(self, jobs: Sequence[Any]) -> list[bytes]:
        """The images of ``jobs`` (:class:`~kpidesk.charts.pool.ChartJob`), in order."""
        sent = {id(job) for batch in self._sent for job in batch}
        unsent = [job for job in jobs if id(job) not in sent]
        if unsent:
            self._send(unsent)
        while self.meanwhile:
            self.meanwhile.pop(0)()
        images: dict[int, bytes] = {}
        while self._sent:  # replies come in the order the lists were sent
            batch = self._sent.pop(0)
            images.update(zip(map(id, batch), self._receive(), strict=True))
        return [images[id(job)] for job in jobs]

    def _send(self, jobs: list[Any]) -> None:
        try:
            self._connection.send(jobs)
        except OSError as exc:
            raise KpiDeskError(_("Drawing the charts stopped unexpectedly.")) from exc
        self._sent.append(jobs)

    def _receive(self) -> list[bytes]:
        try:
            reply = self._connection.recv()
        except (EOFError, OSError) as exc:
            raise KpiDeskError(_("Drawing the charts stopped unexpectedly.")) from exc
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def close(self) -> None:
        """End the process. It holds nothing to save, so it is ended rather than waited for: an
        interpreter with matplotlib loaded takes most of a second to wind down, which the command
        would spend waiting."""
        self._connection.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(CLOSE_SECONDS)

    def __enter__(self) -> ChartProcess:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close()


_drawing_in: ContextVar[ChartProcess | None] = ContextVar("kpidesk_chart_process", default=None)


@contextmanager
def drawing_in(process: ChartProcess | None) -> Iterator[None]:
    """A few charts drawn inside the block go to ``process`` (None leaves them here)."""
    token = _drawing_in.set(process)
    try:
        yield
    finally:
        _drawing_in.reset(token)


def active() -> ChartProcess | None:
    return _drawing_in.get()


def draw_ahead(job: Any) -> None:
    """Have the chart process of this block (if any) start on ``job`` before the documents are all gathered."""
    process = _drawing_in.get()
    if process is not None:
        process.send_ahead(job)


def prepare() -> None:
    """Import what drawing needs (matplotlib, the chart modules, the bundled font)."""
    from kpidesk.charts import frame_cache, render  # noqa: F401 - imported for the drawing to come
    from kpidesk.charts.style import cjk_font_family

    cjk_font_family()


def warm_up() -> None:
    """Import what drawing needs and draw one chart of each fast kind (fonts loaded, text laid out once),
    on frames thrown away after."""
    from kpidesk.charts.data import EmployeeHistory, HistoryPoint, RadarData, RadarSeries
    from kpidesk.charts.frame_cache import FrameCache
    from kpidesk.charts.pool import ChartJob, render_job
    from kpidesk.charts.render import FigureCache
    from kpidesk.charts.sizes import PRINT_BESIDE_RESULT, PRINT_BESIDE_RESULT_DPI

    points = [HistoryPoint("2025-01", 82.0, "good", "良好"), HistoryPoint("2025-02", 91.0, "good", "良好")]
    radar = RadarData(("团队", "技能", "创新"), (RadarSeries("经理", (3.0, 2.0, 4.0)),))
    for job in (ChartJob("trend", EmployeeHistory("样例 Sample", points), size=PRINT_BESIDE_RESULT,
                         dpi=PRINT_BESIDE_RESULT_DPI),
                ChartJob("radar", radar, size=PRINT_BESIDE_RESULT, dpi=PRINT_BESIDE_RESULT_DPI)):
        render_job(job, FigureCache(), FrameCache())


def _serve(connection) -> None:
    """The process: warm up, then draw each list of jobs received until told to stop (None)."""
    from kpidesk.charts.frame_cache import FrameCache
    from kpidesk.charts.pool import render_job
    from kpidesk.charts.render import FigureCache

    caches = (FigureCache(), FrameCache())
    prepare()
    while True:
        try:
            jobs = connection.recv()
        except (EOFError, OSError):
            return
        if jobs is None:
            return
        try:
            reply: Any = [render_job(job, *caches) for job in jobs]
        except Exception as exc:  # the caller raises it
            reply = portable_exception(exc)
        connection.send(reply)


def portable_exception(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a KpiDeskError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return KpiDeskError(f"{type(exc).__name__}: {exc}")
