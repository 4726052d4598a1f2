"""The Overview page: where the current period stands and what still needs doing.

Four cards (data entered, forms submitted, results, finalized), the grade distribution, the biggest movers
since the previous period, streak flags, forms per rater, and the list of what is missing. Every card and
every missing item opens the page that fixes it. The figures come from ``services.overview`` in a worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _
from kpidesk.i18n.times import DAY, format_local_time
from kpidesk.services.appraisal.status_words import period_status_text
from kpidesk.ui.context import Changes
from kpidesk.ui.models import Column, RowsModel, SortFilterProxy, display_value
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.results.widgets import Bar, GradeBars, ProgressCard, open_page, page_available
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import Banner, Table, heading

if TYPE_CHECKING:
    from kpidesk.services.appraisal.overview import PeriodOverview

PAGE_ROLE = Qt.ItemDataRole.UserRole + 10
EMPLOYEE_ROLE = Qt.ItemDataRole.UserRole + 11


def load_overview(db, actor, period: str) -> PeriodOverview:
    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        from kpidesk.services.appraisal.use_cases import period_overview
    return period_overview(db, actor, period)


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + display_value(value)


MOVER_COLUMNS = [
    Column(N_("Staff no."), lambda r: r.staff_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Before"), lambda r: r.previous_total, align_right=True),
    Column(N_("Now"), lambda r: r.total, align_right=True),
    Column(N_("Change"), lambda r: _signed(r.change), align_right=True),
    Column(N_("Grade"), lambda r: r.grade if r.grade == r.previous_grade else f"{r.previous_grade or '–'} → {r.grade}"),
]
RATER_COLUMNS = [
    Column(N_("Rater"), lambda r: r.label),
    Column(N_("Submitted"), lambda r: r.submitted, align_right=True),
    Column(N_("Expected"), lambda r: r.expected, align_right=True),
    Column(N_("Drafts"), lambda r: r.drafts, align_right=True),
    Column(N_("Waiting for"), lambda r: "、".join(name for _id, name in r.pending)),
]


class OverviewPage(Page):
    """See the module docstring."""

    watches = Changes.ALL
    navigate_requested = Signal(str, object)  # page key, employee id or None

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.overview: PeriodOverview | None = None
        self._task: Task | None = None
        self.title = heading()
        self.status = QLabel()
        self.status.setObjectName("overviewStatus")
        self.banner = Banner()

        self.data_card = ProgressCard()
        self.forms_card = ProgressCard()
        self.results_card = ProgressCard()
        self.final_card = ProgressCard()
        self.data_card.clicked.connect(lambda: self.navigate("data_entry"))
        self.forms_card.clicked.connect(lambda: self.navigate("forms"))
        self.results_card.clicked.connect(lambda: self.navigate("results"))
        self.final_card.clicked.connect(lambda: self.navigate("results"))
        cards = QHBoxLayout()
        for card in (self.data_card, self.forms_card, self.results_card, self.final_card):
            cards.addWidget(card, 1)

        self.missing_list = QListWidget()
        self.missing_list.setObjectName("missingList")
        self.missing_list.setWordWrap(True)
        self.missing_list.itemActivated.connect(self._open_item)
        self.missing_list.itemClicked.connect(self._open_item)
        self.missing_box = QGroupBox()
        QVBoxLayout(self.missing_box).addWidget(self.missing_list)

        self.grade_bars = GradeBars()
        self.grades_box = QGroupBox()
        QVBoxLayout(self.grades_box).addWidget(self.grade_bars)

        self.streak_list = QListWidget()
        self.streak_list.setObjectName("streakList")
        self.streak_list.itemActivated.connect(self._open_item)
        self.streak_list.itemClicked.connect(self._open_item)
        self.streak_box = QGroupBox()
        QVBoxLayout(self.streak_box).addWidget(self.streak_list)

        self.movers_model = RowsModel(MOVER_COLUMNS, parent=self)
        movers_proxy = SortFilterProxy(self)
        movers_proxy.setSourceModel(self.movers_model)
        self.movers_view = Table(ctx.settings, "overview/movers")
        self.movers_view.setObjectName("movers")
        self.movers_view.setModel(movers_proxy)
        self.movers_view.doubleClicked.connect(self._open_mover)
        self.movers_box = QGroupBox()
        QVBoxLayout(self.movers_box).addWidget(self.movers_view)

        self.raters_model = RowsModel(RATER_COLUMNS, parent=self)
        raters_proxy = SortFilterProxy(self)
        raters_proxy.setSourceModel(self.raters_model)
        self.raters_view = Table(ctx.settings, "overview/raters")
        self.raters_view.setObjectName("raterForms")
        self.raters_view.setModel(raters_proxy)
        self.raters_view.doubleClicked.connect(lambda _index: self.navigate("forms"))
        self.raters_box = QGroupBox()
        QVBoxLayout(self.raters_box).addWidget(self.raters_view)

        self.movers_view.setSortingEnabled(False)  # biggest change first, as the service orders them
        self.raters_view.setSortingEnabled(False)
        # fitted to the contents each time, never to widths kept from a wider window: each table has half
        # the page and must show its columns without scrolling sideways
        for view, columns in ((self.raters_view, RATER_COLUMNS), (self.movers_view, MOVER_COLUMNS)):
            view.fit_header(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.streak_list.setMaximumHeight(self.fontMetrics().height() * 6)
        self.grades_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.streak_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        left = QVBoxLayout()
        left.addWidget(self.missing_box, 2)
        left.addWidget(self.movers_box, 3)
        right = QVBoxLayout()
        right.addWidget(self.grades_box)
        right.addWidget(self.streak_box)
        right.addWidget(self.raters_box, 1)
        grid = QHBoxLayout()
        grid.addLayout(left, 1)  # halves: at 3:2 the forms-per-rater table scrolled sideways
        grid.addLayout(right, 1)

        content = QWidget()
        layout = QVBoxLayout(content)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.status)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addLayout(cards)
        layout.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.period_changed.connect(lambda _code: self.mark_stale())
        self.retranslate()

    # -- page protocol --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Overview"))
        self.data_card.title.setText(_("Data entered"))
        self.forms_card.title.setText(_("Forms submitted"))
        self.results_card.title.setText(_("Results computed"))
        self.final_card.title.setText(_("Period finalized"))
        self.data_card.setToolTip(_("Open Data entry"))
        self.forms_card.setToolTip(_("Open Appraisal forms"))
        self.results_card.setToolTip(_("Open Results & calibration"))
        self.final_card.setToolTip(_("Open Results & calibration"))
        self.missing_box.setTitle(_("What is missing (click to fix)"))
        self.grades_box.setTitle(_("Grade distribution"))
        self.streak_box.setTitle(_("Streaks"))
        self.raters_box.setTitle(_("Forms per rater"))
        self.movers_model.retranslate()
        self.raters_model.retranslate()
        self._show(self.overview)

    def refresh(self) -> None:
        period = self.ctx.period_code
        if period is None:
            self.overview = None
            self._show(None)
            self.banner.show_text(_("No period is open yet."))
            return
        self._task = (Task(self, load_overview, self.ctx.db, self.ctx.actor, period)
                      .success(self._loaded).failure(self._failed).start())

    def _loaded(self, overview: PeriodOverview) -> None:
        if overview.period != self.ctx.period_code:
            return
        self.banner.hide()
        self.overview = overview
        self._show(overview)

    def _failed(self, error: BaseException) -> None:
        from kpidesk.ui.dialogs import error_text

        self.overview = None
        self._show(None)
        self.banner.show_text(error_text(error), "error")

    # -- showing --------------------------------------------------------------------------------------
    def _show(self, o: PeriodOverview | None) -> None:
        if o is None:
            self.status.setText("")
            for card in (self.data_card, self.forms_card, self.results_card, self.final_card):
                card.set_text("–")
            self.missing_list.clear()
            self.streak_list.clear()
            self.grade_bars.set_bars([])
            self.movers_model.set_rows([])
            self.raters_model.set_rows([])
            return
        self.title.setText(_("Overview · {period}").format(period=o.period))
        self.status.setText(_("Status: {status}").format(status=period_status_text(o.status)))
        self.data_card.set_progress(o.data_complete, o.appraisees, _("employees with every KPI's data"))
        self.forms_card.set_progress(o.forms_submitted, o.forms_expected, _("self, manager and HR forms"))
        self.results_card.set_progress(o.with_result, o.appraisees, _("employees with a total and a grade"))
        if o.finalized:
            when = format_local_time(o.finalized_at, DAY)
            self.final_card.set_text(_("Yes"), _("locked on {date}").format(date=when) if when else "")
        else:
            self.final_card.set_text(_("No"), _("status: {status}").format(status=period_status_text(o.status)))
        self.grade_bars.set_bars([Bar(g.code, g.label, g.count) for g in o.grades])
        self.movers_model.set_rows(o.movers)
        self.movers_box.setTitle(_("Biggest movers since {period}").format(period=o.previous_period)
                                 if o.previous_period else _("Biggest movers (no previous period)"))
        self.raters_model.set_rows(o.raters)
        self._fill_missing(o)
        self._fill_streaks(o)

    def _fill_missing(self, o: PeriodOverview) -> None:
        self.missing_list.clear()
        for item in o.missing:
            entry = QListWidgetItem(item.text)
            entry.setData(PAGE_ROLE, item.page)
            entry.setData(EMPLOYEE_ROLE, item.employee_id)
            if page_available(item.page):
                entry.setToolTip(_("Click to open the page that fixes it"))
            else:
                entry.setForeground(self.palette().placeholderText())
            self.missing_list.addItem(entry)
        if not o.missing:
            done = QListWidgetItem(_("Nothing is missing.") if not o.finalized else
                                   _("Finalized, and every sheet is signed."))
            done.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.missing_list.addItem(done)

    def _fill_streaks(self, o: PeriodOverview) -> None:
        self.streak_list.clear()
        for streak in o.streaks:
            marker = "★" if streak.flag == "reward_streak" else "⚠"
            entry = QListWidgetItem(f"{marker} {streak.name} ({streak.staff_no}): {streak.label}")
            entry.setData(PAGE_ROLE, "results")
            entry.setData(EMPLOYEE_ROLE, streak.employee_id)
            self.streak_list.addItem(entry)
        if not o.streaks:
            entry = QListWidgetItem(_("No streaks this period."))
            entry.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.streak_list.addItem(entry)

    # -- links ----------------------------------------------------------------------------------------
    def _open_item(self, item: QListWidgetItem) -> None:
        page = item.data(PAGE_ROLE)
        if page:
            self.navigate(page, item.data(EMPLOYEE_ROLE))

    def _open_mover(self, index) -> None:
        row = self.movers_view.model().mapToSource(index).row()
        if row >= 0:
            self.navigate("results", self.movers_model.row_at(row).employee_id)

    def navigate(self, key: str, employee_id: int | None = None) -> None:
        self.navigate_requested.emit(key, employee_id or None)
        open_page(self, key, employee_id or None)
