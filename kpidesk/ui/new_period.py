""""New period…": proposes the next period, shows who it will appraise and what carries over, then opens it.

Nothing is written until the user presses the button that names the period, so the roster works as a
dry run: joiners, leavers and transfers since the last period are visible before the month starts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.periods import PeriodParseError, parse_period
from kpidesk.i18n import _
from kpidesk.services.appraisal import use_cases as appraisal
from kpidesk.services.appraisal.next_period import PeriodPlan, RosterChange, RosterLine
from kpidesk.ui import machine_settings as machine
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.tasks import Task


def change_text(line: RosterLine) -> str:
    if line.change is RosterChange.JOINED:
        return _("joined")
    if line.change is RosterChange.LEFT:
        return _("left (not appraised)")
    if line.change is RosterChange.TRANSFERRED:
        return _("transferred from {department}").format(department=line.previous_department or "—")
    return ""


class NewPeriodDialog(QDialog):
    """Choose the period (the next one is proposed), review its roster, open it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: PeriodPlan | None = None
        self.setObjectName("newPeriodDialog")
        self.setWindowTitle(_("New period"))
        self.resize(640, 480)
        self.period_edit = QLineEdit()
        self.period_edit.setObjectName("newPeriodCode")
        self.period_edit.setPlaceholderText(_("e.g. 2026-01, 2026-Q1"))
        self.summary = QLabel()
        self.summary.setObjectName("newPeriodSummary")
        self.summary.setWordWrap(True)
        self.roster = QTableWidget(0, 5)
        self.roster.setObjectName("newPeriodRoster")
        self.roster.setHorizontalHeaderLabels(
            [_("Staff no."), _("Name"), _("Department"), _("Template"), _("Change since the last period")])
        self.roster.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.roster.verticalHeader().hide()
        self.roster.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.roster.horizontalHeader().setStretchLastSection(True)
        self.carried = QLabel()
        self.carried.setObjectName("newPeriodCarried")
        self.carried.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.open_button = QPushButton(_("Open"))
        self.open_button.setObjectName("openNewPeriod")
        self.open_button.setEnabled(False)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.open_period)

        form = QFormLayout()
        form.addRow(_("&Period:"), self.period_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.roster, 1)
        layout.addWidget(self.carried)
        layout.addWidget(self.buttons)

        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(250)
        self._reload.timeout.connect(self.load_plan)
        self.period_edit.textEdited.connect(lambda _text: self._reload.start())
        self.period_edit.returnPressed.connect(self.load_plan)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's spelling)
        """Enter shows the typed period's roster; only a click (or Space) on the button opens a period."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def start(self) -> None:
        """Propose the next period and show its roster."""
        Task(self, appraisal.propose_next_period, self.ctx.db, self.ctx.actor).success(self._proposed).start()

    def _proposed(self, code: str) -> None:
        self.period_edit.setText(code)
        self.load_plan()

    def load_plan(self) -> None:
        self._reload.stop()
        self.plan = None
        self.open_button.setEnabled(False)
        try:
            code = parse_period(self.period_edit.text()).code
        except PeriodParseError:
            self.summary.setText(_("“{text}” is not a period.").format(text=self.period_edit.text().strip()))
            self._fill([])
            self.carried.clear()
            return
        Task(self, appraisal.plan_period, self.ctx.db, self.ctx.actor, code).success(self._show_plan).start()

    def _show_plan(self, plan: PeriodPlan) -> None:
        self.plan = plan
        self._fill(list(plan.lines))
        counts = {change: sum(1 for line in plan.lines if line.change is change) for change in RosterChange}
        if plan.already_open:
            self.summary.setText(_("Period {period} is already open.").format(period=plan.code))
        else:
            self.summary.setText(_(
                "{count} people will be appraised in {period}: {joined} joined, {left} left and {moved} "
                "transferred since the last period.").format(
                count=len(plan.appraised), period=plan.code, joined=counts[RosterChange.JOINED],
                left=counts[RosterChange.LEFT], moved=counts[RosterChange.TRANSFERRED]))
        if plan.exemptions:
            self.carried.setText(_("Exemptions carried over:") + "\n" + "\n".join(
                _("{staff_no}: {kpi} until {date} ({reason})").format(
                    staff_no=e.staff_no, kpi=e.kpi_code, date=e.ends_on.isoformat(), reason=e.reason)
                for e in plan.exemptions))
        else:
            self.carried.setText(_("No exemption carries over."))
        self.open_button.setText(_("Open {period} for {count} people").format(
            period=plan.code, count=len(plan.appraised)))
        self.open_button.setEnabled(not plan.already_open and not self.ctx.read_only)

    def _fill(self, lines: list[RosterLine]) -> None:
        self.roster.setRowCount(len(lines))
        for row, line in enumerate(lines):
            template = f"{line.template_key} v{line.template_version}" if line.template_key else _("no template")
            for column, text in enumerate([line.staff_no, line.name, line.department, template, change_text(line)]):
                self.roster.setItem(row, column, QTableWidgetItem(text))

    def open_period(self) -> None:
        if self.plan is None or self.plan.already_open:
            return
        self.open_button.setEnabled(False)
        code = self.plan.code
        (Task(self, appraisal.open_period, self.ctx.db, self.ctx.actor, code)
         .writes(Changes.PERIODS).success(self._opened).failure(self._open_failed).start())

    def _open_failed(self, error: BaseException) -> None:
        self.ctx.dialogs.error(self, error)
        self.load_plan()

    def _opened(self, code: str) -> None:
        self.ctx.set_period(code)
        machine.LAST_PERIOD.write(self.ctx.settings, code)
        self.accept()
