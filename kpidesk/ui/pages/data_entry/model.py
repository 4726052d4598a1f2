"""(long: the Qt roles of four kinds of column, paste planning, sorting and the rate checks all read the same grid data) The data-entry grid's table model: employees × entry fields, then computed KPIs, total and grade.

The model holds plain data only (an ``EntrySheet`` from the measurements service and the computed
scores); it never writes. An accepted edit is announced with ``edits_requested`` and comes back through
``apply`` once the page has pushed it on its undo stack, so every change — typed, pasted, cleared,
undone — takes the same path to the service.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from kpidesk.i18n import N_, _, current_language, pick
from kpidesk.services.appraisal.measurements import EntryField, EntryKpi, EntrySheet, RosterEntry
from kpidesk.services.collector import collector_paused
from kpidesk.services.progress import CancelToken, cancelled_by
from kpidesk.ui.later_text import Later, message
from kpidesk.ui.pages.data_entry.arrange import (
    SortOrder,
    kpi_inputs,
    person_matches,
    plain_number,
    sorted_rows,
)
from kpidesk.ui.pages.data_entry.cells import CellReading, format_number, format_value, read_cells
from kpidesk.ui.pages.data_entry.computed import Computed, KpiCell

_Index = QModelIndex | QPersistentModelIndex
Key = tuple[int, str]  # (employee id, field code)

STATE_ROLE = Qt.ItemDataRole.UserRole + 10  # "ok" | "invalid" | "warning" | "n/a" | "computed"
KEY_ROLE = Qt.ItemDataRole.UserRole + 11  # (employee id, code)

# Tints that read on light and dark themes alike (alpha over the view's base colour).
INVALID_TINT = QColor(229, 57, 53, 90)
WARNING_TINT = QColor(251, 170, 25, 90)
COMPUTED_TINT = QColor(120, 144, 156, 38)
NOT_APPLICABLE = QBrush(QColor(128, 128, 128, 70), Qt.BrushStyle.BDiagPattern)

# Worked out once: a screenful of a 5,000-person grid asks for tens of thousands of these.
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT_ALIGNED = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
PLAIN_CELL = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
EDITABLE_CELL = PLAIN_CELL | Qt.ItemFlag.ItemIsEditable
ANSWERED_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole)) | {STATE_ROLE, KEY_ROLE}


@dataclass(frozen=True)
class CellEdit:
    """One cell's change: the value before and after (None = empty)."""

    employee_id: int
    code: str
    old: float | None
    new: float | None


@dataclass(frozen=True)
class GridColumn:
    kind: str  # "field" | "kpi" | "total" | "grade"
    code: str
    entry: EntryField | EntryKpi | None = None

    @property
    def unit(self) -> str:
        return self.entry.unit if self.entry is not None else "score"

    def title(self) -> str:
        if self.kind == "total":
            return _("Total")
        if self.kind == "grade":
            return _("Grade")
        name = pick(self.entry.name_zh, self.entry.name_en)
        if self.kind == "kpi" and not self.entry.formula:
            return _("{name} score").format(name=name)  # the value itself is typed in its own column
        return name


@dataclass
class PasteOutcome:
    edits: list[CellEdit]
    invalid: int = 0
    skipped: int = 0


