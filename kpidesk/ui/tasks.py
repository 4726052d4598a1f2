"""Background work: core functions run in a QRunnable; results come back to the UI thread.

A page writes ``Task(self, fn, *args).with_progress(_("Importing…")).writes(Changes.MEASUREMENTS)
.success(on_done).start()``. Database writes go through one single-thread pool (they are serialised,
as SQLite wants); chart and PDF rendering go through another. The progress dialog only appears when
the work takes longer than ``TaskRunner.progress_delay_ms``; its Cancel sets the ``CancelToken`` that
the core function checks between chunks. Only ids and plain data should cross the thread boundary.

Tests inject ``SynchronousPool`` so a task runs to completion inside ``start()``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThread, QThreadPool, QTimer, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QProgressDialog, QWidget

from kpidesk.errors import Cancelled, KpiDeskError
from kpidesk.i18n import _
from kpidesk.services.progress import CancelToken, Progress
from kpidesk.ui.context import AppContext, Changes, _alive

log = logging.getLogger(__name__)


class SynchronousPool:
    """A stand-in for QThreadPool that runs each runnable at once on the calling thread."""

    def start(self, runnable: QRunnable) -> None:
        runnable.run()

    def waitForDone(self, msecs: int = -1) -> bool:  # noqa: N802 (Qt's spelling)
        return True

    def clear(self) -> None:
        pass

    def activeThreadCount(self) -> int:  # noqa: N802
        return 0


def _make_pool(threads: int) -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(threads)
    return pool


class TaskRunner(QObject):
    """Owns the two pools and the tasks in flight."""

    busy_changed = Signal(bool)

    def __init__(self, write_pool=None, render_pool=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.write_pool = write_pool if write_pool is not None else _make_pool(1)
        self.render_pool = render_pool if render_pool is not None else _make_pool(max(1, QThread.idealThreadCount() - 1))
        self.progress_delay_ms = 600
        self._running: set[Task] = set()

    @classmethod
    def synchronous(cls) -> TaskRunner:
        return cls(SynchronousPool(), SynchronousPool())

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def _started(self, task: Task) -> None:
        was_busy = self.busy
        self._running.add(task)
        if not was_busy:
            self.busy_changed.emit(True)

    def _ended(self, task: Task) -> None:
        self._running.discard(task)
        if not self.busy:
            self.busy_changed.emit(False)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every pool is idle (used at shutdown and by benchmarks)."""
        return self.write_pool.waitForDone(msecs) and self.render_pool.waitForDone(msecs)

    def shutdown(self, msecs: int = 30000) -> None:
        """Cancel what can be cancelled and wait for the rest, so no thread outlives the window."""
        for task in list(self._running):
            task.token.cancel()
        self.write_pool.clear()
        self.render_pool.clear()
        self.wait(msecs)


