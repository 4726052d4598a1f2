"""The one neutraliser every CSV and spreadsheet writer puts text through.

A text cell starting with ``= + - @`` (or a tab / carriage return, which some spreadsheets skip before
reading a formula) would run as a formula when the file is opened: it gets a leading apostrophe, which
spreadsheets show as plain text. Control characters, which spreadsheets refuse and terminals obey, are
replaced by visible marks, so that text stored before they were refused still exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kpidesk.domain.text_rules import show_controls

if TYPE_CHECKING:  # pandas only for frames: the command line's row writers load without it
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text value made safe to open in a spreadsheet; other values unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return show_controls(value)


def unneutralise(value: object) -> object:
    """Undo the apostrophe :func:`neutralise` puts before text a spreadsheet would take as a formula (for
    sheets that come back filled in)."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def neutralise_row(values: Iterable[object]) -> list[object]:
    return [neutralise(value) for value in values]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and header) neutralised."""
    from pandas.api.types import is_string_dtype

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
