"""Raw cell grids from any supported file, with row 0 being the row Excel calls 1.

python-calamine drops leading empty rows and columns unless asked not to (``skip_empty_area=False``);
we always ask, so that the row numbers in messages are the ones Excel shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np

from kpidesk.errors import Place, ValidationError
from kpidesk.exchange.clean_cells import check_rows
from kpidesk.exchange.layout import Merge, SheetLayout, ods_layouts, xls_hidden_columns, xlsx_hidden_columns
from kpidesk.exchange.limits import check_file_size, check_zip
from kpidesk.exchange.textfiles import GridRows, read_text_rows
from kpidesk.exchange.xls_probe import probe_xls
from kpidesk.i18n import _

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
SUPPORTED_SUFFIXES = SPREADSHEET_SUFFIXES | TEXT_SUFFIXES


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]  # or, for a long sheet or text file, a GridRows that reads the same
    visible: bool = True
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[Merge] = field(default_factory=list)


@dataclass
class RawWorkbook:
    """A file opened for reading: its sheets' names and visibility, loaded on demand."""

    path: Path
    display_name: str
    format: str  # "xlsx", "xls", "ods" or "csv"
    checksum: str
    sheet_names: list[str]
    visible: dict[str, bool]
    encoding: str | None = None
    _sheets: dict[str, RawSheet] = field(default_factory=dict, repr=False)
    _calamine: object = field(default=None, repr=False)
    _layouts: dict[str, SheetLayout] | None = field(default=None, repr=False)

    def sheet(self, name: str) -> RawSheet:
        if name not in self._sheets:
            self._sheets[name] = self._load(name)
        return self._sheets[name]

    def _load(self, name: str) -> RawSheet:
        place = Place(file=self.display_name, sheet=name)
        try:
            sheet = self._calamine.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows = sheet.to_python(skip_empty_area=False)
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
        except Exception as exc:  # calamine raises its own error types for damaged sheets
            raise ValidationError(_("the sheet cannot be read: {error}").format(error=exc), place) from None
        rows = as_grid(rows)
        check_rows(rows, self.display_name, name)
        layout = self._layout_for(name)
        return RawSheet(
            name=name,
            rows=rows,  # type: ignore[arg-type]
            visible=self.visible.get(name, True),
            hidden_columns=layout.hidden_columns,
            merges=merges or layout.merges,
        )

    def _layout_for(self, name: str) -> SheetLayout:
        if self._layouts is None:
            self._layouts = {}
            try:
                if self.format == "xlsx":
                    hidden = xlsx_hidden_columns(self.path)
                    self._layouts = {sheet: SheetLayout(cols) for sheet, cols in hidden.items()}
                elif self.format == "xls":
                    hidden = xls_hidden_columns(self.path)
                    self._layouts = {sheet: SheetLayout(cols) for sheet, cols in hidden.items()}
                elif self.format == "ods":
                    self._layouts = ods_layouts(self.path)
            except Exception:  # the layout is a refinement; the values already read are what matter
                self._layouts = {}
        return self._layouts.get(name, SheetLayout())


#: Sheets with fewer rows stay lists of rows; a grid pays off only on long ones.
GRID_MIN_ROWS = 1_000


def as_grid(rows: list[list[object]]) -> list[list[object]] | GridRows:
    """A long sheet as one grid (calamine gives every row the same width), so that a table takes whole
    columns at once instead of padding and copying row by row; otherwise the rows as they are."""
    if len(rows) < GRID_MIN_ROWS:
        return rows
    widths = set(map(len, rows))
    if len(widths) != 1:  # rows of different widths
        return rows
    # The cells in row order straight into one array: np.array(rows) would look at every row for nesting.
    size, width = len(rows), widths.pop()
    return GridRows(np.fromiter(chain.from_iterable(rows), dtype=object, count=size * width).reshape(size, width))


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sniff_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "ods" if b"opendocument.spreadsheet" in head[:200] else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        return "html"
    if suffix in SPREADSHEET_SUFFIXES and suffix != ".xls":
        return "broken"
    return "csv"


def open_workbook(path: str | Path, display_name: str | None = None) -> RawWorkbook:
    """Open any supported file; every failure becomes a ValidationError naming the file."""
    path = Path(path)
    name = display_name or path.name
    place = Place(file=name)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES and path.suffix:
        raise ValidationError(
            _("unsupported file type {suffix}; use .xlsx, .xls, .ods or .csv").format(suffix=path.suffix), place
        )
    try:
        check_file_size(path.stat().st_size, name)
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(_("cannot read the file: {error}").format(error=exc.strerror or exc), place) from None
    if not data.strip():
        raise ValidationError(_("the file is empty"), place)
    fmt = _sniff_format(path, data[:4096])
    checksum = file_checksum(data)
    if fmt == "html":
        raise ValidationError(
            _("the file is a web page saved with a spreadsheet name; open it in Excel and save it as .xlsx"), place
        )
    if fmt == "broken":
        raise ValidationError(_("the file is damaged or not a spreadsheet"), place)
    if fmt == "csv":
        rows, encoding = read_text_rows(data, name)
        check_rows(rows, name, None)
        sheet_name = path.stem
        book = RawWorkbook(path, name, "csv", checksum, [sheet_name], {sheet_name: True}, encoding)
        book._sheets[sheet_name] = RawSheet(sheet_name, rows)  # type: ignore[arg-type]
        return book
    if fmt in ("xlsx", "ods"):
        check_zip(path, name)
    elif fmt == "xls":
        probe_xls(path, name)
    try:
        from python_calamine import CalamineWorkbook

        calamine = CalamineWorkbook.from_path(str(path))
        metadata = calamine.sheets_metadata
    except Exception as exc:  # password protected, truncated, not really a workbook …
        raise ValidationError(
            _("the file is damaged, protected or not a spreadsheet ({error})").format(error=_short(exc)), place
        ) from None
    names = [m.name for m in metadata]
    visible = {m.name: str(m.visible).lower().endswith("visible") and "hidden" not in str(m.visible).lower()
               for m in metadata}
    book = RawWorkbook(path, name, fmt, checksum, names, visible)
    book._calamine = calamine
    return book


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
