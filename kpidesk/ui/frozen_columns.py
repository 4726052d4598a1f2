"""Frozen first columns for a wide table: the staff number and name stay in view while the KPI columns
scroll sideways (Qt's "frozen column" pattern: a second view over the same model and selection, laid
over the table's left edge and kept in step with its column widths, row heights and vertical scroll)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class FrozenColumns(QTableView):
    """Shows the first ``count`` columns (in the table's visual order) of ``table`` on top of it."""

    def __init__(self, table: QTableView, count: int = 2) -> None:
        super().__init__(table)
        self.table = table
        self.count = count
        self.setObjectName(f"{table.objectName() or 'table'}Frozen")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(table.selectionBehavior())
        self.setSelectionMode(table.selectionMode())
        self.setAlternatingRowColors(table.alternatingRowColors())
        self.setWordWrap(table.wordWrap())
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(table.verticalScrollMode())
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(table.horizontalHeader().defaultAlignment())
        self.setFrameShape(QTableView.Shape.NoFrame)
        # a line on the right edge marks where the scrolling columns pass under
        self.setStyleSheet("QTableView { border-right: 1px solid palette(mid); }")
        self._frozen: list[int] = []  # what the last sync froze
        self._adopt_model()
        table.viewport().stackUnder(self)
        # by pixels, so a cell under the frozen columns can be brought out by exactly their width
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

        main = table.horizontalHeader()
        main.sectionResized.connect(self._column_resized)
        main.sectionMoved.connect(self._sync_columns)
        main.sortIndicatorChanged.connect(self._sync_sort)
        table.verticalHeader().sectionResized.connect(self._sync_row)
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        table.selectionModel().currentChanged.connect(self._uncover)
        self.clicked.connect(table.clicked)
        self.doubleClicked.connect(table.doubleClicked)
        self.horizontalHeader().sectionClicked.connect(self._header_clicked)
        table.installEventFilter(self)
        self._sync()

    def _adopt_model(self) -> None:
        model = self.table.model()
        self.setModel(model)
        self.setSelectionModel(self.table.selectionModel())
        for signal in (model.modelReset, model.layoutChanged, model.columnsInserted, model.columnsRemoved):
            signal.connect(self._sync)

    def frozen_columns(self) -> list[int]:
        """The logical columns frozen: the first ``count`` the table shows, in its order."""
        main = self.table.horizontalHeader()
        shown = [main.logicalIndex(visual) for visual in range(main.count())]
        return [column for column in shown if not main.isSectionHidden(column)][: self.count]

    def _sync(self, *_args) -> None:
        """After the model changed: columns, then row heights."""
        self._sync_columns()
        self._sync_rows()

    def _column_resized(self, column: int, old: int, new: int) -> None:
        """A column of the table changed width: only a frozen one changes this view. Fitting a table's
        columns resizes every one of them; going over all columns each time took the UI thread tens of
        milliseconds (a column hidden or shown, sized from or to 0, may change which are frozen)."""
        if old and new:
            if column in self._frozen:
                self.setColumnWidth(column, new)
                self._place()
            return
        self._sync_columns()

    def _sync_columns(self, *_args) -> None:
        """Which columns are frozen, in what order and how wide; no row is visited."""
        frozen = self.frozen_columns()
        self._frozen = frozen
        own = self.horizontalHeader()
        for column in range(own.count()):
            self.setColumnHidden(column, column not in frozen)
        for visual, column in enumerate(frozen):
            own.moveSection(own.visualIndex(column), visual)
            self.setColumnWidth(column, self.table.columnWidth(column))
        self._place()

    def _sync_rows(self) -> None:
        """Rows share the table's default height; only rows sized otherwise are set one by one (setting
        each of 5,000 rows took a third of a second on the UI thread)."""
        main, own = self.table.verticalHeader(), self.verticalHeader()
        if own.defaultSectionSize() != main.defaultSectionSize():
            own.setDefaultSectionSize(main.defaultSectionSize())
        for row in range(self.model().rowCount() if self.model() else 0):
            height = main.sectionSize(row)
            if own.sectionSize(row) != height:
                own.resizeSection(row, height)

    def _sync_row(self, row: int, _old: int, new: int) -> None:
        self.setRowHeight(row, new)

    def _sync_sort(self, column: int, order: Qt.SortOrder) -> None:
        self.horizontalHeader().setSortIndicator(column, order)
        self.horizontalHeader().setSortIndicatorShown(self.table.horizontalHeader().isSortIndicatorShown())

    def _header_clicked(self, column: int) -> None:
        """A click on a frozen header sorts the table as a click on its own header would."""
        if self.table.isSortingEnabled():
            main = self.table.horizontalHeader()
            ascending = main.sortIndicatorSection() != column or main.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            self.table.sortByColumn(column, Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder)

    def _uncover(self, current, _previous=None) -> None:
        """A current cell that scrolled under the frozen columns (moving left with the keys) is brought out."""
        if not current.isValid() or current.column() in self.frozen_columns():
            return
        left = self.table.columnViewportPosition(current.column())
        hidden = self.width() - 1 - left
        if hidden > 0:
            bar = self.table.horizontalScrollBar()
            bar.setValue(bar.value() - hidden)

    def _place(self) -> None:
        table = self.table
        width = sum(table.columnWidth(column) for column in self._frozen)
        left = table.frameWidth() + (table.verticalHeader().width() if table.verticalHeader().isVisible() else 0)
        height = table.viewport().height() + table.horizontalHeader().height()
        self.setGeometry(left, table.frameWidth(), width + 1, height)
        self.setVisible(width > 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest):
            self._place()
        return False
