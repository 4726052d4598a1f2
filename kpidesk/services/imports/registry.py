"""Import use cases: read a file, show a preview with every problem, then write it all in one unit of work.

Every kind of import goes through the same two steps:

1. ``preview_*`` reads and validates without writing anything and returns a preview: the rows that will
   be written, each problem with its place (file, sheet, Excel row, column) and the counts.
2. ``apply_*`` writes the preview in one transaction — all rows or none. A problem blocks the import unless
   the caller chose to skip the rows that have problems.

The kinds live in their own modules (:mod:`import_data`, :mod:`import_staff`, :mod:`import_kpis`); this
module holds what they share — the preview types, import profiles — and the one entry point
:func:`preview_import` used by the CLI and the import wizard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.errors import NotFound, Place, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

KINDS = ("data", "staff", "kpis", "forms")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the input, at an exact place; ``blocking`` problems stop the import."""

    place: Place
    message: str
    code: str
    blocking: bool = True

    @property
    def row(self) -> int | None:
        return self.place.row

    def __str__(self) -> str:
        where = str(self.place)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportPreview:
    """What an import would do. ``rows`` holds what would be written (kind-specific columns)."""

    kind: str
    file: str
    sheet: str | None
    checksum: str
    header_row: int
    mapping: dict[str, str]
    rows: Any  # pandas DataFrame of rows to write
    problems: list[ImportProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    skipped_lines: list[Any] = field(default_factory=list)  # totals/notes lines set aside
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking_problems(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.blocking]

    @property
    def blocked(self) -> bool:
        return bool(self.blocking_problems)

    @property
    def problem_rows(self) -> list[int]:
        return sorted({p.row for p in self.blocking_problems if p.row is not None})


@dataclass(frozen=True)
class ImportResult:
    kind: str
    file: str
    checksum: str
    counts: dict[str, int]
    audit_id: int | None = None


def ensure_importable(preview: ImportPreview, skip_problem_rows: bool) -> None:
    """Refuse to write a preview whose problems block it (unless those rows are to be skipped)."""
    blocking = preview.blocking_problems
    if not blocking:
        return
    if skip_problem_rows and all(p.row is not None for p in blocking):
        return
    first = blocking[0]
    raise ValidationError(
        _("{count} problem(s) block the import; first: {problem}").format(count=len(blocking), problem=first.message),
        first.place,
    )


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


def preview_import(
    session: Session,
    path: str | Path,
    *,
    kind: str = "data",
    period: str | None = None,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    header_row: int | None = None,
    actor: Actor | None = None,
) -> ImportPreview:
    """Read and validate a file of any kind without writing anything. ``actor`` (who will import) lets a
    staff list's preview say when its base-pay column will be ignored."""
    if kind == "data":
        from kpidesk.services.imports.data import preview_data_import

        return preview_data_import(session, path, period=period, sheet=sheet, overrides=overrides,
                                   header_row=header_row)
    if kind == "staff":
        from kpidesk.services.imports.staff import preview_staff_import

        return preview_staff_import(session, path, sheet=sheet, overrides=overrides, header_row=header_row,
                                    actor=actor)
    if kind == "kpis":
        from kpidesk.services.imports.kpis import preview_kpi_import

        return preview_kpi_import(session, path, sheet=sheet, overrides=overrides, header_row=header_row)
    if kind == "forms":
        return _forms_service().preview_forms_import(session, path, period=period)
    raise ValidationError(_("Unknown import kind {kind}; use data, staff, kpis or forms").format(kind=kind))


def apply_import(db, actor, preview: ImportPreview, **options: Any) -> ImportResult:
    """Write a preview made by :func:`preview_import` (one transaction)."""
    if preview.kind == "data":
        from kpidesk.services.imports.data import apply_data_import

        return apply_data_import(db, actor, preview, **options)
    if preview.kind == "staff":
        from kpidesk.services.imports.staff import apply_staff_import

        return apply_staff_import(db, actor, preview, **options)
    if preview.kind == "kpis":
        from kpidesk.services.imports.kpis import apply_kpi_import

        return apply_kpi_import(db, actor, preview, **options)
    if preview.kind == "forms":
        return _forms_service().apply_forms_import(
            db, actor, preview, skip_problem_rows=bool(options.get("skip_problem_rows")))
    raise ValidationError(_("Unknown import kind {kind}; use data, staff, kpis or forms").format(kind=preview.kind))


def _forms_service():
    """Filled forms are the forms service's business (``form_sheets``); this is only the door to it."""
    try:
        from kpidesk.services.forms import sheets as form_sheets
    except ImportError:
        raise ValidationError(_("Importing filled forms is not available in this installation.")) from None
    return form_sheets
