"""The current period's results computed ahead, once a database is open, so the first click on Results
shows a filled table at once instead of an empty one while it computes.

The result goes into the window's kept results (``AppContext.kept_results``), keyed by the database and the
acting user like every kept result, and only if both are still the ones open when it arrives. The Results
page shows it marked "Refreshing…" and computes the period again, so a write in between is never hidden.

The computation is quiet: it shows no progress, so it is not one of the ``TaskRunner``'s tasks and never
makes the window busy (nothing waits for it, and a window counts as settled without it). It runs on the
database pool, as every read does, and gives way to the user: as soon as any task starts, or they press a
key, click or turn the wheel (``ui.user_input``), it is cancelled at its next step, and the window may
start it again once idle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from kpidesk.errors import Cancelled
from kpidesk.services.progress import CancelToken


class _Signals(QObject):
    ended = Signal(object, object)  # (result, error): emitted from the worker, received on the UI thread


class _Runnable(QRunnable):
    def __init__(self, call: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.call = call
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.call()
        except Exception as exc:  # a failure is the Results page's to report when it computes the period itself
            self.signals.ended.emit(None, exc)
        else:
            self.signals.ended.emit(result, None)


class AheadComputation(QObject):
    """One quiet computation of a period's results; ``ended`` is emitted on the UI thread when it stops,
    with True when it was cancelled before it finished."""

    ended = Signal(bool)

    def __init__(self, ctx, period: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.period = period
        self.token = CancelToken()
        self.finished = False
        self.cancelled = False
        self._signals = _Signals()
        self._signals.ended.connect(self._end)
        ctx.tasks.busy_changed.connect(self._give_way)
        ctx.user_input.came.connect(self.cancel)

    def start(self) -> AheadComputation:
        from kpidesk.ui.pages.results.data import load_results

        db, actor, period, language = self.ctx.db, self.ctx.actor, self.period, self.ctx.language
        token = self.token

        def compute():
            token.raise_if_cancelled()  # given way while it waited in the pool
            return (db, actor, language, load_results(db, actor, period, cancel=token))

        self.ctx.tasks.write_pool.start(_Runnable(compute, self._signals))
        return self

    def cancel(self) -> None:
        """Stop at the next step (the result, should it still arrive, is kept as usual)."""
        self.token.cancel()

    def _give_way(self, busy: bool) -> None:
        if busy and not self.finished:
            self.cancel()

    def _end(self, result, error) -> None:
        if self.finished:
            return
        self.finished = True
        self.ctx.tasks.busy_changed.disconnect(self._give_way)
        self.ctx.user_input.came.disconnect(self.cancel)
        if error is None:
            db, actor, language, data = result
            ctx = self.ctx
            if db is ctx.db and actor == ctx.actor and language == ctx.language:
                ctx.kept_results.put(db, actor, data.period, data, language)
        self.cancelled = isinstance(error, Cancelled)
        self.ended.emit(self.cancelled)
        if self.parent() is not None:
            self.deleteLater()


def compute_results_ahead(ctx, parent=None) -> AheadComputation | None:
    """Start computing the current period for the Results page, unless nothing is open or it is kept."""
    db, actor, period, language = ctx.db, ctx.actor, ctx.period_code, ctx.language
    if db is None or period is None or ctx.kept_results.get(db, actor, period, language) is not None:
        return None
    computation = AheadComputation(ctx, period)
    if parent is not None:
        computation.setParent(parent)
    return computation.start()
