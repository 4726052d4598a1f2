"""(long: the editor's sections share one draft and its running checks) Editing one template: names and position, shares, the KPI items with weights (running sum),
levels and rules, the scoring curve of the selected item, and the attached forms.

Saving never changes a template in place: it creates the next version (``services.templates``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.numbers import float_or_none
from kpidesk.domain.rules import RuleSpec
from kpidesk.i18n import _, pick
from kpidesk.i18n.times import format_local_time
from kpidesk.services.library import templates as template_service
from kpidesk.services.library import use_cases as library
from kpidesk.services.library.kpis import KpiRow
from kpidesk.services.library.templates import FormInput, TemplateDetail, TemplateInput
from kpidesk.services.people.staff import PositionRow
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.pages.templates.items import DraftItem, TemplateItemsModel, parse_number
from kpidesk.ui.pages.templates.rule_params import RULES, RuleParamsEditor, rule_label
from kpidesk.ui.rule_curve import RuleCurve
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import tool_button

OK_COLOUR, BAD_COLOUR = "#2e7d32", "#c62828"


@dataclass(frozen=True)
class FormChoice:
    key: str
    title_zh: str
    title_en: str

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)


@dataclass(frozen=True)
class TemplateLists:
    """What the editor's pickers offer (loaded by the page in the background)."""

    kpis: list[KpiRow] = field(default_factory=list)
    positions: list[PositionRow] = field(default_factory=list)
    forms: list[FormChoice] = field(default_factory=list)
    default_shares: tuple[int, int] = (70, 30)


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


