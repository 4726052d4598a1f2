"""The month a file says it holds: in its name (``坐席月报_2025-11.xlsx``), its sheet's name (``11月``
with a year elsewhere is not enough; ``2025年11月`` is) or the title rows above its header
(``客服中心坐席绩效月报（2025年11月）``).

A full date (``导出时间：2025-12-01 09:12``) is when the file was made, not the month it covers, and is
passed over.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kpidesk.exchange.grids import RawWorkbook
from kpidesk.exchange.readers import SheetTable
from kpidesk.i18n import N_

_YEAR_MONTH = re.compile(r"(?<!\d)(20\d{2})\s*(?:年\s*|[-_./]\s*)?(0?[1-9]|1[0-2])(?!\d)")
_DAY_FOLLOWS = re.compile(r"\s*月?\s*[-_./]?\s*\d")

FILE_NAME, SHEET_NAME, TITLE_ROW = N_("file name"), N_("sheet name"), N_("title row")
PERIOD_COLUMN = N_("period column")


@dataclass(frozen=True)
class PeriodHint:
    """A month the file names, and where: ``where`` is one of the labels above, ``row`` a title row's
    Excel number."""

    code: str
    where: str
    row: int | None = None


def months_in(text: object) -> list[str]:
    """Every month code (``2025-11``) a piece of text names; a date with its day is left out."""
    if not isinstance(text, str):
        return []
    normal = unicodedata.normalize("NFKC", text)
    return [f"{int(found.group(1)):04d}-{int(found.group(2)):02d}" for found in _YEAR_MONTH.finditer(normal)
            if not _DAY_FOLLOWS.match(normal, found.end())]


def period_hints(book: RawWorkbook, table: SheetTable) -> list[PeriodHint]:
    """The months named by the file's name, the table's sheet name and the title rows above its header."""
    hints = [PeriodHint(code, FILE_NAME) for code in months_in(book.display_name)]
    if book.format != "csv":
        hints += [PeriodHint(code, SHEET_NAME) for code in months_in(table.sheet)]
    rows = book.sheet(table.sheet).rows
    for number in range(1, table.header_rows[0]):
        cells: Iterable[object] = rows[number - 1]
        for cell in cells:
            hints += [PeriodHint(code, TITLE_ROW, number) for code in months_in(cell)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for hint in hints:
        if (hint.code, hint.where) not in seen:
            seen.add((hint.code, hint.where))
            unique.append(hint)
    return unique
