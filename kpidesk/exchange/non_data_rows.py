"""Rows of a table that hold no person: totals, subtotals, averages, head counts and notes.

Office exports end their tables with lines such as ``合计：5人``, ``合计/平均``, ``小计``, ``Total`` or a row
whose staff column is empty and whose numbers are the column sums. Every importer reads its tables through
:func:`kpidesk.exchange.readers.read_table`, which asks :func:`set_aside_non_data_rows` for these rows, so
they are listed in the preview as set aside and never become people or problems.

Words are matched on the distinct cells of a column only, so a 100,000-row file costs a few hundred
regular-expression tests, not a million.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpidesk.i18n import N_, _

TOTALS, SUBTOTALS, AVERAGES, COUNTS, NOTES = "totals", "subtotals", "averages", "counts", "notes"

#: What the preview calls each kind of row set aside.
REASON_LABELS = {
    TOTALS: N_("totals row"),
    SUBTOTALS: N_("subtotals row"),
    AVERAGES: N_("averages row"),
    COUNTS: N_("head-count row"),
    NOTES: N_("notes row"),
}

_WORD_REASONS = (
    (SUBTOTALS, ("小计", "subtotal", "sub-total", "sub total")),
    (TOTALS, ("合计", "总计", "总和", "汇总", "累计", "grand total", "totals", "total", "sum")),
    (AVERAGES, ("平均值", "平均数", "平均", "均值", "average", "avg", "mean")),
    (COUNTS, ("人数", "共计", "count")),
)
_WORDS = "|".join(re.escape(w) for _r, words in _WORD_REASONS for w in sorted(words, key=len, reverse=True))
# The word alone, or followed by punctuation, a digit or a count: ``合计``, ``合计：5人``, ``合计/平均``,
# ``Total (5)``; never the start of a longer name such as ``平均处理时长``.
_TOTAL_CELL = re.compile(rf"^(?:{_WORDS})(?:$|[\s:：/／、,，;；()（）\[\]【】\-—=＝]|\d|人|行|项)", re.IGNORECASE)
_COUNT_CELL = re.compile(r"^共\s*\d+\s*(?:人|名|条|行)")
_LONGEST_TOTAL_CELL = 24

_NOTE_PREFIXES = ("说明", "备注", "注：", "注:", "注意", "附注", "填表说明", "数据来源", "制表", "审核", "note", "notes",
                  "remark", "remarks", "*", "※", "注1", "注 ")
_NOTE_PUNCTUATION = re.compile(r"[：:，,。；;（）()、]")


@dataclass(frozen=True)
class SkippedRow:
    """A row read but not imported: its Excel number, why (one of :data:`REASON_LABELS`), and its text."""

    row: int
    reason: str
    text: str

    def describe(self) -> str:
        """The preview's line: ``not imported: totals row (row 9): 合计：5人``."""
        label = _(REASON_LABELS.get(self.reason, REASON_LABELS[TOTALS]))
        return _("not imported: {what} (row {row}): {text}").format(what=label, row=self.row, text=self.text)


def total_reason(text: object) -> str | None:
    """The kind of summary line a cell starts (``合计：5人`` → totals), or None for an ordinary cell."""
    if not isinstance(text, str):
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned or len(cleaned) > _LONGEST_TOTAL_CELL:
        return None
    compact = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", cleaned)
    if _COUNT_CELL.match(compact):
        return COUNTS
    match = _TOTAL_CELL.match(compact)
    if match is None:
        return None
    word = compact[: match.end()].rstrip(" :：/／、,，;；()（）[]【】-—=＝0123456789人行项").lower()
    for reason, words in _WORD_REASONS:
        if word in words:
            return reason
    return TOTALS


def row_summary_reason(cells: Sequence[object]) -> str | None:
    """For a reader that walks rows one by one: the kind of summary line a row is, or None."""
    for value in cells:
        reason = total_reason(value)
        if reason:
            return reason
    return None


def _word_reasons(factorized: Sequence[tuple[np.ndarray, np.ndarray]], size: int) -> np.ndarray:
    """Per row, the reason of the first cell naming a summary line ('' where none does), from each column's
    codes and distinct cells (a blank's code, -1, picks the '' added at the end)."""
    reasons = np.empty(size, dtype=object)
    reasons.fill("")  # the one empty text in every cell (np.full would convert it for each)
    for codes, distinct in factorized:
        found = [total_reason(v) or "" for v in distinct]
        if not any(found):
            continue
        hits = np.array([*found, ""], dtype=object)[codes]
        named = (hits != "") & (reasons == "")
        reasons[named] = hits[named]
    return reasons


