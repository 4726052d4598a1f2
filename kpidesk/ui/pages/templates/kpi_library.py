"""The KPI library: the list of KPIs and a form to add or change one, with the formula checked as
it is typed (the message points at the character where parsing stopped)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _
from kpidesk.services.library import kpis as kpi_service
from kpidesk.services.library import use_cases as library
from kpidesk.services.library.kpis import FieldRow, KpiInput, KpiRow
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.labels import DIRECTIONS, PERIOD_KINDS, PERSPECTIVES, UNITS, label
from kpidesk.ui.models import ROW_ROLE, Column, RowsModel, SortFilterProxy
from kpidesk.ui.pages.templates.items import parse_number
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import SearchBox, Table, tool_button

BAD_STYLE = "QLineEdit { background: #fdecea; }"
KPI_COLUMNS = [
    Column(N_("Code"), lambda k: k.code),
    Column(N_("KPI"), lambda k: k.name),
    Column(N_("Unit"), lambda k: label(UNITS, k.unit)),
    Column(N_("Direction"), lambda k: label(DIRECTIONS, k.direction)),
    Column(N_("Perspective"), lambda k: label(PERSPECTIVES, k.perspective)),
    Column(N_("Formula"), lambda k: k.formula or _("entered directly")),
]


@dataclass(frozen=True)
class FormulaCheck:
    ok: bool
    message: str = ""
    position: int | None = None
    unknown: tuple[str, ...] = ()


def check_formula(text: str, known: set[str]) -> FormulaCheck:
    """What the formula field shows while typing: nothing, a parse error with its position, or the
    names that are not raw fields."""
    from kpidesk.domain.formulas import FormulaError

    if not text.strip():
        return FormulaCheck(True)
    try:
        unknown = kpi_service.formula_fields_unknown(text, known)
    except FormulaError as exc:
        return FormulaCheck(False, str(exc), exc.position)
    if unknown:
        return FormulaCheck(False, _("Not a raw field: {names}").format(names=", ".join(unknown)), None, tuple(unknown))
    return FormulaCheck(True, _("The formula is valid."))


def _combo(table: dict[str, str], empty: bool = False) -> QComboBox:
    combo = QComboBox()
    if empty:
        combo.addItem("—", None)
    for code in table:
        combo.addItem(label(table, code), code)
    return combo


class KpiLibraryPanel(QWidget):
    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kpis: list[KpiRow] = []
        self.fields: list[FieldRow] = []
        self.current: KpiRow | None = None
        self.formula_check = FormulaCheck(True)
        self._pending: int | None = None

        self.search = SearchBox()
        self.model = RowsModel(KPI_COLUMNS, parent=self)
        self.proxy = SortFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = Table(ctx.settings, "kpis")
        self.table.setObjectName("kpiTable")
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.search.textChanged.connect(lambda text: self.proxy.setFilterFixedString(text.strip()))
        self.new_button = tool_button("add")
        self.new_button.clicked.connect(self.new_kpi)
        list_bar = QHBoxLayout()
        list_bar.addWidget(self.search, 1)
        list_bar.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(list_bar)
        left_layout.addWidget(self.table, 1)

        self.code = QLineEdit()
        self.code.setObjectName("kpiCode")
        self.name_zh = QLineEdit()
        self.name_en = QLineEdit()
        self.unit = _combo(UNITS)
        self.direction = _combo(DIRECTIONS)
        self.perspective = _combo(PERSPECTIVES, empty=True)
        self.period_kind = _combo(PERIOD_KINDS)
        self.category = QLineEdit()
        self.data_source = QLineEdit()
        self.formula = QLineEdit()
        self.formula.setObjectName("formulaEdit")
        self.formula.textChanged.connect(self._formula_changed)
        self.formula_status = QLabel()
        self.formula_status.setObjectName("formulaStatus")
        self.formula_status.setWordWrap(True)
        self.formula_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.field_picker = QComboBox()
        self.field_picker.setObjectName("fieldPicker")
        self.field_picker.activated.connect(self._insert_field)
        self.definition = QPlainTextEdit()
        self.definition.setFixedHeight(64)
        self.baseline, self.target, self.challenge = QLineEdit(), QLineEdit(), QLineEdit()
        self.active = QCheckBox()
        levels = QHBoxLayout()
        for edit in (self.baseline, self.target, self.challenge):
            edit.setMaximumWidth(90)
            levels.addWidget(edit)
        levels.addStretch(1)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveKpi")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.form = QFormLayout()
        self.labels = {key: QLabel() for key in ("code", "name_zh", "name_en", "unit", "direction", "perspective",
                                                 "period", "category", "source", "formula", "fields", "definition",
                                                 "levels")}
        formula_box = QVBoxLayout()
        formula_box.addWidget(self.formula)
        formula_box.addWidget(self.formula_status)
        self.form.addRow(self.labels["code"], self.code)
        self.form.addRow(self.labels["name_zh"], self.name_zh)
        self.form.addRow(self.labels["name_en"], self.name_en)
        self.form.addRow(self.labels["unit"], self.unit)
        self.form.addRow(self.labels["direction"], self.direction)
        self.form.addRow(self.labels["formula"], formula_box)
        self.form.addRow(self.labels["fields"], self.field_picker)
        self.form.addRow(self.labels["levels"], levels)
        self.form.addRow(self.labels["perspective"], self.perspective)
        self.form.addRow(self.labels["period"], self.period_kind)
        self.form.addRow(self.labels["category"], self.category)
        self.form.addRow(self.labels["source"], self.data_source)
        self.form.addRow(self.labels["definition"], self.definition)
        self.form.addRow("", self.active)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(self.form)
        save_bar = QHBoxLayout()
        save_bar.addWidget(self.message, 1)
        save_bar.addWidget(self.save_button)
        editor_layout.addLayout(save_bar)
        editor_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.retranslate()
        self.new_kpi()

    def retranslate(self) -> None:
        texts = {
            "code": _("Code"), "name_zh": _("Name (Chinese)"), "name_en": _("Name (English)"), "unit": _("Unit"),
            "direction": _("Direction"), "perspective": _("Perspective"), "period": _("Period"),
            "category": _("Category"), "source": _("Data source"), "formula": _("Formula"),
            "fields": _("Insert a field"), "definition": _("Definition"),
            "levels": _("Baseline / target / challenge"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.search.setPlaceholderText(_("Search KPIs…"))
        self.new_button.setText(_("New KPI"))
        self.save_button.setText(_("Save KPI"))
        self.active.setText(_("In use"))
        self.formula.setPlaceholderText(_("e.g. first_contact_resolved / contacts * 100 — empty: entered directly"))
        for edit, text in ((self.baseline, _("baseline")), (self.target, _("target")), (self.challenge, _("challenge"))):
            edit.setPlaceholderText(text)
        for combo, table in ((self.unit, UNITS), (self.direction, DIRECTIONS), (self.perspective, PERSPECTIVES),
                             (self.period_kind, PERIOD_KINDS)):
            for index in range(combo.count()):
                code = combo.itemData(index)
                if code:
                    combo.setItemText(index, label(table, code))
        self.model.retranslate()
        self._fill_field_picker()
        self._formula_changed(self.formula.text())

    def set_data(self, kpis: list[KpiRow], fields: list[FieldRow]) -> None:
        current = self._pending or (self.current.id if self.current else None)
        self.kpis, self.fields = kpis, fields
        self.model.set_rows(kpis)
        self.table.restore_columns()
        self._fill_field_picker()
        if current is not None and self.select_kpi(current):
            self._pending = None
        self._formula_changed(self.formula.text())

    def _fill_field_picker(self) -> None:
        self.field_picker.clear()
        self.field_picker.addItem(_("Insert a raw field…"), None)
        for row in self.fields:
            self.field_picker.addItem(f"{row.code} — {row.name}", row.code)

    def _insert_field(self, index: int) -> None:
        code = self.field_picker.itemData(index)
        if code:
            self.formula.insert(code)
            self.formula.setFocus()
        self.field_picker.setCurrentIndex(0)

    def known_names(self) -> set[str]:
        """Raw fields and KPIs; the KPI's own code counts too, standing for the value typed in."""
        own = self.code.text().strip()
        return {f.code for f in self.fields} | {k.code for k in self.kpis} | ({own} if own else set())

    def _formula_changed(self, text: str) -> None:
        self.formula_check = check_formula(text, self.known_names())
        self.formula.setStyleSheet("" if self.formula_check.ok else BAD_STYLE)
        self.formula_status.setText(self.formula_check.message)
        colour = "#2e7d32" if self.formula_check.ok else "#c62828"
        self.formula_status.setStyleSheet(f"color: {colour};")

    def select_kpi(self, kpi_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ROW_ROLE).id == kpi_id:
                self.table.setCurrentIndex(index)
                return True
        return False

    def _selected(self, current, _previous=None) -> None:
        if current.isValid():
            self.show_kpi(current.data(ROW_ROLE))

    def new_kpi(self) -> None:
        self.table.clearSelection()
        self.show_kpi(None)
        self.code.setFocus()

    def show_kpi(self, kpi: KpiRow | None) -> None:
        self.current = kpi
        self.code.setText(kpi.code if kpi else "")
        self.name_zh.setText(kpi.name_zh if kpi else "")
        self.name_en.setText(kpi.name_en if kpi else "")
        for combo, value in ((self.unit, kpi.unit if kpi else "percent"), (self.direction, kpi.direction if kpi else "higher"),
                             (self.perspective, kpi.perspective if kpi else None),
                             (self.period_kind, kpi.period_kind if kpi else "month")):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.category.setText((kpi.category or "") if kpi else "")
        self.data_source.setText((kpi.data_source or "") if kpi else "")
        self.definition.setPlainText((kpi.definition or "") if kpi else "")
        for edit, value in ((self.baseline, kpi.baseline if kpi else None), (self.target, kpi.target if kpi else None),
                            (self.challenge, kpi.challenge if kpi else None)):
            edit.setText("" if value is None else f"{value.normalize():f}")
        self.active.setChecked(kpi.active if kpi else True)
        self.formula.setText((kpi.formula or "") if kpi else "")
        self.message.clear()

    def draft(self) -> KpiInput:
        levels = []
        for edit, name in ((self.baseline, _("baseline")), (self.target, _("target")), (self.challenge, _("challenge"))):
            try:
                levels.append(parse_number(edit.text()))
            except ValueError:
                raise ValueError(_("The {level} must be a number.").format(level=name)) from None
        return KpiInput(
            code=self.code.text().strip(), name_zh=self.name_zh.text().strip(), name_en=self.name_en.text().strip(),
            unit=self.unit.currentData(), direction=self.direction.currentData(),
            formula=self.formula.text().strip() or None, definition=self.definition.toPlainText().strip() or None,
            baseline=levels[0], target=levels[1], challenge=levels[2], perspective=self.perspective.currentData(),
            category=self.category.text().strip() or None, data_source=self.data_source.text().strip() or None,
            period_kind=self.period_kind.currentData(),
            aggregation=self.current.aggregation if self.current and bool(self.current.formula) == bool(self.formula.text().strip()) else None,
            active=self.active.isChecked(),
        )

    def save(self) -> bool:
        if not self.formula_check.ok:
            self._fail(self.formula_check.message)
            return False
        try:
            data = self.draft()
        except ValueError as exc:
            self._fail(str(exc))
            return False
        kpi_id = self.current.id if self.current else None
        Task(self, library.save_kpi, self.ctx.db, self.ctx.actor, data, kpi_id).writes(Changes.KPIS) \
            .success(self._saved).failure(lambda e: self._fail(error_text(e))).start()
        return True

    def _saved(self, kpi_id: int) -> None:
        self._pending = None if self.select_kpi(kpi_id) else kpi_id
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(_("Saved."))
        self.saved.emit(kpi_id)

    def _fail(self, text: str) -> None:
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)
