"""The Pay page: each person's pay for the current period, the budget check, what-if and the payroll file.

Before a period is finalized the pay is a draft computed from the current scores; HR can try other grade
coefficients and watch the total, each department against its budget and every person's pay move. Nothing
tried here is saved. A department head or an auditor sees the table without base pay; budget, what-if
and export are HR's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.grades import DEFAULT_SCALE
from kpidesk.domain.money import format_money, format_plain
from kpidesk.domain.pay import BudgetCheck, BudgetRow, WhatIf
from kpidesk.domain.pay_explanations import render_pay_explanation
from kpidesk.domain.pay_rules import PayRules
from kpidesk.i18n import N_, _, pick
from kpidesk.services.pay import payroll as pay
from kpidesk.services.pay.export import flag_text
from kpidesk.services.pay.status_words import pay_status_text
from kpidesk.services.pay.use_cases import PayOverview, export_payroll, pay_overview, what_if
from kpidesk.ui.context import Changes
from kpidesk.ui.models import SORT_ROLE, Column, RowsModel
from kpidesk.ui.pages.base import Page

GRADE_LABELS = {"excellent": ("优秀", "Excellent"), "good": ("良好", "Good"), "fair": ("一般", "Fair"),
                "poor": ("差", "Poor")}


@dataclass
class PayRow:
    line: Any  # PayLine
    redacted: bool
    after: Any = None  # the PayLine under the what-if rules

    def money(self, name: str) -> Decimal | None:
        if self.redacted and name in ("base_pay", "performance_pay", "total"):
            return None
        return getattr(self.line, name)

    @property
    def delta(self) -> Decimal | None:
        return None if self.after is None or self.redacted else self.after.total - self.line.total

    def explain(self, component: str) -> str:
        explanation = self.line.explanations.get(component)
        return "" if explanation is None else render_pay_explanation(explanation)


class MoneyRowsModel(RowsModel):
    """Rows whose Decimal cells show as money (12,345.60) and sort as numbers."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.isValid() and 0 <= index.row() < len(self.rows):
            value = self.columns[index.column()].value(self.rows[index.row()])
            if isinstance(value, Decimal):
                return format_money(value) if self.columns[index.column()].decimals == 2 else format_plain(value)
        return super().data(index, role)


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_money(value)


PAY_COLUMNS = [
    Column(N_("Staff no."), lambda r: r.line.staff_no),
    Column(N_("Name"), lambda r: r.line.name),
    Column(N_("Department"), lambda r: r.line.department),
    Column(N_("Coefficient"), lambda r: r.line.coefficient, align_right=True, decimals=4,
           tooltip=lambda r: r.explain("base")),
    Column(N_("Base pay"), lambda r: r.money("base_pay"), align_right=True),
    Column(N_("Base × coefficient"), lambda r: r.money("performance_pay"), align_right=True,
           tooltip=lambda r: r.explain("base")),
    Column(N_("Commission"), lambda r: r.line.commission, align_right=True, tooltip=lambda r: r.explain("commission")),
    Column(N_("Bonus"), lambda r: r.line.bonus, align_right=True, tooltip=lambda r: r.explain("bonus")),
    Column(N_("Allowances"), lambda r: r.line.allowances, align_right=True,
           tooltip=lambda r: r.explain("allowances")),
    Column(N_("Total pay"), lambda r: r.money("total"), align_right=True),
    Column(N_("What-if total"), lambda r: None if r.after is None or r.redacted else r.after.total, align_right=True),
    Column(N_("Change"), lambda r: _signed(r.delta), align_right=True),
    Column(N_("Notes"), lambda r: flag_text(r.line.flags)),
]


@dataclass
class BudgetLine:
    row: BudgetRow
    after: BudgetRow | None = None


def _used(row: BudgetRow | None) -> str:
    if row is None or row.used_percent is None:
        return ""
    return f"{row.used_percent}%" + (" ⚠" if row.over else "")


BUDGET_COLUMNS = [
    Column(N_("Department"), lambda b: b.row.department or _("All departments")),
    Column(N_("People"), lambda b: b.row.totals.headcount, align_right=True),
    Column(N_("Pay"), lambda b: b.row.amount, align_right=True),
    Column(N_("Budget"), lambda b: b.row.budget, align_right=True),
    Column(N_("Remaining"), lambda b: b.row.remaining, align_right=True),
    Column(N_("Used"), lambda b: _used(b.row), align_right=True),
    Column(N_("What-if pay"), lambda b: None if b.after is None else b.after.amount, align_right=True),
    Column(N_("What-if used"), lambda b: _used(b.after), align_right=True),
]


def _table(model: RowsModel, sortable: bool = True) -> QTableView:
    view = QTableView()
    if sortable:
        proxy = QSortFilterProxyModel(view)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # service order (staff number) until a click
    else:
        view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.verticalHeader().setVisible(False)
    return view