class EntryModel(QAbstractTableModel):
    edits_requested = Signal(object, object)  # list[CellEdit], what to call the change in the Edit menu (Message)
    value_rejected = Signal(str)  # why typed text was not saved: person, field and reason

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sheet: EntrySheet | None = None
        self.template_filter: str | None = None
        self.search = ""  # staff no., name or team
        self.kpi_filter: str | None = None  # a KPI code: its input fields and its score only
        self.sort_order: SortOrder | None = None
        self.locked = False
        self.rows: list[RosterEntry] = []
        self.columns: list[GridColumn] = []
        self.values: dict[Key, float] = {}
        self.invalid: dict[Key, CellReading] = {}
        self.read_warnings: dict[Key, str] = {}  # from reading a typed value (kept until the cell changes)
        self.rate_warnings: dict[int, dict[str, str]] = {}  # employee → field → rate KPI out of 0–100 %
        self.computed = Computed("")
        self._rates: list[tuple[EntryKpi, Any]] | None = None  # the sheet's rate KPIs and their formulas

    # -- loading ------------------------------------------------------------------------------------
    def set_sheet(self, sheet: EntrySheet | None, *, locked: bool | None = None,
                  warnings: dict[int, dict[str, str]] | None = None) -> None:
        """Show ``sheet``; ``warnings`` are its :func:`rate_warnings` when a worker already found them."""
        self.beginResetModel()
        self.sheet = sheet
        self.locked = bool(sheet is not None and sheet.locked) if locked is None else locked
        self.values = dict(sheet.values) if sheet else {}  # floats from the service
        self.invalid.clear()
        self._rates = None
        if sheet is None or self.computed.period != sheet.period:
            self.computed = Computed(sheet.period if sheet else "")
        self._layout()
        self.read_warnings.clear()
        self.rate_warnings = (rate_warnings(sheet) if warnings is None else dict(warnings)) if sheet else {}
        self.endResetModel()

    def set_template_filter(self, template_key: str | None) -> None:
        self.beginResetModel()
        self.template_filter = template_key
        self._layout()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self.beginResetModel()
        self.search = text
        self._layout()
        self.endResetModel()

    def set_kpi_filter(self, code: str | None) -> None:
        self.beginResetModel()
        self.kpi_filter = code
        self._layout()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Rows ordered by a column's values (a KPI by its score, the grade by the total); empty cells last."""
        if not 0 <= column < len(self.columns):
            return
        spec = self.columns[column]
        self.beginResetModel()
        self.sort_order = SortOrder(spec.kind, spec.code, order == Qt.SortOrder.DescendingOrder)
        self._layout()
        self.endResetModel()

    def sort_value(self, person: RosterEntry, spec: GridColumn) -> float | str | None:
        if spec.kind == "field":
            return self.values.get((person.employee_id, spec.code))
        if spec.kind == "kpi":
            cell = self.computed.kpis.get((person.employee_id, spec.code))
            return cell.score if cell is not None and spec.code in person.kpis else None
        return self.computed.totals.get(person.employee_id, (None, None))[0]

    def copy_text(self, row: int, column: int) -> str:
        """A cell as a number a spreadsheet reads (the grade as its name; unsaved text as typed)."""
        person, spec = self.rows[row], self.columns[column]
        key = (person.employee_id, spec.code)
        if spec.kind == "field":
            bad = self.invalid.get(key)
            return bad.text if bad is not None else plain_number(self.values.get(key))
        if spec.kind == "grade":
            return self.computed.totals.get(person.employee_id, (None, None))[1] or ""
        value = self.sort_value(person, spec)
        return plain_number(value) if isinstance(value, (int, float)) else ""

    def _layout(self) -> None:
        sheet = self.sheet
        if sheet is None:
            self.rows, self.columns = [], []
            return
        wanted = self.template_filter
        self.rows = [r for r in sheet.rows
                     if (wanted is None or r.template_key == wanted) and person_matches(r, self.search)]
        used_fields = {code for r in self.rows for code in r.fields} if wanted else None
        used_kpis = {code for r in self.rows for code in r.kpis} if wanted else None
        if wanted:
            order = {code: i for r in self.rows for i, code in enumerate(r.fields)}
            fields = sorted((f for f in sheet.fields if f.code in used_fields), key=lambda f: order.get(f.code, 0))
        else:
            fields = list(sheet.fields)
        # Total and grade lead, so the effect of what is typed shows without scrolling sideways.
        columns = [GridColumn("total", "total"), GridColumn("grade", "grade")]
        columns += [GridColumn("field", f.code, f) for f in fields]
        columns += [GridColumn("kpi", k.code, k) for k in sheet.kpis if used_kpis is None or k.code in used_kpis]
        chosen = next((k for k in sheet.kpis if k.code == self.kpi_filter), None)
        if chosen is not None:
            inputs = kpi_inputs(chosen)
            columns = [c for c in columns if c.kind in ("total", "grade") or (c.kind == "field" and c.code in inputs)
                       or (c.kind == "kpi" and c.code == chosen.code)]
        self.columns = columns
        order = self.sort_order
        spec = next((c for c in columns if order and c.kind == order.kind and c.code == order.code), None)
        if order is not None and spec is not None:
            self.rows = sorted_rows(self.rows, lambda person: self.sort_value(person, spec), order.descending)

    def set_computed(self, computed: Computed) -> None:
        if self.sheet is None or computed.period != self.sheet.period:
            return
        self.computed = computed
        if self.rows and self.columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    # -- lookups ------------------------------------------------------------------------------------
    def column_of(self, code: str, kind: str = "field") -> int:
        return next((i for i, c in enumerate(self.columns) if c.code == code and c.kind == kind), -1)

    def row_of(self, employee_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.employee_id == employee_id), -1)

    def key_at(self, index: _Index) -> Key | None:
        if not index.isValid():
            return None
        return self.rows[index.row()].employee_id, self.columns[index.column()].code

    def applies(self, row: int, column: int) -> bool:
        """Whether the cell is a field on this employee's template (the only cells that take values)."""
        spec = self.columns[column]
        return spec.kind == "field" and spec.code in self.rows[row].fields

    def is_editable(self, index: _Index) -> bool:
        return index.isValid() and not self.locked and self.applies(index.row(), index.column())

    def value(self, employee_id: int, code: str) -> float | None:
        return self.values.get((employee_id, code))

    def warning(self, key: Key) -> str | None:
        return self.read_warnings.get(key) or self.rate_warnings.get(key[0], {}).get(key[1])

    # -- Qt model -----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return EDITABLE_CELL if self.is_editable(index) else PLAIN_CELL

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in ANSWERED_ROLES:  # the view asks for about ten roles per painted cell
            return None
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or not (0 <= index.column() < len(self.columns)):
            return None
        spec = self.columns[index.column()]
        person = self.rows[index.row()]
        if spec.kind == "field":
            return self._field_data(person, spec, index, role)
        return self._computed_data(person, spec, role)

    def _field_data(self, person: RosterEntry, spec: GridColumn, index: _Index, role: int):
        key = (person.employee_id, spec.code)
        applies = spec.code in person.fields
        bad = self.invalid.get(key)
        warning = self.warning(key) if bad is None else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if bad is not None:
                return bad.text
            return format_value(self.values.get(key), spec.unit)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.BackgroundRole:
            if bad is not None:
                return QBrush(INVALID_TINT)
            if warning:
                return QBrush(WARNING_TINT)
            if not applies:
                return NOT_APPLICABLE
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if bad is not None:
                return _("Not saved: {reason}").format(reason=bad.error)
            if warning:
                return warning
            if not applies:
                if person.template_key is None:
                    return _("{name} has no appraisal template for this period.").format(name=person.name)
                return _("{field} is not on {name}'s template.").format(field=spec.title(), name=person.name)
            if self.locked:
                return _("The period is finalized; values cannot be changed.")
            return None
        if role == STATE_ROLE:
            if bad is not None:
                return "invalid"
            if warning:
                return "warning"
            return "ok" if applies else "n/a"
        if role == KEY_ROLE:
            return key
        return None

    def _computed_data(self, person: RosterEntry, spec: GridColumn, role: int):
        if spec.kind == "kpi":
            cell = self.computed.kpis.get((person.employee_id, spec.code))
            on_template = spec.code in person.kpis
            if role == Qt.ItemDataRole.DisplayRole:
                return _kpi_text(cell, spec) if on_template else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.computed.explanation((person.employee_id, spec.code)) \
                    if cell is not None and on_template else None
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(COMPUTED_TINT) if on_template else NOT_APPLICABLE
        else:
            total, grade = self.computed.totals.get(person.employee_id, (None, None))
            if role == Qt.ItemDataRole.DisplayRole:
                if spec.kind == "total":
                    return "" if total is None else format_number(total)
                return grade or ""
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(COMPUTED_TINT)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT_ALIGNED if spec.kind == "grade" else RIGHT_ALIGNED
        if role == STATE_ROLE:
            return "computed"
        if role == KEY_ROLE:
            return person.employee_id, spec.code
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            spec = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return spec.title()
            if role == Qt.ItemDataRole.ToolTipRole:
                return _header_tooltip(spec)
            if role == Qt.ItemDataRole.FontRole and spec.kind != "field":
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if not 0 <= section < len(self.rows):
            return None
        person = self.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{person.staff_no}  {person.name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            template = pick(person.template_name_zh, person.template_name_en)
            return template or _("No appraisal template for this position.")
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Typed text: a readable value becomes an edit request; unreadable text stays, tinted, unsaved."""
        if role != Qt.ItemDataRole.EditRole or not self.is_editable(index):
            return False
        spec = self.columns[index.column()]
        key = (self.rows[index.row()].employee_id, spec.code)
        reading = read_cells([str(value if value is not None else "")], spec.unit,
                             bounded_rate=spec.entry.bounded_rate)[0]
        if not reading.ok:
            self.invalid[key] = reading
            self.dataChanged.emit(index, index)
            self.value_rejected.emit(_("Not saved: {field} of {person}: {reason}").format(
                field=spec.title(), person=self.rows[index.row()].name, reason=reading.error))
            return True
        old = self.values.get(key)
        if key in self.invalid:
            del self.invalid[key]
            self.dataChanged.emit(index, index)
        if _same(old, reading.value):
            return True
        self.edits_requested.emit([CellEdit(key[0], key[1], old, reading.value)], message(
            N_("Edit {field} of {person}"), field=Later(spec.title), person=self.rows[index.row()].name))
        if reading.warning:
            self.read_warnings[key] = reading.warning
            self.dataChanged.emit(index, index)
        return True

    def rejected_cell(self) -> tuple[QModelIndex, str] | None:
        """The last cell typed with text that was not saved, and why (None when none is left)."""
        for (employee_id, code), reading in reversed(list(self.invalid.items())):
            row, column = self.row_of(employee_id), self.column_of(code)
            if row >= 0 and column >= 0:
                return self.index(row, column), reading.error or ""
        return None

    def rejected_reason(self) -> str | None:
        """Why the first cell still shown red was not saved (None when every typed value was saved)."""
        for (employee_id, code), reading in self.invalid.items():
            row, column = self.row_of(employee_id), self.column_of(code)
            if row >= 0 and column >= 0:
                return _("Not saved: {field} of {person}: {reason}").format(
                    field=self.columns[column].title(), person=self.rows[row].name, reason=reading.error)
        return None

    # -- changes ------------------------------------------------------------------------------------
    def apply(self, values: Iterable[tuple[int, str, float | None]]) -> None:
        """Show values that were (or are being) saved; called by the undo commands."""
        touched_rows: set[int] = set()
        for employee_id, code, value in values:
            key = (employee_id, code)
            self.invalid.pop(key, None)
            self.read_warnings.pop(key, None)
            if value is None:
                self.values.pop(key, None)
            else:
                self.values[key] = float(value)
            row, column = self.row_of(employee_id), self.column_of(code)
            if row >= 0:
                touched_rows.add(row)
                if column >= 0:
                    index = self.index(row, column)
                    self.dataChanged.emit(index, index)
        for row in touched_rows:
            self._check_rates(row)

    def plan_paste(self, top: int, left: int, block: Sequence[Sequence[str]]) -> PasteOutcome:
        """The edits a pasted block makes from (top, left); unreadable cells are marked, not written."""
        outcome = PasteOutcome([])
        by_column: dict[int, list[tuple[int, str]]] = {}
        for r, cells in enumerate(block):
            for c, text in enumerate(cells):
                row, column = top + r, left + c
                if row >= len(self.rows) or column >= len(self.columns):
                    outcome.skipped += 1
                    continue
                if not self.is_editable(self.index(row, column)):
                    if text.strip():
                        outcome.skipped += 1
                    continue
                by_column.setdefault(column, []).append((row, text))
        for column, cells in by_column.items():
            spec = self.columns[column]
            readings = read_cells([t for _r, t in cells], spec.unit, bounded_rate=spec.entry.bounded_rate)
            for (row, _text), reading in zip(cells, readings, strict=True):
                key = (self.rows[row].employee_id, spec.code)
                if not reading.ok:
                    self.invalid[key] = reading
                    outcome.invalid += 1
                    index = self.index(row, column)
                    self.dataChanged.emit(index, index)
                    continue
                old = self.values.get(key)
                if not _same(old, reading.value):
                    outcome.edits.append(CellEdit(key[0], key[1], old, reading.value))
        return outcome

    def plan_clear(self, indexes: Iterable[_Index]) -> list[CellEdit]:
        edits = []
        for index in indexes:
            if not self.is_editable(index):
                continue
            key = self.key_at(index)
            if key in self.invalid:
                del self.invalid[key]
                self.dataChanged.emit(index, index)
            old = self.values.get(key)
            if old is not None:
                edits.append(CellEdit(key[0], key[1], old, None))
        return edits

    # -- cross-field checks -------------------------------------------------------------------------
    def _rate_kpis(self) -> list[tuple[EntryKpi, Any]]:
        if self._rates is None:
            self._rates = rate_formulas(self.sheet.kpis if self.sheet else ())
        return self._rates

    def _check_rates(self, row: int, emit: bool = True) -> None:
        """Warn on the fields of a rate KPI that the row's values would push beyond 0–100 %."""
        person = self.rows[row]
        issues: dict[str, str] = {}
        for kpi, formula in self._rate_kpis():
            if kpi.code not in person.kpis:
                continue
            inputs = {name: self.values.get((person.employee_id, name)) for name in formula.fields}
            if any(v is None for v in inputs.values()):
                continue
            result = formula.evaluate_one(inputs)
            if isinstance(result, float) and not 0 <= result <= 100:
                message = _("{kpi} would be {value}%, outside 0–100%; check these figures.").format(
                    kpi=pick(kpi.name_zh, kpi.name_en), value=format_number(result))
                for name in formula.fields:
                    issues.setdefault(name, message)
        if issues:
            self.rate_warnings[person.employee_id] = issues
        else:
            self.rate_warnings.pop(person.employee_id, None)
        if emit and self.columns:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))


