"""The parts of one set of pay rules, each a group box that loads from and reads into ``PayRules`` fields:
the performance coefficient, allowances and the streak rules here, commission in ``pay_rules_commission``.

Each section keeps its latest ``Reading`` (the field values, or the problems that stop them) current on
every edit and then emits ``changed``. In a position's form a section may be left to the organisation:
its "own rules" box unchecked shows the organisation's values, greyed, and contributes nothing to the
position's override.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.grades import DEFAULT_SCALE
from kpidesk.domain.money import money
from kpidesk.domain.pay_rules import CoefficientRule, CoefficientSource, PayRules, StreakBonus
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.ui.pages.pay.rules_tables import AllowancesModel, Reading, read_allowances

IMPROVEMENT_FLAG = "improvement_plan"


def spin_decimal(spin: QDoubleSpinBox) -> Decimal:
    """The exact Decimal the spin box shows (its float never reaches the rules): 1.20 → 1.2, 100.00 → 100."""
    text = f"{spin.value():.{spin.decimals()}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


class TrimmedSpin(QDoubleSpinBox):
    """A spin box for coefficients: four places kept, trailing zeros not shown (1.2, 0.875)."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt's spelling)
        text = f"{value:.{self.decimals()}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


def _spin(low: float, high: float, decimals: int, step: float, name: str, trimmed: bool = False) -> QDoubleSpinBox:
    spin = TrimmedSpin() if trimmed else QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    spin.setObjectName(name)
    return spin


def labelled_row(form: QFormLayout, widget: QWidget) -> QLabel:
    """Add ``widget`` to ``form`` behind a label whose text is set (and reset) by retranslate."""
    label = QLabel()
    label.setBuddy(widget)
    form.addRow(label, widget)
    return label


