"""The History & charts page: the charts service's figures drawn in the window, with values on hover.

Choose a chart, then the employee, department or team, KPI and how many periods back; the data is read in a
worker (``services.charts``), the figure is drawn into an embedded FigureCanvasQTAgg at the widget's size,
and the chart can be exported as PNG or SVG exactly as shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _, current_language
from kpidesk.ui import machine_settings as machine
from kpidesk.ui.context import Changes
from kpidesk.ui.pages.base import Page
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import Banner, heading

EMPLOYEE, DEPARTMENT, KPI = "employee", "department", "kpi"
#: Chart kind (as services.charts names it), its title, and the choices it uses.
CHARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("trend", N_("Score trend with grade bands"), (EMPLOYEE,)),
    ("bullet", N_("KPIs against their targets (bullet chart)"), (EMPLOYEE,)),
    ("radar", N_("Qualitative ratings (radar)"), (EMPLOYEE,)),
    ("distribution", N_("Grade distribution"), (DEPARTMENT,)),
    ("scores", N_("Scores by team"), (DEPARTMENT,)),
    ("ranking", N_("Ranking"), (DEPARTMENT,)),
    ("team-trend", N_("A team's KPI trend"), (DEPARTMENT, KPI)),
    ("fishbone", N_("The template's KPI system (fishbone)"), (EMPLOYEE,)),
)
RANGED = ("trend", "team-trend")
EXPORT_FILTER = N_("PNG image (*.png);;SVG image (*.svg)")


@dataclass(frozen=True)
class ChartChoices:
    """What can be chosen for a period: its people, departments and teams, and KPIs (plain data)."""

    period: str
    employees: list[tuple[str, str]]  # (staff no., name)
    groups: list[str]  # department and team names
    kpis: list[tuple[str, str]]  # (code, name)
    with_result: tuple[str, ...] = ()  # staff nos. with a total: the page opens on one of them


def load_choices(db, actor, period: str) -> ChartChoices:
    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        from kpidesk.services.appraisal.use_cases import scores_with_kpi_labels

    scores, labels = scores_with_kpi_labels(db, actor, period)
    frame = scores.frame
    names = {code: label.name for code, label in labels.items()}
    employees = [(str(no), str(name)) for no, name in zip(frame["staff_no"], frame["name"], strict=True)]
    groups: list[str] = []
    for column in ("department", "team"):
        groups += [g for g in dict.fromkeys(frame[column]) if isinstance(g, str) and g not in groups]
    codes = [c[: -len(".status")] for c in frame.columns if c.endswith(".status")]
    used = [c for c in codes if frame[f"{c}.status"].notna().any()]
    with_result = tuple(str(no) for no, total in zip(frame["staff_no"], frame["total"], strict=True) if total == total)
    return ChartChoices(period, employees, groups, sorted(((c, names.get(c, c)) for c in used), key=lambda x: x[1]),
                        with_result)


def load_chart(db, actor, kind: str, period: str, *, employee: str | None, department: str | None,
               kpi: str | None, length: int, lang: str) -> Any:
    """The data of one chart, read as ``actor`` may see it."""
    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        from kpidesk.services.printing.use_cases import chart
        from kpidesk.ui.pages.history.chart_canvas import warm_up

        warm_up()
    return chart(db, actor, kind, period, employee=employee, department=department, kpi=kpi, lang=lang,
                 length=length)


class HistoryPage(Page):
    """See the module docstring."""

    watches = Changes.RESULTS | Changes.ADJUSTMENTS | Changes.MEASUREMENTS | Changes.FORMS | Changes.PERIODS | \
        Changes.TEMPLATES | Changes.STAFF | Changes.SETTINGS
    chart_shown = Signal(str)  # the chart kind, after it was drawn

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choices: ChartChoices | None = None
        self.chart_data: Any = None
        self.shown_kind: str | None = None
        self.title = heading()
        self.banner = Banner()
        self.kind_combo = QComboBox()
        self.employee_combo = QComboBox()
        self.group_combo = QComboBox()
        self.kpi_combo = QComboBox()
        self.range_spin = QSpinBox()
        self.range_spin.setRange(2, 36)
        self.range_spin.setValue(machine.HISTORY_RANGE.read(ctx.settings))
        for combo in (self.employee_combo, self.group_combo, self.kpi_combo):
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_label, self.employee_label, self.group_label = QLabel(), QLabel(), QLabel()
        self.kpi_label, self.range_label = QLabel(), QLabel()
        for label, widget in ((self.kind_label, self.kind_combo), (self.employee_label, self.employee_combo),
                              (self.group_label, self.group_combo), (self.kpi_label, self.kpi_combo),
                              (self.range_label, self.range_spin)):
            label.setBuddy(widget)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export)
        self.chart = None  # a ChartCanvas, made with the first chart (a worker has loaded matplotlib by then)
        self.chart_area = QWidget()
        self.chart_area.setMinimumHeight(360)
        self.chart_layout = QVBoxLayout(self.chart_area)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)

        grid = QGridLayout()
        grid.addWidget(self.kind_label, 0, 0)
        grid.addWidget(self.kind_combo, 0, 1, 1, 3)
        grid.addWidget(self.range_label, 0, 4)
        grid.addWidget(self.range_spin, 0, 5)
        grid.addWidget(self.employee_label, 1, 0)
        grid.addWidget(self.employee_combo, 1, 1)
        grid.addWidget(self.group_label, 1, 2)
        grid.addWidget(self.group_combo, 1, 3)
        grid.addWidget(self.kpi_label, 1, 4)
        grid.addWidget(self.kpi_combo, 1, 5)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(5, 2)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.banner)
        layout.addWidget(self.chart_area, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.draw)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        for combo in (self.employee_combo, self.group_combo, self.kpi_combo):
            combo.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.range_spin.valueChanged.connect(self._range_changed)
        ctx.period_changed.connect(lambda _code: self.mark_stale())
        self.retranslate()

    # -- page protocol --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("History & charts"))
        self.kind_label.setText(_("&Chart:"))
        self.employee_label.setText(_("&Employee:"))
        self.group_label.setText(_("&Department or team:"))
        self.kpi_label.setText(_("&KPI:"))
        self.range_label.setText(_("&Periods back:"))
        self.export_button.setText(_("E&xport PNG/SVG…"))
        kind = self.kind_combo.currentData() or machine.HISTORY_KIND.read(self.ctx.settings)
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for code, title, _needs in CHARTS:
            self.kind_combo.addItem(_(title), code)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self.kind_combo.blockSignals(False)
        if self.group_combo.count():
            self.group_combo.setItemText(0, _("All"))
        self._enable_choices()

    def refresh(self) -> None:
        period = self.ctx.period_code
        if period is None:
            self.banner.show_text(_("No period is open yet."))
            self._clear_chart()
            return
        Task(self, load_choices, self.ctx.db, self.ctx.actor, period).success(self._choices_loaded) \
            .failure(self._failed).start()

    def focus_employee(self, employee_id: int) -> None:
        """Show the employee's score trend (used by links from other pages)."""
        from kpidesk.services.people.use_cases import staff_no_of

        Task(self, staff_no_of, self.ctx.db, self.ctx.actor, employee_id).success(self._focus_staff_no) \
            .failure(self._failed).start()

    def _focus_staff_no(self, staff_no: str | None) -> None:
        if staff_no is None:
            return
        if EMPLOYEE not in self.needs():
            self.kind_combo.setCurrentIndex(self.kind_combo.findData("trend"))
        self.choose_employee(staff_no)

    def prepare_screenshot(self) -> None:
        """For the documentation: the score trend of the employee whose totals moved most."""
        if self.choices and self.choices.employees:
            staff_no = "CS004" if any(e[0] == "CS004" for e in self.choices.employees) else self.choices.employees[0][0]
            self.choose("trend", employee=staff_no)

    def extra_screenshots(self):
        return [("history-bullet", lambda: self.choose("bullet")),
                ("history-radar", lambda: self.choose("radar"))]

    # -- choices --------------------------------------------------------------------------------------
    def needs(self) -> tuple[str, ...]:
        kind = self.kind_combo.currentData()
        return next((needs for code, _t, needs in CHARTS if code == kind), ())

    def choose_employee(self, staff_no: str) -> None:
        index = self.employee_combo.findData(staff_no)
        if index >= 0:
            self.employee_combo.setCurrentIndex(index)

    def choose(self, kind: str, *, employee: str | None = None, group: str | None = None,
               kpi: str | None = None) -> None:
        """Pick a chart and its subject (as a user would with the combo boxes)."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        if employee is not None:
            self.choose_employee(employee)
        if group is not None:
            self.group_combo.setCurrentIndex(max(self.group_combo.findData(group), 0))
        if kpi is not None:
            self.kpi_combo.setCurrentIndex(max(self.kpi_combo.findData(kpi), 0))
        self._timer.stop()
        self.draw()

    def _choices_loaded(self, choices: ChartChoices) -> None:
        if choices.period != self.ctx.period_code:
            return
        self.choices = choices
        self.banner.hide()
        wanted = self.employee_combo.currentData() or machine.HISTORY_EMPLOYEE.read(self.ctx.settings)
        if wanted not in {no for no, _name in choices.employees}:
            # never open on someone without a result (no template, no data): their chart would be empty
            wanted = choices.with_result[0] if choices.with_result else None
        fill(self.employee_combo, [(f"{name} ({no})", no) for no, name in choices.employees], wanted)
        fill(self.group_combo, [(_("All"), None)] + [(g, g) for g in choices.groups], self.group_combo.currentData())
        fill(self.kpi_combo, [(name, code) for code, name in choices.kpis],
             self.kpi_combo.currentData() or machine.HISTORY_KPI.read(self.ctx.settings))
        self._enable_choices()
        self._timer.stop()
        self.draw()

    def _enable_choices(self) -> None:
        needs = self.needs()
        self.employee_combo.setEnabled(EMPLOYEE in needs)
        self.group_combo.setEnabled(DEPARTMENT in needs)
        self.kpi_combo.setEnabled(KPI in needs)
        self.range_spin.setEnabled(self.kind_combo.currentData() in RANGED)

    def _kind_changed(self, _index: int) -> None:
        if self.kind_combo.currentData():
            machine.HISTORY_KIND.write(self.ctx.settings, self.kind_combo.currentData())
        self._enable_choices()
        self._timer.start()

    def _range_changed(self, value: int) -> None:
        machine.HISTORY_RANGE.write(self.ctx.settings, value)
        if self.kind_combo.currentData() in RANGED:
            self._timer.start()

    # -- drawing --------------------------------------------------------------------------------------
    def draw(self) -> Task | None:
        period, kind = self.ctx.period_code, self.kind_combo.currentData()
        if period is None or kind is None or self.choices is None:
            return None
        needs = self.needs()
        employee = self.employee_combo.currentData() if EMPLOYEE in needs else None
        group = self.group_combo.currentData() if DEPARTMENT in needs else None
        kpi = self.kpi_combo.currentData() if KPI in needs else None
        if (EMPLOYEE in needs and not employee) or (KPI in needs and not kpi):
            self._clear_chart()
            return None
        if employee:
            machine.HISTORY_EMPLOYEE.write(self.ctx.settings, employee)
        if kpi:
            machine.HISTORY_KPI.write(self.ctx.settings, kpi)
        lang = current_language()
        return (Task(self, load_chart, self.ctx.db, self.ctx.actor, kind, period, employee=employee,
                     department=group, kpi=kpi, length=self.range_spin.value(), lang=lang)
                .rendering().success(lambda data: self._show(kind, data, lang)).failure(self._failed).start())

    def _show(self, kind: str, data: Any, lang: str) -> None:
        from kpidesk.charts.pool import chart_function

        if kind != self.kind_combo.currentData():
            return
        self.banner.hide()
        self.chart_data = data
        self.canvas().show_chart(chart_function(kind), data, lang=lang)
        self.shown_kind = kind
        self.export_button.setEnabled(True)
        self.chart_shown.emit(kind)

    def _failed(self, error: BaseException) -> None:
        from kpidesk.ui.dialogs import error_text

        self._clear_chart()
        self.shown_kind = None
        self.export_button.setEnabled(False)
        self.banner.show_text(error_text(error), "warning")

    def canvas(self):
        from kpidesk.ui.pages.history.chart_canvas import ChartCanvas

        if self.chart is None:
            self.chart = ChartCanvas(min_height=360)
            self.chart_layout.addWidget(self.chart)
        return self.chart

    def _clear_chart(self) -> None:
        if self.chart is not None:
            self.chart.clear()

    def export(self) -> Path | None:
        if self.shown_kind is None:
            return None
        suggested = f"{self.shown_kind}-{self.ctx.period_code}.png"
        folder = machine.HISTORY_EXPORT_FOLDER.read(self.ctx.settings)
        path = self.ctx.dialogs.save_file(self, _("Export the chart"), _(EXPORT_FILTER),
                                          str(Path(folder) / suggested) if folder else suggested)
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_suffix(".png")
        try:
            self.chart.save(str(target))
        except OSError as exc:
            self.ctx.dialogs.error(self, _("The chart could not be written: {error}").format(error=exc))
            return None
        machine.HISTORY_EXPORT_FOLDER.write(self.ctx.settings, str(target.parent))
        return target


def fill(combo: QComboBox, items: list[tuple[str, Any]], wanted: Any = None) -> None:
    """Replace a combo box's items without emitting changes, keeping ``wanted`` selected when present."""
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(wanted) if wanted is not None else -1
    combo.setCurrentIndex(index if index >= 0 else (0 if items else -1))
    combo.blockSignals(False)
