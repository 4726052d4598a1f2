"""When the person at the window last pressed a key, clicked or turned the wheel, or saw their work end.

Work that only prepares a later click (the current period's results computed ahead, the chart modules
loaded) waits until the person pauses and gives way as soon as they go on. A worker running Python while
the window repaints a large table makes each of the repaint's thousands of calls into the table models wait
for the interpreter lock: scrolling a 5,000-row grid while results were computed ahead froze it for
120–220 ms at a time.

The watch sits on the window's own ``QWindow``, which receives every input event of its widgets before
they do, so it is not called for the paint, timer and layout events an application-wide filter would see.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QWindow

INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                          QEvent.Type.Wheel})


class UserInput(QObject):
    """The last input in the watched window (or activity noted by the window); ``came`` is emitted on each
    key press, click or wheel turn."""

    came = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last = float("-inf")  # time.monotonic() of the last input
        self._watched: QWindow | None = None

    def watch(self, window: QWindow | None) -> None:
        """Watch ``window`` (a top-level widget's ``windowHandle()``), instead of any watched before."""
        if window is None or window is self._watched:
            return
        if self._watched is not None:
            self._watched.removeEventFilter(self)
        self._watched = window
        window.installEventFilter(self)

    def note_activity(self) -> None:
        """Start the pause again without input: the window calls it when the person's work has ended, as
        they are about to look at its result and act on it."""
        self.last = time.monotonic()

    def paused_ms(self) -> float:
        """Milliseconds since the last input or noted activity (infinite before any)."""
        return (time.monotonic() - self.last) * 1000

    def when_paused(self, quiet_ms: int, then: Callable[[], None], receiver: QObject,
                    busy: Callable[[], bool] | None = None) -> None:
        """Call ``then`` once no input came for ``quiet_ms`` and, when ``busy`` is given, it says no work
        runs (at once when both hold already); not at all should ``receiver`` be deleted first."""
        wait = quiet_ms - self.paused_ms()
        if wait <= 0 and not (busy is not None and busy()):
            then()
            return
        again_in = int(wait) + 1 if wait > 0 else quiet_ms  # paused, but work runs: look again later
        QTimer.singleShot(again_in, receiver, lambda: self.when_paused(quiet_ms, then, receiver, busy))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in INPUT_EVENTS:
            self.last = time.monotonic()
            self.came.emit()
        return False