def table_view(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    return view


class Section(QGroupBox):
    """One part of the rules; ``keys`` are the PayRules fields it owns."""

    changed = Signal()
    keys: tuple[str, ...] = ()

    def __init__(self, inherits: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        self.own_box: QCheckBox | None = None
        if inherits:
            self.own_box = QCheckBox()
            self.own_box.setObjectName(f"own_{self.keys[0]}")
            self.own_box.toggled.connect(self._own_toggled)
            outer.addWidget(self.own_box)
        self.body = QWidget()
        outer.addWidget(self.body, 1)
        self.reading = Reading()
        self._inherited: PayRules | None = None
        self._loading = False

    # -- to override ----------------------------------------------------------------------------------
    def fill(self, rules: PayRules) -> None:
        """Show ``rules``' values in the widgets."""

    def compute(self) -> Reading:
        """Read the widgets; value is a dict of PayRules fields."""
        return Reading({})

    def retranslate(self) -> None:
        if self.own_box is not None:
            self.own_box.setText(_("Own rules for this position"))

    # -- shared ---------------------------------------------------------------------------------------
    @property
    def own(self) -> bool:
        return self.own_box is None or self.own_box.isChecked()

    def load(self, rules: PayRules, own: bool = True, inherited: PayRules | None = None) -> None:
        self._loading = True
        try:
            self._inherited = inherited
            if self.own_box is not None:
                self.own_box.setChecked(own)
            self.body.setEnabled(self.own)
            self.fill(rules)
        finally:
            self._loading = False
        self.edited()

    def set_inherited(self, rules: PayRules) -> None:
        """The organisation's current rules, shown while this section is not the position's own."""
        self._inherited = rules
        if not self.own:
            self._loading = True
            try:
                self.fill(rules)
            finally:
                self._loading = False
            self.edited()

    def edited(self) -> None:
        if self._loading:
            return
        self.reading = self.compute()
        self.changed.emit()

    def _own_toggled(self, checked: bool) -> None:
        self.body.setEnabled(checked)
        if not checked and self._inherited is not None and not self._loading:
            self._loading = True
            try:
                self.fill(self._inherited)
            finally:
                self._loading = False
        self.edited()


class CoefficientSection(Section):
    keys = ("coefficient",)

    def __init__(self, inherits: bool, parent: QWidget | None = None) -> None:
        super().__init__(inherits, parent)
        self.by_grade = QRadioButton()
        self.by_grade.setObjectName("by_grade")
        self.by_score = QRadioButton()
        self.by_score.setObjectName("by_score")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.by_grade)
        self.mode.addButton(self.by_score)
        self.grade_form = QFormLayout()
        self.grade_spins: dict[str, QDoubleSpinBox] = {}
        self.divisor = _spin(1, 100000, 2, 10, "divisor", trimmed=True)
        self.cap = _spin(0, 10, 4, 0.05, "cap", trimmed=True)
        self.fallback = _spin(0, 10, 4, 0.05, "fallback", trimmed=True)
        self.score_form = QFormLayout()
        self.labels = {self.divisor: labelled_row(self.score_form, self.divisor),
                       self.cap: labelled_row(self.score_form, self.cap)}
        self.fallback_form = QFormLayout()
        self.labels[self.fallback] = labelled_row(self.fallback_form, self.fallback)
        self._floor = Decimal(0)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.by_grade)
        layout.addLayout(self.grade_form)
        layout.addWidget(self.by_score)
        layout.addLayout(self.score_form)
        layout.addLayout(self.fallback_form)
        layout.addStretch(1)
        self.by_grade.toggled.connect(self._mode_changed)
        for spin in (self.divisor, self.cap, self.fallback):
            spin.valueChanged.connect(self.edited)

    def _grade_codes(self, rule: CoefficientRule) -> list[str]:
        order = [c for c in DEFAULT_SCALE.codes if c in rule.by_grade]
        return order + sorted(set(rule.by_grade) - set(order))

    def fill(self, rules: PayRules) -> None:
        rule = rules.coefficient
        codes = self._grade_codes(rule)
        if codes != list(self.grade_spins):
            while self.grade_form.rowCount():
                self.grade_form.removeRow(0)
            self.grade_spins = {}
            for code in codes:
                spin = _spin(0, 5, 4, 0.05, f"coefficient_{code}", trimmed=True)
                spin.valueChanged.connect(self.edited)
                self.grade_spins[code] = spin
                self.grade_form.addRow(self._grade_label(code), spin)
        for code in codes:
            self.grade_spins[code].setValue(float(rule.by_grade[code]))
        self.divisor.setValue(float(rule.divisor))
        self.cap.setValue(0.0 if rule.cap is None else float(rule.cap))
        self.fallback.setValue(float(rule.fallback))
        self._floor = rule.floor
        (self.by_grade if rule.source is CoefficientSource.GRADE else self.by_score).setChecked(True)
        self._mode_changed()

    @staticmethod
    def _grade_label(code: str) -> str:
        try:
            return DEFAULT_SCALE.band(code).label()
        except KeyError:
            return code

    def _mode_changed(self, *_args) -> None:
        grade = self.by_grade.isChecked()
        for spin in self.grade_spins.values():
            spin.setEnabled(grade)
        self.divisor.setEnabled(not grade)
        self.cap.setEnabled(not grade)
        self.edited()

    def compute(self) -> Reading:
        cap = spin_decimal(self.cap)
        try:
            rule = CoefficientRule(
                CoefficientSource.GRADE if self.by_grade.isChecked() else CoefficientSource.SCORE,
                {code: spin_decimal(spin) for code, spin in self.grade_spins.items()},
                spin_decimal(self.divisor), cap if cap > 0 else None, self._floor, spin_decimal(self.fallback))
        except ValidationError as exc:
            return Reading(general=[_("Coefficient: {problem}").format(problem=exc.message)])
        return Reading({"coefficient": rule})

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Performance coefficient"))
        self.by_grade.setText(_("By grade"))
        self.by_score.setText(_("By score: total ÷ divisor, capped"))
        for code, spin in self.grade_spins.items():
            label = self.grade_form.labelForField(spin)
            if isinstance(label, QLabel):
                label.setText(self._grade_label(code))
        for spin, text in ((self.divisor, _("Divisor")), (self.cap, _("Cap")),
                           (self.fallback, _("Without a grade or total"))):
            self.labels[spin].setText(text)
        self.cap.setSpecialValueText(_("No cap"))


