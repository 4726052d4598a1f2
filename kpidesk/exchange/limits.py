"""Size limits every file passes before a parser sees it.

A spreadsheet is a zip of XML parts; one small file can expand to gigabytes, or name a cell at XFD1048576 so
that the reader allocates the whole grid. The parsers (calamine, pandas) give no way to stop part-way, so the
sizes are checked first: the zip directory, then each part streamed through Python's zipfile (which stops at
the declared size and verifies the checksum, so a directory that lies is caught), with the cell references
and long text runs of every worksheet counted on the way. Text files are measured the same way before they
are split into cells. The limits are far above any real office export; README lists them.
"""

from __future__ import annotations

import functools
import re
import zipfile
from pathlib import Path

import numpy as np

from kpidesk.errors import Place, ValidationError
from kpidesk.i18n import _

MB = 1024 * 1024

#: The largest file read at all.
MAX_FILE_BYTES = 100 * MB
#: The largest part of a workbook once uncompressed (one sheet, the shared strings …).
MAX_PART_BYTES = 200 * MB
#: All parts of a workbook together, uncompressed.
MAX_TOTAL_BYTES = 400 * MB
#: How many parts a workbook may have.
MAX_PARTS = 5_000
#: Columns of one sheet (Excel allows 16,384; no office table comes near 1,024).
MAX_COLUMNS = 1_024
#: Rows of one sheet (Excel's own limit).
MAX_ROWS = 1_048_576
#: Cells of one sheet, counted as its full rectangle, which is what the readers allocate.
MAX_CELLS = 10_000_000
#: Characters in one cell (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: One cell's text as stored (UTF-8 uses up to four bytes a character).
MAX_CELL_BYTES = 4 * MAX_CELL_CHARS

_CHUNK = 1 << 20
# rows (<row r="12">) and cells (<c r="AB12">): the row number of either, and the column letters of cells.
# Matching any attribute whose name ends in "r" (a page setup's firstPageNumber="1" too) only ever counts
# more; a pattern that starts with a literal is searched fast.
_REF_ROW = re.compile(rb'r="[A-Z]{0,3}([0-9]{1,12})"')
_REF_COLUMN = re.compile(rb'r="([A-Z]{1,3})[0-9]')
#: How much of a chunk's end is read for the references a sheet written in order ends the chunk with.
_TAIL = 4096


def _too_big(file: str, what: str, limit: str) -> ValidationError:
    return ValidationError(
        _("the file is over the limit for {what} ({limit}); nothing was read").format(what=what, limit=limit),
        Place(file=file),
    )


def _megabytes(size: int) -> str:
    return f"{size // MB} MB"


def check_file_size(size: int, file: str) -> None:
    if size > MAX_FILE_BYTES:
        raise _too_big(file, _("file size"), _megabytes(MAX_FILE_BYTES))


def check_zip(path: Path, file: str) -> None:
    """Check an .xlsx/.ods before any spreadsheet reader opens it: directory sizes first, then every part
    streamed with its real size, checksum, sheet dimensions and cell text lengths."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise _too_big(file, _("parts in a workbook"), f"{MAX_PARTS:,}")
            total = 0
            for member in members:
                if member.file_size > MAX_PART_BYTES:
                    raise _too_big(file, _("one part unpacked ({part})").format(part=member.filename),
                                   _megabytes(MAX_PART_BYTES))
                total += member.file_size
            if total > MAX_TOTAL_BYTES:
                raise _too_big(file, _("the workbook unpacked"), _megabytes(MAX_TOTAL_BYTES))
            for member in members:
                if not member.is_dir():
                    _check_part(archive, member, file)
    except ValidationError:
        raise
    except Exception as exc:  # zipfile, zlib and the XML scan raise many kinds for a damaged file
        raise ValidationError(
            _("the file is damaged, protected or not a spreadsheet ({error})").format(error=str(exc)[:120]),
            Place(file=file),
        ) from None


def _check_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> None:
    name = member.filename.lower()
    is_xml = name.endswith(".xml")
    if name == "content.xml":
        _check_ods_content(archive, member, file)
    is_sheet = is_xml and "worksheets/" in name
    bound = _ReferenceBound()
    # The stream stops at the declared size, and a cell tag takes at least four bytes (<c/>): a part too
    # small to hold more cells than the limit is not counted.
    count_cells = member.file_size >= MAX_CELLS * len(b"<c/>")
    cells = 0
    cell_tags: tuple[bytes, ...] = (b"<c",)
    first = True
    tail = b""  # the text since the last "<" of the previous chunk: a run or a tag cut by the chunk edge
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if is_xml and _run_over_limit(window):
                raise _too_big(file, _("characters in one cell"), f"{MAX_CELL_CHARS:,}")
            if is_sheet:
                if first and b"<worksheet" not in chunk[:4096]:
                    cell_tags = (b"<c", b":c")  # a writer that prefixes its tags (<x:c …>)
                first = False
                bound.add(window)
                if count_cells:
                    cells += sum(map(chunk.count, cell_tags))  # counts <col … too: only ever more
            last_tag = window.rfind(b"<")
            tail = window[last_tag:] if last_tag >= 0 else window
    if not is_sheet:
        return
    try:
        _check_shape(file, bound.row, _column_number(bound.letters), cells)
    except ValidationError:  # the bound is over a limit; the exact extent may not be
        extent = _exact_extent(archive, member)
        _check_shape(file, extent.row, _column_number(extent.letters), cells)


def _exact_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> _ReferenceExtent:
    """A sheet's largest row number and column letters, streamed once more and settled exactly."""
    extent = _ReferenceExtent()
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            extent.add(window)
            last_tag = window.rfind(b"<")
            tail = window[last_tag:] if last_tag >= 0 else window
    return extent


