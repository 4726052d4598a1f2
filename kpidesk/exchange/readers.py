"""Tables out of real-world spreadsheets: the header row found below title rows, merged header cells
joined, hidden columns noted, totals and notes lines set aside, every data row keeping the row number
Excel shows.

``read_table`` returns a :class:`SheetTable`; its ``frame`` holds the raw cell values (parse them with
:mod:`kpidesk.exchange.values`), indexed by Excel row number, one column per source column.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kpidesk.errors import Place, ValidationError
from kpidesk.exchange.aliases import (
    KPIS,
    REQUIRED,
    STAFF,
    field_label,
    map_columns,
    score_header_row,
    split_header,
    telling_headers,
)
from kpidesk.exchange.grids import RawSheet, RawWorkbook, open_workbook
from kpidesk.exchange.non_data_rows import SkippedRow, factorize_columns, set_aside_non_data_rows
from kpidesk.exchange.textfiles import GridRows
from kpidesk.exchange.values import distinct_cells
from kpidesk.i18n import N_, _

#: How far down a header row is looked for.
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class ColumnInfo:
    label: str  # the unique column name in ``SheetTable.frame``
    header: str  # the header as written ("满意度/得分" for a two-row header)
    letter: str  # Excel column letter
    index: int  # 0-based column index in the sheet
    hidden: bool = False
    unit_hint: str | None = None  # the unit written in brackets in the header

    @property
    def display(self) -> str:
        return f"{self.letter} ({self.header})" if self.header else self.letter


@dataclass
class SheetTable:
    """One sheet read as a table: raw values plus everything needed to report and re-map it."""

    file: str
    sheet: str
    format: str
    checksum: str
    kind: str
    header_rows: tuple[int, ...]  # Excel numbers; two for a two-row (merged) header
    columns: list[ColumnInfo]
    frame: pd.DataFrame  # index: Excel row numbers; columns: ColumnInfo.label
    mapping: dict[str, str]  # column label → canonical field
    skipped: list[SkippedRow] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    encoding: str | None = None
    #: label → ``pd.factorize`` of the frame's column as read (codes, -1 where blank; distinct cells), so
    #: that parsing a column does not hash its cells again. The frame is never changed in place.
    codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def header_row(self) -> int:
        """The (last) header row as Excel numbers it."""
        return self.header_rows[-1]

    @property
    def rows(self) -> pd.Index:
        return self.frame.index

    @property
    def hidden_columns(self) -> list[str]:
        return [c.label for c in self.columns if c.hidden]

    @property
    def unmapped(self) -> list[str]:
        return [c.label for c in self.columns if c.label not in self.mapping]

    def column_info(self, label: str) -> ColumnInfo:
        for column in self.columns:
            if column.label == label:
                return column
        raise KeyError(label)

    def column_for(self, canonical: str) -> str | None:
        """The column label mapped to a canonical field, or None."""
        for label, mapped in self.mapping.items():
            if mapped == canonical:
                return label
        return None

    def distinct(self, label: str, min_cells: int | None = 0) -> tuple[np.ndarray, pd.Series] | None:
        """:func:`~kpidesk.exchange.values.distinct_cells` of a column, from the codes found when reading."""
        return distinct_cells(self.frame[label], min_cells, factorized=self.codes.get(label))

    def field_cells(self, canonical: str) -> pd.Series | None:
        label = self.column_for(canonical)
        return None if label is None else self.frame[label]

    def field_cells_or_blank(self, canonical: str) -> pd.Series:
        """The cells of a field, or a blank column (one None per data row) when the file has no such column."""
        found = self.field_cells(canonical)
        return found if found is not None else pd.Series(None, index=self.rows, dtype=object)

    def place_of(self, row, canonical: str) -> Place:
        """Where the cell of a field in an Excel row is."""
        return self.place(row=int(row), column=self.column_for(canonical))

    def place(self, row: int | None = None, column: str | None = None) -> Place:
        """Where a cell is, for messages: file, sheet, Excel row, column letter and header."""
        shown = self.column_info(column).display if column is not None and column in self.frame.columns else column
        sheet = self.sheet if self.format != "csv" else None
        return Place(file=self.file, sheet=sheet, row=row, column=shown)

    def remapped(self, overrides: Mapping[str, str | None], extra: Mapping[str, str] | None = None) -> SheetTable:
        """The same table with the column mapping recomputed under ``overrides`` (header → field/None)."""
        mapping = map_columns(
            [c.label for c in self.columns], self.kind, overrides=overrides, extra=extra,
            skip=self.hidden_columns,
        )
        return replace(self, mapping=mapping)

    def missing_required(self) -> list[str]:
        return [f for f in REQUIRED.get(self.kind, ()) if f not in self.mapping.values()]


# --------------------------------------------------------------------------- public API


def read_table(
    source: str | Path | RawWorkbook,
    *,
    kind: str = "data",
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    extra_aliases: Mapping[str, str] | None = None,
    header_row: int | None = None,
    strict: bool = True,
) -> SheetTable:
    """Read one sheet of a file as a table.

    ``sheet`` picks a sheet by name (default: the first visible sheet with a recognisable header);
    ``header_row`` forces the header row (Excel numbering); ``overrides`` maps headers to canonical fields
    (None ignores a column). With ``strict``, a table lacking the kind's required columns is a
    ValidationError naming the file and sheet.
    """
    book = source if isinstance(source, RawWorkbook) else open_workbook(source)
    if sheet is not None:
        if sheet not in book.sheet_names:
            raise ValidationError(
                _("there is no sheet named “{sheet}”; sheets: {names}").format(
                    sheet=sheet, names=", ".join(book.sheet_names)
                ),
                Place(file=book.display_name),
            )
        candidates = [sheet]
    else:
        candidates = [n for n in book.sheet_names if book.visible.get(n, True)] or list(book.sheet_names)

    best: SheetTable | None = None
    best_score = -1
    for name in candidates:
        raw = book.sheet(name)
        table = _build_table(book, raw, kind, overrides, extra_aliases, header_row)
        if table is None:
            continue
        score = len(set(table.mapping.values()))
        if not table.missing_required():
            score += 1000
        if score > best_score:
            best, best_score = table, score
        if sheet is None and not table.missing_required():
            break
    if best is None:
        raise ValidationError(
            _("no header row found in the first {n} rows").format(n=HEADER_SCAN_ROWS),
            Place(file=book.display_name, sheet=sheet if book.format != "csv" else None),
        )
    if strict:
        require_columns(best)
    return best


def read_tables(
    source: str | Path | RawWorkbook,
    *,
    kind: str = "data",
    overrides: Mapping[str, str | None] | None = None,
    extra_aliases: Mapping[str, str] | None = None,
    include_hidden: bool = False,
) -> list[SheetTable]:
    """Every sheet of a workbook that holds a table of ``kind`` (hidden sheets only when asked)."""
    book = source if isinstance(source, RawWorkbook) else open_workbook(source)
    tables = []
    for name in book.sheet_names:
        if not include_hidden and not book.visible.get(name, True):
            continue
        table = _build_table(book, book.sheet(name), kind, overrides, extra_aliases, None)
        if table is not None and not table.missing_required():
            tables.append(table)
    return tables


#: What to tell someone whose file looks like a table of another kind.
_OTHER_KIND_HINTS = (
    (KPIS, N_("it looks like a KPI table; import it as a KPI table")),
    (STAFF, N_("it looks like a staff list; import it as a staff list")),
)


def other_kind_hint(table: SheetTable) -> str | None:
    """What kind of file the table looks like instead of its own, or None."""
    headers = [c.header for c in table.columns if c.header]
    for kind, hint in _OTHER_KIND_HINTS:
        if kind != table.kind and len(telling_headers(headers, kind)) >= 2:
            return _(hint)
    return None


def require_columns(table: SheetTable) -> None:
    missing = table.missing_required()
    if missing:
        names = ", ".join(_(field_label(table.kind, f)) for f in missing)
        headers = ", ".join(c.header for c in table.columns if c.header) or "—"
        message = _("no column for {fields}; the header row {row} has: {headers}").format(
            fields=names, row=table.header_row, headers=headers
        )
        hint = other_kind_hint(table)
        raise ValidationError(_("{message}; {hint}").format(message=message, hint=hint) if hint else message,
                              table.place())


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA).

    Not openpyxl's ``get_column_letter``: reading goes through calamine, and loading openpyxl for the letters
    alone would cost a quarter of a second on every import.
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- building a table


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value
    )


def _fill_merges(rows: list[list[object]], merges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the value of its top-left cell (as Excel shows it)."""
    for r0, c0, r1, c1 in merges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


