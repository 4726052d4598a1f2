"""The import wizard: file → sheet → header row → column mapping → preview → confirm → import. (long: seven wizard pages sharing one state; one module per page is planned)

Over 500 lines: its seven pages share one state; the column, set-aside and change views are in column_facts.

Reading and checking use the import service's preview (nothing is written until the last step); the
import itself runs on the write pool with a progress bar and a Cancel button, and either writes
everything or nothing. The summary lists the rows that were skipped, each a link to the row itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kpidesk.errors import Cancelled
from kpidesk.i18n import N_, _
from kpidesk.services.imports.use_cases import propose_columns
from kpidesk.services.progress import CancelToken
from kpidesk.ui.context import Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.import_wizard.column_facts import PreviewFacts, match_cell
from kpidesk.ui.import_wizard.models import RawSheetModel, SourceRowsModel, cell_text
from kpidesk.ui.tasks import Task

#: Mapping a column to this name keeps it out of the import even when its header looks like a field.
IGNORED = "(ignored)"
RAW_PREVIEW_ROWS = 40
FILE_FILTER = N_("Spreadsheets and CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)")
IDENTITY_LABELS = {
    "staff_no": N_("Staff number"), "name": N_("Name"), "department": N_("Department"), "period": N_("Period"),
    "field": N_("Field or KPI name (long form)"), "value": N_("Value (long form)"), "unit": N_("Unit"),
}


@dataclass
class Detected:
    """What opening a file found: the workbook, its sheets and the table the reader would pick."""

    book: object
    sheets: list[tuple[str, bool]]  # name, visible
    sheet: str | None
    header_row: int | None
    problem: str | None = None


def open_and_detect(path: str, kind: str, overrides: dict, sheet: str | None = None,
                    header_row: int | None = None) -> Detected:
    """Open a file and find its table (runs in a worker)."""
    from kpidesk.errors import KpiDeskError
    from kpidesk.exchange.grids import open_workbook
    from kpidesk.exchange.readers import read_table

    book = open_workbook(path)
    sheets = [(name, book.visible.get(name, True)) for name in book.sheet_names]
    try:
        table = read_table(book, kind=kind, sheet=sheet, overrides=overrides, header_row=header_row, strict=False)
    except KpiDeskError as exc:
        return Detected(book, sheets, sheet or (sheets[0][0] if sheets else None), header_row, exc.message)
    return Detected(book, sheets, table.sheet, table.header_row)


def run_import(db, actor, preview, skip_problem_rows: bool, profile: dict | None, progress, cancel):
    """Write the preview (one transaction), then store the column profile if one was asked for."""
    from kpidesk.services.imports.use_cases import apply_import, save_profile

    result = apply_import(db, actor, preview, skip_problem_rows=skip_problem_rows, progress=progress,
                          cancel=cancel)
    if profile:
        save_profile(db, actor, profile["name"], preview.kind, profile["columns"], sheet=profile.get("sheet"),
                     header_row=profile.get("header_row"))
    return result


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the wizard (a queued signal)."""

    progressed = Signal(object)


