"""Import use cases: read a file, show a preview with every problem, then write it all in one unit of work.

Every kind of import goes through the same two steps:

1. ``preview_*`` reads and validates without writing anything and returns a preview: the rows that will
   be written, each problem with its place (file, sheet, Excel row, column) and the counts.
2. ``apply_*`` writes the preview in one transaction — all rows or none. A problem blocks the import unless
   the caller chose to skip the rows that have problems.

The kinds live in their own modules (:mod:`.data`, :mod:`.staff`, :mod:`.kpis`, and filled forms in
:mod:`kpidesk.services.forms.sheet_import`) and share the preview types of :mod:`kpidesk.services.import_preview`;
this module holds the import profiles and the one entry point :func:`preview_import` used by the CLI and
the import wizard.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.collector import collector_paused
from kpidesk.services.forms import sheet_import as form_sheets
from kpidesk.services.import_preview import ImportPreview, ImportResult
from kpidesk.services.imports import data, kpis, staff
from kpidesk.services.imports.remembered_profiles import remember_columns
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

KINDS = ("data", "staff", "kpis", "forms")


# --------------------------------------------------------------------------- import profiles


def save_profile(
    session: Session, name: str, kind: str, columns: Mapping[str, str | None], **options: Any
) -> m.ImportProfile:
    """Store (or replace) the column mapping used for one source, to be reused next time."""
    name = name.strip()
    if not name:
        raise ValidationError(_("An import profile needs a name."))
    mapping = {"columns": dict(columns), **{k: v for k, v in options.items() if v is not None}}
    profile = session.execute(select(m.ImportProfile).where(m.ImportProfile.name == name)).scalar()
    if profile is None:
        profile = m.ImportProfile(name=name, kind=kind, mapping=mapping, updated_at=utcnow())
        session.add(profile)
    else:
        profile.kind, profile.mapping, profile.updated_at = kind, mapping, utcnow()
    session.flush()
    return profile


def load_profile(session: Session, name: str) -> dict[str, Any]:
    """A saved profile as ``{"kind", "columns", "sheet", "header_row"}``; NotFound when there is none."""
    profile = session.execute(select(m.ImportProfile).where(m.ImportProfile.name == name.strip())).scalar()
    if profile is None:
        raise NotFound(_("No import profile named {name}").format(name=name))
    mapping = dict(profile.mapping or {})
    return {"kind": profile.kind, "columns": dict(mapping.get("columns", {})), "sheet": mapping.get("sheet"),
            "header_row": mapping.get("header_row")}


def list_profiles(session: Session) -> list[tuple[str, str]]:
    return [(p.name, p.kind) for p in session.execute(select(m.ImportProfile).order_by(m.ImportProfile.name)).scalars()]


# --------------------------------------------------------------------------- one entry point


def import_allowed(preview: ImportPreview, skip_problem_rows: bool) -> bool:
    """Whether a preview may be written: no blocking problem, or only ones tied to rows being skipped."""
    blocking = preview.blocking_problems
    return not blocking or (skip_problem_rows and all(p.row is not None for p in blocking))


@collector_paused()  # a large file makes many objects at once: see kpidesk.services.collector
def preview_import(
    session: Session,
    path: str | Path,
    *,
    kind: str = "data",
    period: str | None = None,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    header_row: int | None = None,
    actor: Actor,
    accept_guesses: bool = False,
    remembered: bool = True,
    period_mismatch_ok: bool = False,
) -> ImportPreview:
    """Read and validate a file of any kind without writing anything. ``actor`` (who will import) lets a
    staff list's preview say when its base-pay column will be ignored; ``accept_guesses`` confirms every
    column of a data file whose field was guessed; ``remembered`` (off when the user named a profile) uses
    the remembered profile that fits a data file; ``period_mismatch_ok`` confirms a chosen period the file
    contradicts."""
    if kind == "data":
        return data.preview_data_import(session, path, period=period, sheet=sheet, overrides=overrides,
                                        header_row=header_row, accept_guesses=accept_guesses,
                                        remembered=remembered, period_mismatch_ok=period_mismatch_ok)
    if kind == "staff":
        return staff.preview_staff_import(session, path, sheet=sheet, overrides=overrides, header_row=header_row,
                                    actor=actor)
    if kind == "kpis":
        return kpis.preview_kpi_import(session, path, sheet=sheet, overrides=overrides, header_row=header_row)
    if kind == "forms":
        return form_sheets.preview_forms_import(session, path, period=period)
    raise ValidationError(_("Unknown import kind {kind}; use data, staff, kpis or forms").format(kind=kind))


@collector_paused()
def apply_import(db, actor, preview: ImportPreview, **options: Any) -> ImportResult:
    """Write a preview made by :func:`preview_import` (one transaction). The columns of a data file mapped
    by hand or confirmed from a guess are remembered for the next file of the same shape."""
    if preview.kind == "data":
        result = data.apply_data_import(db, actor, preview, **options)
        with db.write() as session:
            remember_columns(session, preview)
        return result
    if preview.kind == "staff":
        return staff.apply_staff_import(db, actor, preview, **options)
    if preview.kind == "kpis":
        return kpis.apply_kpi_import(db, actor, preview, **options)
    if preview.kind == "forms":
        return form_sheets.apply_forms_import(
            db, actor, preview, skip_problem_rows=bool(options.get("skip_problem_rows")))
    raise ValidationError(_("Unknown import kind {kind}; use data, staff, kpis or forms").format(kind=preview.kind))
