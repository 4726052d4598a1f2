"""The progress and cancel protocol that long operations share with the UI and CLI."""

from __future__ import annotations

from collections.abc import Callable
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


def report(progress: ProgressCallback | None, done: int, total: int, label: str = "") -> None:
    if progress is not None:
        progress(Progress(done, total, label))
