"""A worker pool a test holds, to look at what the window shows while work is still pending."""

from __future__ import annotations


class HeldPool:
    """Runs each task at once, except while held: then it waits for ``release()``."""

    def __init__(self) -> None:
        self.held = False
        self.waiting: list = []

    def start(self, runnable) -> None:
        if self.held:
            self.waiting.append(runnable)
        else:
            runnable.run()

    def release(self) -> None:
        self.held = False
        while self.waiting:
            self.waiting.pop(0).run()

    def waitForDone(self, msecs: int = -1) -> bool:  # noqa: N802 (Qt's spelling)
        self.release()
        return True

    def clear(self) -> None:
        self.waiting.clear()

    def activeThreadCount(self) -> int:  # noqa: N802
        return 0
