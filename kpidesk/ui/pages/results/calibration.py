"""The calibration tab of the Results page: grades against the target curve, forced distribution with the
people it moves, each rater's average and spread, and self-vs-manager gaps."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _
from kpidesk.ui.models import Column, display_value
from kpidesk.ui.pages.results import data as results_data
from kpidesk.ui.pages.results.data import ResultsData, coverage_text
from kpidesk.ui.pages.results.widgets import sortable_table


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + display_value(value)


MOVE_COLUMNS = [
    Column(N_("Staff no."), lambda r: r.staff_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Total"), lambda r: r.total, align_right=True),
    Column(N_("Rank"), lambda r: r.rank, align_right=True),
    Column(N_("Grade by score"), lambda r: r.by_score),
    Column(N_("Grade now"), lambda r: r.current),
    Column(N_("Forced grade"), lambda r: r.forced),
    Column(N_("Coverage"), lambda r: coverage_text(r.coverage), align_right=True,
           tooltip=lambda r: _("The share of the template the total rests on")),
]
RATER_COLUMNS = [
    Column(N_("Rater"), lambda r: r.label),
    Column(N_("Responses"), lambda r: r.responses, align_right=True),
    Column(N_("Average"), lambda r: r.mean, align_right=True),
    Column(N_("Spread"), lambda r: r.spread, align_right=True),
    Column(N_("Lowest"), lambda r: r.lowest, align_right=True),
    Column(N_("Highest"), lambda r: r.highest, align_right=True),
    Column(N_("Leniency"), lambda r: _signed(r.leniency), align_right=True,
           tooltip=lambda r: _("Average minus the average of all raters in the same role")),
]
GAP_COLUMNS = [
    Column(N_("Staff no."), lambda r: r.staff_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Self"), lambda r: r.self_score, align_right=True),
    Column(N_("Manager"), lambda r: r.manager_score, align_right=True),
    Column(N_("Gap"), lambda r: _signed(r.gap), align_right=True),
    Column(N_("Criteria ≥ 2 levels apart"), lambda r: r.criteria_apart, align_right=True),
    Column(N_("Form"), lambda r: r.form),
]


def chart_data(data: ResultsData, curve) -> object:
    """The charts package's GradeDistribution for the period, with the target curve as shares."""
    from kpidesk.charts.data import GradeBand, GradeDistribution

    scale = data.scores.grade_scale
    bands, upper = [], None
    for band in scale.bands:
        lower = band.minimum if band.minimum is not None else 0.0
        bands.append(GradeBand(band.code, scale.label(band.code) or band.code, float(lower), upper))
        upper = float(lower)
    counts = data.scores.frame["grade_code"].value_counts()
    department = "、".join(sorted({d for d in data.scores.frame["department"] if isinstance(d, str)}))
    return GradeDistribution(department or _("Organisation"), data.period,
                             {code: int(counts.get(code, 0)) for code in scale.codes}, tuple(bands),
                             {code: share / 100.0 for code, share in curve})