class _ReferenceBound:
    """A bound on a sheet's references read in one cheap search a chunk: the largest column letters
    exactly, the row numbers by their count of digits (below 10⁶ for any sheet under a million rows).

    As in :class:`_ReferenceExtent`, the references near a chunk's end set what is expected and one search
    for any reference beyond it (later letters, or more digits) settles the chunk; only a chunk where it
    finds one is parsed reference by reference. A sheet whose bound is over a limit is measured exactly."""

    def __init__(self) -> None:
        self.digits = 0
        self.letters = b""

    @property
    def row(self) -> int:
        """No reference names a row above this."""
        return 10**self.digits - 1

    def add(self, window: bytes) -> None:
        start = max(0, len(window) - _TAIL)
        digits = max([self.digits, *map(len, _REF_ROW.findall(window, start))])
        letters = max([self.letters, *_REF_COLUMN.findall(window, start)], key=_column_key)
        if _beyond_bound(digits, letters).search(window) is not None:
            digits = max([digits, *map(len, set(_REF_ROW.findall(window)))])
            letters = max([letters, *set(_REF_COLUMN.findall(window))], key=_column_key)
        self.digits, self.letters = digits, letters


@functools.lru_cache(maxsize=64)
def _beyond_bound(digits: int, letters: bytes) -> re.Pattern[bytes]:
    """A reference with column letters after ``letters`` or a row number of more than ``digits`` digits."""
    return re.compile(rb'r="(?:' + _letters_after(letters) + rb'[0-9]|[A-Z]{0,3}+[0-9]{%d})' % (digits + 1))


class _ReferenceExtent:
    """The largest row number and column letters among a sheet's references, read chunk by chunk.

    Parsing every reference is the exact way and the slow one. A sheet written in order ends each chunk
    with its largest references, so the largest near the chunk's end are taken as the chunk's extent and
    one search for any reference beyond them confirms it; only a chunk where that search finds one is
    parsed reference by reference. Columns compare as (length, letters), which is their order."""

    def __init__(self) -> None:
        self.row = 0
        self.letters = b""

    def add(self, window: bytes) -> None:
        start = max(0, len(window) - _TAIL)
        row = max([self.row, *map(int, _REF_ROW.findall(window, start))])
        letters = max([self.letters, *_REF_COLUMN.findall(window, start)], key=_column_key)
        if _beyond(row, letters).search(window) is None:
            self.row, self.letters = row, letters
            return
        self.row = max(row, max(map(int, set(_REF_ROW.findall(window))), default=0))
        self.letters = max([letters, *set(_REF_COLUMN.findall(window))], key=_column_key)


