"""The two editable tables of the pay rules editor — commission brackets and allowances — and how their
typed text is read into rules.

The models keep exactly what was typed, so a half-finished or wrong cell stays on screen, tinted, with
its problem as a tooltip; reading turns the rows into domain values (``Decimal``, never float) or a list
of problems that name the row.

A commission bracket is typed as "sales above", rate and add-on: row 1 starts at 0 and each later row's
bound is the previous bracket's inclusive upper limit ("up to 40,000" ends where "above 40,000" starts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kpidesk.domain.commission import Bracket, CommissionStyle, CommissionTable
from kpidesk.domain.money import ZERO, format_plain, money, to_decimal
from kpidesk.domain.pay_rules import Allowance
from kpidesk.errors import ValidationError
from kpidesk.i18n import N_, _, current_language

_Index = QModelIndex | QPersistentModelIndex
PROBLEM_TINT = QColor("#fde2e1")
LOCKED_TINT = QColor("#f1f1f1")


class TextRowsModel(QAbstractTableModel):
    """Rows of typed text with a hidden companion object per row (what the row was loaded from)."""

    edited = Signal()

    def __init__(self, titles: Sequence[str], numeric: Sequence[int] = (), parent=None) -> None:
        super().__init__(parent)
        self.titles = list(titles)
        self.numeric = set(numeric)
        self.rows: list[list[str]] = []
        self.extras: list[Any] = []
        self.problems: dict[int, str] = {}
        self.locked: set[tuple[int, int]] = set()

    # -- content ------------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Sequence[str]], extras: Sequence[Any] | None = None) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.extras = list(extras) if extras is not None else [None] * len(self.rows)
        self.problems = {}
        self.endResetModel()

    def append_row(self, values: Sequence[str], extra: Any = None) -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(list(values))
        self.extras.append(extra)
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        del self.extras[row]
        self.endRemoveRows()
        self.edited.emit()

    def set_problems(self, problems: dict[int, str]) -> None:
        if problems == self.problems:
            return
        self.problems = dict(problems)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.titles) - 1),
                                  [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])

    # -- Qt model -----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.titles)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (index.row(), index.column()) in self.locked:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column in self.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row in self.problems:
                return QBrush(PROBLEM_TINT)
            if (row, column) in self.locked:
                return QBrush(LOCKED_TINT)
        if role == Qt.ItemDataRole.ToolTipRole and row in self.problems:
            return self.problems[row]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        text = "" if value is None else str(value).strip()
        if self.rows[index.row()][index.column()] == text:
            return True
        self.rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self.titles[section]) if 0 <= section < len(self.titles) else None
        return str(section + 1)


# ----- commission brackets ----------------------------------------------------------------------------

BRACKET_TITLES = (N_("Sales above"), N_("Rate %"), N_("Add-on"))


class BracketsModel(TextRowsModel):
    """Commission brackets as typed: the first row's bound is always 0."""

    def __init__(self, parent=None) -> None:
        super().__init__(BRACKET_TITLES, numeric=(0, 1, 2), parent=parent)
        self.locked = {(0, 0)}

    def set_table(self, table: CommissionTable | None) -> None:
        self.set_rows(bracket_rows(table) if table is not None else [["0", "", "0"]])


def bracket_rows(table: CommissionTable) -> list[list[str]]:
    rows = []
    for index, bracket in enumerate(table.brackets):
        rows.append([_plain(table.lower_limit(index)), _plain(bracket.rate_percent), _plain(bracket.add_on)])
    return rows


def _plain(value: Decimal) -> str:
    return format_plain(value).replace(",", "").replace("−", "-")


