"""Appraisal periods: month, quarter, half-year and year, with one canonical spelling.

Printed as ``2025-03``, ``2025-Q1``, ``2025-H1`` and ``2025``; read from the many ways people write them
(``2025Q1``, ``2025-q1``, ``2025年3月``, ``2025年第1季度``, ``2025上半年``, ``2025年`` …).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


_MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


class PeriodParseError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int = 1  # month 1-12, quarter 1-4, half 1-2, year 1

    def __post_init__(self) -> None:
        limit = 12 // _MONTHS_IN[self.kind]
        if not 1 <= self.index <= limit or not 1900 <= self.year <= 2999:
            raise PeriodParseError(f"{self.kind} {self.index} of {self.year} does not exist")

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year}-H{self.index}"
        return f"{self.year}"

    def __str__(self) -> str:
        return self.code

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_IN[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.first_month + _MONTHS_IN[self.kind] - 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[Period]:
        return [Period(self.year, PeriodKind.MONTH, m) for m in range(self.first_month, self.last_month + 1)]

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def ends_with(self, other: Period) -> bool:
        """True when ``other`` (e.g. a quarter) ends in the same month as this period."""
        return self.end == other.end

    def enclosing(self, kind: PeriodKind) -> Period:
        """The period of ``kind`` that contains this one (the quarter of a month …)."""
        size = _MONTHS_IN[kind]
        if size < _MONTHS_IN[self.kind]:
            raise ValueError(f"a {kind} cannot contain a {self.kind}")
        return Period(self.year, kind, (self.first_month - 1) // size + 1)

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, 12 // _MONTHS_IN[self.kind])

    def next(self) -> Period:
        if self.index < 12 // _MONTHS_IN[self.kind]:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)


_PATTERNS: list[tuple[re.Pattern[str], PeriodKind]] = [
    (re.compile(r"^(\d{4})[-/.]?(\d{1,2})$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})[-/ ]?Q([1-4])$", re.I), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})年?第?([1-4一二三四])季度?$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})[-/ ]?H([12])$", re.I), PeriodKind.HALF),
    (re.compile(r"^(\d{4})年?([上下])半年(?:度)?$"), PeriodKind.HALF),
    (re.compile(r"^(\d{4})(?:年度?)?$"), PeriodKind.YEAR),
]


def parse_period(text: str | Period) -> Period:
    """Read a period as people write it; raise PeriodParseError with the text when it is not one."""
    if isinstance(text, Period):
        return text
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    for pattern, kind in _PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        year = int(match.group(1))
        if kind is PeriodKind.YEAR:
            return Period(year, kind, 1)
        raw = match.group(2)
        if kind is PeriodKind.HALF and raw in "上下":
            index = 1 if raw == "上" else 2
        else:
            index = _CN_DIGITS.get(raw) or int(raw)
        try:
            return Period(year, kind, index)
        except PeriodParseError:
            break
    raise PeriodParseError(f"not a period: {text!r}")


def months_between(first: Period, last: Period) -> list[Period]:
    """Every month from the first month of ``first`` to the last month of ``last``."""
    result = []
    current = Period(first.year, PeriodKind.MONTH, first.first_month)
    end = Period(last.year, PeriodKind.MONTH, last.last_month)
    while current <= end:
        result.append(current)
        current = current.next()
    return result
