"""Formatted workbooks and Excel-friendly CSV files out of DataFrames.

Whatever is written, every text cell goes through :mod:`kpidesk.exchange.neutralise` (formulas turned into
text, control characters made visible).
Percent columns hold percent numbers (93 for 93 %) and are written as Excel percentages (0.93 shown as
93.00%); duration columns hold seconds and are written as Excel times (``[h]:mm:ss``), which the
readers turn back into seconds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kpidesk.domain.text_rules import show_controls
from kpidesk.errors import Place, ValidationError
from kpidesk.exchange.neutralise import neutralise, neutralise_frame
from kpidesk.i18n import _

#: Column kind → Excel number format.
NUMBER_FORMATS = {
    "percent": "0.00%",
    "decimal": "0.00",
    "integer": "0",
    "number": "General",
    "date": "yyyy-mm-dd",
    "duration": "[h]:mm:ss",
    "text": "@",
}

#: Default fills for the default grade codes and their zh/en labels.
GRADE_COLOURS = {
    "excellent": "C6EFCE", "优秀": "C6EFCE", "Excellent": "C6EFCE", "A": "C6EFCE",
    "good": "DDEBF7", "良好": "DDEBF7", "Good": "DDEBF7", "B": "DDEBF7",
    "fair": "FFEB9C", "一般": "FFEB9C", "Fair": "FFEB9C", "C": "FFEB9C",
    "poor": "FFC7CE", "差": "FFC7CE", "Poor": "FFC7CE", "D": "FFC7CE",
}

_HEADER_FILL = "D9E1F2"
_MAX_WIDTH = 60
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def display_width(text: object) -> int:
    """Columns a text needs: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of ``[]:*?/\\``), unique among ``taken``."""
    base = _SHEET_NAME_BAD.sub("_", show_controls(str(name), keep_lines=False)).strip("' ") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


@dataclass
class SheetSpec:
    """One sheet to write: the frame plus how its columns look."""

    title: str
    frame: pd.DataFrame
    formats: Mapping[str, str] = field(default_factory=dict)  # column → key of NUMBER_FORMATS
    grade_columns: tuple[str, ...] = ()
    grade_colours: Mapping[str, str] = field(default_factory=lambda: GRADE_COLOURS)
    hidden: bool = False
    freeze_columns: int = 0  # how many leading columns stay visible when scrolling right
    heading: str | None = None  # an optional title line above the header


def _cell_value(value: object, kind: str | None) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if kind == "percent" and isinstance(value, int | float):
        return float(value) / 100.0
    if kind == "duration" and isinstance(value, int | float):
        return float(value) / 86400.0
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return neutralise(value)


def write_xlsx(path: str | Path, sheets: list[SheetSpec]) -> Path:
    """Write a workbook: bold header on a fill, frozen header row, number formats, widths that fit
    Chinese text, grade cells coloured; hidden sheets stay hidden."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    fills: dict[str, Any] = {}  # colour → PatternFill, one per colour
    for spec in sheets:
        sheet = workbook.create_sheet(safe_sheet_name(spec.title, taken))
        first = 1
        if spec.heading:
            sheet.cell(row=1, column=1, value=neutralise(spec.heading)).font = Font(bold=True, size=13)
            first = 2
        columns = [str(c) for c in spec.frame.columns]
        widths = [display_width(c) for c in columns]
        for j, name in enumerate(columns, start=1):
            cell = sheet.cell(row=first, column=j, value=neutralise(name))
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=False)
        kinds = [spec.formats.get(c) for c in columns]
        grade_idx = {j for j, c in enumerate(columns) if c in spec.grade_columns}
        for i, row in enumerate(spec.frame.itertuples(index=False, name=None), start=first + 1):
            for j, value in enumerate(row):
                cell = sheet.cell(row=i, column=j + 1, value=_cell_value(value, kinds[j]))
                kind = kinds[j]
                if kind:
                    cell.number_format = NUMBER_FORMATS.get(kind, "General")
                if j in grade_idx and value is not None:
                    colour = spec.grade_colours.get(str(value))
                    if colour:
                        fills.setdefault(colour, PatternFill("solid", fgColor=colour))
                        cell.fill = fills[colour]
                if i - first <= 2000 and value is not None:
                    shown = _shown_text(value, kinds[j])
                    widths[j] = max(widths[j], display_width(shown))
        from openpyxl.utils import get_column_letter

        for j, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 6), _MAX_WIDTH)
        sheet.freeze_panes = sheet.cell(row=first + 1, column=spec.freeze_columns + 1)
        if spec.hidden:
            sheet.sheet_state = "hidden"
    if not workbook.worksheets:
        workbook.create_sheet("Sheet")
    if all(ws.sheet_state == "hidden" for ws in workbook.worksheets):
        workbook.worksheets[0].sheet_state = "visible"
    _save(path, workbook.save)
    return path


def _shown_text(value: object, kind: str | None) -> str:
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:.2f}%"
    if kind in ("decimal",) and isinstance(value, int | float):
        return f"{value:.2f}"
    if kind == "date":
        return "2025-01-01"
    return str(value)


def write_csv(path: str | Path, frame: pd.DataFrame) -> Path:
    """CSV in UTF-8 with BOM (so Excel shows Chinese correctly), CRLF line ends, text neutralised."""
    path = Path(path)
    safe = neutralise_frame(frame)
    _save(path, lambda target: safe.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\r\n"))
    return path


def _save(path: Path, writer) -> None:
    """Write through a temporary file so a failed export never leaves half a file behind."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        writer(temporary)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(
            _("cannot write the file: {error}").format(error=exc.strerror or exc), Place(file=str(path))
        ) from None
