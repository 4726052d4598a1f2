"""Tracebacks go to a log file in the user's log folder, never to the user's screen; an exception that
nothing caught (in a Qt slot, in a thread) is written there too before the user is told."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from platformdirs import user_log_path

log = logging.getLogger("kpidesk.unhandled")

_handler: logging.Handler | None = None
_handler_path: Path | None = None


def log_file() -> Path:
    override = os.environ.get("KPIDESK_LOG")
    return Path(override) if override else user_log_path("KPI Desk", appauthor=False) / "kpidesk.log"


def configure_logging(level: int = logging.INFO) -> None:
    """Send the ``kpidesk`` loggers to :func:`log_file`; calling it again only follows a changed log path."""
    global _handler, _handler_path
    path = log_file()
    if _handler is not None and _handler_path == path:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("kpidesk")
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    _handler, _handler_path = handler, path
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False


def install_excepthook(show: Callable[[BaseException], None]) -> Callable[[], None]:
    """Log every uncaught exception with its traceback, then ``show`` it (on the thread that raised it,
    so only for the main thread; a worker's is logged only). An error raised while one is being shown is
    logged without a second dialog. Returns a function that puts the previous hooks back."""
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook
    showing = False

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            previous_hook(kind, error, trace)
            return
        configure_logging()
        log.error("Uncaught exception", exc_info=(kind, error, trace))
        if showing:
            return
        showing = True
        try:
            show(error)
        except Exception:  # noqa: BLE001 - the report must never raise in its turn
            log.exception("The error could not be shown")
        finally:
            showing = False

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        configure_logging()
        name = args.thread.name if args.thread is not None else "?"
        log.error("Uncaught exception in thread %s", name,
                  exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback))

    sys.excepthook = hook
    threading.excepthook = thread_hook

    def restore() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook

    return restore