class TemplateEditor(QWidget):
    saved = Signal(int)  # the id of the version just saved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lists = TemplateLists()
        self.detail: TemplateDetail | None = None
        self.last_save: tuple[TemplateDetail | None, TemplateInput | None] = (None, None)
        self.dirty = False
        self._loading = False
        self._forms_version: dict[str, int] = {}

        self.name_zh = QLineEdit()
        self.name_zh.setObjectName("templateNameZh")
        self.name_en = QLineEdit()
        self.position = QComboBox()
        self.position.setObjectName("templatePosition")
        self.version_label = QLabel()
        self.version_label.setObjectName("versionLabel")
        self.version_label.setWordWrap(True)
        self.quantitative = QSpinBox()
        self.quantitative.setRange(0, 100)
        self.quantitative.setSuffix(" %")
        self.qualitative = QSpinBox()
        self.qualitative.setRange(0, 100)
        self.qualitative.setSuffix(" %")
        self.missing_policy = QComboBox()
        self.two_thirds = QCheckBox()

        self.form_header = QFormLayout()
        self.name_zh_label, self.name_en_label = QLabel(), QLabel()
        self.position_label, self.shares_label, self.missing_label = QLabel(), QLabel(), QLabel()
        shares = QHBoxLayout()
        shares.addWidget(self.quantitative)
        self.qualitative_label = QLabel()
        shares.addWidget(self.qualitative_label)
        shares.addWidget(self.qualitative)
        shares.addStretch(1)
        self.form_header.addRow(self.name_zh_label, self.name_zh)
        self.form_header.addRow(self.name_en_label, self.name_en)
        self.form_header.addRow(self.position_label, self.position)
        self.form_header.addRow(self.shares_label, shares)
        self.form_header.addRow(self.missing_label, self.missing_policy)
        self.form_header.addRow(self.two_thirds)  # the whole width: the long text made the editor too wide

        # items
        self.items_model = TemplateItemsModel(self)
        self.items_view = QTableView()
        self.items_view.setObjectName("templateItems")
        self.items_view.setModel(self.items_model)
        self.items_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.items_view.verticalHeader().setVisible(False)
        self.items_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.items_view.horizontalHeader()
        # every column as wide as its content: a stretched KPI column was squeezed to nothing beside the
        # long rule names; when the whole does not fit, the table scrolls sideways, the KPI column first
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.items_view.selectionModel().currentRowChanged.connect(self._item_selected)
        self.items_model.edited.connect(self._on_edited)
        self.items_model.refused.connect(self._show_refusal)
        self.kpi_picker = QComboBox()
        self.kpi_picker.setObjectName("kpiPicker")
        self.kpi_picker.setMinimumContentsLength(12)
        self.add_item_button = tool_button("add")
        self.remove_item_button = tool_button("delete")
        self.up_button = QPushButton("↑")
        self.down_button = QPushButton("↓")
        for button in (self.up_button, self.down_button):
            button.setFixedWidth(34)
        self.add_item_button.clicked.connect(self.add_selected_kpi)
        self.remove_item_button.clicked.connect(self.remove_selected_item)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.weight_label = QLabel()
        self.weight_label.setObjectName("weightSum")
        font = self.weight_label.font()
        font.setBold(True)
        self.weight_label.setFont(font)

        item_bar = QHBoxLayout()
        item_bar.addWidget(self.kpi_picker, 1)
        item_bar.addWidget(self.add_item_button)
        item_bar.addWidget(self.remove_item_button)
        item_bar.addWidget(self.up_button)
        item_bar.addWidget(self.down_button)
        self.items_box = QGroupBox()
        items_layout = QVBoxLayout(self.items_box)
        items_layout.addWidget(self.items_view, 1)
        items_layout.addLayout(item_bar)
        items_layout.addWidget(self.weight_label)

        # the selected item's rule and curve
        self.rule_box = QGroupBox()
        self.rule_combo = QComboBox()
        self.rule_combo.setObjectName("ruleCombo")
        # sized to a short rule name, not the longest, so the panel leaves room for the KPI table
        self.rule_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rule_combo.setMinimumContentsLength(14)
        for key in RULES:
            self.rule_combo.addItem(rule_label(key), key)
        self.rule_combo.currentIndexChanged.connect(self._rule_changed)
        self.params_editor = RuleParamsEditor()
        self.params_editor.changed.connect(self._params_changed)
        self.curve = RuleCurve()
        rule_layout = QVBoxLayout(self.rule_box)
        rule_layout.addWidget(self.rule_combo)
        rule_layout.addWidget(self.params_editor)
        rule_layout.addWidget(self.curve, 1)

        # forms
        self.forms_box = QGroupBox()
        self.forms_table = QTableWidget(0, 2)
        self.forms_table.setObjectName("formsTable")
        self.forms_table.verticalHeader().setVisible(False)
        self.forms_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.forms_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.forms_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.forms_table.itemChanged.connect(self._form_share_edited)
        self.form_picker = QComboBox()
        self.add_form_button = tool_button("add")
        self.remove_form_button = tool_button("delete")
        self.add_form_button.clicked.connect(self.add_selected_form)
        self.remove_form_button.clicked.connect(self.remove_selected_form)
        self.forms_label = QLabel()
        forms_bar = QHBoxLayout()
        forms_bar.addWidget(self.form_picker, 1)
        forms_bar.addWidget(self.add_form_button)
        forms_bar.addWidget(self.remove_form_button)
        forms_layout = QVBoxLayout(self.forms_box)
        forms_layout.addWidget(self.forms_table, 1)
        forms_layout.addLayout(forms_bar)
        forms_layout.addWidget(self.forms_label)

        # save
        self.message = QLabel()
        self.message.setObjectName("templateMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveTemplate")
        self.save_button.setDefault(True)
        self.save_button.setShortcut("Ctrl+S")
        self.revert_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        save_bar = QHBoxLayout()
        save_bar.addWidget(self.message, 1)
        save_bar.addWidget(self.revert_button)
        save_bar.addWidget(self.save_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QGridLayout()
        top.addLayout(self.form_header, 0, 0)
        top.addWidget(self.version_label, 1, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.items_box, 3)
        left_layout.addWidget(self.forms_box, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.rule_box)
        splitter.setStretchFactor(0, 3)  # the KPI table first; the rule panel grows too on a wide window
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addLayout(save_bar)

        for widget in (self.name_zh, self.name_en):
            widget.textEdited.connect(self._on_edited)
        self.position.currentIndexChanged.connect(self._on_edited)
        self.missing_policy.currentIndexChanged.connect(self._on_edited)
        self.two_thirds.toggled.connect(self._on_edited)
        self.quantitative.valueChanged.connect(self._quantitative_changed)
        self.qualitative.valueChanged.connect(self._qualitative_changed)
        self.retranslate()
        self.setEnabled(False)

    # -- texts --------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.name_zh_label.setText(_("Name (Chinese)"))
        self.name_en_label.setText(_("Name (English)"))
        self.position_label.setText(_("Position"))
        self.shares_label.setText(_("Quantitative share"))
        self.qualitative_label.setText(_("Qualitative share"))
        self.missing_label.setText(_("Missing data"))
        self.two_thirds.setText(_("Do not penalise a target that two thirds of the department missed"))
        self.items_box.setTitle(_("KPIs and weights"))
        self.rule_box.setTitle(_("Scoring rule of the selected KPI"))
        self.forms_box.setTitle(_("Qualitative forms"))
        self.add_item_button.setText(_("Add KPI"))
        self.remove_item_button.setText(_("Remove"))
        self.up_button.setToolTip(_("Move up"))
        self.down_button.setToolTip(_("Move down"))
        self.add_form_button.setText(_("Attach"))
        self.remove_form_button.setText(_("Detach"))
        self.save_button.setText(_("Save as new version"))
        self.revert_button.setText(_("Revert"))
        self.forms_table.setHorizontalHeaderLabels([_("Form"), _("Share %")])
        self._fill_missing_policy()
        for index in range(self.rule_combo.count()):
            self.rule_combo.setItemText(index, rule_label(self.rule_combo.itemData(index)))
        self.items_model.retranslate()
        self._fill_pickers()
        self._update_version_label()
        self._update_weight_label()
        self._update_forms_label()
        row = self._current_row()
        if row is not None:
            self._show_rule(row)

    def _fill_missing_policy(self) -> None:
        current = self.missing_policy.currentData() or "exclude"
        self.missing_policy.blockSignals(True)
        self.missing_policy.clear()
        self.missing_policy.addItem(_("Leave the KPI out and reweight the others"), "exclude")
        self.missing_policy.addItem(_("Score the KPI as 0"), "zero")
        self.missing_policy.setCurrentIndex(max(self.missing_policy.findData(current), 0))
        self.missing_policy.blockSignals(False)

    def _update_version_label(self) -> None:
        detail = self.detail
        if detail is None:
            self.version_label.setText(_("New template — not saved yet"))
            return
        when = format_local_time(detail.created_at) or "—"
        text = _("Version {version} of {count} · saved {when} by {who}").format(
            version=detail.version, count=len(detail.versions), when=when, who=detail.created_by or "—")
        if not detail.is_current:
            text += " · " + _("not current")
        self.version_label.setText(text)

    # -- lists --------------------------------------------------------------------------------------
    def set_lists(self, lists: TemplateLists) -> None:
        self.lists = lists
        self._fill_pickers()

    def _fill_pickers(self) -> None:
        on_template = {item.kpi_id for item in self.items_model.items}
        self.kpi_picker.clear()
        for kpi in self.lists.kpis:
            if kpi.active and kpi.id not in on_template:
                self.kpi_picker.addItem(f"{kpi.name} ({kpi.code})", kpi.id)
        position = self.position.currentData()
        self.position.blockSignals(True)
        self.position.clear()
        self.position.addItem(_("— no position —"), None)
        for row in self.lists.positions:
            self.position.addItem(pick(row.name, row.name_en), row.id)
        self.position.setCurrentIndex(max(self.position.findData(position), 0))
        self.position.blockSignals(False)
        attached = set(self._form_keys())
        self.form_picker.clear()
        for form in self.lists.forms:
            if form.key not in attached:
                self.form_picker.addItem(form.title, form.key)

    # -- loading ------------------------------------------------------------------------------------
    def load(self, detail: TemplateDetail | None) -> None:
        """Show a stored template version, or a blank new template when ``detail`` is None."""
        self._loading = True
        self.detail = detail
        self.setEnabled(True)
        quantitative, qualitative = self.lists.default_shares
        if detail is not None:
            self.name_zh.setText(detail.name_zh)
            self.name_en.setText(detail.name_en)
            self.position.setCurrentIndex(max(self.position.findData(detail.position_id), 0))
            quantitative, qualitative = int(detail.quantitative_share), int(detail.qualitative_share)
            self.missing_policy.setCurrentIndex(max(self.missing_policy.findData(detail.missing_policy), 0))
            self.two_thirds.setChecked(detail.two_thirds_rule)
            items = [DraftItem(i.kpi_id, i.kpi_code, i.kpi_name_zh, i.kpi_name_en, i.unit, i.direction, i.weight,
                               i.baseline, i.target, i.challenge, i.rule, dict(i.params), i.note) for i in detail.items]
            forms = [(f.form_key, f.title, f.share, f.form_version_id) for f in detail.forms]
        else:
            self.name_zh.clear()
            self.name_en.clear()
            self.position.setCurrentIndex(0)
            self.missing_policy.setCurrentIndex(0)
            self.two_thirds.setChecked(False)
            items, forms = [], []
        self.quantitative.setValue(quantitative)
        self.qualitative.setValue(qualitative)
        self.items_model.set_items(items)
        self._set_forms(forms)
        self._fill_pickers()
        self._loading = False
        self.dirty = False
        self.message.clear()
        self._update_version_label()
        self._update_weight_label()
        self._update_forms_label()
        if items:
            self.items_view.selectRow(0)
        else:
            self.curve.show_message(_("Add a KPI to see its scoring curve."))
            self.params_editor.set_rule("three_level", {})

    def revert(self) -> None:
        if self.detail is not None or self.dirty:
            self.load(self.detail)

    # -- items --------------------------------------------------------------------------------------
    def _current_row(self) -> int | None:
        index = self.items_view.currentIndex()
        return index.row() if index.isValid() else None

    def add_selected_kpi(self) -> None:
        kpi_id = self.kpi_picker.currentData()
        kpi = next((k for k in self.lists.kpis if k.id == kpi_id), None)
        if kpi is None:
            return
        remaining = max(Decimal(100) - self.items_model.total_weight(), Decimal(0))
        row = self.items_model.add(DraftItem(
            kpi.id, kpi.code, kpi.name_zh, kpi.name_en, kpi.unit, kpi.direction, remaining,
            kpi.baseline, kpi.target, kpi.challenge, "three_level" if kpi.target is not None else "direct", {}))
        self._fill_pickers()
        self.items_view.selectRow(row)

    def remove_selected_item(self) -> None:
        row = self._current_row()
        if row is not None:
            self.items_model.remove(row)
            self._fill_pickers()

    def _move(self, delta: int) -> None:
        row = self._current_row()
        if row is not None:
            self.items_view.selectRow(self.items_model.move(row, delta))

    def _item_selected(self, current, _previous=None) -> None:
        if current.isValid():
            self._show_rule(current.row())

    def _show_rule(self, row: int) -> None:
        item = self.items_model.item(row)
        self.rule_combo.blockSignals(True)
        self.rule_combo.setCurrentIndex(max(self.rule_combo.findData(item.rule), 0))
        self.rule_combo.blockSignals(False)
        self.params_editor.set_rule(item.rule, item.params)
        self._plot(item)

    def _plot(self, item: DraftItem) -> None:
        spec = RuleSpec(item.rule, item.direction, float_or_none(item.baseline), float_or_none(item.target),
                        float_or_none(item.challenge), dict(item.params))
        self.curve.plot(spec, item.code, item.unit, item.name)

    def _rule_changed(self, _index: int) -> None:
        row = self._current_row()
        if row is None:
            return
        rule = self.rule_combo.currentData()
        self.params_editor.set_rule(rule, {})
        self.items_model.update_item(row, rule=rule, params={})
        self._plot(self.items_model.item(row))

    def _params_changed(self, params: dict) -> None:
        row = self._current_row()
        if row is None:
            return
        self.items_model.update_item(row, params=params)
        self._plot(self.items_model.item(row))

    def _on_edited(self, *_args) -> None:
        if self._loading:
            return
        self.dirty = True
        self._update_weight_label()
        row = self._current_row()
        if row is not None and self.sender() is self.items_model:
            self._plot(self.items_model.item(row))

    def _show_refusal(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {BAD_COLOUR};")
        self.message.setText(text)

    def _update_weight_label(self) -> None:
        total = self.items_model.total_weight()
        problem = template_service.weight_problem([i.as_input() for i in self.items_model.items])
        text = _("Total weight: {total}%").format(total=_decimal_text(total) or "0")
        if problem:
            missing = Decimal(100) - total
            hint = (_("{amount}% still to assign").format(amount=_decimal_text(missing)) if missing > 0
                    else _("{amount}% too much").format(amount=_decimal_text(-missing)))
            text += " — " + hint
        self.weight_label.setText(text)
        self.weight_label.setStyleSheet(f"color: {BAD_COLOUR if problem else OK_COLOUR};")
        self.weight_label.setToolTip(problem or "")
        self.save_button.setEnabled(not problem and bool(self.items_model.items) and not self.ctx.read_only)
        self.save_button.setToolTip(problem or "")

    # -- shares and forms ---------------------------------------------------------------------------
    def _quantitative_changed(self, value: int) -> None:
        if self.qualitative.value() != 100 - value:
            self.qualitative.setValue(100 - value)
        self._on_edited()

    def _qualitative_changed(self, value: int) -> None:
        if self.quantitative.value() != 100 - value:
            self.quantitative.setValue(100 - value)
        self._on_edited()

    def _set_forms(self, forms: list[tuple[str, str, Decimal, int | None]]) -> None:
        self.forms_table.blockSignals(True)
        self.forms_table.setRowCount(0)
        self._forms_version = {}
        for key, title, share, version_id in forms:
            self._append_form(key, title, share)
            if version_id is not None:
                self._forms_version[key] = version_id
        self.forms_table.blockSignals(False)

    def _append_form(self, key: str, title: str, share: Decimal) -> None:
        row = self.forms_table.rowCount()
        self.forms_table.insertRow(row)
        name = QTableWidgetItem(title)
        name.setData(Qt.ItemDataRole.UserRole, key)
        name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.forms_table.setItem(row, 0, name)
        share_item = QTableWidgetItem(_decimal_text(Decimal(str(share)).quantize(Decimal("0.01")).normalize()))
        share_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.forms_table.setItem(row, 1, share_item)

    def _form_keys(self) -> list[str]:
        return [self.forms_table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.forms_table.rowCount())]

    def _form_shares(self) -> list[Decimal | None]:
        shares = []
        for row in range(self.forms_table.rowCount()):
            try:
                shares.append(parse_number(self.forms_table.item(row, 1).text()))
            except ValueError:
                shares.append(None)
        return shares

    def add_selected_form(self) -> None:
        key = self.form_picker.currentData()
        choice = next((f for f in self.lists.forms if f.key == key), None)
        if choice is None:
            return
        self.forms_table.blockSignals(True)
        self._append_form(choice.key, choice.title, Decimal(0))
        self._spread_form_shares()
        self.forms_table.blockSignals(False)
        self._fill_pickers()
        self._on_edited()
        self._update_forms_label()

    def remove_selected_form(self) -> None:
        row = self.forms_table.currentRow()
        if row < 0:
            return
        self.forms_table.blockSignals(True)
        self._forms_version.pop(self.forms_table.item(row, 0).data(Qt.ItemDataRole.UserRole), None)
        self.forms_table.removeRow(row)
        self._spread_form_shares()
        self.forms_table.blockSignals(False)
        self._fill_pickers()
        self._on_edited()
        self._update_forms_label()

    def _spread_form_shares(self) -> None:
        """Equal shares after attaching or detaching (the user can still type other numbers)."""
        count = self.forms_table.rowCount()
        if not count:
            return
        base = (Decimal(100) / count).quantize(Decimal("0.01"))
        for row in range(count):
            share = base if row < count - 1 else Decimal(100) - base * (count - 1)
            self.forms_table.item(row, 1).setText(_decimal_text(share.normalize()))

    def _form_share_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 1:
            self._on_edited()
            self._update_forms_label()

    def _update_forms_label(self) -> None:
        shares = self._form_shares()
        if not shares:
            self.forms_label.setText(_("No form attached: the qualitative share must then be 0%."))
            self.forms_label.setStyleSheet("")
            return
        if any(s is None for s in shares):
            self.forms_label.setText(_("A share is not a number."))
            self.forms_label.setStyleSheet(f"color: {BAD_COLOUR};")
            return
        total = sum(shares, Decimal(0))
        self.forms_label.setText(_("Forms' shares: {total}% of the qualitative part").format(total=_decimal_text(total.normalize())))
        self.forms_label.setStyleSheet(f"color: {OK_COLOUR if total == 100 else BAD_COLOUR};")

    # -- saving -------------------------------------------------------------------------------------
    def draft(self) -> TemplateInput:
        shares = self._form_shares()
        forms = tuple(
            FormInput(key, share if share is not None else Decimal(-1), self._forms_version.get(key))
            for key, share in zip(self._form_keys(), shares, strict=True)
        )
        return TemplateInput(
            name_zh=self.name_zh.text().strip(), name_en=self.name_en.text().strip(),
            position_id=self.position.currentData(), items=tuple(i.as_input() for i in self.items_model.items),
            forms=forms, quantitative_share=Decimal(self.quantitative.value()),
            qualitative_share=Decimal(self.qualitative.value()),
            missing_policy=self.missing_policy.currentData() or "exclude", two_thirds_rule=self.two_thirds.isChecked(),
        )

    def save(self) -> bool:
        """Check the weights here (the service checks everything again) and save in the background."""
        data = self.draft()
        problem = template_service.weight_problem(data.items)
        if problem:
            self._show_refusal(problem)
            return False
        if self.params_editor.error:
            self._show_refusal(self.params_editor.error)
            return False
        detail = self.detail
        self.last_save = (detail, data)  # what Undo needs: the version replaced and what replaced it
        self.save_button.setEnabled(False)
        Task(self, library.save_template, self.ctx.db, self.ctx.actor, None if detail is None else detail.id, data) \
            .writes(Changes.TEMPLATES).success(self._saved).failure(self._save_failed).start()
        return True

    def _saved(self, template_id: int) -> None:
        self.dirty = False
        self.message.setStyleSheet(f"color: {OK_COLOUR};")
        self.message.setText(_("Saved."))
        self._update_weight_label()
        self.saved.emit(template_id)

    def _save_failed(self, error: BaseException) -> None:
        self._update_weight_label()
        self._show_refusal(error_text(error))
