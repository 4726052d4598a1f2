"""The current period's results computed ahead, once a database is open, so the first click on Results
shows a filled table at once instead of an empty one while it computes.

The result goes into the window's kept results (``AppContext.kept_results``), keyed by the database and the
acting user like every kept result, and only if both are still the ones open when it arrives. The Results
page shows it marked "Refreshing…" and computes the period again, so a write in between is never hidden.
"""

from __future__ import annotations

from kpidesk.ui.pages.results.data import load_results
from kpidesk.ui.tasks import Task


def compute_results_ahead(ctx, parent) -> Task | None:
    """Start computing the current period for the Results page, unless nothing is open or it is kept."""
    db, actor, period, language = ctx.db, ctx.actor, ctx.period_code, ctx.language
    if db is None or period is None or ctx.kept_results.get(db, actor, period, language) is not None:
        return None

    def keep(data) -> None:
        if db is ctx.db and actor == ctx.actor and language == ctx.language:
            ctx.kept_results.put(db, actor, data.period, data, language)

    # a failure is the Results page's to report when it is opened and computes the period itself
    return Task(parent, load_results, db, actor, period).success(keep).failure(lambda _error: None).start()
