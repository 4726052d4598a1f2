"""The editable table of a template's KPIs: weight, the three levels and the rule of each item."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from kpidesk.i18n import N_, _, pick
from kpidesk.services.library.templates import ItemInput
from kpidesk.ui.labels import DIRECTIONS, UNITS, format_level, label
from kpidesk.ui.models import SORT_ROLE, display_value
from kpidesk.ui.pages.templates.rule_params import rule_label, short_rule_label

_Index = QModelIndex | QPersistentModelIndex
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")


@dataclass
class DraftItem:
    """One KPI on the template being edited (mutable until saved)."""

    kpi_id: int
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    weight: Decimal
    baseline: Decimal | None = None
    target: Decimal | None = None
    challenge: Decimal | None = None
    rule: str = "three_level"
    params: dict[str, Any] = field(default_factory=dict)
    note: str | None = None

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)

    def as_input(self) -> ItemInput:
        return ItemInput(self.kpi_id, self.weight, self.baseline, self.target, self.challenge, self.rule,
                         dict(self.params), self.note)


def parse_number(text: str) -> Decimal | None:
    """Numbers as people type them ('93%', '１,200', ' 4.5 '); blank is None; ValueError otherwise."""
    cleaned = text.translate(_FULLWIDTH).replace(",", "").replace("%", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


COLUMNS = (
    ("kpi", N_("KPI")),
    ("weight", N_("Weight %")),
    ("baseline", N_("Baseline")),
    ("target", N_("Target")),
    ("challenge", N_("Challenge")),
    ("rule", N_("Rule")),
)
EDITABLE = {"weight", "baseline", "target", "challenge"}


class TemplateItemsModel(QAbstractTableModel):
    """Edits DraftItems in place; ``edited`` fires after every accepted change (weights, levels)."""

    edited = Signal()
    refused = Signal(str)  # text that was not a number

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[DraftItem] = []
        self.read_only = False

    def set_items(self, items: list[DraftItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def item(self, row: int) -> DraftItem:
        return self.items[row]

    def add(self, item: DraftItem) -> int:
        row = len(self.items)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.append(item)
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.items[row]
            self.endRemoveRows()
            self.edited.emit()

    def move(self, row: int, delta: int) -> int:
        target = row + delta
        if not (0 <= row < len(self.items) and 0 <= target < len(self.items)):
            return row
        destination = target + 1 if delta > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self.items.insert(target, self.items.pop(row))
        self.endMoveRows()
        self.edited.emit()
        return target

    def update_item(self, row: int, **changes: Any) -> None:
        self.items[row] = replace(self.items[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.edited.emit()

    def total_weight(self) -> Decimal:
        return sum((item.weight for item in self.items), Decimal(0))

    # -- Qt model -----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.read_only and COLUMNS[index.column()][0] in EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _value(self, item: DraftItem, key: str) -> Any:
        if key == "kpi":
            return item.name
        if key == "rule":
            return short_rule_label(item.rule)
        return getattr(item, key)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.items)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        item = self.items[index.row()]
        key = COLUMNS[index.column()][0]
        value = self._value(item, key)
        if role == Qt.ItemDataRole.DisplayRole:
            if key in ("baseline", "target", "challenge") and item.unit == "duration":
                return format_level(value, item.unit)
            return display_value(value, 4)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else (f"{value.normalize():f}" if isinstance(value, Decimal) else str(value))
        if role == SORT_ROLE:
            return float(value) if isinstance(value, Decimal) else (value or "")
        if role == Qt.ItemDataRole.ToolTipRole and key == "rule":
            return rule_label(item.rule)
        if role == Qt.ItemDataRole.ToolTipRole and key == "kpi":
            return f"{item.code} · {label(UNITS, item.unit)} · {label(DIRECTIONS, item.direction)}"
        if role == Qt.ItemDataRole.ToolTipRole and key in ("baseline", "target", "challenge") and item.unit == "duration":
            return _("Durations are typed in seconds.")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if key in ("kpi", "rule") else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and key == "weight" and item.weight <= 0:
            return QColor("#fdecea")
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        key = COLUMNS[index.column()][0]
        if key not in EDITABLE:
            return False
        try:
            number = parse_number(str(value))
        except ValueError:
            self.refused.emit(_("{text} is not a number.").format(text=value))
            return False
        if key == "weight":
            number = number if number is not None else Decimal(0)
            if number < 0:
                self.refused.emit(_("A weight cannot be negative."))
                return False
        item = self.items[index.row()]
        if getattr(item, key) == number:
            return True
        self.items[index.row()] = replace(item, **{key: number})
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section][1])
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, len(COLUMNS) - 1))
