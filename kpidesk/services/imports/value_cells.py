"""The value cells of a performance-data file: which cells hold values (long or wide form), and each cell
parsed by its field's unit, every distinct cell once per unit, with a problem at the exact place of each
one that cannot be read.

A long file's field and value columns are worked on from the codes found when the sheet was read
(``SheetTable.codes``): their 100,000 cells are not hashed again here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpidesk.domain.units import Unit
from kpidesk.exchange.aliases import match_header, normalise_header
from kpidesk.exchange.header_dictionary import ColumnMatch
from kpidesk.exchange.readers import SheetTable
from kpidesk.exchange.values import distinct_cells, parse_values, problem_message
from kpidesk.i18n import _
from kpidesk.services.import_preview import ImportProblem

IDENTITY_FIELDS = {"staff_no", "name", "department", "period", "field", "value", "unit"}


@dataclass(frozen=True)
class FieldInfo:
    code: str
    unit: Unit
    bounded_rate: bool  # a rate that cannot leave 0–100 %


def cell_problem(table_: SheetTable, row: int | None, label: str | None, message: str, code: str,
                 blocking: bool = True) -> ImportProblem:
    """A problem at one cell of the table (or one column, or one row)."""
    return ImportProblem(table_.place(row=row, column=label), message, code, blocking)


def distinct_or_all(cells: pd.Series, factorized: tuple[np.ndarray, np.ndarray] | None = None
                    ) -> tuple[np.ndarray, pd.Series]:
    """Codes into the distinct cells and one cell per code (every cell its own code when they hardly repeat);
    ``factorized``: the cells' codes as the reader found them (``SheetTable.codes``)."""
    distinct = distinct_cells(cells, min_cells=0, factorized=factorized)
    if distinct is None:
        return np.arange(len(cells)), pd.Series(cells.to_numpy(dtype=object), dtype=object)
    return distinct


@dataclass
class ValueCells:
    """Value cells to parse, as parallel arrays: Excel row, column label, field code, raw cell and the
    header's unit (arrays, not a DataFrame: nothing here needs one, and building it copied every cell);
    ``field_at`` and ``fields`` number the field codes when whoever picked the cells knew them."""

    row: np.ndarray
    column: np.ndarray
    field_code: np.ndarray
    raw: np.ndarray
    unit_hint: np.ndarray
    field_at: np.ndarray | None = None
    fields: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.row)

    def field_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's number among the distinct field codes, and those codes."""
        if self.field_at is None or self.fields is None:
            self.field_at, self.fields = pd.factorize(self.field_code)
        return self.field_at, self.fields

    @property
    def empty(self) -> bool:
        return not len(self.row)


def wide_cells(table_: SheetTable, columns: list[ColumnMatch], infos: dict[str, FieldInfo],
               ignored: list[str]) -> ValueCells:
    """The value cells of a wide table: one part per column matched (and confirmed) to a known field."""
    targets = {match.column: match.field for match in columns if match.confirmed}
    parts = []
    for info in table_.columns:
        target = targets.get(info.label)
        if target in IDENTITY_FIELDS or (target is None and info.hidden):
            continue
        if target is None or target not in infos:
            if info.label not in table_.mapping:
                ignored.append(info.label)
            continue
        parts.append(value_cells(table_.rows.to_numpy(), info.label, target,
                                 table_.frame[info.label].to_numpy(dtype=object), info.unit_hint))
    if not parts:
        return value_cells(np.empty(0, dtype=np.int64), None, None, None, None)
    return ValueCells(*(np.concatenate([getattr(part, name) for part in parts]) for name in _FIELDS))


_FIELDS = ("row", "column", "field_code", "raw", "unit_hint")


def value_cells(rows: np.ndarray, column, field_code, raw, unit_hint) -> ValueCells:
    """Value cells to parse; each of the last four is an object array or one value for all."""
    def objects(values) -> np.ndarray:
        if not isinstance(values, np.ndarray):
            return _repeat(values, len(rows))
        return np.asarray(values, dtype=object)

    return ValueCells(np.asarray(rows, dtype=np.int64), objects(column), objects(field_code), objects(raw),
                      objects(unit_hint))


def _repeat(value: object, size: int) -> np.ndarray:
    """One object ``size`` times (np.full would make a new copy of a text for every cell)."""
    array = np.empty(size, dtype=object)
    array.fill(value)
    return array


