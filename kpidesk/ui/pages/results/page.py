"""(long: the page coordinates six tabs and the finalize flow; their widgets already live in sibling modules) The Results & calibration page: the computed table, explanations, adjustments, exemptions and
grading despite too little data, calibration, review with appeals, finalize / reopen, and sign-offs.

Everything is read by ``results_data.load_results`` in a worker. The last result of each period is kept
(for this database and this user's view of it only, see ``result_cache``) and shown at once, marked as
being refreshed, while the worker computes it again: the table is never blank on a reopen. Every change
is a service call in a write task (audited there), after which the context's ``changed`` signal makes the
page reload. Adding an adjustment or exemption can be undone (the undo removes it again, with a reason in
the audit log).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QThreadPool, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.periods import PeriodParseError, parse_period
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.i18n import N_, _, ngettext
from kpidesk.i18n.times import format_local_time
from kpidesk.services.appraisal import use_cases as appraisal
from kpidesk.services.appraisal.result_cache import ResultCache
from kpidesk.services.appraisal.status_words import period_status_text
from kpidesk.services.safety.access import Permission, can, may_somewhere
from kpidesk.ui.context import Changes
from kpidesk.ui.frozen_columns import FrozenColumns
from kpidesk.ui.icons import locked_text
from kpidesk.ui.later_text import Message, RelabelledCommand, message
from kpidesk.ui.models import display_value
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.results.calibration import CalibrationView
from kpidesk.ui.pages.results.data import ResultsData, load_results, warm_up_charts
from kpidesk.ui.pages.results.model import ResultsModel, ResultsProxy
from kpidesk.ui.pages.results.review import ReviewView, SignoffsView
from kpidesk.ui.pages.results.widgets import fit_from_sample
from kpidesk.ui.tasks import Task, when_painted
from kpidesk.ui.widgets import Banner, SearchBox, Table, heading

RESULT_CHANGES = Changes.RESULTS | Changes.ADJUSTMENTS
CHARTS_WARM_PAUSE_MS = 1000  # a pause this long in what the person does before the charts are loaded
FILL_AFTER_PAINT_ROWS = 2000  # a kept result this long is shown after the empty page's first paint
PERIOD_CHANGES = Changes.PERIODS | Changes.RESULTS | Changes.MEASUREMENTS | Changes.FORMS | Changes.ADJUSTMENTS


# --- undo ----------------------------------------------------------------------------------------------

class AddCommand(RelabelledCommand):
    """Adding an adjustment, exemption or grading waiver; undo removes it (audited with the reason "undone")."""

    def __init__(self, page: ResultsPage, text: Message, add: Callable[[], Any], remove: Callable[[int], Any]) -> None:
        super().__init__(text)
        self.page, self.add, self.remove = page, add, remove
        self.row_id: int | None = None

    def redo(self) -> None:
        self.page.run_write(self.add, RESULT_CHANGES, self._added, lambda _e: self.setObsolete(True))

    def _added(self, row_id: int) -> None:
        self.row_id = row_id

    def undo(self) -> None:
        if self.row_id is not None:
            row_id, self.row_id = self.row_id, None
            self.page.run_write(lambda: self.remove(row_id), RESULT_CHANGES)


# --- the page ------------------------------------------------------------------------------------------

class ResultsPage(Page):
    """See the module docstring."""

    watches = Changes.ALL & ~Changes.AUDIT
    loaded = Signal()  # a ResultsData was shown

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: ResultsData | None = None
        self.selected_employee: int | None = None
        self.stack = QUndoStack(self)
        self.last_task: Task | None = None
        self.results_cache: ResultCache[ResultsData] = ctx.kept_results  # a few periods; memory stays small
        ctx.actor_changed.connect(self._on_actor_changed)
        self.refreshing = False  # the table shows a kept result while the fresh one is computed
        self._loads = 0  # only the newest load's result is shown
        self._showing = False  # within showEvent: what the table holds is about to be painted

        self.title = heading()
        self.status = QLabel()
        self.status.setObjectName("resultsStatus")
        self.refreshing_label = QLabel()
        self.refreshing_label.setObjectName("resultsRefreshing")
        self.refreshing_label.setStyleSheet("color: #78909c; font-style: italic;")
        self.refreshing_label.hide()
        self.recompute_button = QPushButton()
        self.adjust_button = QPushButton()
        self.exempt_button = QPushButton()
        self.remove_button = QPushButton()
        self.grade_anyway_button = QPushButton()
        self.grade_anyway_button.setObjectName("gradeAnyway")
        self.review_button = QPushButton()
        self.finalize_button = QPushButton()
        self.reopen_button = QPushButton()
        self.recompute_button.clicked.connect(self.recompute)
        self.adjust_button.clicked.connect(self.add_adjustment)
        self.exempt_button.clicked.connect(self.add_exemption)
        self.remove_button.clicked.connect(self.remove_adjustment_or_exemption)
        self.grade_anyway_button.clicked.connect(self.grade_despite_insufficient_data)
        self.review_button.clicked.connect(self.move_to_review)
        self.finalize_button.clicked.connect(self.finalize)
        self.reopen_button.clicked.connect(self.reopen)
        self.banner = Banner()

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.refreshing_label)
        top.addWidget(self.status)
        actions = QHBoxLayout()
        for button in (self.recompute_button, self.adjust_button, self.exempt_button, self.remove_button,
                       self.grade_anyway_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.review_button, self.finalize_button, self.reopen_button):
            actions.addWidget(button)

        self.model = ResultsModel(self)
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = Table(ctx.settings, "results/table")
        self.table.setObjectName("resultsTable")
        self.table.setSelectionBehavior(Table.SelectionBehavior.SelectItems)
        self.table.setModel(self.proxy)
        fit_from_sample(self.table)
        self.frozen_columns = FrozenColumns(self.table, 2)  # staff number and name stay while scrolling sideways
        self.table.clicked.connect(self.show_cell)
        self.table.selectionModel().currentChanged.connect(lambda current, _prev: self.show_cell(current))
        self.search = SearchBox()
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.group_combo = QComboBox()
        self.group_combo.currentIndexChanged.connect(self._group_chosen)
        self.flagged_check = QCheckBox()
        self.flagged_check.toggled.connect(self.proxy.set_flagged_only)
        self.explanation = QTextBrowser()
        self.explanation.setObjectName("explanation")
        self.explanation.setOpenLinks(False)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.group_combo, 1)
        filters.addWidget(self.flagged_check)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.explanation)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        results_tab = QWidget()
        results_layout = QVBoxLayout(results_tab)
        results_layout.addLayout(filters)
        results_layout.addWidget(split, 1)

        self.calibration = CalibrationView(ctx.settings)
        self.calibration.apply_requested.connect(self.apply_forced)
        self.calibration.clear_requested.connect(self.clear_forced)
        self.calibration.charts_needed.connect(self._load_charts)
        self._loading_charts = False
        self.review = ReviewView(ctx.settings)
        self.review.record_requested.connect(self.record_response)
        self.review.answer_requested.connect(self.answer_appeal)
        self.signoffs = SignoffsView(ctx.settings)
        self.signoffs.record_requested.connect(self.record_signoff)
        self.signoffs.remove_requested.connect(self.remove_signoff)
        self.tabs = QTabWidget()
        self._stale_tabs: set[QWidget] = set()
        self.tabs.currentChanged.connect(lambda _i: self._fill_current_tab())
        self.tabs.addTab(results_tab, "")
        self.tabs.addTab(self.calibration, "")
        self.tabs.addTab(self.review, "")
        self.tabs.addTab(self.signoffs, "")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        ctx.period_changed.connect(lambda _code: self.mark_stale())
        self.retranslate()
        self._update_actions()

    # -- page protocol --------------------------------------------------------------------------------
    def undo_stack(self) -> QUndoStack:
        return self.stack

    def retranslate(self) -> None:
        self.recompute_button.setText(_("Re&compute"))
        self.adjust_button.setText(_("&Adjustment…"))
        self.adjust_button.setToolTip(_("Add bonus or penalty points with a reason for the selected employee"))
        self.exempt_button.setText(_("&Exemption…"))
        self.exempt_button.setToolTip(_("Leave one KPI out for the selected employee, with a reason"))
        self.remove_button.setText(_("Remo&ve…"))
        self.remove_button.setToolTip(_("Remove an adjustment, exemption or grading despite too little data of "
                                        "the selected employee"))
        self.grade_anyway_button.setText(_("Grade despite too &little data…"))
        self.grade_anyway_button.setToolTip(_("Grade and rank the selected employee although their result rests on "
                                              "less of the template than the minimum coverage (a reason is required)"))
        self.review_button.setText(_("Move to re&view…"))
        self.finalize_button.setText(_("&Finalize…"))
        self.reopen_button.setText(_("Re&open…"))
        self.search.setPlaceholderText(_("Search name, staff no., grade, flag…"))
        self.flagged_check.setText(_("Flagged only"))
        self.refreshing_label.setText(_("Refreshing…"))
        self.refreshing_label.setToolTip(_("These are the results last computed; the fresh ones replace them in a "
                                           "moment"))
        if self.group_combo.count():
            self.group_combo.setItemText(0, _("All departments, teams and positions"))
        self.tabs.setTabText(0, _("Results"))
        self.tabs.setTabText(1, _("Calibration"))
        self.tabs.setTabText(2, _("Review && appeals"))
        self.tabs.setTabText(3, _("Sign-offs"))
        self.calibration.retranslate()
        self.review.retranslate()
        self.signoffs.retranslate()
        self._show_header()

    def refresh(self) -> None:
        self.load()

    def load(self, *, with_progress: bool = False) -> Task | None:
        period = self.ctx.period_code
        if period is None:
            self._set_refreshing(False)
            self._show(None)
            self.banner.show_text(_("No period is open yet."))
            return None
        db, actor, language = self.ctx.db, self.ctx.actor, self.ctx.language
        self._loads += 1
        number = self._loads
        kept = self.results_cache.get(db, actor, period, language)
        shown_kept = kept is not None and kept is not self.data
        # a kept result, or the result the page held while hidden, is painted before the worker competes
        # with the paint for the interpreter lock (beside it, 500 rows coming back into view took 120–140 ms)
        painting = shown_kept or (self._showing and self.data is not None)
        task = Task(self, load_results, db, actor, period).after_paint(self.table.viewport() if painting else None)
        if with_progress:
            task.with_progress(_("Recomputing {period}…").format(period=period), in_window=True)
        self.last_task = task.success(lambda data: self._computed(number, db, actor, language, data)) \
            .failure(lambda error: self._load_failed(number, error))
        if kept is not None and shown_kept and self._fill_after_paint(kept):
            when_painted(self.table.viewport(), lambda: self._show_kept_then_compute(number, kept, task), self)
            return task
        if kept is not None and shown_kept:
            self._show(kept, fresh=False)
        self._set_refreshing(self.data is not None)
        return task.start()

    def showEvent(self, event) -> None:  # noqa: N802
        self._showing = True
        try:
            super().showEvent(event)
        finally:
            self._showing = False

    def _fill_after_paint(self, kept: ResultsData) -> bool:
        """Whether a kept result waits for the empty table's paint: building the page, filling and laying out
        5,000 rows and painting them all in one turn froze the window for 100–170 ms, while 500 rows take some
        25 ms and are never shown blank. Only for a large result, when the table is empty and on screen, and
        when tasks run in threads (where a test's pool runs them at once, the result is shown at once too)."""
        return len(kept.scores.frame) >= FILL_AFTER_PAINT_ROWS and self.data is None and \
            self.table.viewport().isVisible() and isinstance(self.ctx.tasks.write_pool, QThreadPool)

    def _show_kept_then_compute(self, number: int, kept: ResultsData, task: Task) -> None:
        if number != self._loads:
            return  # a newer load, another database or another login came meanwhile
        self._show(kept, fresh=False)
        self._set_refreshing(self.data is not None)
        task.start()

    def recompute(self) -> Task | None:
        """Compute the period again in a worker, with a progress dialog when it takes a while."""
        return self.load(with_progress=True)

    def focus_employee(self, employee_id: int) -> None:
        self.selected_employee = employee_id
        self.tabs.setCurrentIndex(0)
        self._select(employee_id)

    def prepare_screenshot(self) -> None:
        """For the documentation: a score of someone below the top grade, explained."""
        if self.data is None:
            return
        frame = self.data.scores.frame
        graded = frame[frame["grade_code"].notna()].sort_values("total")
        if graded.empty:
            return
        employee = int(graded.index[len(graded) // 3])
        code = next((c for c, item in self.data.scores.kpis(employee).items() if item["status"] == "ok"), None)
        row = self.model.row_of(employee)
        column = self.model.column_of(code) if code else 1
        index = self.proxy.mapFromSource(self.model.index(row, column))
        self.tabs.setCurrentIndex(0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.show_cell(index)

    def extra_screenshots(self):
        return [("results-calibration", lambda: self.tabs.setCurrentWidget(self.calibration))]

    # -- showing --------------------------------------------------------------------------------------
    def _on_database_changed(self) -> None:
        self._forget_shown()
        super()._on_database_changed()

    def _on_actor_changed(self) -> None:
        """Reload once control returns to the event loop: a login usually comes with its database, which
        the window adopts right after naming the new actor."""
        self._forget_shown()
        self._stale = True
        QTimer.singleShot(0, self, self._reload_if_stale)

    def _forget_shown(self) -> None:
        """Another database or another login: nothing shown for the previous one stays on screen, and
        results still being computed for it are dropped when they arrive."""
        self._loads += 1
        self._set_refreshing(False)
        self._show(None)

    def _computed(self, number: int, db, actor, language: str, data: ResultsData) -> None:
        if db is not self.ctx.db or actor != self.ctx.actor:
            return  # computed for a database or a login that is gone
        self.results_cache.put(db, actor, data.period, data, language)
        if number == self._loads:
            self._set_refreshing(False)
            self._show(data)
        warm_charts_once(self)

    def _set_refreshing(self, refreshing: bool) -> None:
        self.refreshing = refreshing
        self.refreshing_label.setVisible(refreshing)

    def _load_failed(self, number: int, error: BaseException) -> None:
        from kpidesk.errors import Cancelled
        from kpidesk.ui.dialogs import error_text

        if number != self._loads:
            return
        self._set_refreshing(False)
        if isinstance(error, Cancelled):
            return
        self._show(None)
        self.banner.show_text(error_text(error), "error")

    def _show(self, data: ResultsData | None, *, fresh: bool = True) -> None:
        """Show ``data``; a kept result (not ``fresh``) is shown the same way but announces no ``loaded``.
        A result equal to the shown one replaces it without resetting the table."""
        if data is not None and data.period != self.ctx.period_code:
            return
        unchanged = data is not None and self.data is not None and self.data.same_table(data)
        self.data = data
        if unchanged:
            self.model.adopt_equal(data)
        else:
            self.model.set_results(data)
            self._fill_groups()
        self._show_header()
        self._update_actions()
        if data is None:
            self.explanation.clear()
            return
        if not unchanged:
            self.table.restore_columns()
        self._stale_tabs = {self.calibration, self.review, self.signoffs}
        self._fill_current_tab()
        if self.selected_employee is not None:
            if not unchanged:
                self._select(self.selected_employee)
            self.show_cell(self.table.currentIndex())
        if fresh:
            self.loaded.emit()

    def _fill_current_tab(self) -> None:
        """The other tabs are filled when first looked at after a load (a 500-person period stays quick)."""
        tab = self.tabs.currentWidget()
        if self.data is not None and tab in self._stale_tabs:
            self._stale_tabs.discard(tab)
            tab.show_data(self.data)

    def _load_charts(self) -> None:
        """Load the chart modules in a worker, then draw the calibration chart: opened before they were
        loaded ahead, the tab would otherwise load matplotlib on the UI thread."""
        if self._loading_charts:
            return
        self._loading_charts = True

        def loaded(_result: object) -> None:
            self._loading_charts = False
            self.calibration.draw_chart()

        def failed(error: BaseException) -> None:
            from kpidesk.ui.dialogs import error_text

            self._loading_charts = False
            self.calibration.chart_waiting.setText(
                _("The chart cannot be drawn: {error}").format(error=error_text(error)))

        Task(self, warm_up_charts).rendering().success(loaded).failure(failed).start()

    def _show_header(self) -> None:
        data = self.data
        if data is None:
            self.title.setText(_("Results & calibration"))
            self.status.setText("")
            return
        self.title.setText(_("Results & calibration · {period}").format(period=data.period))
        self.status.setText(_("Status: {status}").format(status=period_status_text(data.status)))
        if data.status == PeriodStatus.FINALIZED:
            when = format_local_time(data.finalized_at) or "—"
            self.banner.show_text(locked_text(_("Finalized by {who} on {when}: these are the stored results. Reopen "
                                                "the period (with a reason) to change anything.").format(
                who=data.finalized_by or "—", when=when)), "info")
        elif data.status == PeriodStatus.REVIEW:
            self.banner.show_text(_("In review: employees acknowledge or appeal their results; answer every "
                                    "appeal before finalizing."), "info")
        else:
            self.banner.hide()

    def _fill_groups(self) -> None:
        combo = self.group_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All departments, teams and positions"), None)
        if self.data is not None:
            frame = self.data.scores.frame
            names = []
            for column in ("department", "team", "position"):
                names += [n for n in dict.fromkeys(frame[column]) if isinstance(n, str) and n not in names]
            for name in names:
                combo.addItem(name, name)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)
        self.proxy.set_group(combo.currentData())
        self._hide_empty_kpi_columns()

    def _group_chosen(self, _index: int) -> None:
        self.proxy.set_group(self.group_combo.currentData())
        self._hide_empty_kpi_columns()

    def _hide_empty_kpi_columns(self) -> None:
        """KPI columns none of the shown people is appraised on are hidden (templates differ by position).
        Which KPIs a department, team or position uses was found in the worker; only a search or the flagged
        filter makes the page look at the shown rows themselves."""
        data = self.data
        known = data.kpis_in_use if data is not None else None
        if known is not None and not self.proxy.filterRegularExpression().pattern() and not self.proxy.flagged_only:
            used = known.get(self.proxy.group, frozenset())
        else:
            rows = [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(self.proxy.rowCount())]
            used = frozenset(self.model.key(column) or "" for column in range(self.model.columnCount())
                             if self.model.is_kpi(column)
                             and any(self.model.status(row, column) is not None for row in rows))
        for column in range(self.model.columnCount()):
            if self.model.is_kpi(column):
                self.table.setColumnHidden(column, self.model.key(column) not in used)

    def _update_actions(self) -> None:
        data, actor = self.data, self.ctx.actor
        status = data.status if data else None
        writable = not self.ctx.read_only
        may_adjust = writable and may_somewhere(actor, Permission.ADJUST)
        may_manage = writable and can(actor, Permission.PERIODS_MANAGE)
        finalized = status == PeriodStatus.FINALIZED  # its stored results are shown; computing changes nothing
        self.recompute_button.setEnabled(not finalized and (data is not None or self.ctx.period_code is not None))
        self.recompute_button.setToolTip(
            _("A finalized period shows its stored results; reopen it to compute again.") if finalized else "")
        editable = status in (PeriodStatus.OPEN, PeriodStatus.REVIEW)
        for button in (self.adjust_button, self.exempt_button, self.remove_button, self.grade_anyway_button):
            button.setEnabled(bool(editable and may_adjust))
        self.review_button.setEnabled(bool(status == PeriodStatus.OPEN and may_manage))
        self.finalize_button.setEnabled(bool(editable and may_manage))
        self.reopen_button.setEnabled(bool(status == PeriodStatus.FINALIZED and may_manage))

    def show_tab(self, name: str) -> None:
        """Bring a tab to the front by name (the Overview links its unsigned sheets to "signoffs")."""
        tabs = {"signoffs": self.signoffs}
        if name in tabs:
            self.tabs.setCurrentWidget(tabs[name])

    # -- selection and explanations -----------------------------------------------------------------------
    def _select(self, employee_id: int) -> None:
        row = self.model.row_of(employee_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 1))
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.table.scrollTo(index)
        self.signoffs.select_employee(employee_id)

    def current_employee(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.employee_id(self.proxy.mapToSource(index).row())

    def show_cell(self, index: QModelIndex) -> None:
        """Explain the clicked score, or summarise the person for any other column."""
        if not index.isValid() or self.data is None:
            return
        source = self.proxy.mapToSource(index)
        employee = self.model.employee_id(source.row())
        if employee is None:
            return
        self.selected_employee = employee
        if self.model.is_kpi(source.column()):
            self.explanation.setHtml(self._kpi_html(employee, self.model.key(source.column())))
        else:
            self.explanation.setHtml(self._person_html(employee))

    def explanation_text(self) -> str:
        return self.explanation.toPlainText()

    def _kpi_html(self, employee: int, code: str) -> str:
        data = self.data
        item = data.scores.kpis(employee).get(code)
        head = f"<h3>{_esc(data.person(employee))} · {_esc(data.kpi_name(code))}</h3>"
        if item is None:
            return head + "<p>" + _esc(_("This KPI is not on the employee's template.")) + "</p>"
        text = data.scores.explanation_text(employee, code) or ""
        facts = [
            (_("Score"), display_value(item["score"])),
            (_("Weight"), display_value(item["weight"]) + " %" if item["weight"] is not None else ""),
            (_("Weighted"), display_value(item["weighted"])),
        ]
        rows = "".join(f"<tr><td>{_esc(k)}</td><td align='right'>{_esc(v)}</td></tr>" for k, v in facts)
        exemption = next((e for e in data.exemptions if e.employee_id == employee and e.kpi_code == code), None)
        extra = ("<p>" + _esc(_("Exempt: {reason} ({author})").format(reason=exemption.reason, author=exemption.author))
                 + "</p>") if exemption else ""
        return f"{head}<p><b>{_esc(text)}</b></p><table cellpadding='3'>{rows}</table>{extra}"

    def _person_html(self, employee: int) -> str:
        from kpidesk.services.appraisal.scoring import flag_label

        data = self.data
        frame = data.scores.frame
        row = frame.loc[employee]
        lines = [f"<h3>{_esc(data.person(employee))}</h3>", "<table cellpadding='3'>"]
        for code, item in data.scores.kpis(employee).items():
            score = display_value(item["score"]) if item["score"] is not None else _("no score")
            lines.append(f"<tr><td>{_esc(data.kpi_name(code))}</td><td align='right'>{_esc(score)}</td>"
                         f"<td align='right'>× {_esc(display_value(item['weight']))} %</td></tr>")
        lines.append("</table><table cellpadding='3'>")
        for key, title in (("quantitative", N_("Quantitative")), ("qualitative", N_("Qualitative")),
                           ("adjustments", N_("Adjustments")), ("total", N_("Total"))):
            value = row[key]
            lines.append(f"<tr><td>{_esc(_(title))}</td><td align='right'><b>{_esc(display_value(value))}</b></td></tr>")
        grade = row["grade"] if isinstance(row["grade"], str) else "—"
        lines.append(f"<tr><td>{_esc(_('Grade'))}</td><td align='right'><b>{_esc(grade)}</b></td></tr></table>")
        flags = [flag_label(f) for f in row["flags"] or ()]
        if flags:
            lines.append("<p>" + _esc(_("Flags: {flags}").format(flags=", ".join(flags))) + "</p>")
        if employee in data.missing_raters:
            lines.append("<p>" + _esc(_("Qualitative part still missing: {what}").format(
                what=data.missing_raters[employee])) + "</p>")
        items = [a for a in data.adjustments if a.employee_id == employee]
        if items:
            lines.append("<p><b>" + _esc(_("Adjustments")) + "</b></p><ul>")
            for a in items:
                points = ("+" if a.points > 0 else "") + display_value(a.points)
                lines.append(f"<li>{_esc(points)}: {_esc(a.reason)} ({_esc(a.author)})</li>")
            lines.append("</ul>")
        for waiver in (w for w in data.grading_waivers if w.employee_id == employee):
            lines.append("<p>" + _esc(_("Graded despite too little data: {reason} ({author})").format(
                reason=waiver.reason, author=waiver.author)) + "</p>")
        exempt = [e for e in data.exemptions if e.employee_id == employee]
        if exempt:
            lines.append("<p><b>" + _esc(_("Exemptions")) + "</b></p><ul>")
            lines += [f"<li>{_esc(data.kpi_name(e.kpi_code))}: {_esc(e.reason)}</li>" for e in exempt]
            lines.append("</ul>")
        return "".join(lines)

    # -- writes ---------------------------------------------------------------------------------------
    def run_write(self, work: Callable[[], Any], changes: Changes, done: Callable[[Any], None] | None = None,
                  failed: Callable[[BaseException], None] | None = None) -> Task:
        def on_failure(error: BaseException) -> None:
            self.ctx.dialogs.error(self, error)
            if failed is not None:
                failed(error)

        task = Task(self, work).writes(changes).failure(on_failure)
        if done is not None:
            task.success(done)
        self.last_task = task.start()
        return self.last_task

    def _employee_or_warn(self) -> int | None:
        employee = self.current_employee() or self.selected_employee
        if employee is None:
            self.ctx.dialogs.warning(self, _("Results"), _("Select an employee in the table first."))
        return employee

    def add_adjustment(self) -> None:
        employee = self._employee_or_warn()
        if employee is None or self.data is None:
            return
        person = self.data.person(employee)
        points = self.ctx.dialogs.ask_text(self, _("Adjustment for {person}").format(person=person),
                                           _("Points to add (negative to deduct), e.g. 2 or -1.5:"))
        if not points:
            return
        reason = self.ctx.dialogs.ask_text(self, _("Adjustment for {person}").format(person=person),
                                           _("Reason (required, kept in the audit log):"), required=True,
                                           action=_("Add adjustment"))
        if not reason:
            return
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.stack.push(AddCommand(
            self, message(N_("Adjustment {points} for {person}"), points=points, person=person),
            lambda: appraisal.add_adjustment(db, actor, period, employee, points, reason),
            lambda row_id: appraisal.remove_adjustment(db, actor, row_id, _("undone"))))

    def add_exemption(self) -> None:
        employee = self._employee_or_warn()
        if employee is None or self.data is None:
            return
        person = self.data.person(employee)
        exempt = {e.kpi_code for e in self.data.exemptions if e.employee_id == employee}
        codes = [c for c in self.data.kpi_codes_of(employee) if c not in exempt]
        if not codes:
            self.ctx.dialogs.warning(self, _("Exemption"), _("{person} has no KPI left to exempt.").format(person=person))
            return
        index = self.ctx.dialogs.choose(self, _("Exemption for {person}").format(person=person),
                                        _("KPI to leave out:"), [self.data.kpi_name(c) for c in codes])
        if index is None:
            return
        reason = self.ctx.dialogs.ask_text(self, _("Exemption for {person}").format(person=person),
                                           _("Reason (required, e.g. exceptional workload):"), required=True)
        if not reason:
            return
        until = self.ctx.dialogs.ask_text(self, _("Exemption for {person}").format(person=person), _(
            "Exempt until the end of (optional, e.g. 2026-03; empty: this period only; later periods "
            "opened before then carry it over):"), action=_("Add exemption"))
        ends_on = None
        if until and until.strip():
            try:
                ends_on = parse_period(until).end
            except PeriodParseError:
                self.ctx.dialogs.warning(self, _("Exemption"), _("“{text}” is not a period.").format(
                    text=until.strip()))
                return
        code = codes[index]
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.stack.push(AddCommand(
            self, message(N_("Exemption of {kpi} for {person}"), kpi=self.data.kpi_name(code), person=person),
            lambda: appraisal.add_exemption(db, actor, period, employee, code, reason, ends_on),
            lambda row_id: appraisal.remove_exemption(db, actor, row_id, _("undone"))))

    def remove_adjustment_or_exemption(self) -> None:
        employee = self._employee_or_warn()
        if employee is None or self.data is None:
            return
        choices: list[tuple[str, Callable[[str], Any]]] = []
        db, actor = self.ctx.db, self.ctx.actor
        for a in self.data.adjustments:
            if a.employee_id == employee:
                text = _("Adjustment {points}: {reason}").format(points=display_value(a.points), reason=a.reason)
                choices.append((text, lambda reason, i=a.id: appraisal.remove_adjustment(db, actor, i, reason)))
        for e in self.data.exemptions:
            if e.employee_id == employee and not e.automatic:
                text = _("Exemption of {kpi}: {reason}").format(kpi=self.data.kpi_name(e.kpi_code), reason=e.reason)
                choices.append((text, lambda reason, i=e.id: appraisal.remove_exemption(db, actor, i, reason)))
        for w in self.data.grading_waivers:
            if w.employee_id == employee:
                text = _("Graded despite too little data: {reason}").format(reason=w.reason)
                choices.append((text, lambda reason, i=w.id: appraisal.remove_grading_waiver(db, actor, i, reason)))
        if not choices:
            self.ctx.dialogs.info(self, _("Remove"), _("{person} has no adjustment or exemption.").format(
                person=self.data.person(employee)))
            return
        index = self.ctx.dialogs.choose(self, _("Remove"), _("Remove which one?"), [c[0] for c in choices])
        if index is None:
            return
        reason = self.ctx.dialogs.ask_text(self, _("Remove"), _("Reason (required):"), required=True,
                                           action=_("Remove"))
        if reason:
            remove = choices[index][1]
            self.run_write(lambda: remove(reason), RESULT_CHANGES)

    def grade_despite_insufficient_data(self) -> None:
        """Only a result flagged as resting on too little data can be graded anyway; the reason is audited."""
        employee = self._employee_or_warn()
        if employee is None or self.data is None:
            return
        person = self.data.person(employee)
        title = _("Grade {person} despite too little data").format(person=person)
        if any(w.employee_id == employee for w in self.data.grading_waivers):
            self.ctx.dialogs.info(self, title, _("{person} is already graded despite too little data; use Remove… "
                                                 "to take that back.").format(person=person))
            return
        if "insufficient_data" not in (self.data.scores.frame.at[employee, "flags"] or ()):
            self.ctx.dialogs.info(self, title, _("{person}'s result rests on enough data to be graded.").format(
                person=person))
            return
        reason = self.ctx.dialogs.ask_text(self, title, _(
            "Reason (required, kept in the audit log), e.g. on leave for most of the period:"), required=True)
        if not reason:
            return
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.stack.push(AddCommand(
            self, _("Grading of {person} despite too little data").format(person=person),
            lambda: appraisal.add_grading_waiver(db, actor, period, employee, reason),
            lambda row_id: appraisal.remove_grading_waiver(db, actor, row_id, _("undone"))))

    def move_to_review(self) -> None:
        if self.data is None:
            return
        period = self.data.period
        if not self.ctx.dialogs.confirm(self, _("Move {period} to review?").format(period=period),
                                        _("Employees can then see their results and acknowledge or appeal them. "
                                          "Adjustments stay possible until the period is finalized."),
                                        action=_("Move to review")):
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.run_write(lambda: appraisal.start_review(db, actor, period), PERIOD_CHANGES)

    def finalize(self) -> None:
        if self.data is None:
            return
        Task(self, appraisal.lock_summary, self.ctx.db, self.ctx.actor, self.data.period) \
            .success(self._confirm_finalize).start()

    def _confirm_finalize(self, summary) -> None:
        Task(self, appraisal.finalize_checklist, self.ctx.db, self.ctx.actor, summary.period) \
            .success(lambda checklist: self._show_checklist(summary, checklist)).start()

    def _show_checklist(self, summary, checklist) -> None:
        """The checklist replaces a Yes/No: each unsettled person is a link, the button says what it locks."""
        from kpidesk.ui.pages.results.finalize_check import FinalizeCheckDialog

        dialog = FinalizeCheckDialog(summary, checklist, self)
        dialog.person_chosen.connect(self._show_unsettled_person)
        dialog.accepted.connect(lambda: self._finalize_now(checklist.period))
        self.finalize_check = dialog
        dialog.open()

    def _show_unsettled_person(self, employee_id: int) -> None:
        self.tabs.setCurrentIndex(0)
        self._select(employee_id)
        self.selected_employee = employee_id

    def _finalize_now(self, period: str) -> None:
        # imported here: closing brings pay and its rules, which took the page's first opening 35 ms
        from kpidesk.services.closing import use_cases as closing

        db, actor = self.ctx.db, self.ctx.actor
        self.stack.clear()  # what was added is now part of the signed record
        self.run_write(lambda: closing.finalize_after_review(db, actor, period), PERIOD_CHANGES)

    def reopen(self) -> None:
        if self.data is None:
            return
        period = self.data.period
        reason = self.ctx.dialogs.ask_text(self, _("Reopen {period}").format(period=period),
                                           _("Why must the finalized period change? (required, kept in the audit "
                                             "log)"), action=_("Reopen"))
        if reason is None:
            return
        if not reason.strip():
            self.ctx.dialogs.warning(self, _("Reopen {period}").format(period=period),
                                     _("A reason is required: {period} stays finalized.").format(period=period))
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.run_write(lambda: appraisal.reopen_period(db, actor, period, reason), PERIOD_CHANGES)

    def record_response(self) -> None:
        employee = self._employee_or_warn()
        if employee is None or self.data is None:
            return
        person = self.data.person(employee)
        kinds = ["acknowledge", "appeal"]
        index = self.ctx.dialogs.choose(self, _("Response of {person}").format(person=person), _("The employee:"),
                                        [_("acknowledges the result"), _("appeals against the result")])
        if index is None:
            return
        text = None
        if kinds[index] == "appeal":
            text = self.ctx.dialogs.ask_text(self, _("Appeal of {person}").format(person=person),
                                             _("What does the employee appeal against?"), required=True)
            if not text:
                return
        staff_no = str(self.data.scores.frame.at[employee, "staff_no"])
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.run_write(lambda: appraisal.record_response(db, actor, period, staff_no, kinds[index], text),
                       Changes.RESULTS)

    def answer_appeal(self, appeal: dict) -> None:
        answer = self.ctx.dialogs.ask_text(self, _("Answer to {name}").format(name=appeal["name"]),
                                           _("Appeal: {text}\n\nYour answer:").format(text=appeal["text"] or ""),
                                           required=True, action=_("Save the answer"))
        if not answer:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.run_write(lambda: appraisal.answer_appeal(db, actor, appeal["id"], answer), Changes.RESULTS)

    def apply_forced(self, quotas, scope: str) -> None:
        if self.data is None:
            return
        moves = self.calibration.preview()
        moved = sum(1 for mv in moves if mv.moved)
        if not self.ctx.dialogs.confirm(
                self, _("Apply the forced distribution?"),
                _("{moved} people get another grade in {period}. The distribution is an organisation setting: "
                  "it applies to every period computed from now on until you return to grades by score.").format(
                    moved=moved, period=self.data.period),
                action=ngettext("Change {count} grade", "Change {count} grades", moved).format(count=moved)):
            return
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.run_write(lambda: appraisal.apply_forced(db, actor, period, quotas, scope),
                       Changes.SETTINGS | Changes.RESULTS)

    def clear_forced(self) -> None:
        if self.data is None or not self.ctx.dialogs.confirm(
                self, _("Grades by score again?"), _("Grades follow the totals again (organisation setting)."),
                action=_("Grade by score")):
            return
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.run_write(lambda: appraisal.clear_forced(db, actor, period), Changes.SETTINGS | Changes.RESULTS)

    def record_signoff(self, row) -> None:
        from kpidesk.services.appraisal.signoffs import ROLES, role_label

        open_roles = [role for role in ROLES if role not in row.signatures]
        if not open_roles:
            self.ctx.dialogs.info(self, _("Sign-offs"), _("{name}'s sheet is fully signed.").format(name=row.name))
            return
        index = self.ctx.dialogs.choose(self, _("Sign-off for {name}").format(name=row.name), _("Signed by:"),
                                        [role_label(r) for r in open_roles])
        if index is None:
            return
        role = open_roles[index]
        default = row.name if role == "employee" else ""
        signer = self.ctx.dialogs.ask_text(self, _("Sign-off for {name}").format(name=row.name),
                                           _("Name of the person who signed:"), default, required=True,
                                           action=_("Record the sign-off"))
        if not signer:
            return
        db, actor, period = self.ctx.db, self.ctx.actor, self.data.period
        self.selected_employee = row.employee_id
        self.run_write(lambda: appraisal.record_signoff(db, actor, period, row.employee_id, role, signer),
                       Changes.RESULTS)

    def remove_signoff(self, row) -> None:
        from kpidesk.services.appraisal.signoffs import role_label

        signed = list(row.signatures.values())
        if not signed:
            return
        index = self.ctx.dialogs.choose(self, _("Remove a sign-off"), _("Which signature?"),
                                        [f"{role_label(s.role)}: {s.signed_by}" for s in signed])
        if index is None:
            return
        reason = self.ctx.dialogs.ask_text(self, _("Remove a sign-off"), _("Reason (required):"), required=True,
                                           action=_("Remove the sign-off"))
        if not reason:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.run_write(lambda: appraisal.remove_signoff(db, actor, signed[index].id, reason), Changes.RESULTS)


_charts_warmed = False


def warm_charts_once(page: ResultsPage) -> None:
    """Load matplotlib and the chart font in a worker once the first table is shown (the calibration tab
    needs them): two thirds of the first computation's 1.0 s was this loading, which the table does not need.
    It waits for the table's paint, a pause in the person's input and the end of the work they started:
    loading in the same turn as a fresh 5,000-row table made its first paint wait 300–800 ms for the
    interpreter lock, and loading beside a Recompute slowed it by a third."""
    global _charts_warmed
    if _charts_warmed:
        return
    _charts_warmed = True

    def load_once_paused() -> None:
        page.ctx.user_input.when_paused(CHARTS_WARM_PAUSE_MS, lambda: Task(page, warm_up_charts).rendering().start(),
                                        page, busy=lambda: page.ctx.tasks.busy)

    when_painted(page.table.viewport(), load_once_paused, page)


def _esc(text: object) -> str:
    from html import escape

    return escape(str(text if text is not None else ""))
