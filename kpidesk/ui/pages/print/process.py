"""Printing in a child process, driven from a worker thread of the app.

Laying out a hundred sheets builds millions of short-lived Python objects; the garbage collector's full
passes over them hold the interpreter lock for up to a second, and in a thread of the app that freezes the
window (measured by ``bench/bench_ui_stall.py``). In a child process the window's interpreter is never
blocked. The child opens the same database, runs ``services.printing.use_cases.print_sheets`` and sends its
progress back; the Cancel button sets an event the child checks between charts and documents.

Starting such a child costs seconds (Python, reportlab, matplotlib, the fonts, the database), which one
person's sheet should not wait for. So one child, a :class:`PrintWorker`, stays alive per database and
acting user: the Print page starts it when it is shown, the child prepares everything printing needs and
then serves each preview, save or print in turn. It keeps the charts it drew in memory, filed under what
the acting user may see, so a preview again or a save after a preview draws none again. The page stops it
when it closes, when another database is opened or when someone else acts; nothing of it outlives the page.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import queue as queue_module
import threading
import time
import weakref
from typing import Any

from kpidesk.charts.chart_process import portable_exception
from kpidesk.errors import Cancelled, KpiDeskError
from kpidesk.i18n import _
from kpidesk.services.progress import CancelToken, Progress, ProgressCallback

POLL_SECONDS = 0.05
#: How often an idle child checks that the window's process is still there.
PARENT_CHECK_SECONDS = 1.0
#: How long a worker told to stop may take to leave before it is ended.
STOP_SECONDS = 10


class _EventToken(CancelToken):
    """A cancel token whose state lives in a multiprocessing event (set by the parent)."""

    def __init__(self, event) -> None:
        super().__init__()
        self._event = event

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            super().cancel()
            super().raise_if_cancelled()


def _serve(url, actor, requests, messages, cancel_event) -> None:
    """The child: open the database, get ready, then print each request received until told to stop.

    Each request is ``(number, PrintRequest, out)``; its messages are ``(number, "progress", …)``, then
    ``(number, "done", (outcome, charts drawn, charts reused))`` or ``(number, "error", exception)``.
    A request numbered 0 is a rehearsal nobody waits for (it draws and caches the charts and frames the
    next print is likely to need); ``(0, "ready", None)`` says the child is warm, ``(0, "rehearsed", None)``
    that a rehearsal is over.
    """
    from kpidesk.charts.chart_cache import ChartCache
    from kpidesk.i18n import set_language
    from kpidesk.services.printing.use_cases import print_sheets, warm_printing
    from kpidesk.services.safety.startup import open_without_upgrade

    cache = ChartCache()
    db, broken = None, None
    try:
        db = open_without_upgrade(url)
        warm_printing(db, actor)
    except Exception as exc:  # told to whoever asks for a print
        broken = portable_exception(exc)
    messages.put((0, "ready", None))
    try:
        while (item := _next_request(requests)) is not None:
            number, request, out = item
            try:
                if broken is not None:
                    raise broken
                set_language(request.lang)
                outcome = print_sheets(
                    db, actor, request, out, chart_cache=cache,
                    progress=lambda p, n=number: messages.put((n, "progress", (p.done, p.total, p.label))),
                    cancel=_EventToken(cancel_event),
                )
                messages.put((number, "done", (outcome, cache.drawn, cache.reused)))
            except BaseException as exc:  # everything goes back to the app, which shows it
                messages.put((number, "error", portable_exception(exc)))
            if number == 0:
                messages.put((0, "rehearsed", None))
    finally:
        if db is not None:
            db.dispose()


def _next_request(requests):
    """The next request, or None once told to stop or once the window's process is gone. The child is not
    a daemon (a batch draws its charts in a pool of processes, which a daemon may not start), so it
    watches its parent instead of being ended with it."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            return requests.get(timeout=PARENT_CHECK_SECONDS)
        except queue_module.Empty:
            if parent is not None and not parent.is_alive():
                return None


