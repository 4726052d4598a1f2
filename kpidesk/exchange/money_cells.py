"""Reading amounts of money from spreadsheet cells: ``¥8,000.00``, ``8000``, ``８０００``, ``8千``, ``0.8万元``.

Amounts become ``Decimal`` to the cent, half-up (the payroll rule of :mod:`kpidesk.domain.money`); a float
cell is read through its shortest repr, so no binary noise reaches the cents. Blank cells and the usual
"no value" marks are None; anything else that is not an amount is a problem code from
:class:`kpidesk.exchange.values.Problem`, reported with the cell's place like every other import problem.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from kpidesk.domain.money import round_cents
from kpidesk.domain.value_ranges import MAX_MEASURED_VALUE
from kpidesk.exchange.values import EXCEL_ERRORS, MISSING_TOKENS, Problem

_CURRENCY = r"(?:¥|\$|rmb|cny|人民币)"
_AMOUNT = re.compile(
    rf"^(?P<sign>[+-])?{_CURRENCY}?(?P<sign2>[+-])?(?P<num>\d+(?:\.\d*)?|\.\d+)"
    r"(?P<mult>万|千|k|w)?(?:元|块|rmb|cny|人民币)?$"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACES = re.compile(r"[\s\u3000\u00a0\u2009\u202f']+")
_MULTIPLIERS = {"千": 1000, "k": 1000, "万": 10000, "w": 10000}


@dataclass(frozen=True)
class ParsedMoney:
    """Amounts aligned with the cells: a Decimal, or None where blank or a problem."""

    values: pd.Series  # object: Decimal | None
    problems: pd.Series  # object: None, or a Problem code

    @property
    def problem_mask(self) -> pd.Series:
        return self.problems.notna()


def parse_money_cells(cells: pd.Series, *, allow_negative: bool = False) -> ParsedMoney:
    """Parse a column of raw cells as amounts of money (negative amounts are a problem unless allowed)."""
    amounts: list[Decimal | None] = []
    problems: list[str | None] = []
    for cell in cells.tolist():
        amount, problem = parse_money_cell(cell)
        if problem is None and amount is not None and amount < 0 and not allow_negative:
            amount, problem = None, Problem.NEGATIVE.value
        if problem is None and amount is not None and abs(amount) > MAX_MEASURED_VALUE:
            amount, problem = None, Problem.TOO_LARGE.value
        amounts.append(amount)
        problems.append(problem)
    return ParsedMoney(pd.Series(amounts, index=cells.index, dtype=object),
                       pd.Series(problems, index=cells.index, dtype=object))


def parse_money_cell(cell: object) -> tuple[Decimal | None, str | None]:
    """One cell as (amount to the cent or None, problem code or None)."""
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return None, None
    if isinstance(cell, bool | np.bool_):
        return None, Problem.NOT_A_NUMBER.value
    if isinstance(cell, int | np.integer):
        return round_cents(Decimal(int(cell))), None
    if isinstance(cell, float | np.floating):
        number = float(cell)
        if math.isnan(number):
            return None, None
        if math.isinf(number):
            return None, Problem.NOT_FINITE.value
        return round_cents(Decimal(repr(number))), None
    if isinstance(cell, Decimal):
        return (round_cents(cell), None) if cell.is_finite() else (None, Problem.NOT_FINITE.value)
    if isinstance(cell, str):
        return _amount_from_text(cell)
    return None, Problem.NOT_A_NUMBER.value


def _amount_from_text(text: str) -> tuple[Decimal | None, str | None]:
    clean = _SPACES.sub("", unicodedata.normalize("NFKC", text).lower()).replace("\u2212", "-")
    if clean in MISSING_TOKENS:
        return None, None
    if clean in EXCEL_ERRORS or (clean.startswith("#") and clean.endswith(("!", "?"))):
        return None, Problem.EXCEL_ERROR.value
    negative = clean.startswith("(") and clean.endswith(")")  # accounting style: (500.00)
    if negative:
        clean = clean[1:-1]
    found = _AMOUNT.match(_THOUSANDS.sub("", clean))
    signs = [sign for sign in (found["sign"], found["sign2"]) if sign] if found else []
    if found is None or len(signs) > 1 or (negative and signs):
        return None, Problem.NOT_A_NUMBER.value
    amount = Decimal(found["num"]) * _MULTIPLIERS.get(found["mult"] or "", 1)
    if negative or signs == ["-"]:
        amount = -amount
    return round_cents(amount), None
