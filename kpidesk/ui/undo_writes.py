"""Undo for changes that were written to the database: each step is a background write of its own.

The change has already been made when its command is pushed, so the first ``redo`` (which QUndoStack calls
on push) does nothing; later undo/redo steps run their write in the worker and tell the pages what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from kpidesk.ui.context import Changes
from kpidesk.ui.later_text import Message, RelabelledCommand
from kpidesk.ui.tasks import Task


class WrittenChange(RelabelledCommand):
    def __init__(self, owner: QWidget, text: Message, redo: Callable[[], Any], undo: Callable[[], Any],
                 changes: Changes, *, done: Callable[[Any], None] | None = None,
                 failed: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(text)
        self.owner, self.changes = owner, changes
        self._redo, self._undo = redo, undo
        self._done, self._failed = done, failed
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, work: Callable[[], Any]) -> None:
        task = Task(self.owner, work).writes(self.changes)
        if self._done is not None:
            task.success(self._done)
        if self._failed is not None:
            task.failure(self._failed)
        task.start()
