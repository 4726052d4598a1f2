"""What every import kind shares: the preview it returns (rows to write, problems at exact places, counts),
the result of writing it, and the rule that blocking problems stop an import.

It sits below every service package, so an import kind can live in the package that owns its data (filled
forms in ``forms``) while the registry in ``imports`` dispatches to all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpidesk.errors import Place, ValidationError
from kpidesk.i18n import _


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
