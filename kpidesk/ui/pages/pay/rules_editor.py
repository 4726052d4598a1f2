"""Editing the pay rules: a dialog opened from the Pay page that saves a new rule version.

The rules shown are those in force for the chosen effective-from period (the current period at first),
for the organisation and, one form per position, the parts a position overrides. Saving goes through
``services.pay.save_rule_version``, which refuses a version that would change a finalized period's pay;
the editor never changes rules in place. While the rules are untouched, choosing another period shows
the rules in force then; once edited, the edits stay and only the period they take effect from moves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.pay_rules import PayRuleBook, PayRules
from kpidesk.domain.periods import Period, PeriodKind, PeriodParseError, parse_period
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.pay import payroll as pay
from kpidesk.services.pay.use_cases import RulesEditorData, rules_editor_data, save_rules
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.pages.pay.rules_form import RulesForm, override_dict, same_rules
from kpidesk.ui.pages.pay.rules_sections import IMPROVEMENT_FLAG, labelled_row
from kpidesk.ui.pages.pay.rules_tables import Reading
from kpidesk.ui.tasks import Task

BAD_COLOUR, MUTED_COLOUR = "#c62828", "#666666"


def may_manage_pay(actor) -> bool:
    """Who may change pay rules (the pay.manage permission: HR and administrators)."""
    return pay.can_manage_pay(actor)


def load_editor_data(db, actor) -> RulesEditorData:
    """What the editor offers, read in a worker."""
    return rules_editor_data(db, actor, IMPROVEMENT_FLAG)


class PayRulesEditor(QDialog):
    """Edit the pay rules and save them as a version in force from a chosen period."""

    def __init__(self, ctx: AppContext, data: RulesEditorData, period: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data = data
        self.setObjectName("payRulesEditor")
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("effective_from")
        self.period_combo.setEditable(True)
        self.period_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("scope")
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.stack = QStackedWidget()
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        for button in self.buttons.buttons():  # Enter in a field never saves by surprise: Ctrl+S or the button does
            button.setAutoDefault(False)
            button.setDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.header = QFormLayout()
        self.labels = {widget: labelled_row(self.header, widget)
                       for widget in (self.period_combo, self.scope_combo, self.note)}
        layout = QVBoxLayout(self)
        layout.addLayout(self.header)
        layout.addWidget(self.info)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self.forms: dict[str | None, RulesForm] = {}
        self.base = PayRules()
        self.base_from: Period | None = None
        self.saving = False
        starts = [v.effective_from.code for v in data.book.versions if v.effective_from.year > 1900]
        for code in sorted(set(data.periods) | set(starts), key=lambda c: parse_period(c).start, reverse=True):
            self.period_combo.addItem(code)
        chosen = period or Period(date.today().year, PeriodKind.MONTH, date.today().month).code
        self.period_combo.setCurrentText(chosen)
        self._load_base(self.period() or parse_period(chosen))
        self._fill_scopes()
        self.period_combo.currentTextChanged.connect(self._period_edited)
        self.scope_combo.currentIndexChanged.connect(self._scope_changed)
        self.note.textChanged.connect(self._refresh_state)
        self._scope_changed()
        ctx.language_changed.connect(self._language_changed)
        self.retranslate()
        self.resize(980, 760)

    # -- state ----------------------------------------------------------------------------------------
    def period(self) -> Period | None:
        try:
            return parse_period(self.period_combo.currentText().strip())
        except (PeriodParseError, ValueError):
            return None

    def form(self, position: str | None = None) -> RulesForm:
        """The form of the organisation or of one position (built when first shown)."""
        if position not in self.forms:
            form = RulesForm(self.data, position)
            form.retranslate()
            self.forms[position] = form
            self.stack.addWidget(form)
            self._load_form(form)
            for section in form.sections:
                section.changed.connect(self._refresh_state)
        return self.forms[position]

    def _load_form(self, form: RulesForm) -> None:
        if form.position is None:
            form.load(self.base)
            return
        override = self.base.positions.get(form.position, {})
        form.load(self.base.for_position(form.position), set(override), self._organisation_rules())

    def _load_base(self, period: Period) -> None:
        version = self.data.book.version_for(period)
        self.base, self.base_from = version.rules, version.effective_from
        for form in self.forms.values():
            self._load_form(form)

    def _organisation_rules(self) -> PayRules:
        form = self.forms.get(None)
        if form is not None:
            reading = form.read()
            if reading.ok:
                return replace(PayRules(), **reading.value)
        return replace(self.base, positions={})

    def proposed(self) -> Reading:
        """The rules Save would store, or every problem (each naming its row or position)."""
        problems: list[str] = []
        if self.period() is None:
            problems.append(_("“{text}” is not a period (e.g. 2025-03).").format(text=self.period_combo.currentText()))
        organisation = self.form(None).read()
        problems.extend(organisation.problems)
        overrides = {name: dict(values) for name, values in self.base.positions.items()}
        for position, form in self.forms.items():
            if position is None:
                continue
            reading = form.read()
            problems.extend(reading.problems)
            if reading.ok:
                if reading.value:
                    overrides[position] = override_dict(reading.value)
                else:
                    overrides.pop(position, None)
        if problems:
            return Reading(general=problems)
        try:
            return Reading(replace(PayRules(), **organisation.value, positions=overrides))
        except ValidationError as exc:
            return Reading(general=[exc.message])

    @property
    def dirty(self) -> bool:
        reading = self.proposed()
        return not reading.ok or not same_rules(reading.value, self.base) or bool(self.note.text().strip())

    def _refresh_state(self) -> None:
        reading = self.proposed()
        changed = reading.ok and not same_rules(reading.value, self.base)
        if not reading.ok:
            reason = "\n".join(reading.problems[:6])
            self.problems.setStyleSheet(f"color: {BAD_COLOUR};")
        elif not changed:
            reason = _("No changes to save.")
            self.problems.setStyleSheet(f"color: {MUTED_COLOUR};")
        else:
            reason = ""
        self.problems.setText(reason)
        self.save_button.setEnabled(changed and not self.saving)
        self.save_button.setToolTip(reason or _("Save a new version of the pay rules (Ctrl+S)"))
        self._describe_version()
        self._mark_scopes()

    def _describe_version(self) -> None:
        period = self.period()
        if period is None or self.base_from is None:
            self.info.setText("")
            return
        if self.base_from.year <= 1900:
            text = _("In force for {period}: the default rules (none saved yet).").format(period=period.code)
        else:
            text = _("In force for {period}: the version from {start}.").format(period=period.code,
                                                                               start=self.base_from.code)
        later = [v.effective_from for v in self.data.book.versions if v.effective_from.start > period.start]
        if self.base_from.start == period.start:
            text += " " + _("Saving replaces that version.")
        elif later:
            text += " " + _("Saving adds a version in force from {period} until {next} starts.").format(
                period=period.code, next=later[0].code)
        else:
            text += " " + _("Saving adds a version in force from {period}.").format(period=period.code)
        self.info.setText(text)

    def _fill_scopes(self) -> None:
        positions = sorted(set(self.data.positions) | set(self.base.positions))
        current = self.scope_combo.currentData()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        self.scope_combo.addItem("", None)
        for name in positions:
            self.scope_combo.addItem(name, name)
        self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(current), 0))
        self.scope_combo.blockSignals(False)
        self._mark_scopes()

    def _mark_scopes(self) -> None:
        for index in range(self.scope_combo.count()):
            position = self.scope_combo.itemData(index)
            if position is None:
                self.scope_combo.setItemText(index, _("Organisation (every position)"))
                continue
            form = self.forms.get(position)
            own = (any(s.own for s in form.sections) if form is not None
                   else bool(self.base.positions.get(position)))
            self.scope_combo.setItemText(index, _("{position} (own rules)").format(position=position) if own
                                         else position)

    # -- reactions ------------------------------------------------------------------------------------
    def _period_edited(self, _text: str) -> None:
        period = self.period()
        if period is not None and not self.dirty and self.data.book.version_for(period).effective_from != self.base_from:
            self._load_base(period)
            self._fill_scopes()
        self._refresh_state()

    def _scope_changed(self, *_args) -> None:
        position = self.scope_combo.currentData()
        form = self.form(position)
        if position is not None:
            form.set_inherited(self._organisation_rules())
        self.stack.setCurrentWidget(form)
        self._refresh_state()

    # -- saving and closing ---------------------------------------------------------------------------
    def _commit_open_edit(self) -> None:
        """A cell still being typed in counts: hand its text to the model before reading."""
        editor = QApplication.focusWidget()
        for form in self.forms.values():
            for view in form.table_views():
                if editor is not None and editor.parent() is view.viewport():
                    view.itemDelegate().commitData.emit(editor)
                    view.itemDelegate().closeEditor.emit(editor)

    def save(self) -> None:
        self._commit_open_edit()
        self._refresh_state()
        reading, period = self.proposed(), self.period()
        if not self.save_button.isEnabled() or not reading.ok or period is None:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        Task(self, save_rules, self.ctx.db, self.ctx.actor, period.code, reading.value, self.note.text()).writes(
            Changes.SETTINGS).success(self._saved).failure(self._failed).start()

    def _saved(self, book: PayRuleBook) -> None:
        self.saving = False
        self.data = replace(self.data, book=book)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.saving = False
        self._refresh_state()
        self.problems.setStyleSheet(f"color: {BAD_COLOUR};")
        self.problems.setText(error_text(error))

    def reject(self) -> None:
        if self.saving:
            return
        if self.dirty and not self.ctx.dialogs.confirm(
                self, _("Unsaved pay rules"), _("The pay rules have changes that are not saved. Close and lose them?"),
                action=_("Discard changes"), cancel=_("Keep editing"), destructive=True):
            return
        super().reject()

    # -- texts ----------------------------------------------------------------------------------------
    def _language_changed(self, _language: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Pay rules"))
        for widget, text in ((self.period_combo, _("In force from")), (self.scope_combo, _("Rules for")),
                             (self.note, _("Why they change"))):
            self.labels[widget].setText(text)
        self.note.setPlaceholderText(_("A note kept with the version (optional)"))
        self.save_button.setText(_("&Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        for form in self.forms.values():
            form.retranslate()
        self._refresh_state()


def open_editor(page: QWidget, ctx: AppContext, data: RulesEditorData, period: str | None) -> PayRulesEditor:
    """Show the editor over ``page`` (window-modal, not blocking: tests drive it like a user)."""
    editor = PayRulesEditor(ctx, data, period, page)
    editor.open()
    return editor


def screenshot_editor(page) -> PayRulesEditor:
    """The editor as the user guide shows it: the handbook's commission table typed into the rules in force."""
    from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table
    from kpidesk.ui.pages.pay.rules_tables import bracket_rows

    editor = open_editor(page, page.ctx, load_editor_data(page.ctx.db, page.ctx.actor), page.ctx.period_code)
    section = editor.form(None).commission
    section.enabled_box.setChecked(True)
    collected = section.basis.findData("collected")
    if collected >= 0:
        section.basis.setCurrentIndex(collected)
    section.model.set_rows(bracket_rows(commission_table(HANDBOOK_TABLE_ROWS)))
    section.edited()
    return editor
