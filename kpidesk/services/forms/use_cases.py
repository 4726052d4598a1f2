"""What the window and the command line ask of forms (qualitative appraisal), one call per user action;
each function takes the ``Database`` handle and the acting user and opens its own unit of work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store.db import Database


@requires(Permission.FORMS_WRITE, Permission.FORMS_SELF)
def save_response(db: Database, actor: Actor, data, *, submit: bool, response_id: int | None = None) -> int:
    """Save a filled form as a draft, or submit it; returns the response id."""
    from kpidesk.services.forms import responses

    with db.write() as session:
        return responses.save_response(session, actor, data, submit=submit, response_id=response_id)


@requires(Permission.FORMS_WRITE)
def reopen_response(db: Database, actor: Actor, response_id: int, reason: str) -> int:
    """Open a submitted form again for changes (the reason is audited)."""
    from kpidesk.services.forms import responses

    with db.write() as session:
        responses.reopen_response(session, actor, response_id, reason)
    return response_id


@requires(Permission.LIBRARY_READ)
def list_forms(db: Database, actor: Actor, forms_dir: Path | None = None):
    """The forms folder as a list, with the versions stored in the database (without a database, the
    folder alone: ``catalogue.list_forms``)."""
    from kpidesk.services.forms import catalogue

    del actor  # the form library is readable by every role
    with db.session() as session:
        return catalogue.list_forms(forms_dir, session)


@requires(Permission.FORMS_READ, Permission.RESULTS_READ)
def form_scores(db: Database, actor: Actor, period: str) -> list[dict[str, Any]]:
    """One row per employee and form, for those the actor may read."""
    from kpidesk.services.forms import scores

    with db.session() as session:
        return scores.form_score_rows(session, period, actor)


@requires(Permission.FORMS_WRITE, Permission.FORMS_SELF)
def export_blank_sheet(db: Database, actor: Actor, period: str, form_key: str, path: Path) -> Path:
    from kpidesk.services.forms import sheets

    with db.session() as session:
        return sheets.export_blank_form_sheet(session, period, form_key, path, actor=actor)


@requires(Permission.FORMS_WRITE, Permission.FORMS_SELF)
def export_sheets(db: Database, actor: Actor, period: str, form_key: str, folder: Path, *,
                  upward: bool = False) -> list[Path]:
    """One filled-in sheet per reviewer (or per employee for upward appraisal)."""
    from kpidesk.services.forms import sheets

    with db.session() as session:
        return sheets.export_form_sheets(session, period, form_key, folder, upward=upward, actor=actor)


@requires(Permission.FORMS_WRITE, Permission.FORMS_SELF)
def preview_sheets(db: Database, actor: Actor, paths, *, period: str | None = None,
                   form_key: str | None = None) -> list:
    """Read filled form sheets and check every row, writing nothing (the import checks the actor)."""
    from kpidesk.services.forms import sheet_import

    del actor
    with db.session() as session:
        return [sheet_import.preview_forms_import(session, path, period=period, form_key=form_key)
                for path in paths]