def rate_formulas(kpis: Iterable[EntryKpi]) -> list[tuple[EntryKpi, Any]]:
    """The KPIs that are rates bounded by 0–100 % (not bands), with their parsed formulas."""
    from kpidesk.domain.formulas import FormulaError, parse_formula

    found = []
    for kpi in kpis:
        if kpi.unit != "percent" or kpi.direction == "band" or not kpi.formula:
            continue
        try:
            found.append((kpi, parse_formula(kpi.formula)))
        except FormulaError:
            continue
    return found


def rate_warnings(sheet: EntrySheet) -> dict[int, dict[str, str]]:
    """Employee → field → why a rate KPI of theirs would leave 0–100 % with the sheet's values, as
    ``EntryModel._check_rates`` finds row by row; each formula runs once over everyone it applies to (once
    per person took most of a second for 5,000 people), so a worker can do it with the reading."""
    import numpy as np

    found: dict[int, dict[str, str]] = {}
    for kpi, formula in rate_formulas(sheet.kpis):
        people = [person for person in sheet.rows if kpi.code in person.kpis]
        inputs = {name: np.array([sheet.values.get((person.employee_id, name), np.nan) for person in people],
                                 dtype=float) for name in formula.fields}
        complete = np.ones(len(people), dtype=bool)
        for column in inputs.values():
            complete &= ~np.isnan(column)
        if not people or not complete.any():
            continue
        values = formula.evaluate(inputs, len(people)).values
        outside = complete & np.isfinite(values) & ((values < 0) | (values > 100))
        for row in np.flatnonzero(outside):
            message = _("{kpi} would be {value}%, outside 0–100%; check these figures.").format(
                kpi=pick(kpi.name_zh, kpi.name_en), value=format_number(float(values[row])))
            issues = found.setdefault(people[row].employee_id, {})
            for name in formula.fields:
                issues.setdefault(name, message)
    return found


