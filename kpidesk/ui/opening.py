"""Opening, creating and filling database files for the window (run in the background, Qt-free).

Each function returns an ``Opened`` value: the Database (thread-safe; no ORM rows), the periods and
the period to show first, so the UI thread only adopts the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.services.actor import Actor
from kpidesk.services.progress import CancelToken, ProgressCallback, report

if TYPE_CHECKING:  # the services and SQLAlchemy load in the opening task, not with the window
    from kpidesk.services.appraisal.use_cases import PeriodChoice
    from kpidesk.services.safety.database import Database

DEMO_FILENAME = "kpidesk-demo.db"


@dataclass
class Opened:
    db: Database
    has_data: bool
    periods: list[PeriodChoice] = field(default_factory=list)
    needs_login: bool = False  # access control is on: someone must log in before the database is used

    @property
    def current_period(self) -> str | None:
        return default_period(self.periods)


def default_period(periods: list[PeriodChoice]) -> str | None:
    """The latest period still open for data, else the latest one."""
    for period in reversed(periods):
        if period.status != PeriodStatus.FINALIZED:
            return period.code
    return periods[-1].code if periods else None


def default_database_path() -> Path:
    from kpidesk.services.safety.startup import default_database_path as located

    return located()


def demo_database_path() -> Path:
    return default_database_path().with_name(DEMO_FILENAME)


def open_file(target: str | Path | None, actor: Actor, *, passphrase: str | None = None) -> Opened:
    """Open (creating, migrating and taking the daily backup as needed); a damaged file is refused with
    the newest good backup named, never overwritten. The periods are listed as ``actor`` (before a login
    the system user) sees them. ``passphrase`` opens an encrypted file whose key this computer does not keep."""
    from kpidesk.services.appraisal.use_cases import list_periods
    from kpidesk.services.safety.database import has_data, open_checked
    from kpidesk.services.safety.startup import access_enabled

    db = open_checked(target, passphrase=passphrase)
    return Opened(db=db, has_data=has_data(db), periods=list_periods(db, actor), needs_login=access_enabled(db))


def create_with_starter(target: str | Path, actor: Actor, starter: str = "customer-service") -> Opened:
    """A database with the starter library; an existing library in the file is kept as it is."""
    from kpidesk.services.library.use_cases import install_starter

    opened = open_file(target, actor)
    install_starter(opened.db, actor, starter)
    opened.has_data = True
    return opened


def open_demo(target: str | Path, actor: Actor, *, progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> Opened:
    """Open the demo file, building it first when it is new or empty."""
    from kpidesk.services.appraisal.use_cases import list_periods
    from kpidesk.services.demo import build_demo

    report(progress, 0, 1, "")
    opened = open_file(target, actor)
    if not opened.has_data:
        if cancel is not None:
            cancel.raise_if_cancelled()
        build_demo(opened.db, actor, progress)
        opened = Opened(db=opened.db, has_data=True, periods=list_periods(opened.db, actor),
                        needs_login=opened.needs_login)
    return opened


def warm_imports(modules: tuple[str, ...]) -> None:
    """Import what the first page will need while still in the opening task, so the window does not wait
    for it after the database is adopted (imports never run twice; the page finds them loaded)."""
    import importlib

    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        for name in modules:
            importlib.import_module(name)
