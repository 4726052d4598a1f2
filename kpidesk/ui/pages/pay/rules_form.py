"""One set of pay rules on screen: the organisation's, or the parts one position overrides, laid out as
the four sections; and how the result compares with the rules loaded (to know whether anything changed)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QTableView, QWidget

from kpidesk.domain.pay_rules import PayRules
from kpidesk.ui.pages.pay.rules_commission import CommissionSection
from kpidesk.ui.pages.pay.rules_sections import AllowancesSection, CoefficientSection, Section, StreakSection
from kpidesk.ui.pages.pay.rules_tables import Reading

if TYPE_CHECKING:
    from kpidesk.services.pay.use_cases import RulesEditorData


def override_dict(values: dict) -> dict:
    """A position's override in the stored shape: only the keys it sets, as ``PayRules.to_dict`` writes them."""
    full = replace(PayRules(), **values).to_dict()
    return {key: full[key] for key in values}


def same_rules(a: PayRules, b: PayRules) -> bool:
    """Equal in effect: the organisation's rules, which positions override which keys, and each position's rules."""
    if replace(a, positions={}) != replace(b, positions={}):
        return False
    for position in set(a.positions) | set(b.positions):
        if set(a.positions.get(position, {})) != set(b.positions.get(position, {})):
            return False
        if a.for_position(position) != b.for_position(position):
            return False
    return True


class RulesForm(QWidget):
    """The four sections for the organisation (``position`` None) or for one position's override."""

    def __init__(self, data: RulesEditorData, position: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.position = position
        inherits = position is not None
        self.coefficient = CoefficientSection(inherits)
        self.allowances = AllowancesSection(inherits)
        self.streaks = StreakSection(inherits, data.reward_length, data.poor_length)
        self.commission = CommissionSection(data.fields, inherits)
        self.sections: list[Section] = [self.coefficient, self.allowances, self.streaks, self.commission]
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.coefficient, 0, 0, 2, 1)
        grid.addWidget(self.allowances, 0, 1)
        grid.addWidget(self.streaks, 1, 1)
        grid.addWidget(self.commission, 2, 0, 1, 2)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(1, 1)

    def load(self, rules: PayRules, own_keys: set[str] | None = None, inherited: PayRules | None = None) -> None:
        for section in self.sections:
            own = own_keys is None or bool(own_keys & set(section.keys))
            section.load(rules, own, inherited)

    def set_inherited(self, rules: PayRules) -> None:
        for section in self.sections:
            section.set_inherited(rules)

    def read(self) -> Reading:
        """The values of the sections that count (all of them for the organisation, the own ones for a
        position), or their problems — a position's named."""
        reading = Reading({})
        for section in self.sections:
            if not section.own:
                continue
            if section.reading.ok:
                reading.value.update(section.reading.value)
            else:
                prefix = f"{self.position}: " if self.position else ""
                reading.general.extend(prefix + p for p in section.reading.problems)
        if not reading.ok:
            reading.value = None
        return reading

    def table_views(self) -> list[QTableView]:
        return [self.allowances.view, self.commission.view]

    def retranslate(self) -> None:
        for section in self.sections:
            section.retranslate()
            section.edited()  # problems and the chart's labels in the new language