class _Signals(QObject):
    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class _Runnable(QRunnable):
    def __init__(self, call: Callable[[], Any], signals: _Signals, token: CancelToken) -> None:
        super().__init__()
        self.call = call
        self.signals = signals
        self.token = token

    def run(self) -> None:
        try:
            result = self.call()
            if inspect.isgenerator(result):
                result = self._drain(result)
        except Exception as exc:  # everything is reported to the UI thread, never lost
            if not isinstance(exc, KpiDeskError):
                log.exception("background task failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()

    def _drain(self, generator):
        """Generator-style work yields Progress values; its return value is the result."""
        while True:
            self.token.raise_if_cancelled()
            try:
                step = next(generator)
            except StopIteration as stop:
                return stop.value
            if isinstance(step, Progress):
                self.signals.progress.emit(step)


PAINT_WAIT_MS = 150  # the longest a task waits for the paints it is held back for
PAINT_QUIET_MS = 40  # no paint for this long after the last one ended: the widget is painted


class _PaintGate(QObject):
    """Calls ``then`` once ``widget`` has painted and no further paint followed for ``PAINT_QUIET_MS`` (a
    filled table paints twice: once filled, once more after its delayed layout), or after
    ``PAINT_WAIT_MS`` however it paints (covered, or repainting all the time)."""

    def __init__(self, widget: QWidget, then: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.widget, self.then = widget, then
        self.opened = False
        self.quiet = QTimer(self)
        self.quiet.setSingleShot(True)
        self.quiet.setInterval(PAINT_QUIET_MS)
        self.quiet.timeout.connect(self.open)
        widget.installEventFilter(self)
        QTimer.singleShot(PAINT_WAIT_MS, self, self.open)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.widget and event.type() == QEvent.Type.Paint and not self.opened:
            QTimer.singleShot(0, self, self.quiet.start)  # in the next turn: counted from the paint's end
        return False

    def open(self) -> None:
        if self.opened:
            return
        self.opened = True
        self.quiet.stop()
        if _alive(self.widget):
            self.widget.removeEventFilter(self)
        self.then()


def when_painted(widget: QWidget, then: Callable[[], None], parent: QObject) -> None:
    """Call ``then`` in a later turn, once ``widget`` has painted and stayed quiet (see ``_PaintGate``), so
    what ``then`` builds is not laid out and painted in the same turn as the widget itself."""
    _PaintGate(widget, then, parent)


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    """Whether fn takes a keyword ``name`` (directly or through ``**kwargs``)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name and p.kind is not inspect.Parameter.POSITIONAL_ONLY or p.kind is inspect.Parameter.VAR_KEYWORD
               for p in parameters)


def context_of(owner: object) -> AppContext:
    """The AppContext of a page, dialog or widget (walking up the parents), or the context itself."""
    node = owner
    while node is not None:
        if isinstance(node, AppContext):
            return node
        ctx = getattr(node, "ctx", None)
        if isinstance(ctx, AppContext):
            return ctx
        node = node.parent() if isinstance(node, QObject) else None
    raise LookupError(f"{owner!r} has no AppContext")


class Task(QObject):
    """One piece of background work with chainable callbacks; see the module docstring."""

    progressed = Signal(object)  # Progress, on the UI thread
    done = Signal()  # emitted after the callbacks ran; ``ok`` says whether the work succeeded

    def __init__(self, owner: QObject, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.ctx = context_of(owner)
        self.owner = owner
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.token = CancelToken()
        self.label: str | None = None
        self.cancellable = True
        self.changes = Changes.NONE
        self.result: Any = None
        self.error: BaseException | None = None
        self.last_progress: Progress | None = None
        self._pool = self.ctx.tasks.write_pool
        self._on_success: list[Callable[[Any], None]] = []
        self._on_failure: list[Callable[[BaseException], None]] = []
        self._dialog: QProgressDialog | None = None
        self._in_window = False
        self._timer: QTimer | None = None
        self._finished = False
        self._paint_gate: _PaintGate | None = None
        self._after_paint_of: QWidget | None = None

    # -- chainable set-up ---------------------------------------------------------------------------
    def with_progress(self, label: str, *, cancellable: bool = True, in_window: bool = False) -> Task:
        """Show a progress dialog if the work takes a while; fn gets ``progress=`` (a ProgressCallback)
        and ``cancel=`` (a CancelToken) when its signature names them. ``in_window``: the dialog is a panel
        over the owner instead of a window of its own, and Esc in the owner's window cancels. A window of its
        own takes the activation from the main window, whose item views all repaint then: a 5,000-row table
        repainted beside the running worker stalled the window 50–120 ms."""
        self.label, self.cancellable, self._in_window = label, cancellable, in_window
        return self

    def writes(self, changes: Changes) -> Task:
        """Mark the work as a write: after success the context tells pages what changed."""
        self.changes = changes
        self._pool = self.ctx.tasks.write_pool
        return self

    def rendering(self) -> Task:
        """Run on the rendering pool (charts, PDFs), beside the database writer."""
        self._pool = self.ctx.tasks.render_pool
        return self

    def after_paint(self, widget: QWidget | None) -> Task:
        """Hand the work to its pool only once ``widget`` has painted what was just put in it (or
        ``PAINT_WAIT_MS`` passed): a worker running Python takes the interpreter lock the UI thread's paint
        keeps asking for, and a big table's first paint took three times as long beside one. The task
        counts as running meanwhile; a hidden widget, or a pool that runs work on the calling thread (no
        competition there), starts it now."""
        self._after_paint_of = widget
        return self

    def success(self, callback: Callable[[Any], None]) -> Task:
        self._on_success.append(callback)
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Task:
        self._on_failure.append(callback)
        return self

    # -- running ------------------------------------------------------------------------------------
    def start(self) -> Task:
        signals = _Signals()
        signals.progress.connect(self._progress)
        signals.succeeded.connect(self._succeeded)
        signals.failed.connect(self._failed)
        signals.finished.connect(self._finish)
        self._signals = signals
        kwargs = dict(self.kwargs)
        if self.label is not None:
            if _accepts(self.fn, "progress"):
                kwargs["progress"] = signals.progress.emit
            if _accepts(self.fn, "cancel"):
                kwargs["cancel"] = self.token
        runnable = _Runnable(lambda: self.fn(*self.args, **kwargs), signals, self.token)
        runnable.setAutoDelete(True)
        self.ctx.tasks._started(self)
        if self.label is not None:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_dialog)
            self._timer.start(self.ctx.tasks.progress_delay_ms)
        widget = self._after_paint_of
        if widget is not None and _alive(widget) and widget.isVisible() and isinstance(self._pool, QThreadPool):
            self._paint_gate = _PaintGate(widget, lambda: self._hand_over(runnable), self)
            return self
        self._pool.start(runnable)
        return self

    def _hand_over(self, runnable: QRunnable) -> None:
        """The painted widget's gate opened: the work goes to its pool (unless cancelled meanwhile)."""
        self._paint_gate = None
        if self.token.cancelled:  # the window closed meanwhile: the work must not start after its shutdown
            self.error = Cancelled(_("Cancelled; nothing was changed."))
            self._finish()
            return
        self._pool.start(runnable)

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def ok(self) -> bool:
        return self._finished and self.error is None

    def _owner_widget(self) -> QWidget | None:
        owner = self.owner
        return owner if isinstance(owner, QWidget) and _alive(owner) else None

    def _show_dialog(self) -> None:
        if self._finished:
            return
        dialog = QProgressDialog(self.label or "", _("Cancel") if self.cancellable else "", 0, 0,
                                 self._owner_widget())
        dialog.setWindowTitle(_("Please wait"))
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self._cancel_from_dialog)
        self._dialog = dialog
        owner = self._owner_widget()
        if self._in_window and owner is not None and owner.isVisible():
            self._place_in(owner, dialog)  # before a value is set: the dialog shows itself then
        if self.last_progress is not None:
            self._update_dialog(self.last_progress)
        dialog.show()

    def _place_in(self, owner: QWidget, dialog: QProgressDialog) -> None:
        """The dialog as an opaque panel in the middle of ``owner``; Esc anywhere in its window cancels."""
        dialog.setWindowFlags(Qt.WindowType.Widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        dialog.setAutoFillBackground(True)
        dialog.setObjectName("progressPanel")
        dialog.adjustSize()
        width = min(max(dialog.width(), 360), owner.width())
        dialog.setGeometry((owner.width() - width) // 2, max(0, (owner.height() - dialog.height()) // 3), width,
                           dialog.height())
        dialog.raise_()
        # the dialog's own Esc shortcut (with a Cancel button) now works in the owner's window; it only reset
        # the dialog, so it is made to cancel the work as the button does
        for escape in dialog.findChildren(QShortcut):
            escape.activated.disconnect()
            escape.activated.connect(self._cancel_from_dialog)

    def _cancel_from_dialog(self) -> None:
        self.token.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(_("Cancelling…"))

    def _update_dialog(self, progress: Progress) -> None:
        if self._dialog is None:
            return
        self._dialog.setMaximum(max(progress.total, 0))
        self._dialog.setValue(min(progress.done, progress.total) if progress.total else 0)
        if progress.label:
            self._dialog.setLabelText(progress.label)

    def _progress(self, progress: Progress) -> None:
        self.last_progress = progress
        self._update_dialog(progress)
        self.progressed.emit(progress)

    def _succeeded(self, result: Any) -> None:
        self.result = result

    def _failed(self, error: BaseException) -> None:
        self.error = error

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._timer is not None:
            self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        try:
            if self.error is None:
                if self.changes:
                    self.ctx.notify(self.changes)
                for callback in self._on_success:
                    callback(self.result)
            elif self._on_failure:
                for callback in self._on_failure:
                    callback(self.error)
            elif not isinstance(self.error, Cancelled):
                self.ctx.dialogs.error(self._owner_widget(), self.error)
        finally:
            self.ctx.tasks._ended(self)
            self.done.emit()