class PayPage(Page):
    watches = Changes.RESULTS | Changes.PERIODS | Changes.STAFF | Changes.SETTINGS | Changes.MEASUREMENTS

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: PayOverview | None = None
        self.what_if: WhatIf | None = None
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.pay_model = MoneyRowsModel(PAY_COLUMNS)
        self.pay_view = _table(self.pay_model)
        self.totals = QLabel()
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export)
        self.rules_button = QPushButton()
        self.rules_button.setObjectName("edit_pay_rules")
        self.rules_button.clicked.connect(self.edit_rules)
        self.rules_editor = None  # the open PayRulesEditor, if any

        self.what_if_box = QGroupBox()
        self.coefficient_form = QFormLayout()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.try_button = QPushButton()
        self.try_button.clicked.connect(self.try_coefficients)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_what_if)
        self.what_if_result = QLabel()
        self.what_if_result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.try_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        box_layout = QVBoxLayout(self.what_if_box)
        box_layout.addLayout(self.coefficient_form)
        box_layout.addLayout(buttons)
        box_layout.addWidget(self.what_if_result)

        self.budget_box = QGroupBox()
        self.budget_model = MoneyRowsModel(BUDGET_COLUMNS)
        self.budget_view = _table(self.budget_model, sortable=False)  # the organisation's row stays last
        QVBoxLayout(self.budget_box).addWidget(self.budget_view)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.rules_button)
        header.addWidget(self.export_button)
        side = QHBoxLayout()
        side.addWidget(self.what_if_box, 1)
        side.addWidget(self.budget_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.status)
        layout.addWidget(self.pay_view, 3)
        layout.addWidget(self.totals)
        layout.addLayout(side, 2)
        ctx.period_changed.connect(lambda _code: self.mark_stale())
        self.retranslate()
        self._show_controls()

    # -- page protocol ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Pay"))
        self.export_button.setText(_("Export payroll…"))
        self.export_button.setToolTip(_("Write the payroll of the finalized period as .xlsx or .csv"))
        self.rules_button.setText(_("Edit pay rules…"))
        self.rules_button.setToolTip(_("Coefficients, allowances, commission table and streak bonus, saved as a "
                                       "new version from a chosen period"))
        self.what_if_box.setTitle(_("What-if: coefficients by grade"))
        self.try_button.setText(_("&Try these coefficients"))
        self.reset_button.setText(_("&Reset"))
        self.budget_box.setTitle(_("Budget check"))
        for code, spin in self.spins.items():
            label = self.coefficient_form.labelForField(spin)
            if isinstance(label, QLabel):
                label.setText(self._grade_label(code))
        self.pay_model.retranslate()
        self.budget_model.retranslate()
        self._describe()

    def refresh(self) -> None:
        from kpidesk.ui.tasks import Task

        period = self.ctx.period_code
        if not period:
            self.data = None
            self.pay_model.set_rows([])
            self.budget_model.set_rows([])
            self.status.setText(_("No period is open; open one first."))
            self._show_controls()
            return
        Task(self, pay_overview, self.ctx.db, self.ctx.actor, period).success(self._loaded).failure(
            self._load_failed).start()

    # -- loading ------------------------------------------------------------------------------------
    def _loaded(self, data: PayOverview) -> None:
        self.data = data
        self.what_if = None
        self._fill_spins()
        self._fill_tables()
        self._show_controls()
        self._describe()

    def _load_failed(self, error: BaseException) -> None:
        from kpidesk.ui.dialogs import error_text

        self.data = None
        self.pay_model.set_rows([])
        self.budget_model.set_rows([])
        self.status.setText(error_text(error))
        self._show_controls()

    def _fill_spins(self) -> None:
        rules = self.data.rules if self.data else None
        by_grade = dict(rules.coefficient.by_grade) if rules is not None else {}
        order = [code for code in DEFAULT_SCALE.codes if code in by_grade]
        wanted = {code: by_grade[code] for code in order + sorted(set(by_grade) - set(order))}
        if list(wanted) != list(self.spins):
            while self.coefficient_form.rowCount():
                self.coefficient_form.removeRow(0)
            self.spins = {}
            for code in wanted:
                spin = QDoubleSpinBox()
                spin.setObjectName(f"coefficient_{code}")
                spin.setDecimals(2)
                spin.setRange(0.0, 5.0)
                spin.setSingleStep(0.05)
                self.spins[code] = spin
                self.coefficient_form.addRow(self._grade_label(code), spin)
        for code, value in wanted.items():
            self.spins[code].setValue(float(value))

    def _fill_tables(self) -> None:
        data = self.data
        if data is None:
            return
        after = {line.employee: line for line in self.what_if.after.lines} if self.what_if else {}
        self.pay_model.set_rows([PayRow(line, data.view.redacted, after.get(line.employee))
                                 for line in data.view.run.lines])
        self._fill_budget(None)

    def _fill_budget(self, after: BudgetCheck | None) -> None:
        check = self.data.check if self.data else None
        if check is None:
            self.budget_model.set_rows([])
            return
        later = {row.department: row for row in (*after.rows, after.overall)} if after else {}
        self.budget_model.set_rows([BudgetLine(row, later.get(row.department))
                                    for row in (*check.rows, check.overall)])

    def _show_controls(self) -> None:
        full = self.data is not None and not self.data.view.redacted and pay.can_see_pay(self.ctx.actor)
        self.what_if_box.setVisible(full)
        self.budget_box.setVisible(full)
        self.export_button.setVisible(full)
        self.export_button.setEnabled(full and self.data.view.is_final)
        sees_pay = self.ctx.db is not None and pay.can_see_pay(self.ctx.actor)
        self.rules_button.setVisible(sees_pay and (self.data is None or not self.data.view.redacted))
        self.rules_button.setEnabled(sees_pay and not self.ctx.read_only and self._may_manage())

    def _may_manage(self) -> bool:
        from kpidesk.ui.pages.pay.rules_editor import may_manage_pay

        return may_manage_pay(self.ctx.actor)

    def _describe(self) -> None:
        data = self.data
        if data is None:
            self.totals.setText("")
            return
        view = data.view
        text = pay_status_text(view)
        if view.redacted:
            text += " " + _("Base pay is shown to HR and administrators only.")
        self.status.setText(text)
        totals = view.run.totals
        if view.redacted:
            self.totals.setText(_("{people} people").format(people=totals.headcount))
        else:
            self.totals.setText(_("Total pay: {total} for {people} people").format(
                total=format_money(totals.total), people=totals.headcount))
        if self.what_if is not None:
            before, after = self.what_if.before.totals.total, self.what_if.after.totals.total
            self.what_if_result.setText(_("With these coefficients: {before} → {after} ({delta})").format(
                before=format_money(before), after=format_money(after), delta=_signed(after - before) or "0.00"))
        else:
            self.what_if_result.setText(_("Change the coefficients and try them: nothing is saved."))

    @staticmethod
    def _grade_label(code: str) -> str:
        zh, en = GRADE_LABELS.get(code, (code, code))
        return pick(zh, en)

    # -- actions ------------------------------------------------------------------------------------
    def proposed_rules(self) -> PayRules | None:
        if self.data is None or self.data.rules is None:
            return None
        values = {code: Decimal(str(round(spin.value(), 2))) for code, spin in self.spins.items()}
        return self.data.rules.with_grade_coefficients(values)

    def try_coefficients(self) -> None:
        from kpidesk.ui.tasks import Task

        proposed = self.proposed_rules()
        if proposed is None or self.ctx.period_code is None:
            return
        Task(self, what_if, self.ctx.db, self.ctx.actor, self.ctx.period_code, proposed,
             self.data.budgets or pay.Budgets()).success(self._what_if_done).failure(
            lambda error: self.ctx.dialogs.error(self, error)).start()

    def _what_if_done(self, result: tuple[WhatIf, BudgetCheck]) -> None:
        self.what_if, after_check = result
        self._fill_tables()
        self._fill_budget(after_check)
        self._describe()

    def reset_what_if(self) -> None:
        self.what_if = None
        self._fill_spins()
        self._fill_tables()
        self._describe()

    def edit_rules(self) -> None:
        """Open the pay rules editor; saving it notifies SETTINGS, which reloads this page."""
        from kpidesk.ui.pages.pay.rules_editor import load_editor_data
        from kpidesk.ui.tasks import Task

        if self.ctx.db is None or not self.rules_button.isEnabled():
            return
        Task(self, load_editor_data, self.ctx.db, self.ctx.actor).success(self._open_rules_editor).failure(
            lambda error: self.ctx.dialogs.error(self, error)).start()

    def _open_rules_editor(self, data) -> None:
        from kpidesk.ui.pages.pay.rules_editor import open_editor

        self.rules_editor = open_editor(self, self.ctx, data, self.ctx.period_code)
        self.rules_editor.finished.connect(self._rules_editor_closed)

    def _rules_editor_closed(self, _result: int) -> None:
        editor, self.rules_editor = self.rules_editor, None
        if editor is not None:
            editor.deleteLater()

    def export(self) -> None:
        from kpidesk.ui.tasks import Task

        period = self.ctx.period_code
        if self.data is None or period is None:
            return
        path = self.ctx.dialogs.save_file(self, _("Export payroll"), _("Excel workbook (*.xlsx);;CSV (*.csv)"),
                                          f"payroll-{period}.xlsx")
        if not path:
            return
        Task(self, export_payroll, self.ctx.db, self.ctx.actor, period, path).writes(Changes.SETTINGS).success(
            lambda result: self.ctx.dialogs.info(self, _("Export payroll"), _(
                "Payroll written: {path} ({people} people, total {total})").format(
                path=result.path, people=result.people, total=format_money(result.total)))).failure(
            lambda error: self.ctx.dialogs.error(self, error)).start()