class CalibrationView(QWidget):
    """Shows a ResultsData; asks the page to apply or clear a forced distribution."""

    apply_requested = Signal(object, str)  # quotas ((code, percent), …), scope
    clear_requested = Signal()
    charts_needed = Signal()  # the chart modules must be loaded (in a worker) before the chart is drawn

    def __init__(self, settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: ResultsData | None = None
        self.chart = None  # a ChartCanvas, made once the chart modules are loaded
        self.chart_waiting = QLabel()  # stands in for the chart while a worker loads the chart modules
        self.chart_waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_waiting.setMinimumHeight(200)
        self.chart_waiting.hide()
        self.curve_note = QLabel()
        self.curve_note.setWordWrap(True)
        self.distribution_box = QGroupBox()
        self.distribution_layout = QVBoxLayout(self.distribution_box)
        self.distribution_layout.addWidget(self.chart_waiting, 1)
        self.distribution_layout.addWidget(self.curve_note)

        self.quota_row = QHBoxLayout()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.quota_labels: dict[str, QLabel] = {}
        self.scope_combo = QComboBox()
        self.sum_label = QLabel()
        self.preview_button = QPushButton()
        self.apply_button = QPushButton()
        self.clear_button = QPushButton()
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self._apply)
        self.clear_button.clicked.connect(self.clear_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        self.moves_view, self.moves_model = sortable_table(settings, "results/moves", MOVE_COLUMNS)
        self.moves_note = QLabel()
        self.moves_note.setWordWrap(True)
        self.forced_box = QGroupBox()
        forced = QVBoxLayout(self.forced_box)
        forced.addLayout(self.quota_row)
        scope_row = QHBoxLayout()
        self.scope_label = QLabel()
        self.scope_label.setBuddy(self.scope_combo)
        scope_row.addWidget(self.scope_label)
        scope_row.addWidget(self.scope_combo)
        scope_row.addWidget(self.sum_label, 1)
        forced.addLayout(scope_row)
        forced.addLayout(buttons)
        forced.addWidget(self.moves_note)
        forced.addWidget(self.moves_view, 1)

        self.raters_view, self.raters_model = sortable_table(settings, "results/raters", RATER_COLUMNS)
        self.raters_view.fit_header(QHeaderView.ResizeMode.ResizeToContents)
        self.raters_box = QGroupBox()
        QVBoxLayout(self.raters_box).addWidget(self.raters_view)
        self.gaps_view, self.gaps_model = sortable_table(settings, "results/gaps", GAP_COLUMNS)
        self.gaps_view.fit_header(QHeaderView.ResizeMode.ResizeToContents)
        self.gaps_box = QGroupBox()
        QVBoxLayout(self.gaps_box).addWidget(self.gaps_view)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.distribution_box)
        left.addWidget(self.forced_box)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.raters_box)
        right.addWidget(self.gaps_box)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([600, 600])
        left.setSizes([330, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.retranslate()

    def retranslate(self) -> None:
        self.distribution_box.setTitle(_("Grade distribution against the target curve"))
        self.forced_box.setTitle(_("Forced distribution"))
        self.raters_box.setTitle(_("Raters: average and spread (leniency)"))
        self.gaps_box.setTitle(_("Self-assessment against the manager's rating"))
        self.scope_label.setText(_("Scope:"))
        self.preview_button.setText(_("&Preview"))
        self.apply_button.setText(_("&Apply to the organisation…"))
        self.clear_button.setText(_("Grades by score &again…"))
        current = self.scope_combo.currentIndex()
        self.scope_combo.clear()
        self.scope_combo.addItem(_("Within each department"), "department")
        self.scope_combo.addItem(_("Across the organisation"), "organisation")
        self.scope_combo.setCurrentIndex(max(current, 0))
        for model in (self.moves_model, self.raters_model, self.gaps_model):
            model.retranslate()
        if self.data is not None:
            self.show_data(self.data)

    # -- data -----------------------------------------------------------------------------------------
    def show_data(self, data: ResultsData) -> None:
        self.data = data
        self._build_quotas(data)
        self.draw_chart()
        self.curve_note.setText(
            _("Dashed: the organisation's forced distribution.") if data.forced is not None
            else _("Dashed: a guide curve (no forced distribution is set)."))
        self.raters_model.set_rows(data.rater_stats)
        self.gaps_model.set_rows(data.gaps)
        self.preview()
        editable = data.editable
        for button in (self.apply_button, self.clear_button):
            button.setEnabled(editable)
        self.clear_button.setEnabled(editable and data.forced is not None)
        for view in (self.raters_view, self.gaps_view, self.moves_view):
            view.restore_columns()

    def draw_chart(self) -> None:
        """The grade distribution of the data shown; until the chart modules are loaded, a note in its
        place and ``charts_needed`` emitted (the page loads them in a worker and calls this again)."""
        if self.data is None:
            return
        if not results_data.charts_loaded():
            self.chart_waiting.setText(_("Drawing the chart…"))
            self.chart_waiting.show()
            self.charts_needed.emit()
            return
        from kpidesk.charts.department import grade_distribution_chart
        from kpidesk.ui.pages.history.chart_canvas import ChartCanvas

        self.chart_waiting.hide()
        if self.chart is None:
            self.chart = ChartCanvas(min_height=200)
            self.distribution_layout.insertWidget(0, self.chart, 1)
        self.chart.show_chart(grade_distribution_chart, chart_data(self.data, self.data.curve))

    def _build_quotas(self, data: ResultsData) -> None:
        scale = data.scores.grade_scale
        curve = dict(data.curve)
        if list(self.spins) != list(scale.codes):
            while self.quota_row.count():
                widget = self.quota_row.takeAt(0).widget()
                if widget is not None:
                    widget.deleteLater()
            self.spins, self.quota_labels = {}, {}
            for code in scale.codes:
                spin = QDoubleSpinBox()
                spin.setRange(0, 100)
                spin.setDecimals(1)
                spin.setSuffix(" %")
                spin.valueChanged.connect(self._quota_changed)
                label = QLabel()
                label.setBuddy(spin)
                self.spins[code], self.quota_labels[code] = spin, label
                self.quota_row.addWidget(label)
                self.quota_row.addWidget(spin, 1)
        for code, spin in self.spins.items():
            self.quota_labels[code].setText(scale.label(code) or code)
            spin.blockSignals(True)
            spin.setValue(curve.get(code, 0.0))
            spin.blockSignals(False)
        if data.forced is not None:
            self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(data.forced.scope), 0))
        self._quota_changed()

    def quotas(self) -> tuple[tuple[str, float], ...]:
        return tuple((code, round(spin.value(), 4)) for code, spin in self.spins.items())

    def set_quotas(self, quotas) -> None:
        for code, value in quotas:
            if code in self.spins:
                self.spins[code].setValue(value)

    def _quota_changed(self, *_args) -> None:
        total = sum(q for _c, q in self.quotas())
        ok = abs(total - 100) < 1e-6
        self.sum_label.setText(_("Sum: {total} %").format(total=display_value(total)) +
                               ("" if ok else "  " + _("(must be 100 %)")))
        self.preview_button.setEnabled(ok)
        self.apply_button.setEnabled(ok and self.data is not None and self.data.editable)

    def preview(self) -> list:
        """Show who the quotas would move (and return them)."""
        from kpidesk.services.appraisal import calibration

        if self.data is None or not self.preview_button.isEnabled():
            self.moves_model.set_rows([])
            return []
        moves = calibration.preview_forced(self.data.scores, self.quotas(), self.scope_combo.currentData())
        self.moves_model.set_rows(moves)
        moved = sum(1 for mv in moves if mv.moved)
        frame = self.data.scores.frame
        ungraded = sum(1 for flags in frame["flags"] if "insufficient_data" in (flags or ()))
        people = int(frame["total"].notna().sum()) - ungraded
        text = _("{moved} of {people} people would get another grade than now.").format(moved=moved, people=people)
        if ungraded:
            text += " " + _("{count} results rest on less than the minimum coverage and take no grade.").format(
                count=ungraded)
        self.moves_note.setText(text)
        return moves

    def _apply(self) -> None:
        self.apply_requested.emit(self.quotas(), self.scope_combo.currentData())
