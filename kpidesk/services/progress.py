"""The progress and cancel protocol that long operations share with the UI and CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from kpidesk.errors import Cancelled
from kpidesk.i18n import _


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str = ""


ProgressCallback = Callable[[Progress], None]


class CancelToken:
    """Checked by long operations between chunks; the UI's Cancel button sets it."""

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def raise_if_cancelled(self) -> None:
        if self._cancelled:
            raise Cancelled(_("Cancelled; nothing was changed."))


class LatestOnly:
    """Tokens for a series of reads of which only the latest answer is wanted (the sheet of the period chosen
    last, the scores after the last edit): each new token cancels the one before, so a read nobody waits for
    stops instead of holding up the one after it."""

    def __init__(self) -> None:
        self._token: CancelToken | None = None

    def next_token(self) -> CancelToken:
        if self._token is not None:
            self._token.cancel()
        self._token = CancelToken()
        return self._token


_cancelling: ContextVar[CancelToken | None] = ContextVar("kpidesk_cancel_token", default=None)


@contextmanager
def cancelled_by(token: CancelToken | None) -> Iterator[None]:
    """Inside, :func:`check_cancelled` raises once ``token`` is cancelled: a read that is one step to its
    caller (a period's scores) stops between its own reads, without every function on the way taking the
    token. The token is the running thread's own (a context variable)."""
    reset = _cancelling.set(token)
    try:
        yield
    finally:
        _cancelling.reset(reset)


def check_cancelled() -> None:
    """Raise ``Cancelled`` when the token of the enclosing :func:`cancelled_by` is cancelled (else nothing)."""
    token = _cancelling.get()
    if token is not None:
        token.raise_if_cancelled()


def report(progress: ProgressCallback | None, done: int, total: int, label: str = "") -> None:
    if progress is not None:
        progress(Progress(done, total, label))
