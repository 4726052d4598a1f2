"""The review and sign-off tabs of the Results page: employees' acknowledgements and appeals (with the
manager's answers), and who signed each finalized sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.i18n import N_, _
from kpidesk.i18n.times import DAY, format_local_time
from kpidesk.ui.models import ROW_ROLE, Column
from kpidesk.ui.pages.results.data import ResultsData
from kpidesk.ui.pages.results.widgets import sortable_table
from kpidesk.ui.widgets import Table

ROLES = ("employee", "manager", "hr")  # as services.signoffs.ROLES, without loading the service here
KINDS = {"acknowledge": N_("Acknowledged"), "appeal": N_("Appeal")}


def _kind(row: dict) -> str:
    return _(KINDS.get(row["kind"], row["kind"]))


RESPONSE_COLUMNS = [
    Column(N_("Response"), _kind),
    Column(N_("Staff no."), lambda r: r["staff_no"]),
    Column(N_("Name"), lambda r: r["name"]),
    Column(N_("Text"), lambda r: r["text"] or ""),
    Column(N_("Answer"), lambda r: r["answer"] or ("" if r["kind"] != "appeal" else _("(not answered)"))),
    Column(N_("Answered by"), lambda r: r["answered_by"] or ""),
    Column(N_("Recorded"), lambda r: format_local_time(r["created_at"], "%Y-%m-%d %H:%M:%S")),
]


@dataclass
class SignRow:
    employee_id: int
    staff_no: str
    name: str
    grade: str | None
    signatures: dict = field(default_factory=dict)  # role → SignOffRow (current ones)

    def signed(self, role: str) -> str:
        row = self.signatures.get(role)
        return "" if row is None else f"{row.signed_by} · {format_local_time(row.signed_at, DAY)}"

    @property
    def complete(self) -> bool:
        return all(role in self.signatures for role in ROLES)


SIGN_COLUMNS = [
    Column(N_("Staff no."), lambda r: r.staff_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Grade"), lambda r: r.grade),
    Column(N_("Employee signed"), lambda r: r.signed("employee")),
    Column(N_("Manager signed"), lambda r: r.signed("manager")),
    Column(N_("HR signed"), lambda r: r.signed("hr")),
]


def sign_rows(data: ResultsData) -> list[SignRow]:
    frame = data.scores.frame
    rows = {int(i): SignRow(int(i), str(r["staff_no"]), str(r["name"]), r["grade"] if isinstance(r["grade"], str) else None)
            for i, r in frame.iterrows() if r["total"] == r["total"]}
    for signoff in data.signoffs:
        if signoff.current and signoff.employee_id in rows:
            rows[signoff.employee_id].signatures[signoff.role] = signoff
    return list(rows.values())


def selected_row(view: Table):
    index = view.currentIndex()
    return index.data(ROW_ROLE) if index.isValid() else None


class _ListWithActions(QWidget):
    """A note, two action buttons and a table: the shape of the review and sign-off tabs."""

    def __init__(self, settings, key: str, columns, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.view, self.model = sortable_table(settings, key, columns)
        self.record_button = QPushButton()
        self.second_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.second_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.data: ResultsData | None = None


class ReviewView(_ListWithActions):
    record_requested = Signal()
    answer_requested = Signal(object)  # the response dict of an appeal

    def __init__(self, settings, parent: QWidget | None = None) -> None:
        super().__init__(settings, "results/responses", RESPONSE_COLUMNS, parent)
        self.answer_button = self.second_button
        self.view.doubleClicked.connect(lambda _i: self._answer())
        self.record_button.clicked.connect(self.record_requested)
        self.answer_button.clicked.connect(self._answer)
        self.retranslate()

    def retranslate(self) -> None:
        self.record_button.setText(_("Record an acknowledgement or appeal…"))
        self.answer_button.setText(_("&Answer the appeal…"))
        self.model.retranslate()
        if self.data is not None:
            self.show_data(self.data)

    def show_data(self, data: ResultsData) -> None:
        self.data = data
        self.model.set_rows(data.responses)
        waiting = sum(1 for r in data.responses if r["kind"] == "appeal" and not r["answer"])
        if data.status == PeriodStatus.OPEN:
            text = _("Move the period to review to release the results for acknowledgement or appeal.")
        elif data.status == PeriodStatus.REVIEW:
            text = (_("{count} appeal(s) wait for an answer; finalizing needs every appeal answered.").format(
                count=waiting) if waiting else _("In review: every appeal is answered."))
        else:
            text = _("The period is finalized.")
        self.note.setText(text)
        self.record_button.setEnabled(data.status == PeriodStatus.REVIEW)
        self.answer_button.setEnabled(data.status == PeriodStatus.REVIEW and waiting > 0)
        self.view.restore_columns()

    def _answer(self) -> None:
        row = selected_row(self.view)
        if row is None and self.data is not None:
            row = next((r for r in self.data.responses if r["kind"] == "appeal" and not r["answer"]), None)
        if row is not None and row["kind"] == "appeal":
            self.answer_requested.emit(row)


class SignoffsView(_ListWithActions):
    record_requested = Signal(object)  # SignRow
    remove_requested = Signal(object)  # SignRow

    def __init__(self, settings, parent: QWidget | None = None) -> None:
        super().__init__(settings, "results/signoffs", SIGN_COLUMNS, parent)
        self.remove_button = self.second_button
        self.record_button.clicked.connect(lambda: self._emit(self.record_requested))
        self.remove_button.clicked.connect(lambda: self._emit(self.remove_requested))
        self.view.doubleClicked.connect(lambda _i: self._emit(self.record_requested))
        self.retranslate()

    def retranslate(self) -> None:
        self.record_button.setText(_("&Record a sign-off…"))
        self.remove_button.setText(_("Remove a sign-off…"))
        self.model.retranslate()
        if self.data is not None:
            self.show_data(self.data)

    def show_data(self, data: ResultsData) -> None:
        self.data = data
        rows = sign_rows(data)
        self.model.set_rows(rows)
        finalized = data.status == PeriodStatus.FINALIZED
        unsigned = sum(1 for r in rows if not r.complete)
        self.note.setText(_("{count} of {total} sheets still need a signature.").format(count=unsigned, total=len(rows))
                          if finalized else _("Sheets are signed once the period is finalized."))
        self.record_button.setEnabled(finalized)
        self.remove_button.setEnabled(finalized)
        self.view.restore_columns()

    def select_employee(self, employee_id: int) -> None:
        proxy = self.view.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(ROW_ROLE).employee_id == employee_id:
                self.view.setCurrentIndex(proxy.index(row, 0))
                return

    def _emit(self, signal) -> None:
        row = selected_row(self.view)
        if row is not None:
            signal.emit(row)
