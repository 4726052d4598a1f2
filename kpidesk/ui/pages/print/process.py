"""Printing in a child process, driven from a worker thread of the app.

Laying out a hundred sheets builds millions of short-lived Python objects; the garbage collector's full
passes over them hold the interpreter lock for up to a second, and in a thread of the app that freezes the
window (measured by ``bench/bench_ui_stall.py``). In a child process the window's interpreter is never
blocked. The child opens the same database, runs ``services.printing.use_cases.print_sheets`` and sends its
progress back; the Cancel button sets an event the child checks between charts and documents.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue as queue_module
from typing import Any

from kpidesk.errors import KpiDeskError
from kpidesk.i18n import _
from kpidesk.services.progress import CancelToken, Progress, ProgressCallback

POLL_SECONDS = 0.05


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


def _child(url, actor, request, out: str, messages, cancel_event) -> None:
    """Runs in the child process: print and report ("progress", …), then ("done", …) or ("error", …)."""
    from kpidesk.i18n import set_language

    set_language(request.lang)
    try:
        from kpidesk.services.printing.use_cases import print_sheets
        from kpidesk.services.safety.startup import open_without_upgrade

        db = open_without_upgrade(url)
        try:
            outcome = print_sheets(
                db, actor, request, out,
                progress=lambda p: messages.put(("progress", (p.done, p.total, p.label))),
                cancel=_EventToken(cancel_event),
            )
        finally:
            db.dispose()
        messages.put(("done", outcome))
    except BaseException as exc:  # everything goes back to the app, which shows it
        messages.put(("error", _portable(exc)))


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a KpiDeskError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return KpiDeskError(f"{type(exc).__name__}: {exc}")


def print_in_process(db, actor, request, out: str, *, progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None) -> Any:
    """``print_sheets`` in a child process (call from a worker thread); returns its PrintOutcome."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    cancel_event = context.Event()
    process = context.Process(target=_child, args=(db.url, actor, request, out, messages, cancel_event),
                              name="kpidesk-print")
    process.start()
    try:
        while True:
            if cancel is not None and cancel.cancelled:
                cancel_event.set()
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue_module.Empty:
                if not process.is_alive() and messages.empty():
                    raise KpiDeskError(_("Printing stopped unexpectedly (exit code {code}).").format(
                        code=process.exitcode)) from None
                continue
            if kind == "progress":
                if progress is not None:
                    progress(Progress(*payload))
            elif kind == "done":
                return payload
            else:
                raise payload
    finally:
        cancel_event.set()
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join(5)
        messages.close()
        messages.join_thread()
