"""Delimited text files (CSV, TSV) as offices save them: UTF-8 with or without BOM, UTF-16 (Excel's
"Unicode text"), GBK/GB18030 (what Chinese Excel writes for "CSV"), comma, semicolon or tab separated."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from itertools import repeat

from kpidesk.errors import Place, ValidationError
from kpidesk.exchange.limits import check_text
from kpidesk.i18n import _

_DELIMITERS = (",", "\t", ";", "|")


def detect_encoding(data: bytes) -> str:
    """The encoding a text file was saved in; raises ValidationError when it is none we know."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError("unknown encoding")


def sniff_delimiter(text: str) -> str:
    """The separator used most consistently in the first lines (comma when in doubt)."""
    lines = [line for line in _first_lines(text, 50) if line.strip()]
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        rows_with = sum(1 for c in counts if c)
        score = rows_with * 1000 + sum(counts)
        if rows_with and score > best_score:
            best, best_score = delimiter, score
    return best


def _first_lines(text: str, count: int) -> list[str]:
    """``text.splitlines()[:count]`` without splitting the whole of a big file."""
    size = 1 << 16
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > count + 1:  # the first ``count`` lines end inside the head
            return lines[:count]
        size *= 4
    return text.splitlines()[:count]


def read_text_rows(data: bytes, file: str) -> tuple[Sequence[list[str]], str]:
    """All records of a delimited text file (record n is Excel row n) and the encoding found; a big file's
    records come as :class:`GridRows`."""
    try:
        encoding = detect_encoding(data)
    except ValueError:
        raise ValidationError(
            _("cannot tell the text encoding; save the file as UTF-8 or as Excel CSV"), Place(file=file)
        ) from None
    text = data.decode(encoding)
    if "\x00" in text:
        raise ValidationError(_("the file contains binary data and is not a CSV file"), Place(file=file))
    delimiter = sniff_delimiter(text)
    check_text(text, delimiter, file)
    if len(text) > _FAST_PATH_CHARS:
        fast = _fast_rows(text, delimiter)
        if fast is not None:
            return fast, encoding
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(_("the CSV file is malformed: {error}").format(error=exc), Place(file=file)) from None
    return rows, encoding


_FAST_PATH_CHARS = 200_000


def _fast_rows(text: str, delimiter: str) -> GridRows | None:
    """Big files through pandas' C parser (same records as the csv module, short ones padded with empty
    cells), or None to fall back."""
    import pandas as pd

    width = max(map(str.count, text.split("\n"), repeat(delimiter)), default=0) + 1
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, names=range(width), dtype=object, na_filter=False,
            keep_default_na=False, skip_blank_lines=False, engine="c", quotechar='"', doublequote=True,
        )
    except (ValueError, pd.errors.ParserError):
        return None
    return GridRows(frame.to_numpy(dtype=object))


class GridRows(Sequence):
    """The rows of a big sheet or text file, read as rows (lists of cells) but kept as one grid, so that a
    table can take whole columns without a list being built for every row."""

    def __init__(self, grid) -> None:
        self.grid = grid  # numpy object array: one row per record, one column per field (cell)
        self._codes: list | None = None

    def column_codes(self) -> list:
        """``pd.factorize`` of each column of the grid (codes, -1 where blank; distinct cells), made once: the
        checks on the whole sheet and every table read from it then hash no cell again. The grid is never
        changed in place."""
        if self._codes is None:
            import pandas as pd

            self._codes = [pd.factorize(self.grid[:, c]) for c in range(self.grid.shape[1])]
        return self._codes

    def __len__(self) -> int:
        return len(self.grid)

    def __getitem__(self, index):
        return self.grid[index].tolist()

    def __iter__(self):
        return iter(self.grid.tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GridRows | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]
