"""The Print page: appraisal sheets, the department summary or year sheets as PDF, previewed in the app. (long: choices, preview, saving and printing for every document kind)

Choose everyone, a department or team, or some employees; choose sheets and/or the summary, or year
sheets (and, for those who may see pay, a pay section on each period sheet); preview the pages, then
save as one file or one file per employee, or print. Generation runs in a worker (``services.printing``
in a child process kept warm while the page is open, see ``process``) with the page's own progress bar
and Cancel; a cancelled run leaves no file. A preview is written to a temporary file: saving it again only copies that file and
printing it sends that file's pages to the printer chosen in the system print dialog (see ``print_spool``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import Cancelled
from kpidesk.i18n import N_, _, current_language, ngettext
from kpidesk.services.progress import CancelToken, Progress
from kpidesk.ui import machine_settings as machine
from kpidesk.ui.context import Changes
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.print.pdf_preview import PdfPreview, preview_available
from kpidesk.ui.pages.print.process import PrintWorker
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import Banner, SearchBox, heading

PDF_FILTER = N_("PDF document (*.pdf)")
EVERYONE, GROUP, CHOSEN = 0, 1, 2
STAFF_ROLE = Qt.ItemDataRole.UserRole + 30


@dataclass(frozen=True)
class PrintChoices:
    period: str
    status: PeriodStatus
    employees: list[tuple[str, str, str | None]]  # (staff no., name, team or department)
    groups: list[str]
    document_language: str = ""  # the organisation's; "" prints in the program's language


def counts_text(documents: int, pages: int) -> str:
    """"3 documents · 7 pages", each with its own plural (not "document(s)")."""
    return " · ".join((ngettext("{count} document", "{count} documents", documents).format(count=documents),
                       ngettext("{count} page", "{count} pages", pages).format(count=pages)))


def documents_folder() -> str:
    """Where a first PDF is offered to be saved: the user's Documents folder, not the working directory."""
    from PySide6.QtCore import QStandardPaths

    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def load_print_choices(db, actor, period: str) -> PrintChoices:
    from kpidesk.ui.gc_pause import quiet_imports

    with quiet_imports():
        from kpidesk.services.appraisal.use_cases import period_scores
    scores = period_scores(db, actor, period)
    frame = scores.frame
    employees = []
    for _id, row in frame.iterrows():
        where = row["team"] if isinstance(row["team"], str) else row["department"]
        employees.append((str(row["staff_no"]), str(row["name"]), where if isinstance(where, str) else None))
    groups: list[str] = []
    for column in ("department", "team"):
        groups += [g for g in dict.fromkeys(frame[column]) if isinstance(g, str) and g not in groups]
    from kpidesk.services.people.use_cases import organisation_settings

    organisation, _bands = organisation_settings(db, actor)
    return PrintChoices(scores.period.code, scores.status, employees, groups, organisation.document_language)


def generate(db, actor, request, out: str, *, progress=None, cancel=None, worker=None):
    """Write the documents (run in a worker thread, the work itself in the warm child ``worker``, or in a
    child of its own when ``worker`` does not serve this database and actor)."""
    from kpidesk.ui.pages.print.process import print_in_process

    return print_in_process(db, actor, request, out, progress=progress, cancel=cancel, worker=worker)


class _ProgressBridge(QObject):
    """Carries progress from the worker thread to the page (a queued signal)."""

    progressed = Signal(object)