def _text_cells(row: list[object]) -> list[str]:
    return [str(v).strip() for v in row if isinstance(v, str) and v.strip()]


def find_header_row(rows: list[list[object]], kind: str) -> int | None:
    """0-based index of the header row: the row naming the most known fields, else the first row of
    several distinct text cells followed by data."""
    best, best_score = None, 0
    limit = min(len(rows), HEADER_SCAN_ROWS)
    for i in range(limit):
        score = score_header_row(rows[i], kind)
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    for i in range(limit):
        texts = _text_cells(rows[i])
        filled = [v for v in rows[i] if not _is_blank(v)]
        if len(set(texts)) >= 2 and len(texts) * 2 >= len(filled):
            if any(any(not _is_blank(v) for v in later) for later in rows[i + 1 : i + 6]):
                return i
    return None


def _sub_header(rows: list[list[object]], header: int, merges: list[tuple[int, int, int, int]]) -> bool:
    """True when the header row has horizontally merged cells with column names in the row below."""
    if header + 1 >= len(rows):
        return False
    below = rows[header + 1]
    for r0, c0, r1, c1 in merges:
        if r0 == header and r1 == header and c1 > c0:
            under = [below[c] for c in range(c0, min(c1 + 1, len(below)))]
            if any(isinstance(v, str) and v.strip() for v in under):
                return True
    return False