class PrintWorker:
    """One warm child printing for ``actor`` from ``db``; :meth:`print` is called from a worker thread."""

    _numbers = itertools.count(1)

    def __init__(self, db, actor) -> None:
        self.db, self.actor = db, actor
        context = multiprocessing.get_context("spawn")
        self._requests = context.Queue()
        self._messages = context.Queue()
        self._cancel = context.Event()
        self._process = context.Process(target=_serve, args=(db.url, actor, self._requests, self._messages,
                                                              self._cancel), name="kpidesk-print")
        self._process.start()
        _running.add(self)
        self._lock = threading.Lock()  # one print at a time
        self.warm = False  # the child has prepared everything
        self._rehearsals_sent = self._rehearsals_over = 0  # each counted by one thread only
        self.stopped = False
        self.charts_drawn = self.charts_reused = 0  # by the child so far, as of its last print

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def serves(self, db, actor) -> bool:
        """Whether this worker prints for this database and this acting user (and still can)."""
        return not self.stopped and self.db is db and self.actor == actor and self.alive

    def print(self, request, out: str, *, progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> Any:
        """``print_sheets`` of ``request`` in the child; returns its PrintOutcome (or raises its error)."""
        with self._lock:
            if self.stopped:
                raise Cancelled(_("Printing was cancelled"))
            number = next(self._numbers)
            self._cancel.clear()
            self._requests.put((number, request, out))
            while True:
                if cancel is not None and cancel.cancelled:
                    self._cancel.set()
                message = self._next_message()
                if message is None or message[0] != number:
                    continue  # the child saying it is ready, or what was left of an abandoned print
                _number, kind, payload = message
                if kind == "progress":
                    if progress is not None:
                        progress(Progress(*payload))
                elif kind == "done":
                    outcome, self.charts_drawn, self.charts_reused = payload
                    return outcome
                else:
                    raise payload

    def rehearse(self, request, out: str) -> None:
        """Print ``request`` to ``out`` in the child while nobody waits, for the charts and frames it leaves
        behind (say the first sheet of the period shown); a print asked for meanwhile waits for it."""
        if not self.stopped:
            self._rehearsals_sent += 1
            self._requests.put((0, request, out))

    @property
    def ready(self) -> bool:
        """Whether the child is warm and every rehearsal sent is over."""
        return self.warm and self._rehearsals_over >= self._rehearsals_sent

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the child has prepared everything, rehearsals included (at most ``timeout`` seconds);
        whether it has."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self.ready and time.monotonic() < deadline:
                self._next_message()
        return self.ready

    def _next_message(self) -> tuple | None:
        """The child's next message (None after a short wait without one); raises when the child died."""
        try:
            message = self._messages.get(timeout=POLL_SECONDS)
        except queue_module.Empty:
            if not self._process.is_alive() and self._messages.empty():
                raise KpiDeskError(_("Printing stopped unexpectedly (exit code {code}).").format(
                    code=self._process.exitcode)) from None
            return None
        if message[1] == "ready":
            self.warm = True
        elif message[1] == "rehearsed":
            self._rehearsals_over += 1
        return message

    def stop(self, *, wait: bool = False) -> None:
        """Cancel the print under way and tell the child to leave. Returns at once unless ``wait``: a
        child leaving takes most of a second (its interpreter winding down), which the window's thread
        must not wait for; a thread of its own ends the child if it does not leave in time."""
        if self.stopped:
            return
        self.stopped = True
        self._cancel.set()
        try:
            self._requests.put(None)
        except (OSError, ValueError):
            pass
        if wait:
            self._reap()
        else:
            threading.Thread(target=self._reap, name="kpidesk-print-stop", daemon=True).start()

    def _reap(self) -> None:
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(STOP_SECONDS)


_running: weakref.WeakSet[PrintWorker] = weakref.WeakSet()


@atexit.register
def _stop_running_workers() -> None:
    """Tell every child still serving to leave before the interpreter waits for its children (registered
    after multiprocessing's own exit hook, so it runs first): a child nobody stopped would keep it waiting."""
    for worker in list(_running):
        worker.stop()


def print_in_process(db, actor, request, out: str, *, progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None, worker: PrintWorker | None = None) -> Any:
    """``print_sheets`` in a child process (call from a worker thread); returns its PrintOutcome. Without a
    warm ``worker`` serving ``db`` and ``actor``, a child is started for this print alone."""
    if worker is not None and worker.serves(db, actor):
        return worker.print(request, out, progress=progress, cancel=cancel)
    once = PrintWorker(db, actor)
    try:
        return once.print(request, out, progress=progress, cancel=cancel)
    finally:
        once.stop(wait=True)  # called from a worker thread, which may wait