class ImportWizard(QWizard):
    """Import a performance-data file into a period. Open it with ``open()`` (non-blocking)."""

    PAGE_FILE, PAGE_SHEET, PAGE_HEADER, PAGE_MAPPING, PAGE_PREVIEW, PAGE_CONFIRM, PAGE_RUN = range(7)

    def __init__(self, ctx, period: str | None = None, kind: str = "data", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.setObjectName("importWizard")
        self.setWindowTitle(_("Import data"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(900, 640)
        self.period = period
        self.path: str | None = None
        self.profile: dict | None = None
        self.detected: Detected | None = None
        self.sheet: str | None = None
        self.header_row: int | None = None
        self.table = None  # SheetTable with the chosen sheet, header row and mapping
        self.overrides: dict[str, str | None] = {}
        self.preview = None
        self.result = None
        self.choices = None  # ImportChoices, read in a worker when the first page opens
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.header_page = HeaderPage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.confirm_page = ConfirmPage(self)
        self.run_page = RunPage(self)
        for number, page in enumerate((self.file_page, self.sheet_page, self.header_page, self.mapping_page,
                                       self.preview_page, self.confirm_page, self.run_page)):
            self.setPage(number, page)
        for button, text in ((QWizard.WizardButton.BackButton, _("< &Back")),
                             (QWizard.WizardButton.NextButton, _("&Next >")),
                             (QWizard.WizardButton.CommitButton, _("&Import")),
                             (QWizard.WizardButton.FinishButton, _("&Finish")),
                             (QWizard.WizardButton.CancelButton, _("Cancel"))):
            self.setButtonText(button, text)

    def profile_overrides(self) -> dict[str, str | None]:
        return dict((self.profile or {}).get("columns") or {})

    def reject(self) -> None:
        if self.run_page.running:
            self.run_page.cancel()
            return
        super().reject()


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("Choose the file"))
        self.setSubTitle(_("An Excel, WPS, LibreOffice or CSV export with one row per employee (or per value)."))
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton(_("&Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("importPeriod")
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("importProfile")
        form = QFormLayout(self)
        file_label = QLabel(_("&File:"))
        file_label.setBuddy(self.path_edit)  # a row of two widgets gets no buddy by itself: "&File:" showed as typed
        form.addRow(file_label, row)
        form.addRow(_("Import into &period:"), self.period_combo)
        form.addRow(_("Saved column &profile:"), self.profile_combo)
        note = QLabel(_("The period is used for rows without a period column of their own. Finalized periods "
                        "cannot be imported into."))
        note.setWordWrap(True)
        form.addRow(note)

    def initializePage(self) -> None:  # noqa: N802
        from kpidesk.services.imports.use_cases import import_choices

        self.period_combo.clear()
        self.profile_combo.clear()
        Task(self, import_choices, self.wiz.ctx.db, self.wiz.ctx.actor, self.wiz.kind) \
            .success(self._choices_loaded).start()

    def _choices_loaded(self, choices) -> None:
        self.wiz.choices = choices
        for code in choices.periods:
            self.period_combo.addItem(code, code)
        index = self.period_combo.findData(self.wiz.period)
        self.period_combo.setCurrentIndex(max(index, 0))
        self.profile_combo.addItem(_("None — recognise the columns"), None)
        for name in choices.profiles:
            self.profile_combo.addItem(name, name)
        self.completeChanged.emit()

    def browse(self) -> None:
        path = self.wiz.ctx.dialogs.open_file(self, _("Import data"), _(FILE_FILTER))
        if path:
            self.path_edit.setText(path)

    def isComplete(self) -> bool:  # noqa: N802
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file() and self.period_combo.count() > 0

    def validatePage(self) -> bool:  # noqa: N802
        self.wiz.path = self.path_edit.text().strip()
        self.wiz.period = self.period_combo.currentData()
        name = self.profile_combo.currentData()
        self.wiz.profile = dict(self.wiz.choices.profiles[name], name=name) if name else None
        return True


class SheetPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.loaded = False
        self.setTitle(_("Choose the sheet"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.sheets = QListWidget()
        self.sheets.setObjectName("sheetList")
        self.sheets.currentRowChanged.connect(self._sheet_chosen)
        self.model = RawSheetModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        row.addWidget(self.sheets, 1)
        row.addWidget(self.grid, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(row, 1)

    def initializePage(self) -> None:  # noqa: N802
        self.loaded = False
        self.sheets.clear()
        self.model.set_rows([])
        self.status.setText(_("Reading {file}…").format(file=Path(self.wiz.path).name))
        profile = self.wiz.profile or {}
        (Task(self, open_and_detect, self.wiz.path, self.wiz.kind, self.wiz.profile_overrides(),
              profile.get("sheet"), profile.get("header_row"))
         .rendering().success(self._opened).failure(self._failed).start())

    def _opened(self, detected: Detected) -> None:
        self.wiz.detected = detected
        self.sheets.blockSignals(True)
        for name, visible in detected.sheets:
            item = QListWidgetItem(name if visible else _("{sheet} (hidden)").format(sheet=name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.sheets.addItem(item)
        self.sheets.blockSignals(False)
        names = [name for name, _visible in detected.sheets]
        self.sheets.setCurrentRow(names.index(detected.sheet) if detected.sheet in names else 0)
        self.wiz.header_row = detected.header_row
        self.status.setText(_("The table was found on sheet “{sheet}”.").format(sheet=detected.sheet)
                            if detected.problem is None else detected.problem)
        self.loaded = True
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))
        self.completeChanged.emit()

    def _sheet_chosen(self, row: int) -> None:
        item = self.sheets.item(row)
        detected = self.wiz.detected
        if item is None or detected is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        if name != self.wiz.sheet:
            self.wiz.sheet = name
            if name != detected.sheet:
                self.wiz.header_row = None  # found again for this sheet on the next page
        sheet = detected.book.sheet(name)
        self.model.set_rows(sheet.rows[:RAW_PREVIEW_ROWS], self.wiz.header_row)
        self.grid.resizeColumnsToContents()

    def isComplete(self) -> bool:  # noqa: N802
        return self.loaded and self.wiz.sheet is not None


class HeaderPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("Find the header row"))
        self.setSubTitle(_("Click the row that holds the column names; title rows above it are skipped."))
        self.model = RawSheetModel(self)
        self.grid = QTableView()
        self.grid.setObjectName("headerGrid")
        self.grid.setModel(self.model)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.clicked.connect(lambda index: self.spin.setValue(index.row() + 1))
        self.spin = QSpinBox()
        self.spin.setObjectName("headerRow")
        self.spin.setMinimum(1)
        self.spin.valueChanged.connect(self._row_chosen)
        self.names = QLabel()
        self.names.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Header &row:"), self.spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.names)

    def initializePage(self) -> None:  # noqa: N802
        from kpidesk.exchange.readers import find_header_row

        rows = self.wiz.detected.book.sheet(self.wiz.sheet).rows
        if self.wiz.header_row is None:
            found = find_header_row(rows, self.wiz.kind)
            self.wiz.header_row = (found + 1) if found is not None else 1
        self.model.set_rows(rows[:RAW_PREVIEW_ROWS], self.wiz.header_row)
        self.spin.setMaximum(max(1, min(len(rows), RAW_PREVIEW_ROWS)))
        self.spin.setValue(self.wiz.header_row)
        self._row_chosen(self.wiz.header_row)
        self.grid.resizeColumnsToContents()

    def _row_chosen(self, number: int) -> None:
        self.wiz.header_row = number
        self.model.set_header_row(number)
        rows = self.model.rows
        names = [cell_text(v) for v in rows[number - 1]] if 0 < number <= len(rows) else []
        names = [n for n in names if n]
        self.names.setText(_("Row {row} names the columns: {names}").format(row=number, names=", ".join(names))
                           if names else _("Row {row} is empty.").format(row=number))
        self.grid.selectRow(number - 1)


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("Match the columns"))
        self.setSubTitle(_("Each column is matched to a field by its header; change what was guessed wrong. "
                           "A staff-number column is required."))
        self.grid = QTableWidget(0, 4)
        self.grid.setObjectName("mappingTable")
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.combos: dict[str, QComboBox] = {}
        self.save_profile = QCheckBox(_("&Save this matching as a profile named"))
        self.save_profile.setObjectName("saveProfile")
        self.profile_name = QLineEdit()
        self.profile_name.setObjectName("profileName")
        self.profile_name.setEnabled(False)
        self.save_profile.toggled.connect(self.profile_name.setEnabled)
        self.save_profile.toggled.connect(lambda _c: self.completeChanged.emit())
        self.profile_name.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.save_profile)
        row.addWidget(self.profile_name, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.grid, 1)
        layout.addLayout(row)
        layout.addWidget(self.problem)

    def initializePage(self) -> None:  # noqa: N802
        from kpidesk.exchange.aliases import match_header
        from kpidesk.exchange.readers import read_table
        from kpidesk.services.imports.data import template_overrides

        self.grid.setHorizontalHeaderLabels([_("Column"), _("Examples"), _("Imports as"), _("Matched")])
        book = self.wiz.detected.book
        overrides = {**template_overrides(book), **self.wiz.profile_overrides()}
        self.table = read_table(book, kind=self.wiz.kind, sheet=self.wiz.sheet, header_row=self.wiz.header_row,
                                overrides=overrides, strict=False)
        self.wiz.header_row = self.table.header_row
        choices, index = self.wiz.choices.fields, self.wiz.choices.header_index
        proposals = (propose_columns(self.wiz.ctx.db, self.wiz.ctx.actor, self.table, overrides)
                     if self.wiz.kind == "data" else {})
        self.combos.clear()
        self.grid.setRowCount(len(self.table.columns))
        for row, column in enumerate(self.table.columns):
            header = QTableWidgetItem(column.display)
            header.setToolTip(column.display)
            self.grid.setItem(row, 0, header)
            samples = [cell_text(v) for v in self.table.frame[column.label].tolist()[:12]]
            self.grid.setItem(row, 1, QTableWidgetItem(", ".join([s for s in samples if s][:3])))
            combo = QComboBox()
            combo.setObjectName(f"mapping:{column.label}")
            combo.addItem(_("— do not import —"), IGNORED)
            for field, label in IDENTITY_LABELS.items():
                combo.addItem(_(label), field)
            combo.insertSeparator(combo.count())
            for code, label in choices:
                combo.addItem(label, code)
            guess = self.table.mapping.get(column.label)
            if overrides.get(column.label, "") is None:
                guess = IGNORED  # the profile says: leave this column out
            elif guess is None and not column.hidden:
                guess = match_header(column.label, index) or match_header(column.header.split("/")[-1], index)
                proposal = proposals.get(column.label)
                if guess is None and proposal is not None and proposal.confirmed:
                    guess = proposal.field
            combo.setCurrentIndex(max(combo.findData(guess), 0) if guess else 0)
            combo.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
            self.combos[column.label] = combo
            self.grid.setCellWidget(row, 2, combo)
            self.grid.setCellWidget(row, 3, match_cell(proposals.get(column.label), combo))
        self.grid.resizeColumnsToContents()
        self.grid.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        profile = self.wiz.profile or {}
        self.save_profile.setChecked(False)
        self.profile_name.setText(profile.get("name") or Path(self.wiz.path).stem)
        self.completeChanged.emit()

    def combo(self, label: str) -> QComboBox:
        return self.combos[label]

    def chosen(self) -> dict[str, str]:
        return {label: combo.currentData() for label, combo in self.combos.items()}

    def isComplete(self) -> bool:  # noqa: N802
        chosen = list(self.chosen().values())
        duplicates = sorted({c for c in chosen if c != IGNORED and chosen.count(c) > 1})
        if "staff_no" not in chosen:
            self.problem.setText(_("Choose the column that holds the staff number."))
            return False
        if duplicates:
            self.problem.setText(_("Two columns are imported as the same field: {fields}").format(
                fields=", ".join(duplicates)))
            return False
        if self.save_profile.isChecked() and not self.profile_name.text().strip():
            self.problem.setText(_("Give the profile a name."))
            return False
        self.problem.setText("")
        return True

    def validatePage(self) -> bool:  # noqa: N802
        self.wiz.overrides = self.chosen()
        self.wiz.table = self.table
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("Check the preview"))
        self.setSubTitle(_("Nothing has been written yet. Rows with problems are marked red; point at a cell "
                           "to read why."))
        self.counts = QLabel()
        self.counts.setObjectName("previewCounts")
        self.counts.setWordWrap(True)
        self.model = SourceRowsModel(self)
        self.rows = QTableView()
        self.rows.setObjectName("previewRows")
        self.rows.setModel(self.model)
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems = QListWidget()
        self.problems.setObjectName("previewProblems")
        self.problems.setMaximumHeight(120)
        self.problems.currentItemChanged.connect(self._problem_chosen)
        self.skip = QCheckBox()
        self.skip.setObjectName("skipProblemRows")
        self.skip.toggled.connect(lambda _c: self.completeChanged.emit())
        self.period_ok = QCheckBox()
        self.period_ok.setObjectName("periodMismatchOk")
        self.period_ok.toggled.connect(lambda _c: self._run_preview())
        self.facts = PreviewFacts()
        self.facts.setMaximumHeight(180)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.facts)
        layout.addWidget(self.problems)
        layout.addWidget(self.period_ok)
        layout.addWidget(self.skip)
        self.error: str | None = None

    def initializePage(self) -> None:  # noqa: N802
        self.period_ok.blockSignals(True)
        self.period_ok.setChecked(False)
        self.period_ok.blockSignals(False)
        self.period_ok.hide()
        self._run_preview()

    def _run_preview(self) -> None:
        """Check the file again (at first, and when the user confirms a period the file contradicts)."""
        from kpidesk.services.imports.use_cases import preview_import

        self.wiz.preview = None
        self.error = None
        self.counts.setText(_("Checking every row…"))
        self.problems.clear()
        self.skip.hide()
        self.skip.setChecked(False)
        db, wiz, period_ok = self.wiz.ctx.db, self.wiz, self.period_ok.isChecked()

        def make_preview():
            return preview_import(db, wiz.ctx.actor, wiz.path, kind=wiz.kind, period=wiz.period, sheet=wiz.sheet,
                                  overrides=wiz.overrides, header_row=wiz.header_row, period_mismatch_ok=period_ok)

        Task(self, make_preview).rendering().success(self._previewed).failure(self._failed).start()

    def _previewed(self, preview) -> None:
        self.wiz.preview = preview
        table = self.wiz.table
        self.model.set_table(table.frame, table.columns, preview.problems)
        self.rows.resizeColumnsToContents()
        c = preview.counts
        parts = [_("{rows} rows, {values} values: {new} new, {changed} changed, {unchanged} unchanged.").format(
            rows=c.get("rows", 0), values=c.get("values", 0), new=c.get("new", 0), changed=c.get("changed", 0),
            unchanged=c.get("unchanged", 0))]
        if preview.problems:
            parts.append(_("{problems} problems in {count} rows.").format(
                problems=len(preview.problems), count=len(preview.problem_rows)))
        if preview.skipped_lines:
            parts.append(_("{count} totals or notes lines set aside.").format(count=len(preview.skipped_lines)))
        ignored = [label for label, field in self.wiz.overrides.items() if field == IGNORED]
        if ignored:
            parts.append(_("Not imported: {columns}.").format(columns=", ".join(ignored)))
        self.counts.setText(" ".join(parts + list(preview.notes)))
        self.facts.show_preview(preview)
        if any(p.code == "period_mismatch" for p in preview.problems):
            self.period_ok.setText(_("Import into {period} anyway").format(period=self.wiz.period))
            self.period_ok.show()
        for problem in preview.problems:
            item = QListWidgetItem(str(problem) if problem.row is None else _("Row {row}: {problem}").format(
                row=problem.row, problem=problem.message if not problem.place.column else
                f"{problem.place.column}: {problem.message}"))
            item.setData(Qt.ItemDataRole.UserRole, problem.row)
            self.problems.addItem(item)
        if preview.blocked:
            self.skip.setText(_("Skip the {count} rows with problems and import the rest").format(
                count=len(preview.problem_rows)))
            self.skip.show()
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.error = error_text(error)
        self.counts.setText(self.error)
        self.completeChanged.emit()

    def _problem_chosen(self, item: QListWidgetItem | None) -> None:
        row = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        position = self.model.row_of(row) if row is not None else -1
        if position >= 0:
            self.rows.selectRow(position)
            self.rows.scrollTo(self.model.index(position, 0))

    def isComplete(self) -> bool:  # noqa: N802
        from kpidesk.services.imports.registry import import_allowed

        preview = self.wiz.preview
        if preview is None or not preview.counts.get("values"):
            return False
        return import_allowed(preview, self.skip.isChecked())


class ConfirmPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("Confirm the import"))
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("confirmSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        preview = self.wiz.preview
        skip = self.wiz.preview_page.skip.isChecked()
        periods = ", ".join(preview.extra.get("periods", [])) or self.wiz.period or ""
        lines = [
            _("File: {file}, sheet “{sheet}”, header in row {row}.").format(
                file=preview.file, sheet=preview.sheet or "", row=preview.header_row),
            _("{values} values go into {periods}: {new} new and {changed} changed.").format(
                values=preview.counts.get("values", 0), periods=periods, new=preview.counts.get("new", 0),
                changed=preview.counts.get("changed", 0)),
        ]
        if skip:
            lines.append(_("The {count} rows with problems are skipped.").format(count=len(preview.problem_rows)))
        lines.append(_("A backup is taken first; the import writes everything or nothing, and can be cancelled."))
        self.summary.setText("\n\n".join(lines))


class RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("Importing"))
        self.running = False
        self.finished = False
        self.token: CancelToken | None = None
        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.cancel_button = QPushButton(_("&Cancel import"))
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        self.skipped_links = QLabel()
        self.skipped_links.setObjectName("skippedLinks")
        self.skipped_links.setWordWrap(True)
        self.skipped_links.setTextFormat(Qt.TextFormat.RichText)
        self.skipped_links.linkActivated.connect(self.show_row)
        self.skipped_model = SourceRowsModel(self)
        self.skipped_rows = QTableView()
        self.skipped_rows.setObjectName("skippedRows")
        self.skipped_rows.setModel(self.skipped_model)
        self.skipped_rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.skipped_rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.skipped_rows.hide()
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.skipped_links)
        layout.addWidget(self.skipped_rows, 1)
        self.relay = _ProgressRelay(self)
        self.relay.progressed.connect(self._progressed)

    def initializePage(self) -> None:  # noqa: N802
        wiz = self.wiz
        self.finished = False
        self.running = True
        self.token = CancelToken()
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.status.setText(_("Writing the values…"))
        skip = wiz.preview_page.skip.isChecked()
        mapping_page = wiz.mapping_page
        profile = None
        if mapping_page.save_profile.isChecked():
            profile = {"name": mapping_page.profile_name.text().strip(),
                       "columns": {k: (None if v == IGNORED else v) for k, v in wiz.overrides.items()},
                       "sheet": wiz.sheet, "header_row": wiz.header_row}
        (Task(self, run_import, wiz.ctx.db, wiz.ctx.actor, wiz.preview, skip, profile,
              self.relay.progressed.emit, self.token)
         .writes(Changes.MEASUREMENTS)
         .success(self._done).failure(self._failed).start())

    def cancel(self) -> None:
        if self.running and self.token is not None:
            self.token.cancel()
            self.status.setText(_("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def _progressed(self, progress) -> None:
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.done)
        if progress.label:
            self.status.setText(progress.label)

    def _finish(self) -> None:
        self.running = False
        self.finished = True
        self.cancel_button.setEnabled(False)
        self.completeChanged.emit()

    def _done(self, result) -> None:
        self.wiz.result = result
        self._finish()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        c = result.counts
        self.status.setText(_("Imported: {inserted} new and {updated} changed values; {unchanged} were already "
                              "there.").format(inserted=c.get("inserted", 0), updated=c.get("updated", 0),
                                               unchanged=c.get("unchanged", 0)))
        preview = self.wiz.preview
        skipped = preview.problem_rows if c.get("skipped_rows") else []
        if skipped:
            links = ", ".join(f'<a href="row:{row}">{row}</a>' for row in skipped)
            self.skipped_links.setText(_("Rows skipped because of problems: {links}").format(links=links))
            self.skipped_model.set_table(self.wiz.table.frame, self.wiz.table.columns, preview.problems,
                                         only_rows=skipped)
            self.skipped_rows.resizeColumnsToContents()
            self.skipped_rows.show()
        else:
            self.skipped_links.setText("")

    def _failed(self, error: BaseException) -> None:
        self._finish()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if isinstance(error, Cancelled):
            self.status.setText(_("The import was cancelled; nothing was changed."))
        else:
            self.status.setText(_("The import failed; nothing was changed. {error}").format(error=error_text(error)))

    def show_row(self, link: str) -> None:
        """Select a skipped row (the summary's links are ``row:<Excel row>``)."""
        row = int(link.partition(":")[2])
        position = self.skipped_model.row_of(row)
        if position >= 0:
            self.skipped_rows.selectRow(position)
            self.skipped_rows.scrollTo(self.skipped_model.index(position, 0))

    def isComplete(self) -> bool:  # noqa: N802
        return self.finished
