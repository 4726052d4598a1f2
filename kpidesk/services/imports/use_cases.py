"""What the window and the command line ask of imports and exports, one call per user action; each
function takes the ``Database`` handle and the acting user and opens its own unit of work.

Saved column profiles and the field catalogue have no permission rule of their own yet; their functions
take the actor all the same, so a rule can be added here without touching the callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kpidesk.i18n import pick
from kpidesk.services.actor import Actor
from kpidesk.services.import_preview import ImportPreview
from kpidesk.services.imports import registry
from kpidesk.services.imports.data import preview_employee_ids
from kpidesk.services.safety.access import Permission, may_somewhere, require_for_employees
from kpidesk.services.safety.gates import refusal, requires
from kpidesk.store import models as m
from kpidesk.store.db import Database


@requires(Permission.LIBRARY_READ)
def field_choices(db: Database, actor: Actor) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The fields a column can be imported as — ``(code, label)`` — and the header lookup of known names."""
    from kpidesk.services.imports.data import field_catalogue

    del actor  # the catalogue names fields and KPIs only, which every role may read
    with db.session() as session:
        infos, index = field_catalogue(session)
        names = {code: pick(zh, en) for code, zh, en in
                 session.execute(select(m.RawField.code, m.RawField.name_zh, m.RawField.name_en))}
        names.update({code: pick(zh, en) for code, zh, en in
                      session.execute(select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en)) if code not in names})
    return [(code, f"{names.get(code, code)} ({code})") for code in infos], index


@requires(Permission.DATA_WRITE, Permission.IMPORT_LIBRARY, Permission.FORMS_WRITE, Permission.FORMS_SELF)
def load_profile(db: Database, actor: Actor, name: str) -> dict[str, Any]:
    """A saved profile (``kind``, ``columns``, ``sheet``, ``header_row``); NotFound when there is none."""
    del actor
    with db.session() as session:
        return registry.load_profile(session, name)


@requires(Permission.DATA_WRITE, Permission.IMPORT_LIBRARY, Permission.FORMS_WRITE, Permission.FORMS_SELF)
def save_profile(db: Database, actor: Actor, name: str, kind: str, columns: Mapping[str, str | None],
                 **options: Any) -> None:
    del actor
    with db.write() as session:
        registry.save_profile(session, name, kind, columns, **options)


@requires(Permission.DATA_WRITE, Permission.IMPORT_LIBRARY, Permission.FORMS_WRITE, Permission.FORMS_SELF)
def preview_import(db: Database, actor: Actor, path: str | Path, **options: Any) -> ImportPreview:
    """Read and check a file without writing anything (see ``registry.preview_import`` for the options).
    A data file is previewed only for someone who may write every person's values in it: the preview
    would otherwise tell whose values in another department differ from the file."""
    _require_import_kind(actor, options.get("kind", "data"), previewing=True)
    with db.session() as session:
        preview = registry.preview_import(session, path, actor=actor, **options)
        if preview.kind == "data":
            require_for_employees(session, actor, Permission.DATA_WRITE, preview_employee_ids(preview))
    return preview


#: The permission each kind of import writes with.
_IMPORT_KIND_PERMISSIONS = {"data": Permission.DATA_WRITE, "staff": Permission.IMPORT_LIBRARY,
                           "kpis": Permission.IMPORT_LIBRARY, "forms": Permission.FORMS_WRITE}


def _require_import_kind(actor: Actor, kind: str, *, previewing: bool) -> None:
    """Refuse an actor whose role may not import this kind of file (a staff list's preview stays open to
    those who may change staff, as it tells them which columns would be ignored)."""
    permission = _IMPORT_KIND_PERMISSIONS.get(kind)
    if permission is None:
        return  # an unknown kind is refused by the import itself, with the kinds it knows
    allowed: tuple[Permission, ...] = (permission,)
    if kind == "staff" and previewing:
        allowed += (Permission.STAFF_WRITE,)
    if kind == "forms":  # a peer or an employee brings back their own filled sheet
        allowed += (Permission.FORMS_SELF,)
    if not any(may_somewhere(actor, p) for p in allowed):
        raise refusal(actor, permission)


@requires(Permission.RESULTS_READ)
def export_period(db: Database, actor: Actor, period: str, out: str | Path) -> dict[str, int]:
    from kpidesk.services.imports import exporting

    with db.session() as session:
        return exporting.export_period(session, period, out, actor=actor)


@requires(Permission.DATA_WRITE)
def export_import_template(db: Database, actor: Actor, period: str, position: str, out: str | Path):
    from kpidesk.services.imports import exporting

    with db.session() as session:
        return exporting.export_import_template(session, period, position, out, actor=actor)


@dataclass(frozen=True)
class ImportChoices:
    """What the import wizard offers, read once when it opens: the periods still open for data (newest
    first), the saved column profiles of the kind, and the fields a column can be imported as."""

    periods: list[str]
    profiles: dict[str, dict[str, Any]]
    fields: list[tuple[str, str]]  # (code, label)
    header_index: dict[str, str]  # a known header (name, English name, code, alias) → code


@requires(Permission.DATA_WRITE, Permission.IMPORT_LIBRARY, Permission.FORMS_WRITE, Permission.FORMS_SELF)
def import_choices(db: Database, actor: Actor, kind: str) -> ImportChoices:
    from kpidesk.services.appraisal.use_cases import list_periods

    periods = [p.code for p in reversed(list_periods(db, actor)) if p.status != "finalized"]
    with db.session() as session:
        profiles = {name: registry.load_profile(session, name) for name, profile_kind
                    in registry.list_profiles(session) if profile_kind == kind}
    fields, header_index = field_choices(db, actor)
    return ImportChoices(periods, profiles, fields, header_index)


@requires(Permission.DATA_WRITE, Permission.IMPORT_LIBRARY, Permission.FORMS_WRITE, Permission.FORMS_SELF)
def apply_import(db: Database, actor: Actor, preview: ImportPreview, **options: Any):
    """Write a preview (one transaction) as the actor; returns the ``ImportResult``. The options are the
    import kind's own (``skip_problem_rows``; ``progress`` and ``cancel`` for data and staff lists)."""
    _require_import_kind(actor, preview.kind, previewing=False)
    return registry.apply_import(db, actor, preview, **options)


@requires(Permission.DATA_WRITE)
def propose_columns(db: Database, actor: Actor, table, overrides: dict[str, str | None]) -> dict:
    """Column label → :class:`~kpidesk.exchange.header_dictionary.ColumnMatch` for a data file's columns,
    as the import would match them (``overrides`` are the user's or the profile's choices)."""
    from kpidesk.services.imports.column_matching import match_data_columns
    from kpidesk.services.imports.data import IDENTITY_FIELDS

    del actor  # matching reads the field catalogue only, which every role may read
    with db.session() as session:
        matches = match_data_columns(session, table, IDENTITY_FIELDS, by_hand=overrides, from_profile={},
                                     accept_guesses=False)
    return {match.column: match for match in matches}