class PrintPage(Page):
    """See the module docstring."""

    watches = Changes.RESULTS | Changes.ADJUSTMENTS | Changes.PERIODS | Changes.STAFF | Changes.MEASUREMENTS | \
        Changes.FORMS | Changes.SETTINGS | Changes.TEMPLATES
    finished = Signal(object)  # PrintOutcome, or the error

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choices: PrintChoices | None = None
        self.task: Task | None = None
        self.token: CancelToken | None = None
        self.outcome = None
        self.preview_outcome = None  # what the preview file holds
        self.preview_key: tuple | None = None
        self.progress_seen: list[Progress] = []
        self.worker: PrintWorker | None = None  # the warm child printing for this database and actor
        self._temp = tempfile.TemporaryDirectory(prefix="kpidesk-print-")
        self.bridge = _ProgressBridge(self)
        self.bridge.progressed.connect(self._progress)

        self.title = heading()
        self.banner = Banner()
        # who
        self.everyone_radio, self.group_radio, self.chosen_radio = QRadioButton(), QRadioButton(), QRadioButton()
        self.who_group = QButtonGroup(self)
        for number, radio in enumerate((self.everyone_radio, self.group_radio, self.chosen_radio)):
            self.who_group.addButton(radio, number)
        self.everyone_radio.setChecked(True)
        self.group_combo = QComboBox()
        self.search = SearchBox()
        self.employee_list = QListWidget()
        self.employee_list.setObjectName("printEmployees")
        self.search.textChanged.connect(self._filter_employees)
        self.employee_list.itemChanged.connect(lambda _i: self._choice_changed())
        self.who_group.idToggled.connect(lambda _id, _on: self._choice_changed())
        self.group_combo.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.who_box = QGroupBox()
        who = QVBoxLayout(self.who_box)
        who.addWidget(self.everyone_radio)
        row = QHBoxLayout()
        row.addWidget(self.group_radio)
        row.addWidget(self.group_combo, 1)
        who.addLayout(row)
        who.addWidget(self.chosen_radio)
        who.addWidget(self.search)
        who.addWidget(self.employee_list, 1)
        # what
        self.sheets_check, self.summary_check = QCheckBox(), QCheckBox()
        self.period_radio, self.year_radio = QRadioButton(), QRadioButton()
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.period_radio, 0)
        self.kind_group.addButton(self.year_radio, 1)
        self.period_radio.setChecked(True)
        self.charts_check = QCheckBox()
        self.pay_check = QCheckBox()
        self.pay_check.setObjectName("printPay")
        self.pay_check.setVisible(False)  # shown once the actor is known to see pay (see refresh)
        self.sheets_check.setChecked(True)
        self.charts_check.setChecked(True)
        for check in (self.sheets_check, self.summary_check, self.charts_check, self.pay_check):
            check.toggled.connect(lambda _on: self._choice_changed())
        self.kind_group.idToggled.connect(lambda _id, _on: self._choice_changed())
        self.what_box = QGroupBox()
        what = QVBoxLayout(self.what_box)
        what.addWidget(self.sheets_check)
        kinds = QHBoxLayout()
        kinds.addSpacing(20)
        kinds.addWidget(self.period_radio)
        kinds.addWidget(self.year_radio)
        kinds.addStretch(1)
        what.addLayout(kinds)
        what.addWidget(self.summary_check)
        what.addWidget(self.charts_check)
        what.addWidget(self.pay_check)
        # output
        self.one_file_radio, self.split_radio = QRadioButton(), QRadioButton()
        self.output_group = QButtonGroup(self)
        self.output_group.addButton(self.one_file_radio, 0)
        self.output_group.addButton(self.split_radio, 1)
        self.one_file_radio.setChecked(True)
        self.output_box = QGroupBox()
        output = QVBoxLayout(self.output_box)
        output.addWidget(self.one_file_radio)
        output.addWidget(self.split_radio)
        # actions and progress
        self.preview_button, self.save_button, self.cancel_button = QPushButton(), QPushButton(), QPushButton()
        self.print_button = QPushButton()
        self.open_pdf_button = QPushButton()
        self.open_pdf_button.setObjectName("openPdf")
        self.open_pdf_button.setEnabled(False)
        self.open_pdf_button.clicked.connect(self.open_saved)
        self.saved_path: Path | None = None
        self.print_button.setObjectName("printToPrinter")
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_documents)
        self.cancel_button.clicked.connect(self.cancel)
        self.print_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        self.print_shortcut.activated.connect(self._print_shortcut)
        self.printer = None  # the QPrinter of the print job under way
        self._cancelled_text = ""
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("printProgress")
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.cancel_button)
        after_saving = QHBoxLayout()
        after_saving.addStretch(1)
        after_saving.addWidget(self.open_pdf_button)

        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.who_box, 1)
        side.addWidget(self.what_box)
        side.addWidget(self.output_box)
        side.addLayout(buttons)
        side.addLayout(after_saving)
        side.addWidget(self.progress)
        side.addWidget(self.status)
        self.preview_widget = PdfPreview()
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview_widget)
        split.setStretchFactor(1, 1)
        split.setSizes([360, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        ctx.period_changed.connect(lambda _code: self.mark_stale())
        ctx.database_changed.connect(self.stop_worker)  # another database, or someone else logged in
        self.retranslate()

    # -- page protocol --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Print") if self.choices is None else _("Print · {period}").format(
            period=self.choices.period))
        self.who_box.setTitle(_("Who"))
        self.everyone_radio.setText(_("&Everyone"))
        self.group_radio.setText(_("A &department or team:"))
        self.chosen_radio.setText(_("&Chosen employees:"))
        self.search.setPlaceholderText(_("Filter by name or staff no."))
        self.what_box.setTitle(_("What"))
        self.sheets_check.setText(_("Appraisal &sheets, one per employee"))
        self.period_radio.setText(_("for the period"))
        self.year_radio.setText(_("year sheets"))
        self.summary_check.setText(_("Department s&ummary"))
        self.charts_check.setText(_("With c&harts"))
        self.pay_check.setText(_("Include p&ay section"))
        self.pay_check.setToolTip(_("Adds base pay, coefficient, commission, bonuses, allowances and the total to each period sheet. Only HR and administrators see this choice."))
        self.output_box.setTitle(_("Save as"))
        self.one_file_radio.setText(_("&One PDF file"))
        self.split_radio.setText(_("One PDF file &per employee (in a folder)"))
        self.preview_button.setText(_("Pre&view"))
        self.save_button.setText(_("&Save PDF…"))
        self.print_button.setText(_("P&rint…"))
        shortcut = self.print_shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
        self.print_button.setToolTip(_("Print the documents on a printer ({shortcut})").format(shortcut=shortcut))
        self.cancel_button.setText(_("Cancel"))
        self._update_open_button()
        self.preview_widget.retranslate()

    def refresh(self) -> None:
        self.warm_worker()
        self._update_pay_choice()
        period = self.ctx.period_code
        if period is None:
            self.banner.show_text(_("No period is open yet."))
            return
        Task(self, load_print_choices, self.ctx.db, self.ctx.actor, period).success(self._choices_loaded) \
            .failure(lambda error: self._show_error(error)).start()

    def about_to_close(self) -> bool:
        self.cancel()
        self.stop_worker()
        self._temp.cleanup()
        return True

    def warm_worker(self) -> PrintWorker | None:
        """The child printing for the open database and the acting user, started (to get ready while the
        user chooses) unless one already serves them; one serving someone else is stopped first."""
        if self.ctx.db is None:
            self.stop_worker()
            return None
        if self.worker is not None and self.worker.serves(self.ctx.db, self.ctx.actor):
            return self.worker
        self.stop_worker()
        self.worker = PrintWorker(self.ctx.db, self.ctx.actor)
        return self.worker

    def stop_worker(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()

    def focus_employee(self, employee_id: int) -> None:
        from kpidesk.services.people.use_cases import staff_no_of

        Task(self, staff_no_of, self.ctx.db, self.ctx.actor, employee_id).success(self._focus_staff_no) \
            .failure(lambda error: self._show_error(error)).start()

    def _focus_staff_no(self, staff_no: str | None) -> None:
        if staff_no:
            self.choose_employees([staff_no])

    def prepare_screenshot(self) -> None:
        """For the documentation: two sheets previewed."""
        if self.choices and len(self.choices.employees) > 2:
            self.choose_employees([e[0] for e in self.choices.employees[1:3]])
            self.preview()

    # -- choices --------------------------------------------------------------------------------------
    def _choices_loaded(self, choices: PrintChoices) -> None:
        if choices.period != self.ctx.period_code:
            return
        self.choices = choices
        self.banner.hide()
        if choices.status != PeriodStatus.FINALIZED:
            self.banner.show_text(_("Period {period} is not finalized: the sheets are marked as a draft.").format(
                period=choices.period), "warning")
        chosen = set(self.chosen_staff())
        self.employee_list.blockSignals(True)
        self.employee_list.clear()
        for staff_no, name, where in choices.employees:
            item = QListWidgetItem(f"{name} ({staff_no})" + (f" · {where}" if where else ""))
            item.setData(STAFF_ROLE, staff_no)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if staff_no in chosen else Qt.CheckState.Unchecked)
            self.employee_list.addItem(item)
        self.employee_list.blockSignals(False)
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        for group in choices.groups:
            self.group_combo.addItem(group, group)
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(current), 0))
        self.group_combo.blockSignals(False)
        self.retranslate()
        self._choice_changed()
        self._rehearse(choices)

    def _rehearse(self, choices: PrintChoices) -> None:
        """Have the worker print the period's first sheet now, unseen, so the charts and frames of the
        period are drawn before anyone clicks Preview."""
        from kpidesk.services.printing.sheets import PrintRequest

        worker = self.warm_worker()
        if worker is None or not choices.employees:
            return
        request = PrintRequest(period=choices.period, staff_nos=(choices.employees[0][0],),
                               lang=choices.document_language or current_language())
        worker.rehearse(request, str(Path(self._temp.name) / "rehearsal.pdf"))

    def chosen_staff(self) -> list[str]:
        return [self.employee_list.item(i).data(STAFF_ROLE) for i in range(self.employee_list.count())
                if self.employee_list.item(i).checkState() == Qt.CheckState.Checked]

    def choose_employees(self, staff_nos: list[str]) -> None:
        wanted = set(staff_nos)
        self.employee_list.blockSignals(True)
        for i in range(self.employee_list.count()):
            item = self.employee_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(STAFF_ROLE) in wanted else Qt.CheckState.Unchecked)
        self.employee_list.blockSignals(False)
        self.chosen_radio.setChecked(True)
        self._choice_changed()

    def _filter_employees(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.employee_list.count()):
            item = self.employee_list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _choice_changed(self) -> None:
        who = self.who_group.checkedId()
        self.group_combo.setEnabled(who == GROUP)
        self.employee_list.setEnabled(who == CHOSEN)
        self.search.setEnabled(who == CHOSEN)
        self.period_radio.setEnabled(self.sheets_check.isChecked())
        self.year_radio.setEnabled(self.sheets_check.isChecked())
        self.pay_check.setEnabled(self.sheets_check.isChecked() and self.period_radio.isChecked())
        ready = self.choices is not None and self.request() is not None and not self.running
        self.preview_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready and preview_available())

    def _update_pay_choice(self) -> None:
        """The pay section is offered only to someone who may see pay (the actor may change on login)."""
        from kpidesk.services.pay import payroll as pay

        allowed = pay.can_see_pay(self.ctx.actor)
        self.pay_check.setVisible(allowed)
        if not allowed:
            self.pay_check.setChecked(False)

    def pay_wanted(self) -> bool:
        return self.pay_check.isChecked() and not self.pay_check.isHidden() and self.pay_check.isEnabled()

    def request(self, *, split: bool = False):
        """The PrintRequest the page describes, or None when there is nothing to print."""
        from kpidesk.services.printing.sheets import PrintRequest

        if self.choices is None or not (self.sheets_check.isChecked() or self.summary_check.isChecked()):
            return None
        who = self.who_group.checkedId()
        staff = tuple(self.chosen_staff()) if who == CHOSEN else ()
        if who == CHOSEN and not staff:
            return None
        return PrintRequest(
            period=self.choices.period, staff_nos=staff,
            department=self.group_combo.currentData() if who == GROUP else None,
            sheets=self.sheets_check.isChecked(), summary=self.summary_check.isChecked(),
            year_sheets=self.sheets_check.isChecked() and self.year_radio.isChecked(),
            charts=self.charts_check.isChecked(), lang=self.choices.document_language or current_language(), split=split, pay=self.pay_wanted(),
        )

    # -- running --------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.finished

    def preview(self) -> Task | None:
        request = self.request()
        if request is None:
            return None
        if self.preview_key == request and self._preview_file().exists():
            self.preview_widget.load(self._preview_file())
            return None
        target = self._preview_file()
        return self._run(request, target, lambda outcome: self._previewed(request, outcome))

    def save(self) -> Task | None:
        split = self.split_radio.isChecked()
        request = self.request(split=split)
        if request is None:
            return None
        folder = machine.PRINT_FOLDER.read(self.ctx.settings) or documents_folder()
        if split:
            chosen = self.ctx.dialogs.choose_folder(self, _("Save one PDF per employee in"), folder)
            if not chosen:
                return None
            target = Path(chosen)
        else:
            suggested = self._suggested_name(request)
            path = self.ctx.dialogs.save_file(self, _("Save PDF"), _(PDF_FILTER),
                                              str(Path(folder) / suggested) if folder else suggested)
            if not path:
                return None
            target = Path(path) if Path(path).suffix.lower() == ".pdf" else Path(path).with_suffix(".pdf")
            if self.preview_key == request and self._preview_file().exists():
                shutil.copyfile(self._preview_file(), target)  # the previewed file is the one to keep
                self._saved(target, None)
                return None
        machine.PRINT_FOLDER.write(self.ctx.settings, str(target if split else target.parent))
        return self._run(request, target, lambda outcome: self._saved(target, outcome))

    def print_documents(self) -> Task | None:
        """Generate the documents (unless the preview already shows them), then print them: the system
        print dialog chooses the printer, pages and copies."""
        request = self.request()
        if request is None or self.running:
            return None
        if self.preview_key == request and self._preview_file().exists():
            self._ask_printer(request, self.preview_outcome)
            return None
        return self._run(request, self._preview_file(), lambda outcome: self._generated_for_printer(request, outcome))

    def cancel(self) -> None:
        if self.token is not None and self.running:
            self.token.cancel()
            self.status.setText(_("Cancelling…"))

    def _run(self, request, target: Path, done) -> Task:
        return self._start(done, _("Reading the results…"), _("Cancelled; no file was written."),
                           generate, self.ctx.db, self.ctx.actor, request, str(target), worker=self.warm_worker())

    def _start(self, done, label: str, cancelled_text: str, fn, *args, **kwargs) -> Task:
        self.token = CancelToken()
        self.progress_seen = []
        self.progress.setRange(0, 0)  # busy until the first progress arrives
        self.status.setText(label)
        self._cancelled_text = cancelled_text
        self.cancel_button.setEnabled(True)
        task = Task(self, fn, *args, progress=self.bridge.progressed.emit, cancel=self.token, **kwargs)
        self.task = task.rendering().success(done).failure(self._failed)
        self._choice_changed()
        self.task.done.connect(self._ended)
        return self.task.start()

    def _print_shortcut(self) -> None:
        if self.print_button.isEnabled():
            self.print_documents()

    def _generated_for_printer(self, request, outcome) -> None:
        self._show_preview(request, outcome)
        # the print dialog opens once the generating task has wound up (its buttons and Cancel restored)
        QTimer.singleShot(0, self, lambda: self._ask_printer(request, outcome))

    def _ask_printer(self, request, outcome) -> None:
        from PySide6.QtPrintSupport import QPrinter

        pdf = self._preview_file()
        pages = self.preview_widget.page_count
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(Path(self._suggested_name(request)).stem)
        printer.setFullPage(True)  # the PDF brings its own margins
        if not self.ctx.dialogs.print_setup(self, printer, pages=pages, current_page=pages > 1):
            self.status.setText(_("Printing cancelled; nothing was sent to the printer."))
            self.finished.emit(Cancelled(_("Printing was cancelled")))
            return
        from kpidesk.ui.pages.print.spool import print_pdf

        self.printer = printer
        name = printer.printerName() or printer.outputFileName()
        self._start(lambda printed: self._printed(name, printed, outcome), _("Sending the pages to the printer…"),
                    _("Printing cancelled; the pages already sent may still come out."),
                    print_pdf, str(pdf), printer, current_page=self.preview_widget.page)

    def _printed(self, name: str, printed: int, outcome) -> None:
        self.printer = None
        self.outcome = outcome
        text = ngettext("Sent {pages} page to {printer}.", "Sent {pages} pages to {printer}.", printed).format(
            pages=printed, printer=name or _("the printer"))
        self.status.setText(text)
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 10000)
        self.finished.emit(outcome)

    def _progress(self, progress: Progress) -> None:
        self.progress_seen.append(progress)
        if progress.total > 0:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(min(progress.done, progress.total))
        if progress.label:
            self.status.setText(progress.label)

    def _ended(self) -> None:
        self.cancel_button.setEnabled(False)
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        self._choice_changed()

    def _previewed(self, request, outcome) -> None:
        self._show_preview(request, outcome)
        self.finished.emit(outcome)

    def _show_preview(self, request, outcome) -> None:
        self.outcome = self.preview_outcome = outcome
        self.preview_key = request
        pages = self.preview_widget.load(self._preview_file())
        self.status.setText(counts_text(outcome.documents, outcome.pages or pages))

    def _saved(self, target: Path, outcome) -> None:
        self.outcome = outcome
        self.saved_path = target
        if outcome is not None and len(outcome.paths) > 1:
            text = ngettext("{count} file saved in {folder}", "{count} files saved in {folder}",
                            len(outcome.paths)).format(count=len(outcome.paths), folder=target)
        else:
            text = _("Saved: {path}").format(path=target)
        self._update_open_button()
        self.status.setText(text)
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 10000)
        self.finished.emit(outcome)

    def _failed(self, error: BaseException) -> None:
        self.printer = None
        if isinstance(error, Cancelled):
            self.status.setText(self._cancelled_text or _("Cancelled; no file was written."))
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
        else:
            self._show_error(error)
        self.finished.emit(error)

    def _show_error(self, error: BaseException) -> None:
        from kpidesk.ui.dialogs import error_text

        self.status.setText(error_text(error))
        self.ctx.dialogs.error(self, error, _("Printing"))

    def open_saved(self) -> None:
        """Open the PDF just saved in the system's PDF reader (a folder of PDFs in the file manager)."""
        if self.saved_path is None or not self.saved_path.exists():
            self._update_open_button()
            return
        if self.saved_path.is_dir():
            self.ctx.dialogs.open_folder(self, self.saved_path)
        else:
            self.ctx.dialogs.open_document(self, self.saved_path)

    def _update_open_button(self) -> None:
        folder = self.saved_path is not None and self.saved_path.is_dir()
        self.open_pdf_button.setText(_("Open folder") if folder else _("Open PDF"))
        self.open_pdf_button.setEnabled(self.saved_path is not None and self.saved_path.exists())

    def _preview_file(self) -> Path:
        return Path(self._temp.name) / "preview.pdf"

    def _suggested_name(self, request) -> str:
        if request.year_sheets:
            stem = _("year-sheets")
        elif request.summary and not request.sheets:
            stem = _("summary")
        else:
            stem = _("appraisal-sheets")
        where = request.department or (request.staff_nos[0] if len(request.staff_nos) == 1 else "")
        return "-".join(p for p in (request.period, stem, where) if p) + ".pdf"
