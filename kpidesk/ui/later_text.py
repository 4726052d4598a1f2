"""Texts kept as their message and fields rather than as rendered strings, so a language switch can render
them again: undo steps and status messages used to stay in the language they were made in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoGroup
from PySide6.QtWidgets import QStatusBar

from kpidesk.i18n import _


@dataclass(frozen=True)
class Message:
    """A message marked with ``N_`` and its fields; ``str()`` renders it in the current language."""

    text: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return _(self.text).format(**{name: str(value) for name, value in self.fields.items()})


def message(text: str, **fields: Any) -> Message:
    return Message(text, fields)


@dataclass(frozen=True)
class Later:
    """A field rendered when the message is: a KPI's or template's name in the language of the moment."""

    render: Callable[[], str]

    def __str__(self) -> str:
        return self.render()


class RelabelledCommand(QUndoCommand):
    """An undo step whose text follows the language (see ``relabel_undo_steps``)."""

    def __init__(self, text: Message) -> None:
        super().__init__(str(text))
        self.message = text

    def relabel(self) -> None:
        self.setText(str(self.message))


def relabel_undo_steps(group: QUndoGroup) -> None:
    """Render every step of every stack in ``group`` again, after a language switch."""
    for stack in group.stacks():
        for index in range(stack.count()):
            command = stack.command(index)
            if isinstance(command, RelabelledCommand):
                command.relabel()


class StatusMessages:
    """The status bar's passing messages, said again in the new language when it changes while one shows."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self._shown: tuple[Message, str, int] | None = None

    def show(self, text: Message, timeout_ms: int = 0) -> None:
        rendered = str(text)
        self._shown = (text, rendered, timeout_ms)
        self.bar.showMessage(rendered, timeout_ms)

    def retranslate(self) -> None:
        if self._shown is None:
            return
        text, rendered, timeout_ms = self._shown
        if self.bar.currentMessage() == rendered:
            self.show(text, timeout_ms)
        else:
            self._shown = None