@dataclass
class Reading:
    """Rows read into a value, or the problems that stop it (by row, and about the whole table)."""

    value: Any = None
    rows: dict[int, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [self.rows[r] for r in sorted(self.rows)] + self.general

    @property
    def ok(self) -> bool:
        return not self.rows and not self.general


def _amount(text: str) -> Decimal | None:
    """A typed number, or None when it is not one (an empty cell is not one either)."""
    if not text.strip():
        return None
    try:
        return to_decimal(text)
    except ValidationError:
        return None


def read_brackets(rows: Sequence[Sequence[str]], style: CommissionStyle | str, basis: str) -> Reading:
    """A CommissionTable from typed rows, or problems such as "row 3: the bound must be above row 2's"."""
    reading = Reading()
    if not rows:
        reading.general.append(_("Commission: add at least one bracket."))
        return reading
    lowers: list[Decimal | None] = []
    rates: list[Decimal | None] = []
    add_ons: list[Decimal | None] = []
    for number, (bound_text, rate_text, add_on_text) in enumerate(rows, start=1):
        def problem(text: str, number: int = number) -> None:
            reading.rows.setdefault(number - 1, _("Commission row {row}: {problem}").format(row=number, problem=text))

        bound = ZERO if number == 1 else _amount(bound_text)
        if bound is None:
            problem(_("enter the sales the bracket starts above") if not bound_text.strip()
                    else _("“{text}” is not an amount").format(text=bound_text))
        elif number > 1:
            previous = next((b for b in reversed(lowers) if b is not None), None)
            if previous is not None and bound <= previous:
                problem(_("the bound {bound} must be above row {previous}'s ({limit})").format(
                    bound=_plain(bound), previous=number - 1, limit=_plain(previous)))
        rate = _amount(rate_text)
        if rate is None:
            problem(_("enter the rate") if not rate_text.strip() else _("“{text}” is not a rate").format(text=rate_text))
        elif not ZERO <= rate <= Decimal(100):
            problem(_("the rate must be between 0% and 100%"))
        add_on = ZERO if not add_on_text.strip() else _amount(add_on_text)
        if add_on is None:
            problem(_("“{text}” is not an amount").format(text=add_on_text))
        elif add_on < 0:
            problem(_("the add-on cannot be negative"))
        lowers.append(bound)
        rates.append(rate)
        add_ons.append(add_on)
    if not reading.ok:
        return reading
    uppers = [*lowers[1:], None]
    brackets = tuple(Bracket(upto, rate, money(add_on))  # type: ignore[arg-type]
                     for upto, rate, add_on in zip(uppers, rates, add_ons, strict=True))
    try:
        reading.value = CommissionTable(brackets, CommissionStyle(style), basis)
    except ValidationError as exc:
        reading.general.append(_("Commission: {problem}").format(problem=exc.message))
    return reading


# ----- allowances -------------------------------------------------------------------------------------

ALLOWANCE_TITLES = (N_("Allowance"), N_("Monthly amount"))


class AllowancesModel(TextRowsModel):
    """Allowances as typed; each row remembers the Allowance it came from (its code, its other-language name)."""

    def __init__(self, parent=None) -> None:
        super().__init__(ALLOWANCE_TITLES, numeric=(1,), parent=parent)

    def set_allowances(self, allowances: Sequence[Allowance]) -> None:
        self.set_rows([[a.label(), _plain(a.amount)] for a in allowances], list(allowances))


def _new_code(name: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "allowance"
    code, count = stem, 1
    while code in taken:
        count += 1
        code = f"{stem}_{count}"
    return code


def read_allowances(rows: Sequence[Sequence[str]], extras: Sequence[Allowance | None]) -> Reading:
    """Allowances from typed rows; a renamed one keeps its code and its name in the other language."""
    reading = Reading()
    chinese = current_language().startswith("zh")
    taken = {e.code for e in extras if e is not None}
    result = []
    for number, ((name, amount_text), extra) in enumerate(zip(rows, extras, strict=True), start=1):
        def problem(text: str, number: int = number) -> None:
            reading.rows.setdefault(number - 1, _("Allowance row {row}: {problem}").format(row=number, problem=text))

        if not name.strip():
            problem(_("enter a name"))
        amount = _amount(amount_text)
        if amount is None:
            problem(_("enter the amount") if not amount_text.strip()
                    else _("“{text}” is not an amount").format(text=amount_text))
        elif amount < 0:
            problem(_("the amount cannot be negative"))
        if number - 1 in reading.rows:
            continue
        if extra is None:
            code = _new_code(name, taken)
            taken.add(code)
            extra = Allowance(code, ZERO)
        if name.strip() != extra.label():
            zh, en = (name.strip(), extra.label_en) if chinese else (extra.label_zh, name.strip())
        else:
            zh, en = extra.label_zh, extra.label_en
        result.append(Allowance(extra.code, money(amount), zh, en))  # type: ignore[arg-type]
    if reading.ok:
        reading.value = tuple(result)
    return reading