def long_cells(table_: SheetTable, index: dict[str, str], problems: list[ImportProblem]
                ) -> tuple[ValueCells, tuple[np.ndarray, np.ndarray] | None]:
    """The value cells of a long table whose field is known, and the value cells' codes as read."""
    field_label = table_.column_for("field")
    value_label = table_.column_for("value")
    assert field_label is not None and value_label is not None  # what makes a table long
    names = table_.frame[field_label]
    found = table_.distinct(field_label)
    name_at, distinct_names = found if found is not None else (np.arange(len(names)), names)
    # Each distinct name matched once; names of one field (its code, Chinese and English names) share a number.
    found_at, fields = pd.factorize(np.array(
        [None if v is None else match_header(str(v), index) for v in distinct_names], dtype=object))
    field_at = found_at[name_at]  # an unknown field: -1
    known = field_at >= 0
    unit_label = table_.column_for("unit")
    for position in np.flatnonzero(~known):
        name = names.iat[position]
        message = _("no field or KPI named") if name is None else _(
            "unknown field or KPI “{name}”").format(name=name)
        problems.append(cell_problem(table_, int(table_.rows[position]), field_label, message, "unknown_field"))
    unit_hints = None  # without a unit column, no cell has a hint
    if unit_label:
        unit_hints = each_distinct(table_, unit_label,
                                   lambda h: normalise_header(h) if isinstance(h, str) else None)[known]
    raw_codes = table_.codes.get(value_label)
    everything = bool(known.all())
    if raw_codes is not None and not everything:
        raw_codes = (raw_codes[0][known], raw_codes[1])
    pick = slice(None) if everything else known  # a slice: views, not copies, of the columns
    field_at = field_at[pick]
    cells = value_cells(table_.rows.to_numpy()[pick], value_label, np.asarray(fields, dtype=object)[field_at],
                        table_.frame[value_label].to_numpy(dtype=object)[pick], unit_hints)
    cells.field_at, cells.fields = field_at, fields
    return cells, raw_codes


def each_distinct(table_: SheetTable, label: str, function) -> np.ndarray:
    """``function`` of every cell of a column, called once per distinct cell."""
    distinct = table_.distinct(label)
    if distinct is None:
        return np.array([function(cell) for cell in table_.frame[label]], dtype=object)
    codes, representatives = distinct
    return np.array([function(cell) for cell in representatives], dtype=object)[codes]


def parse_value_cells(table_: SheetTable, cells: ValueCells, infos: dict[str, FieldInfo],
                      problems: list[ImportProblem], raw_codes: tuple[np.ndarray, np.ndarray] | None = None,
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Parse every value cell by its field's unit and the unit in its header, each distinct cell once per
    unit (``raw_codes``: the cells' codes as read); collect the problems. Returns the values (NaN when
    missing or wrong) and which cells are blank."""
    size = len(cells)
    values = np.full(size, np.nan)
    missing = np.zeros(size, dtype=bool)
    if not size:
        return values, missing
    raw = cells.raw
    field_at, fields = cells.field_index()
    hint_at, hints = pd.factorize(cells.unit_hint)  # no hint: -1
    unit_at, units = pd.factorize(np.array([infos[f].unit.value if f in infos else None for f in fields],
                                           dtype=object))  # a field we do not know: -1
    bounded = np.array([f in infos and infos[f].bounded_rate for f in fields], dtype=bool)[field_at]
    group = np.where(unit_at[field_at] < 0, -1, unit_at[field_at] * (len(hints) + 1) + hint_at + 1)
    raw_at, distinct = distinct_or_all(pd.Series(raw, dtype=object, copy=False), raw_codes)
    pair_at, pairs = pd.factorize(group * len(distinct) + raw_at)
    pair_values = np.full(len(pairs), np.nan)
    pair_missing = np.zeros(len(pairs), dtype=bool)
    pair_reasons = np.full(len(pairs), None, dtype=object)
    for key in np.unique(pairs // len(distinct)):
        if key < 0:
            continue  # not parsed: neither a value nor blank
        members = np.flatnonzero(pairs // len(distinct) == key)
        unit, hint = units[key // (len(hints) + 1)], key % (len(hints) + 1) - 1
        parsed = parse_values(distinct.iloc[pairs[members] % len(distinct)].reset_index(drop=True), unit,
                              unit_hint=hints[hint] if hint >= 0 and hints[hint] else None)
        pair_values[members] = parsed.values.to_numpy()
        pair_missing[members] = parsed.missing_mask.to_numpy()
        pair_reasons[members] = parsed.problems.to_numpy(dtype=object)
    values = pair_values[pair_at]
    missing = pair_missing[pair_at]
    reasons = pair_reasons[pair_at]
    bad = pd.notna(reasons)
    rows = cells.row
    labels = cells.column
    for position in np.flatnonzero(bad):
        problems.append(cell_problem(table_, int(rows[position]), labels[position],
                                 problem_message(reasons[position], raw[position]), "bad_value"))
    with np.errstate(invalid="ignore"):
        outside = bounded & ((values < 0) | (values > 100))
    for position in np.flatnonzero(outside & ~bad):
        problems.append(cell_problem(table_, int(rows[position]), labels[position], _(
            "{value}% is impossible for a rate (0–100%)").format(value=round(float(values[position]), 4)),
            "impossible"))
    values[outside] = np.nan
    return values, missing