@collector_paused()
def load_entry_sheet(db, actor, period: str, *, cancel: CancelToken | None = None
                     ) -> tuple[EntrySheet, dict[int, dict[str, str]]]:
    """The period's entry sheet with its rate warnings, read together in a worker (with no full collection
    meanwhile: one holds the interpreter lock, and so the UI thread, for as long as it walks the objects).
    Once ``cancel`` is cancelled the reading stops between its reads (the sheet was wanted for a period
    the person has already moved past)."""
    from kpidesk.services.appraisal.use_cases import entry_sheet

    with cancelled_by(cancel):
        sheet = entry_sheet(db, actor, period)
        return sheet, rate_warnings(sheet)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def _kpi_text(cell: KpiCell | None, spec: GridColumn) -> str:
    if cell is None:
        return ""
    if cell.status == "not_due":
        return _("not due")
    if cell.status == "exempt":
        return _("exempt")
    score = "—" if cell.score is None else format_number(cell.score, 1)
    if not spec.entry.formula:
        return score
    value = "—" if cell.value is None else format_value(cell.value, spec.unit, current_language())
    return _("{value} → {score}").format(value=value, score=score)


def _header_tooltip(spec: GridColumn) -> str:
    if spec.kind == "field":
        kind = _("raw field") if spec.entry.kind == "field" else _("KPI entered directly")
        return f"{spec.entry.name_zh} / {spec.entry.name_en}\n{spec.code} · {kind}"
    if spec.kind == "kpi":
        formula = spec.entry.formula or _("entered directly")
        return _("{name}: computed value → score\n{formula}").format(
            name=pick(spec.entry.name_zh, spec.entry.name_en), formula=formula)
    if spec.kind == "total":
        return _("Total score (quantitative, qualitative and adjustments)")
    return _("Grade from the total")
