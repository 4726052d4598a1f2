"""Appraisal forms: one rater's answers on one employee's form, filled from the keyboard alone. (long: keyboard-only filling needs its own navigation and key handling beside the form widgets)

Pick the employee and the rater; each criterion shows its levels with their behaviour anchors. Digits or
arrows choose a level, Tab moves to the comment and on, Ctrl+Enter submits. Drafts are saved a moment
after each change. Beside the form, the self-assessment and the manager's ratings are shown side by side
with criteria two or more levels apart marked. A finalized period is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.forms import Form, RaterRole, check_response
from kpidesk.domain.statuses import PeriodStatus, ResponseStatus
from kpidesk.i18n import _, pick
from kpidesk.i18n.times import format_local_time
from kpidesk.services.appraisal.use_cases import PeriodForms, period_forms
from kpidesk.services.forms import use_cases as forms
from kpidesk.ui.context import Changes
from kpidesk.ui.icons import locked_text
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.forms.widgets import ComparisonModel, CriterionWidget, text_of
from kpidesk.ui.tasks import Task

DRAFT_DELAY_MS = 1200
#: The raters this page writes for; anonymous peers answer on paper or through the form sheets.
PAGE_ROLES = (RaterRole.MANAGER, RaterRole.SELF, RaterRole.HR)


@dataclass(frozen=True)
class RaterChoice:
    role: RaterRole
    rater_id: int | None
    label: str


class FormsPage(Page):
    watches = Changes.FORMS | Changes.STAFF | Changes.TEMPLATES | Changes.PERIODS | Changes.SETTINGS

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("formsPage")
        self.snapshot: PeriodForms | None = None
        self.form: Form | None = None
        self.criteria: list[CriterionWidget] = []
        self.sections: dict[str, QPlainTextEdit] = {}
        self.response = None  # the ResponseView being edited, if one is stored
        self.response_id: int | None = None
        self.shown: tuple | None = None  # (roster entry, form version id, RaterChoice) of the form on screen
        self._loading = False
        self._dirty = False
        self._own_writes = 0

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.employee_combo = QComboBox()
        self.employee_combo.setObjectName("employeeCombo")
        self.employee_combo.setMinimumContentsLength(12)
        self.form_combo = QComboBox()
        self.form_combo.setObjectName("formCombo")
        self.rater_combo = QComboBox()
        self.rater_combo.setObjectName("raterCombo")
        self.rater_combo.setMinimumContentsLength(12)
        self.employee_label, self.form_label, self.rater_label = QLabel(), QLabel(), QLabel()
        self.employee_label.setBuddy(self.employee_combo)
        self.form_label.setBuddy(self.form_combo)
        self.rater_label.setBuddy(self.rater_combo)
        self.employee_combo.currentIndexChanged.connect(self._employee_changed)
        self.form_combo.currentIndexChanged.connect(self._choice_changed)
        self.rater_combo.currentIndexChanged.connect(self._choice_changed)
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        for label, combo in ((self.employee_label, self.employee_combo), (self.form_label, self.form_combo),
                             (self.rater_label, self.rater_combo)):
            header.addWidget(label)
            header.addWidget(combo)
        header.addStretch(1)
        header.addWidget(self.status)

        self.banner = QLabel()
        self.banner.setObjectName("formBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel#formBanner { background: rgba(251,170,25,60); border: 1px solid "
                                  "rgba(200,120,0,160); border-radius: 4px; padding: 6px 10px; }")
        self.reopen_button = QPushButton()
        self.reopen_button.setObjectName("reopenButton")
        self.reopen_button.clicked.connect(self.reopen)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.reopen_button)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel#formMessage { color: #c62828; font-weight: bold; }")

        self.instructions = QLabel()
        self.instructions.setWordWrap(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 6, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveDraft")
        self.save_button.clicked.connect(lambda: self.save_draft())
        self.submit_button = QPushButton()
        self.submit_button.setObjectName("submitForm")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.instructions)
        left_layout.addWidget(self.scroll, 1)
        left_layout.addLayout(buttons)

        self.comparison = ComparisonModel(self)
        self.comparison_view = QTableView()
        self.comparison_view.setObjectName("comparison")
        self.comparison_view.setModel(self.comparison)
        self.comparison_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.comparison_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.comparison_view.verticalHeader().setVisible(False)
        # long criterion names wrap onto more lines instead of being cut in the narrow side panel
        self.comparison_view.setWordWrap(True)
        self.comparison_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.comparison_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.comparison_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.comparison_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.comparison_view.clicked.connect(self._comparison_clicked)
        self.comparison_title = QLabel()
        self.comparison_note = QLabel()
        self.comparison_note.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.comparison_title)
        right_layout.addWidget(self.comparison_view, 1)
        right_layout.addWidget(self.comparison_note)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 300])

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(banner_row)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(lambda: self.save_draft())
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        ctx.period_changed.connect(self._on_period_changed)
        self.retranslate()

    # -- page protocol ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Appraisal forms"))
        self.employee_label.setText(_("&Employee:"))
        self.form_label.setText(_("F&orm:"))
        self.rater_label.setText(_("&Rater:"))
        self.save_button.setText(_("Save &draft"))
        self.submit_button.setText(_("&Submit (Ctrl+Enter)"))
        self.reopen_button.setText(_("Reopen…"))
        self.comparison_title.setText("<b>" + _("Self and manager side by side") + "</b>")
        self.comparison_note.setText(_("⚠ marks criteria rated two or more levels apart; talk them through in "
                                       "the review meeting."))

    def refresh(self) -> None:
        self.flush()
        period = self.ctx.period_code
        if period is None:
            self.snapshot = None
            self._clear_form()
            self.banner.setText(_("No period is open; open one first."))
            self.banner.show()
            return
        Task(self, period_forms, self.ctx.db, self.ctx.actor, period).success(self._loaded).start()

    def _loaded(self, snapshot: PeriodForms) -> None:
        if snapshot.period != self.ctx.period_code:  # the period changed while the forms were read
            return
        self.snapshot = snapshot
        current = self.employee_combo.currentData()
        self._fill_employees(current)
        self._employee_changed()

    def _on_changed(self, changes: Changes) -> None:
        if self._own_writes and not changes & ~Changes.FORMS:
            return  # our own save: the page already shows it
        super()._on_changed(changes)

    def _on_period_changed(self, _code: str) -> None:
        self.flush()
        self.mark_stale()

    def about_to_close(self) -> bool:
        self.flush()
        return True

    # -- choosing what to fill ----------------------------------------------------------------------
    def _fill_employees(self, wanted: int | None) -> None:
        combo = self.employee_combo
        combo.blockSignals(True)
        combo.clear()
        for entry in self.snapshot.roster:
            combo.addItem(f"{entry.staff_no}  {entry.name}{self._progress_mark(entry)}", entry.employee_id)
        index = combo.findData(wanted)
        combo.setCurrentIndex(index if index >= 0 else (0 if combo.count() else -1))
        combo.blockSignals(False)

    def _progress_mark(self, entry) -> str:
        """✓ when the manager has submitted, ✎ while only a draft exists."""
        states = {r.status for r in self.snapshot.responses
                  if r.employee_id == entry.employee_id and r.role == RaterRole.MANAGER.value}
        return "  ✓" if ResponseStatus.SUBMITTED in states else ("  ✎" if states else "")

    def entry(self):
        employee_id = self.employee_combo.currentData()
        return next((e for e in (self.snapshot.roster if self.snapshot else []) if e.employee_id == employee_id),
                    None)

    def _employee_changed(self, _index: int = 0) -> None:
        self.flush()
        entry = self.entry()
        self.form_combo.blockSignals(True)
        self.form_combo.clear()
        for ref in entry.forms if entry else ():
            self.form_combo.addItem(pick(ref.title_zh, ref.title_en), ref.form_version_id)
        self.form_combo.setCurrentIndex(0 if self.form_combo.count() else -1)
        self.form_combo.setVisible(self.form_combo.count() > 1)
        self.form_label.setVisible(self.form_combo.count() > 1)
        self.form_combo.blockSignals(False)
        self._fill_raters()
        self._choice_changed()

    def _fill_raters(self) -> None:
        entry = self.entry()
        previous = self.rater_combo.currentData()
        self.rater_combo.blockSignals(True)
        self.rater_combo.clear()
        form = self._chosen_form()
        if entry is not None and form is not None:
            names = self.snapshot.names
            for role in PAGE_ROLES:
                if role not in form.raters:
                    continue
                if role is RaterRole.SELF:
                    choice = RaterChoice(role, entry.employee_id, _("Self-assessment ({name})").format(name=entry.name))
                elif role is RaterRole.MANAGER:
                    manager = entry.manager_id
                    label = _("Manager: {name}").format(name=names.get(manager)) if manager else _("Manager")
                    choice = RaterChoice(role, manager, label)
                else:
                    choice = RaterChoice(role, None, _("HR"))
                self.rater_combo.addItem(choice.label, choice)
        index = next((i for i in range(self.rater_combo.count())
                      if previous is not None and self.rater_combo.itemData(i).role == previous.role), 0)
        self.rater_combo.setCurrentIndex(index if self.rater_combo.count() else -1)
        self.rater_combo.blockSignals(False)

    def _chosen_form(self) -> Form | None:
        version = self.form_combo.currentData()
        return self.snapshot.forms.get(version) if self.snapshot and version is not None else None

    def choose(self, staff_no: str, role: RaterRole | str) -> None:
        """Select an employee and a rater role (for links from other pages, and tests)."""
        for i in range(self.employee_combo.count()):
            entry = next(e for e in self.snapshot.roster if e.employee_id == self.employee_combo.itemData(i))
            if entry.staff_no == staff_no:
                self.employee_combo.setCurrentIndex(i)
                break
        for i in range(self.rater_combo.count()):
            if self.rater_combo.itemData(i).role == RaterRole(role):
                self.rater_combo.setCurrentIndex(i)
                break

    def _choice_changed(self, _index: int = 0) -> None:
        self.flush()
        self._build_form()

    # -- building the form --------------------------------------------------------------------------
    def _clear_form(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # out of sight at once; deleted when control returns to the loop
                item.widget().deleteLater()
        self.criteria, self.sections = [], {}
        self.form, self.response, self.response_id, self.shown = None, None, None, None
        self.comparison.set_levels(None, {}, {})

    def _build_form(self) -> None:
        self._loading = True
        self._clear_form()
        self.message.setText("")
        entry, form, choice = self.entry(), self._chosen_form(), self.rater_combo.currentData()
        if entry is None or form is None or choice is None:
            self.instructions.setText(_("Nobody in this period has a template with forms."))
            self._update_state()
            self._loading = False
            return
        self.form = form
        self.shown = (entry, self.form_combo.currentData(), choice)
        self.instructions.setText(text_of(form.instructions))
        previous = None
        for number, criterion in enumerate(form.criteria, start=1):
            widget = CriterionWidget(number, form, criterion, self.body)
            widget.changed.connect(self._edited)
            self.body_layout.addWidget(widget)
            self.criteria.append(widget)
            for focusable in (widget.chooser, widget.comment):
                if previous is not None:
                    QWidget.setTabOrder(previous, focusable)
                previous = focusable
        for section in form.sections_for(choice.role):
            box = QPlainTextEdit()
            box.setObjectName(f"section:{section.id}")
            box.setTabChangesFocus(True)
            box.setPlaceholderText(text_of(section.hint))
            box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 14)
            box.textChanged.connect(self._edited)
            holder = QWidget()
            holder_layout = QFormLayout(holder)
            holder_layout.addRow(QLabel("<b>" + text_of(section.title) + "</b>"))
            holder_layout.addRow(box)
            self.body_layout.addWidget(holder)
            self.sections[section.id] = box
            if previous is not None:
                QWidget.setTabOrder(previous, box)
            previous = box
        self.body_layout.addStretch(1)
        if previous is not None:
            QWidget.setTabOrder(previous, self.save_button)
            QWidget.setTabOrder(self.save_button, self.submit_button)

        self.response = self._find_response(entry.employee_id, self.shown[1], choice)
        self.response_id = self.response.id if self.response else None
        if self.response is not None:
            for widget in self.criteria:
                widget.load(self.response.levels.get(widget.criterion.id),
                            self.response.comments.get(widget.criterion.id))
            for key, box in self.sections.items():
                box.blockSignals(True)
                box.setPlainText(self.response.texts.get(key, ""))
                box.blockSignals(False)
        self._dirty = False
        self._loading = False
        self._update_other_side()
        self._update_state()
        if self.criteria and not self.read_only:
            self.criteria[0].chooser.setFocus(Qt.FocusReason.OtherFocusReason)

    def _find_response(self, employee_id: int, version: int, choice: RaterChoice):
        for response in self.snapshot.responses:
            if response.employee_id != employee_id or response.form_version_id != version:
                continue
            if response.role != choice.role.value:
                continue
            if choice.role is RaterRole.HR or response.rater_id == choice.rater_id:
                return response
        return None

    def _counterpart(self) -> tuple[RaterRole, object] | None:
        """The other side to compare with: self for a manager or HR, the manager for the employee."""
        if self.shown is None:
            return None
        entry, version, choice = self.shown
        wanted = RaterRole.MANAGER if choice.role is RaterRole.SELF else RaterRole.SELF
        found = [r for r in self.snapshot.responses if r.employee_id == entry.employee_id
                 and r.form_version_id == version and r.role == wanted.value]
        if wanted is RaterRole.MANAGER:
            found = [r for r in found if r.rater_id == entry.manager_id] or found
        return wanted, (found[0] if found else None)

    # -- state --------------------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return bool(self.snapshot and self.snapshot.status == PeriodStatus.FINALIZED) or self.ctx.read_only

    @property
    def submitted(self) -> bool:
        return self.response is not None and self.response.status == ResponseStatus.SUBMITTED

    @property
    def read_only(self) -> bool:
        return self.locked or self.submitted

    def _update_state(self) -> None:
        for widget in self.criteria:
            widget.set_read_only(self.read_only)
        for box in self.sections.values():
            box.setReadOnly(self.read_only)
        self.save_button.setEnabled(self.form is not None and not self.read_only)
        self.submit_button.setEnabled(self.form is not None and not self.read_only)
        self.reopen_button.setVisible(self.submitted and not self.locked)
        if self.locked and self.snapshot is not None:
            self.banner.setText(locked_text(_("Period {period} is finalized, so its forms are read-only. To change "
                                              "anything, reopen the period with a reason on the Results page.").format(
                period=self.snapshot.period)))
        elif self.submitted:
            when = format_local_time(self.response.submitted_at)
            self.banner.setText(_("Submitted on {when}. Reopen it (with a reason) to change it.").format(when=when))
        else:
            self.banner.setText("")
        self.banner.setVisible(bool(self.banner.text()))
        if self.response is None:
            self.status.setText(_("Not started") if self.form is not None else "")
        elif self.response.status == ResponseStatus.DRAFT:
            self.status.setText(_("Draft saved {when}").format(when=format_local_time(self.response.updated_at, "%H:%M")))
        else:
            self.status.setText(_("Submitted"))

    def _update_other_side(self) -> None:
        counterpart = self._counterpart()
        if counterpart is None or self.form is None:
            self.comparison.set_levels(None, {}, {})
            return
        role, response = counterpart
        label = _("Self") if role is RaterRole.SELF else _("Manager")
        levels = response.levels if response is not None else {}
        for widget in self.criteria:
            widget.show_other(label if response is not None else None, levels.get(widget.criterion.id))
        mine = self.current_levels()
        if role is RaterRole.SELF:
            self.comparison.set_levels(self.form, levels, mine)
        else:
            self.comparison.set_levels(self.form, mine, levels)
        self.comparison_view.resizeColumnsToContents()
        # long criterion names wrap onto more lines instead of being cut in the narrow side panel
        self.comparison_view.setWordWrap(True)
        self.comparison_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.comparison_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.comparison_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.comparison_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def current_levels(self) -> dict[str, str | None]:
        return {w.criterion.id: w.level for w in self.criteria}

    def current_comments(self) -> dict[str, str | None]:
        return {w.criterion.id: w.comment_text or None for w in self.criteria}

    def current_texts(self) -> dict[str, str | None]:
        return {key: box.toPlainText().strip() or None for key, box in self.sections.items()}

    def criterion(self, criterion_id: str) -> CriterionWidget:
        return next(w for w in self.criteria if w.criterion.id == criterion_id)

    # -- editing and saving -------------------------------------------------------------------------
    def _edited(self) -> None:
        if self._loading or self.read_only:
            return
        self._dirty = True
        self.message.setText("")
        self.status.setText(_("Editing…"))
        self._update_other_side()
        self._draft_timer.start()

    def _input(self):
        from kpidesk.services.forms.responses import ResponseInput

        entry, version, choice = self.shown
        return ResponseInput(
            period=self.snapshot.period, employee_id=entry.employee_id,
            form_version_id=version, role=choice.role,
            levels=self.current_levels(), comments=self.current_comments(), texts=self.current_texts(),
            rater_id=choice.rater_id,
        )

    def flush(self) -> None:
        """Save a pending draft now (before the form on screen changes)."""
        if self._dirty and self.form is not None and not self.read_only:
            self.save_draft()

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if self.form is None or self.read_only:
            return
        if not any(self.current_levels().values()) and not any(self.current_comments().values()) \
                and not any(self.current_texts().values()):
            self._dirty = False
            return
        self._dirty = False
        self._write(self._input(), submit=False)

    def submit(self) -> None:
        if self.form is None or self.read_only:
            return
        self._draft_timer.stop()
        issues = check_response(self.form, self.current_levels(), self.current_comments(), complete=True)
        if issues:
            first = issues[0]
            self.message.setText(self._issue_text(issues))
            widget = self.criterion(first.criterion_id) if first.criterion_id else None
            if widget is not None:
                target = widget.comment if first.code == "comment_required" else widget.chooser
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll.ensureWidgetVisible(widget)
            return
        self._dirty = False
        self._write(self._input(), submit=True)

    def _issue_text(self, issues) -> str:
        form = self.form
        lines = []
        for issue in issues:
            params = dict(issue.params)
            if "criterion" in params:
                params["criterion"] = text_of(form.criterion(params["criterion"]).title)
            if params.get("level") in form.scale.ids:
                params["level"] = text_of(form.scale.level(params["level"]).label)
            lines.append(_(issue.template).format(**params))
        head = _("Not submitted:")
        return head + " " + "; ".join(lines)

    def _write(self, data, *, submit: bool) -> None:
        self._own_writes += 1
        key = (data.employee_id, data.form_version_id, RaterRole(data.role), data.rater_id)
        (Task(self, forms.save_response, self.ctx.db, self.ctx.actor, data, submit=submit,
              response_id=self.response_id)
         .writes(Changes.FORMS)
         .success(lambda response_id: self._saved(key, data, submit, response_id))
         .failure(self._save_failed)
         .start())

    def _saved(self, key, data, submit: bool, response_id: int) -> None:
        self._own_writes -= 1
        self._remember(key, data, submit, response_id)
        if self._showing(key):
            self.response = self._find_response(data.employee_id, data.form_version_id, self.shown[2])
            self.response_id = response_id
            self._update_state()
            if submit:
                self.message.setText("")
                self.status.setText(_("Submitted"))
                self._update_other_side()
        self._fill_employee_marks()

    def _save_failed(self, error: BaseException) -> None:
        self._own_writes -= 1
        self._dirty = True
        self.message.setText(str(error))

    def _showing(self, key) -> bool:
        if self.shown is None:
            return False
        entry, version, choice = self.shown
        return key == (entry.employee_id, version, choice.role, choice.rater_id)

    def _remember(self, key, data, submit: bool, response_id: int) -> None:
        """Keep the page's copy of the responses in step with what was just saved."""
        from dataclasses import replace
        from datetime import UTC, datetime

        from kpidesk.services.forms.responses import ResponseView

        now = datetime.now(UTC).replace(tzinfo=None)  # stored times are naive UTC, as the database keeps them
        existing = next((r for r in self.snapshot.responses if r.id == response_id), None)
        levels = {k: v for k, v in data.levels.items() if v}
        comments = {k: v for k, v in data.comments.items() if v}
        texts = {k: v for k, v in data.texts.items() if v}
        status = ResponseStatus.SUBMITTED if submit else ResponseStatus.DRAFT
        if existing is not None:
            updated = replace(existing, levels=levels, comments=comments, texts=texts, status=status, updated_at=now,
                              submitted_at=now if submit else existing.submitted_at)
            self.snapshot.responses[self.snapshot.responses.index(existing)] = updated
            return
        entry = next((e for e in self.snapshot.roster if e.employee_id == data.employee_id), None)
        form = self.snapshot.forms.get(data.form_version_id)
        self.snapshot.responses.append(ResponseView(
            id=response_id, period=data.period, employee_id=data.employee_id,
            employee_name=entry.name if entry else "", form_key=form.id if form else "",
            form_version=form.version if form else 0, form_version_id=data.form_version_id,
            role=RaterRole(data.role).value, rater="", rater_id=data.rater_id, anonymous=False, status=status,
            levels=levels, comments=comments, texts=texts, updated_at=now, submitted_at=now if submit else None,
        ))

    def _fill_employee_marks(self) -> None:
        for i in range(self.employee_combo.count()):
            entry = next(e for e in self.snapshot.roster if e.employee_id == self.employee_combo.itemData(i))
            self.employee_combo.setItemText(i, f"{entry.staff_no}  {entry.name}{self._progress_mark(entry)}")

    def reopen(self) -> None:
        if not self.submitted or self.locked:
            return
        reason = self.ctx.dialogs.ask_text(self, _("Reopen the form"), _("Why does this submitted form need to "
                                                                          "change?"), required=True,
                                           action=_("Reopen the form"))
        if not reason:
            return
        self._own_writes += 1
        (Task(self, forms.reopen_response, self.ctx.db, self.ctx.actor, self.response.id, reason)
         .writes(Changes.FORMS)
         .success(self._reopened)
         .failure(self._save_failed)
         .start())

    def _reopened(self, response_id: int) -> None:
        from dataclasses import replace

        self._own_writes -= 1
        existing = next((r for r in self.snapshot.responses if r.id == response_id), None)
        if existing is not None:
            index = self.snapshot.responses.index(existing)
            self.snapshot.responses[index] = replace(existing, status=ResponseStatus.DRAFT, submitted_at=None)
        self._build_form()
        self._fill_employee_marks()

    def _comparison_clicked(self, index) -> None:
        """Jump to the criterion a row of the side-by-side table is about."""
        if 0 <= index.row() < len(self.criteria):
            widget = self.criteria[index.row()]
            self.scroll.ensureWidgetVisible(widget, 0, 0)
            widget.chooser.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keeping the focused field in view ----------------------------------------------------------
    def _focus_changed(self, _old, new) -> None:
        if new is not None and self.isVisible() and self.body.isAncestorOf(new):
            holder = new.parentWidget() if new.parentWidget() is not self.body else new
            self.scroll.ensureWidgetVisible(holder, 0, 40)
