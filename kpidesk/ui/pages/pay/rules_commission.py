"""The commission part of the pay rules editor: the sales figure it is paid on, the style, the bracket
table as typed, and the chart of commission against sales redrawn on every edit."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from kpidesk.domain.commission import CommissionStyle
from kpidesk.domain.pay_rules import PayRules
from kpidesk.i18n import _
from kpidesk.services.library.kpis import FieldRow
from kpidesk.ui.pages.pay.rules_chart import CommissionChart
from kpidesk.ui.pages.pay.rules_sections import Section, labelled_row, row_buttons, table_view
from kpidesk.ui.pages.pay.rules_tables import BracketsModel, Reading, read_brackets


class CommissionSection(Section):
    keys = ("commission",)

    def __init__(self, fields: Sequence[FieldRow], inherits: bool, parent: QWidget | None = None) -> None:
        super().__init__(inherits, parent)
        self.fields = list(fields)
        self.enabled_box = QCheckBox()
        self.enabled_box.setObjectName("pay_commission")
        self.basis = QComboBox()
        self.basis.setObjectName("basis")
        self.style_combo = QComboBox()
        self.style_combo.setObjectName("style")
        self.model = BracketsModel(self)
        self.view = table_view(self.model)
        self.view.setObjectName("brackets")
        self.view.setMinimumHeight(140)
        self.add_button, self.remove_button, buttons = row_buttons()
        self.chart = CommissionChart()
        self.form = QFormLayout()
        self.labels = {self.basis: labelled_row(self.form, self.basis),
                       self.style_combo: labelled_row(self.form, self.style_combo)}
        left = QVBoxLayout()
        left.addWidget(self.enabled_box)
        left.addLayout(self.form)
        left.addWidget(self.view, 1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(self.chart, 1)
        self.enabled_box.toggled.connect(self._enabled_toggled)
        self.basis.currentIndexChanged.connect(self.edited)
        self.style_combo.currentIndexChanged.connect(self.edited)
        self.model.edited.connect(self.edited)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        for style in CommissionStyle:
            self.style_combo.addItem("", str(style))

    def fill(self, rules: PayRules) -> None:
        table = rules.commission
        self.enabled_box.setChecked(table is not None)
        self._fill_basis(table.basis if table is not None else self._default_basis())
        self.style_combo.setCurrentIndex(self.style_combo.findData(str(table.style if table else CommissionStyle.MARGINAL)))
        self.model.set_table(table)
        self._enabled_toggled(table is not None)

    def _default_basis(self) -> str:
        money_fields = [f.code for f in self.fields if f.unit == "currency"]
        return "sales" if any(f.code == "sales" for f in self.fields) else (money_fields or ["sales"])[0]

    def _fill_basis(self, code: str) -> None:
        self.basis.blockSignals(True)
        self.basis.clear()
        for row in self.fields:
            self.basis.addItem(f"{row.name} ({row.code})" if row.name and row.name != row.code else row.code, row.code)
        if self.basis.findData(code) < 0:
            self.basis.addItem(_("{code} (not in the field library)").format(code=code), code)
        self.basis.setCurrentIndex(self.basis.findData(code))
        self.basis.blockSignals(False)

    def _enabled_toggled(self, checked: bool) -> None:
        for widget in (self.basis, self.style_combo, self.view, self.add_button, self.remove_button):
            widget.setEnabled(checked)
        self.edited()

    def sales_label(self) -> str:
        code = self.basis.currentData()
        row = next((f for f in self.fields if f.code == code), None)
        return row.name if row is not None and row.name else str(code or "")

    def compute(self) -> Reading:
        self.remove_button.setEnabled(self.enabled_box.isChecked() and self.model.rowCount() > 1)
        if not self.enabled_box.isChecked():
            self.model.set_problems({})
            self.chart.show_message(_("No commission is paid."))
            return Reading({"commission": None})
        reading = read_brackets(self.model.rows, self.style_combo.currentData() or "marginal",
                                str(self.basis.currentData() or "sales"))
        self.model.set_problems(reading.rows)
        if reading.ok:
            self.chart.show_table(reading.value, self.sales_label())
            reading.value = {"commission": reading.value}
        else:
            self.chart.show_message(_("No chart until the table is right: {problem}").format(
                problem=reading.problems[0]))
        return reading

    def add_row(self) -> None:
        row = self.model.append_row(["", "", "0"])
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_row(self) -> None:
        if self.model.rowCount() <= 1:
            return
        index = self.view.currentIndex()
        row = index.row() if index.isValid() else self.model.rowCount() - 1
        self.model.remove_row(row)
        if row == 0:  # the new first bracket starts at 0
            self.model.rows[0][0] = "0"
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(0, 0))
            self.edited()

    def retranslate(self) -> None:
        super().retranslate()
        self.setTitle(_("Commission"))
        self.enabled_box.setText(_("Pay a tiered commission"))
        self.labels[self.basis].setText(_("Sales figure"))
        self.labels[self.style_combo].setText(_("Style"))
        names = {"marginal": _("Marginal: each slice of sales at its own rate"),
                 "whole": _("Whole amount: the bracket reached sets the rate")}
        for index in range(self.style_combo.count()):
            self.style_combo.setItemText(index, names.get(self.style_combo.itemData(index), ""))
        self.add_button.setText(_("Add bracket"))
        self.remove_button.setText(_("Remove bracket"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