def _column_key(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _beyond(row: int, letters: bytes) -> re.Pattern[bytes]:
    """A reference with a row number above ``row`` or column letters after ``letters``."""
    return re.compile(rb'r="(?:' + _letters_after(letters) + rb'[0-9]|[A-Z]{0,3}' + _digits_above(row) + rb'")')


def _digits_above(number: int) -> bytes:
    """A pattern of the whole numbers above ``number`` (written without leading zeros): more digits, or as
    many with a larger digit after a common start."""
    text = str(number).encode()
    choices = [rb"[0-9]{%d,}" % (len(text) + 1)]
    for i, digit in enumerate(text):
        if digit < ord("9"):
            choices.append(text[:i] + b"[%c-9]" % (digit + 1) + b"[0-9]" * (len(text) - i - 1))
    return b"(?:" + b"|".join(choices) + b")"


def _letters_after(letters: bytes) -> bytes:
    """A pattern of the column letters after ``letters``: longer, or as long with a later letter after a
    common start."""
    choices = [rb"[A-Z]{%d,}" % (len(letters) + 1)]
    for i, letter in enumerate(letters):
        if letter < ord("Z"):
            choices.append(letters[:i] + b"[%c-Z]" % (letter + 1) + b"[A-Z]" * (len(letters) - i - 1))
    return b"(?:" + b"|".join(choices) + b")"


_ODS_TAG = re.compile(rb"<(/?)(?:\w+:)?(table-row|table-cell|covered-table-cell|table)\b([^>]*)>")
_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]{1,12})"')


def _check_ods_content(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> None:
    """The grid an .ods sheet expands to: repeated rows and cells count as many times as they repeat,
    up to the last one holding a value (the empty repeats that pad every sheet cost nothing)."""
    row = last_row = column = widest = 0
    row_repeat, row_has_value = 1, False
    carry = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"<")
            data, carry = (data[:cut], data[cut:]) if cut >= 0 and b">" not in data[cut:] else (data, b"")
            for closing, tag, attributes in _ODS_TAG.findall(data):
                if tag == b"table" and not closing:
                    row = last_row = column = 0
                elif tag == b"table-row" and not closing:
                    found = _ODS_REPEAT.search(attributes)
                    row_repeat, row_has_value, column = int(found.group(1)) if found else 1, False, 0
                    row += row_repeat
                elif tag == b"table-row":
                    if row_has_value:
                        last_row = row
                elif not closing:
                    found = _ODS_REPEAT.search(attributes)
                    column += int(found.group(1)) if found else 1
                    if b"value-type" in attributes:
                        row_has_value = True
                        widest = max(widest, column)
                        _check_shape(file, last_row if last_row > row else row, widest)
            _check_shape(file, last_row, widest)


def _run_over_limit(data: bytes) -> bool:
    """Whether any text between two "<" (or the ends) is longer than a cell may be: every text of a cell
    lies within one such run. A run that long holds a whole block of half the limit, so when every block
    holds a "<" (one quick search each) nothing is over, and only otherwise is every byte looked at."""
    block = MAX_CELL_BYTES // 2
    if all(data.find(b"<", start, start + block) >= 0 for start in range(0, len(data) - block + 1, block)):
        return False
    return _longest_run(data) > MAX_CELL_BYTES


def _longest_run(data: bytes) -> int:
    """The most bytes between two "<" (or the ends)."""
    marks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("<"))
    if not len(marks):
        return len(data)
    edges = np.concatenate(([-1], marks, [len(data)]))
    return int(np.diff(edges).max()) - 1


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + (byte - 64)
    return number


def _check_shape(file: str, rows: int, columns: int, cells: int = 0) -> None:
    if columns > MAX_COLUMNS:
        raise _too_big(file, _("columns in a sheet"), f"{MAX_COLUMNS:,}")
    if rows > MAX_ROWS:
        raise _too_big(file, _("rows in a sheet"), f"{MAX_ROWS:,}")
    if max(rows * columns, cells) > MAX_CELLS:
        raise _too_big(file, _("cells in a sheet"), f"{MAX_CELLS:,}")


def check_text(text: str, delimiter: str, file: str) -> None:
    """Check a decoded text file before it is split into cells: lines, fields on the widest line (quoted
    separators counted too, which only matters far beyond real files) and the longest run between
    separators."""
    rows = text.count("\n") + 1
    if rows > MAX_ROWS:
        raise _too_big(file, _("rows in a sheet"), f"{MAX_ROWS:,}")
    widest = max((line.count(delimiter) for line in text.split("\n")), default=0) + 1
    _check_shape(file, rows, widest)
    separators = re.escape(delimiter) + r"\n"
    if re.search(rf"(?:^|(?<=[{separators}]))[^{separators}]{{{MAX_CELL_CHARS + 1}}}", text):
        raise _too_big(file, _("characters in one cell"), f"{MAX_CELL_CHARS:,}")
