"""Reading and showing the values of the data-entry grid, and the clipboard's tab-separated blocks.

Typed and pasted text is read with the same rules as imported files (:mod:`kpidesk.exchange.values`),
so ``93%``, ``0.93``, ``4分12秒``, ``1,200`` and ``１２０`` mean the same here as in an Excel export.
Nothing in this module needs Qt; the grid's model calls it for each edit or pasted block.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpidesk.i18n import _, current_language

#: A stored value keeps at most this many decimals (the database's FixedDecimal(6)).
STORED_DECIMALS = 6


@dataclass(frozen=True)
class CellReading:
    """What a typed or pasted text means for one field: a value (None = cleared), or why it cannot be."""

    text: str
    value: float | None = None
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def read_cells(texts: Sequence[str], unit: str, *, bounded_rate: bool = False) -> list[CellReading]:
    """Read several texts typed or pasted into one field (one parser call for the lot)."""
    import pandas as pd

    from kpidesk.domain.units import Unit
    from kpidesk.exchange.values import parse_values, problem_message

    try:
        unit_enum = Unit(unit)
    except ValueError:
        unit_enum = Unit.NUMBER
    cleaned = [text.strip() for text in texts]
    parsed = parse_values(pd.Series(cleaned, dtype=object), unit_enum)
    readings = []
    for position, text in enumerate(cleaned):
        problem = parsed.problems.iloc[position]
        if problem is not None:
            readings.append(CellReading(text, error=problem_message(problem, text)))
            continue
        value = parsed.values.iloc[position]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            readings.append(CellReading(text, None))
            continue
        value = round(float(value), STORED_DECIMALS)
        if bounded_rate and unit_enum is Unit.PERCENT and not 0 <= value <= 100:
            readings.append(CellReading(text, error=_("{value}% is impossible for a rate (0–100%)").format(
                value=format_number(value))))
            continue
        warning = None
        if bool(parsed.ambiguous.iloc[position]):
            warning = _("A bare 1 in a percent field is read as 100%; type 1% to mean one percent.")
        elif unit_enum is Unit.COUNT and not float(value).is_integer():
            warning = _("A count is usually a whole number.")
        readings.append(CellReading(text, value, warning=warning))
    return readings


def read_cell(text: str, unit: str, *, bounded_rate: bool = False) -> CellReading:
    return read_cells([text], unit, bounded_rate=bounded_rate)[0]


def to_decimal(value: float | None) -> Decimal | None:
    """A parsed value as the service stores it."""
    if value is None:
        return None
    return Decimal(repr(round(float(value), STORED_DECIMALS)))


# --------------------------------------------------------------------------- showing values


def format_number(value: float, decimals: int = 2) -> str:
    """A number with thousands separators and no trailing zeros (1200 → 1,200; 93.50 → 93.5)."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_duration(seconds: float, language: str | None = None) -> str:
    """Seconds the way people write them: 1分52秒 in Chinese, 1 min 52 s in English."""
    language = language or current_language()
    chinese = language.startswith("zh")
    negative = seconds < 0
    seconds = abs(seconds)
    whole = int(round(seconds))
    if abs(seconds - whole) > 1e-6 and seconds < 60:
        body = f"{format_number(seconds)}{'秒' if chinese else ' s'}"
        return ("-" if negative else "") + body
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    units = ("小时", "分", "秒") if chinese else (" h", " min", " s")
    parts = [f"{n}{u}" for n, u in zip((hours, minutes, secs), units, strict=True) if n]
    if not parts:
        parts = [f"0{units[2]}"]
    joiner = "" if chinese else " "
    return ("-" if negative else "") + joiner.join(parts)


def format_value(value: float | Decimal | None, unit: str, language: str | None = None) -> str:
    """A stored value as the grid shows it (and as the editor starts with, so it reads back the same)."""
    if value is None:
        return ""
    number = float(value)
    if math.isnan(number):
        return ""
    if unit == "percent":
        return f"{format_number(number)}%"
    if unit == "permille":
        return f"{format_number(number)}‰"
    if unit == "duration":
        return format_duration(number, language)
    return format_number(number, 2 if unit in ("currency", "score", "hours", "number") else 4)


# --------------------------------------------------------------------------- the clipboard


def parse_block(text: str) -> list[list[str]]:
    """A block copied from Excel or WPS: rows by line, cells by tab; quoted cells may hold newlines."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if '"' in text:
        rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]
    else:
        rows = [line.split("\t") for line in text.split("\n")]
    return rows or [[""]]


def format_block(rows: Sequence[Sequence[str]]) -> str:
    """Cells as tab-separated text Excel pastes back into the same shape."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(list(row))
    return out.getvalue()