def row_buttons() -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    add, remove = QPushButton(), QPushButton()
    row = QHBoxLayout()
    row.addWidget(add)
    row.addWidget(remove)
    row.addStretch(1)
    return add, remove, row


class AllowancesSection(Section):
    keys = ("allowances",)

    def __init__(self, inherits: bool, parent: QWidget | None = None) -> None:
        super().__init__(inherits, parent)
        self.model = AllowancesModel(self)
        self.view = table_view(self.model)
        self.view.setObjectName("allowances")
        self.view.setMinimumHeight(110)
        self.add_button, self.remove_button, buttons = row_buttons()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.model.edited.connect(self.edited)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)

    def fill(self, rules: PayRules) -> None:
        self.model.set_allowances(rules.allowances)

    def compute(self) -> Reading:
        reading = read_allowances(self.model.rows, self.model.extras)
        self.model.set_problems(reading.rows)
        self.remove_button.setEnabled(bool(self.model.rows))
        if reading.ok:
            reading.value = {"allowances": reading.value}
        return reading

    def add_row(self) -> None:
        row = self.model.append_row(["", ""])
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_row(self) -> None:
        index = self.view.currentIndex()
        row = index.row() if index.isValid() else self.model.rowCount() - 1
        self.model.remove_row(row)

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Allowances"))
        self.add_button.setText(_("Add allowance"))
        self.remove_button.setText(_("Remove allowance"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)


class StreakSection(Section):
    """The scoring engine's streak flags as money: a one-off bonus, and the poor streak's improvement plan."""

    keys = ("streak_bonus", "withhold_flag")

    def __init__(self, inherits: bool, reward_length: int | None = None, poor_length: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(inherits, parent)
        self.reward_length, self.poor_length = reward_length, poor_length
        self.bonus_box = QCheckBox()
        self.bonus_box.setObjectName("streak_bonus")
        self.amount = _spin(0, 1_000_000, 2, 50, "streak_amount")
        self.withhold_box = QCheckBox()
        self.withhold_box.setObjectName("withhold")
        self._bonus = StreakBonus()
        self._flag = IMPROVEMENT_FLAG
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.bonus_box)
        amount_row.addWidget(self.amount)
        amount_row.addStretch(1)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(amount_row)
        layout.addWidget(self.withhold_box)
        layout.addStretch(1)
        self.bonus_box.toggled.connect(self._bonus_toggled)
        self.amount.valueChanged.connect(self.edited)
        self.withhold_box.toggled.connect(self.edited)

    def _bonus_toggled(self, checked: bool) -> None:
        self.amount.setEnabled(checked)
        self.edited()

    def fill(self, rules: PayRules) -> None:
        bonus = rules.streak_bonus
        self._bonus = bonus if bonus is not None else self._bonus
        self._flag = rules.withhold_flag or self._flag
        self.bonus_box.setChecked(bonus is not None)
        self.amount.setEnabled(bonus is not None)
        self.amount.setValue(float(self._bonus.amount))
        self.withhold_box.setChecked(rules.withhold_flag is not None)
        self._texts()

    def compute(self) -> Reading:
        bonus = replace(self._bonus, amount=money(spin_decimal(self.amount))) if self.bonus_box.isChecked() else None
        return Reading({"streak_bonus": bonus, "withhold_flag": self._flag if self.withhold_box.isChecked() else None})

    def _texts(self) -> None:
        self.bonus_box.setText(_("Bonus once {length} periods in a row first and Excellent:").format(
            length=self.reward_length or self._bonus.length))
        self.withhold_box.setText(_("{length} periods in a row Poor: no bonus, and an improvement plan noted on "
                                    "the payroll line").format(length=self.poor_length or 3))

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Streaks"))
        self._texts()
