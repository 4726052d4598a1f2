"""Units of KPIs and raw fields.

Values are stored in one base unit per kind — durations in seconds, percentages as percent numbers
(93 for 93 %) — and the unit only decides how they are shown and how typed text is read.
"""

from __future__ import annotations

from enum import StrEnum


class Unit(StrEnum):
    PERCENT = "percent"  # stored as percent number: 93 means 93 %
    PERMILLE = "permille"  # stored as per-mille number
    DURATION = "duration"  # stored in seconds; shown as s / min / h
    SCORE = "score"  # a 0-100 (or 0-5) score as given
    COUNT = "count"  # occurrences, contacts, items
    HOURS = "hours"  # an amount of hours (e.g. training hours), not a duration to convert
    CURRENCY = "currency"  # money, yuan
    NUMBER = "number"  # anything else


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    BAND = "band"  # stay near a centre (e.g. budget deviation ±4 %)


class Perspective(StrEnum):
    """Balanced-scorecard perspectives (平衡计分卡)."""

    FINANCIAL = "financial"
    CUSTOMER = "customer"
    PROCESS = "process"
    GROWTH = "growth"
