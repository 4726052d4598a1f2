"""The base class of a page: access to the context, refresh on relevant changes, live retranslation."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from kpidesk.ui.context import AppContext, Changes


class Page(QWidget):
    """Subclasses build their widgets in ``__init__``, set texts in ``retranslate()`` and load data in
    ``refresh()``. ``watches`` names the Changes that make the page reload; a hidden page reloads the
    next time it is shown instead of at once, and while the context is ``settling`` (a new database, then
    its period) the page reloads once, when it has settled.
    """

    watches: Changes = Changes.ALL

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.changed.connect(self._on_changed)
        ctx.database_changed.connect(self._on_database_changed)
        ctx.language_changed.connect(self._on_language_changed)
        ctx.settled.connect(self._reload_if_stale)

    # -- to override ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def retranslate(self) -> None:
        """Set every visible text again (called after the language changed)."""

    def undo_stack(self):
        """The page's QUndoStack, if it has one (the Edit menu's Undo/Redo follow the current page)."""
        return None

    # -- plumbing ------------------------------------------------------------------------------------
    def is_current(self) -> bool:
        """Whether the page has loaded since its data last changed (its loading task may still run)."""
        return not self._stale

    def mark_stale(self) -> None:
        self._stale = True
        self._reload_if_stale()

    def _reload_if_stale(self) -> None:
        if self._stale and self.isVisible() and not self.ctx.settling:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        if self.ctx.db is not None:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._reload_if_stale()

    def _on_changed(self, changes: Changes) -> None:
        if changes & self.watches:
            self.mark_stale()

    def _on_database_changed(self) -> None:
        self.mark_stale()

    def _on_language_changed(self, _language: str) -> None:
        self.retranslate()
        if self.isVisible() and self.ctx.db is not None:
            self.refresh()  # bilingual data fields (pick) follow the language too
        else:
            self._stale = True
