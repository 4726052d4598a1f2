"""Which rows and columns the data-entry grid shows, in what order, and what a copy of it holds.

The search text keeps the people whose staff number, name or team contain it; a chosen KPI keeps the
fields it is computed from and its own score; a clicked header orders the rows by that column, empty
cells last whichever way. A copy gives plain numbers (no units, no thousands separators) under a header
row naming each column, so a spreadsheet reads them as numbers, and the grid knows its own header again
when the block is pasted back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kpidesk.i18n import _
from kpidesk.services.appraisal.measurements import EntryKpi, RosterEntry


@dataclass(frozen=True)
class SortOrder:
    """The column the rows are ordered by, told by its kind and code so it survives a reload."""

    kind: str
    code: str
    descending: bool = False


def person_matches(person: RosterEntry, text: str) -> bool:
    """Whether the staff number, name or team of ``person`` contains ``text`` (any case)."""
    wanted = text.strip().casefold()
    if not wanted:
        return True
    return any(wanted in (part or "").casefold() for part in (person.staff_no, person.name, person.department))


def kpi_inputs(kpi: EntryKpi) -> set[str]:
    """The entry columns a KPI is computed from: its formula's fields, or the KPI itself when typed directly."""
    from kpidesk.domain.formulas import FormulaError, parse_formula

    if not kpi.formula:
        return {kpi.code}
    try:
        return set(parse_formula(kpi.formula).fields)
    except FormulaError:
        return set()


def sorted_rows(rows: Sequence[RosterEntry], value_of: Callable[[RosterEntry], float | str | None],
                descending: bool) -> list[RosterEntry]:
    """Rows by ``value_of``, the empty ones last in either direction (stable, like a spreadsheet)."""
    present = [r for r in rows if _present(value_of(r))]
    empty = [r for r in rows if not _present(value_of(r))]
    return sorted(present, key=lambda r: _comparable(value_of(r)), reverse=descending) + empty


def _present(value: float | str | None) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and math.isnan(value))


def _comparable(value: float | str | None) -> tuple[int, float, str]:
    if isinstance(value, (int, float)):
        return 0, float(value), ""
    return 1, 0.0, str(value)


def plain_number(value: float | None) -> str:
    """A number as a spreadsheet reads it: no unit, no thousands separator, no trailing zeros."""
    if value is None or math.isnan(value):
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def person_headers() -> list[str]:
    """The header of the two columns that name the person in a copied block."""
    return [_("Staff no."), _("Name")]


def without_copied_header(block: list[list[str]]) -> list[list[str]]:
    """A block copied from this grid (header row, staff no. and name first) as the values alone."""
    if len(block) > 1 and block[0][:2] == person_headers():
        return [row[2:] for row in block[1:]]
    return block
