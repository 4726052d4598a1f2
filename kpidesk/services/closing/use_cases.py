"""What the window and the command line ask to close a period, one call per user action; each function
takes the ``Database`` handle and the acting user and opens its own unit of work.
"""

from __future__ import annotations

from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.periods import Finalized
from kpidesk.services.closing import finalize
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store.db import Database


@requires(Permission.PERIODS_MANAGE)
def finalize_period(db: Database, actor: Actor, period: str) -> Finalized:
    """Finalize straight away (the command line)."""
    with db.write() as session:
        return finalize.finalize_period(session, actor, period)


@requires(Permission.PERIODS_MANAGE)
def finalize_after_review(db: Database, actor: Actor, period: str) -> Finalized:
    """Finalize unless an appeal still waits for its answer (the window)."""
    with db.write() as session:
        return finalize.finalize_after_review(session, actor, period)
