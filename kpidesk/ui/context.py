"""What every window and page shares: the open database, the actor, workers, dialogs and preferences.

Passed explicitly to each page (no global main window). ``changed`` is emitted after a write so open
pages refresh what they show; ``database_changed`` when another file is opened or the first one is ready.
Caches of what one person saw in one database register a clear hook (``on_forget``); they are emptied
whenever the database is switched or another person acts, before any page hears of it.
"""

from __future__ import annotations

import enum
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from kpidesk.i18n import current_language, on_language_changed

if TYPE_CHECKING:
    from kpidesk.services.actor import Actor
    from kpidesk.services.appraisal.result_cache import ResultCache
    from kpidesk.services.safety.database import Database
    from kpidesk.ui.dialogs import Dialogs
    from kpidesk.ui.tasks import TaskRunner
    from kpidesk.ui.user_input import UserInput


class Changes(enum.Flag):
    """What a write touched, so pages refresh only when their data moved."""

    NONE = 0
    STAFF = enum.auto()
    KPIS = enum.auto()
    TEMPLATES = enum.auto()
    PERIODS = enum.auto()
    MEASUREMENTS = enum.auto()
    FORMS = enum.auto()
    RESULTS = enum.auto()
    ADJUSTMENTS = enum.auto()
    SETTINGS = enum.auto()
    AUDIT = enum.auto()
    ALL = STAFF | KPIS | TEMPLATES | PERIODS | MEASUREMENTS | FORMS | RESULTS | ADJUSTMENTS | SETTINGS | AUDIT


class AppContext(QObject):
    """The application's shared state; one per main window."""

    changed = Signal(object)  # Changes
    database_changed = Signal()  # a database was opened (or closed); pages reload everything
    actor_changed = Signal()  # someone else acts now; what was shown for the previous person goes
    period_changed = Signal(str)  # the current period code
    language_changed = Signal(str)  # "zh_CN" or "en", after the catalogue switched
    busy_changed = Signal(bool)
    settled = Signal()  # the signals of one action have all been sent (see ``settling``)

    def __init__(
        self,
        *,
        actor: Actor | None = None,
        tasks: TaskRunner | None = None,
        dialogs: Dialogs | None = None,
        settings: QSettings | None = None,
        parent: QObject | None = None,
        qt_language_later: bool = False,
    ) -> None:
        """``qt_language_later``: Qt's own texts and number formats follow the language only once
        ``apply_qt_language`` is called (the main window does so after its first paint, which shows none).
        Without ``actor`` the operating-system login acts (``Actor.local_owner``), made when first asked for."""
        super().__init__(parent)
        self._forget_hooks: list[Callable[[], None]] = []
        self._actor = actor
        # made when first used, so the window's first frame waits neither for them nor for their modules
        self._kept_results: ResultCache | None = None
        self.on_forget(self._forget_kept_results)
        self._tasks = tasks
        self._dialogs = dialogs
        self.settings = settings if settings is not None else QSettings()
        self.db: Database | None = None
        self.period_code: str | None = None
        self._settling = 0
        self._user_input: UserInput | None = None  # made when first used (after the first paint)
        self.language = current_language()
        self._qt_language: str | None = None  # the language Qt's own texts were last set to
        if not qt_language_later:
            self.apply_qt_language()
        ref = weakref.ref(self)

        def relay(language: str) -> None:
            me = ref()
            if me is not None and _alive(me):
                me.language = language
                me.apply_qt_language()
                me.language_changed.emit(language)

        on_language_changed(relay)

    def apply_qt_language(self) -> None:
        """Qt's own dialogs and number formats in the context's language (again only when it changed)."""
        if self._qt_language != self.language:
            from kpidesk.ui.qt_language import apply_qt_language

            apply_qt_language(self.language)
            self._qt_language = self.language

    @property
    def tasks(self) -> TaskRunner:
        """The workers (made when first asked for: nothing runs before the window's first paint)."""
        if self._tasks is None:
            from kpidesk.ui.tasks import TaskRunner

            self._tasks = TaskRunner()
        return self._tasks

    @property
    def dialogs(self) -> Dialogs:
        """The modal questions (made when first asked for)."""
        if self._dialogs is None:
            from kpidesk.ui.dialogs import Dialogs

            self._dialogs = Dialogs()
        return self._dialogs

    @property
    def user_input(self) -> UserInput:
        """When the person last typed, clicked or scrolled in the main window (which watches itself once
        painted): background work that only prepares a later click waits for a pause."""
        if self._user_input is None:
            from kpidesk.ui.user_input import UserInput

            self._user_input = UserInput(self)
        return self._user_input

    @property
    def kept_results(self) -> ResultCache:
        """The last computed results of a few periods, shown at once by the Results page while it computes
        them again (see ``ui.pages.results.ahead``); emptied with every other cache."""
        if self._kept_results is None:
            from kpidesk.services.appraisal.result_cache import ResultCache

            self._kept_results = ResultCache(capacity=3)
        return self._kept_results

    def _forget_kept_results(self) -> None:
        if self._kept_results is not None:
            self._kept_results.clear()

    # -- who acts, and what is remembered for them ---------------------------------------------------
    @property
    def actor(self) -> Actor:
        if self._actor is None:  # the window's first frame needs nobody: the actor's module loads after it
            from kpidesk.services.actor import Actor

            self._actor = Actor.local_owner()
        return self._actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        if actor == self.actor:
            return
        self.forget_cached()
        self._actor = actor
        self.actor_changed.emit()

    def on_forget(self, clear: Callable[[], None]) -> None:
        """Register a cache's ``clear``: called when the database is switched or the acting user changes."""
        self._forget_hooks.append(clear)

    def forget_cached(self) -> None:
        for clear in self._forget_hooks:
            clear()

    # -- database -----------------------------------------------------------------------------------
    @property
    def has_database(self) -> bool:
        return self.db is not None

    @property
    def read_only(self) -> bool:
        return bool(self.db is not None and self.db.schema_too_new)

    def set_database(self, db: Database | None, period_code: str | None = None) -> None:
        """Adopt a newly opened database (disposing the previous one) and tell every page."""
        self.forget_cached()
        previous, self.db = self.db, db
        if previous is not None and previous is not db:
            previous.dispose()
        self.period_code = period_code
        with self.one_action():
            self.database_changed.emit()
            if period_code:
                self.period_changed.emit(period_code)

    @property
    def settling(self) -> bool:
        """True while one action sends several signals; pages wait for ``settled`` to reload only once."""
        return self._settling > 0

    @contextmanager
    def one_action(self) -> Iterator[None]:
        self._settling += 1
        try:
            yield
        finally:
            self._settling -= 1
            if not self._settling:
                self.settled.emit()

    def set_period(self, code: str | None) -> None:
        if code != self.period_code:
            self.period_code = code
            self.period_changed.emit(code or "")

    def notify(self, changes: Changes) -> None:
        """Tell open pages that a write touched ``changes`` (called by tasks marked as writes)."""
        if changes:
            self.changed.emit(changes)

    def close(self) -> None:
        if self._tasks is not None:
            self._tasks.shutdown()
        self.forget_cached()
        if self.db is not None:
            self.db.dispose()
            self.db = None


def _alive(obj: QObject) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(obj)
    except ImportError:  # pragma: no cover
        return True