def _headers(rows: list[list[object]], header_rows: list[int], width: int) -> list[str]:
    result = []
    for c in range(width):
        parts: list[str] = []
        for r in header_rows:
            value = rows[r][c] if c < len(rows[r]) else ""
            text = "" if _is_blank(value) else _cell_text(value)
            if text and text not in parts:
                parts.append(text)
        result.append("/".join(parts))
    return result


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).replace("\n", " ").strip()


def _build_table(
    book: RawWorkbook,
    raw: RawSheet,
    kind: str,
    overrides: Mapping[str, str | None] | None,
    extra: Mapping[str, str] | None,
    forced_header: int | None,
) -> SheetTable | None:
    rows = raw.rows
    if raw.merges:
        rows = _with_merges_filled(rows, raw.merges)
    if forced_header is not None:
        header = forced_header - 1
        if not 0 <= header < len(rows):
            raise ValidationError(
                _("row {row} is outside the sheet").format(row=forced_header),
                Place(file=book.display_name, sheet=raw.name),
            )
    else:
        found = find_header_row(rows, kind)
        if found is None:
            return None
        header = found
    header_rows = [header, header + 1] if _sub_header(rows, header, raw.merges) else [header]
    first_data = header_rows[-1] + 1
    grid_codes = None
    if isinstance(rows, GridRows):  # one grid already: every record as wide as the widest
        body = rows.grid[first_data:]
        width = rows.grid.shape[1] if len(rows.grid) else 0
        grid_codes = [(codes[first_data:], distinct) for codes, distinct in rows.column_codes()]
    else:
        body = rows[first_data:]
        width = max([len(rows[r]) for r in header_rows] + [len(r) for r in body[:1]] + [0])
        if body:
            lengths = {len(r) for r in body}
            width = max(width, *lengths)
            if len(lengths) > 1 or width not in lengths:
                body = [r if len(r) == width else list(r) + [None] * (width - len(r)) for r in body]
    cells, factorized = _body_columns(body, width, grid_codes)

    headers = _headers(rows, header_rows, width)
    keep = [c for c in range(width) if headers[c] or (factorized[c][0] >= 0).any()]
    columns: list[ColumnInfo] = []
    seen: set[str] = set()
    for c in keep:
        letter = column_letter(c)
        header_text = headers[c]
        label = header_text or f"({letter})"
        if label in seen:
            label = f"{label} ({letter})"
        seen.add(label)
        columns.append(
            ColumnInfo(label, header_text, letter, c, c in raw.hidden_columns, split_header(header_text).unit)
        )

    kept = [cells[c] for c in keep]
    excel_rows = np.arange(first_data + 1, first_data + 1 + len(body))
    mapping = map_columns(
        [c.label for c in columns], kind, overrides=overrides, extra=extra,
        skip=[c.label for c in columns if c.hidden],
    )
    key_fields = {*REQUIRED.get(kind, ()), "name"}
    keys = [i for i, c in enumerate(columns) if mapping.get(c.label) in key_fields]
    factorized = [factorized[c] for c in keep]
    data, skipped = set_aside_non_data_rows(kept, excel_rows, raw.merges, width, key_columns=keys,
                                            factorized=factorized)
    if len(data[1]) != len(excel_rows):  # rows set aside: the codes of the rows kept (both in row order)
        positions = np.searchsorted(excel_rows, data[1])
        factorized = [(codes[positions], distinct) for codes, distinct in factorized]
    frame = pd.DataFrame(
        {c.label: column for c, column in zip(columns, data[0], strict=True)},
        index=pd.Index(data[1]), columns=[c.label for c in columns], dtype=object,
    )
    return SheetTable(
        file=book.display_name,
        sheet=raw.name,
        format=book.format,
        checksum=book.checksum,
        kind=kind,
        header_rows=tuple(r + 1 for r in header_rows),
        columns=columns,
        frame=frame,
        mapping=mapping,
        skipped=skipped,
        sheet_names=list(book.sheet_names),
        encoding=book.encoding,
        codes={c.label: found for c, found in zip(columns, factorized, strict=True)},
    )