def factorize_columns(columns: Sequence[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``pd.factorize`` of each column: codes (-1 where blank) and the distinct cells. A reader hashes its
    cells once with it, for the rows set aside here and for the parsers after (see ``SheetTable``)."""
    return [pd.factorize(np.asarray(column, dtype=object)) for column in columns]


def _numbers(column: np.ndarray) -> np.ndarray:
    """The column as floats: numbers and plain numeric text (full-width digits, thousands commas), else NaN."""
    values = pd.Series(column, dtype=object, copy=False)
    text = values.map(lambda v: unicodedata.normalize("NFKC", v).strip().replace(",", "") if isinstance(v, str)
                      else (None if isinstance(v, bool) else v))
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def _sum_rows(columns: Sequence[np.ndarray], keyless: np.ndarray, candidates: np.ndarray) -> dict[int, str]:
    """Rows with no staff key whose numbers are all the sums (or all the means) of their columns over the
    other rows — a totals line that names itself nowhere."""
    found: dict[int, str] = {}
    rows = np.flatnonzero(keyless & candidates)
    if not len(rows) or len(rows) > 5:
        return found
    numeric: list[np.ndarray] = []
    for column in columns:
        numeric.append(_numbers(column))
    others = np.ones(len(keyless), dtype=bool)
    others[rows] = False
    for position in rows:
        kinds: set[str] = set()
        for numbers in numeric:
            value = numbers[position]
            if np.isnan(value):
                continue
            rest = numbers[others & ~np.isnan(numbers)]
            if not len(rest):
                kinds.add("none")
                continue
            total, mean = rest.sum(), rest.mean()
            tolerance = 0.005 * max(abs(total), 1.0)
            if abs(value - total) <= tolerance:
                kinds.add(TOTALS)
            elif abs(value - mean) <= 0.005 * max(abs(mean), 1.0):
                kinds.add(AVERAGES)
            else:
                kinds.add("none")
        if TOTALS in kinds and "none" not in kinds:
            found[int(position)] = TOTALS
        elif kinds == {AVERAGES}:
            found[int(position)] = AVERAGES
    return found


def set_aside_non_data_rows(
    columns: list[np.ndarray],
    excel_rows: np.ndarray,
    merges: Sequence[tuple[int, int, int, int]],
    width: int,
    key_columns: Sequence[int] = (),
    factorized: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[tuple[list[np.ndarray], np.ndarray], list[SkippedRow]]:
    """Drop blank rows and move summary and notes lines out of the data.

    ``columns`` holds the cells per column, ``excel_rows`` their Excel row numbers, ``key_columns`` the
    positions (in ``columns``) of the staff-number and name columns: a row with neither whose numbers are
    the column sums is a totals line too. Returns the remaining cells with their row numbers and the rows
    set aside, in row order. ``factorized`` is :func:`factorize_columns` of ``columns`` if the caller
    has it already.
    """
    if not columns or not len(excel_rows):
        return (columns, excel_rows), []
    if factorized is None:
        factorized = factorize_columns(columns)
    filled = [codes >= 0 for codes, _distinct in factorized]  # what pd.isna calls blank, factorize does too
    counts = np.sum(filled, axis=0)
    reasons = _word_reasons(factorized, len(excel_rows))
    summary = (reasons != "") & (counts > 0)

    keyless = np.ones(len(excel_rows), dtype=bool)
    for position in key_columns:
        keyless &= ~filled[position]
    if len(key_columns):
        sums = _sum_rows(columns, keyless, (counts > 1) & ~summary)
        for position, reason in sums.items():
            reasons[position] = reason
            summary[position] = True

    wide_merged_rows: set[int] = set()
    for r0, c0, r1, c1 in merges:
        if (c1 - c0 + 1) * 2 >= max(width, 2):
            wide_merged_rows.update(range(r0 + 1, r1 + 2))
    candidates = (counts == 1) | np.isin(excel_rows, list(wide_merged_rows))
    candidates &= (counts > 0) & ~summary

    def row_values(position: int) -> list[object]:
        return [column[position] for column in columns if column[position] is not None]

    skipped: list[SkippedRow] = []
    drop = ~(counts > 0)
    for position in np.flatnonzero(candidates).tolist():
        values = row_values(position)
        if not values or not isinstance(values[0], str) or len({str(v) for v in values}) != 1:
            continue
        row = int(excel_rows[position])
        text = values[0].strip()
        if text.lower().startswith(_NOTE_PREFIXES) or row in wide_merged_rows or (
            len(text) >= 8 and _NOTE_PUNCTUATION.search(text)
        ):
            drop[position] = True
            skipped.append(SkippedRow(row, NOTES, text))
    for position in np.flatnonzero(summary).tolist():
        text = " ".join(_shown(v) for v in row_values(position))
        skipped.append(SkippedRow(int(excel_rows[position]), str(reasons[position]), text))
    drop |= summary
    if drop.any():
        kept = ~drop
        columns, excel_rows = [column[kept] for column in columns], excel_rows[kept]
    skipped.sort(key=lambda s: s.row)
    return (columns, excel_rows), skipped


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
