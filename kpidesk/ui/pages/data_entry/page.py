"""Data entry: the chosen period's grid of employees × raw fields, with computed KPIs and scores beside. (long: grid editing with paste, undo, filters and a remembered layout)

Typing, pasting a block from Excel and clearing cells all become one undoable command each; a command
shows the new values at once and saves them through the measurements service on the write pool (its
undo saves the old values back). Text that cannot be read stays in the cell, tinted, with the reason as
its tooltip, and is never saved. A finalized period is shown read-only under a banner that says why.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _, pick
from kpidesk.i18n.times import DAY, format_local_time
from kpidesk.services.actor import Role
from kpidesk.services.appraisal import measurements
from kpidesk.services.progress import LatestOnly
from kpidesk.ui import machine_settings as machine
from kpidesk.ui.context import Changes
from kpidesk.ui.icons import icon, locked_text
from kpidesk.ui.later_text import Message, RelabelledCommand, message
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.data_entry.arrange import person_headers, without_copied_header
from kpidesk.ui.pages.data_entry.cells import format_block, parse_block, read_cell, to_decimal
from kpidesk.ui.pages.data_entry.computed import Computed, compute_grid_scores
from kpidesk.ui.pages.data_entry.model import (
    INVALID_TINT,
    WARNING_TINT,
    CellEdit,
    EntryModel,
    load_entry_sheet,
)
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import SearchBox

MAX_COLUMN_WIDTH = 170
FIT_SAMPLE_ROWS = 12  # rows measured when a column is fitted to its contents
FIT_SLICE_COLUMNS = 8  # columns out of view fitted in one turn of the event loop
COMPUTE_DELAY_MS = 250


class SetValuesCommand(RelabelledCommand):
    """One typed, pasted or cleared change; redo saves the new values, undo the old ones."""

    def __init__(self, page: DataEntryPage, edits: list[CellEdit], text: Message) -> None:
        super().__init__(text)
        self.page = page
        self.edits = edits

    def redo(self) -> None:
        self.page.save(self, [(e.employee_id, e.code, e.new) for e in self.edits])

    def undo(self) -> None:
        self.page.save(self, [(e.employee_id, e.code, e.old) for e in self.edits])


class EntryDelegate(QStyledItemDelegate):
    """A line editor that reads the text as it is typed and tints itself with the reason."""

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        model = index.model()
        spec = model.columns[index.column()]
        editor.textEdited.connect(functools.partial(self._check, editor, spec.unit, spec.entry.bounded_rate))
        return editor

    def _check(self, editor: QLineEdit, unit: str, bounded: bool, text: str) -> None:
        reading = read_cell(text, unit, bounded_rate=bounded)
        if not reading.ok:
            colour, tip = INVALID_TINT, reading.error
        elif reading.warning:
            colour, tip = WARNING_TINT, reading.warning
        else:
            colour, tip = None, ""
        editor.setProperty("reading", "invalid" if not reading.ok else ("warning" if reading.warning else "ok"))
        editor.setStyleSheet("" if colour is None else
                             f"QLineEdit {{ background: rgba({colour.red()},{colour.green()},{colour.blue()},110); }}")
        editor.setToolTip(tip or "")

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        """A cell opened by typing starts empty, so the key typed replaces the value (as in Excel);
        F2 and double-click keep the value to edit it."""
        view = self.parent()
        if isinstance(view, EntryView) and view.replacing:
            editor.setText("")
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor, event) -> bool:  # noqa: N802
        """Remember whether Enter or Tab came with Shift, so the view moves up or left instead."""
        view = self.parent()
        if isinstance(view, EntryView) and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            view.shift_held = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        return super().eventFilter(editor, event)


class EntryView(QTableView):
    """The grid: Excel-like keys (type to replace, Enter moves down, Delete clears, Ctrl+C/V)."""

    refused = Signal()  # typing or pasting into a read-only period
    not_editable = Signal(object)  # typing into a cell that takes no value (QModelIndex)
    paste_requested = Signal()
    copy_requested = Signal()
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._moving_down = False
        self.replacing = False  # true while a typed key opens the editor
        self.shift_held = False  # the editor was closed with Shift+Enter or Shift+Tab
        self.setItemDelegate(EntryDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setCornerButtonEnabled(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setHighlightSections(True)
        # columns are fitted to a sample of rows: measuring a thousand rows of 56 columns took seconds
        self.horizontalHeader().setResizeContentsPrecision(FIT_SAMPLE_ROWS)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear_requested.emit()
            return
        model = self.model()
        typing = bool(event.text().strip()) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if not editing and (typing or event.key() == Qt.Key.Key_F2) and model is not None:
            index = self.currentIndex()
            if model.locked:
                self.refused.emit()
                return
            if index.isValid() and not model.is_editable(index):
                self.not_editable.emit(index)
                return
        if not editing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._move(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1, 0)
            return
        self.replacing = not editing and typing
        try:
            super().keyPressEvent(event)
        finally:
            self.replacing = False

    def closeEditor(self, editor, hint) -> None:  # noqa: N802
        """Enter commits and moves down (Shift: up); Tab commits and moves right (Shift: left) without
        opening the next cell, so what is typed there replaces its value."""
        Hint = QAbstractItemDelegate.EndEditHint
        backwards, self.shift_held = self.shift_held, False
        if hint in (Hint.EditNextItem, Hint.EditPreviousItem):
            super().closeEditor(editor, Hint.NoHint)
            self._move(0, -1 if hint == Hint.EditPreviousItem or backwards else 1)
            return
        super().closeEditor(editor, hint)
        if hint == Hint.SubmitModelCache:
            self._move(-1 if backwards else 1, 0)

    def _move(self, rows: int, columns: int) -> None:
        index = self.currentIndex()
        if not index.isValid():
            return
        row, column = index.row() + rows, index.column() + columns
        if 0 <= row < self.model().rowCount() and 0 <= column < self.model().columnCount():
            self.setCurrentIndex(index.sibling(row, column))


class DataEntryPage(Page):
    watches = (Changes.MEASUREMENTS | Changes.STAFF | Changes.KPIS | Changes.TEMPLATES | Changes.PERIODS
               | Changes.RESULTS | Changes.ADJUSTMENTS | Changes.FORMS | Changes.SETTINGS)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("dataEntryPage")
        self.stack = QUndoStack(self)
        self.sheet: measurements.EntrySheet | None = None
        self._own_writes = 0
        self._compute_generation = 0
        self._sheet_reads = LatestOnly()  # a read for a period the person has moved past gives way
        self._computations = LatestOnly()  # a computation after an older edit gives way to the newer one
        self.wizard = None

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.template_label = QLabel()
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("templateFilter")
        self.template_combo.setMinimumContentsLength(12)
        self.template_combo.currentIndexChanged.connect(self._on_template_filter)
        self.template_label.setBuddy(self.template_combo)
        self.search_box = SearchBox()
        self.search_box.setObjectName("entrySearch")
        self.search_box.textChanged.connect(self._on_search)
        self.kpi_label = QLabel()
        self.kpi_combo = QComboBox()
        self.kpi_combo.setObjectName("kpiFilter")
        self.kpi_combo.setMinimumContentsLength(10)
        self.kpi_combo.currentIndexChanged.connect(self._on_kpi_filter)
        self.kpi_label.setBuddy(self.kpi_combo)
        self.import_button = QPushButton(icon("import"), "")
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.open_import_wizard)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(16)
        header.addWidget(self.template_label)
        header.addWidget(self.template_combo)
        header.addSpacing(8)
        header.addWidget(self.kpi_label)
        header.addWidget(self.kpi_combo)
        header.addSpacing(8)
        header.addWidget(self.search_box, 1)
        header.addStretch(1)
        header.addWidget(self.import_button)

        self.banner = QLabel()
        self.banner.setObjectName("lockBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#lockBanner { background: rgba(251,170,25,60); border: 1px solid rgba(200,120,0,160);"
            " border-radius: 4px; padding: 6px 10px; }")
        self.banner.hide()

        self.model = EntryModel(self)
        self.model.edits_requested.connect(self._push_edits)
        self.model.value_rejected.connect(self._show_rejection)
        self.view = EntryView(self)
        self.view.setObjectName("entryGrid")
        self.view.setModel(self.model)
        self.view.refused.connect(self._refused)
        self.view.not_editable.connect(self._not_editable)
        self.view.paste_requested.connect(self.paste)
        self.view.copy_requested.connect(self.copy)
        self.view.clear_requested.connect(self.clear_selection)
        self._fitting = False
        self._fit_generation = 0  # a newer fit drops the columns an older one had left for later
        # why the red cell was not saved, right beside it (hover is not needed to find out)
        self.rejection_note = QLabel(self.view.viewport())
        self.rejection_note.setObjectName("rejectionNote")
        self.rejection_note.setStyleSheet(
            "QLabel#rejectionNote { background: #fdecea; color: #b71c1c; border: 1px solid #e57373;"
            " border-radius: 3px; padding: 1px 4px; }")
        self.rejection_note.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks reach the cells
        self.rejection_note.hide()
        self.model.dataChanged.connect(lambda *_args: self._place_rejection_note())
        self.model.modelReset.connect(self._place_rejection_note)
        self.view.horizontalScrollBar().valueChanged.connect(lambda _v: self._place_rejection_note())
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._place_rejection_note())
        self.view.horizontalHeader().sectionResized.connect(self._column_resized)
        self.view.horizontalHeader().setSectionsClickable(True)
        self.view.horizontalHeader().setSortIndicatorShown(False)  # shown once the user sorts
        self.view.horizontalHeader().sectionClicked.connect(self.sort_by_column)

        self.message = QLabel()
        self.message.setObjectName("entryMessage")
        self.legend = QLabel()
        self.legend.setObjectName("entryLegend")
        footer = QHBoxLayout()
        footer.addWidget(self.message, 1)
        footer.addWidget(self.legend)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addLayout(footer)

        self._compute_timer = QTimer(self)
        self._compute_timer.setSingleShot(True)
        self._compute_timer.setInterval(COMPUTE_DELAY_MS)
        self._compute_timer.timeout.connect(self.compute)
        ctx.period_changed.connect(self._on_period_changed)
        self.retranslate()

    # -- page protocol ------------------------------------------------------------------------------
    def undo_stack(self) -> QUndoStack:
        return self.stack

    def retranslate(self) -> None:
        self.title.setText(_("Data entry"))
        self.template_label.setText(_("&Template:"))
        self.import_button.setText(_("&Import…"))
        self.import_button.setToolTip(_("Import a file of performance data into this period"))
        self.legend.setText(_("Red: not saved · Amber: check the figure · Hatched: not on the template · "
                              "Grey: computed"))
        if self.template_combo.count():
            self.template_combo.setItemText(0, _("All templates"))
        self.kpi_label.setText(_("&KPI:"))
        if self.kpi_combo.count():
            self.kpi_combo.setItemText(0, _("All KPIs"))
        self.search_box.setPlaceholderText(_("Find a person: staff no., name or team"))
        self._update_banner()

    def refresh(self) -> None:
        period = self.ctx.period_code
        current = self._current_key()
        if period is None:
            self.sheet = None
            self.model.set_sheet(None)
            self._update_banner()
            self.message.setText(_("No period is open; open one first."))
            return
        if self.sheet is not None and self.sheet.period != period:
            self.stack.clear()
        Task(self, load_entry_sheet, self.ctx.db, self.ctx.actor, period, cancel=self._sheet_reads.next_token()) \
            .success(lambda loaded: self._sheet_loaded(*loaded, current)).start()

    def _sheet_loaded(self, sheet: measurements.EntrySheet, warnings: dict, current) -> None:
        if sheet.period != self.ctx.period_code:  # the period changed while the sheet was read
            return
        self.sheet = sheet
        self.model.set_sheet(self.sheet, locked=self._read_only_reason() is not None, warnings=warnings)
        if self.model.locked:
            self.stack.clear()
        self._fill_template_combo()
        self._fill_kpi_combo()
        self._fit_columns()
        self._show_sort_indicator()
        self._update_banner()
        self._restore_current(current)
        self._note_left_out()
        self.compute(after_paint=True)

    def _note_left_out(self) -> None:
        names = self.sheet.without_template if self.sheet else ()
        self.message.setText(_("Not listed, as their position has no template: {names}").format(
            names="、".join(names)) if names else "")

    def _on_changed(self, changes: Changes) -> None:
        if self._own_writes and not changes & ~Changes.MEASUREMENTS:
            return  # our own save: the grid already shows it
        super()._on_changed(changes)

    def _on_period_changed(self, code: str) -> None:
        if self.sheet is None or self.sheet.period != code:
            self.stack.clear()
            self.mark_stale()

    # -- read-only states ---------------------------------------------------------------------------
    def _read_only_reason(self) -> str | None:
        if self.ctx.read_only:
            return _("This database was written by a newer version of KPI Desk; it is open read-only.")
        if self.ctx.actor.role is Role.AUDITOR:
            return _("You are signed in as an auditor: you can read the data but not change it.")
        sheet = self.sheet
        if sheet is not None and sheet.locked:
            when = format_local_time(sheet.finalized_at, DAY)
            who = sheet.finalized_by or ""
            if when or who:
                return _("Period {period} was finalized by {who} on {when}, so its data is read-only. To change "
                         "anything, reopen the period with a reason on the Results page.").format(
                    period=sheet.period, who=who or "—", when=when or "—")
            return _("Period {period} is finalized, so its data is read-only. To change anything, reopen the "
                     "period with a reason on the Results page.").format(period=sheet.period)
        return None

    def _update_banner(self) -> None:
        reason = self._read_only_reason() if self.ctx.db is not None else None
        self.banner.setText(locked_text(reason) if reason else "")
        self.banner.setVisible(bool(reason))
        self.import_button.setEnabled(self.sheet is not None and reason is None)

    def _refused(self) -> None:
        self.message.setText(_("Nothing was changed: {reason}").format(reason=self._read_only_reason() or ""))

    def _not_editable(self, index) -> None:
        spec = self.model.columns[index.column()]
        person = self.model.rows[index.row()]
        if spec.kind == "field":
            text = self.model.data(index, Qt.ItemDataRole.ToolTipRole)
        else:
            text = _("{column} is computed from the raw fields; type into those instead.").format(
                column=spec.title())
        self.message.setText(text or _("{name}: this cell takes no value.").format(name=person.name))

    # -- template filter ----------------------------------------------------------------------------
    def _fill_template_combo(self) -> None:
        combo = self.template_combo
        wanted = self.model.template_filter or machine.DATA_ENTRY_TEMPLATE.read(self.ctx.settings) or None
        templates: dict[str, str] = {}
        for row in self.sheet.rows if self.sheet else ():
            if row.template_key and row.template_key not in templates:
                templates[row.template_key] = pick(row.template_name_zh, row.template_name_en)
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All templates"), None)
        for key, name in templates.items():
            combo.addItem(name, key)
        index = combo.findData(wanted) if wanted in templates else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        chosen = combo.currentData()
        if chosen != self.model.template_filter:
            self.model.set_template_filter(chosen)

    def _on_template_filter(self, index: int) -> None:
        key = self.template_combo.itemData(index)
        machine.DATA_ENTRY_TEMPLATE.write(self.ctx.settings, key or "")
        current = self._current_key()
        self.model.set_template_filter(key)
        self._fit_columns()
        self._restore_current(current)

    # -- finding and ordering ----------------------------------------------------------------------
    def _fill_kpi_combo(self) -> None:
        combo, wanted = self.kpi_combo, self.model.kpi_filter
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All KPIs"), None)
        for kpi in self.sheet.kpis if self.sheet else ():
            combo.addItem(pick(kpi.name_zh, kpi.name_en), kpi.code)
        combo.setCurrentIndex(max(combo.findData(wanted), 0) if wanted else 0)
        combo.blockSignals(False)
        if combo.currentData() != wanted:
            self.model.set_kpi_filter(combo.currentData())

    def _on_kpi_filter(self, index: int) -> None:
        current = self._current_key()
        self.model.set_kpi_filter(self.kpi_combo.itemData(index))
        self._fit_columns()
        self._show_sort_indicator()
        self._restore_current(current)

    def _on_search(self, text: str) -> None:
        current = self._current_key()
        self.model.set_search(text)
        self._restore_current(current)

    def sort_by_column(self, column: int) -> None:
        """A click on a column header orders the rows by it; a second click reverses the order."""
        if not 0 <= column < len(self.model.columns):
            return
        spec, order = self.model.columns[column], self.model.sort_order
        again = order is not None and (order.kind, order.code) == (spec.kind, spec.code) and not order.descending
        current = self._current_key()
        self.model.sort(column, Qt.SortOrder.DescendingOrder if again else Qt.SortOrder.AscendingOrder)
        self._show_sort_indicator()
        self._restore_current(current)

    def _show_sort_indicator(self) -> None:
        header, order = self.view.horizontalHeader(), self.model.sort_order
        column = next((c for c, spec in enumerate(self.model.columns)
                       if order is not None and (spec.kind, spec.code) == (order.kind, order.code)), -1)
        header.setSortIndicatorShown(column >= 0)
        if column >= 0 and order is not None:
            header.setSortIndicator(column, Qt.SortOrder.DescendingOrder if order.descending
                                    else Qt.SortOrder.AscendingOrder)

    # -- layout helpers -----------------------------------------------------------------------------
    def _fit_columns(self, computed_only: bool = False) -> None:
        """Fit columns to their contents, within limits, except those the user sized (remembered). The
        columns in view are fitted now, the others a few at a time in later turns of the event loop:
        measuring all 56 columns of a big grid kept the window from painting for tens of milliseconds."""
        if not computed_only:  # the columns were laid out anew: what an older fit left for later is dropped
            self._fit_generation += 1
        remembered = self._remembered_widths()
        header = self.view.horizontalHeader()
        measured = []
        self._fitting = True
        try:
            for column, spec in enumerate(self.model.columns):
                if computed_only and spec.kind == "field":
                    continue
                width = remembered.get(f"{spec.kind}:{spec.code}")
                if width:
                    header.resizeSection(column, int(width))
                else:
                    measured.append(column)
        finally:
            self._fitting = False
        in_view = self.view.viewport().width()
        while measured and in_view > 0:
            in_view -= self._fit_column(measured.pop(0))
        self._fitting = True
        try:  # the others show their whole title at once (it needs no cell measured), their values later
            for column in measured:
                header.resizeSection(column, max(64, header.sectionSizeFromContents(column).width()))
        finally:
            self._fitting = False
        self._fit_later(self._fit_generation, measured)

    def _fit_later(self, generation: int, columns: list[int]) -> None:
        """Fit ``FIT_SLICE_COLUMNS`` more columns in a later turn, unless the grid was laid out anew."""
        if generation != self._fit_generation or not columns:
            return
        QTimer.singleShot(0, self, functools.partial(self._fit_slice, generation, columns))

    def _fit_slice(self, generation: int, columns: list[int]) -> None:
        if generation != self._fit_generation:
            return
        for column in columns[:FIT_SLICE_COLUMNS]:
            if column < self.model.columnCount():
                self._fit_column(column)
        self._fit_later(generation, columns[FIT_SLICE_COLUMNS:])

    def _fit_column(self, column: int) -> int:
        """Size one column to a sample of its rows and its title (measured, then sized once); its width."""
        header = self.view.horizontalHeader()
        # long values are capped, never the header: a cut KPI name leaves the column unnamed
        title = header.sectionSizeFromContents(column).width()
        contents = max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))
        width = max(64, title, min(MAX_COLUMN_WIDTH, contents))
        self._fitting = True
        try:
            header.resizeSection(column, width)
        finally:
            self._fitting = False
        return width

    def _remembered_widths(self) -> dict[str, int]:
        return machine.DATA_ENTRY_COLUMN_WIDTHS.read(self.ctx.settings)

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting or not 0 <= column < len(self.model.columns):
            return
        spec = self.model.columns[column]
        widths = self._remembered_widths()
        widths[f"{spec.kind}:{spec.code}"] = new
        machine.DATA_ENTRY_COLUMN_WIDTHS.write(self.ctx.settings, widths)

    def _current_key(self):
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.rows[index.row()].employee_id, self.model.columns[index.column()].code

    def _restore_current(self, key) -> None:
        if key is None:
            first = next((c for c in range(self.model.columnCount()) if self.model.columns[c].kind == "field"), 0)
            if self.model.rowCount():
                self.view.setCurrentIndex(self.model.index(0, first))
            return
        row = self.model.row_of(key[0])
        column = next((c for c, spec in enumerate(self.model.columns) if spec.code == key[1]), -1)
        if row >= 0 and column >= 0:
            self.view.setCurrentIndex(self.model.index(row, column))

    def cell(self, staff_no: str, code: str):
        """The model index of an employee's field (for tests and for links from other pages)."""
        row = next((i for i, r in enumerate(self.model.rows) if r.staff_no == staff_no), -1)
        column = self.model.column_of(code)
        return self.model.index(row, column) if row >= 0 and column >= 0 else self.model.index(-1, -1)

    # -- editing ------------------------------------------------------------------------------------
    def _push_edits(self, edits: list[CellEdit], text: Message) -> None:
        if edits:
            self.stack.push(SetValuesCommand(self, edits, text))

    def save(self, command: SetValuesCommand, values: list[tuple[int, str, float | None]]) -> None:
        """Show ``values`` and save them; a failed save withdraws the command and reloads the grid."""
        self.model.apply(values)
        db, period = self.ctx.db, self.sheet.period
        changes = [measurements.ValueChange(employee_id, code, to_decimal(value))
                   for employee_id, code, value in values]
        self._own_writes += 1
        (Task(self, measurements.save_values, db, self.ctx.actor, period, changes)
         .writes(Changes.MEASUREMENTS)
         .success(self._saved)
         .failure(functools.partial(self._save_failed, command))
         .start())

    def _show_rejection(self, text: str) -> None:
        """The reason goes where "Saved." would be, in the window's status bar too, not only on hover."""
        self.message.setText(text)
        self.message.setProperty("tone", "error")
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)

    def _place_rejection_note(self) -> None:
        """Put the reason to the right of the red cell (to its left near the edge); hide it once none is red."""
        found = self.model.rejected_cell()
        rect = self.view.visualRect(found[0]) if found is not None else None
        if found is None or rect is None or not rect.isValid() \
                or not self.view.viewport().rect().intersects(rect):
            self.rejection_note.hide()
            return
        self.rejection_note.setText(found[1])
        self.rejection_note.adjustSize()
        note = self.rejection_note
        x = rect.right() + 4
        if x + note.width() > self.view.viewport().width():
            x = max(0, rect.left() - note.width() - 4)
        note.move(x, rect.top() + (rect.height() - note.height()) // 2)
        note.show()
        note.raise_()

    def _saved(self, written: int) -> None:
        self._own_writes -= 1
        rejected = self.model.rejected_reason()
        if rejected is not None:  # never "Saved." while a cell is still red
            self._show_rejection(_("Saved the other changes.") + " " + rejected)
        else:
            self.message.setText(_("Saved."))
        self._compute_timer.start()

    def _save_failed(self, command: SetValuesCommand, error: BaseException) -> None:
        self._own_writes -= 1
        command.setObsolete(True)
        self.ctx.dialogs.error(self, error, _("The change was not saved"))
        QTimer.singleShot(0, self.reload)

    def paste(self) -> None:
        if self.model.locked:
            self._refused()
            return
        block = without_copied_header(parse_block(QGuiApplication.clipboard().text()))
        if not block:
            return
        current = self.view.currentIndex()
        selected = self.view.selectionModel().selectedIndexes()
        if current.isValid() and current not in selected:
            selected = [current]  # the active cell wins over a selection it is not part of
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            rows = [index.row() for index in selected]
            columns = [index.column() for index in selected]
            top, left = min(rows), min(columns)
            grid = [[""] * (max(columns) - left + 1) for _r in range(max(rows) - top + 1)]
            for index in selected:
                grid[index.row() - top][index.column() - left] = block[0][0]
            block = grid
        else:
            if selected:
                top, left = min(i.row() for i in selected), min(i.column() for i in selected)
            elif current.isValid():
                top, left = current.row(), current.column()
            else:
                return
        outcome = self.model.plan_paste(top, left, block)
        if outcome.edits:
            self.stack.push(SetValuesCommand(self, outcome.edits, message(N_("Paste {count} values"),
                                                                          count=len(outcome.edits))))
        self._select_block(top, left, block)
        parts = [_("Pasted {count} values.").format(count=len(outcome.edits))]
        if outcome.invalid:
            parts.append(_("{count} cells could not be read (red; not saved).").format(count=outcome.invalid))
        if outcome.skipped:
            parts.append(_("{count} cells fell on cells that take no value and were left out.").format(
                count=outcome.skipped))
        self.message.setText(" ".join(parts))

    def _select_block(self, top: int, left: int, block: list[list[str]]) -> None:
        bottom = min(top + len(block), self.model.rowCount()) - 1
        right = min(left + max(len(r) for r in block), self.model.columnCount()) - 1
        if bottom < top or right < left:
            return
        selection = QItemSelection(self.model.index(top, left), self.model.index(bottom, right))
        self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def copy(self) -> None:
        selected = self.view.selectionModel().selectedIndexes()
        if not selected:
            return
        rows = sorted({i.row() for i in selected})
        columns = sorted({i.column() for i in selected})
        chosen = {(i.row(), i.column()) for i in selected}
        model = self.model
        lines = [person_headers() + [model.columns[c].title() for c in columns]]
        lines += [[model.rows[r].staff_no, model.rows[r].name]
                  + [model.copy_text(r, c) if (r, c) in chosen else "" for c in columns] for r in rows]
        QGuiApplication.clipboard().setText(format_block(lines))

    def clear_selection(self) -> None:
        if self.model.locked:
            self._refused()
            return
        edits = self.model.plan_clear(self.view.selectionModel().selectedIndexes())
        if edits:
            self.stack.push(SetValuesCommand(self, edits, message(N_("Clear {count} values"), count=len(edits))))

    # -- computed columns ---------------------------------------------------------------------------
    def compute(self, *, after_paint: bool = False) -> None:
        """Recompute KPI values, scores, totals and grades in a worker; only the latest answer is shown.
        ``after_paint``: the grid was just filled, so the worker waits for its paint."""
        if self.sheet is None or self.ctx.db is None:
            return
        self._compute_generation += 1
        generation = self._compute_generation
        (Task(self, compute_grid_scores, self.ctx.db, self.ctx.actor, self.sheet.period,
              cancel=self._computations.next_token())
         .rendering()
         .after_paint(self.view.viewport() if after_paint else None)
         .success(lambda computed: self._computed(generation, computed))
         .failure(lambda error: self._compute_failed(generation, error))
         .start())

    def _computed(self, generation: int, computed: Computed) -> None:
        if generation != self._compute_generation:
            return
        fresh = not self.model.computed.kpis and not self.model.computed.totals
        self.model.set_computed(computed)
        if fresh:
            self._fit_columns(computed_only=True)

    def _compute_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._compute_generation:
            self.message.setText(_("Scores could not be computed: {error}").format(error=error))

    # -- import -------------------------------------------------------------------------------------
    def open_import_wizard(self):
        """Open the import wizard for this period (non-blocking); returns it."""
        from kpidesk.ui.import_wizard.wizard import ImportWizard

        if self.wizard is not None:
            self.wizard.close()
        self.wizard = ImportWizard(self.ctx, period=self.sheet.period if self.sheet else None, parent=self)
        self.wizard.open()
        return self.wizard