def _with_merges_filled(rows: list[list[object]], merges: list[tuple[int, int, int, int]]) -> list[list[object]]:
    """The rows with merged ranges filled in; only the rows a merge touches are copied."""
    rows = list(rows)
    touched = {r for r0, _c0, r1, _c1 in merges for r in range(r0, min(r1, len(rows) - 1) + 1)}
    for r in touched:
        rows[r] = list(rows[r])
    _fill_merges(rows, merges)
    return rows


def _body_columns(body: list[list[object]] | np.ndarray, width: int, codes: list | None = None
                  ) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """The data rows (all ``width`` long) as one object array per column, empty strings turned into None,
    with each column's ``pd.factorize`` (``codes``: the body's part of the grid's own, if it has them)."""
    size = len(body)
    if not size:
        columns = [np.empty(0, dtype=object) for _ in range(width)]
        return columns, factorize_columns(columns)
    try:
        grid = body if isinstance(body, np.ndarray) else np.array(body, dtype=object)
    except ValueError:
        grid = None
    if grid is None or grid.shape != (size, width):  # cells that are sequences themselves: build the grid cell by cell
        grid = np.empty((size, width), dtype=object)
        for r, row in enumerate(body):
            for c, value in enumerate(row):
                grid[r, c] = value
    if codes is None:
        columns = [np.array(grid[:, c], dtype=object, copy=True) for c in range(width)]  # never the rows' own
        for column in columns:
            column[column == ""] = None
        return columns, factorize_columns(columns)
    columns, factorized = [], []
    for c, (column_codes, distinct) in enumerate(codes):
        column = grid[:, c]  # read only; the table's frame is a copy
        empty = [i for i, value in enumerate(distinct) if isinstance(value, str) and not value]
        if empty:  # the empty text is blank as None is: the code of neither is kept
            blank = column_codes == empty[0]
            column = np.array(column, dtype=object, copy=True)  # never the rows' own
            column[blank] = None
            column_codes = np.where(blank, -1, column_codes)
        columns.append(column)
        factorized.append((column_codes, distinct))
    return columns, factorized
